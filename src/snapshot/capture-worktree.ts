/**
 * Turns the working tree into a tree object without touching the user's index.
 *
 * Recipe (measured in docs/BENCHMARKS.md): one `git status --porcelain=v2 -z` walk against the
 * user's index (read-only: GIT_OPTIONAL_LOCKS=0) finds what differs from it: modified, deleted,
 * untracked. Those paths are screened in Node (size cap, unreadable, special files), then fed to
 * `git update-index --add --remove` on a private copy of the index, and `git write-tree` reuses
 * the copy's cache-tree for everything else. When the user's index and every differing path are
 * exactly as at the previous snapshot (same index file, same lstat of each path), the tree is
 * known and nothing is written at all.
 *
 * "Untracked", "ignored" and the size cap are always judged against the user's index, so a full
 * and an incremental capture of the same working tree give the same tree.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import fsSync, { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { bytesToText, runGit, splitNulBytes } from '../git/run.js';
import { bytewiseGlob, bytewiseGlobUnder, coveringPathspecs, isTextPath, type GitPath } from '../git/path.js';
import { GuardError } from '../errors.js';
import type { SkippedPath } from './format.js';
import { editTree, entryKind, preloadDirs, type BaseDirs, type EditResult, type ModeRules, type PathChange, type TreeLeaf } from './tree-edit.js';
import { emptyTempIndex } from './temp-index.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';
import type { IndexFlags } from './index-file.js';
import { clearFlags, isSparseCheckout, NO_FLAGS } from './index-flags.js';
import { isCheckoutDirMode, isCheckoutMode } from './file-modes.js';
import { VirtualenvFinder } from './virtualenvs.js';

export interface CaptureOptions {
  /** Skip new untracked files larger than this many bytes (0 = no limit). */
  maxFileSize: number;
  /** Pathspecs (glob magic) of ignored files to capture anyway, e.g. `.env`. */
  includeIgnored: string[];
  /**
   * Ignored files to capture by exact path (repo-relative byte strings, latin1), e.g. what a
   * command is about to delete (the command guard's capture). Not subject to maxFileSize: the
   * command guard bounds them itself. A full walk (scanWorktree) also takes them still being
   * listed (a session start lists its captures beside the walk: session/store.ts).
   */
  extraPaths?: string[] | Promise<string[]>;
}

/** What differs between the working tree and an index, screened and ready to apply. */
export interface WorktreeScan {
  /** Byte strings (latin1) of the paths to feed to update-index, sorted. */
  paths: string[];
  skipped: SkippedPath[];
  /** Entries to take out of the private index although the file may exist (now ignored). */
  drops: string[];
  /** Identifies the scanned paths and their lstat data: equal scans give equal trees. */
  signature: string;
  /**
   * A signed path changed so shortly before the scan (RACY_MS) that it may change again without
   * its lstat data changing (same size, and a timestamp the file system's clock has not moved past
   * yet): the signature cannot vouch for its content, so it is not remembered (scan-memo.ts).
   */
  racy?: boolean;
  /** Paths that were regular files at the scan, with their executable bit. */
  regular?: Map<string, boolean>;
  /**
   * The scan's sign (signOf) of each of `regular`: a later read of the file whose fstat gives the
   * same read the bytes git hashed into the tree, else the file changed in between (raw-files.ts).
   */
  signs?: Map<string, string>;
  /**
   * Ignored files asked for by name (extraPaths) that the scan keeps, with their lstat data
   * (signOf), when they had not changed for RACY_MS before the scan: while a later lstat gives the
   * same, the file holds the bytes this snapshot read (create.ts heldIgnoredMeta).
   */
  extraSigns?: Map<string, string>;
  /**
   * Untracked (and captured ignored) regular files whose permission bits are not what git's
   * checkout gives under this umask (a private key at 0600): file-modes.ts records them.
   */
  perms?: Map<string, number>;
  /**
   * Directories on the way of those untracked files whose bits git's checkout would not give (a
   * `secrets/` at 0700): file-modes.ts records them.
   */
  dirPerms?: Map<string, number>;
  /**
   * Tracked files the scan read (changed since the index: git status listed them) whose bits are
   * not the checkout default: their lstat is made anyway, and the index's stat data cannot tell of
   * a chmod on a file whose content differs from it (file-modes.ts records them in knownModes).
   */
  trackedPerms?: Map<string, number>;
  /** Directories of the base tree the scan already read (incremental scans). */
  preload?: BaseDirs;
  /**
   * Entries of the user's index marked assume-unchanged or skip-worktree that the scan read by
   * name (git status does not look at them: index-flags.ts); a copy of that index must lose the
   * marks before update-index records their bytes (applyScan).
   */
  flagged?: Pick<IndexFlags, 'assumeUnchanged' | 'skipWorktree'>;
}

interface Candidate {
  /** Byte string (latin1) of the path, exactly as git printed it. */
  bytes: string;
  untracked: boolean;
  deleted: boolean;
  /** Asked for by path (extraPaths): when it is not there, there is nothing to record. */
  extra?: boolean;
}

function indexEnv(indexFile: string): Record<string, string> {
  return { GIT_INDEX_FILE: indexFile };
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Paths that differ between the working tree and the index in `indexFile` (read-only). */
async function statusCandidates(repo: Repo, indexFile: string, skipped: SkippedPath[]): Promise<Candidate[]> {
  const result = await runGit(
    [
      'status',
      '--porcelain=v2', // stable machine format
      '-z', // NUL-terminated, paths verbatim
      '--untracked-files=all', // every untracked file, not just their directories
      '--no-renames', // rename detection is wasted work here
      '--ignore-submodules=dirty', // a submodule's own dirt is not ours to capture; new commits are
    ],
    { cwd: repo.root, env: indexEnv(indexFile) },
  );
  for (const match of result.stderr.matchAll(/could not open directory '([^']*)'/g)) {
    skipped.push({ path: match[1]!.replace(/\/$/, ''), reason: 'unreadable' });
  }
  const candidates: Candidate[] = [];
  for (const record of splitNulBytes(result.stdout)) {
    const kind = record[0];
    if (kind === '?') {
      candidates.push({ bytes: record.slice(2), untracked: true, deleted: false });
    } else if (kind === '1') {
      // 1 XY sub mH mI mW hH hI path
      const fields = splitFields(record, 9);
      const y = fields[1]![1];
      if (y !== '.') candidates.push({ bytes: fields[8]!, untracked: false, deleted: y === 'D' });
    } else if (kind === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path: a conflict; the working tree file is what we keep.
      const fields = splitFields(record, 11);
      candidates.push({ bytes: fields[10]!, untracked: false, deleted: false });
    }
  }
  return candidates;
}

function splitFields(record: string, count: number): string[] {
  const fields: string[] = [];
  let rest = record;
  for (let i = 0; i < count - 1; i++) {
    const at = rest.indexOf(' ');
    fields.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  fields.push(rest);
  return fields;
}

/** Ignored files the config asks to capture (e.g. `.env`). */
async function ignoredToInclude(repo: Repo, indexFile: string, globs: string[]): Promise<Candidate[]> {
  if (globs.length === 0) return [];
  const result = await runGit(
    ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...globs.map((g) => `:(glob)${g.includes('/') ? g : `**/${g}`}`)],
    { cwd: repo.root, env: indexEnv(indexFile) },
  );
  return splitNulBytes(result.stdout).map((bytes) => ({ bytes, untracked: true, deleted: false }));
}

/** The exact ignored files a caller asked for (extraPaths); a file that is gone by now is left out. */
function extraCandidates(paths: string[] | undefined): Candidate[] {
  return (paths ?? []).map((bytes) => ({ bytes, untracked: false, deleted: false, extra: true }));
}

/** extraPaths once known; an incremental scan is only ever given them known (createSnapshot). */
function knownExtraPaths(options: CaptureOptions): string[] | undefined {
  if (options.extraPaths instanceof Promise) throw new Error('internal error: an incremental scan was given ignored files still being listed');
  return options.extraPaths;
}

/** A directory's mode, not a symlink's to one (null when gone, or under something that is no directory). */
function directoryMode(file: Buffer): number | null {
  try {
    const stat = fsSync.lstatSync(file, { throwIfNoEntry: false });
    return stat?.isDirectory() ? stat.mode : null;
  } catch {
    return null;
  }
}

/**
 * How long after a change a path's lstat data cannot vouch for its content: git's "racily clean"
 * problem. A file system stamps a change with a clock that moves in ticks (a few ms on Linux
 * without fine-grained timestamps, a whole second or two on some file systems): a same-size write
 * in the tick the scan read the lstat data in leaves them exactly as signed. git re-reads an index
 * entry not older than the index file; the scan memo is not kept when a signed path changed less
 * than this before the scan began (two seconds: the coarsest clocks, FAT's, move in steps of two).
 */
export const RACY_MS = 2000;

/** A file time as signed; the test bundle can make it whole seconds (GUARD_TEST_STAT_SECONDS, util/test-faults.ts). */
function clockTime(ns: bigint): bigint {
  return TEST_FAULTS && testFault('GUARD_TEST_STAT_SECONDS') !== undefined ? (ns / 1_000_000_000n) * 1_000_000_000n : ns;
}

/**
 * A path's lstat data as the scan signs them: mode, size, modification and change times, inode.
 * Every change sets the change time, which no one can set back.
 */
function signOf(stat: fsSync.BigIntStats): { sign: string; mtimeNs: bigint; ctimeNs: bigint } {
  const mtimeNs = clockTime(stat.mtimeNs);
  // The test bundle can read the change time as the modification time (GUARD_TEST_CTIME_AS_MTIME).
  const ctimeNs = TEST_FAULTS && testFault('GUARD_TEST_CTIME_AS_MTIME') !== undefined ? mtimeNs : clockTime(stat.ctimeNs);
  return { sign: `${stat.mode}:${stat.size}:${mtimeNs}:${ctimeNs}:${stat.ino}`, mtimeNs, ctimeNs };
}

/** The sign (signOf) of lstat (or fstat) data already read. */
export function statSign(stat: fsSync.BigIntStats): string {
  return signOf(stat).sign;
}

/** The sign (signOf) of the file at `full` now; null when nothing is there. */
export async function lstatSign(full: Buffer): Promise<string | null> {
  const stat = await fs.lstat(full, { bigint: true }).catch(() => null);
  return stat ? signOf(stat).sign : null;
}

/** Filters out what must not or cannot be captured, recording why; signs what it keeps. `racyFromNs`: see RACY_MS. */
async function screen(repo: Repo, candidates: Candidate[], options: CaptureOptions, skipped: SkippedPath[], racyFromNs?: bigint): Promise<WorktreeScan> {
  let racy = false;
  // Ignored files asked for by name are signed for later snapshots (extraSigns) only when they had
  // not changed for RACY_MS before this scan, whatever kind of scan it is.
  const extraRacyFromNs = racyFromNs ?? BigInt(Date.now() - RACY_MS) * 1_000_000n;
  const extraSigns = new Map<string, string>();
  const keep: Array<{ bytes: string; sign: string }> = [];
  const regular = new Map<string, boolean>();
  const signs = new Map<string, string>();
  const perms = new Map<string, number>();
  const trackedPerms = new Map<string, number>();
  const dirs: Array<{ bytes: string; sign: string }> = [];
  const beyond: string[] = [];
  // A Buffer path reaches the file even when its name is not valid UTF-8.
  const fullPath = (bytes: string): Buffer => Buffer.concat([Buffer.from(`${repo.root}${path.sep}`, 'utf8'), Buffer.from(bytes, 'latin1')]);
  // Whether every directory on a path's way is one (lstat, each directory once): a tracked
  // directory replaced by a symlink leaves its files "beyond a symbolic link", which git refuses
  // to add or --remove, and an lstat through the link would read what lies outside the worktree.
  // Synchronous: a few microseconds each, where a promise per directory cost ten times that.
  // Each directory's mode is kept (null: not a real way): the permission bits of the directories
  // an untracked file lies in are recorded from it (file-modes.ts), at no extra lstat.
  const ways = new Map<string, number | null>();
  const wayMode = (dir: string): number | null => {
    let known = ways.get(dir);
    if (known === undefined) {
      known = realWay(dir) ? directoryMode(fullPath(dir)) : null;
      ways.set(dir, known);
    }
    return known;
  };
  const realWay = (bytes: string): boolean => {
    const slash = bytes.lastIndexOf('/');
    return slash <= 0 || wayMode(bytes.slice(0, slash)) !== null;
  };
  const dirPerms = new Map<string, number>();
  // The directories on the way of a file the scan reads whose bits git's checkout would not give.
  const recordWay = (bytes: string): void => {
    for (let slash = bytes.lastIndexOf('/'); slash > 0; slash = bytes.lastIndexOf('/', slash - 1)) {
      const dir = bytes.slice(0, slash);
      const mode = ways.get(dir);
      if (mode != null && !isCheckoutDirMode(mode)) dirPerms.set(dir, mode & 0o7777);
    }
  };
  // A path found by the walk as well wins over the same path asked for by name.
  const unique = new Map(candidates.map((c) => [c.bytes, c]).reverse() as Array<[string, Candidate]>);
  // Untracked files of a Python virtual environment git does not ignore are left out, as an
  // ignored one is (virtualenvs.ts): listed once per environment, and dropped from the base tree
  // (an incremental scan's previous snapshot may hold them).
  const venvs = new VirtualenvFinder(fullPath);
  const venvRoots = new Set<string>();
  const venvFiles: string[] = [];
  for (const candidate of [...unique.values()]) {
    if (!candidate.untracked || candidate.extra === true) continue;
    const root = venvs.rootOf(candidate.bytes);
    if (root === null) continue;
    unique.delete(candidate.bytes);
    venvRoots.add(root);
    venvFiles.push(candidate.bytes);
  }
  for (const root of venvRoots) skipped.push({ path: bytesToText(root), reason: 'virtualenv' });
  beyond.push(...venvFiles);
  await Promise.all(
    [...unique.values()].map(async (candidate) => {
      const text = bytesToText(candidate.bytes);
      if (candidate.bytes.endsWith('/')) {
        // status lists a nested repository (not a submodule) as a directory.
        skipped.push({ path: text.replace(/\/$/, ''), reason: 'nested-repository' });
        return;
      }
      if (!realWay(candidate.bytes)) {
        // Not in the working tree any more: it leaves the snapshot, as git's own walk says (deleted).
        if (!candidate.extra) beyond.push(candidate.bytes);
        return;
      }
      recordWay(candidate.bytes);
      const full = fullPath(candidate.bytes);
      let stat;
      try {
        stat = await fs.lstat(full, { bigint: true });
      } catch {
        // Gone (or vanished since the walk): update-index --remove records it as deleted.
        if (!candidate.extra) keep.push({ bytes: candidate.bytes, sign: 'gone' });
        return;
      }
      const { sign, mtimeNs, ctimeNs } = signOf(stat);
      const settledExtra = candidate.extra === true && ctimeNs < extraRacyFromNs && mtimeNs < extraRacyFromNs;
      // Every change sets ctime (which, unlike mtime, no one can set back): a change after this
      // lstat has a later one unless the clock has not moved on since the change before it.
      if (racyFromNs !== undefined && (ctimeNs >= racyFromNs || mtimeNs >= racyFromNs)) racy = true;
      if (stat.isDirectory()) {
        // A submodule (a directory with its own .git) is recorded as a gitlink to its HEAD; a
        // tracked file that became a plain directory leaves (its files are candidates themselves).
        const gitlink = await fs.lstat(Buffer.concat([full, Buffer.from(`${path.sep}.git`)])).then(() => true, () => false);
        (gitlink ? keep : dirs).push({ bytes: candidate.bytes, sign });
        return;
      }
      if (stat.isSymbolicLink()) {
        keep.push({ bytes: candidate.bytes, sign });
        if (settledExtra) extraSigns.set(candidate.bytes, sign);
        return;
      }
      if (!stat.isFile()) {
        skipped.push({ path: text, reason: 'special-file' });
        return;
      }
      if (candidate.untracked && options.maxFileSize > 0 && stat.size > BigInt(options.maxFileSize)) {
        skipped.push({ path: text, reason: 'too-large', size: Number(stat.size) });
        return;
      }
      try {
        // One access(2) instead of an open and a close; a file that still cannot be read when git
        // hashes it is caught there (stageScan) and listed the same way.
        await fs.access(full, fsConstants.R_OK);
      } catch {
        skipped.push({ path: text, reason: 'unreadable' });
        return;
      }
      keep.push({ bytes: candidate.bytes, sign });
      if (settledExtra) extraSigns.set(candidate.bytes, sign);
      regular.set(candidate.bytes, (Number(stat.mode) & 0o100) !== 0);
      signs.set(candidate.bytes, sign);
      if (!isCheckoutMode(Number(stat.mode))) (candidate.untracked || candidate.extra ? perms : trackedPerms).set(candidate.bytes, Number(stat.mode) & 0o7777);
    }),
  );
  const byBytes = (a: { bytes: string }, b: { bytes: string }): number => (a.bytes < b.bytes ? -1 : a.bytes > b.bytes ? 1 : 0);
  keep.sort(byBytes);
  dirs.sort(byBytes);
  skipped.sort(byPath);
  const hash = createHash('sha1');
  for (const k of keep) hash.update(`${k.bytes}\0${k.sign}\0`, 'latin1');
  for (const d of dirs) hash.update(`dir\0${d.bytes}\0${d.sign}\0`, 'latin1');
  for (const s of skipped) hash.update(`skip\0${s.path}\0${s.reason}\0`);
  beyond.sort();
  for (const b of beyond) hash.update(`beyond\0${b}\0`, 'latin1');
  return { paths: keep.map((k) => k.bytes), drops: [...dirs.map((d) => d.bytes), ...beyond], skipped, signature: hash.digest('hex'), racy, regular, signs, ...(extraSigns.size > 0 ? { extraSigns } : {}), ...(perms.size > 0 ? { perms } : {}), ...(trackedPerms.size > 0 ? { trackedPerms } : {}), ...(dirPerms.size > 0 ? { dirPerms } : {}) };
}

/**
 * Full walk: everything that differs between the working tree and the user's index, and the
 * entries git status does not look at (`flags`: assume-unchanged and skip-worktree ones, read by
 * name whatever their state, so their local bytes are captured; index-flags.ts).
 */
export async function scanWorktree(repo: Repo, options: CaptureOptions, flags: () => Promise<IndexFlags> = () => Promise.resolve(NO_FLAGS)): Promise<WorktreeScan> {
  // Before git looks at any file: what changed since (or just before) cannot be vouched for by its lstat data.
  const racyFromNs = BigInt(Date.now() - RACY_MS) * 1_000_000n;
  const skipped: SkippedPath[] = [];
  const [fromStatus, ignored, marked, extra] = await Promise.all([
    statusCandidates(repo, repo.indexFile, skipped),
    ignoredToInclude(repo, repo.indexFile, options.includeIgnored),
    flags(),
    options.extraPaths,
  ]);
  const byName = [...marked.assumeUnchanged, ...marked.skipWorktree].map((bytes) => ({ bytes, untracked: false, deleted: false }));
  const scan = await screen(repo, [...fromStatus, ...ignored, ...byName, ...extraCandidates(extra)], options, skipped, racyFromNs);
  return byName.length > 0 ? { ...scan, flagged: { assumeUnchanged: marked.assumeUnchanged, skipWorktree: marked.skipWorktree } } : scan;
}

/** Beyond this many changed paths a full walk is cheaper than listing them on the command line. */
export const MAX_INCREMENTAL_PATHS = 2000;

/** Whether `p` is one of `paths` or lies under one of them (byte strings). */
function withinAny(paths: ReadonlySet<string>, p: string): boolean {
  if (paths.has(p)) return true;
  for (let at = p.indexOf('/'); at > 0; at = p.indexOf('/', at + 1)) if (paths.has(p.slice(0, at))) return true;
  return false;
}

/**
 * Pathspecs for git's command line that cover `changed` (`:(literal)`, so a glob character means
 * itself; a directory covers its contents), and whether git's answer must be cut back to the
 * exact names. A name that is not UTF-8 cannot go on the command line (src/git/path.ts): with
 * `glob`, for a command that takes glob magic (ls-files), it is named by a glob that matches its
 * bytes (and maybe other names: hence the cut); without, by its nearest directory that can be
 * named, or the whole tree (no pathspec) for a top-level one.
 */
function changedSpecs(changed: GitPath[], glob: boolean): { specs: string[]; exact: ReadonlySet<string> | null } {
  if (changed.every(isTextPath)) return { specs: [...new Set(changed)].map((p) => `:(literal)${bytesToText(p)}`), exact: null };
  const exact = new Set<string>(changed);
  if (glob) {
    const specs = new Set<string>();
    for (const p of changed) {
      if (isTextPath(p)) specs.add(`:(literal)${bytesToText(p)}`);
      else specs.add(bytewiseGlob(p)).add(bytewiseGlobUnder(p));
    }
    return { specs: [...specs], exact };
  }
  return { specs: coveringPathspecs(changed) ?? [], exact };
}

/**
 * The first half of scanChangedPaths, which needs nothing but the paths (so it can start before
 * anything else): one pass over the user's index, where -t tags tracked entries (H, S, M, ...)
 * and untracked ones (?); records "<tag> <path>", paths as byte strings.
 */
export function listUserPaths(repo: Repo, changed: GitPath[]): Promise<string[]> {
  if (changed.length === 0) return Promise.resolve([]);
  const covering = changedSpecs(changed, true);
  return runGit(['ls-files', '-z', '-t', '--cached', '--others', '--exclude-standard', '--', ...covering.specs], {
    cwd: repo.root,
    env: indexEnv(repo.indexFile),
  }).then((r) => {
    const records = splitNulBytes(r.stdout);
    return covering.exact ? records.filter((record) => withinAny(covering.exact!, record.slice(2))) : records;
  });
}

/**
 * O(changes) scan for the watcher: only the paths it saw change (files or directories, existing
 * or gone) are looked at. `baseTree` is the previous snapshot's tree: what it has under those
 * paths is re-read or removed; files the user tracks or that are untracked and not ignored are
 * (re-)added, judged against the user's index exactly like a full walk. Ignored files asked for
 * by name (options.extraPaths) are read as a full walk reads them; the caller lists them among
 * `changed` too, so that one gone since the previous tree leaves it (createSnapshot does).
 */
export async function scanChangedPaths(
  repo: Repo,
  baseTree: string,
  changed: GitPath[],
  options: CaptureOptions,
  userPaths: Promise<string[]> = listUserPaths(repo, changed),
): Promise<WorktreeScan> {
  const skipped: SkippedPath[] = [];
  // Nothing in the working tree changed (only refs, HEAD or the index): nothing to read.
  if (changed.length === 0) return { paths: [], drops: [], skipped, signature: '' };
  // What the previous tree has at the changed paths comes from the directories on their way,
  // which the capture needs anyway: one read serves both.
  const asBytes = [...new Set(changed)];
  const preload = preloadDirs(repo, baseTree, asBytes, true);
  const [dirs, userRecords] = await Promise.all([preload.dirs, userPaths]);
  const inBase: string[] = [];
  const deep: GitPath[] = [];
  for (const p of asBytes) {
    const kind = entryKind(dirs, p);
    if (kind === 'leaf') inBase.push(p);
    else if (kind === 'tree') deep.push(p);
  }
  if (deep.length > 0) {
    // A changed directory: everything the previous tree had under it (ls-tree prunes its walk to them).
    // ls-tree takes no glob magic: a top-level name that is not UTF-8 lists the whole tree.
    const covering = changedSpecs(deep, false);
    const listed = await runGit(['ls-tree', '-r', '-z', '--name-only', baseTree, ...(covering.specs.length > 0 ? ['--', ...covering.specs] : [])], { cwd: repo.root });
    const names = splitNulBytes(listed.stdout);
    inBase.push(...(covering.exact ? names.filter((name) => withinAny(covering.exact!, name)) : names));
  }
  const tracked: string[] = [];
  const untracked: string[] = [];
  // Skip-worktree entries of a sparse checkout are not in the working tree on purpose: the snapshot
  // keeps what it had for them, as a full walk keeps the index's version. Outside a sparse checkout
  // one is a local override git does not look at: read like any tracked file, as a full walk does.
  const sparse: string[] = [];
  for (const record of userRecords) (record.startsWith('? ') ? untracked : record.startsWith('S ') ? sparse : tracked).push(record.slice(2));
  if (sparse.length > 0 && !(await isSparseCheckout(repo))) tracked.push(...sparse.splice(0));
  const candidates: Candidate[] = [
    ...tracked.map((bytes) => ({ bytes, untracked: false, deleted: false })),
    ...untracked.map((bytes) => ({ bytes, untracked: true, deleted: false })),
    // The ignored files asked for by name (the caller put them among the changed paths): read now,
    // as a full walk reads them; the same candidates, last, so a tracked entry wins as it does there.
    ...extraCandidates(knownExtraPaths(options)),
  ];
  const present = new Set([...tracked, ...untracked, ...sparse]);
  const scan = await screen(repo, candidates, options, skipped);
  // In the previous tree but neither tracked nor untracked-and-not-ignored any more: gone or now
  // ignored. (An ignored file asked for by name and there to read stays: it is in scan.paths.)
  const kept = new Set(scan.paths);
  const dropped = inBase.filter((bytes) => !present.has(bytes) && !kept.has(bytes));
  return { ...scan, drops: [...new Set([...scan.drops, ...dropped])], preload };
}

/**
 * Feeds a scan's paths to `git update-index --add --remove` on `indexFile`. A file that turns
 * unreadable between the scan and the read is left out and listed. Returns the paths that went
 * in (present or removed) and everything skipped.
 */
async function stageScan(repo: Repo, indexFile: string, scan: WorktreeScan): Promise<{ paths: string[]; skipped: SkippedPath[] }> {
  const skipped = [...scan.skipped];
  let paths = scan.paths;
  for (let round = 0; round < 5 && paths.length > 0; round++) {
    // --replace: a file where the index has a directory (or the reverse) takes its place, as in
    // the working tree; without it update-index stops ("appears as both a file and a directory").
    const result = await runGit(['update-index', '--add', '--remove', '--replace', '-z', '--stdin'], {
      cwd: repo.root,
      env: indexEnv(indexFile),
      input: Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1'),
      okCodes: [128],
    });
    if (result.code === 0) break;
    const bad = /(?:open|read)\("([^"]+)"\)|unable to (?:index|process|add) (?:file |path )?'?([^'\n]+)'?/.exec(result.stderr);
    const badPath = bad?.[1] ?? bad?.[2];
    const badBytes = badPath === undefined ? undefined : Buffer.from(badPath, 'utf8').toString('latin1');
    if (!badPath || !badBytes || !paths.includes(badBytes)) {
      // git names its object database relative to the worktree (".git/objects"): say which
      // repository's database this user cannot write (another user's checkout, a read-only mount).
      if (/insufficient permission|permission denied/i.test(result.stderr)) {
        throw new GuardError('git', `could not record the working tree: permission denied: this user cannot add objects to ${path.join(repo.commonDir, 'objects')} (git: ${result.stderr.trim().split('\n')[0]})`, {
          hints: ['No snapshot was recorded and nothing in the repository changed.', "Run guard as the repository's owner, or make its .git writable for you."],
        });
      }
      throw new GuardError('git', `could not record the working tree: ${result.stderr.trim()}`);
    }
    skipped.push({ path: badPath, reason: 'unreadable' });
    paths = paths.filter((p) => p !== badBytes);
  }
  return { paths, skipped };
}

/**
 * Applies a scan to `indexFile` (a private copy of a whole index) and writes its tree. Used when
 * the caller needs that index afterwards (rollback) or has no base tree (a conflicted index).
 */
export async function applyScan(repo: Repo, indexFile: string, scan: WorktreeScan): Promise<{ tree: string; skipped: SkippedPath[] }> {
  // git records no bytes for a marked entry, and update-index --remove drops a skip-worktree one.
  if (scan.flagged) await clearFlags(repo, indexFile, scan.flagged);
  // A marked entry's stat data are not kept up to date by git: local bytes written in the second of
  // the entry's own stat data, with the same size, look unchanged to update-index, which then
  // records the index's blob (the rollback fuzzer, seed 3080: a skip-worktree file's local bytes
  // lost by the --undo of a rollback). The marked files the scan reads leave the private index
  // first, so that update-index hashes them.
  const marked = scan.flagged ? new Set<string>([...scan.flagged.assumeUnchanged, ...scan.flagged.skipWorktree]) : null;
  const drops = marked ? [...scan.drops, ...scan.paths.filter((p) => marked.has(p))] : scan.drops;
  if (drops.length > 0) {
    // --force-remove: the file may still exist (it is ignored now), yet it must leave the index.
    await runGit(['update-index', '--force-remove', '-z', '--stdin'], {
      cwd: repo.root,
      env: indexEnv(indexFile),
      input: Buffer.from(drops.map((p) => `${p}\0`).join(''), 'latin1'),
    });
  }
  const { skipped } = await stageScan(repo, indexFile, scan);
  const tree = (await runGit(['write-tree'], { cwd: repo.root, env: indexEnv(indexFile) })).stdout.toString('utf8').trim();
  return { tree, skipped: skipped.sort(byPath) };
}

/**
 * Applies a scan on top of the tree `base` (the user's index as a tree, or the previous
 * snapshot's tree) without reading or writing any whole index: the changed files are hashed into
 * a private index that holds only them (update-index applies the same filters, symlink and
 * submodule rules as on a full index), and editTree rewrites only the directories on their way.
 * Gives the same tree as applyScan on an index whose tree is `base`.
 */
export async function captureOnto(repo: Repo, base: string, scan: WorktreeScan, rules: ModeRules): Promise<{ tree: string; skipped: SkippedPath[]; counts: EditResult['counts'] }> {
  // The directories on the way are read while the files are hashed (or were, by the scan).
  const preloaded = scan.preload?.base === base ? scan.preload : preloadDirs(repo, base, [...scan.drops, ...scan.paths]);
  const hashed = await hashRegularFiles(repo, scan, rules);
  const rest: WorktreeScan = hashed ? { ...scan, paths: scan.paths.filter((p) => !hashed.has(p)) } : scan;
  const small = rest.paths.length > 0 ? await emptyTempIndex(repo) : null;
  try {
    const staged = small ? await stageScan(repo, small.file, rest) : { paths: [], skipped: [...scan.skipped] };
    const leaves = new Map<string, TreeLeaf>(hashed ?? []);
    if (small && staged.paths.length > 0) {
      // "<mode> <oid> <stage>\t<path>": a path is always stage 0 here.
      const listed = await runGit(['ls-files', '-s', '-z'], { cwd: repo.root, env: indexEnv(small.file) });
      for (const record of splitNulBytes(listed.stdout)) {
        const tab = record.indexOf('\t');
        const [mode, oid] = record.slice(0, tab).split(' ');
        leaves.set(record.slice(tab + 1), { mode: mode!, oid: oid! });
      }
    }
    const changes: PathChange[] = [
      ...scan.drops.map((p) => ({ path: p, entry: null })),
      ...(hashed ? [...hashed].map(([p, entry]) => ({ path: p, entry })) : []),
      // Gone since the scan (or at it): update-index --remove left it out.
      ...staged.paths.map((p) => ({ path: p, entry: leaves.get(p) ?? null })),
    ];
    const { tree, counts } = await editTree(repo, base, changes, rules, preloaded);
    return { tree, skipped: staged.skipped.sort(byPath), counts };
  } finally {
    await small?.dispose();
  }
}

/**
 * The common case in one process: regular files (as the scan saw them) go through `git
 * hash-object -w --stdin-paths`, which applies the same filters update-index would for each path.
 * Names with a newline or CR, or starting with a double quote, cannot go through it, nor can
 * links or submodules; and if any file
 * vanished or turned unreadable since the scan, hash-object stops: then everything takes the
 * update-index path, which handles each of those. Returns null when nothing went this way.
 */
async function hashRegularFiles(repo: Repo, scan: WorktreeScan, rules: ModeRules): Promise<Map<string, TreeLeaf> | null> {
  // hash-object reads one path per line, drops a trailing CR and C-unquotes a line that starts
  // with a double quote: such names would silently name another file, so they take the other way.
  const files = scan.paths.filter((p) => scan.regular?.has(p) && !/[\n\r]/.test(p) && !p.startsWith('"'));
  if (files.length === 0) return null;
  const result = await runGit(['hash-object', '-w', '--stdin-paths'], {
    cwd: repo.root,
    input: Buffer.from(files.map((p) => `${p}\n`).join(''), 'latin1'),
    okCodes: [128],
  });
  const ids = result.stdout.toString('latin1').split('\n').filter(Boolean);
  if (result.code !== 0 || ids.length !== files.length) return null;
  const leaves = new Map<string, TreeLeaf>();
  files.forEach((p, i) => {
    // Without a trusted executable bit git records a new file as 100644 (editTree keeps an existing one's mode).
    const executable = rules.trustExecutableBit && scan.regular!.get(p) === true;
    leaves.set(p, { mode: executable ? '100755' : '100644', oid: ids[i]! });
  });
  return leaves;
}

/** Retries `fn` when git was killed by a signal (a file rewritten while git mapped it: SIGBUS). */
export async function retryOnSignal<T>(fn: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      if (!(error as GuardError).details?.signal) throw error;
    }
  }
  throw new GuardError('git', 'files kept changing while the snapshot read them; try again in a moment', { cause: lastError });
}
