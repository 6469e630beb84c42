/**
 * OpenCode. OpenCode has no command hooks; it loads JS/TS plugins from `.opencode/plugins/`. Guard
 * writes its own plugin, `.opencode/plugins/git-guard.js` (from templates/agents/opencode/), which
 * spawns the same launcher as every other agent's hook (src/agents/launcher.ts) with a payload the
 * plugin itself builds:
 *   {"sessionID", "tool", "args", "cwd"}   (args as OpenCode passes them: command, filePath, ...;
 *                                           cwd: the bash tool's `workdir` when it has one)
 * and throws to block (verified in docs/agents.md: `tool.execute.before(input, output)`, throwing
 * an Error blocks the tool). Guard answers `{"decision": "deny"|"ask", "reason"}` or nothing; the
 * plugin blocks on deny and ask (a plugin cannot ask), and on any answer it cannot read for the
 * tools that run commands or edit files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentEvent, AgentIntegration, FileChange, HookEventKind, HookOutput, HookVerdict, InstallRecord, ToolCall } from '../types.js';
import { detectBy } from '../shared/detect.js';
import { ensureDirs, inheritRecord, removeCreatedDirs } from '../shared/json-hooks.js';
import { writeTextAtomic, type JsonObject } from '../shared/json-file.js';
import { firstStr, objectField, parsePayload, patchPaths, str } from '../shared/payload.js';
import { verdictText } from '../shared/verdict-text.js';
import { packageRoot } from '../package-root.js';

const PLUGIN = '.opencode/plugins/git-guard.js';
/** First line of every plugin guard writes; a file without it is the user's and is never touched. */
const HEADER = '// git-guard OpenCode plugin.';

/** The plugin holds no machine-specific path (it finds the launcher through git), so it can be committed. */
function pluginSource(): string {
  return fs.readFileSync(path.join(packageRoot(), 'templates', 'agents', 'opencode', 'git-guard.js'), 'utf8');
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function toolCall(name: string | undefined, args: JsonObject | undefined): ToolCall {
  const tool = name ?? 'unknown';
  const file = firstStr(args, 'filePath', 'file_path', 'path');
  switch (tool) {
    case 'bash':
      return { kind: 'shell', name: tool, command: firstStr(args, 'command') ?? '' };
    case 'write':
      return { kind: 'file-write', name: tool, path: file };
    case 'edit':
    case 'multiedit':
      return { kind: 'file-edit', name: tool, path: file };
    case 'patch':
    case 'apply_patch': {
      const patch = firstStr(args, 'patchText', 'patch', 'input') ?? '';
      const { paths, deletes } = patchPaths(patch);
      return { kind: deletes ? 'file-delete' : 'file-edit', name: tool, paths, ...(paths[0] ? { path: paths[0] } : {}), patch };
    }
    default:
      return { kind: 'other', name: tool };
  }
}

function parseEvent(stdin: string, event: HookEventKind): AgentEvent {
  const payload = parsePayload(stdin);
  return {
    kind: event,
    sessionId: str(payload.sessionID) ?? null,
    cwd: str(payload.cwd) ?? null,
    tool: event === 'pre-tool' || event === 'post-tool' ? toolCall(str(payload.tool), objectField(payload.args)) : null,
  };
}

function formatVerdict(verdict: HookVerdict, event: HookEventKind): HookOutput {
  if (event === 'pre-tool' && verdict.decision !== 'allow') {
    return { stdout: `${JSON.stringify({ decision: verdict.decision, reason: verdictText(verdict) })}\n`, stderr: '', exitCode: 0 };
  }
  return { stdout: '', stderr: verdict.message ? `${verdict.message}\n` : '', exitCode: 0 };
}

function uninstall(root: string, record: InstallRecord | undefined): { files: FileChange[] } {
  const full = path.join(root, PLUGIN);
  const current = readIfExists(full);
  if (current === null || !current.startsWith(HEADER)) return { files: [{ path: PLUGIN, action: 'unchanged' }] };
  fs.rmSync(full);
  removeCreatedDirs(root, record, '.opencode');
  return { files: [{ path: PLUGIN, action: 'deleted' }] };
}

export const opencode: AgentIntegration = {
  id: 'opencode',
  displayName: 'OpenCode',
  unguardedInSubmodule: true,
  reportsSessionEnd: false,
  detect: (root, env) =>
    detectBy(root, env, { repoPaths: ['.opencode', 'opencode.json', 'opencode.jsonc'], homePaths: ['.config/opencode'], binaries: ['opencode'] }),
  install(context) {
    const record = inheritRecord(context.root, context.previous);
    const full = path.join(context.root, PLUGIN);
    const wanted = pluginSource();
    const current = readIfExists(full);
    if (current !== null && !current.startsWith(HEADER)) {
      // A user's own file with guard's name: leave it alone and say so.
      return { files: [{ path: PLUGIN, action: 'unchanged' }], record, notes: [`${PLUGIN} exists and was not written by guard; it was left as is.`] };
    }
    if (current === wanted) return { files: [{ path: PLUGIN, action: 'unchanged' }], record, notes: [] };
    ensureDirs(context.root, PLUGIN, record);
    writeTextAtomic(full, wanted);
    if (current === null && !record.createdFiles.includes(PLUGIN)) record.createdFiles.push(PLUGIN);
    return {
      files: [{ path: PLUGIN, action: current === null ? 'created' : 'updated' }],
      record,
      notes: [
        'OpenCode loads plugins at startup: restart running sessions.',
        'A plugin in .opencode/ makes OpenCode run an npm install there at its next start (it adds package.json, a lock file, node_modules and a .gitignore in .opencode/).',
      ],
    };
  },
  uninstall,
  parseEvent,
  formatVerdict,
  inspect(root) {
    const current = readIfExists(path.join(root, PLUGIN));
    if (current === null) return { file: PLUGIN, state: 'missing', detail: `${PLUGIN} is missing` };
    if (current !== pluginSource()) return { file: PLUGIN, state: 'changed', detail: `${PLUGIN} differs from guard's plugin` };
    return { file: PLUGIN, state: 'ok', detail: `${PLUGIN} is guard's current plugin` };
  },
  trust: (_root, env) =>
    env.OPENCODE_DISABLE_PROJECT_CONFIG
      ? { state: 'blocked', detail: 'OPENCODE_DISABLE_PROJECT_CONFIG is set, so OpenCode loads no project plugin', fix: 'unset OPENCODE_DISABLE_PROJECT_CONFIG (and do not start OpenCode with --pure)' }
      : { state: 'loads', detail: 'OpenCode loads project plugins without asking (not with --pure or OPENCODE_DISABLE_PROJECT_CONFIG)' },
};
