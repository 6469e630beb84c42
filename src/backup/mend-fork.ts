/**
 * Mends a backup chain that forked from this repository's while holding nothing this one lacks.
 *
 * How it forks: before 2026-12-05 `guard gc` applied the backup's own retention to a chain this
 * repository kept whole (a rollback's pinned snapshots), dropping snapshots there alone and
 * rewriting the backup's chain. Every later push of that chain is then a non-fast-forward, which
 * the backup refuses by design (store.ts: a push never shortens its history), so the backup
 * silently stopped taking that chain's snapshots.
 *
 * The mend is safe only where the backup's chain holds no snapshot this repository's lacks: each
 * of its snapshots (same tree, same index and keeper parents, same time; what gc's rewrite keeps)
 * is one of this chain's. Then pointing the backup's ref at this chain loses nothing: its commits
 * are copies of ours with other parents. Anything else (another repository pushed into this
 * backup, a backup that kept snapshots this repository's gc dropped) is left as it is and the
 * push's refusal stands, with its advice (push-diagnosis.ts).
 *
 * Runs only after a push was refused (mirror.ts), for a local backup, under its push lock: local
 * plumbing in the backup (a fetch from this repository into a scratch ref, then one `update-ref
 * --stdin` transaction checking the backup's old head), never a forced push.
 */
import type { Repo } from '../git/repo.js';
import { gitText, runGit } from '../git/run.js';
import { readChainCommits, type ChainCommit } from './chain-commits.js';
import type { RefRejection } from './push-status.js';
import { inBackup } from './store.js';

export interface MendedChain {
  ref: string;
  /** The backup's head before, and after (this repository's head). */
  from: string;
  to: string;
  /** Snapshots the backup's forked chain held (each also in this repository's), and now holds. */
  before: number;
  after: number;
}

/** A chain head (refs/guard/main/head, refs/guard/worktrees/ID/head): the refs that can fork so. */
const CHAIN_HEAD = /^refs\/guard\/(?:main|worktrees\/[^/]+)\/head$/;
const SCRATCH = 'refs/guard-mend/head';

/** What gc's rewrite keeps of a snapshot: its tree, its non-chain parents (index, keepers), its time. */
function identity(commit: ChainCommit): string {
  return `${commit.tree} ${commit.parents.slice(1).join(',')} ${commit.meta.time}`;
}

async function headOf(ctx: { cwd: string; env?: Record<string, string | undefined> }, ref: string): Promise<string | null> {
  const { stdout, code } = await runGit(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { ...ctx, okCodes: [1] });
  return code === 0 ? stdout.toString('utf8').trim() : null;
}

/** Mends each refused chain whose backup copy is a subset of this repository's; returns those mended. */
export async function mendForkedChains(repo: Repo, backup: string, rejected: readonly RefRejection[]): Promise<MendedChain[]> {
  const ctx = inBackup(backup);
  const live = { cwd: repo.root };
  const mended: MendedChain[] = [];
  for (const ref of new Set(rejected.map((r) => r.ref).filter((r) => CHAIN_HEAD.test(r)))) {
    const [here, there] = await Promise.all([headOf(live, ref), headOf(ctx, ref)]);
    if (!here || !there || here === there) continue;
    const [ours, theirs] = await Promise.all([readChainCommits(live, here), readChainCommits(ctx, there)]);
    const held = new Set(ours.map(identity));
    if (theirs.length === 0 || !theirs.every((c) => held.has(identity(c)))) continue;
    try {
      // The objects first, into a scratch ref (a fetch runs no hook in the backup; core.hooksPath there holds only the update hook pushes run).
      await runGit(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', repo.commonDir, `+${ref}:${SCRATCH}`], ctx);
      const to = await gitText(['rev-parse', '--verify', SCRATCH], ctx);
      // A snapshot may have landed here since `here` was read: the fetched head extends `here`, so it holds every one of theirs too.
      await runGit(['update-ref', '--stdin', '-m', 'guard: mend a chain an older gc forked'], { ...ctx, input: `update ${ref} ${to} ${there}\ndelete ${SCRATCH} ${to}\n` });
      mended.push({ ref, from: there, to, before: theirs.length, after: to === here ? ours.length : (await readChainCommits(ctx, to)).length });
    } catch {
      // Not mended (the fetch or the transaction failed: the backup's head moved meanwhile): the refusal stands, with its advice.
      await runGit(['update-ref', '-d', SCRATCH], { ...ctx, okCodes: [1] }).catch(() => undefined);
    }
  }
  return mended;
}
