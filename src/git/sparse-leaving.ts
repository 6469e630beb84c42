/**
 * The ignored files a `git sparse-checkout set|add|reapply|init` would delete, read from the
 * repository as it is before the command. In cone mode git, after taking the tracked files that
 * leave the view off the disk, removes each directory outside the cone that is still there
 * unless it holds an untracked file that is not ignored (builtin/sparse-checkout.c,
 * clean_tracked_sparse_directories): its ignored files (build output, `.env.local`, caches) go
 * with it, and no snapshot holds them. Checked on git 2.39 and 2.47.
 *
 * Which directories: git collapses the index into a sparse one and removes the sparse directory
 * entries, the topmost tracked directories that are neither in the cone nor a parent of a cone
 * directory, holding no submodule and no unmerged entry. Here the same from `ls-files --stage`
 * and the new cone. git also keeps a directory one of whose tracked files is modified (it stays
 * on the disk); that is not read here, so the answer may be larger than what git deletes, never
 * smaller. Where the cone cannot be known (`--stdin`, a word guard cannot see, a pattern file
 * that does not parse), it is taken as the root alone, the largest deletion.
 *
 * Processes: `git config` (only when the command line does not name the mode), one
 * `ls-files --stage`; then, only when such a directory is on the disk, one listing of untracked
 * files and one of ignored ones under those directories (path-facts.ts lists the files of the
 * ignored directories to capture). Paths are git's bytes as latin1 strings throughout.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SparseCheckoutQuery } from '../policy/command/state.js';
import { escapedBytes } from '../util/escaped-text.js';
import { bytewiseGlobUnder, isTextPath, type GitPath } from './path.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';

/** The cone: directories included with everything under them, and their parents (whose own files are included). */
export interface Cone {
  recursive: Set<string>;
  parents: Set<string>;
}

export interface SparseLeaving {
  /** git applies cone patterns, so it removes directories of ignored files. */
  cone: boolean;
  /** Ignored entries (`ls-files --directory`: whole ignored directories end with `/`) in the directories git removes. */
  ignored: string[];
}

const NOTHING: SparseLeaving = { cone: false, ignored: [] };

/** core.sparseCheckout and core.sparseCheckoutCone as git reads them here (one `git config`). */
function sparseConfig(repo: Repo): { on: boolean; cone: boolean } {
  const listed = runGitSync(['config', '-z', '--type=bool', '--get-regexp', '^core\\.sparsecheckout(cone)?$'], { cwd: repo.root, okCodes: [1] });
  const config = { on: false, cone: false };
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    const eol = record.indexOf('\n');
    if (eol < 0) continue;
    const value = record.slice(eol + 1) === 'true';
    if (record.slice(0, eol).toLowerCase() === 'core.sparsecheckout') config.on = value;
    else config.cone = value;
  }
  return config;
}

/** Whether git runs the command in cone mode (git's update_modes), and whether it runs at all (null: it refuses). */
function coneMode(repo: Repo, query: SparseCheckoutQuery): boolean | null {
  if (query.cone !== null) return query.cone;
  const config = sparseConfig(repo);
  // add and reapply refuse outside a sparse checkout.
  if (!config.on) return query.action === 'add' || query.action === 'reapply' ? null : true;
  return config.cone;
}

/** Cone patterns are written with glob characters escaped (`\*`): the name itself. */
function unescape(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1');
}

/**
 * The cone a pattern file describes (latin1), or null when it is not cone patterns (git then
 * warns and stops matching by cone). The shapes git writes: `/*`, `!/*\/`, `/dir/` for a
 * directory, `!/dir/*\/` after it for a parent.
 */
export function parseCone(content: string): Cone | null {
  const cone: Cone = { recursive: new Set(), parents: new Set() };
  const dirs: string[] = [];
  for (const raw of content.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/(?<!\\)[ \t]+$/, '');
    if (line === '' || line.startsWith('#') || line === '/*' || line === '!/*/') continue;
    const parent = /^!\/(.+)\/\*\/$/.exec(line);
    if (parent) {
      cone.parents.add(unescape(parent[1] as string));
      continue;
    }
    const dir = /^\/(.+)\/$/.exec(line);
    if (!dir || /(?<!\\)[*?[]/.test(dir[1] as string)) return null;
    dirs.push(unescape(dir[1] as string));
  }
  for (const dir of dirs) if (!cone.parents.has(dir)) cone.recursive.add(dir);
  return cone;
}

function readPatterns(repo: Repo): string | null {
  try {
    return fs.readFileSync(path.join(repo.gitDir, 'info', 'sparse-checkout')).toString('latin1');
  } catch {
    return null;
  }
}

/** The command's directories as git's cone code takes them (trimmed, normalized, under the directory it runs in); a name git would refuse is left out. */
function coneDirs(repo: Repo, query: SparseCheckoutQuery): string[] {
  const root = repo.root.replace(/\/+$/, '');
  const prefix = query.cwd === root ? '' : query.cwd.startsWith(`${root}/`) ? query.cwd.slice(root.length + 1) : null;
  if (prefix === null) return [];
  const out: string[] = [];
  for (const arg of query.dirs ?? []) {
    // strbuf_trim: ASCII white space only.
    const trimmed = arg.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '').replace(/\/+$/, '');
    if (trimmed === '') continue;
    const joined = path.posix.normalize(trimmed.startsWith('/') ? trimmed : path.posix.join(prefix, trimmed)).replace(/^\/+/, '');
    if (joined === '.' || joined === '..' || joined.startsWith('../')) continue;
    out.push(escapedBytes(joined).toString('latin1'));
  }
  return out;
}

/** The cone after the command; the root alone where it cannot be known. */
function newCone(repo: Repo, query: SparseCheckoutQuery): Cone {
  const cone: Cone = { recursive: new Set(), parents: new Set() };
  if (query.action !== 'set') {
    const content = readPatterns(repo);
    const existing = content === null ? null : parseCone(content);
    if (existing) {
      for (const dir of existing.recursive) cone.recursive.add(dir);
      for (const dir of existing.parents) cone.parents.add(dir);
    }
  }
  if (query.action === 'set' || query.action === 'add') {
    for (const dir of coneDirs(repo, query)) {
      cone.recursive.add(dir);
      for (let i = dir.indexOf('/'); i >= 0; i = dir.indexOf('/', i + 1)) cone.parents.add(dir.slice(0, i));
    }
  }
  return cone;
}

interface IndexEntry {
  path: string;
  /** A submodule or an unmerged entry: git keeps the directories above it as they are. */
  blocks: boolean;
}

/** The topmost directory of `file` outside the cone (not a cone directory, not a parent, not blocked); null when the file is in the cone's reach. */
function outsideDir(file: string, cone: Cone, blocked: Set<string>): string | null {
  for (let i = file.indexOf('/'); i >= 0; i = file.indexOf('/', i + 1)) {
    const dir = file.slice(0, i);
    if (cone.recursive.has(dir)) return null;
    if (cone.parents.has(dir) || blocked.has(dir)) continue;
    return dir;
  }
  return null;
}

/** The directories git turns into sparse directory entries (the ones it may remove), as `dir/`. */
export function sparseDirectories(entries: IndexEntry[], cone: Cone): string[] {
  const blocked = new Set<string>();
  for (;;) {
    const dirs = new Map<string, boolean>();
    for (const entry of entries) {
      const dir = outsideDir(entry.path, cone, blocked);
      if (dir !== null) dirs.set(dir, (dirs.get(dir) ?? false) || entry.blocks);
    }
    const newlyBlocked = [...dirs].filter(([, blocks]) => blocks).map(([dir]) => dir);
    if (newlyBlocked.length === 0) return [...dirs.keys()].map((dir) => `${dir}/`);
    for (const dir of newlyBlocked) blocked.add(dir);
  }
}

function indexEntries(repo: Repo): IndexEntry[] {
  const listed = runGitSync(['ls-files', '-z', '--stage'], { cwd: repo.root });
  const entries: IndexEntry[] = [];
  for (const record of splitNulBytes(listed.stdout)) {
    // `<mode> <oid> <stage>\t<path>`
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , stage] = record.slice(0, tab).split(' ');
    entries.push({ path: record.slice(tab + 1), blocks: mode === '160000' || stage !== '0' });
  }
  return entries;
}

/** A pathspec for everything under `dir` (ends with `/`): literal text, or a bytewise glob for a name that is not UTF-8. */
function under(dir: string): string {
  const bare = dir.slice(0, -1) as GitPath;
  return isTextPath(bare) ? `:(literal)${Buffer.from(bare, 'latin1').toString('utf8')}` : bytewiseGlobUnder(bare);
}

/** Output entries of a listing that lie under one of `dirs` (a bytewise glob may match more). */
function listedUnder(args: string[], repo: Repo, dirs: string[]): string[] {
  const listed = runGitSync([...args, '--', ...dirs.map(under)], { cwd: repo.root });
  return [...new Set(splitNulBytes(listed.stdout))].filter((entry) => dirs.some((dir) => entry.startsWith(dir)));
}

export function sparseLeaving(repo: Repo, query: SparseCheckoutQuery): SparseLeaving {
  const cone = coneMode(repo, query);
  if (cone !== true) return NOTHING;
  const root = repo.root.replace(/\/+$/, '');
  const onDisk = sparseDirectories(indexEntries(repo), newCone(repo, query)).filter((dir) => {
    try {
      return fs.lstatSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from(dir.slice(0, -1), 'latin1')])).isDirectory();
    } catch {
      return false;
    }
  });
  if (onDisk.length === 0) return { cone: true, ignored: [] };
  // git keeps a directory holding an untracked file that is not ignored (it warns instead).
  const untracked = listedUnder(['ls-files', '-z', '--others', '--exclude-standard'], repo, onDisk);
  const removed = onDisk.filter((dir) => !untracked.some((entry) => entry.startsWith(dir)));
  if (removed.length === 0) return { cone: true, ignored: [] };
  return { cone: true, ignored: listedUnder(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], repo, removed) };
}
