/**
 * Permission bits git's checkout would not give back. A tree holds only "executable or not", and
 * git writes a file with 0666 (0777) less the umask and a directory with 0777 less the umask: an
 * untracked private key, credentials file or captured `.env` at 0600, deleted by an agent, came
 * back 0644, readable by every user of the machine (found on a vite clone); a tracked
 * `config/secrets.yml` at 0600 that an agent edited came back 0644 from guard's own rollback.
 *
 * "Default" is under the umask, which each snapshot records (`umask`): a rollback under another
 * one gives the untracked files it writes the target's default (restoreModes).
 *
 * Two records in a snapshot's metadata, pathText -> octal bits:
 *  - `modes`: every untracked (and captured ignored) file whose bits are not the checkout
 *    default. Complete: every snapshot's walk looks at each of them (git status lists them), so a
 *    full and an incremental snapshot record the same, and "no record" means "the default".
 *  - `knownModes`: tracked files and directories (a key ending in `/`) whose bits are not the
 *    default, as far as guard knows them. Not complete: git's index keeps no permission bits and
 *    an lstat of every tracked file costs more than `git status` itself (docs/BENCHMARKS.md), so
 *    only these are looked at, by full and incremental snapshots alike:
 *      * every path the previous snapshot recorded in either field (a known private file stays
 *        watched: widened, it leaves the record; an untracked key that was `git add`-ed stays;
 *        one the index lists now is recorded even at the default bits (`nowTracked`): a captured
 *        `.env` at 0600 that `git switch` replaced with a tracked one at 0644, which a rollback's
 *        --undo otherwise left at the 0600 the rollback gave it);
 *      * the tracked files a command an agent runs is about to delete (the agent hook's snapshot
 *        before it: CreateSnapshotOptions.lookAtModes, at most MAX_MODE_PATHS of them);
 *      * index entries whose stat data show a metadata change after the last write (ctime is not
 *        mtime: a chmod that git has seen since, by any `git status`, `add` or `commit`), up to
 *        MAX_STAT_CHANGED (index-file.ts);
 *      * tracked files the snapshot reads because they changed (git status lists them, the walk
 *        lstats them anyway): an edited file narrowed by chmod has a stale index entry, whose stat
 *        data cannot show the chmod (found on a vite clone);
 *      * the directories on the way of the files recorded here and of every file the walk read
 *        (it lstats those anyway: capture-worktree.ts).
 *    A path once known stays known: at the default bits once widened (so a rollback's undo gives
 *    those back), and at its last bits while it is gone (so the snapshots after a rollback that
 *    brought it back still know them). What is not known: a tracked file with unchanged content
 *    narrowed by chmod that no git command has looked at since, no snapshot knew before and no
 *    command guard snapshot was told about (the watcher sees the chmod itself), or
 *    created narrow and added between two snapshots; a tracked directory holding no changed,
 *    untracked or known file. "No record" means "unknown": left as it is.
 *
 * Rollback sets what the target recorded, and gives a tracked file it rewrites (read-tree unlinks
 * and writes it anew) the bits it had, when the target recorded none (keptModes).
 */
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { pathFromText, pathText, type GitPath } from '../git/path.js';
import { leavesAt } from './tree-edit.js';

/** The bits git's checkout gives a new file under the current umask (or `umask`). */
export function checkoutPerms(executable: boolean, umask = process.umask()): number {
  return (executable ? 0o777 : 0o666) & ~umask;
}

/** This process's umask as a snapshot records it (`umask`: octal text, "022"). */
export function umaskText(): string {
  return process.umask().toString(8).padStart(3, '0');
}

/** A snapshot's recorded umask, or undefined (older snapshots, or not octal). */
export function recordedUmask(records: { umask?: string }): number | undefined {
  return typeof records.umask === 'string' && /^[0-7]{1,4}$/.test(records.umask) ? Number.parseInt(records.umask, 8) & 0o777 : undefined;
}

export function isCheckoutMode(mode: number): boolean {
  return (mode & 0o7777) === checkoutPerms((mode & 0o100) !== 0);
}

/** The bits git gives a directory it makes (mkdir 0777 less the umask). */
export function isCheckoutDirMode(mode: number): boolean {
  return (mode & 0o7777) === (0o777 & ~process.umask());
}

/** A path inside the repository as the file system takes it (a name need not be UTF-8). */
function full(root: string, bytes: string): Buffer {
  return Buffer.concat([Buffer.from(`${root}${path.sep}`, 'utf8'), Buffer.from(bytes, 'latin1')]);
}

function lstatOf(root: string, bytes: string): fsSync.Stats | undefined {
  try {
    return fsSync.lstatSync(full(root, bytes), { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Whether `p` is one of `paths` or lies under one of them (byte strings). */
function withinAny(paths: ReadonlySet<string>, p: string): boolean {
  if (paths.has(p)) return true;
  for (let at = p.indexOf('/'); at > 0; at = p.indexOf('/', at + 1)) if (paths.has(p.slice(0, at))) return true;
  return false;
}

function sortedRecord(out: Map<string, string>): Record<string, string> | undefined {
  if (out.size === 0) return undefined;
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The `modes` field: the scan's files, and (incremental snapshots, `lookedAt` the paths read
 * again) the previous snapshot's records for what the scan did not look at. undefined when empty.
 */
export function modesMeta(perms: Map<string, number> | undefined, previous: Record<string, string> | undefined, lookedAt: string[] | null): Record<string, string> | undefined {
  const out = new Map<string, string>();
  if (lookedAt && previous) {
    const looked = new Set(lookedAt);
    for (const [text, mode] of Object.entries(previous)) if (!withinAny(looked, pathFromText(text))) out.set(text, mode);
  }
  for (const [bytes, mode] of perms ?? []) out.set(pathText(bytes as GitPath), mode.toString(8));
  return sortedRecord(out);
}

export interface KnownModesInput {
  /** The previous snapshot's records. */
  previous?: { modes?: Record<string, string>; knownModes?: Record<string, string> } | null;
  /** This snapshot's `modes` (untracked files: recorded there, not here). */
  modes: Record<string, string> | undefined;
  /** Index entries with a metadata change (IndexFlags.metaChanged), byte strings. */
  metaChanged: string[];
  /** Directories on the way of the files the scan looked at (WorktreeScan.dirPerms). */
  dirPerms: Map<string, number> | undefined;
  /** Tracked files the scan read, with bits other than the default (WorktreeScan.trackedPerms). */
  trackedPerms?: Map<string, number>;
  /** Tracked files to look at whatever the index says (CreateSnapshotOptions.lookAtModes), byte strings. */
  lookAt?: readonly string[];
  /** Paths the previous snapshot recorded in `modes` that the index lists now (byte strings): recorded even at the default bits. */
  nowTracked?: ReadonlySet<string>;
}

/**
 * The `knownModes` field (see the header): a few lstat calls, one per known or index-flagged file
 * and per directory on the way of those recorded, whether the snapshot is a full walk or incremental.
 */
export function knownModesMeta(root: string, input: KnownModesInput): Record<string, string> | undefined {
  const out = new Map<string, string>();
  // Compared as bytes: a text per index-flagged entry (pathText) cost more than its lstat.
  const untracked = new Set(Object.keys(input.modes ?? {}).map((text) => pathFromText(text) as string));
  const files = new Set<string>([...input.metaChanged, ...(input.lookAt ?? [])]);
  // Already lstat-ed by the scan (they changed): recorded as read, their directories looked at.
  const read = new Set<string>();
  for (const [bytes, mode] of input.trackedPerms ?? []) {
    if (untracked.has(bytes)) continue;
    out.set(pathText(bytes as GitPath), mode.toString(8));
    read.add(bytes);
  }
  const dirs = new Set<string>();
  // Paths the previous snapshot knew as tracked stay known at whatever bits they have now, the
  // default included: a rollback's undo then gives back a file an agent widened (git rewrote it
  // 0644), where "no record" would leave it as the rollback narrowed it. One that is gone keeps its
  // record: a rollback that brings it back gives it its bits, and the snapshots after that must
  // still know them (the index cannot tell: its entry is written before the chmod).
  const known = new Map<string, string>();
  for (const record of [input.previous?.modes, input.previous?.knownModes]) {
    for (const [text, mode] of Object.entries(record ?? {})) {
      const bytes = pathFromText(text) as string;
      if (record === input.previous?.knownModes) known.set(bytes, mode);
      if (bytes.endsWith('/')) dirs.add(bytes.slice(0, -1));
      else files.add(bytes);
    }
  }
  for (const bytes of files) {
    if (untracked.has(bytes) || read.has(bytes)) continue;
    const stat = lstatOf(root, bytes);
    if (!stat && known.has(bytes)) out.set(pathText(bytes as GitPath), known.get(bytes)!);
    if (!stat?.isFile() || (isCheckoutMode(stat.mode) && !known.has(bytes) && !input.nowTracked?.has(bytes))) continue;
    out.set(pathText(bytes as GitPath), (stat.mode & 0o7777).toString(8));
    for (let slash = bytes.lastIndexOf('/'); slash > 0; slash = bytes.lastIndexOf('/', slash - 1)) dirs.add(bytes.slice(0, slash));
  }
  const dirModes = new Map<string, number>(input.dirPerms ?? []);
  for (const dir of dirs) {
    if (dirModes.has(dir)) continue;
    const stat = lstatOf(root, dir);
    if (!stat && known.has(`${dir}/`)) out.set(pathText(`${dir}/` as GitPath), known.get(`${dir}/`)!);
    if (stat?.isDirectory() && (!isCheckoutDirMode(stat.mode) || known.has(`${dir}/`))) dirModes.set(dir, stat.mode & 0o7777);
  }
  for (const [dir, mode] of dirModes) out.set(pathText(`${dir}/` as GitPath), mode.toString(8));
  return sortedRecord(out);
}

/** What rollback needs of a snapshot's records. */
export interface ModeRecords {
  modes?: Record<string, string>;
  knownModes?: Record<string, string>;
  /** The umask `modes` is relative to (absent in older snapshots: the current one). */
  umask?: string;
  /** The snapshot's tree: which untracked files it held (restoreModes). */
  tree?: string;
}

/**
 * Before a rollback rewrites `files` (byte strings; read-tree unlinks each and writes it anew
 * with the checkout default): the bits of those that have others, so they can be given back.
 */
export function keptModes(root: string, files: Iterable<string>): Map<string, number> {
  const kept = new Map<string, number>();
  for (const bytes of files) {
    const stat = lstatOf(root, bytes);
    if (stat?.isFile() && !isCheckoutMode(stat.mode)) kept.set(bytes, stat.mode & 0o7777);
  }
  return kept;
}

/**
 * A tracked file the target knows no bits for and the rollback wrote anew (it was gone, or had
 * the default bits): the bits the state before the rollback last knew for it (its `knownModes`
 * keeps a gone file's last bits), where they are narrower than the checkout default with the
 * same executable bit. A private file narrowed before the target snapshot was taken, but known
 * only to a later one (a chmod no git command saw, found by the snapshot an agent hook took
 * before deleting it), so comes back private; a guess never widens a file.
 */
function lastKnownNarrower(recorded: string | undefined, written: number): number | undefined {
  if (recorded === undefined) return undefined;
  const bits = Number.parseInt(recorded, 8);
  const dflt = checkoutPerms((written & 0o100) !== 0);
  return (bits & 0o100) === (written & 0o100) && (bits & ~dflt & 0o7777) === 0 && bits !== dflt ? bits : undefined;
}

/**
 * After a rollback wrote the target's files (and its index, which says what is tracked; `written`
 * the files it wrote, under this process's umask):
 *  - an untracked file: the bits the target's `modes` records; without a record, the checkout
 *    default under the target's umask when the rollback's starting point recorded other bits
 *    (`modes` is complete: the undo of a rollback that narrowed it), knew it as tracked and the
 *    target's tree holds it (untracked there), or the rollback wrote it under another umask than
 *    the target's;
 *  - a tracked file: the bits the target's `knownModes` records; without a record, the bits it
 *    had before the rollback rewrote it (`kept`) when the executable bit agrees; for one that was
 *    gone or at the default bits, the narrower bits the state before last knew (lastKnownNarrower);
 *    else it is left as it is (its bits are not known). An ignored file no snapshot captured is never touched;
 *  - a directory the target knows: its bits, deepest first, after the files in it.
 * `untracks`: the files the rollback takes out of the index (byte strings). Returns the bits of
 * those it gave the target's default that `before` did not know (pathText -> octal).
 */
export async function restoreModes(repo: Repo, target: ModeRecords, before: ModeRecords, kept: Map<string, number> = new Map(), written: Iterable<string> = [], untracks: ReadonlySet<string> = new Set()): Promise<Record<string, string>> {
  const fileBytes = new Set<string>([...kept.keys(), ...untracks]);
  const learned: Record<string, string> = {};
  // The umask `modes` is relative to. Where it is not ours (a snapshot an agent took under 077,
  // where a key at 0600 is the default and unrecorded), the untracked files the rollback wrote
  // with our default are given the target's.
  const targetUmask = recordedUmask(target) ?? process.umask();
  const rewritten = new Set<string>(targetUmask !== process.umask() ? written : []);
  for (const bytes of rewritten) fileBytes.add(bytes);
  const dirBytes: string[] = [];
  for (const record of [target.modes, target.knownModes, before.modes, before.knownModes]) {
    for (const text of Object.keys(record ?? {})) {
      const bytes = pathFromText(text) as string;
      if (!bytes.endsWith('/')) fileBytes.add(bytes);
      else if (record === target.knownModes) dirBytes.push(bytes.slice(0, -1));
    }
  }
  let tracked: Set<string> | null = null;
  const wasTracked: Array<{ bytes: string; file: Buffer | string; mode: number; had: number }> = [];
  for (const bytes of fileBytes) {
    const file = full(repo.root, bytes);
    const stat = await fs.lstat(file).catch(() => null);
    if (!stat?.isFile()) continue;
    const text = pathText(bytes as GitPath);
    tracked ??= new Set((await runGit(['ls-files', '-z', '--cached'], { cwd: repo.root })).stdout.toString('latin1').split('\0'));
    let want: number | undefined;
    if (!tracked.has(bytes)) {
      const recorded = target.modes?.[text];
      if (recorded !== undefined) want = Number.parseInt(recorded, 8);
      else if (before.modes?.[text] !== undefined || rewritten.has(bytes)) want = checkoutPerms((stat.mode & 0o100) !== 0, targetUmask);
      else if ((before.knownModes?.[text] !== undefined || untracks.has(bytes)) && target.tree) wasTracked.push({ bytes, file, mode: stat.mode, had: kept.get(bytes) ?? stat.mode });
    } else {
      const recorded = target.knownModes?.[text];
      const had = kept.get(bytes);
      if (recorded !== undefined) want = Number.parseInt(recorded, 8);
      else if (had !== undefined && (had & 0o100) === (stat.mode & 0o100)) want = had;
      else if (had === undefined) want = lastKnownNarrower(before.knownModes?.[text], stat.mode);
    }
    if (want !== undefined && (stat.mode & 0o7777) !== want) await fs.chmod(file, want);
  }
  // Tracked before the rollback (its bits known, or `untracks` names it: the rollback takes it out
  // of the index), untracked now: where the target's tree holds it, it was an untracked file there,
  // whose bits `modes` records unless they were the default (a file committed and narrowed after
  // the target came back 0600 where the target had it 0644; narrowed with no git command since, no
  // snapshot knew it: found by the watcher fuzzer, seed 417). One `cat-file --batch-check`, only
  // for such files; one the target does not hold (kept because the target's rules ignore it) is
  // left as it is. The bits such a file had where the state before knew none are returned, for
  // the rollback's journal (--undo gives them back).
  if (wasTracked.length > 0 && target.tree) {
    const leaves = await leavesAt(repo, target.tree, wasTracked.map((f) => f.bytes));
    for (const [i, { bytes, file, mode, had }] of wasTracked.entries()) {
      if (leaves[i]?.type !== 'blob') continue;
      const want = checkoutPerms((mode & 0o100) !== 0, targetUmask);
      if ((mode & 0o7777) === want) continue;
      await fs.chmod(file, want);
      const text = pathText(bytes as GitPath);
      if (before.knownModes?.[text] === undefined) learned[text] = (had & 0o7777).toString(8);
    }
  }
  const deepestFirst = dirBytes.sort((a, b) => b.split('/').length - a.split('/').length);
  for (const bytes of deepestFirst) {
    const dir = full(repo.root, bytes);
    const stat = await fs.lstat(dir).catch(() => null);
    if (!stat?.isDirectory()) continue;
    const want = Number.parseInt(target.knownModes![pathText(`${bytes}/` as GitPath)]!, 8);
    if ((stat.mode & 0o7777) !== want) await fs.chmod(dir, want);
  }
  return learned;
}

/** The directories a snapshot's `knownModes` records (byte strings), to tell which a restore makes. */
export function recordedDirs(records: ModeRecords): string[] {
  return Object.keys(records.knownModes ?? {}).map((text) => pathFromText(text) as string).filter((bytes) => bytes.endsWith('/')).map((bytes) => bytes.slice(0, -1));
}

/**
 * `guard recover`: the recorded bits of the files it wrote and of the recorded directories it
 * made (`made`); what was there already stays as it is, like its bytes.
 */
export async function applyRecordedModes(root: string, records: ModeRecords, written: ReadonlySet<string>, made: ReadonlySet<string>): Promise<void> {
  for (const record of [records.modes, records.knownModes]) {
    for (const [text, octal] of Object.entries(record ?? {})) {
      const bytes = pathFromText(text) as string;
      if (bytes.endsWith('/') || !written.has(bytes)) continue;
      const stat = lstatOf(root, bytes);
      if (stat?.isFile() && (stat.mode & 0o7777) !== Number.parseInt(octal, 8)) await fs.chmod(full(root, bytes), Number.parseInt(octal, 8));
    }
  }
  for (const dir of [...made].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const octal = records.knownModes?.[pathText(`${dir}/` as GitPath)];
    const stat = lstatOf(root, dir);
    if (octal !== undefined && stat?.isDirectory() && (stat.mode & 0o7777) !== Number.parseInt(octal, 8)) await fs.chmod(full(root, dir), Number.parseInt(octal, 8));
  }
}

/**
 * Whether a rollback to `target` would set any bits its `knownModes` records: a path there now
 * with other bits. (A record the state before the rollback has and the target lacks changes
 * nothing: no record means unknown.)
 */
export function knownModesDiffer(root: string, target: ModeRecords): boolean {
  for (const [text, octal] of Object.entries(target.knownModes ?? {})) {
    const bytes = pathFromText(text) as string;
    const dir = bytes.endsWith('/');
    const stat = lstatOf(root, dir ? bytes.slice(0, -1) : bytes);
    if (stat && (dir ? stat.isDirectory() : stat.isFile()) && (stat.mode & 0o7777) !== Number.parseInt(octal, 8)) return true;
  }
  return false;
}
