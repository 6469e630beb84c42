/**
 * The snapshots of one chain as commits, newest first (the chain is first-parent linked:
 * snapshot/format.ts), read with one `git log`: what retention (gc.ts) rewrites and what the
 * mend of a forked backup chain (mend-fork.ts) compares.
 */
import { runGit, splitNul } from '../git/run.js';
import { decodeMessage, type SnapshotMeta } from '../snapshot/format.js';

/** Where git runs: the live repository's root, or a backup (store.ts inBackup). */
export interface GitCtx {
  cwd: string;
  env?: Record<string, string | undefined>;
}

export interface Ident {
  name: string;
  email: string;
  /** Raw git date: "<unix seconds> <tz>". */
  date: string;
}

export interface ChainCommit {
  oid: string;
  parents: string[];
  tree: string;
  author: Ident;
  committer: Ident;
  meta: SnapshotMeta;
}

const SEP = '\x1f\x1eguard-gc\x1e\x1f';

/** The chain's snapshots from `tip` back, the chain root (no snapshot metadata) left out. */
export async function readChainCommits(ctx: GitCtx, tip: string): Promise<ChainCommit[]> {
  const format = ['%H', '%P', '%T', '%an', '%ae', '%ad', '%cn', '%ce', '%cd', '%B'].join(SEP);
  const { stdout } = await runGit(['log', '--first-parent', '-z', '--date=raw', `--format=${format}`, tip, '--'], ctx);
  const commits: ChainCommit[] = [];
  for (const record of splitNul(stdout)) {
    const [oid, parents, tree, an, ae, ad, cn, ce, cd, body] = record.split(SEP) as [string, string, string, string, string, string, string, string, string, string];
    const meta = decodeMessage(body ?? '');
    if (!meta) break; // the chain root
    commits.push({ oid, parents: parents.split(' ').filter(Boolean), tree, author: { name: an, email: ae, date: ad }, committer: { name: cn, email: ce, date: cd }, meta });
  }
  return commits;
}
