/**
 * What a rollback will change, computed before anything is touched: files to write, create and
 * delete; refs to move, create and delete; HEAD; the stash list. Pure data, shown to the person
 * (and in --json) before they confirm.
 */
import { planBranchConfig, type BranchConfigChange } from './branch-config.js';
import { planRemoteConfig, type RemoteConfigPlan } from './remote-config.js';
import fs from 'node:fs';
import { worktreeListRecords } from '../git/compat.js';
import { gitPaths, type Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { gitPathsOf, pathText, type GitPath } from '../git/path.js';
import type { HeadState, Snapshot, StashEntry } from '../snapshot/format.js';
import type { OperationPlan } from './operation-plan.js';
import type { NotRestored } from './captured-ignored.js';
import { isPerWorktreeRef } from '../snapshot/repo-state.js';

export interface FileChange {
  /** The name as git gave it, byte-exact (see git/path.ts); pathText() shows it. */
  path: GitPath;
  action: 'write' | 'create' | 'delete';
  /**
   * What the goal has at the path (for a delete: what is there now). A submodule comes back as
   * its gitlink and an empty directory: its files return with `git submodule update --init`.
   */
  kind: 'file' | 'symlink' | 'submodule';
  /** For a submodule: the commit its gitlink records in the goal (now, for a delete). */
  commit?: string;
  /**
   * For a submodule coming back: the commit the goal's index stages for it, when that is not
   * `commit` (commits made in the submodule and not yet `git add`ed in this repository).
   * `git submodule update` checks the staged one out, so the recorded one takes one more step.
   */
  staged?: string;
}

/** A FileChange for --json and for people: the name as text (git-quoted when it is not UTF-8). */
export function fileChangeView(change: FileChange): { path: string; action: FileChange['action']; kind: FileChange['kind']; commit?: string } {
  return { ...change, path: pathText(change.path) };
}

function kindOf(mode: string): FileChange['kind'] {
  return mode === '160000' ? 'submodule' : mode === '120000' ? 'symlink' : 'file';
}

export interface RefChange {
  ref: string;
  /** null: the ref does not exist now (it will be created). */
  from: string | null;
  /** null: the ref will be deleted (it lives on in the pre-rollback snapshot). */
  to: string | null;
}

/**
 * A branch's upstream (`branch.<name>.remote` and `.merge`) going back to the target's: written
 * for a branch the rollback brings back (`git branch -D` removed them with it), removed for one it
 * deletes, changed for one whose upstream was set or changed since (restore/upstreams.ts).
 */
export interface UpstreamChange {
  /** The branch's refname (refs/heads/...). */
  ref: string;
  /** null: the config has neither key now. */
  from: { remote: string; merge: string } | null;
  /** null: both keys are removed. */
  to: { remote: string; merge: string } | null;
}

export interface SkippedRef {
  ref: string;
  reason: string;
}

export interface RollbackPlan {
  target: string;
  files: FileChange[];
  indexChanges: boolean;
  refs: RefChange[];
  /** Branch upstreams that go back to the target's; absent when none changes (and for a target written before they were recorded), and when `branchConfig` does it. */
  upstreams?: UpstreamChange[];
  /** Branch config sections that go back to the target's (restore/branch-config.ts); absent when none changes or either snapshot predates them. */
  branchConfig?: BranchConfigChange[];
  /** Remotes (`remote.<name>.*`) that go back to the target's (restore/remote-config.ts); absent when none changes or either snapshot predates them. */
  remoteConfig?: RemoteConfigPlan;
  skippedRefs: SkippedRef[];
  head: { from: HeadState; to: HeadState } | null;
  stash: { from: StashEntry[]; to: StashEntry[] } | null;
  /** git's operation in progress (merge, ...) in the target or now; absent when neither has one. */
  operation?: OperationPlan;
  /** Ignored files a later snapshot captured (before a command deleted them) that come back. */
  capturedIgnored?: string[];
  /**
   * Captured ignored files that differ from what is there now and do not come back (the target has
   * a directory where one goes, a nested repository or a symlink is there): named, with the
   * snapshot that holds each, so none is left out without a word.
   */
  capturedNotRestored?: NotRestored[];
  /**
   * Database logs (SQLite's `-wal`/`-shm`, a hot `-journal`, DuckDB's `.wal`) among the files it
   * deletes: pages of a later state that the database would replay at its next open
   * (database-side-files.ts). Names as text.
   */
  databaseLogs?: string[];
  /** The sparse-checkout view (pattern file, settings) changes back to the target's; absent when it does not. */
  sparse?: true;
  /**
   * Git LFS files it writes whose object is in neither `.git/lfs/objects` nor the backup
   * (lfs-restore.ts): the rollback refuses, or with `lfsPointers` writes them as their pointers.
   */
  lfsMissing?: Array<{ path: GitPath; oid: string }>;
}

export async function diffTrees(repo: Repo, from: string, to: string, pathspecs: string[] = []): Promise<FileChange[]> {
  if (from === to) return [];
  // Raw format, -z: ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0"; the modes
  // tell a submodule (160000) from a file, and the path stays bytes.
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', from, to, '--', ...pathspecs], { cwd: repo.root });
  const parts = gitPathsOf(stdout);
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [oldMode, newMode, oldOid, newOid, status] = parts[i]!.slice(1).split(' ') as [string, string, string, string, string];
    const action = status === 'A' ? 'create' : status === 'D' ? 'delete' : 'write';
    const [mode, oid] = action === 'delete' ? [oldMode, oldOid] : [newMode, newOid];
    const kind = kindOf(mode);
    changes.push({ path: parts[i + 1]!, action, kind, ...(kind === 'submodule' ? { commit: oid } : {}) });
  }
  return changes;
}

/**
 * Marks the submodules coming back whose staged gitlink (in `indexTree`) differs from the one in
 * the working tree: one ls-tree, and only when a submodule comes back at all.
 */
export async function markStagedGitlinks(repo: Repo, changes: FileChange[], indexTree: string | null): Promise<void> {
  const back = changes.filter((c) => c.kind === 'submodule' && c.action !== 'delete');
  if (back.length === 0 || !indexTree) return;
  const { stdout } = await runGit(['ls-tree', '-r', '-z', indexTree], { cwd: repo.root });
  const staged = new Map<string, string>();
  for (const entry of gitPathsOf(stdout)) {
    // `<mode> <type> <oid>\t<path>`
    const tab = entry.indexOf('\t');
    const [mode, , oid] = entry.slice(0, tab).split(' ');
    if (mode === '160000' && oid) staged.set(entry.slice(tab + 1), oid);
  }
  for (const change of back) {
    const oid = staged.get(change.path);
    if (oid && oid !== change.commit) change.staged = oid;
  }
}

/** Branches checked out in other worktrees: moving them would pull the rug from under those. */
async function branchesOfOtherWorktrees(repo: Repo): Promise<Set<string>> {
  const result = new Set<string>();
  // git lists the linked worktrees from the entries of this directory (its path is git's answer,
  // asked with the repository's own by openRepo): without one, there is no worktree but this one,
  // and no `git worktree list` to start. (Read now, as the list was: a worktree added after the
  // plan is as unseen either way.)
  const [records] = (await gitPaths(repo, ['worktrees'])).paths;
  if (records && !linkedWorktreesMayExist(records)) return result;
  let current: { path?: string; branch?: string } = {};
  const flush = (): void => {
    if (current.branch && current.path && current.path !== repo.root) result.add(current.branch);
    current = {};
  };
  for (const field of await worktreeListRecords(repo)) {
    if (field === '') flush();
    else if (field.startsWith('worktree ')) {
      flush();
      current.path = field.slice('worktree '.length);
    } else if (field.startsWith('branch ')) current.branch = field.slice('branch '.length);
  }
  flush();
  return result;
}

/** Whether git's worktree records directory has an entry (a linked worktree, or one being added). */
function linkedWorktreesMayExist(records: string): boolean {
  try {
    return fs.readdirSync(records).length > 0;
  } catch (error) {
    // Not there: no linked worktree. Anything else (unreadable): ask git, as before.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export async function planRefs(repo: Repo, now: Snapshot, target: Snapshot): Promise<Pick<RollbackPlan, 'refs' | 'upstreams' | 'branchConfig' | 'remoteConfig' | 'skippedRefs' | 'head' | 'stash'>> {
  // Asked only when a branch or tag differs (one `git worktree list`): a rollback of files alone moves none.
  const differs = [...new Set([...Object.keys(now.refs), ...Object.keys(target.refs)])].some((ref) => (now.refs[ref] ?? null) !== (target.refs[ref] ?? null));
  const others = differs ? await branchesOfOtherWorktrees(repo) : new Set<string>();
  const refs: RefChange[] = [];
  const skippedRefs: SkippedRef[] = [];
  // A snapshot of another worktree records that worktree's own refs (refs/bisect/*, ...), not this
  // one's: they are neither written here nor taken as a reason to delete this worktree's. A
  // snapshot written before they were recorded says nothing about them: they stay as they are.
  const leaveOwnRefs = target.worktree !== now.worktree || !target.worktreeRefs;
  const names = new Set([...Object.keys(now.refs), ...Object.keys(target.refs)]);
  for (const ref of [...names].sort()) {
    const from = now.refs[ref] ?? null;
    const to = target.refs[ref] ?? null;
    if (from === to) continue;
    if (leaveOwnRefs && isPerWorktreeRef(ref)) {
      if (to !== null && target.worktreeRefs) skippedRefs.push({ ref, reason: `a ref of the worktree ${target.root} (each worktree has its own); roll back that worktree to restore it` });
      continue;
    }
    if (others.has(ref)) {
      skippedRefs.push({ ref, reason: 'checked out in another worktree; roll back that worktree to move it' });
      continue;
    }
    refs.push({ ref, from, to });
  }
  const leftAlone = new Set(skippedRefs.map((s) => s.ref));
  // Whole sections when both snapshots recorded them; the upstreams alone for an older one.
  const branchConfig = planBranchConfig(now, target, leftAlone);
  const upstreams = branchConfig === null ? planUpstreams(now, target, leftAlone) : [];
  // The remotes those upstreams name (kept on this machine only: no process).
  const remoteConfig = planRemoteConfig(repo, now, target);
  const headChanged = now.head.symbolic !== target.head.symbolic || (target.head.symbolic === null && now.head.oid !== target.head.oid);
  const stashChanged = JSON.stringify(now.stash) !== JSON.stringify(target.stash);
  return {
    refs,
    ...(upstreams.length > 0 ? { upstreams } : {}),
    ...(branchConfig && branchConfig.length > 0 ? { branchConfig } : {}),
    ...(remoteConfig ? { remoteConfig } : {}),
    skippedRefs,
    head: headChanged ? { from: now.head, to: target.head } : null,
    stash: stashChanged ? { from: now.stash, to: target.stash } : null,
  };
}

/**
 * The branches whose upstream differs between now and the target, for the branches the target
 * leaves (a branch it deletes has none). Nothing for a target written before upstreams were
 * recorded (`upstreams` absent: unknown, left as they are), nor for a branch left alone.
 */
function planUpstreams(now: Snapshot, target: Snapshot, leftAlone: Set<string>): UpstreamChange[] {
  if (!target.upstreams || !now.upstreams) return [];
  const changes: UpstreamChange[] = [];
  const names = new Set([...Object.keys(now.upstreams), ...Object.keys(target.upstreams)]);
  for (const ref of [...names].sort()) {
    if (leftAlone.has(ref)) continue;
    const from = now.upstreams[ref] ?? null;
    const to = target.refs[ref] !== undefined ? (target.upstreams[ref] ?? null) : null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ ref, from, to });
  }
  return changes;
}
