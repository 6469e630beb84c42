/**
 * GitHub Copilot CLI. Copilot loads every `.github/hooks/*.json`, so guard keeps its own file,
 * `.github/hooks/git-guard.json` (`{"version": 1, "hooks": {...}}`, command in `bash`).
 * Protocol, verified against the Copilot CLI hooks reference (docs/agents.md):
 *  - stdin (camelCase events): sessionId, timestamp, cwd; preToolUse adds toolName (`bash`,
 *    `create`, `edit`, ...) and toolArgs (an object, or a JSON string in older releases).
 *  - answer: `{"permissionDecision": "allow"|"deny"|"ask", "permissionDecisionReason"}`; empty output
 *    keeps the default flow, which is guard's "allow".
 *  - a failing or timed-out hook is logged and skipped (fails open), so guard's crash path must
 *    still print a deny and exit 0.
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
import { copilotTrust } from '../trust/copilot.js';

/** The context guard installs with: the stable command of src/agents/launcher.ts. */
const stableContext = (id: string): InstallContext => ({ root: '', hookCommand: (event) => hookCommandFor(id, event), previous: undefined });

const PLAN: JsonHooksPlan = { file: '.github/hooks/git-guard.json', shape: 'flat', commandKey: 'bash', ensure: { version: 1 } };

function specs(context: InstallContext): FlatSpec[] {
  const entry = (event: HookEventKind): JsonObject => ({ type: 'command', bash: context.hookCommand(event), timeoutSec: 120 });
  return [
    { event: 'sessionStart', entry: entry('session-start') },
    { event: 'preToolUse', entry: entry('pre-tool') },
    { event: 'agentStop', entry: entry('stop') },
    { event: 'sessionEnd', entry: entry('session-end') },
  ];
}

function toolCall(name: string | undefined, args: JsonObject | undefined): ToolCall {
  const tool = name ?? 'unknown';
  const file = firstStr(args, 'path', 'file_path', 'filePath');
  switch (tool) {
    case 'bash':
    case 'powershell':
      return { kind: 'shell', name: tool, command: firstStr(args, 'command') ?? '' };
    case 'create':
      return { kind: 'file-write', name: tool, path: file };
    case 'edit':
      return { kind: 'file-edit', name: tool, path: file };
    default:
      return { kind: 'other', name: tool };
  }
}

function parseEvent(stdin: string, event: HookEventKind): AgentEvent {
  const payload = parsePayload(stdin);
  const parsed: AgentEvent = {
    kind: event,
    // camelCase events; the VS Code-compatible PascalCase ones use snake_case.
    sessionId: str(payload.sessionId) ?? str(payload.session_id) ?? null,
    cwd: str(payload.cwd) ?? null,
    tool:
      event === 'pre-tool' || event === 'post-tool'
        ? toolCall(str(payload.toolName) ?? str(payload.tool_name), objectField(payload.toolArgs) ?? objectField(payload.tool_input))
        : null,
  };
  const source = str(payload.source);
  if (source) parsed.source = source;
  return parsed;
}

function formatVerdict(verdict: HookVerdict, event: HookEventKind): HookOutput {
  if (event === 'pre-tool' && verdict.decision !== 'allow') {
    const output = { permissionDecision: verdict.decision, permissionDecisionReason: verdictText(verdict) };
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  }
  // Lifecycle output is not processed by Copilot; the summary goes to its hook log.
  return { stdout: '', stderr: verdict.message ? `${verdict.message}\n` : '', exitCode: 0 };
}

export const copilot: AgentIntegration = {
  id: 'copilot',
  displayName: 'GitHub Copilot CLI',
  unguardedInSubmodule: true,
  reportsSessionEnd: true,
  aliases: ['copilot-cli'],
  // `copilot -p` shows no hook output (1.0.102); additionalContext reaches only the model.
  headlessOutput: { programs: ['copilot'], headless: (args) => args.some((a) => a === '-p' || a === '--prompt' || a.startsWith('--prompt=')) },
  // Evidence of the CLI itself: `.github/copilot-instructions.md` is read by VS Code and code
  // review too, so it does not say Copilot CLI is used here.
  detect: (root, env) => detectBy(root, env, { repoPaths: ['.github/hooks'], homePaths: ['.copilot'], binaries: ['copilot'] }),
  install(context) {
    const record = inheritRecord(context.root, context.previous);
    const change = installJsonHooks(context.root, PLAN, { flat: specs(context) }, record);
    return { files: [change], record, notes: [] };
  },
  uninstall: (root, record) => ({ files: [uninstallJsonHooks(root, PLAN, record)] }),
  parseEvent,
  formatVerdict,
  inspect: (root) => inspectJsonHooks(root, PLAN, { flat: specs(stableContext('copilot')) }),
  trust: copilotTrust,
};
