/**
 * guard's hooks in a working repository: installed into the hooks directory git uses now (see
 * hooks-dir.ts), with the manifest in `<commonDir>/guard/`, shared by every worktree.
 */
import path from 'node:path';
import { GuardError } from '../../errors.js';
import { guardCommonPath, type Repo } from '../../git/repo.js';
import { runGit, splitNul } from '../../git/run.js';
import { hooksLocation } from './hooks-dir.js';
import { inspectHooks, type HooksStatus } from './inspect.js';
import { installShims, type InstallResult } from './install.js';
import { LOCAL_HOOKS } from './shim.js';
import { uninstallShims, type UninstallResult } from './uninstall.js';

/**
 * A hooks directory with files tracked in the repository (`core.hooksPath=.githooks`, shared by
 * a team) is not guard's to change: its shims hold this machine's paths, and moving a tracked
 * hook aside would show up as a change anyone could commit.
 */
export async function refuseTrackedHooksDir(repo: Repo, dir: string): Promise<void> {
  const rel = path.relative(repo.root, dir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return;
  const tracked = await runGit(['ls-files', '-z', '--', rel], { cwd: repo.root });
  const files = splitNul(tracked.stdout);
  if (files.length === 0) return;
  throw new GuardError('refused', `core.hooksPath points to ${rel}, which holds files tracked in this repository (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''}); guard will not write into it`, {
    hints: [
      `To use guard here, run the shared hooks from .git/hooks instead: \`git config --unset core.hooksPath\`, link each one (e.g. \`ln -s ../../${rel}/pre-commit .git/hooks/pre-commit\`), then \`guard init\`, which chains them.`,
      'Nothing was changed.',
    ],
  });
}

/** Throws (refused) when guard cannot install into the hooks directory in force; changes nothing. */
export async function assertHooksInstallable(repo: Repo): Promise<void> {
  await refuseTrackedHooksDir(repo, (await hooksLocation(repo)).dir);
}

export async function installHooks(repo: Repo, options: { pkg?: string; node?: string } = {}): Promise<InstallResult> {
  const location = await hooksLocation(repo);
  await refuseTrackedHooksDir(repo, location.dir);
  return installShims({
    guardDir: guardCommonPath(repo),
    hooksDir: location.dir,
    inCommonDir: location.inCommonDir,
    hooksPath: location.hooksPath,
    hooks: LOCAL_HOOKS,
    ...options,
  });
}

export function uninstallHooks(repo: Repo): Promise<UninstallResult> {
  return uninstallShims(guardCommonPath(repo));
}

export function hooksStatus(repo: Repo, options: { selfTest?: boolean } = {}): Promise<HooksStatus> {
  return inspectHooks(repo, guardCommonPath(repo), options);
}
