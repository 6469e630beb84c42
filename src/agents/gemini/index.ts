/**
 * Gemini CLI. Hooks live in `.gemini/settings.json` under `hooks`; the hooks system is on unless
 * `hooksConfig.enabled` is false, and `hooksConfig.disabled` can turn single hooks off by name
 * (guard's are named `git-guard-<event>`); `guard status` reports both (src/agents/trust/gemini.ts).
 * Gemini runs project hooks only in a trusted folder. Protocol, verified against
 * google-gemini/gemini-cli docs/hooks (docs/agents.md):
 *  - stdin: session_id, cwd, hook_event_name, timestamp; BeforeTool adds tool_name
 *    (run_shell_command, write_file, replace) and tool_input.
 *  - deny: exit 0 with `{"decision":"deny","reason":...}` (the reason goes to the agent). Gemini
 *    0.61 knows `ask`, but a headless run has no one to ask, so guard still denies with a reason
 *    saying a person must confirm. Allow prints `{}` (stdout must be JSON
 *    only; a `decision: allow` could skip the person's confirmation).
 *  - timeouts are in milliseconds; SessionEnd is best effort (the CLI does not wait), so AfterAgent
 *    (end of every turn) also ends the session.
 */
import path from 'node:path';
import type { AgentEvent, AgentIntegration, HookEventKind, HookOutput, HookVerdict, InstallContext, ToolCall } from '../types.js';
import { detectBy } from '../shared/detect.js';
import { inheritRecord, installJsonHooks, uninstallJsonHooks, type JsonHooksPlan } from '../shared/json-hooks.js';
import type { NestedSpec } from '../shared/hook-entries.js';
import type { JsonObject } from '../shared/json-file.js';
import { firstStr, objectField, parsePayload, str } from '../shared/payload.js';
import { verdictText } from '../shared/verdict-text.js';
import { hookCommandFor } from '../launcher.js';
import { inspectJsonHooks } from '../shared/inspect.js';
import { GEMINI_TRUST_ENV, geminiTrust } from '../trust/gemini.js';

/** The context guard installs with: the stable command of src/agents/launcher.ts. */
const stableContext = (id: string): InstallContext => ({ root: '', hookCommand: (event) => hookCommandFor(id, event), previous: undefined });

// Hooks are on by default (`hooksConfig.enabled`); guard no longer writes the obsolete `tools.enableHooks`.
const PLAN: JsonHooksPlan = { file: '.gemini/settings.json', shape: 'nested', commandKey: 'command', obsolete: { 'tools.enableHooks': true } };

function specs(context: InstallContext): NestedSpec[] {
  const hook = (event: HookEventKind, timeoutMs: number): JsonObject => ({
    name: `git-guard-${event}`,
    type: 'command',
    command: context.hookCommand(event),
    timeout: timeoutMs,
  });
  return [
    { event: 'SessionStart', hook: hook('session-start', 120_000) },
    { event: 'BeforeTool', matcher: 'run_shell_command|write_file|replace', hook: hook('pre-tool', 120_000) },
    { event: 'AfterAgent', hook: hook('stop', 120_000) },
    { event: 'SessionEnd', hook: hook('session-end', 120_000) },
  ];
}

function toolCall(name: string | undefined, input: JsonObject | undefined): ToolCall {
  const tool = name ?? 'unknown';
  switch (tool) {
    case 'run_shell_command':
      return { kind: 'shell', name: tool, command: firstStr(input, 'command') ?? '' };
    case 'write_file':
      return { kind: 'file-write', name: tool, path: firstStr(input, 'file_path', 'absolute_path', 'path') };
    case 'replace':
      return { kind: 'file-edit', name: tool, path: firstStr(input, 'file_path', 'absolute_path', 'path') };
    default:
      return { kind: 'other', name: tool };
  }
}

function parseEvent(stdin: string, event: HookEventKind): AgentEvent {
  const payload = parsePayload(stdin);
  const input = objectField(payload.tool_input);
  const base = str(payload.cwd) ?? null;
  // A shell command may run in a sub-directory (dir_path) of the project.
  const dir = str(payload.tool_name) === 'run_shell_command' ? firstStr(input, 'dir_path', 'directory') : undefined;
  const parsed: AgentEvent = {
    kind: event,
    sessionId: str(payload.session_id) ?? null,
    cwd: base && dir ? path.resolve(base, dir) : base,
    tool: event === 'pre-tool' || event === 'post-tool' ? toolCall(str(payload.tool_name), input) : null,
  };
  const source = str(payload.source);
  if (source) parsed.source = source;
  return parsed;
}

function formatVerdict(verdict: HookVerdict, event: HookEventKind): HookOutput {
  if (event === 'pre-tool' && verdict.decision !== 'allow') {
    const reason = verdict.decision === 'ask' ? `${verdictText({ ...verdict, decision: 'deny' })} (It needs a person's confirmation, and guard cannot tell whether this Gemini CLI run can ask one (headless and --yolo runs cannot): the person can run it.)` : verdictText(verdict);
    return { stdout: `${JSON.stringify({ decision: 'deny', reason })}\n`, stderr: '', exitCode: 0 };
  }
  if (verdict.message) return { stdout: `${JSON.stringify({ systemMessage: verdict.message })}\n`, stderr: '', exitCode: 0 };
  return { stdout: '{}\n', stderr: '', exitCode: 0 };
}

export const gemini: AgentIntegration = {
  id: 'gemini',
  displayName: 'Gemini CLI',
  unguardedInSubmodule: true,
  reportsSessionEnd: true,
  aliases: ['gemini-cli'],
  detect: (root, env) => detectBy(root, env, { repoPaths: ['.gemini', 'GEMINI.md'], homePaths: ['.gemini'], binaries: ['gemini'] }),
  install(context) {
    const record = inheritRecord(context.root, context.previous);
    const change = installJsonHooks(context.root, PLAN, { nested: specs(context) }, record);
    return {
      files: [change],
      record,
      notes: change.action === 'unchanged' ? [] : ['Gemini CLI reads hooks at startup: restart running sessions; check them with /hooks panel.'],
    };
  },
  uninstall: (root, record) => ({ files: [uninstallJsonHooks(root, PLAN, record)] }),
  parseEvent,
  formatVerdict,
  inspect: (root) => inspectJsonHooks(root, PLAN, { nested: specs(stableContext('gemini')) }),
  trust: (root, env, _mainRoot, seen) => geminiTrust(root, env, specs(stableContext('gemini')).map((s) => String(s.hook.name)), seen),
  trustEnv: GEMINI_TRUST_ENV,
};
