/**
 * The snapshot format. This file owns how a snapshot is encoded in git objects.
 *
 * A snapshot is a commit W:
 *   tree      the working tree: tracked and untracked files that are not ignored (plus ignored
 *             files the config asks for), with modes and symlinks. So `git show W:path`,
 *             `git diff W` and `git checkout W -- path` work with plain git.
 *   parent 1  the previous snapshot of this worktree, or the chain root (see refs.ts)
 *   parent 2  I: a commit of the index tree whose parent is HEAD (as `git stash` does), which also
 *             keeps HEAD reachable
 *   parent 3  K (when the repo has any refs): the "keeper", an octopus commit whose parents are
 *             T (below, when there are tags), HEAD, every recorded branch and stash tip and the
 *             commits of an operation in progress (`operationState`: MERGE_HEAD, ..., and those
 *             rebase-merge/ names), so `git gc --prune=now` cannot drop them (gitlinks would not
 *             keep them alive). K's tree holds the raw index file when the index had conflicts (no
 *             tree can hold it), and git's state directories (rebase-merge/, rebase-apply/,
 *             sequencer/) as trees `operation-<name>`.
 *   K^1       T, the "tags keeper" (when the repo has tags; `tagsKeeper` in the metadata): an
 *             octopus commit whose parents are the commits the tags point to; its tree holds the
 *             raw bytes of annotated tag objects (so a deleted and pruned tag is recreated with the
 *             same id) and non-commit tag targets. The same T is reused while the tags do not
 *             change, so a backup push after a branch change does not walk every tag's tree.
 *             Snapshots written before T have no `tagsKeeper`: their K holds the tags itself.
 *             (keeper.ts writes and reads both; docs/snapshot-format.md describes them.)
 *   parent 4  R (or parent 3 when there is no K), only when some file's bytes on disk are not what
 *             git's checkout of its blob in W writes (core.autocrlf, text/eol, ident, filters):
 *             a commit without parents whose tree holds those files' raw bytes at their paths
 *             (`rawFiles` in the metadata; raw-files.ts writes it, restore/raw-restore.ts writes
 *             the bytes back). Absent in older snapshots and wherever no conversion is in effect:
 *             readers then take git's checkout of W as the bytes, as before. An older guard
 *             reading a snapshot with R ignores it (it restores git's checkout, as it always did).
 *   message   a subject line for people, then a marker line, then the metadata as one JSON object.
 *
 * What is not captured, and why: ignored files (build output, node_modules: large and
 * reproducible; secrets unless the config lists them), the contents of submodules (their gitlink
 * is captured), new untracked files over the size cap and unreadable files (listed in `skipped`).
 */

import type { IndexFlagsMeta } from './index-flags.js';
import { sameSparse, type SparseState } from './sparse-state.js';

export const FORMAT_VERSION = 1;
const MARKER = '--- git-guard snapshot v1 ---';

export const TRIGGERS = ['manual', 'session-start', 'watch', 'pre-rollback', 'hook', 'recover'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** `virtualenv`: the untracked files of a Python virtual environment git does not ignore (virtualenvs.ts), listed once by its directory. */
export type SkipReason = 'too-large' | 'unreadable' | 'special-file' | 'nested-repository' | 'virtualenv';

export interface SkippedPath {
  path: string;
  reason: SkipReason;
  size?: number;
}

export interface HeadState {
  /** `refs/heads/x` when HEAD is symbolic, null when detached. */
  symbolic: string | null;
  /** The commit HEAD resolves to; null on an unborn branch. */
  oid: string | null;
}

export interface StashEntry {
  oid: string;
  /** The reflog message `git stash list` shows, e.g. "WIP on main: 1234abc msg". */
  message: string;
  /** refs/stash pointed here but its reflog was empty (`git stash list` showed nothing). */
  hidden?: true;
}

export type Operation = 'merge' | 'rebase' | 'cherry-pick' | 'revert' | 'bisect' | 'am';

/**
 * git's state of a merge, cherry-pick, revert, rebase or `git am` in progress (operation-state.ts,
 * operation-dirs.ts), so rollback and recover bring the operation back, not only its conflicted
 * index. Only the files that exist are present. The commits are parents of the keeper K and the
 * directories' trees are in K's tree, so they live as long as the snapshot.
 */
export interface OperationState {
  /** MERGE_HEAD: the commits being merged, in order (several for an octopus). */
  mergeHead?: string[];
  /** CHERRY_PICK_HEAD, REVERT_HEAD, REBASE_HEAD: the commit being picked, reverted or rebased. */
  cherryPickHead?: string;
  revertHead?: string;
  rebaseHead?: string;
  /**
   * ORIG_HEAD during a `git am` only: `git am --abort` goes back there (without it git resets the
   * index to nothing and deletes the branch). Written back, never removed (git leaves ORIG_HEAD
   * after many commands).
   */
  origHead?: string;
  /**
   * MERGE_AUTOSTASH: the stash commit of a `git merge --autostash` that stopped, which `git commit`
   * (or `git merge --abort`) applies when the merge ends. Without it a merge brought back by a
   * rollback ended without the person's stashed changes, the commit named nowhere (since 2026-12-04).
   */
  mergeAutostash?: string;
  /** MERGE_MSG and MERGE_MODE, their bytes in base64 (each at most 64 KiB; larger ones are in `omitted`). */
  mergeMsg?: string;
  mergeMode?: string;
  /** The sequencer directory existed (a multi-commit cherry-pick or revert); its files are in `dirs.sequencer` since they are recorded. */
  sequencer?: true;
  /**
   * git's state directories (rebase-merge, rebase-apply, sequencer): each one's files as a tree
   * (K's tree holds it as `operation-<name>`). `bisect`: the BISECT_* files of the worktree's git
   * directory as one tree (bisect-files.ts). Absent in snapshots written before they were recorded.
   */
  dirs?: Partial<Record<'rebase-merge' | 'rebase-apply' | 'sequencer' | 'bisect', string>>;
  /** The commits the directories' files name that no other of them reaches (parents of K). */
  dirCommits?: string[];
  /** Files left out for their size (`MERGE_MSG`, `MERGE_MODE`), and directories (`rebase-merge/`) too large or holding more than files. */
  omitted?: string[];
}

export interface ChangeCounts {
  added: number;
  modified: number;
  deleted: number;
}

export interface SnapshotMeta {
  version: number;
  /** ISO time the snapshot was taken. */
  time: string;
  trigger: Trigger;
  message: string | null;
  session: string | null;
  agent: string | null;
  /** Worktree chain id (refs.ts) and its absolute path at snapshot time. */
  worktree: string;
  root: string;
  head: HeadState;
  /**
   * Every local branch (refs/heads/*) and tag (refs/tags/*), and this worktree's own refs
   * (refs/rewritten/*, refs/bisect/*, refs/worktree/*: repo-state.ts PER_WORKTREE_REFS; absent in
   * snapshots written before they were recorded), with the object each points to.
   */
  refs: Record<string, string>;
  /**
   * `refs` holds this worktree's own refs (refs/rewritten/*, ...), none when it had none. Absent in
   * snapshots written before they were recorded: a rollback to one leaves this worktree's own refs as they are.
   */
  worktreeRefs?: true;
  /**
   * The upstream of each branch in `refs` that has one (`branch.<name>.remote` and `.merge`), by
   * refname. `git branch -D` deletes them with the branch; a rollback that creates the branch again
   * writes them back (restore/upstreams.ts). `{}` when no branch had one; absent in snapshots
   * written before it existed (a rollback to one leaves every upstream as it is).
   */
  upstreams?: Record<string, { remote: string; merge: string }>;
  /**
   * Each branch's own section of the repository's config (`branch.<name>.*`: remote, merge,
   * pushRemote, rebase, description, ...), by refname, as `[variable, value]` pairs in git's order
   * (variable in lower case; value null for a key written without one), for the branches in
   * `refs` that have one. `git branch -D` removes the section with the branch; a rollback writes
   * it back, compare-and-swap against the config (restore/branch-config.ts). `{}` when no branch
   * has one; absent in snapshots written before 2026-12-07 (then `upstreams` alone is used).
   */
  branchConfig?: Record<string, Array<[string, string | null]>>;
  /**
   * The key of the repository's remote sections (`remote.<name>.*`), which are kept on this
   * machine only, never in the metadata, since a URL may hold a token (snapshot/remote-config.ts).
   * A rollback puts the remotes back from them, compare-and-swap (restore/remote-config.ts).
   * Absent in snapshots written before 2026-12-07 (helper rbaudit2): then remotes are left as they are.
   */
  remoteConfig?: string;
  /** Stash entries, stash@{0} first. */
  stash: StashEntry[];
  /** A merge, rebase, ... in progress, or null. */
  operation: Operation | null;
  /**
   * git's state of a merge, cherry-pick or revert in progress (MERGE_HEAD, MERGE_MSG, ...); absent
   * when there is none, and in snapshots written before it existed (those roll back the files,
   * index and refs of such a snapshot, without the operation).
   */
  operationState?: OperationState;
  /**
   * This worktree's sparse-checkout state (sparse-state.ts): the pattern file's blob (kept in K's
   * tree as `sparse-checkout`) and core.sparseCheckout, core.sparseCheckoutCone and index.sparse.
   * `{ "patterns": null }` without a pattern file; absent in snapshots written before it existed
   * (a rollback to one leaves the sparse state as it is).
   */
  sparse?: SparseState;
  /** Tree of the working tree (W's tree) and of the index; indexTree is null when conflicted. */
  tree: string;
  indexTree: string | null;
  /** The commit I (parent 2). */
  indexCommit: string;
  /** Blob holding the raw index file (kept in the keeper's tree), when the index could not be a tree (conflicts). */
  rawIndex: string | null;
  /** The keeper commit K (parent 3), null when the repo had no refs to keep. */
  keeper: string | null;
  /**
   * The tags keeper T (K's first parent), null when the repo had no tags. Absent in snapshots
   * written before it existed, whose K holds the tags' bytes and targets itself (keeper.ts).
   */
  tagsKeeper?: string | null;
  /** The previous snapshot of this worktree, null for the first. */
  previous: string | null;
  skipped: SkippedPath[];
  /**
   * Ignored files captured by name because a command was about to delete them (the command
   * guard); absent when there were none. They are in `tree` like any other file.
   */
  ignored?: string[];
  /**
   * Ignored files a snapshot captured by name (`ignored`: this one's or an earlier one's) that were
   * on disk, unchanged since that capture, when this snapshot was taken: as text (pathText) ->
   * the lstat data signed at the capture (`sign`, capture-worktree.ts signOf) and the snapshot
   * whose tree holds the bytes (`in`; absent: this one). This tree does not hold them (ignored
   * files are not snapshotted), yet they were there: a rollback to this snapshot brings them back
   * from `in` (captured-ignored.ts). Carried from snapshot to snapshot while a lstat gives the same
   * data; a file that changed (or had changed less than RACY_MS before its capture) has none.
   * At most HELD_IGNORED_MAX records (this snapshot's own captures first): a command may capture
   * 10,000 files, and each record is carried (and lstat'ed) by every later snapshot.
   * Absent when there are none, and in snapshots written before it existed. Not part of the state.
   */
  heldIgnored?: Record<string, HeldIgnored>;
  /**
   * Index entries marked assume-unchanged or skip-worktree, and intent-to-add ones (`git add -N`),
   * as text (pathText): no tree holds these bits (index-flags.ts). Absent when there are none, and
   * in snapshots written before it existed. Skip-worktree entries of a sparse checkout are not listed.
   */
  indexFlags?: IndexFlagsMeta;
  /**
   * Untracked (and captured ignored) files whose permission bits are not what git's checkout
   * gives under the umask (a key at 0600), as text (pathText) -> octal bits (file-modes.ts).
   * Absent when there are none, and in snapshots written before it existed.
   */
  modes?: Record<string, string>;
  /**
   * Tracked files, and directories (a key ending in `/`), whose permission bits are not git's
   * checkout default and that guard knows of (file-modes.ts says which it looks at): not
   * complete, unlike `modes`. Absent when there are none, and in snapshots written before it existed.
   */
  knownModes?: Record<string, string>;
  /**
   * The umask of the process that took the snapshot (octal text, "022"): `modes` records the bits
   * that differ from git's checkout default under it, so "no record" means 0666 (0777) less this
   * umask. A rollback run under another umask (a snapshot taken under 077, where a key at 0600 is
   * the default and unrecorded, rolled back from a shell under 022) gives the target's default,
   * never the current one's (file-modes.ts). Absent in snapshots written before it existed: the
   * current umask is assumed, as before. Not part of the state (sameState): equal records under
   * two umasks describe the same files.
   */
  umask?: string;
  /** Files changed in the working tree against the previous snapshot. */
  changes: ChangeCounts;
  /**
   * The files whose raw bytes git's checkout of `tree` would not give back: `tree` holds their
   * raw bytes at their paths, `commit` (a parent of W, no parents itself) keeps it alive. Absent
   * when there is none (and in snapshots written before it existed).
   */
  rawFiles?: RawFiles;
}

/** The most `heldIgnored` records a snapshot carries (about 130 bytes each in its message). */
export const HELD_IGNORED_MAX = 1000;

/** One entry of `heldIgnored`. */
export interface HeldIgnored {
  sign: string;
  in?: string;
}

/** The raw tree R and its commit (format.ts header, raw-files.ts). */
export interface RawFiles {
  tree: string;
  commit: string;
}

export interface Snapshot extends SnapshotMeta {
  /** The snapshot commit W; its short form is the id people type. */
  oid: string;
}

export function encodeMessage(meta: SnapshotMeta): string {
  const summary = meta.message ?? `${meta.changes.added} added, ${meta.changes.modified} modified, ${meta.changes.deleted} deleted`;
  const subject = `guard snapshot (${meta.trigger}): ${summary.split('\n')[0]}`.slice(0, 200);
  return `${subject}\n\n${MARKER}\n${JSON.stringify(meta)}\n`;
}

/** Parses a commit message written by encodeMessage; null when it is not a guard snapshot. */
export function decodeMessage(message: string): SnapshotMeta | null {
  const at = message.indexOf(`\n${MARKER}\n`);
  if (at < 0) return null;
  const json = message.slice(at + MARKER.length + 2).trim();
  try {
    const meta = JSON.parse(json) as SnapshotMeta;
    if (typeof meta !== 'object' || meta === null || typeof meta.version !== 'number') return null;
    return meta;
  } catch {
    return null;
  }
}

/** Sort/compare helper: same captured state (used to skip no-change snapshots). */
export function sameState(a: SnapshotMeta, b: Pick<SnapshotMeta, 'tree' | 'indexTree' | 'rawIndex' | 'head' | 'refs' | 'upstreams' | 'branchConfig' | 'remoteConfig' | 'stash' | 'operation' | 'operationState' | 'skipped' | 'indexFlags' | 'modes' | 'knownModes' | 'sparse'> & { rawFiles?: { tree: string } }): boolean {
  return (
    a.tree === b.tree &&
    // The same blobs with other raw bytes (CRLF now, LF then, under autocrlf=input) differ.
    (a.rawFiles?.tree ?? null) === (b.rawFiles?.tree ?? null) &&
    a.indexTree === b.indexTree &&
    a.rawIndex === b.rawIndex &&
    a.head.symbolic === b.head.symbolic &&
    a.head.oid === b.head.oid &&
    a.operation === b.operation &&
    // Another MERGE_HEAD or message is another state (absent and null both mean none).
    JSON.stringify(a.operationState ?? null) === JSON.stringify(b.operationState ?? null) &&
    // A bit set or cleared (`update-index --skip-worktree`, `git add -N`) is another index state.
    JSON.stringify(a.indexFlags ?? null) === JSON.stringify(b.indexFlags ?? null) &&
    JSON.stringify(a.modes ?? null) === JSON.stringify(b.modes ?? null) &&
    JSON.stringify(a.knownModes ?? null) === JSON.stringify(b.knownModes ?? null) &&
    // Another pattern file or setting is another view (absent, in older snapshots, differs from none).
    sameSparse(a.sparse, b.sparse) &&
    JSON.stringify(a.refs) === JSON.stringify(b.refs) &&
    // `git push -u` or `git branch -u` since: another state. Absent (a snapshot written before
    // upstreams were recorded) compares as none, so an upgrade alone takes no snapshot.
    JSON.stringify(a.upstreams ?? {}) === JSON.stringify(b.upstreams ?? {}) &&
    // A description or pushRemote set since: another state (absent compares as none, as above).
    JSON.stringify(a.branchConfig ?? {}) === JSON.stringify(b.branchConfig ?? {}) &&
    // A remote removed, renamed or its URL set since: another state (absent, in older snapshots,
    // differs, so the pre-rollback snapshot always records the remotes a rollback compares with).
    (a.remoteConfig ?? null) === (b.remoteConfig ?? null) &&
    JSON.stringify(a.stash) === JSON.stringify(b.stash) &&
    JSON.stringify(a.skipped) === JSON.stringify(b.skipped)
  );
}
