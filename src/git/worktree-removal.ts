/**
 * What `git worktree remove <path>` (without --force) would delete that git does not refuse over:
 * the ignored files of that linked worktree (git refuses while tracked files are modified or
 * untracked files are there, but never asks about ignored ones, and no snapshot holds them).
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
import type { WorktreeRemovalQuery } from '../policy/command/state.js';
import { escapedBytes } from '../util/escaped-text.js';
import { runGitSync, splitNulBytes } from './run.js';
import { withTextPaths } from './text-paths.js';

/**
 * Every worktree's path as git records it (bytes), the main worktree first: one `git worktree
 * list` run in `cwd` with `env` (synchronous, for the command guard's state checks; compat.ts has
 * the asynchronous records). Empty where git finds no repository there. git < 2.36 has no -z:
 * lines then (a path holding a newline is misread, and only missed).
 */
export function worktreeRoots(cwd: string, env?: Record<string, string>): Buffer[] {
  let listed = runGitSync(['worktree', 'list', '--porcelain', '-z'], { cwd, env, okCodes: [128, 129] });
  let records: string[];
  if (listed.code === 0) records = splitNulBytes(listed.stdout);
  else {
    listed = runGitSync(['worktree', 'list', '--porcelain'], { cwd, env, okCodes: [128, 129] });
    if (listed.code !== 0) return [];
    records = listed.stdout.toString('latin1').split('\n');
  }
  return records.filter((record) => record.startsWith('worktree ')).map((record) => Buffer.from(record.slice('worktree '.length), 'latin1'));
}

/** The real path, bytes in and out (the native call: fs.realpathSync decodes a Buffer as UTF-8 and so loses a byte like 0xff). */
function realBytes(p: Buffer): Buffer | null {
  try {
    return fs.realpathSync.native(p, { encoding: 'buffer' });
  } catch {
    return null;
  }
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
 * worktree path ends in `/wt`), then the one whose real path is `arg`'s, resolved against `cwd`.
 */
function namedWorktree(paths: Buffer[], cwd: string, arg: string): Buffer | undefined {
  const suffix = escapedBytes(arg);
  if (suffix.length > 0) {
    const bySuffix = paths.filter((p) => {
      const start = p.length - suffix.length;
      return (start === 0 || (start > 0 && p[start - 1] === 0x2f)) && p.subarray(start).equals(suffix);
    });
    if (bySuffix.length === 1) return bySuffix[0];
  }
  const wanted = realBytes(escapedBytes(path.posix.resolve(cwd, arg)));
  if (!wanted) return undefined;
  return paths.find((p) => realBytes(p)?.equals(wanted) ?? false);
}

/**
 * The root (bytes) of the linked worktree the `git worktree remove` of `query` would remove, in
 * the repository it targets; null where git would not remove a worktree (no repository there,
 * the main worktree, none by that name).
 */
export function removedWorktree(query: WorktreeRemovalQuery): Buffer | null {
  const cwd = escapedBytes(query.cwd);
  if (!isDirectory(cwd)) return null;
  const place = [cwd, ...[query.gitDir, query.workTree].filter((p): p is string => p !== undefined).map(escapedBytes)];
  const paths = withTextPaths(place, ([dir, ...redirected]) => {
    const env: Record<string, string> = {};
    let next = 0;
    if (query.gitDir !== undefined) env.GIT_DIR = redirected[next++] as string;
    if (query.workTree !== undefined) env.GIT_WORK_TREE = redirected[next++] as string;
    return worktreeRoots(dir as string, env);
  });
  // git resolves a relative operand against the directory it runs in, work tree given or not
  // (`worktree` does not move to the top of the work tree first).
  const found = namedWorktree(paths, query.cwd, query.arg);
  // git refuses to remove the main worktree.
  if (!found || found.equals(paths[0] as Buffer) || !isDirectory(found)) return null;
  return found;
}

/**
 * The ignored entries of the worktree at `root` (the text git can be run in: withTextPaths), as
 * latin1 byte strings relative to it, whole ignored directories ending in `/`; null where git
 * cannot list them.
 */
export function ignoredInWorktree(root: string): string[] | null {
  const listed = runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: root, okCodes: [128] });
  if (listed.code !== 0) return null;
  return [...new Set(splitNulBytes(listed.stdout))];
}
