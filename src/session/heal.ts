/**
 * Self-healing when an agent's hooks are not on: a git hook saw an agent's environment marker
 * and no open session (hooks/lib.sh guard_heal_session), so the agent's own hooks did not open
 * one. Open a session for it (snapshot, watcher), and journal plainly that it runs without
 * guard's agent hooks and how to fix that. `guard status` shows such a session while it is open.
 */
import fs from 'node:fs';
import { guardPath, type Repo } from '../git/repo.js';
import { appendEvent } from './journal.js';
import { readOpenMarker } from './open-marker.js';
import { startSession, type SessionRecord } from './store.js';

export interface HealResult {
  session: SessionRecord | null;
  /** Why the agent's hooks did not run and the step that fixes it. */
  message: string;
}

/** `fix`: the one step that makes the agent's hooks load (src/agents/health.ts), computed by the caller. */
export async function openSessionWithoutAgentHooks(repo: Repo, agent: string, fix: string): Promise<HealResult> {
  try {
    // Another hook (or the agent's own hook, late) may have opened one meanwhile.
    if (readOpenMarker(repo)) return { session: null, message: 'a session is already open' };
    const { session } = await startSession(repo, { agent, withoutAgentHooks: true });
    const message =
      `${agent} runs git here without guard's agent hooks (no session was open), so its commands are not checked before they run; ` +
      `guard opened session ${session.id}, took a snapshot and started the watcher (undo: guard rollback --session ${session.id}). Fix: ${fix}`;
    appendEvent(repo, { type: 'agent-hooks-missing', session: session.id, agent, fix, message });
    return { session, message };
  } finally {
    fs.rmSync(guardPath(repo, 'session-heal.lock'), { recursive: true, force: true });
  }
}
