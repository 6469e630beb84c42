/**
 * Writes a new tree from an existing one plus a list of changed paths, reading and writing only
 * the directories on the way to those paths. The cost follows the change, not the repository:
 * no index of the whole working tree is read or written (an index at 100k files is ~8 MB, and
 * every git process that touches it pays for reading it).
 *
 * Trees are read with one `git cat-file --batch` (raw tree objects, binary-safe for any name) and
 * written with one `git hash-object -w -t tree --stdin-paths`: their contents and ids are
 * computed here (a parent needs its children's ids) and checked against what git answers, with
 * `mktree` as the fallback (writeComputed). In the watcher daemon both go to processes kept
 * running (src/git/object-pipes.ts).
 *
 * Paths are byte strings (latin1: one char per byte), as splitNulBytes returns them.
 */
import { createHash } from 'node:crypto';
import type { Repo } from '../git/repo.js';
import { openGitPipe } from '../git/run.js';
import { checkObjects, readObjects, writeObjects, type ObjectInfo } from '../git/batch-objects.js';
import { emptyTree } from '../git/objects.js';
import { GuardError } from '../errors.js';

export interface TreeLeaf {
  /** Octal mode as git writes it: 100644, 100755, 120000, 160000. */
  mode: string;
  oid: string;
}

/** A path that now holds `entry`, or that is gone (`null`). */
export interface PathChange {
  path: string;
  entry: TreeLeaf | null;
}

/** How git turns a file's lstat into a mode (core.fileMode, core.symlinks). */
export interface ModeRules {
  trustExecutableBit: boolean;
  hasSymlinks: boolean;
}

const REGULAR = new Set(['100644', '100755']);

/**
 * The mode git would record for a file whose new mode from lstat is `mode`, where the tree had
 * `before`: without a trusted executable bit a regular file keeps the mode it had; without
 * symlinks a file that was a link stays one (git's ce_mode_from_stat).
 */
function recordedMode(mode: string, before: Entry | undefined, rules: ModeRules): string {
  if (!REGULAR.has(mode) || !before) return mode;
  if (!rules.hasSymlinks && before.mode === '120000') return before.mode;
  if (!rules.trustExecutableBit && REGULAR.has(before.mode)) return before.mode;
  return mode;
}

interface Entry {
  mode: string;
  oid: string;
}

export interface Dir {
  /** Entries by name (byte string); a subdirectory has mode 40000. */
  entries: Map<string, Entry>;
  dirty: boolean;
}

const TREE_MODE = '40000';

function isTreeMode(mode: string): boolean {
  return mode === TREE_MODE || mode === '040000';
}

function typeOf(mode: string): 'tree' | 'commit' | 'blob' {
  if (isTreeMode(mode)) return 'tree';
  return mode === '160000' ? 'commit' : 'blob';
}

function parentOf(dir: string): string {
  const at = dir.lastIndexOf('/');
  return at < 0 ? '' : dir.slice(0, at);
}

function nameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function depthOf(dir: string): number {
  if (dir === '') return 0;
  let depth = 1;
  for (let i = 0; i < dir.length; i++) if (dir.charCodeAt(i) === 47) depth++;
  return depth;
}

/** Parses a raw tree object: "<mode> <name>\0<raw id>" repeated. */
export function parseTree(data: Buffer, oidBytes: number): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = data.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + oidBytes > data.length) throw new GuardError('git', 'a tree object could not be parsed');
    entries.set(data.toString('latin1', space + 1, nul), { mode: data.toString('latin1', at, space), oid: data.toString('hex', nul + 1, nul + 1 + oidBytes) });
    at = nul + 1 + oidBytes;
  }
  return entries;
}

/** Trees among objects read by `readTrees`: each one's entries, or null (missing or not a tree). */
async function readTrees(repo: Repo, names: string[], oidBytes: number): Promise<Array<{ oid: string; entries: Map<string, Entry> } | null>> {
  const objects = await readObjects(repo, names);
  return objects.map((object) => (object?.type === 'tree' ? { oid: object.oid, entries: parseTree(object.content, oidBytes) } : null));
}

/**
 * Loads every directory in `wanted` that exists as a tree under `base`. One `cat-file --batch`
 * call names them all as `<base>:<path>`; a name with a newline or CR cannot be asked that way,
 * so then the directories are read level by level, by id.
 */
async function loadDirs(repo: Repo, base: string, wanted: Set<string>): Promise<Map<string, Dir>> {
  const oidBytes = base.length / 2;
  const dirs = new Map<string, Dir>();
  const ordered = [...wanted].sort((a, b) => depthOf(a) - depthOf(b));
  // cat-file reads one name per line and drops a trailing CR: such names are asked for by id.
  if (!ordered.some((dir) => /[\n\r]/.test(dir))) {
    const trees = await readTrees(repo, ordered.map((dir) => (dir === '' ? base : `${base}:${dir}`)), oidBytes);
    // Each answer must be the tree its parent names (ordered: parents first); anything else and
    // the directories are read again by id.
    const consistent = ordered.every((dir, i) => {
      const tree = trees[i];
      if (dir === '') {
        if (tree) dirs.set(dir, { entries: tree.entries, dirty: false });
        return tree !== null;
      }
      const entry = dirs.get(parentOf(dir))?.entries.get(nameOf(dir));
      const isTree = !!entry && isTreeMode(entry.mode);
      if (isTree !== (tree !== null) || (tree && tree.oid !== entry!.oid)) return false;
      if (tree) dirs.set(dir, { entries: tree.entries, dirty: false });
      return true;
    });
    if (consistent) return dirs;
    dirs.clear();
  }
  for (let depth = 0; ; depth++) {
    const level = ordered.filter((dir) => depthOf(dir) === depth);
    if (level.length === 0 && depth > 0) break;
    const ids: Array<{ dir: string; oid: string }> = [];
    for (const dir of level) {
      if (dir === '') ids.push({ dir, oid: base });
      else {
        const entry = dirs.get(parentOf(dir))?.entries.get(nameOf(dir));
        if (entry && isTreeMode(entry.mode)) ids.push({ dir, oid: entry.oid });
      }
    }
    if (ids.length === 0) continue;
    const trees = await readTrees(repo, ids.map((t) => t.oid), oidBytes);
    ids.forEach(({ dir }, i) => {
      if (trees[i]) dirs.set(dir, { entries: trees[i]!.entries, dirty: false });
    });
    if (!dirs.has('')) throw new GuardError('git', `the tree ${base} could not be read`);
  }
  return dirs;
}

/**
 * What `tree` holds at each path (byte strings): its id and type, or null where nothing is there.
 * One `cat-file --batch-check` names them as `<tree>:<path>`; a name with a line break or a CR
 * cannot be asked that way (cat-file reads one name per line and drops a trailing CR), so those
 * are found in the directories on the way, read by id (loadDirs).
 */
export async function leavesAt(repo: Repo, tree: string, paths: readonly string[]): Promise<Array<ObjectInfo | null>> {
  const odd = paths.filter((p) => /[\n\r]/.test(p));
  const plain = paths.filter((p) => !/[\n\r]/.test(p));
  const [asked, dirs] = await Promise.all([checkObjects(repo, plain.map((p) => `${tree}:${p}`)), odd.length > 0 ? loadDirs(repo, tree, wantedDirs(odd)) : null]);
  const byPath = new Map<string, ObjectInfo | null>(plain.map((p, i) => [p, asked[i] ?? null]));
  for (const p of odd) {
    const entry = dirs?.get(parentOf(p))?.entries.get(nameOf(p));
    byPath.set(p, entry ? { oid: entry.oid, type: typeOf(entry.mode) } : null);
  }
  return paths.map((p) => byPath.get(p) ?? null);
}

/**
 * The id of `base` with the entries at `paths` (byte strings) taken out, directories left empty
 * removed as git would: computed here from the directories on the way (one read through
 * `cat-file --batch`), nothing written. A path that is not a leaf of `base` (absent, or a
 * directory) gives null: the caller then knows nothing.
 */
export async function treeIdWithout(repo: Repo, base: string, paths: readonly string[]): Promise<string | null> {
  const hash = base.length === 64 ? 'sha256' : 'sha1';
  const dirs = await loadDirs(repo, base, wantedDirs(paths));
  for (const p of paths) {
    const dir = dirs.get(parentOf(p));
    const entry = dir?.entries.get(nameOf(p));
    if (!dir || !entry || isTreeMode(entry.mode)) return null;
    dir.entries.delete(nameOf(p));
    dir.dirty = true;
  }
  // Deepest first: a parent needs its children's new ids.
  const ordered = [...dirs.keys()].sort((a, b) => depthOf(b) - depthOf(a));
  for (const name of ordered) {
    const dir = dirs.get(name)!;
    if (!dir.dirty || name === '') continue;
    const parent = dirs.get(parentOf(name));
    if (!parent) return null;
    if (dir.entries.size === 0) parent.entries.delete(nameOf(name));
    else parent.entries.set(nameOf(name), { mode: TREE_MODE, oid: treeId(dir.entries, hash) });
    parent.dirty = true;
  }
  return treeId(dirs.get('')!.entries, hash);
}

/** One tree's entries as `mktree -z` input, followed by the empty record that ends it in --batch mode. */
function mktreeInput(entries: Map<string, Entry>): Buffer {
  const chunks: Buffer[] = [];
  for (const [name, e] of entries) chunks.push(Buffer.from(`${e.mode} ${typeOf(e.mode)} ${e.oid}\t${name}\0`, 'latin1'));
  chunks.push(Buffer.from([0]));
  return Buffer.concat(chunks);
}

/** Every directory on the way to the given paths (the root is ""). */
function wantedDirs(paths: Iterable<string>): Set<string> {
  const wanted = new Set<string>(['']);
  for (const p of paths) {
    for (let dir = parentOf(p); dir !== ''; dir = parentOf(dir)) {
      if (wanted.has(dir)) break;
      wanted.add(dir);
    }
  }
  return wanted;
}

/** The directories of `base` on the way to some paths, being read (so the read overlaps other work). */
export interface BaseDirs {
  base: string;
  wanted: Set<string>;
  dirs: Promise<Map<string, Dir>>;
}

/**
 * Starts reading what editTree will need for changes to `paths` (byte strings); hand the result
 * to editTree. With `alsoPaths`, the paths themselves are read too where they are directories.
 */
export function preloadDirs(repo: Repo, base: string, paths: string[], alsoPaths = false): BaseDirs {
  const wanted = wantedDirs(paths);
  if (alsoPaths) for (const p of paths) wanted.add(p);
  const dirs = loadDirs(repo, base, wanted);
  dirs.catch(() => undefined); // editTree reads it again if this failed
  return { base, wanted, dirs };
}

/** What `base` has at `path` (a byte string) according to preloaded directories: a file, a directory or nothing. */
export function entryKind(dirs: Map<string, Dir>, p: string): 'tree' | 'leaf' | null {
  const entry = dirs.get(parentOf(p))?.entries.get(nameOf(p));
  if (!entry) return null;
  return isTreeMode(entry.mode) ? 'tree' : 'leaf';
}

export interface EditResult {
  tree: string;
  /**
   * Files added, modified and deleted relative to `base`, when every change was a file replacing
   * a file (or nothing); null when a whole directory was replaced, whose files were not listed.
   */
  counts: { added: number; modified: number; deleted: number } | null;
}

/**
 * Applies `changes` to the tree `base` and returns the new tree's id. Deletions apply before
 * additions, so "file a became directory a/" and the reverse both come out right; a directory
 * left empty disappears, as it would from an index.
 */
export async function editTree(
  repo: Repo,
  base: string,
  changes: PathChange[],
  rules: ModeRules = { trustExecutableBit: true, hasSymlinks: true },
  preloaded?: BaseDirs,
  /** false: write through the conversing fallback directly (tests exercise it this way). */
  computeIds = true,
): Promise<EditResult> {
  const counts = { added: 0, modified: 0, deleted: 0 };
  let exact = true;
  if (changes.length === 0) return { tree: base, counts };
  const wanted = wantedDirs(changes.map((c) => c.path));
  const usable = preloaded && preloaded.base === base && [...wanted].every((dir) => preloaded.wanted.has(dir));
  const loaded = usable ? await preloaded.dirs.catch(() => null) : null;
  const dirs = loaded ?? (await loadDirs(repo, base, wanted));

  const markDirty = (dir: string): void => {
    for (let d: string | null = dir; d !== null; d = d === '' ? null : parentOf(d)) {
      const state = dirs.get(d);
      if (!state || state.dirty) {
        if (state) break;
        continue;
      }
      state.dirty = true;
    }
  };
  /** The directory `dir`, or null when it (or a parent) is not a directory; `create` makes it one. */
  const dirFor = (dir: string, create: boolean): Dir | null => {
    const existing = dirs.get(dir);
    if (existing) return existing;
    if (!create) return null;
    const parent = dirFor(parentOf(dir), true)!;
    // A file (or link) in the way of a new directory is replaced by it.
    if (parent.entries.has(nameOf(dir))) exact = false;
    parent.entries.set(nameOf(dir), { mode: TREE_MODE, oid: '' });
    const made: Dir = { entries: new Map(), dirty: true };
    dirs.set(dir, made);
    markDirty(parentOf(dir));
    return made;
  };

  for (const change of changes) {
    if (change.entry) continue;
    const dir = dirFor(parentOf(change.path), false);
    const name = nameOf(change.path);
    if (!dir?.entries.has(name)) continue;
    const removed = dir.entries.get(name)!;
    dir.entries.delete(name);
    if (isTreeMode(removed.mode)) {
      dropSubtree(dirs, change.path);
      exact = false;
    } else counts.deleted++;
    markDirty(parentOf(change.path));
  }
  for (const change of changes) {
    if (!change.entry) continue;
    const dir = dirFor(parentOf(change.path), true)!;
    const name = nameOf(change.path);
    const before = dir.entries.get(name);
    if (before && isTreeMode(before.mode)) {
      dropSubtree(dirs, change.path);
      exact = false;
    }
    const mode = recordedMode(change.entry.mode, before, rules);
    if (before && before.mode === mode && before.oid === change.entry.oid) continue;
    if (!before) counts.added++;
    else if (!isTreeMode(before.mode)) counts.modified++;
    dir.entries.set(name, { mode, oid: change.entry.oid });
    markDirty(parentOf(change.path));
  }

  // Write changed directories deepest first; an empty one is removed from its parent instead.
  if (!dirs.get('')!.dirty) return { tree: base, counts };
  const dirty = [...dirs.entries()].filter(([, d]) => d.dirty).map(([dir]) => dir);
  dirty.sort((a, b) => depthOf(b) - depthOf(a));
  const computed = computeIds ? await writeComputed(repo, dirs, dirty, base.length === 64 ? 'sha256' : 'sha1') : undefined;
  const tree = computed !== undefined ? computed : await writeConversing(repo, dirs, dirty);
  return { tree: tree ?? (await emptyTree(repo)), counts: exact ? counts : null };
}

/** Sets `dir`'s id in its parent, or drops it from its parent when it is empty (id null). */
function linkToParent(dirs: Map<string, Dir>, dir: string, id: string | null): void {
  if (dir === '') return;
  const parent = dirs.get(parentOf(dir))!.entries;
  if (id === null) parent.delete(nameOf(dir));
  else parent.set(nameOf(dir), { mode: TREE_MODE, oid: id });
}

/** A tree object's content: entries in git's order (a directory sorts as if its name ended in "/"). */
export function treeContent(entries: Map<string, Entry>): Buffer {
  const key = (name: string, e: Entry): string => (isTreeMode(e.mode) ? `${name}/` : name);
  const sorted = [...entries].sort(([na, ea], [nb, eb]) => {
    const a = key(na, ea);
    const b = key(nb, eb);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const parts: Buffer[] = [];
  for (const [name, e] of sorted) {
    parts.push(Buffer.from(`${isTreeMode(e.mode) ? TREE_MODE : e.mode} ${name}\0`, 'latin1'), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

/** The id git gives a tree with these entries (names are byte strings, ids hex). */
export function treeId(entries: Map<string, { mode: string; oid: string }>, hash: 'sha1' | 'sha256'): string {
  const content = treeContent(entries);
  return createHash(hash).update(`tree ${content.length}\0`).update(content).digest('hex');
}

/**
 * Computes every tree's content and id here (a parent needs its children's ids) and writes them
 * all with one `hash-object -w -t tree --stdin-paths` (batch-objects.ts; in the watcher daemon a
 * process kept running): no conversation with a process per depth. Not `mktree`: it looks up
 * every entry of every tree it writes, even with --missing (git 2.39: an open and an mmap per
 * entry when the objects are loose), 35-80 ms for the 21 trees of ten changed files in the 100k
 * benchmark repository against 2-3 ms for hash-object. The ids git answers are checked against
 * the computed ones; on any difference, or if git refuses a tree (a newer git checks trees as
 * fsck does), this returns undefined and the trees are written again by conversing with mktree,
 * whose ids are git's own.
 */
async function writeComputed(repo: Repo, dirs: Map<string, Dir>, dirty: string[], hash: 'sha1' | 'sha256'): Promise<string | null | undefined> {
  const contents: Buffer[] = [];
  const expected: string[] = [];
  let rootId: string | null = null;
  const saved = new Map(dirty.map((dir) => [dir, new Map(dirs.get(dir)!.entries)]));
  for (const dir of dirty) {
    const entries = dirs.get(dir)!.entries;
    if (entries.size === 0) {
      linkToParent(dirs, dir, null);
      continue;
    }
    const content = treeContent(entries);
    const id = createHash(hash).update(`tree ${content.length}\0`).update(content).digest('hex');
    contents.push(content);
    expected.push(id);
    if (dir === '') rootId = id;
    else linkToParent(dirs, dir, id);
  }
  if (contents.length === 0) return null;
  const ids = await writeObjects(repo, 'tree', contents).catch(() => null);
  if (ids && ids.length === expected.length && ids.every((id, i) => id === expected[i])) return rootId;
  for (const [dir, entries] of saved) dirs.get(dir)!.entries = entries;
  return undefined;
}

/** Writes the trees depth by depth through one `mktree --batch` kept open, taking git's ids. */
async function writeConversing(repo: Repo, dirs: Map<string, Dir>, dirty: string[]): Promise<string | null> {
  let rootId: string | null = null;
  const mktree = openGitPipe(['mktree', '-z', '--missing', '--batch'], { cwd: repo.root });
  try {
    // A whole depth at a time: its trees only need ids from deeper ones, already known.
    for (let i = 0; i < dirty.length; ) {
      const depth = depthOf(dirty[i]!);
      const level: string[] = [];
      for (; i < dirty.length && depthOf(dirty[i]!) === depth; i++) {
        const dir = dirty[i]!;
        if (dirs.get(dir)!.entries.size > 0) level.push(dir);
        else linkToParent(dirs, dir, null);
      }
      if (level.length === 0) continue;
      mktree.write(Buffer.concat(level.map((dir) => mktreeInput(dirs.get(dir)!.entries))));
      for (const dir of level) {
        const id = (await mktree.readLine()).trim();
        if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) throw new GuardError('git', `mktree answered "${id}" instead of a tree id`);
        if (dir === '') rootId = id;
        else linkToParent(dirs, dir, id);
      }
    }
  } finally {
    await mktree.close();
  }
  return rootId;
}

/** Forgets loaded directories under `dir` (it was removed or replaced by a file). */
function dropSubtree(dirs: Map<string, Dir>, dir: string): void {
  const prefix = `${dir}/`;
  dirs.delete(dir);
  for (const key of [...dirs.keys()]) if (key.startsWith(prefix)) dirs.delete(key);
}
