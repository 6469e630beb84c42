/**
 * For `guard status`: does each hook manager's configuration run guard, and for which hooks.
 * A hook whose shim a manager wrote over is still checked when the manager's configuration runs
 * guard's entry and this clone has the launcher and the shim copy it runs. This is a file check:
 * running the manager's hook to prove it would run the team's real commands (linters, tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../../git/repo.js';
import type { HooksPathSetting } from '../install/hooks-dir.js';
import { detectManagers, hooksRunningGuard } from './detect.js';
import { LAUNCHER_FILE, MANAGED_SHIMS_DIR, type ManagedHook, type ManagerName } from './entry.js';

export interface ManagerFileStatus {
  file: string;
  /** Hooks guard's entry should be in this file for. */
  hooks: ManagedHook[];
  /** Of those, the ones the file runs guard for. */
  runsGuard: ManagedHook[];
}

export interface ManagerStatus {
  manager: ManagerName;
  evidence: string;
  files: ManagerFileStatus[];
  /** Hooks this clone can run guard for through the manager (entry + launcher + shim copy). */
  covered: ManagedHook[];
}

/** HOOKS_PATH: core.hooksPath as the caller read it already (hooksLocation), else asked here. */
export async function managersStatus(repo: Repo, hooksPath?: HooksPathSetting | null): Promise<ManagerStatus[]> {
  const launcher = fs.existsSync(guardCommonPath(repo, LAUNCHER_FILE));
  return (await detectManagers(repo, hooksPath)).map((d) => {
    const files = d.files.map(({ file, hooks }) => {
      let text: string | null = null;
      try {
        text = fs.readFileSync(path.join(repo.root, ...file.split('/')), 'latin1');
      } catch {
        text = null;
      }
      return { file, hooks, runsGuard: hooksRunningGuard(d.manager, d.manager === 'husky' ? text : text && Buffer.from(text, 'latin1').toString('utf8'), hooks) };
    });
    const covered = launcher ? files.flatMap((f) => f.runsGuard).filter((hook) => fs.existsSync(guardCommonPath(repo, MANAGED_SHIMS_DIR, hook))) : [];
    return { manager: d.manager, evidence: d.evidence, files, covered };
  });
}
