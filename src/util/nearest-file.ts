/**
 * Reads the file a FileQuery names (src/policy/command/state.ts): `dir/name`, or with `up` the
 * nearest `name` in `dir` or a directory above it, as npm, pnpm and yarn find the package.json
 * whose scripts they run. File system only, no git: one read per directory looked in, at most
 * FILE_TEXT_LIMIT bytes. Paths are escaped text (escaped-text.ts), so a name that is not UTF-8
 * goes back to the file system as its bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapedBytes, escapedText } from './escaped-text.js';
import { FILE_TEXT_LIMIT, type FileQuery, type FoundFile } from '../policy/command/state.js';

/** One file: its text, 'missing' where nothing is there (or a parent is not a directory), null where it cannot be read. */
function readOne(abs: string): { text: string } | 'missing' | null {
  let fd: number;
  try {
    fd = fs.openSync(escapedBytes(abs), 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : null;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > FILE_TEXT_LIMIT) return null;
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = fs.readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { text: escapedText(buffer.subarray(0, read)) };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What an answer of readNearestFile or listWorkspaceDirs depends on (escaped text): `paths` whose
 * status must not change (a file read, a directory whose entries were listed), and `absent`
 * paths that must not come to exist (the file looked for where there was none: one there would
 * be found instead). The agent hook's answer cache (src/agents/answer-cache.ts) keeps an answer
 * only while both hold.
 */
export interface ReadTrace {
  paths: Set<string>;
  absent: Set<string>;
}

export function newReadTrace(): ReadTrace {
  return { paths: new Set(), absent: new Set() };
}

/**
 * A query with no name asks whether `abs` is a directory (`$(cd DIR && pwd)`, evaluate.ts
 * isDirectory): found, with no text, where it is one (kept by its change time: a directory
 * removed or swapped changes its parent's too), 'missing' where nothing is there, null for
 * anything else (a file: cd fails there; a symlink to a directory is one, and the shim keeps no
 * answer that depends on a symlink). Until 2026-12-05 a directory
 * was unreadable (null), so no allow that looked at one was kept for the agent hook's shim.
 */
function directoryAt(abs: string, seen?: ReadTrace): FoundFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(escapedBytes(abs));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
    seen?.absent.add(abs);
    return 'missing';
  }
  if (!stat.isDirectory()) return null;
  seen?.paths.add(abs);
  // The path is the directory's real one (symlinks resolved): what `pwd -P`, `readlink -f` and
  // `realpath` print there (expand.ts). A symlink on the way keeps the answer out of the shim's
  // cache (answer-cache.ts lstat's every directory up from abs). realpath(3) itself (`.native`):
  // one system call, where Node's own walk lstat's each component of the path.
  let real: string;
  try {
    real = escapedText(fs.realpathSync.native(escapedBytes(abs), { encoding: 'buffer' }));
  } catch {
    return null;
  }
  return { path: real, text: '' };
}

/** Where a file read leads, every symlink resolved (FoundFile.real; realpath(3), one system call); nothing where it cannot say. */
function realOf(abs: string): { real?: string } {
  try {
    return { real: escapedText(fs.realpathSync.native(escapedBytes(abs), { encoding: 'buffer' })) };
  } catch {
    return {};
  }
}

/** `seen`, where given, gets what the answer depends on (ReadTrace). */
export function readNearestFile(query: FileQuery, seen?: ReadTrace): FoundFile {
  if (query.name === '') return directoryAt(path.posix.resolve(query.dir), seen);
  let dir = path.posix.resolve(query.dir);
  for (;;) {
    const abs = path.posix.join(dir, query.name);
    const found = readOne(abs);
    if (found === null) return null;
    (found === 'missing' ? seen?.absent : seen?.paths)?.add(abs);
    if (found !== 'missing') return { path: abs, text: found.text, ...realOf(abs) };
    const parent = path.posix.dirname(dir);
    if (!query.up || parent === dir) return 'missing';
    dir = parent;
  }
}

/** Directories one workspace listing may read, and packages it may give: past them, unknown (null). */
export const WORKSPACE_DIRS_READ = 5000;
export const WORKSPACE_PACKAGES = 1000;

/** One path segment of a workspace glob (`*`, `?`, `[...]`, `{a,b}`) as a RegExp; null for a literal. */
function segmentRegExp(segment: string): RegExp | null {
  if (!/[*?[{]/.test(segment)) return null;
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = segment.indexOf('}', i + 1);
      if (end === -1) source += '\\{';
      else {
        source += `(?:${segment.slice(i + 1, end).split(',').map((alt) => alt.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('|')})`;
        i = end;
      }
    } else source += c.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

interface Walk {
  read: number;
  /** What the answer depends on (listWorkspaceDirs' `seen`). */
  seen?: ReadTrace;
  /** Absolute directories the selection lies at or under (DirQuery.within); absent: anywhere. */
  within?: string[];
}

/** `dir` is `base` or lies under it (absolute paths). */
function under(dir: string, base: string): boolean {
  return dir === base || base === '/' || dir.startsWith(`${base}/`);
}


/** Whether `dir` can hold or be a selected directory: it lies at or under a `within` directory, or above one. */
function reaches(dir: string, walk: Walk): boolean {
  if (!walk.within) return true;
  return walk.within.some((base) => under(dir, base) || under(base, dir));
}

function subdirs(dir: string, walk: Walk): string[] | null {
  if (++walk.read > WORKSPACE_DIRS_READ) return null;
  walk.seen?.paths.add(dir);
  let entries: fs.Dirent<Buffer>[];
  try {
    entries = fs.readdirSync(escapedBytes(dir), { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const name = escapedText(entry.name);
    if (!entry.isDirectory() || name === 'node_modules' || name === '.git') continue;
    const child = path.posix.join(dir, name);
    if (reaches(child, walk)) out.push(child);
  }
  return out;
}

/** The directories one glob selects under root (absolute), or null past the bounds. */
function globDirs(root: string, glob: string, walk: Walk): string[] | null {
  const segments = glob.replace(/^\.\//, '').split('/').filter((s) => s !== '' && s !== '.');
  let current = [root];
  for (const segment of segments) {
    const next = new Set<string>();
    if (segment === '**') {
      const stack = [...current];
      for (const dir of current) next.add(dir);
      while (stack.length > 0) {
        const dir = stack.pop() as string;
        const children = subdirs(dir, walk);
        if (children === null) return null;
        for (const child of children) {
          next.add(child);
          stack.push(child);
        }
      }
    } else if (segment === '..') {
      for (const dir of current) if (reaches(path.posix.dirname(dir), walk)) next.add(path.posix.dirname(dir));
    } else {
      const regexp = segmentRegExp(segment);
      for (const dir of current) {
        if (regexp === null) {
          const child = path.posix.join(dir, segment);
          if (!reaches(child, walk)) continue;
          walk.seen?.paths.add(dir);
          try {
            if (fs.statSync(escapedBytes(child)).isDirectory()) next.add(child);
          } catch {
            // not there
          }
          continue;
        }
        const children = subdirs(dir, walk);
        if (children === null) return null;
        for (const child of children) if (regexp.test(path.posix.basename(child))) next.add(child);
      }
    }
    current = [...next];
    if (current.length > WORKSPACE_DIRS_READ) return null;
  }
  return current;
}

/**
 * The package directories of a workspace (DirQuery): every directory a glob selects that holds a
 * package.json, less those a `!glob` selects; node_modules and .git are never entered. With
 * `within`, only those at or under one of its directories, and no directory that can hold none of
 * them is read (vite's `pnpm -r --filter './packages/*'` reads packages/, not playground/**). File
 * system only, no git; null past WORKSPACE_DIRS_READ directories read or WORKSPACE_PACKAGES found.
 * `seen` gets what the answer depends on (ReadTrace): the directories it listed, each package.json
 * found and each one looked for where there was none.
 */
export function listWorkspaceDirs(query: { root: string; globs: string[]; within?: string[] }, seen?: ReadTrace): string[] | null {
  const walk: Walk = { read: 0, ...(seen ? { seen } : {}), ...(query.within ? { within: query.within } : {}) };
  const selected = new Set<string>();
  const excluded = new Set<string>();
  for (const glob of query.globs) {
    const negated = glob.startsWith('!');
    const dirs = globDirs(query.root, negated ? glob.slice(1) : glob, walk);
    if (dirs === null) return null;
    for (const dir of dirs) (negated ? excluded : selected).add(dir);
  }
  const out: string[] = [];
  for (const dir of selected) {
    if (excluded.has(dir) || (walk.within && !walk.within.some((base) => under(dir, base)))) continue;
    const file = path.posix.join(dir, 'package.json');
    try {
      const isFile = fs.statSync(escapedBytes(file)).isFile();
      seen?.paths.add(file);
      if (!isFile) continue;
    } catch {
      seen?.absent.add(file);
      continue;
    }
    out.push(dir);
    if (out.length > WORKSPACE_PACKAGES) return null;
  }
  return out.sort();
}

/** Entries one directory listing may give: past it, unknown (null). */
export const DIR_FILES_LISTED = 2000;

/**
 * The names of the regular files directly in `dir` (absolute, escaped text; EntryLister in
 * src/policy/command/state.ts): a Terraform configuration's `*.tf` files. File system only, no
 * git; 'missing' where there is no directory, null where it cannot be read or holds more than
 * DIR_FILES_LISTED entries. `seen` gets the directory (an entry added or removed changes it).
 */
export function listDirFiles(dir: string, seen?: ReadTrace): string[] | 'missing' | null {
  let entries: fs.Dirent<Buffer>[];
  try {
    entries = fs.readdirSync(escapedBytes(dir), { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
    seen?.absent.add(dir);
    return 'missing';
  }
  if (entries.length > DIR_FILES_LISTED) return null;
  seen?.paths.add(dir);
  // a symlink is listed too (terraform follows it); reading it says what it is
  return entries.filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => escapedText(entry.name));
}

/** Directory levels listFilesBelow goes down (the directory's own files are level 1). */
export const FILES_BELOW_DEPTH = 4;

/**
 * The regular files below `dir` (absolute, escaped text; FilesBelowLister in
 * src/policy/command/state.ts), relative to it with `/` between parts, FILES_BELOW_DEPTH levels
 * deep: Laravel discovers the commands in app/Console/Commands and its subdirectories. File system
 * only, no git; symlinked directories are not followed (a loop, or a tree outside the project).
 * 'missing' where there is no directory, null where one cannot be read or more than
 * DIR_FILES_LISTED entries were met. `seen` gets each directory listed (an entry added or removed
 * in any of them changes the answer).
 */
export function listFilesBelow(dir: string, seen?: ReadTrace): string[] | 'missing' | null {
  const out: string[] = [];
  let met = 0;
  const walk = (abs: string, rel: string, level: number): boolean => {
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(escapedBytes(abs), { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return false;
    }
    met += entries.length;
    if (met > DIR_FILES_LISTED) return false;
    seen?.paths.add(abs);
    for (const entry of entries) {
      const name = escapedText(entry.name);
      if (entry.isFile() || entry.isSymbolicLink()) out.push(rel === '' ? name : `${rel}/${name}`);
      else if (entry.isDirectory() && level < FILES_BELOW_DEPTH && !walk(`${abs}/${name}`, rel === '' ? name : `${rel}/${name}`, level + 1)) return false;
    }
    return true;
  };
  try {
    if (!fs.statSync(escapedBytes(dir)).isDirectory()) {
      seen?.absent.add(dir);
      return 'missing';
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
    seen?.absent.add(dir);
    return 'missing';
  }
  return walk(dir, '', 1) ? out : null;
}
