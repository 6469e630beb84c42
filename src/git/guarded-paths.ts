/**
 * What a git path command would take away or change among its pathspecs, for the agent hook to
 * see whether guard's own files or protected paths are among them (git.ts: guardedPathspecs).
 * One git process over every pathspec the classifier kept, git's own pathspec matching (magic,
 * wildcards, `.`, directories), never one per file:
 *  - `git rm`: `ls-files`, the tracked files it matches (git rm only acts on tracked files; a
 *    directory stands for the tracked files under it);
 *  - `git checkout [<tree-ish>] -- <pathspec>` and `git restore [--source=X] <pathspec>`:
 *    `diff --name-only` of the source (the index, or the tree-ish) against the working tree (or
 *    against the index for `--staged`), the files whose content would change. Files the source
 *    lacks are deleted by restore (no-overlay) and left alone by checkout (overlay), so for
 *    checkout they are left out (`--diff-filter=a`).
 * A pathspec asked for only where it is a directory (`ifDir`) is dropped after one lstat where it
 * is not: then, with nothing left, no git process runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { GuardedPathsQuery } from '../policy/command/state.js';
import { escapedBytes } from '../util/escaped-text.js';
import { commandLinePathspecs } from './path.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';

function isDirectory(abs: string): boolean {
  try {
    return fs.lstatSync(escapedBytes(abs)).isDirectory();
  } catch {
    return false;
  }
}

/** The files (repo-relative, latin1 byte strings) the command takes or changes; null where git cannot say. */
export function guardedPaths(repo: Repo, query: GuardedPathsQuery): string[] | null {
  const typed = query.specs.filter((s) => !s.ifDir || isDirectory(path.resolve(query.cwd, s.spec))).map((s) => s.spec);
  if (typed.length === 0) return [];
  const asked = commandLinePathspecs(repo.root, query.cwd, typed);
  if (!asked) return null;
  const diff = query.diff;
  const args = diff
    ? ['diff', '--name-only', '-z', '--no-relative', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules', ...(diff.cached ? ['--cached'] : []), ...(diff.overlay ? ['--diff-filter=a'] : []), ...(diff.from !== null ? [diff.from] : []), '--', ...asked.pathspecs]
    : ['ls-files', '-z', '--full-name', '--', ...asked.pathspecs];
  let listed;
  try {
    listed = runGitSync(args, { cwd: query.cwd, okCodes: [128] });
  } catch {
    return null;
  }
  if (listed.code !== 0) return null;
  return [...new Set(splitNulBytes(listed.stdout))].filter(asked.keep);
}
