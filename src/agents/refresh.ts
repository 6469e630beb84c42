/**
 * Self-healing after an upgrade of this install: guard's own per-clone copies of the package's sh
 * files (the agent hook launcher, src/agents/launcher.ts, and the git hook shims,
 * src/githooks/install/refresh.ts) are brought to the installed version when they are stale and
 * were written for this same package root. Run at an agent session start (once per session, in
 * Node already) and by `guard status`: the per-tool-call fast path never compares files. Each
 * refresh goes to the journal (`install-refreshed`). File reads only, no git process.
 */
import type { Repo } from '../git/repo.js';
import { appendEvent } from '../session/journal.js';
import { refreshShims } from '../githooks/install/refresh.js';
import { launcherPath, refreshLauncher } from './launcher.js';
import { findAgent } from './index.js';
import { installedAgentIds } from './install.js';
import { refreshLocalExclude } from './local-exclude.js';
import { packageRoot } from './package-root.js';

export interface InstallRefresh {
  /** The agent hook launcher was rewritten (its path), or null. */
  launcher: string | null;
  /** Git hook shims rewritten. */
  hooks: string[];
  /** Stale git hook shims left as they are: edited after `guard init`. */
  edited: string[];
  /**
   * Agents' clone-local settings files kept out of git by a line added to info/exclude now: a
   * clone set up before `guard init` did that (local-exclude.ts).
   */
  excluded: string[];
}

export async function refreshInstall(repo: Repo, by: string): Promise<InstallRefresh> {
  const launcher = refreshLauncher(repo) === 'refreshed' ? launcherPath(repo) : null;
  const { refreshed, edited, managed } = await refreshShims(repo);
  const excluded: string[] = [];
  for (const id of installedAgentIds(repo)) {
    const local = findAgent(id)?.localSettingsFile;
    if (local && refreshLocalExclude(repo, local)) excluded.push(local);
  }
  const hooks = [...refreshed, ...managed.map((h) => `${h} (hook manager's)`)];
  if (launcher || hooks.length > 0 || excluded.length > 0) {
    appendEvent(repo, {
      type: 'install-refreshed',
      by,
      package: packageRoot(),
      ...(launcher ? { launcher } : {}),
      ...(hooks.length > 0 ? { hooks } : {}),
      ...(edited.length > 0 ? { leftEdited: edited } : {}),
      ...(excluded.length > 0 ? { excluded } : {}),
    });
  }
  return { launcher, hooks, edited, excluded };
}

/** What a session start says about a refresh (empty when nothing was rewritten). */
export function refreshMessage(r: InstallRefresh): string {
  const parts: string[] = [];
  if (r.launcher) parts.push("git-guard: updated this clone's agent hook launcher to the installed version");
  if (r.hooks.length > 0) parts.push(`git-guard: updated this clone's git hooks (${r.hooks.join(', ')}) to the installed version`);
  for (const file of r.excluded) parts.push(`git-guard: kept ${file} out of git (this clone's own settings, which hold guard's hooks): added /${file} to .git/info/exclude`);
  if (parts.length > 0 && r.edited.length > 0) {
    parts.push(`git-guard: left ${r.edited.join(', ')} as it is: edited after guard init (\`guard init\` writes guard's version again)`);
  }
  return parts.join('\n');
}
