/**
 * The agent registry: one explicit list. Adding an agent is one folder under src/agents/ and one
 * line here; nothing registers itself by being imported.
 */
import type { AgentIntegration } from './types.js';
import { claudeCode } from './claude-code/index.js';
import { codex } from './codex/index.js';
import { copilot } from './copilot/index.js';
import { cursor } from './cursor/index.js';
import { gemini } from './gemini/index.js';
import { opencode } from './opencode/index.js';

export const AGENTS: readonly AgentIntegration[] = [claudeCode, cursor, codex, gemini, copilot, opencode];

export function findAgent(name: string): AgentIntegration | undefined {
  const key = name.trim().toLowerCase();
  return AGENTS.find((agent) => agent.id === key || agent.aliases?.includes(key));
}
