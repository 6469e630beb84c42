/**
 * What `git worktree remove <path>` (without --force) would delete that git does not refuse over:
 * the ignored files of that linked worktree (git refuses while tracked files are modified or
 * untracked files are there, but never asks about ignored ones, and no snapshot holds them).
 *
 * With the worktree, the commits only it holds (worktree-leaving.ts), for `git worktree remove`
 * and `git worktree prune` alike.
 *
 * Asked only for that command, of the repository the command really targets (where it runs after
 * `-C`, with its `--git-dir`/`--work-tree`/`GIT_DIR=`), which need not be the one guard protects:
 * one `git worktree list --porcelain -z` there to learn which worktree the path names, the way
 * git finds it, then one `ls-files --others --ignored --directory` in it (whole ignored
 * directories such as node_modules collapsed into one line). Paths stay bytes throughout: a
 * worktree, a directory or a path operand that is not UTF-8 is found and listed all the same
 * (text-paths.ts lets git run there).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LeavingCommit, WorktreePruneQuery, WorktreeRemovalQuery } from '../policy/command/state.js';
import { escapedBytes } from '../util/escaped-text.js';
import { runGitSync, splitNulBytes } from './run.js';
import { withTextPaths } from './text-paths.js';
import { leavingCommits } from './worktree-leaving.js';

/** A worktree as `git worktree list --porcelain` records it. */
export interface WorktreeRecord {
  /** Its path (bytes). */
  root: Buffer;
  locked: boolean;
  /** The commit its HEAD names; null on an unborn branch (or where git does not say). */
  head?: string | null;
  /** Its HEAD is detached: no branch holds that commit on its behalf. */
  detached?: boolean;
  /** git reports it `prunable` (its directory is gone, and it is not locked): `git worktree prune` deletes its record. */
  prunable?: boolean;
}

/**
 * Every worktree as git records it, the main worktree first: one `git worktree list` run in `cwd`
 * with `env` (synchronous, for the command guard's state checks; compat.ts has the asynchronous
 * records). Empty where git finds no repository there. git < 2.36 has no -z: lines then (a path
 * holding a newline is misread, and only missed).
 */
export function worktreeRecords(cwd: string, env?: Record<string, string>): WorktreeRecord[] {
  let listed = runGitSync(['worktree', 'list', '--porcelain', '-z'], { cwd, env, okCodes: [128, 129] });
  let fields: string[];
  if (listed.code === 0) fields = splitNulBytes(listed.stdout);
  else {
    listed = runGitSync(['worktree', 'list', '--porcelain'], { cwd, env, okCodes: [128, 129] });
    if (listed.code !== 0) return [];
    fields = listed.stdout.toString('latin1').split('\n');
  }
  // One field per attribute; a record starts with `worktree <path>` (and ends with an empty field).
  const records: WorktreeRecord[] = [];
  for (const field of fields) {
    if (field.startsWith('worktree ')) {
      records.push({ root: Buffer.from(field.slice('worktree '.length), 'latin1'), locked: false, head: null, detached: false, prunable: false });
      continue;
    }
    const record = records[records.length - 1];
    if (!record) continue;
    if (field === 'locked' || field.startsWith('locked ')) record.locked = true;
    else if (field === 'prunable' || field.startsWith('prunable ')) record.prunable = true;
    else if (field === 'detached') record.detached = true;
    // An unborn branch shows the null oid.
    else if (field.startsWith('HEAD ')) record.head = /^0+$/.test(field.slice(5)) ? null : field.slice(5);
  }
  return records;
}

/** Every worktree's path as git records it (bytes), the main worktree first (worktreeRecords). */
export function worktreeRoots(cwd: string, env?: Record<string, string>): Buffer[] {
  return worktreeRecords(cwd, env).map((record) => record.root);
}

/** The real path, bytes in and out (the native call: fs.realpathSync decodes a Buffer as UTF-8 and so loses a byte like 0xff). */
function realBytes(p: Buffer): Buffer | null {
  try {
    return fs.realpathSync.native(p, { encoding: 'buffer' });
  } catch {
    return null;
  }
}

/**
 * The real path as git's strbuf_realpath reads it for a worktree: the last component may be
 * missing (a worktree whose directory was deleted is still found by its path).
 */
function realBytesForgiving(p: Buffer): Buffer | null {
  const real = realBytes(p);
  if (real) return real;
  const slash = p.lastIndexOf(0x2f);
  if (slash < 0 || slash === p.length - 1) return null;
  const parent = realBytes(slash === 0 ? Buffer.from('/') : p.subarray(0, slash));
  if (!parent) return null;
  return Buffer.concat([parent, parent.equals(Buffer.from('/')) ? Buffer.alloc(0) : Buffer.from('/'), p.subarray(slash + 1)]);
}

function isDirectory(p: Buffer): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The worktree `arg` names, as git's find_worktree reads it: first the one worktree whose path ends
 * with `arg` at a directory boundary (`git worktree remove wt` works from anywhere when only one
 * worktree path ends in `/wt`), then the one whose real path is `arg`'s, resolved against `cwd`
 * (the last component may be missing on either side, as for git: a worktree deleted by hand).
 * `byPath`: the real path only, as `git worktree add` looks for a registered worktree there.
 */
function namedWorktree(records: WorktreeRecord[], cwd: string, arg: string, byPath = false): WorktreeRecord | undefined {
  const suffix = escapedBytes(arg);
  if (suffix.length > 0 && !byPath) {
    const bySuffix = records.filter(({ root: p }) => {
      const start = p.length - suffix.length;
      return (start === 0 || (start > 0 && p[start - 1] === 0x2f)) && p.subarray(start).equals(suffix);
    });
    if (bySuffix.length === 1) return bySuffix[0];
  }
  const wanted = realBytesForgiving(escapedBytes(path.posix.resolve(cwd, arg)));
  if (!wanted) return undefined;
  return records.find(({ root: p }) => realBytesForgiving(p)?.equals(wanted) ?? false);
}

/**
 * `use` run with the place git runs in for `query` (where, after `-C`; its `--git-dir` and
 * `--work-tree`), as text a child process can be given (withTextPaths); null where that
 * directory is not there (git fails to start).
 */
function inTargetRepository<T>(query: WorktreeRemovalQuery | WorktreePruneQuery, use: (cwd: string, env: Record<string, string>) => T): T | null {
  const cwd = escapedBytes(query.cwd);
  if (!isDirectory(cwd)) return null;
  const place = [cwd, ...[query.gitDir, query.workTree].filter((p): p is string => p !== undefined).map(escapedBytes)];
  return withTextPaths(place, ([dir, ...redirected]) => {
    const env: Record<string, string> = {};
    let next = 0;
    if (query.gitDir !== undefined) env.GIT_DIR = redirected[next++] as string;
    if (query.workTree !== undefined) env.GIT_WORK_TREE = redirected[next++] as string;
    return use(dir as string, env);
  });
}

/** The linked worktree a `git worktree remove` takes (removedWorktree). */
export interface RemovedWorktree extends WorktreeRecord {
  /** Its directory is not there (deleted by hand): git removes only its record, and nothing is in it to list. */
  gone: boolean;
  /** Asked for (`query.keep`): the commits only it holds (leavingCommits). */
  leaving?: LeavingCommit[];
}

/**
 * The linked worktree the `git worktree remove` of `query` would remove, in the repository it
 * targets (its root as bytes, whether it is locked: git then refuses unless --force is given
 * twice, and whether its directory is gone: git then deletes its record all the same); null where
 * git would not remove a worktree (no repository there, the main worktree, none by that name).
 * With `query.keep`, also the commits only that worktree holds.
 */
export function removedWorktree(query: WorktreeRemovalQuery): RemovedWorktree | null {
  return inTargetRepository(query, (dir, env): RemovedWorktree | null => {
    const records = worktreeRecords(dir, env);
    // git resolves a relative operand against the directory it runs in, work tree given or not
    // (`worktree` does not move to the top of the work tree first).
    const found = namedWorktree(records, query.cwd, query.arg, query.byPath);
    // git refuses to remove the main worktree.
    if (!found || found === records[0]) return null;
    const removed: RemovedWorktree = { ...found, gone: !isDirectory(found.root) };
    // `add` replaces only a worktree whose directory is gone: nothing to ask of any other.
    if (query.keep && !(query.byPath && !removed.gone)) removed.leaving = leavingCommits(dir, env, [found]);
    return removed;
  });
}

/**
 * The linked worktrees `git worktree prune` of `query` deletes the records of (the ones git lists
 * `prunable`: directory gone, not locked; a `--expire` may spare some, which are kept all the
 * same), with the commits only they hold where `query.keep` asks; null where git cannot be asked.
 */
export function prunedWorktrees(query: WorktreePruneQuery): { roots: Buffer[]; leaving: LeavingCommit[] } | null {
  return inTargetRepository(query, (dir, env) => {
    const pruned = worktreeRecords(dir, env).filter((record, i) => i > 0 && record.prunable && !record.locked);
    return { roots: pruned.map((record) => record.root), leaving: query.keep ? leavingCommits(dir, env, pruned) : [] };
  });
}

/** The listing of every ignored entry of a worktree, whole ignored directories collapsed (`dir/`). */
export const IGNORED_IN_WORKTREE = ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'];

/**
 * The ignored entries of the worktree at `root` (the text git can be run in: withTextPaths), as
 * latin1 byte strings relative to it, whole ignored directories ending in `/`; null where git
 * cannot list them.
 */
export function ignoredInWorktree(root: string): string[] | null {
  const listed = runGitSync(IGNORED_IN_WORKTREE, { cwd: root, okCodes: [128] });
  if (listed.code !== 0) return null;
  return [...new Set(splitNulBytes(listed.stdout))];
}

/**
 * What `git worktree remove --force` deletes in the worktree at `root` (the text git can be run
 * in) beyond its ignored files: the paths whose state is not HEAD's, staged or not (modified,
 * added, deleted, renamed, conflicted) and the untracked files (a wholly untracked directory as one
 * `dir/`), as latin1 byte strings relative to the root, from one `git status --porcelain=v2 -z`
 * (submodules' own changes included: --force takes those too); null where git cannot list them.
 */
export function changesInWorktree(root: string): string[] | null {
  const listed = runGitSync(['status', '--porcelain=v2', '-z', '--untracked-files=normal', '--ignore-submodules=none'], { cwd: root, okCodes: [128] });
  if (listed.code !== 0) return null;
  const fields = splitNulBytes(listed.stdout);
  const changed: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    // `1 XY sub mH mI mW hH hI path`, `2 XY sub mH mI mW hH hI Xscore path` + the original path in
    // the next field, `u XY sub m1 m2 m3 mW h1 h2 h3 path`, `? path`; `!` (ignored) is not asked for.
    const kind = field[0];
    if (kind === '?') changed.push(field.slice(2));
    else if (kind === '1') changed.push(afterSpaces(field, 8));
    else if (kind === '2') {
      changed.push(afterSpaces(field, 9));
      i++;
    } else if (kind === 'u') changed.push(afterSpaces(field, 10));
  }
  return changed;
}

/** The rest of `field` after its first `count` spaces (a path may hold spaces itself). */
function afterSpaces(field: string, count: number): string {
  let at = -1;
  for (let n = 0; n < count; n++) at = field.indexOf(' ', at + 1);
  return field.slice(at + 1);
}
