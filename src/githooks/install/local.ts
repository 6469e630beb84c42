/**
 * guard's hooks in a working repository: installed into the hooks directory git uses now (see
 * hooks-dir.ts), with the manifest in `<commonDir>/guard/`, shared by every worktree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../../errors.js';
import { guardCommonPath, type Repo } from '../../git/repo.js';
import { runGit, splitNul } from '../../git/run.js';
import { hooksLocation, type HooksLocation } from './hooks-dir.js';
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
  // A path with a `.git` component (any case) can never be in git's index (verify_path refuses
  // it), so the default `.git/hooks` needs no ls-files to know it holds no tracked file.
  if (rel.split(path.sep).some((part) => part.toLowerCase() === '.git')) return;
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

/**
 * A hooks directory whose path runs through a file (core.hooksPath = `.git/hooks` seen from a
 * linked worktree, where .git is a file) can never hold a hook: git runs none there. Refused
 * with what to do, rather than failing on the first mkdir.
 */
function refuseHooksDirThroughFile(location: HooksLocation): void {
  for (let dir = location.dir; ; dir = path.dirname(dir)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      if (path.dirname(dir) === dir) return;
      continue;
    }
    if (stat.isDirectory()) return;
    const setting = location.hooksPath ? `core.hooksPath (${location.hooksPath.value}, ${location.hooksPath.scope} config)` : 'the hooks directory';
    throw new GuardError('refused', `${setting} resolves to ${location.dir}, which runs through the file ${dir}: git runs no hook from there, and guard cannot install any`, {
      hints: [
        'In a linked worktree .git is a file: give core.hooksPath an absolute path, e.g. `git config core.hooksPath "$(git rev-parse --path-format=absolute --git-common-dir)/hooks"`, or unset it (`git config --unset core.hooksPath`), then run `guard init`.',
        'Nothing was changed.',
      ],
    });
  }
}

/**
 * Throws (refused) when guard cannot install into the hooks directory in force; changes nothing.
 * LOCATION: hooksLocation's answer when the caller has it already (guard init asks git once and
 * hands it to every step: guard itself never changes core.hooksPath).
 */
export async function assertHooksInstallable(repo: Repo, location?: HooksLocation): Promise<HooksLocation> {
  const where = location ?? (await hooksLocation(repo));
  refuseHooksDirThroughFile(where);
  await refuseTrackedHooksDir(repo, where.dir);
  return where;
}

/** CHECKED: the location assertHooksInstallable has just passed (no second look, no second ask). */
export async function installHooks(repo: Repo, options: { pkg?: string; node?: string; checked?: HooksLocation } = {}): Promise<InstallResult> {
  const { checked, ...rest } = options;
  const location = checked ?? (await assertHooksInstallable(repo));
  return installShims({
    guardDir: guardCommonPath(repo),
    hooksDir: location.dir,
    inCommonDir: location.inCommonDir,
    hooksPath: location.hooksPath,
    hooks: LOCAL_HOOKS,
    ...rest,
  });
}

export function uninstallHooks(repo: Repo): Promise<UninstallResult> {
  return uninstallShims(guardCommonPath(repo));
}

export function hooksStatus(repo: Repo, options: { selfTest?: boolean; location?: HooksLocation } = {}): Promise<HooksStatus> {
  return inspectHooks(repo, guardCommonPath(repo), options);
}
