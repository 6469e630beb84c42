/**
 * Claude Code. Hooks live in `.claude/settings.local.json` (project scope, not committed: the hook
 * command holds this machine's absolute package path). Protocol, verified in docs/agents.md:
 *  - stdin: session_id, cwd, permission_mode, hook_event_name; PreToolUse adds tool_name and
 *    tool_input (Bash: command; Write/Edit/MultiEdit: file_path; NotebookEdit: notebook_path).
 *  - deny/ask: exit 0 with hookSpecificOutput.permissionDecision; any exit other than 0 or 2 lets
 *    the tool run, so guard never relies on a crash exit code.
 *  - an "ask" is auto-approved under bypassPermissions, so there guard denies instead.
 *  - allow prints nothing: "allow" in the JSON would skip the person's own permission prompt.
 */
import type { AgentEvent, AgentIntegration, HookEventKind, HookOutput, HookVerdict, InstallContext, ToolCall } from '../types.js';
import { detectBy } from '../shared/detect.js';
import { inheritRecord, installJsonHooks, uninstallJsonHooks, type JsonHooksPlan } from '../shared/json-hooks.js';
import type { NestedSpec } from '../shared/hook-entries.js';
import type { JsonObject } from '../shared/json-file.js';
import { firstStr, objectField, parsePayload, str } from '../shared/payload.js';
import { verdictText } from '../shared/verdict-text.js';
import { hookCommandFor } from '../launcher.js';
import { inspectJsonHooks } from '../shared/inspect.js';
import { claudeTrust } from '../trust/claude.js';

/** The context guard installs with: the stable command of src/agents/launcher.ts. */
const stableContext = (id: string): InstallContext => ({ root: '', hookCommand: (event) => hookCommandFor(id, event), previous: undefined });

const PLAN: JsonHooksPlan = { file: '.claude/settings.local.json', shape: 'nested', commandKey: 'command' };

/** Modes in which Claude Code does not show a permission prompt, so "ask" would run the tool. */
const NO_PROMPT_MODES = new Set(['bypassPermissions', 'dontAsk']);

function specs(context: InstallContext): NestedSpec[] {
  const hook = (event: HookEventKind, timeout: number): JsonObject => ({ type: 'command', command: context.hookCommand(event), timeout });
  return [
    { event: 'SessionStart', hook: hook('session-start', 120) },
    { event: 'PreToolUse', matcher: 'Bash|Write|Edit|MultiEdit|NotebookEdit', hook: hook('pre-tool', 120) },
    // Closes the step the tool call opened (docs/timeline.md); answered by the sh shim when the watcher runs.
    { event: 'PostToolUse', matcher: 'Bash|Write|Edit|MultiEdit|NotebookEdit', hook: hook('post-tool', 120) },
    { event: 'Stop', hook: hook('stop', 120) },
    { event: 'SessionEnd', hook: hook('session-end', 120) },
  ];
}

function toolCall(name: string | undefined, input: JsonObject | undefined): ToolCall {
  const tool = name ?? 'unknown';
  switch (tool) {
    case 'Bash':
      return { kind: 'shell', name: tool, command: firstStr(input, 'command') ?? '' };
    case 'Write':
      return { kind: 'file-write', name: tool, path: firstStr(input, 'file_path') };
    case 'Edit':
    case 'MultiEdit':
      return { kind: 'file-edit', name: tool, path: firstStr(input, 'file_path') };
    case 'NotebookEdit':
      return { kind: 'file-edit', name: tool, path: firstStr(input, 'notebook_path') };
    default:
      return { kind: 'other', name: tool };
  }
}

function parseEvent(stdin: string, event: HookEventKind): AgentEvent {
  const payload = parsePayload(stdin);
  const parsed: AgentEvent = {
    kind: event,
    sessionId: str(payload.session_id) ?? null,
    cwd: str(payload.cwd) ?? null,
    tool: event === 'pre-tool' || event === 'post-tool' ? toolCall(str(payload.tool_name), objectField(payload.tool_input)) : null,
  };
  const source = str(payload.source);
  if (source) parsed.source = source;
  const callId = str(payload.tool_use_id);
  if (callId) parsed.callId = callId;
  const mode = str(payload.permission_mode);
  if (mode) parsed.permissionMode = mode;
  return parsed;
}

function formatVerdict(verdict: HookVerdict, event: HookEventKind, parsed: AgentEvent | null): HookOutput {
  if (event === 'pre-tool' && verdict.decision !== 'allow') {
    const cannotAsk = verdict.decision === 'ask' && parsed?.permissionMode !== undefined && NO_PROMPT_MODES.has(parsed.permissionMode);
    const decision = cannotAsk ? 'deny' : verdict.decision;
    const suffix = cannotAsk ? ` (It needs a person's confirmation, which Claude Code does not show in ${parsed?.permissionMode} mode: the person can run it.)` : '';
    const output = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: decision,
        permissionDecisionReason: verdictText({ ...verdict, decision }) + suffix,
      },
    };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  }
  if (verdict.message && event === 'post-tool') {
    // After a tool call (guard's own files put back after a merge or clean deleted them): the
    // person sees systemMessage, the model only additionalContext (2.1.337, seen with the real CLI:
    // test/e2e-agents/agent-output.test.ts), and the model must know its command's effect was undone.
    const output = { systemMessage: verdict.message, hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: verdict.message } };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  }
  if (verdict.message) return { stdout: `${JSON.stringify({ systemMessage: verdict.message })}\n`, stderr: '', exitCode: 0 };
  return { stdout: '', stderr: '', exitCode: 0 };
}

export const claudeCode: AgentIntegration = {
  id: 'claude',
  displayName: 'Claude Code',
  unguardedInSubmodule: true,
  reportsSessionEnd: true,
  aliases: ['claude-code'],
  localSettingsFile: PLAN.file,
  detect: (root, env) => detectBy(root, env, { repoPaths: ['.claude', 'CLAUDE.md'], homePaths: ['.claude'], binaries: ['claude'] }),
  install(context) {
    const record = inheritRecord(context.root, context.previous);
    const change = installJsonHooks(context.root, PLAN, { nested: specs(context) }, record);
    return {
      files: [change],
      record,
      notes: change.action === 'unchanged' ? [] : ['Claude Code reads hooks at session start: restart running sessions (or review them with /hooks).'],
    };
  },
  uninstall: (root, record) => ({ files: [uninstallJsonHooks(root, PLAN, record)] }),
  parseEvent,
  formatVerdict,
  inspect: (root) => inspectJsonHooks(root, PLAN, { nested: specs(stableContext('claude')) }),
  trust: claudeTrust,
};
