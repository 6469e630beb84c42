/**
 * Rollback: puts the working tree, the index, HEAD, branches, tags and the stash back as a
 * snapshot recorded them. Invariants (the lessons of tools that lost data while restoring):
 *  - a pre-rollback snapshot is always taken first, so every rollback can be undone;
 *  - the plan is computed and confirmed before anything changes;
 *  - only what differs is touched: no `git clean`, no `reset --hard`; files that exist now but
 *    not in the target are removed only if the pre-rollback snapshot holds them; ignored files
 *    the snapshot did not capture are never touched (git refuses to overwrite them and we stop
 *    before changing anything);
 *  - every ref moves compare-and-swap: branches and tags in one `update-ref --stdin` transaction
 *    that checks their current values (and that refs/stash is still what the plan saw); HEAD and
 *    the stash list are read back under the lock and must be what the plan saw, the stash is
 *    rewritten from its expected top, and a detached HEAD moves with its expected old value (git
 *    before 2.46 has no compare-and-swap for a symbolic HEAD: it is checked just before);
 *  - index.lock is held from the first change to the last, and a journal records each step so an
 *    interrupted rollback can be resumed or reversed; --resume removes only the lock it created;
 *  - every finished rollback, undo and resume is journaled in the event journal (`guard log`);
 *  - the worktree's watcher is paused from before the pre-rollback snapshot to the end
 *    (watcher/serve.ts, pauseWatcher): it writes no protected file back and takes no snapshot
 *    while the rollback plans, checks and writes; the result says whether it was paused. When a
 *    person is asked (options.asks), the watcher keeps working while the question is open: the
 *    plan is made and shown unpaused, and once confirmed the watcher is paused and the rollback
 *    planned again from a new pre-rollback snapshot (the same one when nothing changed), so what
 *    changed while the question was open is in the snapshot --undo returns to (changedWhileAsked).
 */
import { writeStashAtOnce } from '../git/stash-reflog.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { escapedBytes } from '../util/escaped-text.js';
import { runGit, runGitBytes } from '../git/run.js';
import { emptyTree, GUARD_IDENTITY, zeroOid } from '../git/objects.js';
import { recreateMissingTags } from '../snapshot/keeper.js';
import { withInternalToken } from '../git/internal-token.js';
import { GuardError } from '../errors.js';
import { createSnapshot } from '../snapshot/create.js';
import { sameState, type HeadState, type Operation, type Snapshot, type StashEntry } from '../snapshot/format.js';
import { listSnapshots, readSnapshot, resolveSnapshot } from '../snapshot/read.js';
import { readHeadAndStash, readOperation } from '../snapshot/repo-state.js';
import { editTree } from '../snapshot/tree-edit.js';
import { operationCommits, readOperationState, RECORDED_OPERATIONS, sameOperationState, writeOperationState } from '../snapshot/operation-state.js';
import { checkObjects } from '../git/batch-objects.js';
import { goalState, operationChanges, planOperation } from './operation-plan.js';
import { copyUserIndex, tempDir, type TempIndex } from '../snapshot/temp-index.js';
import { lockIndex, newLockToken, ownsIndexLock, type IndexLock } from './index-lock.js';
import { coveringPathspecs, gitPathsOf, pathText, type GitPath } from '../git/path.js';
import { refNameBytes } from '../git/ref-name.js';
import { appendEvent } from '../session/journal.js';
import { findSession } from '../session/store.js';
import { clearInProgress, readInProgress, readLastRollback, writeInProgress, writeLastRollback, type RollbackRecord, type RollbackStep } from './journal.js';
import { diffTrees, markStagedGitlinks, planRefs, type RollbackPlan } from './plan.js';
import { restoreUpstreams } from './upstreams.js';
import { restoreBranchConfig } from './branch-config.js';
import { restoreRemoteConfig } from './remote-config.js';
import { refreshRawIndex } from './raw-index.js';
import { copyLfsFromBackup, planLfs, refuseLfsTrouble } from './lfs-restore.js';
import { withMissingStartCaptures, withoutStartCaptures } from './start-captures.js';
import { uncapturedObstacles } from './obstacles.js';
import { databaseLogsDeleted, uncapturedDatabaseLogs, withLogsSelected } from './database-side-files.js';
import { isProcessAlive, pidSpaceId, pidSpaceTag } from '../util/process-alive.js';
import { withCapturedIgnored } from './captured-ignored.js';
import { notRestoredCommand, type NotRestored } from './not-restored.js';
import { applyRawWrites, planRawWrites, type RawSelection } from './raw-restore.js';
import { applyFlags, type IndexFlagsMeta } from '../snapshot/index-flags.js';
import { keptModes, knownModesDiffer, restoreModes, type ModeRecords } from '../snapshot/file-modes.js';
import { filesUntracked, keepIgnoredAtTarget } from './ignored-at-target.js';
import { checkSparsePatterns, restoreSparse } from './sparse-restore.js';
import { sameSparse } from '../snapshot/sparse-state.js';
import { worktreeId } from '../snapshot/refs.js';
import { worktreeListRecords } from '../git/compat.js';
import { shellQuote } from '../agents/package-root.js';
import { pauseWatcher, type WatcherPause } from '../watcher/serve.js';
import { guardPath } from '../git/repo.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';
import { existsSync, renameSync } from 'node:fs';

export type RollbackEvent =
  | { type: 'phase'; phase: 'pre-snapshot' | 'planning' | 'checking' | 'refs' | 'worktree' | 'index' }
  | { type: 'step-done'; step: RollbackStep };

export interface RollbackOptions {
  /** Snapshot id as typed (`latest`, short hash); default: see defaultTarget. */
  id?: string;
  /** A snapshot already resolved (sessions pass their start snapshot). */
  target?: Snapshot;
  undo?: boolean;
  resume?: boolean;
  /** Globs: restore only matching paths (implies filesOnly). */
  paths?: string[];
  /**
   * Exact names, byte for byte (`guard restore`, `guard undo`): restore only these paths and what
   * is under them (implies filesOnly). Names that are not UTF-8 work here, not as globs.
   */
  exactPaths?: GitPath[];
  filesOnly?: boolean;
  dryRun?: boolean;
  /** Asked once with the plan; return false to cancel (nothing is changed). */
  confirm: (plan: RollbackPlan, context: { target: Snapshot; pre: Snapshot }) => Promise<boolean>;
  /**
   * The confirmation waits on a person (no --yes, at a terminal): the watcher is paused only once
   * confirmed, not while the question is open (it may stay open for minutes while an agent works).
   */
  asks?: boolean;
  /**
   * Git LFS files whose object is in neither `.git/lfs/objects` nor the backup are written as
   * their pointers (named in the result), instead of a refusal (lfs-restore.ts).
   */
  lfsPointers?: boolean;
  /** The command that asks for lfsPointers, for the refusal's hint (`guard rollback … --lfs-pointers`). */
  lfsPointersCommand?: string;
  snapshot?: { maxFileSize?: number; includeIgnored?: string[] };
  onEvent?: (event: RollbackEvent) => void;
}

export interface RollbackResult {
  plan: RollbackPlan;
  target: Snapshot;
  /** The pre-rollback snapshot: `guard rollback --undo` returns to it. */
  pre: Snapshot;
  applied: boolean;
  /** True when the working tree already matched the target. */
  nothingToDo: boolean;
  /**
   * Asked (options.asks): the repository changed while the question was open. The rollback was
   * planned again after the confirmation; what changed is in `pre` (--undo brings it back).
   */
  changedWhileAsked?: boolean;
  /**
   * The worktree's watcher during the rollback: paused (it wrote nothing and took no snapshot),
   * none running, or one that did not pause (reason: it may have acted meanwhile).
   */
  watcher: WatcherRecord;
  /** Git LFS files written as their pointers (options.lfsPointers; their object is nowhere here). */
  lfsPointers?: GitPath[];
}

/** Thrown by the unpaused first pass once the person confirmed: nothing was changed yet. */
class Confirmed extends Error {
  constructor(readonly pre: Snapshot, readonly target: Snapshot) {
    super('confirmed');
  }
}

export type WatcherRecord = { state: 'paused' | 'none' } | { state: 'unanswered'; reason: string };

const INTERRUPTED_HINTS = ['Finish it with:   guard rollback --resume --yes', 'Or reverse it:    guard rollback --undo --yes'];

function pathspecs(globs: string[]): string[] {
  return globs.map((g) => `:(glob)${g}`);
}

/** What a files-only rollback restores: glob pathspecs (--paths) and exact names. */
interface Selection {
  globs: string[];
  exact: GitPath[];
}

const selects = (selection: Selection): boolean => selection.globs.length > 0 || selection.exact.length > 0;

/** The records of `target` for these files only (byte strings), with its umask. */
function recordsOf(target: ModeRecords, files: readonly string[]): ModeRecords {
  const names = new Set(files.map((f) => pathText(f as GitPath)));
  const pick = (record: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(record ?? {}).filter(([text]) => names.has(text)));
  return { modes: pick(target.modes), knownModes: pick(target.knownModes), ...(target.umask !== undefined ? { umask: target.umask } : {}) };
}

/**
 * `git diff-tree -r -z <args> from to` restricted to the selection: [header, path] pairs (the
 * header is the raw record, or the status letter with --name-status). Globs go to git as
 * pathspecs; exact names cannot always go on git's command line (not UTF-8), so git is asked for
 * the nearest ancestors that can (coveringPathspecs) and the answer is filtered by bytes here.
 */
async function selectedDiff(repo: Repo, args: string[], from: string, to: string, selection: Selection): Promise<Array<[string, GitPath]>> {
  const out = new Map<GitPath, string>();
  const collect = (stdout: Buffer, keep: (p: GitPath) => boolean): void => {
    const parts = gitPathsOf(stdout);
    for (let i = 0; i + 1 < parts.length; i += 2) if (keep(parts[i + 1]!)) out.set(parts[i + 1]!, parts[i]!);
  };
  if (selection.globs.length > 0) {
    collect((await runGit(['diff-tree', '-r', '-z', '--no-renames', ...args, from, to, '--', ...pathspecs(selection.globs)], { cwd: repo.root })).stdout, () => true);
  }
  if (selection.exact.length > 0) {
    const names = new Set(selection.exact);
    const covering = coveringPathspecs(selection.exact);
    const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', ...args, from, to, ...(covering ? ['--', ...covering] : [])], { cwd: repo.root });
    collect(stdout, (p) => {
      if (names.has(p)) return true;
      for (let slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) if (names.has(p.slice(0, slash) as GitPath)) return true;
      return false;
    });
  }
  return [...out].map(([p, header]) => [header, p]);
}


/**
 * Whether the operation in progress is exactly the merge, cherry-pick or revert the last rollback
 * (or the interrupted one) wrote back: then `--undo`, `--resume` or another rollback may go on,
 * since the pre-rollback snapshot records that state and the way back restores it.
 */
async function writtenByLastRollback(repo: Repo, operation: Operation, interrupted: RollbackRecord | null): Promise<boolean> {
  const last = interrupted ?? (await readLastRollback(repo));
  if (!last) return false;
  let target: Snapshot;
  try {
    target = await readSnapshot(repo, last.target);
  } catch {
    return false;
  }
  if (target.operation !== operation || !target.operationState) return false;
  return sameOperationState(await readOperationState(repo, operation), target.operationState);
}

async function checkPreconditions(repo: Repo, interrupted: RollbackRecord | null): Promise<void> {
  const operation = await readOperation(repo);
  if (operation && !(await writtenByLastRollback(repo, operation, interrupted))) {
    throw new GuardError('refused', `a ${operation} is in progress; rollback changed nothing`, {
      hints: [
        // git bisect has no --continue or --abort: it ends with `git bisect reset` (found by the rollback fuzzer's wider states, seed 6024).
        operation === 'bisect'
          ? 'Finish it (git bisect good / git bisect bad until it names the commit) or end it (git bisect reset), then run the rollback again.'
          : `Finish it (git ${operation} --continue) or abort it (git ${operation} --abort), then run the rollback again.`,
        ...(RECORDED_OPERATIONS.includes(operation) ? [`To keep it first: \`guard snapshot\` records it, and \`guard rollback <that snapshot>\` brings the ${operation} back after an abort.`] : []),
      ],
    });
  }
  const lock = `${repo.indexFile}.lock`;
  try {
    await fs.access(lock);
  } catch {
    return;
  }
  const ranHere = interrupted && (interrupted.pidSpace === undefined || interrupted.pidSpace === pidSpaceId());
  if (interrupted && ranHere && !isProcessAlive(interrupted.pid) && (await ownsIndexLock(repo.indexFile, interrupted.lockToken))) {
    // The lock the interrupted rollback created (it still holds our marker) and its process is
    // gone: stale. A lock without the marker belongs to another git process and stays, and so
    // does one of a rollback run in another pid namespace, whose pid means nothing here.
    await fs.rm(lock, { force: true });
    return;
  }
  throw new GuardError('refused', `another git process holds ${lock}; rollback changed nothing`, {
    hints: ['Wait for the other git command to finish and run the rollback again.', `If no git process is running, the lock is stale: remove ${lock} and retry.`],
  });
}

/**
 * A snapshot of another worktree (`git worktree add`: every worktree's snapshots are in the same
 * repository, and an id names any of them) records that worktree's HEAD, index, git operation
 * state, sparse view and own refs. A whole rollback to it here checked out that worktree's branch
 * in this one too (two worktrees on one branch, which git itself refuses) and wrote its merge or
 * rebase state here; so it is refused, with nothing changed, naming the worktree and the command
 * to run there. `--files-only` (and `--paths`, `guard restore`) takes only its files and staged
 * state here and leaves this worktree's HEAD, branches and git state; `--undo` and `--resume` go
 * to this worktree's own snapshots. docs/snapshot-format.md, "Snapshots of other worktrees".
 */
async function checkSameWorktree(repo: Repo, target: Snapshot): Promise<void> {
  if (target.worktree === worktreeId(repo)) return;
  const id = target.oid.slice(0, 12);
  const head = target.head.symbolic ? target.head.symbolic.replace(/^refs\/heads\//, '') : `detached at ${target.head.oid?.slice(0, 12) ?? '?'}`;
  // Still a worktree of this repository? One `git worktree list`, only on the way to this refusal.
  const there = (await worktreeListRecords(repo)).includes(`worktree ${target.root}`);
  const run = there
    ? `Roll back that worktree where it is: cd ${shellQuote(target.root)} && guard rollback ${id}`
    : `That worktree is no longer registered (git worktree list): add it again (git worktree add ${shellQuote(target.root)} ...) and run guard rollback ${id} there.`;
  throw new GuardError('refused', `snapshot ${id} is of the worktree ${target.root} (${target.worktree}, ${head}), not of this one (${repo.root}); a rollback here would write that worktree's HEAD, index and git state into this one; nothing was changed`, {
    hints: [run, `To take only its files and staged state into this worktree (this worktree's HEAD, branches and git state stay): guard rollback ${id} --files-only`],
    details: { snapshotWorktree: target.worktree, snapshotRoot: target.root, worktree: worktreeId(repo), registered: there },
  });
}

/**
 * Default target when the caller names none: the latest snapshot before now whose state differs
 * from now. (The CLI passes the start of the most recent agent session as `target` first.)
 */
async function defaultTarget(repo: Repo, pre: Snapshot): Promise<Snapshot> {
  for (const snapshot of await listSnapshots(repo)) {
    if (snapshot.oid === pre.oid) continue;
    if (!sameState(snapshot, pre)) return snapshot;
  }
  throw new GuardError('user', 'there is no earlier snapshot that differs from the current state; nothing to roll back to', {
    hints: ['See the snapshots with `guard list`.'],
  });
}

/** Applies T's entries for the matched paths onto a copy of `base` index; returns the paths it changed. */
async function overlayPaths(repo: Repo, base: TempIndex, from: string, to: string, selection: Selection): Promise<GitPath[]> {
  // Raw format: ":oldmode newmode oldoid newoid status\0path\0"
  const records: string[] = [];
  const changed: GitPath[] = [];
  for (const [header, file] of await selectedDiff(repo, [], from, to, selection)) {
    const [, newMode, , newOid] = header.slice(1).split(' ');
    const deleted = /^0+$/.test(newMode!);
    records.push(`${deleted ? '0' : newMode} ${deleted ? zeroOid(newOid!) : newOid}\t${file}\0`);
    changed.push(file);
  }
  if (records.length === 0) return changed;
  await runGit(['update-index', '-z', '--index-info'], { cwd: repo.root, env: { GIT_INDEX_FILE: base.file }, input: Buffer.from(records.join(''), 'latin1') });
  return changed;
}

/**
 * The index bits after a restore of some paths (`--paths`, `guard restore`): the entries it took
 * from the target take the target's assume-unchanged, skip-worktree and intent-to-add bits, every
 * other entry keeps its own. The index is rebuilt from a tree, which holds none of them: before
 * 2026-12-05 a `--paths` restore dropped the bits of entries it did not touch (an assume-unchanged
 * local override, found by the rollback fuzzer's wider states, seed 5109).
 */
function flagsAfterRestore(before: IndexFlagsMeta | undefined, target: IndexFlagsMeta | undefined, changed: readonly GitPath[]): IndexFlagsMeta {
  const taken = new Set<string>(changed.map(pathText));
  const pick = (name: keyof IndexFlagsMeta): string[] => [...(before?.[name] ?? []).filter((t) => !taken.has(t)), ...(target?.[name] ?? []).filter((t) => taken.has(t))];
  return { assumeUnchanged: pick('assumeUnchanged'), skipWorktree: pick('skipWorktree'), intentToAdd: pick('intentToAdd') };
}

/** `snapshot` without the recorded bits of the untracked files `paths` (bytes). */
function withoutModes(snapshot: Snapshot, paths: GitPath[]): Snapshot {
  if (!snapshot.modes) return snapshot;
  const drop = new Set<string>(paths.map(pathText));
  return { ...snapshot, modes: Object.fromEntries(Object.entries(snapshot.modes).filter(([text]) => !drop.has(text))) };
}

async function writeTreeOf(repo: Repo, indexFile: string): Promise<string> {
  return (await runGit(['write-tree'], { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile } })).stdout.toString('utf8').trim();
}

/**
 * The commits a recorded operation names must exist (the keeper keeps them): a MERGE_HEAD naming
 * a missing commit makes every `git commit` fail with "Corrupt MERGE_HEAD", a rebase-merge/ whose
 * onto or picks are gone cannot go on. So must the recorded directories (rebase-merge/, ...).
 */
async function checkOperationCommits(repo: Repo, target: Snapshot): Promise<void> {
  const commits = [...operationCommits(target.operationState), ...Object.values(target.operationState?.dirs ?? {})];
  const present = await checkObjects(repo, commits);
  const missing = commits.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw new GuardError('internal', `the commits of the ${target.operation} recorded in snapshot ${target.oid.slice(0, 12)} are missing (${missing.map((oid) => oid.slice(0, 12)).join(', ')}); nothing was changed`, {
      hints: ['Check the repository with `git fsck`.', `Restore only the files with: guard rollback ${target.oid.slice(0, 12)} --files-only`],
    });
  }
}

/** Recreates annotated tag objects that were pruned, from the bytes the keeper kept (batched). */
async function ensureTagObjects(repo: Repo, target: Snapshot, plan: RollbackPlan): Promise<void> {
  await recreateMissingTags(repo, target.keeper, plan.refs.flatMap((change) => (change.to ? [change.to] : [])));
}

async function moveRefs(repo: Repo, plan: RollbackPlan, env: Record<string, string>): Promise<void> {
  if (plan.refs.length === 0) return;
  const zero = zeroOid(plan.target);
  // A ref name goes back as its bytes (ref-name.ts: `bad\377` is the byte 0xff), on stdin.
  const lines = plan.refs.map((c) => Buffer.concat([Buffer.from(c.to === null ? 'delete ' : 'update '), refNameBytes(c.ref), Buffer.from(c.to === null ? ` ${c.from}\n` : ` ${c.to} ${c.from ?? zero}\n`)]));
  // The stash moves after the refs: check in the same transaction that it is still what the plan saw.
  if (plan.stash) lines.push(Buffer.from(`verify refs/stash ${plan.stash.from[0]?.oid ?? zero}\n`));
  const result = await runGit(['update-ref', '-m', 'guard: rollback', '--stdin'], {
    cwd: repo.root,
    env: { ...env, ...GUARD_IDENTITY },
    input: Buffer.concat(lines),
    okCodes: [1, 128],
  });
  if (result.code !== 0) {
    // A lock file git left behind (a git process killed while it held the ref, e.g. an interrupted
    // rollback's own update-ref): not a ref that changed, and planning again does not help.
    const lock = /Unable to create '(.+\.lock)': File exists/.exec(result.stderr)?.[1];
    if (lock) {
      throw new GuardError('refused', `git's lock file ${lock} is in the way (left by a git process that was killed, or one still running); no ref was moved and nothing was changed`, {
        hints: [`If no git command is running in this repository, remove it (rm '${lock.replace(/'/g, "'\\''")}') and run the same guard command again.`],
      });
    }
    throw new GuardError('refused', `refs changed while the rollback was prepared; no ref was moved: ${result.stderr.trim()}`, {
      hints: ['Run the rollback again: it plans from the new state.'],
    });
  }
}

/** The HEAD the plan expects once the branches moved: its branch may be one of them. */
function expectedHead(plan: RollbackPlan, pre: Snapshot): HeadState {
  const head = pre.head;
  if (!head.symbolic) return head;
  const moved = plan.refs.find((c) => c.ref === head.symbolic);
  return moved ? { symbolic: head.symbolic, oid: moved.to } : head;
}

function sameHead(a: HeadState, b: HeadState): boolean {
  return a.symbolic === b.symbolic && a.oid === b.oid;
}

function sameStash(a: StashEntry[], b: StashEntry[]): boolean {
  return JSON.stringify(a.map((e) => [e.oid, e.message])) === JSON.stringify(b.map((e) => [e.oid, e.message]));
}

function describeHead(head: HeadState): string {
  return head.symbolic ? `${head.symbolic} at ${head.oid?.slice(0, 12) ?? '(no commits)'}` : `detached at ${head.oid?.slice(0, 12) ?? '?'}`;
}

/**
 * HEAD and the stash list as the plan saw them (the confirmation can take minutes): read back
 * under the index lock, before any ref moves, so a checkout or a stash made meanwhile stops the
 * rollback with nothing changed instead of being overwritten.
 */
async function checkHeadAndStash(repo: Repo, plan: RollbackPlan, pre: Snapshot): Promise<void> {
  const now = await readHeadAndStash(repo);
  const problems: string[] = [];
  if (!sameHead(now.head, pre.head)) problems.push(`HEAD is now ${describeHead(now.head)}, the plan saw ${describeHead(pre.head)}`);
  if (now.operation !== pre.operation) problems.push(`git's operation in progress is now ${now.operation ?? 'none'}, the plan saw ${pre.operation ?? 'none'}`);
  // Same operation, other state: e.g. `git rebase --edit-todo`, which moves nothing else.
  else if (!sameOperationState(now.operationState, pre.operationState)) problems.push(`git's ${now.operation} state changed since the plan (its files or its todo list)`);
  if (!sameStash(now.stash, pre.stash)) problems.push(`the stash list now has ${now.stash.length} entries (top ${now.stash[0]?.oid.slice(0, 12) ?? 'none'}), the plan saw ${pre.stash.length}`);
  if (problems.length > 0) {
    throw new GuardError('refused', `the repository changed while the rollback was prepared; nothing was changed: ${problems.join('; ')}`, {
      hints: ['Run the rollback again: it plans from the new state (and takes a new pre-rollback snapshot of it).'],
      details: { head: now.head, stash: now.stash },
    });
  }
}

async function moveHead(repo: Repo, plan: RollbackPlan, pre: Snapshot, env: Record<string, string>): Promise<void> {
  if (!plan.head) return;
  const to = plan.head.to;
  const expected = expectedHead(plan, pre);
  const gitEnv = { ...env, ...GUARD_IDENTITY };
  if (to.symbolic) {
    // symbolic-ref has no old value (update-ref learns symrefs only in git 2.46): check just before.
    const now = (await readHeadAndStash(repo)).head;
    if (!sameHead(now, expected)) {
      throw new GuardError('refused', `HEAD changed while the rollback ran (now ${describeHead(now)}); HEAD was not moved`, {
        hints: ['The branches were moved already: finish with `guard rollback --resume --yes` or reverse with `guard rollback --undo --yes`.'],
      });
    }
    // As bytes: a branch name that is not UTF-8 (kept as `rel/bad\377`) cannot go on argv as text.
    await runGitBytes(['symbolic-ref', '-m', 'guard: rollback', 'HEAD', refNameBytes(to.symbolic)], { cwd: repo.root, env: gitEnv });
  } else if (to.oid) {
    // With --no-deref, the old value is checked against what HEAD resolves to now.
    const old = expected.oid ? [expected.oid] : [];
    const moved = await runGit(['update-ref', '-m', 'guard: rollback', '--no-deref', 'HEAD', to.oid, ...old], { cwd: repo.root, env: gitEnv, okCodes: [1, 128] });
    if (moved.code !== 0) {
      throw new GuardError('refused', `HEAD changed while the rollback ran; HEAD was not moved: ${moved.stderr.trim()}`, {
        hints: ['The branches were moved already: finish with `guard rollback --resume --yes` or reverse with `guard rollback --undo --yes`.'],
      });
    }
  }
}

/**
 * Rewrites refs/stash and its reflog so `git stash list` shows exactly the recorded entries.
 * Every step names the value it expects refs/stash to have, so a `git stash` in between fails it.
 */
async function restoreStash(repo: Repo, plan: RollbackPlan, env: Record<string, string>): Promise<void> {
  if (!plan.stash) return;
  const gitEnv = { ...env, ...GUARD_IDENTITY };
  const zero = zeroOid(plan.target);
  const fail = (stderr: string): GuardError =>
    new GuardError('refused', `refs/stash changed while the rollback ran; the stash was not restored: ${stderr.trim()}`, {
      hints: ['Finish with `guard rollback --resume --yes` or reverse with `guard rollback --undo --yes`.'],
    });
  let current = plan.stash.from[0]?.oid ?? null;
  if (current) {
    const removed = await runGit(['update-ref', '-d', 'refs/stash', current], { cwd: repo.root, env: gitEnv, okCodes: [1, 128] });
    if (removed.code !== 0) throw fail(removed.stderr);
    current = null;
  }
  // All entries with their reflog in two processes where the ref backend allows (stash-reflog.ts).
  try {
    if (await writeStashAtOnce(repo.root, repo.commonDir, plan.stash.to, zero, gitEnv)) return;
  } catch (error) {
    throw fail((error as Error).message);
  }
  // Oldest first, so the newest ends up as stash@{0}.
  for (const entry of [...plan.stash.to].reverse()) {
    // A hidden entry had no reflog: restore the ref alone, so `git stash list` stays empty as it was.
    // The message is escaped text (repo-state.ts readStash): given to git as its bytes.
    const reflog = entry.hidden ? [] : ['--create-reflog', '-m', escapedBytes(entry.message)];
    const moved = await runGitBytes(['update-ref', ...reflog, 'refs/stash', entry.oid, current ?? zero], { cwd: repo.root, env: gitEnv, okCodes: [1, 128] });
    if (moved.code !== 0) throw fail(moved.stderr);
    current = entry.oid;
  }
}

/**
 * guard's own read-tree -u over its private index (which mirrors the whole working tree) must not
 * apply the user's sparse-checkout patterns: git would mark every entry outside the cone
 * skip-worktree and delete its file, untracked ones included, which no plan names. The view is
 * put back after the index (sparse-restore.ts).
 */
const NO_SPARSE = ['-c', 'core.sparseCheckout=false'];
/** git-lfs's filter off: an LFS file is written as the pointer blob it is (as `guard recover` does). */
const LFS_OFF = ['-c', 'filter.lfs.process=', '-c', 'filter.lfs.smudge=', '-c', 'filter.lfs.required=false'];

/**
 * Files in the way that the pre-rollback snapshot did not hold, found before anything changed:
 * rollback takes that snapshot again with them captured (CreateSnapshotOptions.captureIgnored),
 * so the rollback replaces them and `guard rollback --undo` brings them back.
 */
class UncapturedInTheWay extends Error {
  /** The target the first pass chose: the second one takes the same (its own pre-rollback snapshot is not a target). */
  target: Snapshot | null = null;

  constructor(readonly paths: GitPath[]) {
    super('files in the way that the pre-rollback snapshot does not hold');
  }
}

/**
 * Paths in the way of the plan, or that git refuses to touch; every one is named. With `capture`
 * (the first check, before the confirmation and before anything changed), files in the way that
 * the pre-rollback snapshot did not hold are handed back to be captured instead of refused: an
 * ignored `.env.local` that an agent's `cp .env.example .env.local` overwrote (after the command
 * guard captured the old one) is replaced by the old one, and the new one kept for --undo.
 */
async function checkWorktree(repo: Repo, files: RollbackPlan['files'], treeGoal: string, worktreeIndex: TempIndex, capture = false): Promise<void> {
  const obstacles = await uncapturedObstacles(repo, files, treeGoal);
  if (obstacles.length > 0 && capture) throw new UncapturedInTheWay(obstacles);
  if (obstacles.length > 0) {
    const shown = obstacles.map(pathText);
    throw new GuardError('refused', `files that no snapshot holds (ignored, or skipped as too large or unreadable) are where the rollback would write; nothing was changed: ${listNames(shown)}`, {
      hints: [...shown.map((p) => `  ${p}`), 'Move them away (or capture them with snapshot.includeIgnored in .guard.yaml), then run the rollback again.'],
      details: { paths: shown },
    });
  }
  // read-tree checks everything before it writes anything: a file git will not overwrite stops
  // the rollback here, with nothing changed.
  const check = await runGit([...NO_SPARSE, 'read-tree', '-m', '-u', '-n', treeGoal], { cwd: repo.root, env: { GIT_INDEX_FILE: worktreeIndex.file }, okCodes: [128] });
  if (check.code !== 0) {
    // git stops at the first file it will not touch; every file changed since the plan does so.
    const changed = new Set(gitPathsOf((await runGit(['diff-files', '-z', '--name-only'], { cwd: repo.root, env: { GIT_INDEX_FILE: worktreeIndex.file } })).stdout));
    const planned = files.filter((f) => changed.has(f.path)).map((f) => pathText(f.path));
    const blocked = [...new Set([...planned, ...namesInReadTreeErrors(check.stderr)])];
    throw new GuardError('refused', `git would not update some files (changed since the plan, or not captured by the snapshot); rollback changed nothing: ${blocked.length > 0 ? listNames(blocked) : check.stderr.trim()}`, {
      hints: [...blocked.map((p) => `  ${p}`), 'Move these files away (or capture them with snapshot.includeIgnored in .guard.yaml) and run the rollback again.'],
      details: { paths: blocked, stderr: check.stderr },
    });
  }
}

/** The names git's unpack-trees errors mention: "Entry 'x' not uptodate", and tab-indented lists. */
export function namesInReadTreeErrors(stderr: string): string[] {
  const names = new Set<string>();
  for (const m of stderr.matchAll(/^\t(.+)$/gm)) names.add(m[1]!);
  for (const m of stderr.matchAll(/Entry '(.+)' (?:not uptodate|would be overwritten|overlaps)/g)) names.add(m[1]!);
  return [...names];
}

function listNames(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/** Does any of the trees hold a path the selection matches? (`--paths` that matches nothing is a typo.) */
async function selectionMatchesAnything(repo: Repo, selection: Selection, trees: Array<string | null>): Promise<boolean> {
  // ls-tree knows no glob magic; diff-tree against the empty tree lists the same names.
  const empty = await emptyTree(repo);
  for (const tree of new Set(trees.filter((t): t is string => t !== null))) {
    if ((await selectedDiff(repo, ['--name-status'], empty, tree, selection)).length > 0) return true;
  }
  return false;
}

/**
 * Refreshes the stat data of the private index that mirrors the working tree, the way `git
 * status` would (`update-index --refresh`): after a `touch`, `cp -a`, an editor's re-save or a
 * killed rollback, entries whose content did not change would otherwise look modified, and
 * read-tree would refuse them as "not uptodate". Only guard's private copy is written.
 */
async function refreshStat(repo: Repo, index: TempIndex): Promise<void> {
  // -q: entries that did change are not an error here; --ignore-submodules: their own state is theirs.
  await runGit(['update-index', '-q', '--ignore-submodules', '--refresh'], { cwd: repo.root, env: { GIT_INDEX_FILE: index.file }, okCodes: [1] });
}

/**
 * One line in the event journal for every finished rollback, undo and resume (`guard log`), and
 * for a rollback that found nothing to change but left captured files out (`nothingToDo`, `pre`
 * null: there is nothing to undo). The captured ignored files it brought back and those it left
 * out, each with its reason and the command that writes its bytes (not-restored.ts), are in the
 * line: the person reading `guard log` the next morning finds every file the rollback did not give back.
 */
function journalRollback(repo: Repo, mode: 'rollback' | 'undo' | 'resume', plan: RollbackPlan, target: Snapshot, pre: Snapshot, record: Pick<RollbackRecord, 'filesOnly' | 'paths' | 'exactPaths'> & { pre: string | null }, watcher: WatcherRecord): void {
  const open = findSession(repo);
  const count = (action: string): number => plan.files.filter((f) => f.action === action).length;
  appendEvent(repo, {
    type: 'rollback',
    mode,
    session: open && open.endedAt === null ? open.id : null,
    agent: open && open.endedAt === null ? open.agent : null,
    snapshot: target.oid,
    targetSession: target.session,
    pre: record.pre,
    preRollbackSnapshot: pre.oid,
    filesOnly: record.filesOnly,
    paths: [...record.paths, ...(record.exactPaths ?? []).map((p) => pathText(p as GitPath))],
    files: { write: count('write'), create: count('create'), delete: count('delete') },
    refs: plan.refs.map((r) => r.ref),
    head: plan.head !== null,
    stash: plan.stash !== null,
    ...(record.pre === null ? { nothingToDo: true } : {}),
    // Whether the watcher held still while it ran (paused), none ran, or one did not pause (why).
    watcher: watcher.state === 'unanswered' ? `did not pause: ${watcher.reason}` : watcher.state,
    ...(plan.capturedIgnored && plan.capturedIgnored.length > 0 ? { capturedIgnored: plan.capturedIgnored } : {}),
    ...(plan.capturedNotRestored && plan.capturedNotRestored.length > 0 ? { capturedNotRestored: plan.capturedNotRestored.map((e) => ({ ...e, command: notRestoredCommand(e) })) } : {}),
  });
}

export async function rollback(repo: Repo, options: RollbackOptions): Promise<RollbackResult> {
  if (options.dryRun) return attempt(repo, options, { state: 'none' });
  let asked: Confirmed | null = null;
  if (options.asks) {
    // A person is asked: while the question is open the watcher goes on (an agent may still be
    // working). Planned and shown unpaused; a refusal or an error ends here, nothing changed.
    try {
      // Nothing to do, or an answer of no: returned or thrown here, and the watcher never paused.
      return await attempt(repo, {
        ...options,
        confirm: async (plan, context) => {
          if (!(await options.confirm(plan, context))) return false;
          throw new Confirmed(context.pre, context.target);
        },
      }, { state: 'none' });
    } catch (error) {
      if (!(error instanceof Confirmed)) throw error;
      asked = error;
    }
  }
  // The watcher holds still from before the pre-rollback snapshot to the end: a protected file it
  // was about to write back would otherwise land between the plan and the checks (the rollback
  // refused with "git would not update some files" and the watcher's bytes stayed), and a
  // snapshot of its could record a half-restored tree. Once confirmed, planned again paused: a
  // change made while the question was open is in the new pre-rollback snapshot (or refused by
  // the checks), never lost, and reported (changedWhileAsked).
  const pause: WatcherPause = await pauseWatcher(repo);
  const watcher: WatcherRecord = pause.state === 'unanswered' ? { state: 'unanswered', reason: pause.reason } : { state: pause.state };
  try {
    if (!asked) return await attempt(repo, options, watcher);
    const confirmedPre = asked.pre;
    let changed = false;
    const result = await attempt(repo, {
      ...options,
      // The target confirmed (a default one is not picked again from a newer pre-rollback snapshot).
      ...(options.undo || options.resume ? {} : { target: asked.target }),
      confirm: async (_plan, { pre }) => {
        changed = !sameState(confirmedPre, pre);
        return true;
      },
    }, watcher);
    return changed ? { ...result, changedWhileAsked: true } : result;
  } finally {
    if (pause.state === 'paused') pause.release();
  }
}

const withDatabaseLogs = (logs: GitPath[]): { databaseLogs?: string[] } => (logs.length > 0 ? { databaseLogs: logs.map(pathText) } : {});

/** One rollback; files in the way that no snapshot holds are captured and it runs once more. */
async function attempt(repo: Repo, options: RollbackOptions, watcher: WatcherRecord): Promise<RollbackResult> {
  try {
    return await rollbackOnce(repo, options, null, watcher);
  } catch (error) {
    if (!(error instanceof UncapturedInTheWay)) throw error;
    // Nothing was changed: once more, to the same target, with the files in the way captured into
    // the pre-rollback snapshot. What still cannot be captured (over snapshot.maxFileSize,
    // unreadable) is refused.
    return await rollbackOnce(repo, error.target && !options.undo && !options.resume ? { ...options, target: error.target } : options, error.paths, watcher);
  }
}

/**
 * Test bundle only: with GUARD_TEST_ROLLBACK_HOLD set and `<gitDir>/guard/test-rollback-hold`
 * written by the test, the rollback, once planned and before its checks, renames that file to
 * `test-rollback-held` and waits until the test removes it (at most a minute). Armed once, holds once:
 * with a question (options.asks), armed after the answer it holds the paused pass planned again.
 */
async function holdForTest(repo: Repo): Promise<void> {
  if (testFault('GUARD_TEST_ROLLBACK_HOLD') === undefined) return;
  const marker = guardPath(repo, 'test-rollback-held');
  try {
    renameSync(guardPath(repo, 'test-rollback-hold'), marker);
  } catch {
    return;
  }
  const deadline = Date.now() + 60_000;
  while (existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function rollbackOnce(repo: Repo, options: RollbackOptions, inTheWay: GitPath[] | null, watcher: WatcherRecord): Promise<RollbackResult> {
  const emit = options.onEvent ?? (() => undefined);
  const interrupted = await readInProgress(repo);
  if (interrupted && !options.resume && !options.undo) {
    throw new GuardError('refused', `a rollback to ${interrupted.target.slice(0, 12)} was interrupted (${interrupted.startedAt}); nothing was changed now`, {
      hints: INTERRUPTED_HINTS,
    });
  }
  if (options.resume && !interrupted) {
    throw new GuardError('user', 'there is no interrupted rollback to resume', { hints: ['See past rollbacks with `guard list`.'] });
  }
  await checkPreconditions(repo, interrupted);

  // Resolve an explicit target before touching anything, so a typo fails fast.
  let target: Snapshot | null = options.target ?? null;
  let undoOf: string | null = null;
  if (options.undo) {
    const last = interrupted ?? (await readLastRollback(repo));
    if (!last) throw new GuardError('user', 'there is no rollback to undo', { hints: ['See the snapshots with `guard list`.'] });
    target = await readSnapshot(repo, last.pre);
    undoOf = last.target;
    // Bits of files the rollback untracked that its pre-rollback snapshot did not know (tracked there).
    if (last.untrackedModes) target = { ...target, knownModes: { ...last.untrackedModes, ...target.knownModes } };
  } else if (options.resume && interrupted) {
    target = await readSnapshot(repo, interrupted.target);
  } else if (!target && options.id) {
    target = await resolveSnapshot(repo, options.id);
  }
  const paths = options.resume && interrupted ? interrupted.paths : (options.paths ?? []);
  const exactPaths = options.resume && interrupted ? ((interrupted.exactPaths ?? []) as GitPath[]) : (options.exactPaths ?? []);
  const selection: Selection = { globs: paths, exact: exactPaths };
  // A database selected goes with its logs (database-side-files.ts): what the restore plans from.
  const planSelection: Selection = selects(selection) ? withLogsSelected(paths, exactPaths) : selection;
  const filesOnly = options.resume && interrupted ? interrupted.filesOnly : options.filesOnly === true || selects(selection);
  if (target && !filesOnly && !options.undo && !options.resume) await checkSameWorktree(repo, target);

  emit({ type: 'phase', phase: 'pre-snapshot' });
  const snap = await createSnapshot(repo, {
    trigger: 'pre-rollback',
    message: undoOf ? `before undoing the rollback to ${undoOf.slice(0, 12)}` : target ? `before rollback to ${target.oid.slice(0, 12)}` : 'before rollback',
    keepIndex: true,
    ...options.snapshot,
    ...(inTheWay ? { captureIgnored: inTheWay } : {}),
  });
  const pre = snap.snapshot;
  const worktreeIndex = snap.worktreeIndex!;
  const temps: TempIndex[] = [worktreeIndex];
  let lock: IndexLock | null = null;
  try {
    target ??= await defaultTarget(repo, pre);
    emit({ type: 'phase', phase: 'planning' });
    await refreshStat(repo, worktreeIndex);
    if (selects(selection) && !(await selectionMatchesAnything(repo, selection, [pre.tree, target.tree, pre.indexTree, target.indexTree]))) {
      const asked = [...(paths.length > 0 ? [`--paths ${paths.map((p) => `'${p}'`).join(' ')}`] : []), ...exactPaths.map(pathText)].join(' ');
      throw new GuardError('user', `no file matches ${asked}, in the snapshot or now; nothing was changed`, {
        hints: [`See what the snapshot holds: git ls-tree -r --name-only ${target.oid.slice(0, 12)}`, 'Globs match from the top of the repository: `src/**` or `**/*.js`, not `*.js` for files in subdirectories.'],
      });
    }

    // What the working tree and the index should become.
    let treeGoal = target.tree;
    let indexGoal: { tree: string | null; raw: string | null } = { tree: target.indexTree, raw: target.rawIndex };
    // A restore of some paths: the index entries it takes from the target (their bits come from the target too).
    let takenEntries: GitPath[] = [];
    if (selects(selection)) {
      const hybrid = await copyUserIndex(repo, worktreeIndex.file);
      temps.push(hybrid);
      await overlayPaths(repo, hybrid, pre.tree, target.tree, planSelection);
      treeGoal = await writeTreeOf(repo, hybrid.file);
      if (pre.indexTree && target.indexTree) {
        const staged = await copyUserIndex(repo);
        temps.push(staged);
        takenEntries = await overlayPaths(repo, staged, pre.indexTree, target.indexTree, selection);
        indexGoal = { tree: await writeTreeOf(repo, staged.file), raw: null };
      } else {
        indexGoal = { tree: pre.indexTree, raw: pre.rawIndex };
      }
    }

    // Ignored files a later snapshot captured before a command deleted or overwrote them come back too.
    let capturedIgnored: string[] = [];
    let capturedModes: Record<string, string> = {};
    let capturedNotRestored: NotRestored[] = [];
    if (!selects(selection) && !undoOf) {
      // A session start's own captures: planned as if the target did not hold them, then those
      // that are gone put back (start-captures.ts).
      const startCaptures = await withoutStartCaptures(repo, target, treeGoal, temps);
      if (startCaptures) treeGoal = startCaptures.tree;
      ({ tree: treeGoal, restored: capturedIgnored, modes: capturedModes, notRestored: capturedNotRestored } = await withCapturedIgnored(repo, target, treeGoal, temps));
      if (startCaptures) {
        const back = await withMissingStartCaptures(repo, treeGoal, startCaptures, capturedIgnored, temps);
        treeGoal = back.tree;
        capturedIgnored = [...capturedIgnored, ...back.names].sort();
      }
    }

    // The files this rollback untracks (one diff-tree of the two index trees, once, when asked).
    const goalIndexTree = indexGoal.tree;
    let untracked: Promise<ReadonlySet<string>> | undefined;
    const untracks = (): Promise<ReadonlySet<string>> => (untracked ??= filesUntracked(repo, pre.indexTree, goalIndexTree));
    let gitFiles = await diffTrees(repo, pre.tree, treeGoal);
    // Ignored at the target, left alone: their permission bits too (below).
    let keptIgnored: GitPath[] = [];
    if (!selects(selection)) {
      // Files a changed .gitignore (or an untracking index) made untracked are ignored files at the target: left alone.
      const kept = await keepIgnoredAtTarget(repo, pre.tree, treeGoal, gitFiles, temps, { now: pre.indexTree, goal: indexGoal.tree, untracks });
      if (kept.kept.length > 0) {
        keptIgnored = kept.kept;
        treeGoal = kept.tree;
        gitFiles = await diffTrees(repo, pre.tree, treeGoal);
      }
    }
    await markStagedGitlinks(repo, gitFiles, indexGoal.tree);
    // Files whose bytes git's checkout would leave wrong (conversions: raw-restore.ts), written
    // after it; a file only they change is one more write in the plan.
    const selectRaw: RawSelection | null = selects(selection)
      ? async (tree) => new Set((await selectedDiff(repo, ['--name-status'], await emptyTree(repo), tree, selection)).map(([, p]) => p as string))
      : null;
    const rawWrites = await planRawWrites(repo, pre, target, gitFiles, selectRaw);
    const planned = new Set(gitFiles.map((f) => f.path));
    const files = [...gitFiles, ...rawWrites.filter((w) => !planned.has(w.path)).map((w) => ({ path: w.path, action: 'write' as const, kind: 'file' as const }))];
    // A database's write-ahead log or hot journal that the goal does not hold would be replayed
    // into the restored file at its next open (database-side-files.ts): captured into the
    // pre-rollback snapshot (this rollback once more, as files in the way are) and removed with it.
    // A dry run too (it takes its pre-rollback snapshot as well): its plan is the rollback's.
    if (inTheWay === null) {
      const logs = await uncapturedDatabaseLogs(repo, worktreeIndex.file, files);
      if (logs.length > 0) {
        const error = new UncapturedInTheWay([...logs, ...(await uncapturedObstacles(repo, files, treeGoal))]);
        error.target = target;
        throw error;
      }
    }
    // Git LFS pointers among the files it writes, and where their objects are (lfs-restore.ts):
    // no process in a repository without `.git/lfs`.
    const lfs = await planLfs(repo, treeGoal, files.filter((f) => f.action !== 'delete' && f.kind === 'file').map((f) => f.path));
    // The sparse view goes with the refs (a files-only restore keeps the view of now); a target
    // from before it was recorded leaves it as it is.
    const sparseGoal = filesOnly || target.sparse === undefined ? pre.sparse : target.sparse;
    const refPlan = filesOnly ? { refs: [], skippedRefs: [], head: null, stash: null } : await planRefs(repo, pre, target);
    // git's merge, cherry-pick or revert state goes with the refs (a files-only restore leaves it).
    const operation = filesOnly ? null : planOperation(pre, target);
    const plan: RollbackPlan = {
      target: target.oid,
      files,
      indexChanges: indexGoal.tree !== pre.indexTree || indexGoal.raw !== pre.rawIndex || (!selects(selection) && JSON.stringify(target.indexFlags ?? null) !== JSON.stringify(pre.indexFlags ?? null)),
      ...refPlan,
      ...(operation ? { operation } : {}),
      ...(capturedIgnored.length > 0 ? { capturedIgnored } : {}),
      ...(capturedNotRestored.length > 0 ? { capturedNotRestored } : {}),
      ...withDatabaseLogs(databaseLogsDeleted(repo, files)),
      ...(sparseGoal !== pre.sparse && !sameSparse(pre.sparse, sparseGoal) ? { sparse: true as const } : {}),
      ...(lfs && lfs.missing.length > 0 ? { lfsMissing: lfs.missing } : {}),
    };
    // A restore of some paths: the files it selects, when either side records bits at all (one diff-tree).
    const records = (r: ModeRecords): number => Object.keys(r.modes ?? {}).length + Object.keys(r.knownModes ?? {}).length;
    const selectedForModes = selects(selection) && records(target) + records(pre) > 0 ? (await selectedDiff(repo, ['--name-status'], await emptyTree(repo), treeGoal, selection)).map(([, p]) => p as string) : null;
    const modesChange = selects(selection)
      ? selectedForModes !== null && JSON.stringify(recordsOf(target, selectedForModes)) !== JSON.stringify({ ...recordsOf(pre, selectedForModes), umask: target.umask })
      : JSON.stringify(target.modes ?? null) !== JSON.stringify(pre.modes ?? null) || knownModesDiffer(repo.root, target);
    const nothingToDo = !plan.sparse && plan.files.length === 0 && !plan.indexChanges && !modesChange && plan.refs.length === 0 && !plan.upstreams && !plan.branchConfig && !(plan.remoteConfig && plan.remoteConfig.changes.length > 0) && !plan.head && !plan.stash && !operationChanges(plan.operation);
    if (options.dryRun || (nothingToDo && !interrupted)) {
      // Nothing changes, but a captured file stays out: said in the journal too.
      if (!options.dryRun && plan.capturedNotRestored) journalRollback(repo, 'rollback', plan, target, pre, { pre: null, filesOnly, paths, exactPaths }, watcher);
      return { plan, target, pre, applied: false, nothingToDo, watcher };
    }

    if (TEST_FAULTS) await holdForTest(repo);
    emit({ type: 'phase', phase: 'checking' });
    try {
      await checkWorktree(repo, files, treeGoal, worktreeIndex, inTheWay === null);
    } catch (error) {
      if (error instanceof UncapturedInTheWay) error.target = target;
      throw error;
    }
    if (plan.operation && plan.operation.write.length > 0) await checkOperationCommits(repo, target);
    if (plan.sparse) await checkSparsePatterns(repo, sparseGoal);
    // git's checkout would stop in the middle (git-lfs's smudge cannot run, or an object is
    // nowhere): refused here, before the question and before anything moves.
    const lfsPointers = options.lfsPointers === true || interrupted?.lfsPointers === true;
    if (lfs) await refuseLfsTrouble(repo, lfs, target.oid, lfsPointers, options.lfsPointersCommand ?? null);

    if (!(await options.confirm(plan, { target, pre }))) {
      throw new GuardError('refused', 'rollback not confirmed; nothing was changed', {
        hints: [`Run it again with --yes to confirm: guard rollback ${target.oid.slice(0, 12)} --yes`],
      });
    }

    // Git LFS objects the files to write point at and `git lfs prune` deleted, from the backup
    // (lfs-restore.ts): without them git-lfs's smudge fails halfway through the checkout.
    copyLfsFromBackup(repo, lfs);
    // LFS files written as their pointers (--lfs-pointers): git's checkout first writes the goal
    // without them, then them with the filter off (below).
    const pointerFiles = lfsPointers && lfs ? lfs.missing.map((m) => m.path) : [];
    const withoutPointers = pointerFiles.length > 0 ? (await editTree(repo, treeGoal, pointerFiles.map((p) => ({ path: p, entry: null })))).tree : null;

    // The journal first, naming the lock's token, then the lock: a rollback killed between the two
    // leaves a journal that --resume finishes (no lock) or a lock it knows as its own, never a
    // lock no journal names (every git command refused, and nothing to resume; found by the
    // rollback fuzzer, test/fuzz/rollback-fuzz.test.ts).
    const lockToken = newLockToken();
    const record: RollbackRecord = {
      target: target.oid,
      pre: interrupted?.pre ?? pre.oid,
      filesOnly,
      paths,
      ...(exactPaths.length > 0 ? { exactPaths } : {}),
      step: 'planned',
      startedAt: new Date().toISOString(),
      pid: process.pid,
      pidSpace: pidSpaceId(),
      lockToken,
      ...(lfsPointers ? { lfsPointers: true as const } : {}),
    };
    await writeInProgress(repo, record);
    lock = await lockIndex(repo.indexFile, lockToken, path.join(tempDir(repo), `index-${process.pid}.${pidSpaceTag()}-lock-${lockToken}`));
    emit({ type: 'step-done', step: 'planned' });
    // The confirmation may have taken minutes: under the lock, before anything moves, the working
    // tree, HEAD and the stash must still be what the plan saw (the refs are checked by their
    // transaction).
    await refreshStat(repo, worktreeIndex);
    await checkWorktree(repo, files, treeGoal, worktreeIndex);
    if (!filesOnly) await checkHeadAndStash(repo, plan, pre);
    const step = async (name: RollbackStep): Promise<void> => {
      record.step = name;
      await writeInProgress(repo, record);
      emit({ type: 'step-done', step: name });
    };

    await withInternalToken(repo, async (env) => {
      if (!filesOnly) {
        emit({ type: 'phase', phase: 'refs' });
        await ensureTagObjects(repo, target!, plan);
        await moveRefs(repo, plan, env);
        // A branch's upstream goes with it (`git branch -D` removed it with the branch).
        await restoreUpstreams(repo, plan.upstreams);
        // Its whole config section (description, pushRemote, ...) when both snapshots recorded it.
        await restoreBranchConfig(repo, plan.branchConfig);
        // The remotes they name (url, fetch, ...), from this machine's record (remote-config.ts).
        await restoreRemoteConfig(repo, plan.remoteConfig, pre, target!);
        await step('refs');
        await moveHead(repo, plan, pre, env);
        await step('head');
        await restoreStash(repo, plan, env);
        await step('stash');
      }
    });

    // read-tree unlinks each file it rewrites and writes it anew with git's default bits: a tracked
    // file at 0600 the agent edited would come back 0644. Their bits now, to give back (file-modes.ts).
    const kept = keptModes(repo.root, files.filter((f) => f.action === 'write' && f.kind === 'file').map((f) => f.path));
    emit({ type: 'phase', phase: 'worktree' });
    // One-way merge from the index that mirrors the working tree to the goal: writes, creates and
    // removes exactly the files that differ.
    if (withoutPointers) {
      await runGit([...NO_SPARSE, 'read-tree', '-m', '-u', withoutPointers], { cwd: repo.root, env: { GIT_INDEX_FILE: worktreeIndex.file } });
      // Only the pointer files differ now: written as the blobs they are, git-lfs's filter off.
      await runGit([...NO_SPARSE, ...LFS_OFF, 'read-tree', '-m', '-u', treeGoal], { cwd: repo.root, env: { GIT_INDEX_FILE: worktreeIndex.file } });
    } else {
      await runGit([...NO_SPARSE, 'read-tree', '-m', '-u', treeGoal], { cwd: repo.root, env: { GIT_INDEX_FILE: worktreeIndex.file } });
    }
    await applyRawWrites(repo, rawWrites, treeGoal, worktreeIndex.file);
    await step('worktree');

    emit({ type: 'phase', phase: 'index' });
    let content: Buffer;
    if (indexGoal.raw) {
      content = (await runGit(['cat-file', 'blob', indexGoal.raw], { cwd: repo.root })).stdout;
    } else {
      const staged = await copyUserIndex(repo, worktreeIndex.file);
      temps.push(staged);
      // Starting from the fresh working-tree index keeps stat data for unchanged entries, so the
      // next `git status` does not re-read every file. -i: the worktree is written already and
      // this computes the index alone; without it git checked each changed entry's file against
      // stat data the worktree step had made stale (a hard link's partner rewritten changes its
      // ctime: "Entry 'src/app.js' not uptodate", the rollback stopped half done).
      await runGit(['read-tree', '-i', '-m', indexGoal.tree ?? (await emptyTree(repo))], { cwd: repo.root, env: { GIT_INDEX_FILE: staged.file } });
      // The bits no tree holds (assume-unchanged, skip-worktree, intent-to-add) as the snapshot
      // recorded them; a restore of some paths gives them to the entries it took from the snapshot
      // and leaves the index's other entries' bits as they were (flagsAfterRestore).
      await applyFlags(repo, staged.file, selects(selection) ? flagsAfterRestore(pre.indexFlags, target.indexFlags, takenEntries) : target.indexFlags);
      content = await fs.readFile(staged.file);
    }
    await lock.commit(content);
    lock = null;
    // The raw index's stat data is the snapshot's: refreshed before the sparse view is reapplied.
    if (indexGoal.raw) await refreshRawIndex(repo, sparseGoal);
    await step('index');
    await restoreSparse(repo, pre.sparse, sparseGoal);
    // Permission bits git's checkout does not give (an untracked key at 0600), as the target
    // recorded them, and those of the files read-tree rewrote; after the index, which says what is
    // tracked. A restore of some paths gives back only the selected files' bits (below).
    // The captured ignored files brought back get the bits their capture recorded (a key at 0600).
    const modeGoal = Object.keys(capturedModes).length > 0 ? { ...target, modes: { ...target.modes, ...capturedModes } } : target;
    // The files it wrote: under another umask than the target's, untracked ones get the target's default.
    const written = files.filter((f) => f.action !== 'delete' && f.kind === 'file').map((f) => f.path);
    // A file kept because the target ignores it (a .gitignore rewritten after the target made .env
    // untracked, so the state before the rollback recorded its 0600) is an ignored file at the
    // target, which the target records no bits for: its bits stay as they are, where the bits
    // recorded before would have sent it to the checkout default (a 0600 secret left 0644).
    const modesBefore = keptIgnored.length > 0 ? withoutModes(pre, keptIgnored) : pre;
    // The files it untracks that were tracked with bits no snapshot knew (narrowed by a chmod no
    // git command saw since) get the default back when the target held them untracked at it, and
    // the bits they had go into the journal for --undo (the state before did not know them).
    // A restore of some paths gives every file it selects the bits the target records for it,
    // also one whose bytes it did not have to write (an agent's chmod 644 of a key at 0600 stayed
    // 0644 before 2026-12-05: found by the rollback fuzzer's wider states, seed 5108), and git's
    // default back to an untracked one that only the state before recorded; nothing else's. The
    // selected files: one diff-tree, only when either side records bits at all.
    const selected = selectedForModes ?? written;
    const learned = selects(selection)
      ? await restoreModes(repo, recordsOf(modeGoal, selected), { modes: recordsOf(pre, selected).modes }, kept, [], new Set())
      : await restoreModes(repo, modeGoal, modesBefore, kept, written, await untracks());
    if (Object.keys(learned).length > 0) record.untrackedModes = learned;

    // Last, once refs, HEAD and the index are in place: git's merge, cherry-pick or revert state
    // (MERGE_HEAD, MERGE_MSG, ...), so `git status` shows the operation and `git commit` makes
    // the merge commit with all its parents; an undo removes what the rollback wrote.
    if (operationChanges(plan.operation)) {
      await writeOperationState(repo, pre.operationState, goalState(target));
      await step('operation');
    }

    await writeLastRollback(repo, { ...record, step: 'done' });
    await clearInProgress(repo);
    journalRollback(repo, options.undo ? 'undo' : options.resume ? 'resume' : 'rollback', plan, target, pre, record, watcher);
    return { plan, target, pre, applied: true, nothingToDo, watcher, ...(pointerFiles.length > 0 ? { lfsPointers: pointerFiles } : {}) };
  } catch (error) {
    // Confirmed in the unpaused pass: nothing was changed, and an interrupted rollback stays.
    if (error instanceof Confirmed) throw error;
    if (lock) await lock.release();
    const journal = await readInProgress(repo);
    // The journal of a rollback this one resumes or undoes stays, whatever step it names: that
    // rollback changed things (a failed --resume that took no lock must not erase it).
    if (journal && error instanceof GuardError && (journal.step !== 'planned' || interrupted)) {
      error.hints.push(...INTERRUPTED_HINTS);
    } else if (journal && journal.step === 'planned' && !interrupted) {
      // Nothing was changed yet: no need to leave an interrupted rollback behind.
      await clearInProgress(repo);
    }
    throw error;
  } finally {
    await Promise.all(temps.map((t) => t.dispose()));
  }
}
