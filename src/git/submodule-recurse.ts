/**
 * Whether git's own configuration makes a discard (`git reset --hard`, `checkout -f`, `switch
 * --discard-changes`, `restore`) recurse into submodules: `submodule.recurse` true in the
 * repository's, the worktree's, the global or the system config. git then discards the
 * submodules' uncommitted work too, which no snapshot holds (it records only their commits).
 *
 * Asked only for such a command, and with a git process only where there are submodules to
 * recurse into: a `.gitmodules` in the working tree, or submodule repositories under the common
 * git dir's `modules/` (where git keeps every submodule it clones; there even when `.gitmodules`
 * was deleted from the working tree, which git then reads from the index). A repository with
 * neither costs two lstat calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from './repo.js';
import { runGitSync } from './run.js';

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** A `.gitmodules` in the working tree, or submodule repositories under the common git dir's `modules/`: two lstat calls. */
export function hasSubmodules(repo: Repo): boolean {
  return exists(path.join(repo.root, '.gitmodules')) || exists(path.join(repo.commonDir, 'modules'));
}

export function configRecursesSubmodules(repo: Repo): boolean {
  if (!hasSubmodules(repo)) return false;
  // Exit 1: not set. A value that is not a boolean (exit 128) makes the command itself fail
  // (git dies reading it), so it discards nothing.
  const read = runGitSync(['config', '--type=bool', '--get', 'submodule.recurse'], { cwd: repo.root, okCodes: [1, 128] });
  return read.code === 0 && read.stdout.toString('utf8').trim() === 'true';
}
