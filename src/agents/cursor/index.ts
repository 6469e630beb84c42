/**
 * Cursor (IDE agent and `cursor-agent` CLI). Hooks live in `.cursor/hooks.json`
 * (`{"version": 1, "hooks": {...}}`). Protocol, verified in docs/agents.md:
 *  - stdin: conversation_id, generation_id, hook_event_name, workspace_roots; beforeShellExecution
 *    adds command and cwd; preToolUse adds tool_name and tool_input.
 *  - answer: `{"permission": "allow"|"deny"|"ask", "user_message", "agent_message"}`, exit 0.
 *  - a crashing or timed-out hook lets the action through unless the entry has `failClosed: true`,
 *    which guard sets on both checking hooks. Timeouts are in seconds.
 *  - shell commands go through beforeShellExecution; preToolUse is matched to the file tools only,
 *    so one command is checked once.
 */
import type { AgentEvent, AgentIntegration, HookEventKind, HookOutput, HookVerdict, InstallContext, ToolCall } from '../types.js';
import { detectBy } from '../shared/detect.js';
import { inheritRecord, installJsonHooks, uninstallJsonHooks, type JsonHooksPlan } from '../shared/json-hooks.js';
import type { FlatSpec } from '../shared/hook-entries.js';
import type { JsonObject } from '../shared/json-file.js';
import { firstStr, objectField, parsePayload, str } from '../shared/payload.js';
import { verdictText } from '../shared/verdict-text.js';
import { hookCommandFor } from '../launcher.js';
import { inspectJsonHooks } from '../shared/inspect.js';

/** The context guard installs with: the stable command of src/agents/launcher.ts. */
const stableContext = (id: string): InstallContext => ({ root: '', hookCommand: (event) => hookCommandFor(id, event), previous: undefined });

const PLAN: JsonHooksPlan = { file: '.cursor/hooks.json', shape: 'flat', commandKey: 'command', ensure: { version: 1 } };

const FILE_TOOLS = 'Write|Edit|StrReplace|MultiEdit|Delete';

function specs(context: InstallContext): FlatSpec[] {
  const entry = (event: HookEventKind, extra: JsonObject = {}): JsonObject => ({ command: context.hookCommand(event), timeout: 120, ...extra });
  return [
    { event: 'sessionStart', entry: entry('session-start') },
    { event: 'beforeShellExecution', entry: entry('pre-tool', { failClosed: true }) },
    { event: 'preToolUse', entry: entry('pre-tool', { matcher: FILE_TOOLS, failClosed: true }) },
    { event: 'stop', entry: entry('stop') },
    { event: 'sessionEnd', entry: entry('session-end') },
  ];
}

function toolCall(payload: JsonObject): ToolCall {
  if (str(payload.hook_event_name) === 'beforeShellExecution' || (payload.command !== undefined && payload.tool_name === undefined)) {
    return { kind: 'shell', name: 'Shell', command: str(payload.command) ?? '' };
  }
  const tool = str(payload.tool_name) ?? 'unknown';
  const input = objectField(payload.tool_input);
  const file = firstStr(input, 'file_path', 'path', 'target_file', 'filePath');
  switch (tool) {
    case 'Shell':
      return { kind: 'shell', name: tool, command: firstStr(input, 'command') ?? '' };
    case 'Write':
      return { kind: 'file-write', name: tool, path: file };
    case 'Delete':
      return { kind: 'file-delete', name: tool, path: file };
    case 'Edit':
    case 'StrReplace':
    case 'MultiEdit':
      return { kind: 'file-edit', name: tool, path: file };
    default:
      return { kind: 'other', name: tool };
  }
}

function parseEvent(stdin: string, event: HookEventKind): AgentEvent {
  const payload = parsePayload(stdin);
  const roots = Array.isArray(payload.workspace_roots) ? payload.workspace_roots.filter((r): r is string => typeof r === 'string') : [];
  return {
    kind: event,
    sessionId: str(payload.conversation_id) ?? str(payload.session_id) ?? null,
    cwd: str(payload.cwd) ?? roots[0] ?? null,
    tool: event === 'pre-tool' || event === 'post-tool' ? toolCall(payload) : null,
  };
}

function formatVerdict(verdict: HookVerdict, event: HookEventKind): HookOutput {
  if (event === 'pre-tool') {
    if (verdict.decision === 'allow') return { stdout: `${JSON.stringify({ permission: 'allow' })}\n`, stderr: '', exitCode: 0 };
    const text = verdictText(verdict);
    return { stdout: `${JSON.stringify({ permission: verdict.decision, user_message: text, agent_message: text })}\n`, stderr: '', exitCode: 0 };
  }
  // Lifecycle hooks have no field shown to the person (a stop followup_message would start a new
  // turn), so the summary goes to Cursor's hook output log.
  return { stdout: '{}\n', stderr: verdict.message ? `${verdict.message}\n` : '', exitCode: 0 };
}

export const cursor: AgentIntegration = {
  id: 'cursor',
  displayName: 'Cursor',
  reportsSessionEnd: true,
  detect: (root, env) => detectBy(root, env, { repoPaths: ['.cursor', '.cursorrules'], homePaths: ['.cursor'], binaries: ['cursor-agent', 'cursor'] }),
  install(context) {
    const record = inheritRecord(context.root, context.previous);
    const change = installJsonHooks(context.root, PLAN, { flat: specs(context) }, record);
    return {
      files: [change],
      record,
      notes: change.action === 'unchanged' ? [] : ['Cursor picks up .cursor/hooks.json on restart; check Settings → Hooks.'],
    };
  },
  uninstall: (root, record) => ({ files: [uninstallJsonHooks(root, PLAN, record)] }),
  parseEvent,
  formatVerdict,
  inspect: (root) => inspectJsonHooks(root, PLAN, { flat: specs(stableContext('cursor')) }),
  // Cursor's agent cannot be installed from a registry, so its trust rules were never observed.
  trust: () => ({ state: 'unknown', detail: "Cursor's trust rules are not checked (Cursor is tested against documented fixtures only)", fix: 'open the project in Cursor and check Settings > Hooks' }),
};
