/**
 * The raw bytes of the files git's conversions would not give back (format.ts: `rawFiles`).
 *
 * The snapshot's tree W holds each file as git stores it, after the clean side of its
 * conversions (core.autocrlf, `text`/`eol`, `ident`, `working-tree-encoding`, clean/smudge
 * filters), and rollback writes files with git's checkout, the smudge side. For a file where
 * smudge(clean(bytes)) is not the bytes (an LF file under autocrlf=true, a CRLF file under
 * autocrlf=input, a literal `$Id$` under `ident`, a filter that is not its own inverse) the raw
 * bytes are kept too, as a blob at the same path in a second tree R beside W, and rollback writes
 * them back without smudging (src/restore/raw-restore.ts).
 *
 * Which files: the regular files the snapshot reads (those that differ from the index, and the
 * untracked ones) whose attributes say git converts them (`git check-attr`), plus the files the
 * previous snapshot kept raw (a file git sees unchanged may still hold bytes its checkout would
 * not write, e.g. after `git add` of an LF file under autocrlf=true). For them, git's checkout of
 * W's blob (`cat-file --batch --filters`) is compared with the bytes on disk; only those that
 * differ are kept. Each step is one git process for all files. When no conversion is in effect
 * (conversions.ts) none of this runs.
 *
 * An incremental (watcher) snapshot carries the previous R's entries for paths it did not look at.
 *
 * A rollback that wrote raw bytes leaves the index's stat data fresh, so git sees those files
 * unchanged, and the previous snapshot (the pre-rollback one) may not have kept them raw: the
 * paths it wrote are noted in `<gitDir>/guard/raw-written` (NUL-separated byte strings), and the
 * next snapshot checks them too, then removes the note.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { guardPath, type Repo } from '../git/repo.js';
import { runGit, splitNulBytes } from '../git/run.js';
import { fsPath, type GitPath } from '../git/path.js';
import { checkAttributes } from '../git/check-attr.js';
import { readCheckedOut, writeObjects } from '../git/batch-objects.js';
import { editTree, leavesAt, treeId, type PathChange, type TreeLeaf } from './tree-edit.js';
import type { ConversionConfig } from './mode-rules.js';
import { lstatSign, statSign } from './capture-worktree.js';

const ATTRIBUTES = ['text', 'eol', 'filter', 'ident', 'working-tree-encoding', 'crlf'];

/** Every file of a raw tree R: path (byte string) to mode and blob. One `ls-tree -r`. */
export async function listRawFiles(repo: Repo, tree: string): Promise<Map<string, TreeLeaf>> {
  const { stdout } = await runGit(['ls-tree', '-r', '-z', '--full-tree', tree], { cwd: repo.root });
  const out = new Map<string, TreeLeaf>();
  for (const record of splitNulBytes(stdout)) {
    // "<mode> <type> <oid>\t<path>"
    const tab = record.indexOf('\t');
    const [mode, , oid] = record.slice(0, tab).split(' ');
    out.set(record.slice(tab + 1), { mode: mode!, oid: oid! });
  }
  return out;
}

const NOTE = 'raw-written';

/** Notes paths a rollback or recover wrote raw bytes to, for the next snapshot to check. */
export async function noteRawWrites(repo: Repo, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  const file = guardPath(repo, NOTE);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1'));
}

/** The noted paths (byte strings) and the note's bytes as read (to remove exactly that note). */
export async function readRawNote(repo: Repo): Promise<{ paths: string[]; bytes: Buffer | null }> {
  const bytes = await fs.readFile(guardPath(repo, NOTE)).catch(() => null);
  return { paths: bytes ? splitNulBytes(bytes) : [], bytes };
}

/** Removes the note once a snapshot has checked it (not when it grew meanwhile). */
export async function clearRawNote(repo: Repo, read: Buffer | null): Promise<void> {
  if (!read) return;
  const now = await fs.readFile(guardPath(repo, NOTE)).catch(() => null);
  if (now && now.equals(read)) await fs.rm(guardPath(repo, NOTE), { force: true });
}

/** Whether git converts a file with these attributes (given core.autocrlf). */
function converts(attrs: Record<string, string> | undefined, config: ConversionConfig): boolean {
  if (!attrs) return true;
  const given = (name: string): boolean => attrs[name] !== undefined && attrs[name] !== 'unspecified' && attrs[name] !== 'unset';
  if (given('filter') || given('ident') || given('working-tree-encoding') || given('eol')) return true;
  if (attrs.text === 'unset') return false;
  if (given('text')) return true;
  // git's old name for text: `-crlf` is -text, `crlf` text, `crlf=input` eol=lf.
  if (attrs.crlf === 'unset') return false;
  if (given('crlf')) return true;
  // No text attribute: core.autocrlf decides (true and input both act as text=auto).
  return config.autocrlf !== 'false';
}

/** Whether `p` is one of `dirs` or lies under one of them. */
function under(dirs: ReadonlySet<string>, p: string): boolean {
  if (dirs.has(p)) return true;
  for (let at = p.indexOf('/'); at > 0; at = p.indexOf('/', at + 1)) if (dirs.has(p.slice(0, at))) return true;
  return false;
}

export interface RawCaptureInput {
  config: ConversionConfig;
  /** W's tree. */
  tree: string;
  /** Regular files this snapshot read, with their executable bit. */
  files: ReadonlyMap<string, boolean>;
  /**
   * The scan's sign of each of `files` (capture-worktree.ts `signs`): a file whose fstat after
   * R's read differs changed between the hash in W and that read. Without it the read is trusted.
   */
  signs?: ReadonlyMap<string, string>;
  /** The previous snapshot's raw tree R, if it had one. */
  previous: string | null;
  /** The previous snapshot's tree W (to carry R's entry of a file that vanished during this snapshot). */
  previousTree?: string | null;
  /**
   * An incremental snapshot: the paths it looked at (changed files and directories, dropped
   * ones); the previous R's other entries are carried. null: a full walk, every previous entry
   * is checked again.
   */
  lookedAt: ReadonlySet<string> | null;
  /** Regular files to check whatever the scan saw (noteRawWrites). */
  noted?: readonly string[];
  /**
   * Conversions here only turn CRLF into LF (conversions.ts, lfOnly): a file the scan read is
   * looked at only when it holds a CR byte. (The previous R's files and noted ones always are.)
   */
  lfOnly?: boolean;
}

/**
 * The bytes of a regular file and the sign (statSign) of its fstat once read; null when it is not
 * one any more. Opened without following a symlink and without waiting on a FIFO: a file turned
 * into either since the scan is not read through (a link's target outside the worktree kept as
 * the file's bytes, or a snapshot waiting forever for a FIFO's writer).
 */
export async function readRegular(full: Buffer): Promise<{ bytes: Buffer; sign: string } | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(full, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!(await handle.stat()).isFile()) return null;
    const bytes = await handle.readFile();
    return { bytes, sign: statSign(await handle.stat({ bigint: true })) };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** The files of `files` that hold a CR byte (read here, in parallel). */
async function withCarriageReturn(repo: Repo, files: readonly string[]): Promise<Set<string>> {
  const found = await Promise.all(files.map((p) => readRegular(fsPath(repo.root, p as GitPath)).then((read) => read === null || read.bytes.includes(13))));
  return new Set(files.filter((_, i) => found[i]));
}

/**
 * git's clean of each file as it is on disk now (`hash-object --stdin-paths`, nothing written),
 * in order; null for one whose name hash-object cannot read (a line break, a leading double
 * quote), and for all when any of the others cannot be hashed so (gone, no regular file). Until
 * 2026-12-07 one such name among them made every changed file unconfirmed (left out of R).
 */
async function cleanIds(repo: Repo, paths: readonly string[]): Promise<Array<string | null>> {
  const givable = paths.filter((p) => !/[\n\r]/.test(p) && !p.startsWith('"'));
  if (givable.length === 0) return paths.map(() => null);
  const result = await runGit(['hash-object', '--stdin-paths'], { cwd: repo.root, input: Buffer.from(givable.map((p) => `${p}\n`).join(''), 'latin1'), okCodes: [128] });
  const ids = result.stdout.toString('latin1').split('\n').filter(Boolean);
  if (result.code !== 0 || ids.length !== givable.length) return paths.map(() => null);
  const byPath = new Map(givable.map((p, i) => [p, ids[i]!]));
  return paths.map((p) => byPath.get(p) ?? null);
}

/** The raw tree R for this snapshot (null when every file's checkout gives its bytes back) and its paths. */
export async function captureRawFiles(repo: Repo, input: RawCaptureInput): Promise<{ tree: string | null; paths: string[]; unsettled?: string[]; seen?: Map<string, string> }> {
  const previous = input.previous ? await listRawFiles(repo, input.previous) : new Map<string, TreeLeaf>();
  const carried = new Map<string, TreeLeaf>();
  const toCheck = new Map<string, boolean>(input.files);
  if (input.lfOnly) {
    // Without a CR byte neither side of an LF-only conversion changes a file.
    const cr = await withCarriageReturn(repo, [...toCheck.keys()]);
    for (const p of [...toCheck.keys()]) if (!cr.has(p)) toCheck.delete(p);
  }
  const again = new Set<string>((input.noted ?? []).filter((p) => !toCheck.has(p)));
  for (const [p, leaf] of previous) {
    if (again.has(p)) continue;
    if (input.lookedAt && !under(input.lookedAt, p)) carried.set(p, leaf);
    else if (!input.lookedAt && !toCheck.has(p)) again.add(p);
  }
  // A file the previous snapshot kept raw and this one did not read: checked again while it is
  // still a regular file (its executable bit as it is now).
  const recheck = [...again];
  const stats = await Promise.all(recheck.map((p) => fs.lstat(fsPath(repo.root, p as GitPath), { bigint: true }).catch(() => null)));
  // What its read must find unchanged: the file as it is now (W has the base's blob for it).
  const expected = new Map<string, string>(input.signs ?? []);
  recheck.forEach((p, i) => {
    const stat = stats[i];
    if (!stat?.isFile()) return;
    toCheck.set(p, (Number(stat.mode) & 0o100) !== 0);
    expected.set(p, statSign(stat));
  });
  const unsettled: string[] = [];
  // The sign of each file read (readRegular), for the scan memo (rawSignature).
  const seen = new Map<string, string>();
  const paths = [...toCheck.keys()].sort();
  const kept = new Map<string, TreeLeaf>(carried);
  if (paths.length > 0) {
    const attrs = await checkAttributes(repo, paths, ATTRIBUTES);
    const converting = paths.filter((p) => converts(attrs.get(p), input.config));
    // (Names with a line break too: leavesAt and readCheckedOut ask git about them another way.)
    const blobs = await leavesAt(repo, input.tree, converting);
    const present = converting.map((p, i) => ({ path: p, oid: blobs[i]?.type === 'blob' ? blobs[i]!.oid : null })).filter((b): b is { path: string; oid: string } => b.oid !== null);
    const [checkedOut, reads] = await Promise.all([readCheckedOut(repo, present), Promise.all(present.map((b) => readRegular(fsPath(repo.root, b.path as GitPath))))]);
    // Changed since the scan's look: W's blob was hashed after that look, before or after the
    // change. Kept only when git's clean of the file, hashed again now while the file keeps the
    // bytes read, is W's blob (the change came before W's hash). Else the bytes read are not the
    // ones W's blob was cleaned from: kept in R, a rollback or the watcher's restore wrote them
    // under W's name (git then sees the file unchanged, a `commit -a` commits W's blob). Left out
    // and noted for the next snapshot to read again (create.ts).
    const changed = present.map((b, i) => ({ ...b, read: reads[i] })).filter((b) => b.read && expected.has(b.path) && expected.get(b.path) !== b.read.sign);
    const cleanAgain = await cleanIds(repo, changed.map((b) => b.path));
    const cleanNow = await Promise.all(changed.map((b) => lstatSign(fsPath(repo.root, b.path as GitPath))));
    const confirmed = new Set(changed.filter((b, i) => cleanAgain[i] === b.oid && cleanNow[i] === b.read!.sign).map((b) => b.path));
    for (const b of changed) if (!confirmed.has(b.path)) unsettled.push(b.path);
    const onDisk = reads.map((read, i) => (read && !unsettled.includes(present[i]!.path) ? read.bytes : null));
    reads.forEach((read, i) => {
      if (read && !unsettled.includes(present[i]!.path)) seen.set(present[i]!.path, read.sign);
    });
    // Without git's checkout (its smudge filter failed, or a name with a line break that is not
    // UTF-8 cannot be given to git) a converted file keeps its raw bytes: more to store, nothing lost.
    const differ = present
      .map((b, i) => ({ ...b, bytes: onDisk[i]!, checkout: checkedOut ? checkedOut[i] : null }))
      .filter((b) => b.bytes !== null && (!b.checkout || !b.bytes.equals(b.checkout)));
    const ids = await writeObjects(repo, 'blob', differ.map((d) => d.bytes));
    differ.forEach((d, i) => kept.set(d.path, { mode: toCheck.get(d.path) ? '100755' : '100644', oid: ids[i]! }));
    // Gone (or no regular file, or changed) between the scan (W holds it) and this read: W is
    // still restored from, so a file the previous R kept raw keeps that entry while W's blob is
    // the one the previous snapshot had (the same clean content, the bytes it was cleaned from
    // then). Without this, a watcher snapshot racing a deletion held the file in W but not in R,
    // and the watcher's restore wrote git's checkout (LF) over a CRLF file.
    const vanished = present.filter((b, i) => onDisk[i] === null && previous.has(b.path));
    if (vanished.length > 0 && input.previousTree) {
      const before = await leavesAt(repo, input.previousTree, vanished.map((b) => b.path));
      vanished.forEach((b, i) => {
        if (before[i]?.oid === b.oid) kept.set(b.path, previous.get(b.path)!);
      });
    }
  }
  const moved = { ...(unsettled.length > 0 ? { unsettled: unsettled.sort() } : {}), seen };
  if (kept.size === 0) return { tree: null, paths: [], ...moved };
  const keptPaths = [...kept.keys()].sort();
  // Edit the previous R (only the directories on the way to what changed are written).
  const hash = input.tree.length === 64 ? 'sha256' : 'sha1';
  const base = input.previous ?? treeId(new Map(), hash);
  const changes: PathChange[] = [];
  for (const [p, leaf] of kept) {
    const was = previous.get(p);
    if (!was || was.oid !== leaf.oid || was.mode !== leaf.mode) changes.push({ path: p, entry: leaf });
  }
  for (const p of previous.keys()) if (!kept.has(p)) changes.push({ path: p, entry: null });
  if (changes.length === 0 && input.previous) return { tree: input.previous, paths: keptPaths, ...moved };
  return { tree: (await editTree(repo, base, changes)).tree, paths: keptPaths, ...moved };
}

/**
 * The lstat data of R's files, for the scan memo: a snapshot whose scan is the last one's (same
 * index, same differing files) and whose R's files are unchanged has the same R, found without
 * a git process. `seen`: the sign of each file as R's read found it (captureRawFiles), used
 * instead of an lstat now: one taken after the read vouched for a change made after it (the
 * next snapshot, finding the same lstat, kept R's older bytes).
 */
export async function rawSignature(repo: Repo, paths: readonly string[], seen?: ReadonlyMap<string, string>): Promise<string> {
  const signs = await Promise.all(paths.map((p) => seen?.get(p) ?? lstatSign(fsPath(repo.root, p as GitPath))));
  const hash = createHash('sha1');
  paths.forEach((p, i) => hash.update(`${p}\0${signs[i] ?? 'gone'}\0`, 'latin1'));
  return hash.digest('hex');
}
