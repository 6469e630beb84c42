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

/**
 * The `--git-path` names guard asks for in one command: the markers of an operation in progress
 * and the files of its state (snapshot/repo-state.ts, operation-state.ts), and this worktree's
 * sparse-checkout pattern file (sparse-state.ts, restore/sparse-restore.ts). openRepo asks them
 * with the repository's own paths (the same process), so a command reads them without a process
 * of its own; gitPaths answers the others once.
 */
const PRELOADED_GIT_PATHS = [
  'rebase-merge',
  'rebase-apply/applying',
  'rebase-apply',
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'BISECT_LOG',
  'MERGE_MSG',
  'sequencer',
  'info/sparse-checkout',
  'REBASE_HEAD',
  'ORIG_HEAD',
  'MERGE_AUTOSTASH',
  'MERGE_MODE',
  // Where git keeps the linked worktrees' records (restore/plan.ts: no `git worktree list` without them).
  'worktrees',
] as const;

/**
 * `git rev-parse --git-path` answers (absolute) and the object format, per repository (its git
 * dirs) for the life of the process. They follow from the git dir, the common dir and the
 * process's environment, none of which a guard process changes: a rollback asked the same 15
 * paths up to five times (three of them in a process of their own). The ref format is not kept
 * here: `git refs migrate` (git >= 2.46) changes it under a long-lived process (the watcher).
 */
interface PathMemo {
  paths: Map<string, string>;
  objectFormat?: 'sha1' | 'sha256';
}
const pathMemos = new Map<string, PathMemo>();
const memoKey = (repo: Repo): string => `${repo.gitDir}\0${repo.commonDir}`;

function memoOf(repo: Repo): PathMemo {
  let memo = pathMemos.get(memoKey(repo));
  if (!memo) pathMemos.set(memoKey(repo), (memo = { paths: new Map() }));
  return memo;
}

/** Keeps git's answers to `--git-path <name>` for each of `names` (absolute paths, in order), as a caller read them along with something else. */
export function rememberGitPaths(repo: Repo, names: readonly string[], answers: readonly string[]): void {
  if (answers.length < names.length || !names.every((_, i) => answers[i] && path.isAbsolute(answers[i]!))) return;
  const memo = memoOf(repo);
  names.forEach((name, i) => memo.paths.set(name, answers[i]!));
}

/** The paths this process knows already for all of `names`, or null when one is not known. */
export function knownGitPaths(repo: Repo, names: readonly string[]): string[] | null {
  const memo = pathMemos.get(memoKey(repo));
  if (!memo) return null;
  const out: string[] = [];
  for (const name of names) {
    const known = memo.paths.get(name);
    if (known === undefined) return null;
    out.push(known);
  }
  return out;
}

/**
 * `git rev-parse --path-format=absolute --git-path <name>` for each name, and the object format:
 * from what this process knows, else one rev-parse for all of them (remembered).
 */
export async function gitPaths(repo: Repo, names: readonly string[]): Promise<{ paths: string[]; objectFormat: 'sha1' | 'sha256' }> {
  const known = knownGitPaths(repo, names);
  const format = pathMemos.get(memoKey(repo))?.objectFormat;
  if (known && format) return { paths: known, objectFormat: format };
  const { stdout } = await runGit(['rev-parse', '--path-format=absolute', ...names.flatMap((name) => ['--git-path', name]), '--show-object-format'], { cwd: repo.root });
  const lines = stdout.toString('utf8').split('\n');
  const objectFormat = lines[names.length]?.trim() === 'sha256' ? 'sha256' : 'sha1';
  // A git dir whose path holds a newline gives more lines than names: used as read (as before), not remembered.
  if (lines.length === names.length + 2) {
    rememberGitPaths(repo, names, lines);
    memoOf(repo).objectFormat = objectFormat;
  }
  return { paths: names.map((_, i) => lines[i]!), objectFormat };
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
      // Remembered for this process (gitPaths): same process, no other.
      '--show-object-format',
      ...PRELOADED_GIT_PATHS.flatMap((name) => ['--git-path', name]),
    ],
    { cwd, okCodes: [128] },
  ).catch((error: unknown) => {
    // Node names directories with UTF-8 text only: a directory whose path is not UTF-8 reads back
    // with U+FFFD and cannot be the working directory of a process guard starts.
    const notText = cwd.includes('\ufffd');
    throw new GuardError('user', `cannot read the repository at ${cwd}`, {
      cause: error,
      hints: notText ? ['The path of this directory is not UTF-8 text, which guard (Node) cannot use as a working directory: move the repository or worktree to a path that is (`git worktree move`, `mv`). git hooks that need guard refuse here meanwhile.'] : [],
      // Not "outside a repository": callers that judge there anyway (check-command) must not.
      ...(notText ? { details: { pathNotText: cwd } } : {}),
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
  // Four paths, the object format, the preloaded paths and the final newline; a path holding a
  // newline (a worktree named "a\nb") gives more lines, and old git (before 2.31) echoes options.
  const expected = 4 + 1 + PRELOADED_GIT_PATHS.length + 1;
  const whole = lines.length === expected && lines.slice(0, 4).every((line) => line && path.isAbsolute(line));
  if (whole) {
    const [format, ...preloaded] = lines.slice(4, -1);
    lines = lines.slice(0, 4);
    const repo = repoFromPaths(lines[0]!, lines[1]!, lines[2]!, lines[3]!);
    if (format === 'sha1' || format === 'sha256') {
      rememberGitPaths(repo, PRELOADED_GIT_PATHS, preloaded);
      memoOf(repo).objectFormat = format;
    }
    return repo;
  }
  if (lines.length > expected) {
    // rev-parse's answers are line-based: ask for each value on its own and drop only the final
    // newline (the rare case pays 4 calls, and the preloaded paths are asked when needed).
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
  // Handed over in the environment, which Node decodes as UTF-8: a path that is not UTF-8 comes
  // back with U+FFFD, a name no directory has. Used as the repository, it made guard write its
  // journal, policy and a watcher's state into a tree of that name it created beside the real one.
  // null: the caller asks git itself (openRepo), which refuses there and says why.
  if (stdout.includes('\ufffd')) return null;
  const lines = stdout.replace(/\n$/, '').split('\n');
  if (lines.length !== 4 || !lines.every((line) => line !== '' && path.isAbsolute(line))) return null;
  const [root, gitDir, commonDir, indexFile] = lines as [string, string, string, string];
  return repoFromPaths(root, gitDir, commonDir, indexFile);
}
