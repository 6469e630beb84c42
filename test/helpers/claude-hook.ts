/**
 * Claude Code's PreToolUse hook as the tests drive it: the JSON Claude Code sends for a Bash
 * command or a file tool (Write, Edit), `guard agent-hook claude pre-tool` run on it in the test
 * repository with its hermetic environment (git-repo.ts: own HOME, GIT_CONFIG_GLOBAL=/dev/null,
 * fixed dates, gc off; nothing from the developer's git or agent setup leaks into a verdict), and
 * the answer Claude Code reads back (no output is allow).
 *
 * A hook that exits non-zero fails the test here, with its stderr: an agent hook's crash is never
 * an answer, so no caller may have to remember to check the exit code.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { GUARD_BIN, type TestRepo } from './git-repo.js';

/** A tool call: a shell command, or a file tool on a path relative to the repository. */
export type ToolCall =
  | { tool: 'Bash'; command: string }
  | { tool: 'Write'; file: string; content?: string }
  | { tool: 'Edit'; file: string; oldString?: string; newString?: string };

export interface HookAnswer {
  /** What the hook printed (empty: allow, said nothing). */
  stdout: string;
  decision: string;
  reason: string;
}

/**
 * The payload Claude Code sends before the tool runs. File tools carry a tool_use_id (which pairs
 * a pre-tool with its post-tool); the Bash calls of these tests never did, and still do not.
 */
export function preToolPayload(t: TestRepo, call: ToolCall): string {
  const input =
    call.tool === 'Bash'
      ? { command: call.command }
      : call.tool === 'Write'
        ? { file_path: path.join(t.dir, call.file), content: call.content ?? 'NEW=1\n' }
        : { file_path: path.join(t.dir, call.file), old_string: call.oldString ?? 'a', new_string: call.newString ?? 'b' };
  return JSON.stringify({
    session_id: 's1',
    transcript_path: '/t',
    cwd: t.dir,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: call.tool,
    tool_input: input,
    ...(call.tool === 'Bash' ? {} : { tool_use_id: 'toolu_1' }),
  });
}

/** The decision and reason in a pre-tool hook's output (no output, or none named, is allow). */
export function decisionOf(stdout: string): { decision: string; reason: string } {
  if (stdout.trim() === '') return { decision: 'allow', reason: '' };
  const out = JSON.parse(stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } };
  return { decision: out.hookSpecificOutput?.permissionDecision ?? 'allow', reason: out.hookSpecificOutput?.permissionDecisionReason ?? '' };
}

/** Runs `guard agent-hook claude pre-tool` for `call`; `env` is added to the repository's (a trace file, say). */
export function preToolHook(t: TestRepo, call: ToolCall, env: Record<string, string> = {}): HookAnswer {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...env }, input: preToolPayload(t, call), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, ...decisionOf(r.stdout) };
}
