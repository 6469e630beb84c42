/**
 * Which hook manager this repository uses, from its actual state: husky by core.hooksPath
 * pointing at `<dir>/_` with husky's dispatcher in it (husky 9), lefthook and pre-commit by their
 * configuration files in the worktree. For each, which of guard's hooks its configuration should
 * run, and which it already runs (an entry that runs guard's launcher, see entry.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Repo } from '../../git/repo.js';
import { readHooksPath, type HooksPathSetting } from '../install/hooks-dir.js';
import { ENTRY_MARKER, type ManagedHook, type ManagerName } from './entry.js';

export interface DetectedManager {
  manager: ManagerName;
  /** Why guard thinks the repository uses it (for the plan shown before asking). */
  evidence: string;
  /** One file per hook (husky) or one file for all (lefthook, pre-commit); relative to the worktree root, `/`-separated. */
  files: Array<{ file: string; hooks: ManagedHook[] }>;
}

/** lefthook's configuration file names, in the order lefthook looks for them. */
const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml', '.config/lefthook.yml', '.config/lefthook.yaml'];
export const PRE_COMMIT_FILE = '.pre-commit-config.yaml';

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The husky directory (`.husky`) when core.hooksPath is `<dir>/_` inside the worktree and husky's dispatcher is there. */
async function huskyDir(repo: Repo, known?: HooksPathSetting | null): Promise<string | null> {
  const setting = known !== undefined ? known : await readHooksPath(repo);
  if (!setting) return null;
  const value = setting.value.replace(/\/+$/, '');
  if (path.posix.basename(value) !== '_' || path.isAbsolute(value)) return null;
  const dir = path.posix.dirname(value);
  if (dir === '.' || dir.split('/').includes('..')) return null;
  const underscore = path.join(repo.root, dir, '_');
  return isFile(path.join(underscore, 'h')) || isFile(path.join(underscore, 'husky.sh')) ? dir : null;
}

/** HOOKS_PATH: core.hooksPath as the caller read it already (hooksLocation), else asked here. */
export async function detectManagers(repo: Repo, hooksPath?: HooksPathSetting | null): Promise<DetectedManager[]> {
  const found: DetectedManager[] = [];
  const husky = await huskyDir(repo, hooksPath);
  if (husky) {
    // husky writes a stub for each of these over guard's shim whenever it runs.
    found.push({ manager: 'husky', evidence: `core.hooksPath = ${husky}/_`, files: (['pre-commit', 'pre-push', 'pre-rebase'] as const).map((hook) => ({ file: `${husky}/${hook}`, hooks: [hook] })) });
  }
  const lefthook = LEFTHOOK_FILES.find((f) => isFile(path.join(repo.root, f)));
  if (lefthook) {
    // pre-rebase only where the team's configuration already has it (lefthook then writes over guard's).
    const data = safeParse(readText(path.join(repo.root, lefthook)) ?? '');
    const hooks: ManagedHook[] = ['pre-commit', 'pre-push'];
    if (data && typeof data === 'object' && 'pre-rebase' in data) hooks.push('pre-rebase');
    found.push({ manager: 'lefthook', evidence: lefthook, files: [{ file: lefthook, hooks }] });
  }
  if (isFile(path.join(repo.root, PRE_COMMIT_FILE))) {
    // pre-push is left to guard's shim, which `pre-commit install` keeps as pre-push.legacy and runs
    // with the real stdin: the framework hands its hooks one pushed ref at most and no deletions.
    found.push({ manager: 'pre-commit', evidence: PRE_COMMIT_FILE, files: [{ file: PRE_COMMIT_FILE, hooks: ['pre-commit'] }] });
  }
  return found;
}

function safeParse(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return null;
  }
}

function runsLauncher(value: unknown): boolean {
  return typeof value === 'string' && value.includes(ENTRY_MARKER);
}

/** The hooks (of `hooks`) whose guard entry the file already has. */
export function hooksRunningGuard(manager: ManagerName, text: string | null, hooks: readonly ManagedHook[]): ManagedHook[] {
  if (text === null) return [];
  if (manager === 'husky') return text.includes(ENTRY_MARKER) ? [...hooks] : [];
  const data = safeParse(text) as Record<string, any> | null;
  if (!data || typeof data !== 'object') return [];
  if (manager === 'lefthook') {
    return hooks.filter((hook) => {
      const section = data[hook];
      if (!section || typeof section !== 'object') return false;
      const commands = section.commands && typeof section.commands === 'object' ? Object.values(section.commands) : [];
      const jobs = Array.isArray(section.jobs) ? section.jobs : [];
      return [...commands, ...jobs].some((c: any) => c && typeof c === 'object' && runsLauncher(c.run));
    });
  }
  const repos = Array.isArray(data.repos) ? data.repos : [];
  const entries = repos.flatMap((r: any) => (r && Array.isArray(r.hooks) ? r.hooks : []));
  return hooks.filter((hook) =>
    entries.some((h: any) => h && runsLauncher(h.entry) && (!Array.isArray(h.stages) || h.stages.includes(hook) || h.stages.includes(hook.replace(/^pre-/, '')))),
  );
}

/**
 * The stage name pre-commit uses for its pre-commit hook: `pre-commit` since 3.2, `commit` before
 * (still accepted, deprecated since). Asked of the pre-commit program installed here, if any.
 */
export function preCommitStage(): string {
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const m = /(\d+)\.(\d+)/.exec(r.stdout ?? '');
  if (r.status === 0 && m && (Number(m[1]) < 3 || (Number(m[1]) === 3 && Number(m[2]) < 2))) return 'commit';
  return 'pre-commit';
}
