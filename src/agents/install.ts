/**
 * Installs and removes guard's hooks in the agents' project configuration. Called by `guard init
 * --agents LIST` and `guard uninstall`. What guard created is recorded per worktree in
 * `<gitDir>/guard/agents.json`, so uninstall deletes a file or directory only if guard made it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { guardPath, type Repo } from '../git/repo.js';
import { AGENTS, findAgent } from './index.js';
import { packageRoot } from './package-root.js';
import { hookCommandFor, removeLauncher, writeLauncher } from './launcher.js';
import { excludeLocalFile, removeLocalExclude } from './local-exclude.js';
import type { AgentIntegration, Detection, FileChange, InstallRecord } from './types.js';

export type AgentSelection = string[] | 'all' | 'none' | undefined;

export interface AgentInstallReport {
  agent: string;
  displayName: string;
  files: FileChange[];
  notes: string[];
  /** Why it was chosen when the selection was "detected". */
  evidence: string[];
}

export interface InstallAgentsResult {
  installed: AgentInstallReport[];
  /** Agents not installed because they were not detected (only for the default selection). */
  notDetected: string[];
  /** The launcher in <commonDir>/guard/ that every hook command runs. */
  launcher: 'created' | 'updated' | 'unchanged';
}

export interface UninstallAgentsResult {
  removed: Array<{ agent: string; displayName: string; files: FileChange[] }>;
}

interface Manifest {
  version: 1;
  agents: Record<string, InstallRecord>;
}

function manifestPath(repo: Repo): string {
  return guardPath(repo, 'agents.json');
}

function readManifest(repo: Repo): Manifest {
  try {
    const data = JSON.parse(fs.readFileSync(manifestPath(repo), 'utf8')) as Manifest;
    if (data && data.version === 1 && typeof data.agents === 'object') return data;
  } catch {
    // absent or unreadable: start afresh (uninstall still finds guard's entries by their command)
  }
  return { version: 1, agents: {} };
}

function writeManifest(repo: Repo, manifest: Manifest): void {
  const file = manifestPath(repo);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  writeHookFileList(repo, Object.keys(manifest.agents));
}

/** The list the reference-transaction hook reads (hooks/reference-transaction.sh, "agent hooks gone"). */
const HOOK_FILE_LIST = 'agent-hook-files';

/**
 * For the git hooks: each installed agent's hook file that holds guard's pre-tool entry now, as
 * "<absolute file> TAB <text of guard's entry> TAB <agent's name> TAB <id>" lines, in
 * <gitDir>/guard/agent-hook-files. A person's `git reset --hard` or `git stash` over a tracked
 * settings file takes guard's entries out, and no agent hook runs to see it (the agent's next
 * session simply runs without them): the reference-transaction hook checks these files with sh
 * builtins and says so (docs/hooks.md). A file without guard's entry now is not listed (nothing
 * to lose); no file, no list.
 */
function writeHookFileList(repo: Repo, ids: string[]): void {
  const lines: string[] = [];
  for (const id of ids) {
    const agent = findAgent(id);
    if (!agent) continue;
    const file = path.join(repo.root, agent.inspect(repo.root).file);
    // The launcher command's tail, as every JSON hook file holds it (hookCommandFor).
    const marker = `git-guard ${id} pre-tool`;
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (!text.includes(marker) || /[\t\n]/.test(file + agent.displayName)) continue;
    lines.push(`${file}\t${marker}\t${agent.displayName}\t${id}\n`);
  }
  const list = guardPath(repo, HOOK_FILE_LIST);
  if (lines.length === 0) fs.rmSync(list, { force: true });
  else fs.writeFileSync(list, lines.join(''));
  // Looked at afresh from now on (the hook's stamp of the last look that found them all), and said
  // again when a later command takes them out again (what it said last).
  for (const name of ['agent-hooks-seen', 'agent-hooks-reported']) fs.rmSync(guardPath(repo, name), { force: true });
}

/** The agents `guard init` set up in this worktree (from <gitDir>/guard/agents.json). */
export function installedAgentIds(repo: Repo): string[] {
  return Object.keys(readManifest(repo).agents);
}

/** Parses `--agents claude,cursor` / `all` / `none`. */
export function parseAgentList(text: string): AgentSelection {
  const value = text.trim().toLowerCase();
  if (value === 'all' || value === 'none') return value;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function detectAgents(repo: Repo, env: NodeJS.ProcessEnv = process.env): Array<{ agent: AgentIntegration; detection: Detection }> {
  return AGENTS.map((agent) => ({ agent, detection: agent.detect(repo.root, env) }));
}

function resolveSelection(repo: Repo, selection: AgentSelection, env: NodeJS.ProcessEnv): { chosen: Array<{ agent: AgentIntegration; evidence: string[] }>; notDetected: string[] } {
  if (selection === 'none') return { chosen: [], notDetected: [] };
  if (selection === 'all') return { chosen: AGENTS.map((agent) => ({ agent, evidence: [] })), notDetected: [] };
  if (selection === undefined) {
    const detected = detectAgents(repo, env);
    return {
      chosen: detected.filter((d) => d.detection.detected).map((d) => ({ agent: d.agent, evidence: d.detection.evidence })),
      notDetected: detected.filter((d) => !d.detection.detected).map((d) => d.agent.id),
    };
  }
  const unknown = selection.filter((name) => !findAgent(name));
  if (unknown.length > 0) {
    throw new GuardError('user', `unknown agent${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      hints: [`Known agents: ${AGENTS.map((a) => a.id).join(', ')} (or \`all\`, \`none\`).`],
    });
  }
  const chosen = new Map<string, AgentIntegration>();
  for (const name of selection) {
    const agent = findAgent(name) as AgentIntegration;
    chosen.set(agent.id, agent);
  }
  return { chosen: [...chosen.values()].map((agent) => ({ agent, evidence: [] })), notDetected: [] };
}

export { hookCommandFor };

export interface AgentPlan {
  agent: string;
  displayName: string;
  /** The file guard writes, relative to the worktree root. */
  file: string;
  evidence: string[];
}

/** What `installAgents` would set up, for `guard init` to show before it asks. */
export function planAgents(repo: Repo, selection: AgentSelection, env: NodeJS.ProcessEnv = process.env): { chosen: AgentPlan[]; notDetected: string[] } {
  const { chosen, notDetected } = resolveSelection(repo, selection, env);
  return {
    chosen: chosen.map(({ agent, evidence }) => ({ agent: agent.id, displayName: agent.displayName, file: agent.inspect(repo.root).file, evidence })),
    notDetected,
  };
}

export async function installAgents(repo: Repo, options: { agents: AgentSelection; env?: NodeJS.ProcessEnv }): Promise<InstallAgentsResult> {
  const env = options.env ?? process.env;
  const { chosen, notDetected } = resolveSelection(repo, options.agents, env);
  packageRoot(); // fail before touching any file if the package cannot be located
  const manifest = readManifest(repo);
  const installed: AgentInstallReport[] = [];
  // The per-clone launcher every hook command finds (src/agents/launcher.ts).
  const launcher = chosen.length > 0 ? writeLauncher(repo) : 'unchanged';
  try {
    for (const { agent, evidence } of chosen) {
      const result = agent.install({
        root: repo.root,
        hookCommand: (event) => hookCommandFor(agent.id, event),
        previous: manifest.agents[agent.id],
      });
      manifest.agents[agent.id] = result.record;
      const notes = [...result.notes];
      const local = agent.localSettingsFile;
      if (local && fs.existsSync(path.join(repo.root, local))) {
        const line = excludeLocalFile(repo, local);
        if (line) notes.push(`kept ${local} out of git (this clone's own settings): added ${line} to .git/info/exclude`);
      }
      installed.push({ agent: agent.id, displayName: agent.displayName, files: result.files, notes, evidence });
    }
  } finally {
    // Record what was created even when a later agent failed, so uninstall stays exact.
    writeManifest(repo, manifest);
  }
  return { installed, notDetected, launcher };
}

export async function uninstallAgents(repo: Repo): Promise<UninstallAgentsResult> {
  const manifest = readManifest(repo);
  const removed: UninstallAgentsResult['removed'] = [];
  for (const agent of AGENTS) {
    const result = agent.uninstall(repo.root, manifest.agents[agent.id]);
    const touched = result.files.filter((f) => f.action !== 'unchanged');
    if (agent.localSettingsFile && removeLocalExclude(repo, agent.localSettingsFile)) touched.push({ path: path.join(repo.commonDir, 'info', 'exclude'), action: 'updated' });
    if (touched.length > 0) removed.push({ agent: agent.id, displayName: agent.displayName, files: touched });
  }
  fs.rmSync(manifestPath(repo), { force: true });
  for (const name of [HOOK_FILE_LIST, 'agent-hooks-seen', 'agent-hooks-reported']) fs.rmSync(guardPath(repo, name), { force: true });
  removeLauncher(repo);
  return { removed };
}
