/**
 * guard's hook entries in a TRACKED agent settings file, written back after a command reverted it.
 *
 * Where a project tracks the file guard writes its agent hooks into (ardalis/CleanArchitecture
 * tracks `.claude/settings.local.json`), `guard init` leaves guard's entries as an uncommitted
 * change of it. `git checkout -- .` and `git restore .` are refused for that (guard-self), but
 * `git reset --hard`, `git checkout -f BRANCH` and `git switch --discard-changes` are everyday
 * commands guard lets run after a snapshot: they reverted the file, and the agent's hooks were
 * gone from its next session on without a word. Now the agent hook notes, before such a command,
 * which installed agents' hook files are tracked (one `git ls-files`), and after it (the
 * put-back of restore/own-files.ts: the post-tool hook, any later hook event, `guard status`)
 * writes guard's entries back where they are gone: the same merge as `guard init --agents ID`,
 * which keeps the rest of the file as the command left it.
 */
import type { Repo } from '../git/repo.js';
import { runGit, splitNulBytes } from '../git/run.js';
import { findAgent } from './index.js';
import { installAgents, installedAgentIds } from './install.js';

/**
 * The installed agents whose hook file is tracked and holds guard's entries now as a change HEAD
 * does not have (a command that reverts tracked files may take them out). Empty without a git process when no agent is
 * installed or no hook file holds guard's entries.
 */
export async function trackedHookAgents(repo: Repo): Promise<string[]> {
  const files = new Map<string, string>();
  for (const id of installedAgentIds(repo)) {
    const check = findAgent(id)?.inspect(repo.root);
    if (check?.state === 'ok') files.set(check.file, id);
  }
  if (files.size === 0) return [];
  const specs = [...files.keys()].map((f) => `:(literal)${f}`);
  // Tracked with guard's entries not in HEAD's copy (an uncommitted change, staged or not): what a
  // reset or a forced checkout reverts. Where the person committed guard's entries (the usual
  // `git add .claude && git commit` after init), nothing to note: no put-back record, which would
  // send the agent's next commands through Node until its post-tool hook. One process; an unborn
  // HEAD (no commit to compare with): every tracked one.
  const changed = await runGit(['diff-index', '-z', '--name-only', 'HEAD', '--', ...specs], { cwd: repo.root, okCodes: [128] });
  const result = changed.code === 0 ? changed : await runGit(['ls-files', '-z', '--', ...specs], { cwd: repo.root, okCodes: [128] });
  if (result.code !== 0) return [];
  const tracked = new Set(splitNulBytes(result.stdout));
  return [...files].filter(([file]) => tracked.has(file)).map(([, id]) => id);
}

/** Writes guard's entries back into each agent's hook file where they are gone or changed (restore/own-files.ts Rehook). */
export async function rehookAgents(repo: Repo, agents: readonly string[]): Promise<{ rehooked: string[]; failed: Array<{ path: string; error: string }> }> {
  const rehooked: string[] = [];
  const failed: Array<{ path: string; error: string }> = [];
  for (const id of agents) {
    const agent = findAgent(id);
    if (!agent) continue;
    const check = agent.inspect(repo.root);
    if (check.state === 'ok') continue;
    if (check.state === 'unreadable') {
      failed.push({ path: check.file, error: check.detail });
      continue;
    }
    try {
      await installAgents(repo, { agents: [id] });
      rehooked.push(check.file);
    } catch (error) {
      failed.push({ path: check.file, error: (error as Error).message });
    }
  }
  return { rehooked, failed };
}
