/**
 * The .guard.yaml presets shipped in templates/ (`guard init --preset NAME`) and the one function
 * that writes a new .guard.yaml. Writing never overwrites: an existing file is the user's policy.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuardError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { CONFIG_FILE_NAME } from '../policy/schema.js';

export interface Preset {
  name: string;
  description: string;
  /** File name under templates/. */
  file: string;
}

const PRESETS: readonly Preset[] = [
  {
    name: 'default',
    description: 'protects main, master and release/*, guard\'s own settings, CI workflows and migrations; agents stricter where it matters',
    file: 'guard.default.yaml',
  },
  {
    name: 'strict',
    description: 'agents held to "enforce" for every rule, more protected branches and paths (hook managers, agent settings, keys, Terraform state), longer retention',
    file: 'guard.strict.yaml',
  },
];

export const DEFAULT_PRESET = 'default';

export function listPresets(): Preset[] {
  return PRESETS.map((preset) => ({ ...preset }));
}

let templatesDirCache: string | undefined;

/** templates/ of this installation: next to dist/ when bundled, next to src/ in development. */
export function templatesDir(): string {
  if (templatesDirCache) return templatesDirCache;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, PRESETS[0]!.file))) {
      templatesDirCache = candidate;
      return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new GuardError('internal', `cannot find git-guard's templates/ directory near ${fileURLToPath(import.meta.url)}`);
}

function findPreset(name: string): Preset {
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) {
    throw new GuardError('user', `unknown preset ${JSON.stringify(name)}`, {
      hints: PRESETS.map((p) => `--preset ${p.name}: ${p.description}`),
    });
  }
  return preset;
}

/** The text of a preset, exactly as `guard init` writes it. */
export async function renderPreset(name: string): Promise<string> {
  const preset = findPreset(name);
  return fs.readFile(path.join(templatesDir(), preset.file), 'utf8');
}

/**
 * Writes `<worktree root>/.guard.yaml` from a preset unless a file (or anything else) is already
 * there. Returns whether it wrote; an existing file is left exactly as it is.
 */
export async function writeConfigFile(repo: Repo, preset: string = DEFAULT_PRESET): Promise<{ written: boolean; path: string }> {
  const text = await renderPreset(preset);
  const file = path.join(repo.root, CONFIG_FILE_NAME);
  try {
    // 'wx': create only; the check and the write are one step, so nothing is ever overwritten.
    await fs.writeFile(file, text, { flag: 'wx', mode: 0o644 });
    return { written: true, path: file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { written: false, path: file };
    throw new GuardError('user', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
