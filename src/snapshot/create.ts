/**
 * Takes a snapshot (format.ts) of the whole repository state and appends it to this worktree's
 * chain (refs.ts). Reads the user's state, writes only objects and guard's own ref.
 */
import { guardPath, type Repo } from '../git/repo.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';
import { runGit } from '../git/run.js';
import { gitPathsOf, matchText, pathFromText, pathText, type GitPath } from '../git/path.js';
import { commitTree, emptyTree, hashBlob, objectExists, zeroOid, GUARD_IDENTITY } from '../git/objects.js';
import { keeperCommit } from './keeper.js';
import { treeChanges } from './tree-diff.js';
import { treeIdWithout } from './tree-edit.js';
import { sameOperationState } from './operation-state.js';
import { recordOperationDirs } from './operation-dirs.js';
import { indexListsPathsOfAnyFormat, isSplitIndex, rootTreeFromCacheTree, type IndexFlags } from './index-file.js';
import { flagsMeta, readIndexFlags } from './index-flags.js';
import { knownModesMeta, modesMeta, umaskText } from './file-modes.js';
import { withInternalToken } from '../git/internal-token.js';
import { keepObjectPipes, objectPipesOf, type ObjectPipes } from '../git/object-pipes.js';
import { GuardError } from '../errors.js';
import fs from 'node:fs/promises';
import { applyScan, captureOnto, listUserPaths, lstatSign, MAX_INCREMENTAL_PATHS, RACY_MS, retryOnSignal, scanChangedPaths, scanWorktree } from './capture-worktree.js';
import { readModeRules, type BranchConfigPair } from './mode-rules.js';
import { checkConversions } from './conversions.js';
import { captureRawFiles, clearRawNote, noteRawWrites, rawSignature, readRawNote } from './raw-files.js';
import { clearScanMemo, readScanMemo, sameStamp, saveScanMemo, statIndex, type IndexStamp, type ScanMemo } from './scan-memo.js';
import { hasCaptures, tallyChanges, type CapturedNames } from './change-counts.js';
import { decodeMessage, encodeMessage, FORMAT_VERSION, HELD_IGNORED_MAX, sameState, type ChangeCounts, type HeldIgnored, type SkippedPath, type Snapshot, type SnapshotMeta, type Trigger } from './format.js';
import { readSparseState, recordSparsePatterns, sparseEntries } from './sparse-state.js';
import { readRepoState, type ChainHeadRecord, type RepoState } from './repo-state.js';
import { headRef, worktreeId } from './refs.js';
import { chainGrew } from './read.js';
import { copyUserIndex, removeStaleTempFiles, type TempIndex } from './temp-index.js';

export const DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024;

export type SnapshotEvent =
  | { type: 'phase'; phase: 'reading-state' | 'scanning-worktree' | 'writing' }
  | { type: 'skipped'; path: string; reason: string }
  /** The walk is done: `paths` differ from the index and are read (hashed) now. */
  | { type: 'scanned'; paths: number };

export interface CreateSnapshotOptions {
  trigger?: Trigger;
  message?: string | null;
  session?: string | null;
  agent?: string | null;
  /** Bytes; new untracked files above it are skipped and listed. 0 = no limit. Default 50 MB. */
  maxFileSize?: number;
  /** Globs of ignored files to capture anyway (e.g. `.env`). */
  includeIgnored?: string[];
  /**
   * Ignored files to capture by exact path (repo-relative byte strings, latin1): what a command
   * is about to delete (the command guard's capture). Listed by name in the snapshot (`ignored`).
   * May still be being listed (a promise: a session start's capture, listed beside the walk);
   * the walk waits for it before it reads anything, an incremental snapshot before it starts.
   */
  captureIgnored?: string[] | Promise<string[]>;
  /**
   * Tracked files (repo-relative byte strings) whose permission bits to look at, whatever the
   * index says: what a command is about to delete (the command guard's modePaths). A chmod of an
   * unchanged file that no git command has seen is otherwise unknown (file-modes.ts).
   */
  lookAtModes?: string[];
  /** Write a new snapshot even if nothing changed (the id then differs only in its metadata). */
  force?: boolean;
  /**
   * With force (a session start's baseline): hand back the previous snapshot instead of writing
   * one when it records this very state (sameState: trees, index, HEAD, refs, stash, modes, ...)
   * with the same captured ignored files and held records, and a rollback to it means what a
   * rollback to a new one would: it is itself a session start's, or neither captures anything
   * (a capture's trigger decides how a rollback brings it back). reusableBaseline() is the test.
   */
  reuseSame?: boolean;
  /** Keep the private index that mirrors the working tree (rollback uses it); caller disposes. */
  keepIndex?: boolean;
  /**
   * Paths (files or directories, repo-relative) that changed since the previous snapshot, as a
   * watcher saw them: only these are read again, on top of the previous snapshot's tree, so the
   * cost follows the change, not the repo. Byte strings (GitPath): a name that is not UTF-8 is
   * given exactly. Falls back to a full walk when there is no previous snapshot, the list is very
   * long, keepIndex is set, or core.fileMode/core.symlinks is false.
   */
  changedPaths?: GitPath[];
  onEvent?: (event: SnapshotEvent) => void;
}

export interface CreateSnapshotResult {
  snapshot: Snapshot;
  /** false when nothing changed and the previous snapshot was returned. */
  created: boolean;
  /** Only with keepIndex: a private index matching snapshot.tree with fresh stat data. */
  worktreeIndex?: TempIndex;
  /**
   * The paths whose index entry differs between the index trees `from` (the previous snapshot's)
   * and `to` (the one read for this snapshot), when an incremental snapshot compared them anyway:
   * the watcher reads newly tracked files from it without a git process of its own (daemon.ts,
   * followTracked).
   */
  indexChanged?: { from: string; to: string; paths: GitPath[] };
}

/**
 * A previous snapshot of the same state (sameState) that may stand for a new forced one of
 * `trigger` (createSnapshot's reuseSame): the same ignored files captured by name and the same
 * held records, and either the same trigger or no capture on either side (how a rollback brings a
 * capture back depends on the trigger of the snapshot that holds it: start-captures.ts,
 * captured-ignored.ts).
 */
export function reusableBaseline(previous: Snapshot, trigger: Trigger, ignored: string[] | undefined, held: Record<string, HeldIgnored> | undefined): boolean {
  if (JSON.stringify(previous.ignored ?? []) !== JSON.stringify(ignored ?? [])) return false;
  if (JSON.stringify(previous.heldIgnored ?? null) !== JSON.stringify(held ?? null)) return false;
  return previous.trigger === trigger || ((ignored ?? []).length === 0 && held === undefined);
}

/**
 * Whether `previous`, a session start's snapshot, is this state plus only its own start captures
 * (start-capture.ts), all still on disk unchanged: the watcher's start-up walk right after a
 * session start finds exactly that (a walk does not list ignored files, so its tree lacks them,
 * and it holds them as records instead). A rollback to either brings the captures back only
 * where they are gone (start-captures.ts; captured-ignored.ts for a held one of a session
 * start), so the session start's snapshot stands for it and none is written. Proved from the
 * state, not assumed: everything sameState compares but the tree (and the captures' own `modes`
 * records) is equal, the held records are
 * the session start's own (same lstat signs, every capture among them), and the session start's
 * tree with the captured files taken out has the id of this tree (computed, nothing written).
 */
async function onlyStartCaptures(repo: Repo, previous: Snapshot, candidate: Parameters<typeof sameState>[1] & { ignored?: string[] }, held: Record<string, HeldIgnored> | undefined): Promise<boolean> {
  if (previous.trigger !== 'session-start' || !previous.ignored || previous.ignored.length === 0 || (candidate.ignored ?? []).length > 0) return false;
  if (previous.tree === candidate.tree || !held || !previous.heldIgnored) return false;
  if (!previous.ignored.every((text) => previous.heldIgnored![text] !== undefined)) return false;
  const expected = Object.fromEntries(Object.entries(previous.heldIgnored).map(([text, record]) => [text, { sign: record.sign, in: record.in ?? previous.oid }]));
  if (JSON.stringify(expected) !== JSON.stringify(held)) return false;
  // The captures' permission bits: the session start records them in `modes` (a captured .env at
  // 0600), the walk after it in `knownModes` (carried from there); the same bits, or none, on
  // both sides, and the rest of both records equal.
  const captured = new Set(previous.ignored);
  for (const text of captured) {
    const known = candidate.knownModes?.[text];
    if (known !== undefined && known !== previous.modes?.[text]) return false;
    if (candidate.modes?.[text] !== undefined) return false;
  }
  const strip = (record: Record<string, string> | undefined): Record<string, string> | undefined => {
    const kept = Object.entries(record ?? {}).filter(([text]) => !captured.has(text));
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
  };
  if (!sameState({ ...previous, modes: strip(previous.modes), knownModes: strip(previous.knownModes) }, { ...candidate, tree: previous.tree, modes: strip(candidate.modes), knownModes: strip(candidate.knownModes) })) return false;
  return (await treeIdWithout(repo, previous.tree, previous.ignored.map((text) => pathFromText(text)))) === candidate.tree;
}

/** The newest snapshot from its ref's commit id and message; null if the ref names no snapshot. */
function snapshotFrom(head: ChainHeadRecord): Snapshot | null {
  const meta = decodeMessage(head.message);
  return meta ? { ...meta, oid: head.oid } : null;
}

/** The fixed, empty commit every chain starts from (same id every time). */
async function chainRoot(repo: Repo): Promise<string> {
  return commitTree(repo, await emptyTree(repo), [], 'git-guard chain root\n', {
    GIT_AUTHOR_DATE: '1970-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '1970-01-01T00:00:00Z',
  });
}

/** The user's index as a tree, read from a private copy (write-tree writes the index it reads). */
async function readUserIndexTree(repo: Repo, oidBytes: number, known: Set<string>, indexData: () => Promise<Buffer | null>): Promise<{ indexTree: string | null; rawIndex: string | null }> {
  // Usually the index's own cache tree already names it: no copy, and no git process when it is a
  // tree a snapshot already recorded (so it exists).
  const cached = await rootTreeFromCacheTree(await indexData(), oidBytes);
  if (cached && (known.has(cached) || (await objectExists(repo, cached)))) return { indexTree: cached, rawIndex: null };
  const copy = await copyUserIndex(repo);
  try {
    return await readIndexTree(repo, copy.file, oidBytes);
  } finally {
    await copy.dispose();
  }
}

/**
 * Paths (bytes) whose entry differs between two index trees, for an incremental snapshot. null:
 * read everything (an index without a tree, or a conflict).
 */
async function indexChangedPaths(repo: Repo, before: string | null, after: string | null): Promise<GitPath[] | null> {
  if (before === after) return [];
  if (before === null || after === null) return null;
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--name-only', '--no-renames', before, after], { cwd: repo.root });
  return gitPathsOf(stdout);
}

/** Bytes in an object id of this repository (sha1: 20, sha256: 32), from an id it already has. */
function oidBytes(state: RepoState, previous: Snapshot | null): number {
  const sample = state.head.oid ?? state.refs[0]?.oid ?? previous?.oid;
  return sample && sample.length === 64 ? 32 : 20;
}

/**
 * The index as a tree, or (when it has conflicts, which no tree can hold) the raw index file as a
 * blob: a whole one. A split index (core.splitIndex) holds most entries in `.git/sharedindex.<oid>`,
 * which no snapshot or backup holds and git expires: kept as it was, it made a rollback (and a
 * recover after `rm -rf .git`) write an index git cannot open ("sharedindex...: index file open
 * failed"), every later git command failing (found on a flask clone, 2026-12-07). Its private copy
 * is first written whole (one `update-index --no-split-index`, only then).
 */
async function readIndexTree(repo: Repo, indexFile: string, oidBytes: number): Promise<{ indexTree: string | null; rawIndex: string | null }> {
  const result = await runGit(['write-tree'], { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile }, okCodes: [128] });
  if (result.code === 0) return { indexTree: result.stdout.toString('utf8').trim(), rawIndex: null };
  if (/unmerged|conflict/i.test(result.stderr)) {
    if (isSplitIndex(await fs.readFile(indexFile), oidBytes)) await runGit(['-c', 'core.splitIndex=false', 'update-index', '--no-split-index'], { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile } });
    return { indexTree: null, rawIndex: await hashBlob(repo, await fs.readFile(indexFile)) };
  }
  throw new GuardError('git', `could not read the index: ${result.stderr.trim()}`);
}

/** The commit I (format.ts): the index tree with HEAD as parent, reused when nothing in it changed. */
async function indexCommit(repo: Repo, index: { indexTree: string | null; rawIndex: string | null }, head: string | null, previous: Snapshot | null): Promise<string> {
  if (previous && previous.indexTree === index.indexTree && previous.rawIndex === index.rawIndex && previous.head.oid === head) return previous.indexCommit;
  const message = index.rawIndex ? 'guard index (conflicted; raw index kept)\n' : 'guard index\n';
  return commitTree(repo, index.indexTree ?? (await emptyTree(repo)), head ? [head] : [], message);
}

/**
 * `changes` (change-counts.ts): the two trees compared through the snapshot's running `cat-file`
 * (tree-diff.ts); one diff-tree when that would read many trees.
 */
async function countChanges(repo: Repo, from: string | null, to: string, captured?: CapturedNames): Promise<ChangeCounts> {
  if (from === to) return { added: 0, modified: 0, deleted: 0 };
  const read = from === null ? null : await treeChanges(repo, from, to);
  if (read !== null) return tallyChanges(read, captured);
  const base = from ?? (await emptyTree(repo));
  if (base === to) return { added: 0, modified: 0, deleted: 0 };
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-status', base, to], { cwd: repo.root });
  return tallyChanges(stdout.toString('latin1'), captured);
}

/** The previous snapshot's captures gone from disk now (one lstat each; change-counts.ts). */
async function goneCaptures(repo: Repo, before: string[] | undefined): Promise<Set<string>> {
  const gone = new Set<string>();
  await Promise.all(
    (before ?? []).map(async (text) => {
      const bytes = pathFromText(text) as string;
      const full = Buffer.concat([Buffer.from(`${repo.root}/`, 'utf8'), Buffer.from(bytes, 'latin1')]);
      if (!(await fs.lstat(full).then(() => true, () => false))) gone.add(bytes);
    }),
  );
  return gone;
}

/**
 * Ref name -> id, in the refs' order. Built on an object that is a dictionary from the start: an
 * object literal grown to 1,150 names (Object.fromEntries) goes through a hidden class per name
 * first, 4-6 ms of CPU on the benchmark repository against 0.1-0.6 ms (the same keys, the same order).
 */
function refsRecord(state: RepoState): Record<string, string> {
  const record: Record<string, string> = { a: '', b: '' };
  delete record.a;
  delete record.b;
  for (const ref of state.refs) record[ref.refname] = ref.oid;
  return record;
}

/** Branch refname -> its upstream, for the branches that have one. */
function upstreamsOf(state: RepoState): Record<string, { remote: string; merge: string }> {
  const record: Record<string, { remote: string; merge: string }> = {};
  for (const ref of state.refs) if (ref.upstream) record[ref.refname] = ref.upstream;
  return record;
}

/**
 * Branch refname -> its local config section (`branch.<name>.*`, as mode-rules.ts read it with the
 * core keys), for the branches in `refs` that have one: `git branch -D` removes the section with
 * the branch, and a rollback writes it back (restore/branch-config.ts).
 */
function branchConfigOf(state: RepoState, sections: Record<string, BranchConfigPair[]> | undefined): Record<string, BranchConfigPair[]> {
  const record: Record<string, BranchConfigPair[]> = {};
  if (!sections) return record;
  for (const ref of state.refs) {
    if (!ref.refname.startsWith('refs/heads/')) continue;
    const pairs = sections[ref.refname.slice('refs/heads/'.length)];
    if (pairs && pairs.length > 0) record[ref.refname] = pairs;
  }
  return record;
}

/**
 * Skipped paths of the previous snapshot that an incremental one did not look at again: still
 * skipped (their files did not change), so still listed.
 */
function carryOverSkipped(previous: SkippedPath[], fresh: SkippedPath[], changed: GitPath[]): SkippedPath[] {
  // A skipped path is recorded as text (a full walk records it so too): compare as text.
  const texts = changed.map(matchText);
  const looked = (p: string): boolean => texts.some((c) => p === c || p.startsWith(`${c}/`));
  const merged = [...previous.filter((s) => !looked(s.path)), ...fresh];
  return [...new Map(merged.map((s) => [s.path, s])).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The captured ignored files that exist (a gone one left nothing to record), as text the way
 * every path is given as text (pathText: git-quoted when not UTF-8), so pathFromText gives the
 * exact name back to rollback.
 */
async function capturedIgnored(repo: Repo, paths: string[]): Promise<{ ignored?: string[] }> {
  if (paths.length === 0) return {};
  const present: string[] = [];
  for (const bytes of paths) {
    const full = Buffer.concat([Buffer.from(`${repo.root}/`, 'utf8'), Buffer.from(bytes, 'latin1')]);
    if (await fs.lstat(full).then(() => true, () => false)) present.push(pathText(bytes as GitPath));
  }
  return present.length > 0 ? { ignored: present.sort() } : {};
}

/**
 * The `heldIgnored` record (format.ts): this snapshot's own captures whose lstat data the scan
 * signed (`signs`), and the previous snapshot's records whose file a lstat finds unchanged now
 * (one lstat each, no git process), pointing at the snapshot that holds the bytes. A name this
 * snapshot captured itself is its own record or none (a capture too fresh to sign).
 */
async function heldIgnoredMeta(repo: Repo, previous: Snapshot | null, own: string[] | undefined, signs: Map<string, string> | undefined): Promise<Record<string, HeldIgnored> | undefined> {
  const held = new Map<string, HeldIgnored>();
  const captured = new Set(own ?? []);
  for (const text of captured) {
    const sign = signs?.get(pathFromText(text));
    if (sign !== undefined && held.size < HELD_IGNORED_MAX) held.set(text, { sign });
  }
  // The previous snapshot's records (at most HELD_IGNORED_MAX: one lstat each), in its order while room is left.
  const carried = Object.entries(previous?.heldIgnored ?? {}).filter(([text]) => !captured.has(text));
  const still = await Promise.all(
    carried.map(async ([text, record]) => {
      const now = await lstatSign(Buffer.concat([Buffer.from(`${repo.root}/`, 'utf8'), Buffer.from(pathFromText(text), 'latin1')]));
      return now === record.sign ? ([text, { sign: record.sign, in: record.in ?? previous!.oid }] as const) : null;
    }),
  );
  for (const entry of still) if (entry && held.size < HELD_IGNORED_MAX) held.set(entry[0], entry[1]);
  const names = [...held.keys()].sort();
  return names.length > 0 ? Object.fromEntries(names.map((text) => [text, held.get(text)!])) : undefined;
}

/**
 * Files the previous snapshot recorded in `modes` (untracked, or captured ignored) that the index
 * lists now: a captured `.env` at 0600 that `git switch` wrote over with a tracked one at 0644.
 * file-modes.ts records them at their bits even when those are the default, so a rollback's undo
 * gives back 0644 and not the bits the rollback left. Read from the index file (no git process);
 * none when it cannot be read (a split index): then they are unknown, as before.
 */
async function nowTracked(previous: Record<string, string> | undefined, modes: Record<string, string> | undefined, indexData: () => Promise<Buffer | null>): Promise<Set<string>> {
  const gone = Object.keys(previous ?? {}).filter((text) => modes?.[text] === undefined);
  if (gone.length === 0) return new Set();
  const data = await indexData();
  return (data && indexListsPathsOfAnyFormat(data, gone.map((text) => pathFromText(text) as string))) ?? new Set();
}

/** The index file is the same (both stamps, or neither: no index). */
function sameIndexFile(a: IndexStamp | null, b: IndexStamp | null): boolean {
  return a === null || b === null ? a === b : sameStamp(a, b);
}

/**
 * Test bundle only: with GUARD_TEST_SNAPSHOT_HOLD set and `<gitDir>/guard/test-snapshot-hold`
 * written by the test, a snapshot renames that file to `test-snapshot-held` and waits until the
 * test removes it (at most a minute). Where: what the armed file says; empty, a full walk once its
 * scan of the worktree is done and before it reads the index tree (`walk`, awaited first); `raw`,
 * any snapshot once its tree W is written and before it reads the raw files (raw-files.ts);
 * `memo`, once it has read them and before it signs them for the scan memo. Armed once, holds once.
 */
async function holdForTest(repo: Repo, point: 'scan' | 'raw' | 'memo', walk?: Promise<unknown>): Promise<void> {
  if (testFault('GUARD_TEST_SNAPSHOT_HOLD') === undefined) return;
  const armed = guardPath(repo, 'test-snapshot-hold');
  const at = await fs.readFile(armed, 'utf8').then((text) => text.trim() || 'scan', () => null);
  if (at !== point) return;
  await walk?.catch(() => undefined);
  const marker = guardPath(repo, 'test-snapshot-held');
  try {
    await fs.rename(armed, marker);
  } catch {
    return;
  }
  const deadline = Date.now() + 60_000;
  while ((await fs.stat(marker).then(() => true, () => false)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Written when a snapshot was recorded while the index changed under every attempt: the next one walks. */
const WALK_NEXT = 'walk-next';

export async function createSnapshot(repo: Repo, options: CreateSnapshotOptions = {}): Promise<CreateSnapshotResult> {
  // The watcher daemon keeps its object processes running for as long as it runs.
  if (objectPipesOf(repo)) return takeSnapshot(repo, options, null);
  // Anyone else keeps them for this snapshot's length (object-pipes.ts): one `cat-file --batch`
  // serves every read (the tree edit's directories, a keeper's tree) and one `hash-object` per
  // type every write (trees; the index, keeper and snapshot commits, which were a `commit-tree`
  // each), each started at its first use or, once the snapshot knows it will write, during the
  // walk (warm), instead of one process per step in series after it.
  const kept = keepObjectPipes(repo);
  try {
    return await takeSnapshot(repo, options, objectPipesOf(repo)!);
  } finally {
    await kept.close();
  }
}

/** createSnapshot; `pipes`: the object processes kept for this snapshot alone, to warm when it will write. */
async function takeSnapshot(repo: Repo, options: CreateSnapshotOptions, pipes: ObjectPipes | null): Promise<CreateSnapshotResult> {
  const emit = options.onEvent ?? (() => undefined);
  // A forced snapshot writes its keeper (whose tree is read by name) and its commits whatever it finds.
  if (options.force && !options.reuseSame) pipes?.warm(['read', 'commit']);
  await removeStaleTempFiles(repo);
  // Ignored files to capture that are still being listed: a full walk takes them as they come
  // (scanWorktree waits for them beside git's status), an incremental snapshot needs them first.
  const listing = options.captureIgnored instanceof Promise ? options.captureIgnored : null;
  listing?.catch(() => undefined);
  // Ignored files to capture go into the tree on top of what a walk records: the directories on
  // their way are read and written again (a session start's capture, a command's before it deletes).
  const warmForCaptures = (paths: string[]): void => {
    // (A baseline that may be the previous snapshot's, reuseSame, starts its commit writer at first use.)
    if (paths.length > 0) pipes?.warm(options.reuseSame ? ['read', 'tree'] : ['read', 'tree', 'commit']);
  };
  if (listing) void listing.then(warmForCaptures, () => undefined);
  else warmForCaptures((options.captureIgnored as string[] | undefined) ?? []);
  const captureIgnored = listing && options.changedPaths !== undefined ? await listing : (options.captureIgnored ?? []);
  const captureOptions = {
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    includeIgnored: options.includeIgnored ?? [],
    extraPaths: captureIgnored,
  };
  // Ignored files captured by name are changed paths too: an incremental scan reads them (as a
  // full walk does: the watcher never follows an ignored file's content), and one the previous
  // tree holds but that is gone now leaves it. (Known here whenever changedPaths is given.)
  const requested = options.changedPaths === undefined ? undefined : (captureIgnored as string[]).length === 0 ? options.changedPaths : [...new Set([...options.changedPaths, ...(captureIgnored as GitPath[])])];
  // A snapshot recorded while the user's index kept changing under it is no base to build on.
  const walkNext = await fs.access(guardPath(repo, WALK_NEXT)).then(() => true, () => false);
  const mayGoIncremental = requested !== undefined && requested.length <= MAX_INCREMENTAL_PATHS && !options.keepIndex && !walkNext;
  let consistencyTries = 0;
  for (let attempt = 0; ; attempt++) {
    // The user's index file, read at most once per attempt: its cache tree and its .gitattributes paths.
    let indexBytes: Promise<Buffer | null> | undefined;
    const indexData = (): Promise<Buffer | null> => (indexBytes ??= fs.readFile(repo.indexFile).catch(() => null));
    emit({ type: 'phase', phase: 'reading-state' });
    // An index file written since this (or just before) may be rewritten without its stamp changing (RACY_MS).
    const racyFromMs = Date.now() - RACY_MS;
    const memoRead = readScanMemo(repo);
    const stampRead = statIndex(repo.indexFile);
    // The entries no tree holds (index-flags.ts), once per attempt: from the memo while the user's
    // index file is the one it saw, else read from that file.
    let flagsRead: Promise<IndexFlags> | undefined;
    const indexFlags = (): Promise<IndexFlags> =>
      (flagsRead ??= Promise.all([memoRead, stampRead]).then(async ([m, stamp]) => (m?.userIndex?.flags?.metaChanged && sameStamp(m.userIndex.stamp, stamp) ? m.userIndex.flags : readIndexFlags(repo, await indexData()))));
    // The walk is the long pole: start it before the small reads (each spawn costs a few ms).
    // (null when a changed name cannot be named to git: then the walk reads it.)
    const userPaths = mayGoIncremental ? listUserPaths(repo, requested!) : null;
    let walk = userPaths ? null : retryOnSignal(() => scanWorktree(repo, captureOptions, indexFlags));
    // Awaited below (or not needed after all); do not report them unhandled meanwhile.
    walk?.catch(() => undefined);
    userPaths?.catch(() => undefined);
    const [{ chainHead, ...state }, [memo, modeRules], userStamp] = await Promise.all([
      // The newest snapshot comes with the refs, from the same for-each-ref.
      readRepoState(repo, { chainRef: headRef(repo) }),
      memoRead.then(async (m) => [m, await readModeRules(repo, m?.modeRules)] as const),
      stampRead,
    ]);
    const rules = modeRules.rules;
    const previous = chainHead ? snapshotFrom(chainHead) : null;
    // HEAD or a ref moved: this snapshot writes at least its keeper and its commit (sameState
    // compares both), so their processes start now, while git's walk still runs.
    const refs = refsRecord(state);
    if ((!options.force || options.reuseSame) && (!previous || previous.head.oid !== state.head.oid || JSON.stringify(previous.refs) !== JSON.stringify(refs))) pipes?.warm(['read', 'commit']);
    const sameUserIndex = memo?.userIndex && sameStamp(memo.userIndex.stamp, userStamp) ? memo.userIndex : null;
    // Incremental: only the paths the watcher saw change are read, on top of the newest snapshot.
    // Without a trusted executable bit or symlinks git takes a file's mode from the user's index,
    // which the previous snapshot's tree does not hold: those (rare) setups always walk.
    const defaultModes = rules.trustExecutableBit && rules.hasSymlinks;
    // `modes` is relative to the umask (file-modes.ts): records carried over from a snapshot taken
    // under another one (or an older snapshot without it) would say "default" of files that are
    // not the default here, so such a previous snapshot is walked past.
    const sameUmask = previous?.umask === umaskText();
    let changedPaths = userPaths && previous && defaultModes && sameUmask ? requested! : null;
    let temp: TempIndex | null = null;
    let keepTemp = false;
    let indexChanged: CreateSnapshotResult['indexChanged'];
    try {
      emit({ type: 'phase', phase: 'scanning-worktree' });
      if (TEST_FAULTS && walk) await holdForTest(repo, 'scan', walk);
      const indexRead = sameUserIndex ? Promise.resolve({ indexTree: sameUserIndex.indexTree, rawIndex: sameUserIndex.rawIndex }) : readUserIndexTree(repo, oidBytes(state, previous), new Set([previous?.indexTree, previous?.tree, state.headTree].filter((t): t is string => !!t)), indexData);
      let changedUserPaths = userPaths;
      if (changedPaths && previous?.ignored) {
        // The ignored files the previous snapshot captured by name (a command's capture) are not
        // in a walk that does not ask for them: read again, so those not asked for now leave the
        // tree (else they were carried on, and a rollback brought back output the user removed).
        const known = new Set(changedPaths);
        const carried = previous.ignored.map((text) => pathFromText(text)).filter((p) => !known.has(p));
        if (carried.length > 0) {
          changedPaths = [...changedPaths, ...carried];
          changedUserPaths = changedPaths.length <= MAX_INCREMENTAL_PATHS ? listUserPaths(repo, changedPaths) : null;
          if (!changedUserPaths) changedPaths = null;
        }
      }
      if (changedPaths && previous) {
        // What the user's index tracks decides what a walk records (an ignored file that is
        // tracked is kept): paths whose index entry changed since the previous snapshot are read
        // again too, so an incremental snapshot records what a full walk would.
        const readTree = (await indexRead).indexTree;
        const more = await indexChangedPaths(repo, previous.indexTree, readTree);
        if (more && previous.indexTree && readTree) indexChanged = { from: previous.indexTree, to: readTree, paths: more };
        const known = new Set(changedPaths);
        if (more === null) changedPaths = null;
        // (After a commit these are usually the files the watcher saw change already: then the
        // listing under way covers them.)
        else if (more.some((p) => !known.has(p))) {
          changedPaths = [...new Set([...changedPaths, ...more])];
          changedUserPaths = changedPaths.length <= MAX_INCREMENTAL_PATHS ? listUserPaths(repo, changedPaths) : null;
          if (!changedUserPaths) changedPaths = null;
        }
      }
      const incremental = changedPaths;
      const [index, scan] = await Promise.all([
        indexRead,
        incremental && previous
          ? retryOnSignal(() => scanChangedPaths(repo, previous.tree, incremental, captureOptions, changedUserPaths ?? undefined))
          : (walk ??= retryOnSignal(() => scanWorktree(repo, captureOptions, indexFlags))),
      ]);
      const flags = await indexFlags();
      emit({ type: 'scanned', paths: scan.paths.length });
      // counts: the changes against the previous snapshot, when the capture already knows them.
      let capture: { tree: string; skipped: SkippedPath[]; counts?: ChangeCounts | null };
      const scanAsLastTime = !changedPaths && sameUserIndex !== null && memo?.scan === scan.signature;
      if (scanAsLastTime && !options.keepIndex && memo) {
        // Same index file, same differing paths with the same lstat data: the same tree as last time.
        capture = { tree: memo.tree, skipped: scan.skipped };
      } else if (changedPaths && previous) {
        capture = await retryOnSignal(() => captureOnto(repo, previous.tree, scan, rules));
        capture.skipped = carryOverSkipped(previous.skipped, capture.skipped, changedPaths);
      } else if (!options.keepIndex && index.indexTree !== null) {
        // The working tree is the index's tree plus what differs from the index.
        const base = index.indexTree;
        capture = await retryOnSignal(() => captureOnto(repo, base, scan, rules));
      } else {
        // Rollback needs the whole index that mirrors the working tree, and a conflicted index has
        // no tree to start from: apply the scan to a copy of the user's index.
        const copy = await copyUserIndex(repo);
        temp = copy;
        capture = await retryOnSignal(() => applyScan(repo, copy.file, scan));
      }
      // Files whose bytes git's checkout would not give back (raw-files.ts): looked for only when
      // some conversion may be in effect (conversions.ts: no git process to find out).
      const conversion = modeRules.conversion ?? { autocrlf: 'false', attributesFile: null, eol: null };
      const [conversions, note] = await Promise.all([checkConversions(repo, conversion, userStamp, oidBytes(state, previous), memo?.attributes, scan.paths, !changedPaths, indexData), readRawNote(repo)]);
      const mayConvert = conversions.mayConvert || note.paths.length > 0;
      if (TEST_FAULTS && mayConvert) await holdForTest(repo, 'raw');
      // Same scan as the last snapshot (the tree came from the memo), same R files unchanged: same R.
      const sameRaw =
        mayConvert && scanAsLastTime && memo && capture.tree === memo.tree && memo.raw?.mayConvert === true && note.paths.length === 0 && memo.raw.tree === (previous?.rawFiles?.tree ?? null) && (await rawSignature(repo, memo.raw.paths)) === memo.raw.sign
          ? memo.raw
          : null;
      const raw = !mayConvert
        ? { tree: null, paths: [] }
        : (sameRaw ??
          (await retryOnSignal(() =>
            captureRawFiles(repo, {
              config: conversion,
              tree: capture.tree,
              files: scan.regular ?? new Map(),
              ...(scan.signs ? { signs: scan.signs } : {}),
              previous: previous?.rawFiles?.tree ?? null,
              previousTree: previous?.tree ?? null,
              lookedAt: changedPaths ? new Set<string>([...changedPaths, ...scan.drops]) : null,
              noted: note.paths,
              lfOnly: conversions.lfOnly,
            }),
          )));
      const rawTree = raw.tree;
      if (TEST_FAULTS && mayConvert) await holdForTest(repo, 'memo');
      // Files that changed under R's read (raw-files.ts): the next snapshot reads them again
      // (noted once this one has taken the note it found).
      const unsettled = ('unsettled' in raw && raw.unsettled) || [];
      // The index changed while this attempt read it (a `git add` or `git rm --cached` between the
      // scan, which judged files against one index, and the index tree, read from the other): the
      // tree may lack a file both call the other's (untracked by the one, tracked by the other),
      // and the next incremental snapshot, comparing index trees, would never look at it again.
      // Taken again, a few times (a git command is soon done); one stat, no git process.
      // Still changing after that (a script running `git add` file by file): recorded as read, but
      // vouching for nothing: no memo, and the next snapshot walks the whole tree (WALK_NEXT)
      // instead of building on this one.
      const indexMoved = !sameIndexFile(userStamp, await statIndex(repo.indexFile));
      if (indexMoved && consistencyTries < 4) {
        consistencyTries++;
        attempt--;
        continue;
      }
      if (indexMoved) await fs.writeFile(guardPath(repo, WALK_NEXT), '').catch(() => undefined);
      else if (walkNext) await fs.rm(guardPath(repo, WALK_NEXT), { force: true });
      // An index file that changed less than RACY_MS before this attempt began vouches for nothing
      // it was read for: neither its trees nor its list of .gitattributes files is kept by its stamp.
      const settledIndex = userStamp && userStamp.mtimeMs < racyFromMs ? userStamp : null;
      const nextMemo: ScanMemo = {
        tree: capture.tree,
        userIndex: settledIndex ? { stamp: settledIndex, indexTree: index.indexTree, rawIndex: index.rawIndex, flags } : null,
        // An incremental scan signs only the paths it read; a racy one cannot vouch for what it signed.
        scan: changedPaths || scan.racy ? null : scan.signature,
        modeRules,
        attributes: { ...conversions.memo, index: settledIndex },
        raw: { tree: rawTree, mayConvert, paths: raw.paths, sign: sameRaw?.sign ?? (await rawSignature(repo, raw.paths, 'seen' in raw ? raw.seen : undefined)) },
      };
      if (indexMoved) await clearScanMemo(repo);
      else if (JSON.stringify(nextMemo) !== JSON.stringify(memo)) await saveScanMemo(repo, nextMemo);
      for (const skip of capture.skipped) emit({ type: 'skipped', path: skip.path, reason: skip.reason });

      // git's state directories of an operation in progress (rebase-merge/, ...): their objects
      // written and the commits they name found, unless the previous snapshot recorded the same.
      if (state.operationDirs) state.operationState = await recordOperationDirs(repo, state.operationState, state.operationDirs, previous?.operationState);
      // This worktree's sparse-checkout state (sparse-state.ts): no process without a pattern file
      // or while it and the config files keep their bytes; its blob written when it changed.
      const sparse = await readSparseState(repo, state.sparseFile ?? null, oidBytes(state, previous) === 32 ? 'sha256' : 'sha1', previous?.sparse);
      await recordSparsePatterns(repo, sparse, previous?.sparse);
      const modes = modesMeta(scan.perms, previous?.modes, changedPaths ? [...changedPaths, ...scan.drops] : null);
      // Tracked files and directories whose bits guard knows (file-modes.ts): the same few lstat
      // calls for a full walk and an incremental snapshot, so both record the same.
      const knownModes = knownModesMeta(repo.root, { previous, modes, metaChanged: flags.metaChanged ?? [], dirPerms: scan.dirPerms, trackedPerms: scan.trackedPerms, lookAt: options.lookAtModes ?? [], nowTracked: await nowTracked(previous?.modes, modes, indexData) });
      const extraPaths = await captureOptions.extraPaths;
      const ignoredNow = await capturedIgnored(repo, extraPaths);
      // Captured ignored files still there unchanged (a rollback to this snapshot brings them back).
      const heldIgnored = await heldIgnoredMeta(repo, previous, ignoredNow.ignored, scan.extraSigns);
      const upstreams = upstreamsOf(state);
      const candidate = {
        tree: capture.tree,
        indexTree: index.indexTree,
        rawIndex: index.rawIndex,
        head: state.head,
        refs,
        // Always, {} when no branch has one (absent: a snapshot written before, whose upstreams are unknown).
        upstreams,
        // Always ({} when no branch has a section); absent in snapshots written before 2026-12-07.
        branchConfig: branchConfigOf(state, modeRules.branchConfig),
        // The key of the remotes' sections, kept on this machine only (remote-config.ts).
        ...(modeRules.remoteConfig ? { remoteConfig: modeRules.remoteConfig } : {}),
        stash: state.stash,
        operation: state.operation,
        // Only when there is one: a snapshot without it reads as before (and as older snapshots).
        ...(state.operationState ? { operationState: state.operationState } : {}),
        // Always (absent: a snapshot written before it existed, whose sparse state is unknown).
        sparse: sparse.state,
        // Only when some entry is marked or intent-to-add: a snapshot without it reads as before.
        ...(flagsMeta(flags) ? { indexFlags: flagsMeta(flags) } : {}),
        // Untracked files whose permission bits git's checkout would not give (file-modes.ts).
        ...(modes ? { modes } : {}),
        // Tracked files and directories whose permission bits guard knows (file-modes.ts).
        ...(knownModes ? { knownModes } : {}),
        skipped: capture.skipped,
        // The ignored files captured by name that were there to capture (by name, for rollback, diff and the summary).
        ...ignoredNow,
      };
      // A command's capture is a snapshot of its own even where a session start captured the same
      // files: a rollback brings a session start's captures back only where they are gone
      // (restore/start-captures.ts), a command's whatever is there.
      const ownCapture = previous?.trigger === 'session-start' && options.trigger !== 'session-start' && extraPaths.length > 0;
      const same = previous !== null && sameState(previous, { ...candidate, ...(rawTree ? { rawFiles: { tree: rawTree } } : {}) });
      if (previous && same && ((!options.force && !ownCapture) || (options.force && options.reuseSame && reusableBaseline(previous, options.trigger ?? 'manual', ignoredNow.ignored, heldIgnored)))) {
        await clearRawNote(repo, note.bytes);
        await noteRawWrites(repo, unsettled);
        keepTemp = options.keepIndex === true && temp !== null;
        return { snapshot: previous, created: false, ...(keepTemp && temp ? { worktreeIndex: temp } : {}) };
      }

      if (previous && !options.force && extraPaths.length === 0 && (await onlyStartCaptures(repo, previous, { ...candidate, ...(rawTree ? { rawFiles: { tree: rawTree } } : {}) }, heldIgnored))) {
        await clearRawNote(repo, note.bytes);
        await noteRawWrites(repo, unsettled);
        keepTemp = options.keepIndex === true && temp !== null;
        return { snapshot: previous, created: false, ...(keepTemp && temp ? { worktreeIndex: temp } : {}), ...(indexChanged ? { indexChanged } : {}) };
      }

      emit({ type: 'phase', phase: 'writing' });
      const sameRefs =
        previous &&
        JSON.stringify(previous.refs) === JSON.stringify(candidate.refs) &&
        JSON.stringify(previous.stash) === JSON.stringify(candidate.stash) &&
        previous.head.oid === candidate.head.oid &&
        previous.rawIndex === candidate.rawIndex &&
        // The operation's commits are K's parents too.
        sameOperationState(previous.operationState, candidate.operationState) &&
        // The pattern file's blob is in K's tree.
        (previous.sparse?.patterns ?? null) === candidate.sparse.patterns;
      const captured = { now: ignoredNow.ignored, before: previous?.ignored };
      const [indexOid, keepers, changes, first, rawCommit] = await Promise.all([
        indexCommit(repo, index, state.head.oid, previous),
        // Same refs: the same keepers (a snapshot of the older layout stays so until refs change).
        sameRefs ? Promise.resolve({ keeper: previous.keeper, tagsKeeper: previous.tagsKeeper }) : keeperCommit(repo, state, index.rawIndex, previous, sparseEntries(candidate.sparse)),
        // A capture on either side: the tree edit's counts would count it (change-counts.ts).
        changedPaths && capture.counts && !hasCaptures(captured) ? Promise.resolve(capture.counts) : countChanges(repo, previous?.tree ?? null, capture.tree, hasCaptures(captured) ? { ...captured, gone: await goneCaptures(repo, captured.before) } : undefined),
        previous ? Promise.resolve(previous.oid) : chainRoot(repo),
        // R, reused while the raw tree does not change.
        !rawTree ? Promise.resolve(null) : previous?.rawFiles?.tree === rawTree ? Promise.resolve(previous.rawFiles.commit) : commitTree(repo, rawTree, [], 'guard raw files\n'),
      ]);
      const meta: SnapshotMeta = {
        version: FORMAT_VERSION,
        time: new Date().toISOString(),
        trigger: options.trigger ?? 'manual',
        message: options.message ?? null,
        session: options.session ?? null,
        agent: options.agent ?? null,
        worktree: worktreeId(repo),
        root: repo.root,
        ...candidate,
        // `refs` holds this worktree's own refs too (repo-state.ts PER_WORKTREE_REFS).
        worktreeRefs: true,
        indexCommit: indexOid,
        keeper: keepers.keeper,
        ...(keepers.tagsKeeper !== undefined ? { tagsKeeper: keepers.tagsKeeper } : {}),
        previous: previous?.oid ?? null,
        // What `modes` is relative to: a rollback under another umask gives this one's default (file-modes.ts).
        umask: umaskText(),
        changes,
        // Only when some file needs it: a snapshot without it reads as before (and as older ones).
        ...(rawTree && rawCommit ? { rawFiles: { tree: rawTree, commit: rawCommit } } : {}),
        ...(heldIgnored ? { heldIgnored } : {}),
      };
      const parents = [first, indexOid, ...(keepers.keeper ? [keepers.keeper] : []), ...(rawCommit ? [rawCommit] : [])];
      const message = encodeMessage(meta);
      const oid = await commitTree(repo, capture.tree, parents, message);
      const ref = headRef(repo);
      // No hooks for guard's own ref: the reference-transaction hook ran twice here (prepared,
      // committed: two sh starts, ~8 ms, and on `committed` a session heal) only to let the write
      // pass (the token) and to journal nothing (refs/guard is not journalled). The token stays,
      // in case a hook runs anyway.
      const moved = await withInternalToken(repo, (env) =>
        runGit(['-c', 'core.hooksPath=/dev/null', 'update-ref', '-m', `guard: snapshot (${meta.trigger})`, ref, oid, previous?.oid ?? zeroOid(oid)], {
          cwd: repo.root,
          env: { ...env, ...GUARD_IDENTITY },
          okCodes: [1, 128],
        }),
      );
      if (moved.code !== 0) {
        // Another snapshot of this worktree landed first: rebuild on top of it.
        if (attempt < 3 && /but expected|is at .* but expected|cannot lock ref/.test(moved.stderr)) continue;
        throw new GuardError('git', `could not record the snapshot in ${ref}: ${moved.stderr.trim()}`, {
          hints: ['Another process may be writing guard refs; run the command again.'],
        });
      }
      // A chain this process walked (rollback's lookup of the id) now has this snapshot in front.
      chainGrew(repo, previous?.oid ?? null, oid, message);
      await clearRawNote(repo, note.bytes);
      await noteRawWrites(repo, unsettled);
      keepTemp = options.keepIndex === true && temp !== null;
      return { snapshot: { ...meta, oid }, created: true, ...(keepTemp && temp ? { worktreeIndex: temp } : {}), ...(indexChanged ? { indexChanged } : {}) };
    } catch (error) {
      // A failed snapshot wrote no ref and touched nothing of the user's: say so, and what to do.
      if (error instanceof GuardError && error.kind === 'git' && error.hints.length === 0) {
        throw new GuardError('git', error.message, {
          hints: ['No snapshot was recorded and nothing in the repository changed.', 'Check the repository with `git fsck`, then run `guard snapshot` again.'],
          cause: error,
          ...(error.details ? { details: error.details } : {}),
        });
      }
      throw error;
    } finally {
      if (!keepTemp && temp) await temp.dispose();
    }
  }
}

/** The working tree as a tree object right now, without recording a snapshot (for `guard diff`). */
export async function currentWorktreeTree(repo: Repo, options: Pick<CreateSnapshotOptions, 'maxFileSize' | 'includeIgnored' | 'captureIgnored'> = {}): Promise<string> {
  const flags = async (): Promise<IndexFlags> => readIndexFlags(repo, await fs.readFile(repo.indexFile).catch(() => null));
  const scan = await retryOnSignal(() => scanWorktree(repo, { maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, includeIgnored: options.includeIgnored ?? [], extraPaths: options.captureIgnored ?? [] }, flags));
  const temp = await copyUserIndex(repo);
  try {
    return (await applyScan(repo, temp.file, scan)).tree;
  } finally {
    await temp.dispose();
  }
}
