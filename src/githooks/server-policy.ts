/**
 * Which .guard.yaml a bare server repository enforces (docs/hooks.md):
 *  1. `<git dir>/guard/guard.yaml`, a copy pinned by `guard server install --config FILE`
 *     (changed only by whoever administers the server), else
 *  2. `.guard.yaml` on the repository's default branch (HEAD) as it is BEFORE the push being
 *     checked, so a push cannot loosen the rules it is checked against, else
 *  3. the built-in defaults.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import type { Policy } from '../policy/schema.js';
import { policyFromText } from './policy-from-text.js';

export const PINNED_CONFIG = 'guard.yaml';

export function pinnedConfigPath(gitDir: string): string {
  return path.join(gitDir, 'guard', PINNED_CONFIG);
}

export async function serverPolicy(repo: Repo): Promise<Policy> {
  const pinned = pinnedConfigPath(repo.gitDir);
  const text = await fs.readFile(pinned, 'utf8').catch(() => null);
  if (text !== null) return policyFromText(text, pinned);
  const blob = await runGit(['cat-file', 'blob', 'HEAD:.guard.yaml'], { cwd: repo.gitDir, okCodes: [128] });
  if (blob.code === 0) return policyFromText(blob.stdout.toString('utf8'), 'HEAD:.guard.yaml');
  return policyFromText(null, '(no .guard.yaml on the default branch: defaults)');
}

/** A Repo for a bare repository (no worktree): the git dir stands in for the root. */
export async function openBare(cwd: string): Promise<Repo> {
  const result = await runGit(['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir', '--is-bare-repository'], { cwd });
  const [gitDir, commonDir, bare] = result.stdout.toString('utf8').split('\n');
  if (!gitDir || !commonDir) throw new Error(`cannot read the repository at ${cwd}`);
  return { root: gitDir, gitDir, commonDir, indexFile: path.join(gitDir, 'index'), isLinkedWorktree: bare !== 'true' && gitDir !== commonDir };
}
