/**
 * After `guard recover`, the rebuilt repository is guarded again. A backup holds no git hooks
 * (they lived in the `.git/hooks` that `rm -rf .git` took away) and none of guard's per-clone
 * files, so without this no git hook would run in the recovered repository, and the agent hooks
 * the project keeps in its files would find no launcher and let the agent go on unguarded
 * (src/agents/launcher.ts): right after an incident, exactly when it matters.
 *
 * This puts back what `guard init` keeps under `.git`, and changes no file of the working tree
 * (recovery has just made it equal to the snapshot): the policy compiled for the hooks, the git
 * hooks (chaining what is in the hooks directory), the launcher that hook managers' guard
 * entries run, and, for each agent whose hook file still holds guard's entries exactly, the
 * launcher and the record `guard status` reads. An agent whose entries were changed is reported,
 * not rewritten: `guard init` repairs it. Nothing here fails the recovery: what cannot be put
 * back is returned as a problem, with its fix.
 */
import { compilePolicy } from '../config/compile.js';
import type { Repo } from '../git/repo.js';
import { writeHookFiles } from '../githooks/context.js';
import { hooksStatus, installHooks } from '../githooks/install/local.js';
import { planManagerEdits } from '../githooks/managers/plan.js';
import { writeManagedLauncher } from '../githooks/managers/apply.js';
import type { ManagedHook } from '../githooks/managers/entry.js';

export interface RearmResult {
  /** The git hooks that run again (their self-test passed). */
  hooks: string[];
  /** Agents whose hooks find their launcher again. */
  agents: string[];
  /** What is not back, each with its fix. Empty: the repository is guarded as before. */
  problems: string[];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function rearmProtection(repo: Repo): Promise<RearmResult> {
  const problems: string[] = [];
  try {
    const policy = await compilePolicy(repo);
    await writeHookFiles(repo, policy);
  } catch (error) {
    problems.push(`the policy could not be compiled for the hooks (${reason(error)}); fix: guard init`);
  }

  let hooks: string[] = [];
  try {
    await installHooks(repo);
    // Hook managers whose configuration (in the working tree, recovered with it) already runs
    // guard get the launcher their entries call; no configuration file is edited.
    const covered = new Map<ManagedHook, string>();
    for (const plan of await planManagerEdits(repo)) {
      for (const edit of plan.edits) for (const hook of edit.present) covered.set(hook, edit.file);
    }
    await writeManagedLauncher(repo, covered);
    const status = await hooksStatus(repo);
    hooks = status.hooks.filter((h) => h.selfTest.result === 'alive').map((h) => h.name);
    problems.push(...status.problems);
  } catch (error) {
    problems.push(`guard's git hooks could not be installed (${reason(error)}); fix: guard init`);
  }

  const agents: string[] = [];
  try {
    const { AGENTS } = await import('../agents/index.js');
    const { installAgents } = await import('../agents/install.js');
    const intact: string[] = [];
    for (const agent of AGENTS) {
      const file = agent.inspect(repo.root);
      if (file.state === 'ok') intact.push(agent.id);
      else if (file.state === 'changed') problems.push(`${agent.displayName}: guard's hooks in ${file.file} were changed (${file.detail}); fix: guard init --agents ${agent.id}`);
    }
    // Installing over entries that are exactly in place writes no file of the working tree: only
    // the launcher and the record under .git.
    if (intact.length > 0) agents.push(...(await installAgents(repo, { agents: intact })).installed.map((a) => a.agent));
  } catch (error) {
    problems.push(`the agent hooks' launcher could not be written (${reason(error)}); fix: guard init`);
  }
  return { hooks, agents, problems };
}
