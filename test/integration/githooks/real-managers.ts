/**
 * The real hook managers, for the tests that guard's entries survive them re-installing their
 * hooks: husky and lefthook at pinned versions from npm, installed into the same cache outside
 * the package as the agent CLIs (test/e2e-agents/agents.ts; never a dependency of git-guard),
 * and pre-commit (the framework) from the system (Debian's `pre-commit` package) when present.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { binPath, ensureInstalled, skipReason, type PinnedAgent } from '../../e2e-agents/agents.js';
import type { TestRepo } from '../../helpers/git-repo.js';

export const HUSKY: PinnedAgent = { pkg: 'husky', version: '9.1.7', bin: 'husky' };
export const LEFTHOOK: PinnedAgent = { pkg: 'lefthook', version: '2.2.2', bin: 'lefthook' };

/** Why the manager cannot be installed here, or null (then `managerBin` installs it once). */
export function npmManagerSkip(pinned: PinnedAgent): string | null {
  const reason = skipReason(pinned);
  return reason === 'GUARD_E2E_AGENTS=0' ? null : reason;
}

export function managerBin(pinned: PinnedAgent): string {
  ensureInstalled(pinned);
  return binPath(pinned);
}

export function preCommitSkip(): string | null {
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'the pre-commit program is not installed (apt-get install pre-commit, or pip install pre-commit)';
}

/** Runs a manager's program in the repository, with the repository's hermetic environment. */
export function runManager(repo: TestRepo, bin: string, args: string[]): void {
  const r = spawnSync(bin, args, { cwd: repo.dir, env: { ...repo.env, PATH: `${path.dirname(bin)}:${repo.env.PATH}` }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
}
