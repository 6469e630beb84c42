/**
 * OpenAI Codex CLI. Hooks live in `<repo>/.codex/hooks.json` (loaded only once the project's
 * `.codex/` layer is trusted, and each non-managed hook must be reviewed and trusted in `/hooks`).
 * Protocol, verified against codex-rs/hooks (docs/agents.md):
 *  - stdin: session_id, turn_id, cwd, hook_event_name; PreToolUse adds tool_name (`Bash`,
 *    `apply_patch`, MCP names) and tool_input (`{command}`; a patch for apply_patch, as the real
 *    0.171.0 sends it for its apply_patch tool call: test/e2e-agents/codex.test.ts).
 *  - deny: exit 0 with hookSpecificOutput.permissionDecision "deny" and a non-empty reason, which
 *    Codex follows with ". Command: <command>" (so guard's reason ends without a period).
 *    `ask`, and `allow` without updatedInput, are "unsupported" and make the hook fail, which lets
 *    the tool run: so guard turns ask into deny and prints nothing for allow. Exit 2 counts only
 *    with non-empty stderr; guard does not use it.
 *  - SessionEnd exists only in recent releases (1-3 s budget) and an unknown event name would make
 *    older releases reject the whole file, so guard ends sessions at Stop.
 */
import type { AgentEvent, AgentIntegration, HookEventKind, HookOutput, HookVerdict, InstallContext, ToolCall } from '../types.js';
import { detectBy } from '../shared/detect.js';
import { inheritRecord, installJsonHooks, uninstallJsonHooks, type JsonHooksPlan } from '../shared/json-hooks.js';
import type { NestedSpec } from '../shared/hook-entries.js';
import type { JsonObject } from '../shared/json-file.js';
import { shellQuote } from '../package-root.js';
import { objectField, parsePayload, patchPaths, str } from '../shared/payload.js';
import { verdictText } from '../shared/verdict-text.js';
import { hookCommandFor } from '../launcher.js';
import { inspectJsonHooks } from '../shared/inspect.js';
import { readJsonRecord } from '../trust/files.js';
import { codexTrust } from '../trust/codex.js';

/** The context guard installs with: the stable command of src/agents/launcher.ts. */
const stableContext = (id: string): InstallContext => ({ root: '', hookCommand: (event) => hookCommandFor(id, event), previous: undefined });

const PLAN: JsonHooksPlan = { file: '.codex/hooks.json', shape: 'nested', commandKey: 'command' };

function specs(context: InstallContext): NestedSpec[] {
  const hook = (event: HookEventKind, timeout: number): JsonObject => ({ type: 'command', command: context.hookCommand(event), timeout });
  return [
    { event: 'SessionStart', hook: hook('session-start', 120) },
    // apply_patch also answers to the Edit and Write matcher aliases.
    { event: 'PreToolUse', matcher: 'Bash|apply_patch|Edit|Write', hook: hook('pre-tool', 120) },
    { event: 'Stop', hook: hook('stop', 120) },
  ];
}

/** Codex may pass the shell command as an argv array (e.g. ["bash", "-lc", "..."]). */
function commandText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return (value as string[]).map(shellQuote).join(' ');
  return undefined;
}

function toolCall(name: string | undefined, input: JsonObject | undefined): ToolCall {
  const tool = name ?? 'unknown';
  if (tool === 'Bash' || tool === 'shell' || tool === 'local_shell' || tool === 'exec_command') {
    return { kind: 'shell', name: tool, command: commandText(input?.command) ?? commandText(input?.cmd) ?? '' };
  }
  if (tool === 'apply_patch') {
    const patch = [input?.command, input?.patch, input?.input].map(commandText).find((v) => v !== undefined) ?? '';
    const { paths, deletes } = patchPaths(patch);
    return { kind: deletes ? 'file-delete' : 'file-edit', name: tool, paths, ...(paths[0] ? { path: paths[0] } : {}), patch };
  }
  return { kind: 'other', name: tool };
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
  return parsed;
}

function formatVerdict(verdict: HookVerdict, event: HookEventKind): HookOutput {
  if (event === 'pre-tool' && verdict.decision !== 'allow') {
    const text = verdict.decision === 'ask' ? `${verdictText({ ...verdict, decision: 'deny' })} (It needs a person's confirmation, which Codex hooks cannot ask for: the person can run it.)` : verdictText(verdict);
    // Codex shows it as "Command blocked by PreToolUse hook: <reason>. Command: <command>" (0.171.0,
    // seen with the real CLI): its own period follows, so the reason ends without one.
    const reason = text.replace(/\.+$/, '');
    const output = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  }
  if (verdict.message && event === 'pre-tool') {
    // An allow with something to say (guard's own files put back, ignored files captured): Codex
    // hands additionalContext to the model (0.171.0, seen with the real CLI); systemMessage shows in
    // the TUI only (`codex exec` prints neither: the person reads it on exec's stderr, agent-hook.ts).
    const output = { systemMessage: verdict.message, hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: verdict.message } };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  }
  if (verdict.message) return { stdout: `${JSON.stringify({ systemMessage: verdict.message })}\n`, stderr: '', exitCode: 0 };
  return { stdout: '', stderr: '', exitCode: 0 };
}

export const codex: AgentIntegration = {
  id: 'codex',
  displayName: 'OpenAI Codex CLI',
  unguardedInSubmodule: true,
  reportsSessionEnd: false,
  // `codex exec` prints a hook's status ("hook: Stop Completed") but none of its output (0.171.0).
  headlessOutput: { programs: ['codex'], headless: (args) => args.includes('exec') },
  detect: (root, env) => detectBy(root, env, { repoPaths: ['.codex'], homePaths: ['.codex'], binaries: ['codex'] }),
  install(context) {
    const record = inheritRecord(context.root, context.previous);
    const change = installJsonHooks(context.root, PLAN, { nested: specs(context) }, record);
    return {
      files: [change],
      record,
      notes: change.action === 'unchanged' ? [] : ['Codex runs new or changed hooks only after you trust them: open /hooks in Codex and trust the git-guard entries (and trust the project).'],
    };
  },
  uninstall: (root, record) => ({ files: [uninstallJsonHooks(root, PLAN, record)] }),
  parseEvent,
  formatVerdict,
  inspect: (root) => inspectJsonHooks(root, PLAN, { nested: specs(stableContext('codex')) }),
  trust(root, env, mainRoot) {
    // In a linked worktree Codex reads the main checkout's .codex/hooks.json (src/agents/trust/codex.ts).
    const hooks = readJsonRecord(`${mainRoot ?? root}/${PLAN.file}`);
    return codexTrust(root, env, hooks.state === 'ok' ? hooks.data : null, mainRoot);
  },
};
