/**
 * Each agent's protocol, in-process: the documented payloads parse to the normalized event, and
 * every verdict renders to the exact bytes and exit code that agent acts on. (The same outputs are
 * checked end to end, through the real hook process, in hook-fixtures.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { AGENTS, findAgent } from '../../../src/agents/index.js';
import type { AgentEvent, HookVerdict } from '../../../src/agents/types.js';

const DENY: HookVerdict = { decision: 'deny', rule: 'git-push-force', reason: 'a force push rewrites remote history.', instead: 'Push without force.' };
const ASK: HookVerdict = { decision: 'ask', rule: 'opaque-command', reason: 'guard cannot see what runs', instead: 'Write it out.' };
const ALLOW: HookVerdict = { decision: 'allow' };
const DENY_TEXT = 'git-guard blocked this (rule git-push-force): a force push rewrites remote history. Instead: Push without force.';
const ASK_TEXT = 'git-guard asks for confirmation (rule opaque-command): guard cannot see what runs. Instead: Write it out.';

function agent(id: string) {
  const found = findAgent(id);
  if (!found) throw new Error(id);
  return found;
}

function out(stdout: string, stderr = '', exitCode = 0) {
  return { stdout, stderr, exitCode };
}

describe('registry', () => {
  it('lists the six agents once, each with a unique id', () => {
    expect(AGENTS.map((a) => a.id)).toEqual(['claude', 'cursor', 'codex', 'gemini', 'copilot', 'opencode']);
    expect(findAgent('claude-code')?.id).toBe('claude');
    expect(findAgent('Gemini-CLI')?.id).toBe('gemini');
    expect(findAgent('vim')).toBeUndefined();
  });

});

describe('Claude Code', () => {
  const claude = agent('claude');
  const bash = JSON.stringify({
    session_id: 'abc123',
    transcript_path: '/home/u/.claude/projects/p/abc123.jsonl',
    cwd: '/repo',
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'git push --force origin main', description: 'push' },
    tool_use_id: 'toolu_01',
  });

  it('parses Bash, Write, Edit, MultiEdit, NotebookEdit and SessionStart payloads', () => {
    expect(claude.parseEvent(bash, 'pre-tool')).toEqual({
      kind: 'pre-tool',
      sessionId: 'abc123',
      cwd: '/repo',
      tool: { kind: 'shell', name: 'Bash', command: 'git push --force origin main' },
      callId: 'toolu_01',
      permissionMode: 'default',
    });
    const write = claude.parseEvent(JSON.stringify({ session_id: 's', cwd: '/r', tool_name: 'Write', tool_input: { file_path: '/r/a.ts', content: 'x' } }), 'pre-tool');
    expect(write.tool).toEqual({ kind: 'file-write', name: 'Write', path: '/r/a.ts' });
    for (const name of ['Edit', 'MultiEdit']) {
      expect(claude.parseEvent(JSON.stringify({ tool_name: name, tool_input: { file_path: '/r/b.ts' } }), 'pre-tool').tool).toEqual({ kind: 'file-edit', name, path: '/r/b.ts' });
    }
    expect(claude.parseEvent(JSON.stringify({ tool_name: 'NotebookEdit', tool_input: { notebook_path: '/r/n.ipynb' } }), 'pre-tool').tool?.path).toBe('/r/n.ipynb');
    expect(claude.parseEvent(JSON.stringify({ tool_name: 'Read', tool_input: { file_path: '/r/a' } }), 'pre-tool').tool?.kind).toBe('other');
    const start = claude.parseEvent(JSON.stringify({ session_id: 's1', cwd: '/r', hook_event_name: 'SessionStart', source: 'resume' }), 'session-start');
    expect(start).toEqual({ kind: 'session-start', sessionId: 's1', cwd: '/r', tool: null, source: 'resume' });
  });

  it('denies and asks with hookSpecificOutput and exit 0; allow prints nothing', () => {
    const ev = claude.parseEvent(bash, 'pre-tool');
    const deny = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: DENY_TEXT } };
    expect(claude.formatVerdict(DENY, 'pre-tool', ev)).toEqual(out(`${JSON.stringify(deny)}\n`));
    const ask = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask', permissionDecisionReason: ASK_TEXT } };
    expect(claude.formatVerdict(ASK, 'pre-tool', ev)).toEqual(out(`${JSON.stringify(ask)}\n`));
    expect(claude.formatVerdict(ALLOW, 'pre-tool', ev)).toEqual(out(''));
  });

  it('turns an ask into a deny where Claude Code shows no prompt (bypassPermissions auto-approves asks)', () => {
    const ev: AgentEvent = { ...claude.parseEvent(bash, 'pre-tool'), permissionMode: 'bypassPermissions' };
    const result = JSON.parse(claude.formatVerdict(ASK, 'pre-tool', ev).stdout);
    expect(result.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(result.hookSpecificOutput.permissionDecisionReason).toContain('bypassPermissions mode');
  });

  it('shows messages as systemMessage on lifecycle events', () => {
    expect(claude.formatVerdict({ decision: 'allow', message: 'summary' }, 'stop', null)).toEqual(out('{"systemMessage":"summary"}\n'));
    expect(claude.formatVerdict({ decision: 'allow' }, 'session-end', null)).toEqual(out(''));
  });

  it('after a tool call, tells the model too (additionalContext: systemMessage reaches only the person)', () => {
    const said = { systemMessage: 'put back', hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: 'put back' } };
    expect(claude.formatVerdict({ decision: 'allow', message: 'put back' }, 'post-tool', null)).toEqual(out(`${JSON.stringify(said)}\n`));
    expect(claude.formatVerdict({ decision: 'allow' }, 'post-tool', null)).toEqual(out(''));
  });
});

describe('Codex', () => {
  const codex = agent('codex');

  it('parses Bash (string or argv) and apply_patch payloads', () => {
    const base = { session_id: 'thr', turn_id: 't1', cwd: '/repo', hook_event_name: 'PreToolUse', model: 'gpt-5', permission_mode: 'default', tool_use_id: 'c1' };
    expect(codex.parseEvent(JSON.stringify({ ...base, tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }), 'pre-tool').tool).toEqual({ kind: 'shell', name: 'Bash', command: 'rm -rf build' });
    expect(codex.parseEvent(JSON.stringify({ ...base, tool_name: 'Bash', tool_input: { command: ['bash', '-lc', 'git reset --hard'] } }), 'pre-tool').tool?.command).toBe(
      "bash -lc 'git reset --hard'",
    );
    const patch = '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-x\n+y\n*** Delete File: .guard.yaml\n*** End Patch\n';
    expect(codex.parseEvent(JSON.stringify({ ...base, tool_name: 'apply_patch', tool_input: { command: patch } }), 'pre-tool').tool).toEqual({
      kind: 'file-delete',
      name: 'apply_patch',
      paths: ['src/a.ts', '.guard.yaml'],
      path: 'src/a.ts',
      // Judged by the hook as `apply_patch '<patch>'` in the shell is (agent-hook.ts applyPatchLine).
      patch,
    });
  });

  it('denies with permissionDecision deny and a reason (without the final period Codex adds itself); ask becomes deny; allow prints nothing', () => {
    // Codex 0.171.0 shows "Command blocked by PreToolUse hook: <reason>. Command: <command>".
    const deny = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: DENY_TEXT.replace(/\.$/, '') } };
    expect(codex.formatVerdict(DENY, 'pre-tool', null)).toEqual(out(`${JSON.stringify(deny)}\n`));
    const asked = JSON.parse(codex.formatVerdict(ASK, 'pre-tool', null).stdout);
    expect(asked.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(asked.hookSpecificOutput.permissionDecisionReason).toBe(`git-guard blocked this (rule opaque-command): guard cannot see what runs. Instead: Write it out. (It needs a person's confirmation, which Codex hooks cannot ask for: the person can run it.)`);
    expect(codex.formatVerdict(ALLOW, 'pre-tool', null)).toEqual(out(''));
  });

  it('an allow with a message tells the model (additionalContext) and the TUI (systemMessage); exec runs are told on their stderr', () => {
    const said = { systemMessage: 'put back', hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: 'put back' } };
    expect(codex.formatVerdict({ decision: 'allow', message: 'put back' }, 'pre-tool', null)).toEqual(out(`${JSON.stringify(said)}\n`));
    expect(codex.formatVerdict({ decision: 'allow', message: 'summary' }, 'stop', null)).toEqual(out('{"systemMessage":"summary"}\n'));
    expect(codex.headlessOutput?.headless(['exec', '--json', 'do it'])).toBe(true);
    expect(codex.headlessOutput?.headless(['do it'])).toBe(false);
  });
});

describe('Gemini CLI', () => {
  const gemini = agent('gemini');

  it('parses run_shell_command (with dir_path), write_file and replace', () => {
    const base = { session_id: 'g1', transcript_path: '/t', cwd: '/repo', hook_event_name: 'BeforeTool', timestamp: '2026-01-01T00:00:00Z' };
    const shell = gemini.parseEvent(JSON.stringify({ ...base, tool_name: 'run_shell_command', tool_input: { command: 'ls', dir_path: 'sub' } }), 'pre-tool');
    expect(shell).toMatchObject({ sessionId: 'g1', cwd: '/repo/sub', tool: { kind: 'shell', command: 'ls' } });
    expect(gemini.parseEvent(JSON.stringify({ ...base, tool_name: 'write_file', tool_input: { file_path: '/repo/a', content: '' } }), 'pre-tool').tool).toEqual({
      kind: 'file-write',
      name: 'write_file',
      path: '/repo/a',
    });
    expect(gemini.parseEvent(JSON.stringify({ ...base, tool_name: 'replace', tool_input: { file_path: '/repo/b', old_string: 'a', new_string: 'b' } }), 'pre-tool').tool?.kind).toBe('file-edit');
  });

  it('denies with decision deny; ask becomes deny; allow prints an empty JSON object', () => {
    expect(gemini.formatVerdict(DENY, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ decision: 'deny', reason: DENY_TEXT })}\n`));
    expect(JSON.parse(gemini.formatVerdict(ASK, 'pre-tool', null).stdout).decision).toBe('deny');
    expect(gemini.formatVerdict(ALLOW, 'pre-tool', null)).toEqual(out('{}\n'));
    expect(gemini.formatVerdict({ decision: 'allow', message: 'm' }, 'stop', null)).toEqual(out('{"systemMessage":"m"}\n'));
  });
});

describe('Cursor', () => {
  const cursor = agent('cursor');

  it('parses beforeShellExecution and preToolUse file tools', () => {
    const shell = cursor.parseEvent(
      JSON.stringify({ conversation_id: 'conv-1', generation_id: 'gen-1', hook_event_name: 'beforeShellExecution', workspace_roots: ['/repo'], command: 'git clean -fdx', cwd: '/repo/sub' }),
      'pre-tool',
    );
    expect(shell).toEqual({ kind: 'pre-tool', sessionId: 'conv-1', cwd: '/repo/sub', tool: { kind: 'shell', name: 'Shell', command: 'git clean -fdx' } });
    const del = cursor.parseEvent(JSON.stringify({ conversation_id: 'c', hook_event_name: 'preToolUse', workspace_roots: ['/repo'], tool_name: 'Delete', tool_input: { path: '/repo/x' } }), 'pre-tool');
    expect(del).toMatchObject({ cwd: '/repo', tool: { kind: 'file-delete', path: '/repo/x' } });
  });

  it('answers with permission deny/ask/allow and both messages', () => {
    expect(cursor.formatVerdict(DENY, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ permission: 'deny', user_message: DENY_TEXT, agent_message: DENY_TEXT })}\n`));
    expect(cursor.formatVerdict(ASK, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ permission: 'ask', user_message: ASK_TEXT, agent_message: ASK_TEXT })}\n`));
    expect(cursor.formatVerdict(ALLOW, 'pre-tool', null)).toEqual(out('{"permission":"allow"}\n'));
    expect(cursor.formatVerdict({ decision: 'allow', message: 'sum' }, 'stop', null)).toEqual(out('{}\n', 'sum\n'));
  });
});

describe('Copilot CLI', () => {
  const copilot = agent('copilot');

  it('parses camelCase payloads with toolArgs as an object or a JSON string', () => {
    const asString = copilot.parseEvent(JSON.stringify({ sessionId: 'cp1', timestamp: 1704614600000, cwd: '/repo', toolName: 'bash', toolArgs: '{"command":"rm -rf dist","description":"clean"}' }), 'pre-tool');
    expect(asString).toEqual({ kind: 'pre-tool', sessionId: 'cp1', cwd: '/repo', tool: { kind: 'shell', name: 'bash', command: 'rm -rf dist' } });
    const asObject = copilot.parseEvent(JSON.stringify({ sessionId: 'cp1', cwd: '/repo', toolName: 'create', toolArgs: { path: '/repo/n.ts', file_text: '' } }), 'pre-tool');
    expect(asObject.tool).toEqual({ kind: 'file-write', name: 'create', path: '/repo/n.ts' });
    expect(copilot.parseEvent(JSON.stringify({ sessionId: 'cp1', cwd: '/repo', toolName: 'edit', toolArgs: '{not json' }), 'pre-tool').tool).toEqual({ kind: 'file-edit', name: 'edit', path: undefined });
  });

  it('answers with permissionDecision; allow keeps the default flow (no output)', () => {
    expect(copilot.formatVerdict(DENY, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ permissionDecision: 'deny', permissionDecisionReason: DENY_TEXT })}\n`));
    expect(copilot.formatVerdict(ASK, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ permissionDecision: 'ask', permissionDecisionReason: ASK_TEXT })}\n`));
    expect(copilot.formatVerdict(ALLOW, 'pre-tool', null)).toEqual(out(''));
  });
});

describe('OpenCode', () => {
  const opencode = agent('opencode');

  it('parses the payload its plugin sends', () => {
    const ev = opencode.parseEvent(JSON.stringify({ sessionID: 'ses_1', tool: 'bash', args: { command: 'git reset --hard', description: 'x' }, cwd: '/repo' }), 'pre-tool');
    expect(ev).toEqual({ kind: 'pre-tool', sessionId: 'ses_1', cwd: '/repo', tool: { kind: 'shell', name: 'bash', command: 'git reset --hard' } });
    expect(opencode.parseEvent(JSON.stringify({ tool: 'write', args: { filePath: '/repo/a', content: '' } }), 'pre-tool').tool).toEqual({ kind: 'file-write', name: 'write', path: '/repo/a' });
    // Its apply_patch takes a Codex-style patch: judged, as Codex's, as `apply_patch '<patch>'` in the shell.
    const patchText = '*** Begin Patch\n*** Update File: a.ts\n*** Move to: ../a.ts\n@@\n-x\n+y\n*** End Patch\n';
    expect(opencode.parseEvent(JSON.stringify({ tool: 'apply_patch', args: { patchText }, cwd: '/repo' }), 'pre-tool').tool).toEqual({ kind: 'file-edit', name: 'apply_patch', paths: ['a.ts', '../a.ts'], path: 'a.ts', patch: patchText });
  });

  it('answers deny/ask as JSON for the plugin to throw on; allow prints nothing', () => {
    expect(opencode.formatVerdict(DENY, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ decision: 'deny', reason: DENY_TEXT })}\n`));
    expect(opencode.formatVerdict(ASK, 'pre-tool', null)).toEqual(out(`${JSON.stringify({ decision: 'ask', reason: ASK_TEXT })}\n`));
    expect(opencode.formatVerdict(ALLOW, 'pre-tool', null)).toEqual(out(''));
  });
});

describe('every agent', () => {
  it('rejects a payload that is not JSON (the hook then fails closed)', () => {
    for (const a of AGENTS) expect(() => a.parseEvent('{"tool_name": ', 'pre-tool')).toThrow(/not JSON/);
  });
});
