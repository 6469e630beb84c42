/**
 * What `git worktree remove <path>` (without --force) would delete that git does not refuse over:
 * the ignored files of that linked worktree (git refuses while tracked files are modified or
 * untracked files are there, but never asks about ignored ones, and no snapshot holds them).
 *
 * Asked only for that command: one `git worktree list --porcelain -z` to learn which worktree the
 * path names, the way git finds it, then one `ls-files --others --ignored --directory` in it
 * (whole ignored directories such as node_modules collapsed into one line).
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapedBytes, escapedText } from '../util/escaped-text.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';

/**
 * Every worktree's path as git records it (bytes), the main worktree first: one `git worktree
 * list` (synchronous, for the command guard's state checks; compat.ts has the asynchronous
 * records). git < 2.36 has no -z: lines then (a path holding a newline is misread, and only missed).
 */
export function worktreeRoots(repo: Repo): Buffer[] {
  let listed = runGitSync(['worktree', 'list', '--porcelain', '-z'], { cwd: repo.root, okCodes: [128, 129] });
  let records: string[];
  if (listed.code === 0) records = splitNulBytes(listed.stdout);
  else {
    listed = runGitSync(['worktree', 'list', '--porcelain'], { cwd: repo.root, okCodes: [128, 129] });
    if (listed.code !== 0) return [];
    records = listed.stdout.toString('latin1').split('\n');
  }
  return records.filter((record) => record.startsWith('worktree ')).map((record) => Buffer.from(record.slice('worktree '.length), 'latin1'));
}

function realBytes(p: Buffer): Buffer | null {
  try {
    return fs.realpathSync(p, { encoding: 'buffer' });
  } catch {
    return null;
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
 * The root (escaped text) of the linked worktree `git worktree remove <arg>`, run in `cwd`, would
 * remove, and its ignored entries (latin1 byte strings relative to that root, whole ignored
 * directories ending in `/`); null where git would not remove a worktree (the main one, none by
 * that name) or guard cannot look (a path Node cannot use as a working directory).
 */
export function ignoredInRemovedWorktree(repo: Repo, cwd: string, arg: string): { root: string; entries: string[] } | null {
  const paths = worktreeRoots(repo);
  const found = namedWorktree(paths, cwd, arg);
  // git refuses to remove the main worktree.
  if (!found || found.equals(paths[0] as Buffer)) return null;
  const root = escapedText(found);
  if (/[\udc80-\udcff]/.test(root) || !fs.existsSync(found)) return null;
  const listed = runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: root, okCodes: [128] });
  if (listed.code !== 0) return null;
  return { root, entries: [...new Set(splitNulBytes(listed.stdout))] };
}
