/**
 * `guard gc`: retention for the snapshot store and its backup (retention.ts decides what stays).
 *
 * A chain is first-parent linked (format.ts), so dropping snapshots means re-creating every kept
 * snapshot after the first dropped one with a new parent: same tree, same index and keeper
 * parents, same author and dates, metadata with the new `previous` and recounted changes. The
 * rewrite is deterministic, so the backup gets exactly the same commits by running the same
 * rewrite in place (no push: the backup refuses non-fast-forward pushes, on purpose). Kept
 * snapshots before the first dropped one keep their ids. Sessions and the last rollback are
 * pointed at the new ids.
 *
 * Space: the chain heads move under guard's internal token with their old values checked (a
 * snapshot that lands meanwhile makes gc redo that chain). Then loose objects no ref reaches any
 * more are pruned, but only those older than keepMs (never younger than an hour): everything a
 * dropped snapshot held is at least that old, and anything newer (the user's own dangling objects,
 * an operation in flight) is left alone. The backup is repacked and pruned the same way.
 */
import { diskUsage } from '../git/compat.js';
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { withInternalToken } from '../git/internal-token.js';
import { GUARD_IDENTITY } from '../git/objects.js';
import type { Repo } from '../git/repo.js';
import { gitText, runGit } from '../git/run.js';
import { isAncestor } from '../git/revs.js';
import { readInProgress, readLastRollback, writeLastRollback } from '../restore/journal.js';
import { listSessions, remapStartSnapshots } from '../session/store.js';
import { encodeMessage, type ChangeCounts, type SnapshotMeta } from '../snapshot/format.js';
import { tallyChanges } from '../snapshot/change-counts.js';
import { pathFromText } from '../git/path.js';
import { ALL_CHAIN_HEADS, GUARD_REF_PREFIX } from '../snapshot/refs.js';
import { readLink } from './link.js';
import { pushBackup, type MirrorSettings } from './mirror.js';
import { withAsyncFileLock } from '../util/async-lock.js';
import { updatePushStatus } from './push-status.js';
import { DAY_MS, HOUR_MS, planRetention } from './retention.js';
import { inBackup, isBackupRepo, objectBytes } from './store.js';
import { dropUnnamedLfsObjects, type LfsDrop } from './lfs-gc.js';
import { localLfsObjects } from './lfs-objects.js';
import { readChainCommits, type ChainCommit, type GitCtx } from './chain-commits.js';
import { trimKeepChain, type KeepTrim } from '../githooks/keep.js';

export interface GcOptions {
  dryRun?: boolean;
  /** Keep snapshots younger than this (milliseconds). */
  keepMs: number;
  keepSessions: number;
  now?: number;
}

export interface ChainReport {
  ref: string;
  before: number;
  after: number;
  dropped: string[];
  /** Kept snapshots that got a new id (old -> new). */
  renamed: number;
}

export interface GcReport {
  dryRun: boolean;
  chains: ChainReport[];
  /** Bytes only dropped snapshots hold (estimate before pruning). */
  reclaimableBytes: number;
  /** Bytes freed in the live repository (0 for a dry run). */
  reclaimedBytes: number;
  /**
   * The backup's part: chains pruned (or that would be, dryRun) and the snapshots they lose, chains
   * left as they are, its LFS objects (for a dry run a lower bound: objects only the dropped
   * snapshots' pointers name go once git has pruned those pointers).
   */
  backup: { path: string; chains: number; snapshots: number; reclaimedBytes: number; skipped: string[]; lfs?: LfsDrop } | null;
  /** Loose objects older than this were pruned. */
  pruneCutoff: string;
  /** The keep chain trimmed to the retention (null: there is none). */
  keepChain?: KeepTrim | null;
}

async function emptyTreeIn(ctx: GitCtx): Promise<string> {
  return gitText(['mktree'], { ...ctx, input: '' });
}

/**
 * `changes` against the kept snapshot before (change-counts.ts). Whether a file the one before
 * captured was gone cannot be asked of the disk any more: gone unless this snapshot still holds
 * it (`heldIgnored`: on disk, unchanged; an edited one counts as deleted here).
 */
async function countChanges(ctx: GitCtx, from: { tree: string; meta: SnapshotMeta } | null, to: { tree: string; meta: SnapshotMeta }): Promise<ChangeCounts> {
  const base = from?.tree ?? (await emptyTreeIn(ctx));
  if (base === to.tree) return { added: 0, modified: 0, deleted: 0 };
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-status', base, to.tree], ctx);
  const before = from?.meta.ignored;
  const gone = new Set((before ?? []).filter((text) => to.meta.heldIgnored?.[text] === undefined).map((text) => pathFromText(text) as string));
  return tallyChanges(stdout.toString('latin1'), { now: to.meta.ignored, before, gone });
}

/**
 * The kept snapshots and the snapshots holding the bytes their `heldIgnored` records point at
 * (format.ts: an ignored `.env` a session start captured, still on disk unchanged at a later
 * snapshot, is brought back by a rollback to that later one from the holder). Dropping a holder
 * would take those bytes with it while the record still promises them. Until the fixpoint: a
 * holder kept only for this may hold records of its own.
 */
function withHolders(commits: ChainCommit[], keep: ReadonlySet<string>): Set<string> {
  const byOid = new Map(commits.map((c) => [c.oid, c]));
  const kept = new Set(keep);
  const pending = [...kept];
  while (pending.length > 0) {
    const commit = byOid.get(pending.pop()!);
    for (const record of Object.values(commit?.meta.heldIgnored ?? {})) {
      if (record.in !== undefined && byOid.has(record.in) && !kept.has(record.in)) {
        kept.add(record.in);
        pending.push(record.in);
      }
    }
  }
  return kept;
}

/** `heldIgnored` records pointing at holders the rewrite gave new ids (older than the record: renamed already). */
function remapHeld(held: SnapshotMeta['heldIgnored'], renamed: ReadonlyMap<string, string>): SnapshotMeta['heldIgnored'] {
  if (!held) return held;
  return Object.fromEntries(Object.entries(held).map(([text, record]) => [text, record.in !== undefined && renamed.has(record.in) ? { ...record, in: renamed.get(record.in)! } : record]));
}

/** Re-creates the kept snapshots on a chain without the dropped ones; returns the new head and old->new ids. */
async function rewriteChain(ctx: GitCtx, commits: ChainCommit[], keep: ReadonlySet<string>): Promise<{ head: string; renamed: Map<string, string> }> {
  const oldest = commits[commits.length - 1]!;
  const root = oldest.parents[0]!;
  let previous: string | null = null;
  let previousKept: { tree: string; meta: SnapshotMeta } | null = null;
  const renamed = new Map<string, string>();
  for (const commit of [...commits].reverse()) {
    if (!keep.has(commit.oid)) continue;
    const parent = previous ?? root;
    if (commit.parents[0] === parent) {
      previous = commit.oid;
      previousKept = commit;
      continue;
    }
    // Spread keeps the key order, so the same rewrite gives the same bytes (and ids) everywhere.
    const meta: SnapshotMeta = { ...commit.meta, previous, changes: await countChanges(ctx, previousKept, commit), ...(commit.meta.heldIgnored ? { heldIgnored: remapHeld(commit.meta.heldIgnored, renamed) } : {}) };
    const oid = await gitText(['commit-tree', commit.tree, ...[parent, ...commit.parents.slice(1)].flatMap((p) => ['-p', p])], {
      ...ctx,
      input: encodeMessage(meta),
      env: {
        ...ctx.env,
        ...GUARD_IDENTITY,
        GIT_AUTHOR_NAME: commit.author.name,
        GIT_AUTHOR_EMAIL: commit.author.email,
        GIT_AUTHOR_DATE: commit.author.date,
        GIT_COMMITTER_NAME: commit.committer.name,
        GIT_COMMITTER_EMAIL: commit.committer.email,
        GIT_COMMITTER_DATE: commit.committer.date,
      },
    });
    renamed.set(commit.oid, oid);
    previous = oid;
    previousKept = { tree: commit.tree, meta };
  }
  return { head: previous!, renamed };
}

async function chainHeads(ctx: GitCtx): Promise<Map<string, string>> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', ...ALL_CHAIN_HEADS], ctx);
  const heads = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\n')) if (line) heads.set(line.slice(line.indexOf(' ') + 1), line.slice(0, line.indexOf(' ')));
  return heads;
}

/** The Repo of the worktree a chain belongs to (for its session store), when that worktree still exists. */
function worktreeRepo(repo: Repo, ref: string): Repo | null {
  const id = ref.slice(GUARD_REF_PREFIX.length, -'/head'.length);
  if (id === 'main') return { ...repo, gitDir: repo.commonDir, isLinkedWorktree: false };
  let name: string;
  try {
    name = decodeURIComponent(id.slice('worktrees/'.length));
  } catch {
    return null;
  }
  const gitDir = path.join(repo.commonDir, 'worktrees', name);
  return fs.existsSync(gitDir) ? { ...repo, gitDir, isLinkedWorktree: true } : null;
}

/** Snapshots something still points at: open sessions' starts, the last rollback's two states. */
async function pinnedFor(wt: Repo | null): Promise<Set<string>> {
  const pinned = new Set<string>();
  if (!wt) return pinned;
  for (const session of listSessions(wt)) if (session.endedAt === null) pinned.add(session.startSnapshot);
  const last = await readLastRollback(wt);
  if (last) {
    pinned.add(last.pre);
    pinned.add(last.target);
  }
  return pinned;
}

/** Bytes of objects that only dropped snapshots reach (their trees and index trees). */
async function exclusiveBytes(ctx: GitCtx, dropped: ChainCommit[], kept: ChainCommit[]): Promise<number> {
  if (dropped.length === 0) return 0;
  const trees = (list: ChainCommit[]) => [...new Set(list.flatMap((c) => [c.tree, c.meta.indexTree].filter((t): t is string => typeof t === 'string')))];
  // Arguments, not --stdin: git before 2.42 does not read --not/--branches from stdin. A chain has
  // a few thousand snapshots at most, well within the command-line limit.
  const result = await runGit(['rev-list', '--objects', '--disk-usage', ...trees(dropped), '--not', ...trees(kept), '--branches', '--tags'], { ...ctx, okCodes: [128] });
  return result.code === 0 ? Number(result.stdout.toString('utf8').trim()) || 0 : 0;
}

/**
 * Loose objects younger than this are never pruned, whatever the retention: another git process
 * (a commit, a snapshot) may have written them and not yet pointed a ref at them.
 */
const PRUNE_FLOOR_MS = HOUR_MS;

/** The prune expiry as a date git parses: keepMs ago, never less than an hour. */
function pruneAt(keepMs: number, now: number): Date {
  return new Date(now - Math.max(keepMs, PRUNE_FLOOR_MS));
}

function cutoff(keepMs: number, now: number): string {
  const at = pruneAt(keepMs, now);
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

export async function runGc(repo: Repo, settings: MirrorSettings, options: GcOptions): Promise<GcReport> {
  const now = options.now ?? Date.now();
  const dryRun = options.dryRun === true;
  if (await readInProgress(repo)) {
    throw new GuardError('refused', 'a rollback is in progress (or was interrupted); gc changed nothing', {
      hints: ['Finish it with `guard rollback --resume --yes` or reverse it with `guard rollback --undo --yes`, then run gc again.'],
    });
  }
  const live: GitCtx = { cwd: repo.root };
  const link = readLink(repo);
  const backupPath = link && isBackupRepo(link.path) ? link.path : null;
  // First make the backup hold everything, so both sides start from the same chains.
  if (backupPath && !dryRun) await pushBackup(repo, settings, { automatic: true });

  const report: GcReport = { dryRun, chains: [], reclaimableBytes: 0, reclaimedBytes: 0, backup: null, pruneCutoff: pruneAt(options.keepMs, now).toISOString() };
  const plans = new Map<string, ChainPlan>();
  const bytesBefore = dryRun ? 0 : await objectBytes(repo.commonDir);
  let rewritten = false;

  for (const [ref] of await chainHeads(live)) {
    const wt = worktreeRepo(repo, ref);
    for (let attempt = 0; ; attempt++) {
      const oldHead = (await chainHeads(live)).get(ref);
      if (!oldHead) break;
      const commits = await readChainCommits(live, oldHead);
      if (commits.length === 0) break;
      const plan = planRetention(
        commits.map((c) => ({ oid: c.oid, time: c.meta.time, session: c.meta.session })),
        { keepMs: options.keepMs, keepSessions: options.keepSessions, now, pinned: await pinnedFor(wt) },
      );
      plan.keep = withHolders(commits, plan.keep);
      const dropped = commits.filter((c) => !plan.keep.has(c.oid));
      const chainReport: ChainReport = { ref, before: commits.length, after: plan.keep.size, dropped: dropped.map((c) => c.oid), renamed: 0 };
      if (dropped.length === 0) {
        // Kept whole here, so kept whole in the backup too: the backup's own retention knows no pins
        // (an open session's start, the last rollback), and pruning there alone would fork its
        // chain from this one, which refuses every later push of it (non-fast-forward).
        plans.set(ref, { oldHead, keep: plan.keep, newHead: oldHead, dropped: 0 });
        report.chains.push(chainReport);
        break;
      }
      report.reclaimableBytes += await exclusiveBytes(live, dropped, commits.filter((c) => plan.keep.has(c.oid)));
      if (dryRun) {
        plans.set(ref, { oldHead, keep: plan.keep, newHead: oldHead, dropped: dropped.length });
        report.chains.push(chainReport);
        break;
      }
      const { head, renamed } = await rewriteChain(live, commits, plan.keep);
      const moved = await withInternalToken(repo, (env) =>
        runGit(['update-ref', '-m', 'guard: gc', ref, head, oldHead], { cwd: repo.root, env: { ...env, ...GUARD_IDENTITY }, okCodes: [1, 128] }),
      );
      if (moved.code !== 0) {
        // A snapshot landed meanwhile: plan this chain again from its new head.
        if (attempt < 3) continue;
        throw new GuardError('git', `could not rewrite ${ref}: ${moved.stderr.trim()}`, { hints: ['Run `guard gc` again.'] });
      }
      rewritten = true;
      chainReport.renamed = renamed.size;
      report.chains.push(chainReport);
      plans.set(ref, { oldHead, keep: plan.keep, newHead: head, dropped: dropped.length });
      if (wt) {
        remapStartSnapshots(wt, renamed);
        const last = await readLastRollback(wt);
        if (last && (renamed.has(last.pre) || renamed.has(last.target))) {
          await writeLastRollback(wt, { ...last, pre: renamed.get(last.pre) ?? last.pre, target: renamed.get(last.target) ?? last.target });
        }
      }
      break;
    }
  }

  // The keep chain (refs/guard/keep/head) under the same retention: tips kept longer ago go, the
  // rest fold into one commit (githooks/keep.ts trimKeepChain). Its objects go with the prune below.
  report.keepChain = await trimKeepChain(repo, options.keepMs, { now, dryRun });
  if (!dryRun) {
    // Only guard's own loose objects become unreachable here; the cutoff keeps everything newer.
    await runGit(['prune', `--expire=${cutoff(options.keepMs, now)}`], { cwd: repo.root });
    report.reclaimedBytes = Math.max(0, bytesBefore - (await objectBytes(repo.commonDir)));
    if (rewritten && settings.backup.remote) {
      updatePushStatus(repo, (status) => {
        status.remoteNeedsForce = true;
      });
    }
  }
  // Under the push lock (mirror.ts): a background push must not land between reading and rewriting the backup's chains.
  if (backupPath) report.backup = dryRun ? await gcBackup(repo, backupPath, plans, options, now, dryRun) : await withAsyncFileLock(`${backupPath}.push-lock`, () => gcBackup(repo, backupPath, plans, options, now, dryRun));
  return report;
}

/** What gc did (or would do) to one live chain, for the backup to do the same. */
interface ChainPlan {
  oldHead: string;
  keep: Set<string>;
  /** The rewritten head (oldHead for a dry run or a chain kept whole). */
  newHead: string;
  /** Snapshots dropped; 0: kept whole, and so in the backup too. */
  dropped: number;
}

/**
 * Applies the same retention to the backup: the same rewrite for chains in step with the live ones.
 * A dry run changes nothing and says what the real run would do; the real run pushes first, so a
 * backup chain behind this repository's counts as in step there.
 */
async function gcBackup(repo: Repo, backup: string, plans: Map<string, ChainPlan>, options: GcOptions, now: number, dryRun: boolean) {
  const ctx: GitCtx = inBackup(backup);
  const result: NonNullable<GcReport['backup']> = { path: backup, chains: 0, snapshots: 0, reclaimedBytes: 0, skipped: [] };
  const before = dryRun ? 0 : await objectBytes(backup);
  for (const [ref, head] of await chainHeads(ctx)) {
    const plan = plans.get(ref);
    if (plan && plan.dropped === 0) continue; // kept whole here (runGc): nothing to read or rewrite
    if (plan && plan.oldHead !== head && !(dryRun && (await isAncestor(repo, head, plan.oldHead)))) {
      result.skipped.push(`${ref}: the backup's chain differs from this repository's; left as it is`);
      continue;
    }
    if (plan && dryRun) {
      result.chains++;
      result.snapshots += plan.dropped;
      continue;
    }
    const commits = await readChainCommits(ctx, head);
    let keep: Set<string>;
    if (plan) {
      keep = plan.keep;
    } else {
      // A chain only the backup has (a removed worktree): the same rules, nothing pinned.
      const own = planRetention(commits.map((c) => ({ oid: c.oid, time: c.meta.time, session: c.meta.session })), { keepMs: options.keepMs, keepSessions: options.keepSessions, now });
      if (own.drop.length === 0) continue;
      keep = withHolders(commits, own.keep);
    }
    const dropped = commits.filter((c) => !keep.has(c.oid)).length;
    if (dropped === 0) continue;
    if (dryRun) {
      result.chains++;
      result.snapshots += dropped;
      continue;
    }
    const { head: newHead } = await rewriteChain(ctx, commits, keep);
    if (plan && newHead !== plan.newHead) {
      result.skipped.push(`${ref}: rewriting gave ${newHead.slice(0, 12)}, not ${plan.newHead.slice(0, 12)} as here; left as it is`);
      continue;
    }
    // Local plumbing, not a push: the backup's receive.denyNonFastForwards is for pushes.
    await runGit(['update-ref', '-m', 'guard: gc', ref, newHead, head], ctx);
    result.chains++;
    result.snapshots += dropped;
  }
  if (dryRun) {
    const lfs = await dropUnnamedLfsObjects({ ...ctx, dir: backup }, { cwd: repo.root, objects: localLfsObjects(repo) }, true);
    if (lfs) result.lfs = lfs;
    return result;
  }
  if (result.chains > 0) {
    await runGit(['reflog', 'expire', '--expire-unreachable=now', '--all'], ctx);
    await runGit(['gc', '--quiet', `--prune=${cutoff(options.keepMs, now)}`], ctx);
  }
  result.reclaimedBytes = Math.max(0, before - (await objectBytes(backup)));
  // The Git LFS objects no kept snapshot's pointer names and this repository no longer has
  // (lfs-gc.ts); after the backup's own gc, so the pointers counted are the kept ones.
  const lfs = await dropUnnamedLfsObjects({ ...ctx, dir: backup }, { cwd: repo.root, objects: localLfsObjects(repo) }, false);
  if (lfs) result.lfs = lfs;
  return result;
}

/**
 * Bytes of the objects only guard's refs keep alive (what the snapshot store costs on top of the
 * repository); null when git cannot tell (before 2.38).
 */
export function storeBytes(repo: Repo): Promise<number | null> {
  return diskUsage(repo, [`--glob=${GUARD_REF_PREFIX}*`, '--not', '--branches', '--tags', '--remotes']);
}

const AUTO_EVERY_MS = DAY_MS;

/**
 * Runs gc when the store has grown past `snapshot.retention.maxStoreSize` (at most once a day;
 * the watcher calls this now and then). Returns the report, or null when nothing was due.
 */
export async function autoGc(repo: Repo, policy: MirrorSettings & { snapshot: { retention: { keepDays: number; keepSessions: number; maxStoreSize: number } } }): Promise<GcReport | null> {
  const limit = policy.snapshot.retention.maxStoreSize;
  if (limit <= 0) return null;
  const marker = path.join(repo.commonDir, 'guard', 'gc-auto.json');
  try {
    const last = JSON.parse(fs.readFileSync(marker, 'utf8')) as { time?: string };
    if (last.time && Date.now() - Date.parse(last.time) < AUTO_EVERY_MS) return null;
  } catch {
    // never ran
  }
  const size = await storeBytes(repo);
  if (size === null || size <= limit) return null;
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, `${JSON.stringify({ time: new Date().toISOString(), storeBytes: size })}\n`);
  return runGc(repo, policy, { keepMs: policy.snapshot.retention.keepDays * DAY_MS, keepSessions: policy.snapshot.retention.keepSessions });
}
