/**
 * Hooks never fail open silently: when guard itself fails inside an agent hook, a tool call that is
 * not provably benign is denied in that agent's protocol and the failure is journaled. The crash
 * is injected with GUARD_TEST_CRASH=1, which can only make guard stricter.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function hook(t: TestRepo, agent: string, event: string, input: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', agent, event], { cwd: t.dir, env: { ...t.env, ...env }, input, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

const CRASH = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_CRASH: '1' };

/** A shell tool call in each agent's payload shape, and where its deny reason is. */
const SHELL: Record<string, { payload: (dir: string) => object; reason: (out: string) => string }> = {
  claude: {
    payload: (dir) => ({ session_id: 's', cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }),
    reason: (o) => JSON.parse(o).hookSpecificOutput.permissionDecisionReason,
  },
  codex: {
    payload: (dir) => ({ session_id: 's', turn_id: 't', cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }),
    reason: (o) => JSON.parse(o).hookSpecificOutput.permissionDecisionReason,
  },
  gemini: {
    payload: (dir) => ({ session_id: 's', cwd: dir, hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'rm -rf build' } }),
    reason: (o) => JSON.parse(o).reason,
  },
  cursor: {
    payload: (dir) => ({ conversation_id: 's', hook_event_name: 'beforeShellExecution', workspace_roots: [dir], command: 'rm -rf build', cwd: dir }),
    reason: (o) => JSON.parse(o).agent_message,
  },
  copilot: {
    payload: (dir) => ({ sessionId: 's', cwd: dir, toolName: 'bash', toolArgs: '{"command":"rm -rf build"}' }),
    reason: (o) => JSON.parse(o).permissionDecisionReason,
  },
  opencode: {
    payload: (dir) => ({ sessionID: 's', tool: 'bash', args: { command: 'rm -rf build' }, cwd: dir }),
    reason: (o) => JSON.parse(o).reason,
  },
};

describe('a crash inside the agent hook', () => {
  it.each(Object.keys(SHELL))('%s: denies a shell command in the agent protocol (exit 0) and journals hook-error', async (agent) => {
    await withTestRepo((t) => {
      const spec = SHELL[agent]!;
      const r = hook(t, agent, 'pre-tool', JSON.stringify(spec.payload(t.dir)), CRASH);
      expect(r.code).toBe(0);
      expect(spec.reason(r.stdout)).toMatch(/^git-guard blocked this \(rule hook-error\): git-guard failed while checking this tool call \(GUARD_TEST_CRASH=1: simulated crash inside the agent hook\)/);
      const events = JSON.parse(t.guard(['log', '--json']).stdout).events;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'hook-error', agent, event: 'pre-tool', command: 'rm -rf build', decision: 'deny', agentSession: 's' });
      expect(events[0].error).toContain('GUARD_TEST_CRASH=1');
    });
  });

  it('lets a provably benign tool (no commands, no writes) through', async () => {
    await withTestRepo((t) => {
      const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: `${t.dir}/a` } };
      expect(hook(t, 'claude', 'pre-tool', JSON.stringify(payload), CRASH)).toEqual({ stdout: '', stderr: '', code: 0 });
    });
  });

  it('denies a file tool', async () => {
    await withTestRepo((t) => {
      const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: `${t.dir}/a`, content: '' } };
      const r = hook(t, 'claude', 'pre-tool', JSON.stringify(payload), CRASH);
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    });
  });

  it('denies when the payload cannot be read at all', async () => {
    await withTestRepo((t) => {
      const r = hook(t, 'copilot', 'pre-tool', '{"toolName": "bash", ');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ permissionDecision: 'deny' });
      expect(JSON.parse(r.stdout).permissionDecisionReason).toContain('the hook payload is not JSON');
      const events = JSON.parse(t.guard(['log', '--json']).stdout).events;
      expect(events[0]).toMatchObject({ type: 'hook-error', agent: 'copilot', decision: 'deny' });
    });
  });

  it('does not block a session from starting, but says so and journals it', async () => {
    await withTestRepo((t) => {
      const r = hook(t, 'claude', 'session-start', JSON.stringify({ session_id: 's', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' }), CRASH);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).systemMessage).toMatch(/^git-guard: the session-start hook failed \(GUARD_TEST_CRASH=1/);
      expect(JSON.parse(t.guard(['log', '--json']).stdout).events[0]).toMatchObject({ type: 'hook-error', event: 'session-start', decision: 'allow' });
    });
  });

  it('blocks with exit 2 and a reason for an unknown agent or event', async () => {
    await withTestRepo((t) => {
      const unknownAgent = hook(t, 'vim', 'pre-tool', '{}');
      expect(unknownAgent.code).toBe(2);
      expect(unknownAgent.stderr).toContain('unknown agent "vim"; blocked');
      const unknownEvent = hook(t, 'claude', 'pre-commit', '{}');
      expect(unknownEvent.code).toBe(2);
      expect(unknownEvent.stderr).toContain('unknown event "pre-commit"');
    });
  });
});
