/**
 * Where a repository lives, as git reports it. We never look for `.git` ourselves: linked
 * worktrees, submodules, GIT_DIR and `--separate-git-dir` all move it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { requireMinimumGit } from './compat.js';
import { runGit } from './run.js';

export interface Repo {
  /** Top of the working tree (absolute). */
  root: string;
  /** This worktree's git dir (absolute): `.git` or `.git/worktrees/<name>`. */
  gitDir: string;
  /** The common git dir shared by all worktrees (absolute). */
  commonDir: string;
  /** Index file of this worktree (absolute; honours GIT_INDEX_FILE). */
  indexFile: string;
  /** True for a linked worktree (`git worktree add`). */
  isLinkedWorktree: boolean;
}

export async function openRepo(cwd: string): Promise<Repo> {
  const result = await runGit(
    [
      'rev-parse',
      // Absolute paths whatever the cwd (git >= 2.31).
      '--path-format=absolute',
      '--show-toplevel',
      '--git-dir',
      '--git-common-dir',
      '--git-path',
      'index',
    ],
    { cwd, okCodes: [128] },
  ).catch((error: unknown) => {
    // Node names directories with UTF-8 text only: a directory whose path is not UTF-8 reads back
    // with U+FFFD and cannot be the working directory of a process guard starts.
    const notText = cwd.includes('\ufffd');
    throw new GuardError('user', `cannot read the repository at ${cwd}`, {
      cause: error,
      hints: notText ? ['The path of this directory is not UTF-8 text, which guard (Node) cannot use as a working directory: move the repository or worktree to a path that is (`git worktree move`, `mv`). git hooks that need guard refuse here meanwhile.'] : [],
    });
  });
  if (result.code !== 0) {
    const stderr = result.stderr.trim();
    if (/not a git repository/i.test(stderr)) {
      throw new GuardError('user', `not inside a git repository: ${cwd}`, {
        hints: ['Run guard inside a git working tree.'],
        // The CLI looks for a backup of this directory (after `rm -rf .git`) and points at `guard recover`.
        details: { notARepository: cwd },
      });
    }
    if (/this operation must be run in a work tree/i.test(stderr) || /--show-toplevel/.test(stderr)) {
      throw new GuardError('user', `${cwd} is not a working tree (a bare repository?)`, {
        hints: ['guard protects working trees; for a bare server repository use `guard server install`.'],
      });
    }
    throw new GuardError('git', `git rev-parse failed in ${cwd}: ${stderr}`);
  }
  let lines = result.stdout.toString('utf8').split('\n');
  if (lines.length > 5) {
    // A path holding a newline (a worktree named "a\nb"): rev-parse's answers are line-based, so
    // ask for each value on its own and drop only the final newline (the rare case pays 4 calls).
    const one = async (args: string[]): Promise<string> => (await runGit(['rev-parse', '--path-format=absolute', ...args], { cwd })).stdout.toString('utf8').replace(/\n$/, '');
    lines = await Promise.all([one(['--show-toplevel']), one(['--git-dir']), one(['--git-common-dir']), one(['--git-path', 'index'])]);
  }
  const [root, gitDir, commonDir, indexFile] = lines;
  // git before 2.31 echoes the option it does not know and prints relative paths.
  if (![root, gitDir, commonDir, indexFile].every((line) => line && path.isAbsolute(line))) await requireMinimumGit();
  if (!root || !gitDir || !commonDir || !indexFile) {
    throw new GuardError('user', `${cwd} is not inside a git working tree`, {
      hints: ['Run guard inside a git working tree.'],
    });
  }
  return repoFromPaths(root, gitDir, commonDir, indexFile);
}

function repoFromPaths(root: string, gitDir: string, commonDir: string, indexFile: string): Repo {
  return { root, gitDir, commonDir, indexFile, isLinkedWorktree: path.resolve(gitDir) !== path.resolve(commonDir) };
}

/**
 * False once the repository's git dir is gone (`rm -rf .git`), even when a guard process that was
 * writing into it at that moment left `.git/guard/...` behind: without HEAD git no longer takes the
 * directory for a repository, and only the backup (`guard recover`) can bring it back.
 */
/**
 * The working tree of the repository that has `repo` as a submodule (git's answer, absolute), or
 * null when it is none's.
 */
export async function superprojectOf(repo: Repo): Promise<string | null> {
  const result = await runGit(['rev-parse', '--show-superproject-working-tree'], { cwd: repo.root, okCodes: [128] });
  const top = result.code === 0 ? result.stdout.toString('utf8').replace(/\n$/, '') : '';
  return top === '' ? null : top;
}

export function gitDirIntact(repo: Repo): boolean {
  return fs.existsSync(path.join(repo.gitDir, 'HEAD'));
}

/** Absolute path of a file guard keeps for this worktree (under the worktree's git dir). */
export function guardPath(repo: Repo, ...parts: string[]): string {
  return path.join(repo.gitDir, 'guard', ...parts);
}

/** Absolute path of a file guard shares between all worktrees (under the common git dir). */
export function guardCommonPath(repo: Repo, ...parts: string[]): string {
  return path.join(repo.commonDir, 'guard', ...parts);
}

/**
 * The Repo that openRepo would return, from the output of the same `git rev-parse
 * --path-format=absolute --show-toplevel --git-dir --git-common-dir --git-path index` run by a
 * trusted caller in the same directory and environment (hooks/agent-hook.sh runs it in sh, where it
 * is cheaper than spawning git from Node). Null unless it is exactly four absolute paths: the
 * caller then asks git itself with openRepo.
 */
export function repoFromRevParse(stdout: string): Repo | null {
  const lines = stdout.replace(/\n$/, '').split('\n');
  if (lines.length !== 4 || !lines.every((line) => line !== '' && path.isAbsolute(line))) return null;
  const [root, gitDir, commonDir, indexFile] = lines as [string, string, string, string];
  return repoFromPaths(root, gitDir, commonDir, indexFile);
}
