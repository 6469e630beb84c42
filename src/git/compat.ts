/**
 * Everything guard does differently depending on the git version, in one place.
 *
 * The minimum is git 2.31 (MIN_GIT): `rev-parse --path-format=absolute` (2.31), which every
 * command uses to find the repository, has no cheap replacement. Newer features are used when
 * present, with a fallback:
 *   - `worktree list --porcelain -z` (2.36): the newline-separated porcelain instead; a worktree
 *     path that holds a newline cannot be read from it, so it is refused rather than misread.
 *   - `rev-list --disk-usage` (2.38): sizes are reported as unknown (null).
 *   - `git hook run` (2.36): `guard status` runs the hook file itself (githooks/install/inspect.ts).
 *   - reference-transaction (2.28, below the minimum): nothing to do.
 *   - reference-transaction `ref:<target>` values for symbolic-ref updates (2.46): parsed by
 *     githooks/lines.ts, passed by the sh shim (a symref value is never an all-zero id).
 * Nothing here asks `git --version` on a hot path: a feature is tried and its absence (exit 129,
 * "unknown switch") is the answer; the version is asked only to explain a failure.
 */
import { GuardError } from '../errors.js';
import type { Repo } from './repo.js';
import { refNameOf } from './ref-name.js';
import { runGit, splitNulBytes } from './run.js';

export interface GitVersion {
  major: number;
  minor: number;
  patch: number;
  /** As git printed it, e.g. "2.39.5" or "2.45.1.windows.1". */
  text: string;
}

export const MIN_GIT = { major: 2, minor: 31 } as const;
export const MIN_GIT_TEXT = `${MIN_GIT.major}.${MIN_GIT.minor}`;

/** Parses `git --version` output ("git version 2.39.5", "git version 2.45.1.windows.1"); null if it is not that. */
export function parseGitVersion(text: string): GitVersion | null {
  const match = /^git version ((\d+)\.(\d+)(?:\.(\d+))?\S*)/m.exec(text.trim());
  if (!match) return null;
  return { text: match[1]!, major: Number(match[2]), minor: Number(match[3]), patch: Number(match[4] ?? 0) };
}

export function versionAtLeast(version: GitVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

let cached: Promise<GitVersion | null> | null = null;

/** The version of the git on PATH (asked once per process); null when git's answer cannot be read. */
export function gitVersion(): Promise<GitVersion | null> {
  cached ??= runGit(['--version'], { cwd: process.cwd() }).then(
    (result) => parseGitVersion(result.stdout.toString('utf8')),
    () => null,
  );
  return cached;
}

/** Throws a plain "git X is too old" error when the git on PATH is older than MIN_GIT; otherwise returns its version. */
export async function requireMinimumGit(): Promise<GitVersion | null> {
  const version = await gitVersion();
  if (version && !versionAtLeast(version, MIN_GIT.major, MIN_GIT.minor)) {
    throw new GuardError('user', `git ${version.text} is too old: guard needs git ${MIN_GIT_TEXT} or newer`, {
      hints: [`Install git ${MIN_GIT_TEXT} or newer (https://git-scm.com/downloads) and make sure it comes first on PATH.`],
    });
  }
  return version;
}

/** git rejected an option it does not know (an older git): usage error 129, or "unknown"/"unrecognized" on 128. */
function unknownOption(result: { code: number; stderr: string }): boolean {
  return result.code === 129 || (result.code === 128 && /unknown|unrecognized|usage/i.test(result.stderr));
}

/**
 * `git worktree list --porcelain` as records: one field per record, an empty record between
 * worktrees. -z (git >= 2.36) keeps every path intact; before that, lines, and a path with a
 * newline in it (which would split into two records) is refused.
 */
export async function worktreeListRecords(repo: Repo): Promise<string[]> {
  const result = await runGit(['worktree', 'list', '--porcelain', '-z'], { cwd: repo.root, okCodes: [128, 129] });
  // A record that is not UTF-8 (a branch `bad\xff` checked out there) as ref-name.ts writes it, as snapshots name refs.
  if (result.code === 0) return splitNulBytes(result.stdout).map((record) => refNameOf(Buffer.from(record, 'latin1')));
  if (!unknownOption(result)) {
    throw new GuardError('git', `git worktree list failed: ${result.stderr.trim() || `exit ${result.code}`}`);
  }
  const lines = (await runGit(['worktree', 'list', '--porcelain'], { cwd: repo.root })).stdout.toString('utf8').replace(/\n$/, '').split('\n');
  const known = /^(worktree |HEAD |branch |detached$|bare$|locked|prunable|$)/;
  const odd = lines.find((line) => !known.test(line));
  if (odd !== undefined) {
    throw new GuardError('user', `cannot read the list of worktrees: a worktree path holds a newline (near ${JSON.stringify(odd)}), which git before 2.36 cannot report`, {
      hints: ['Upgrade git to 2.36 or newer, or move that worktree (`git worktree move`).'],
    });
  }
  return lines;
}

/**
 * Bytes of the objects `rev-list --objects` lists for `revs` (git >= 2.38 `--disk-usage`); null
 * when this git cannot tell.
 */
export async function diskUsage(repo: Repo, revs: string[], env?: Record<string, string | undefined>): Promise<number | null> {
  const result = await runGit(['rev-list', '--objects', '--disk-usage', ...revs], { cwd: repo.root, ...(env ? { env } : {}), okCodes: [128, 129] });
  if (result.code !== 0) return null;
  const value = Number(result.stdout.toString('utf8').trim());
  return Number.isFinite(value) ? value : null;
}
