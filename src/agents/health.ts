/**
 * Are guard's agent hooks really on, per agent set up in this worktree? What `guard status` and
 * `guard init` report: the launcher every hook command runs (src/agents/launcher.ts), guard's
 * entries in the agent's hook file (present, intact), and whether the agent will load them at all
 * (the trust records it keeps, src/agents/trust/). Each problem comes with the one step that
 * fixes it.
 */
import path from 'node:path';
import { readSeenEnv } from './seen-env.js';
import { displayPath } from '../config/load.js';
import type { Repo } from '../git/repo.js';
import { findAgent } from './index.js';
import { installedAgentIds } from './install.js';
import { hasSubmodules } from './submodule-note.js';
import { AGENTS_WITHOUT_GIT_HOOKS } from '../policy/actor.js';
import { launcherPath, launcherState, type LauncherState } from './launcher.js';
import type { HookFileCheck, TrustReport } from './types.js';

export interface Problem {
  problem: string;
  fix: string;
}

export interface AgentHealth {
  agent: string;
  displayName: string;
  file: HookFileCheck;
  trust: TrustReport;
  problems: Problem[];
}

export interface AgentsHealth {
  launcher: { path: string; state: LauncherState } | null;
  agents: AgentHealth[];
  problems: Problem[];
  /** Installed agents that run unguarded when started inside a submodule, where this repository has submodules (display names). */
  unguardedInSubmodules: string[];
  /**
   * Installed agents that run every git command with git's hooks off (display names; Gemini CLI:
   * core.hooksPath=""): for them guard's agent hook is the only layer (docs/hooks.md).
   */
  gitHooksOff: string[];
}

export function agentsHealth(repo: Repo, env: NodeJS.ProcessEnv = process.env, ids: string[] = installedAgentIds(repo)): AgentsHealth {
  const agents: AgentHealth[] = [];
  const problems: Problem[] = [];
  if (ids.length === 0) return { launcher: null, agents, problems, unguardedInSubmodules: [], gitHooksOff: [] };
  const launcher = { path: launcherPath(repo), state: launcherState(repo) };
  if (launcher.state !== 'ok') {
    problems.push({
      problem:
        launcher.state === 'missing'
          ? `the agent hook launcher ${launcher.path} is missing, so every agent hook only warns and checks nothing`
          : `the agent hook launcher ${launcher.path} is from another git-guard install or version`,
      fix: '`guard init` writes it again (the hook files stay as they are)',
    });
  }
  const unguarded: string[] = [];
  for (const id of ids) {
    const agent = findAgent(id);
    if (!agent) continue;
    const file = agent.inspect(repo.root);
    // Codex reads the main checkout's trust and hooks in a linked worktree (src/agents/trust/codex.ts).
    // What the agent's own hook last saw of the variables its trust reads (another shell's environment).
    const seen = agent.trustEnv ? readSeenEnv(repo.gitDir, agent.id) : undefined;
    const trust = agent.trust(repo.root, env, repo.isLinkedWorktree ? path.dirname(repo.commonDir) : undefined, seen);
    const own: Problem[] = [];
    const shown = displayPath(`${repo.root}/${file.file}`, repo.root);
    if (file.state === 'missing' || file.state === 'changed') {
      own.push({ problem: `${agent.displayName}: ${file.detail}`, fix: `\`guard init --agents ${agent.id}\` writes ${shown} again (it keeps your own entries)` });
    } else if (file.state === 'unreadable') {
      own.push({ problem: `${agent.displayName}: ${file.detail}`, fix: `fix ${shown} by hand (guard never overwrites a file it cannot read), then run \`guard init --agents ${agent.id}\`` });
    }
    if (trust.state === 'blocked') own.push({ problem: `${agent.displayName} will not run guard's hooks: ${trust.detail}`, fix: trust.fix ?? 'trust the project in the agent' });
    agents.push({ agent: agent.id, displayName: agent.displayName, file, trust, problems: own });
    problems.push(...own);
    if (agent.unguardedInSubmodule) unguarded.push(agent.displayName);
  }
  const hooksOff = ids.filter((id) => AGENTS_WITHOUT_GIT_HOOKS.has(id)).map((id) => findAgent(id)?.displayName ?? id);
  return { launcher, agents, problems, unguardedInSubmodules: unguarded.length > 0 && hasSubmodules(repo.root) ? unguarded : [], gitHooksOff: hooksOff };
}
