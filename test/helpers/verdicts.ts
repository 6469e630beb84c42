/**
 * The command guard's answer for a command in a test repository, the two ways tests ask: `guard
 * check-command --json` (verdict, rule, reason, way forward) and Claude Code's PreToolUse hook
 * through `guard agent-hook` (the decision the agent sees; no output is allow).
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { GUARD_BIN, type TestRepo } from './git-repo.js';

export interface CheckVerdict {
  verdict: string;
  rule: string;
  reason: string;
  instead?: string;
}

/** `guard check-command --json COMMAND` in the repository (exit 0 allowed, 3 denied). */
export function checkVerdict(t: TestRepo, command: string): CheckVerdict {
  const r = t.guard(['check-command', '--json', command]);
  expect([0, 3], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout) as CheckVerdict;
}

/** Claude Code's pre-tool hook for a Bash tool call running COMMAND in the repository. */
export function agentVerdict(t: TestRepo, command: string): { decision: string; reason: string } {
  const payload = { session_id: 's1', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  if (r.stdout.trim() === '') return { decision: 'allow', reason: '' };
  const out = JSON.parse(r.stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } };
  return { decision: out.hookSpecificOutput?.permissionDecision ?? 'allow', reason: out.hookSpecificOutput?.permissionDecisionReason ?? '' };
}
