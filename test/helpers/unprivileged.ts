/**
 * Runs guard as another user in a test. Tests run as root in most CI containers, and root reads
 * files whatever their permission bits, so "a file guard cannot read" or "a repository this user
 * cannot write to" can only be shown by dropping privileges: `setpriv` (util-linux) runs the guard
 * process as nobody (uid/gid 65534). git refuses a repository owned by someone else unless
 * safe.directory says otherwise, which GIT_CONFIG_COUNT passes as command-line config.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { GUARD_BIN, type RunResult, type TestRepo } from './git-repo.js';

export const NOBODY = 65534;

/** Root, with setpriv on PATH: privileges can be dropped for one process. */
export const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--version'], { encoding: 'utf8' }).status === 0;

/** Lets another user reach the repository (the temp dir is created 0700). */
export function openToOthers(repo: TestRepo): void {
  fs.chmodSync(repo.base, 0o755);
  fs.chmodSync(repo.home, 0o755);
}

/** Hands the whole temp dir (repo, home) to nobody, as if nobody had made it. */
export function giveToNobody(repo: TestRepo): void {
  openToOthers(repo);
  spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, repo.base]);
}

/** `guard args` in the repository, run as nobody. */
export function guardAsNobody(repo: TestRepo, args: string[], options: { input?: string } = {}): RunResult {
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, GUARD_BIN, ...args], {
    cwd: repo.dir,
    env: { ...repo.env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
    input: options.input ?? '',
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 };
}
