/**
 * Who is acting: a person or an AI agent, recognised by the environment markers agents put on
 * the shells they run. Markers are inherited by child processes and anyone can set them, so they
 * may only ever TIGHTEN policy: an agent's mode is never looser than a person's (schema.ts), and
 * a missing marker never proves a person is at the keyboard. That is why a marker counts even
 * with an unusual value (`CLAUDECODE=true`): being generous here can only make guard stricter.
 * Pure: the environment is passed in.
 */
import type { ActorKind } from './schema.js';

export interface Actor {
  kind: ActorKind;
  /** Agent id, the same as the agent integrations' (`claude`, `cursor`, `codex`, `gemini`, `opencode`, `copilot`, ...), null for people. */
  agent: string | null;
  /** The environment variable that identified the agent, null for people. */
  marker: string | null;
}

interface MarkerSpec {
  env: string;
  agent: string;
  /** flag: set and not an explicit "off" value; any: set and non-empty. */
  match: 'flag' | 'any';
}

/** In priority order: the first marker present names the agent. */
export const AGENT_MARKERS: readonly MarkerSpec[] = [
  { env: 'CLAUDECODE', agent: 'claude', match: 'flag' },
  { env: 'CURSOR_AGENT', agent: 'cursor', match: 'flag' },
  { env: 'GEMINI_CLI', agent: 'gemini', match: 'flag' },
  { env: 'CODEX_THREAD_ID', agent: 'codex', match: 'any' },
  { env: 'OPENCODE', agent: 'opencode', match: 'flag' },
  { env: 'COPILOT_CLI', agent: 'copilot', match: 'flag' },
];

/**
 * Agents that run every git command with git's hooks switched off (Gemini CLI 0.61: GIT_CONFIG_COUNT
 * sets core.hooksPath to "" in each shell command's environment; docs/agents.md): for them the
 * agent hook is the only layer, and `guard status` says so.
 */
export const AGENTS_WITHOUT_GIT_HOOKS: ReadonlySet<string> = new Set(['gemini']);

/**
 * Agents whose hooks guard installs include a post-tool event (Claude Code's PostToolUse): there
 * guard puts back its own files a broad `git clean` deleted right after the command
 * (restore/own-files.ts), so such a clean is a snapshot instead of a guard-self deny. The others
 * keep the deny. A test keeps this equal to the integrations' hook lists.
 */
export const AGENTS_WITH_POST_TOOL: ReadonlySet<string> = new Set(['claude']);

/**
 * A generic marker for agents guard has no integration for (`guard run --agent NAME` can set it
 * for the command it starts). Its value names the agent.
 */
export const GENERIC_AGENT_MARKER = 'GUARD_AGENT';

const OFF_VALUES = new Set(['0', 'false', 'no', 'off']);

function present(value: string | undefined, match: MarkerSpec['match']): boolean {
  if (value === undefined || value.trim() === '') return false;
  return match === 'any' || !OFF_VALUES.has(value.trim().toLowerCase());
}

function agentName(value: string): string {
  const name = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return name || 'agent';
}

export const HUMAN: Actor = Object.freeze({ kind: 'human', agent: null, marker: null });

export function detectActor(env: Record<string, string | undefined>): Actor {
  for (const spec of AGENT_MARKERS) {
    if (present(env[spec.env], spec.match)) return { kind: 'agent', agent: spec.agent, marker: spec.env };
  }
  const generic = env[GENERIC_AGENT_MARKER];
  if (present(generic, 'flag')) return { kind: 'agent', agent: agentName(generic ?? ''), marker: GENERIC_AGENT_MARKER };
  return { ...HUMAN };
}
