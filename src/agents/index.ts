/**
 * The agent registry: one explicit list. Adding an agent is one folder under src/agents/ and one
 * line here; nothing registers itself by being imported.
 */
import type { AgentIntegration } from './types.js';
import { claudeCode } from './claude-code/index.js';

export const AGENTS: readonly AgentIntegration[] = [claudeCode];

export function findAgent(name: string): AgentIntegration | undefined {
  const key = name.trim().toLowerCase();
  return AGENTS.find((agent) => agent.id === key || agent.aliases?.includes(key));
}
