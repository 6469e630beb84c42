/**
 * guard's hooks in a working repository: installed into the hooks directory git uses now (see
 * hooks-dir.ts), with the manifest in `<commonDir>/guard/`, shared by every worktree.
 */
import { guardCommonPath, type Repo } from '../../git/repo.js';
import { hooksLocation } from './hooks-dir.js';
import { inspectHooks, type HooksStatus } from './inspect.js';
import { installShims, type InstallResult } from './install.js';
import { LOCAL_HOOKS } from './shim.js';
import { uninstallShims, type UninstallResult } from './uninstall.js';

export async function installHooks(repo: Repo, options: { pkg?: string; node?: string } = {}): Promise<InstallResult> {
  const location = await hooksLocation(repo);
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
