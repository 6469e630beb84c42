/**
 * Will Codex run guard's hooks in this worktree? Read from the user's `$CODEX_HOME/config.toml`
 * (default `~/.codex/config.toml`), as Codex decides it (openai/codex codex-rs/hooks,
 * engine/discovery.rs, verified against Codex 0.171.0):
 *  - the project must be trusted (`[projects."<root>"] trust_level = "trusted"`), or Codex does
 *    not read the project's `.codex/` layer at all;
 *  - each non-managed hook needs `[hooks.state."<abs hooks.json>:<event>:<group>:<handler>"]` with
 *    `trusted_hash` equal to the hook's current hash, and not `enabled = false`. The hash is
 *    sha256 over the canonical JSON (keys sorted, compact) of the normalized identity
 *    `{event_name: "<snake_case event>", matcher?, hooks: [{type: "command", command, timeout, async}]}`
 *    (matcher only for events that use one; timeout defaulting to 600; absent options omitted).
 * In a linked worktree, Codex 0.171.0 (interactive, under a pty: test/e2e-agents/codex-trust.test.ts)
 * takes the project trust of the worktree or of the main checkout (the directory holding the common
 * git dir), and reads the MAIN checkout's `.codex/hooks.json`, keyed by that path: the worktree's
 * own hooks.json is not read, and hook trust recorded under the worktree's path does not count.
 * An explicit `trust_level = "untrusted"` is final: Codex offers only a restricted session, no
 * trust dialog.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TrustReport } from '../types.js';
import { isObject, type JsonObject } from '../shared/json-file.js';
import { isGuardCommand } from '../shared/hook-entries.js';
import { homeOf, pathForms } from './files.js';
import { readTomlTables, tomlTable } from './toml-lite.js';

/** Events whose matcher Codex keeps in the identity (common.rs matcher_pattern_for_event). */
const MATCHER_EVENTS = new Set(['PreToolUse', 'PermissionRequest', 'PostToolUse', 'SessionStart', 'PreCompact', 'PostCompact', 'SubagentStart', 'SubagentStop']);

/** `PreToolUse` -> `pre_tool_use` (lib.rs hook_event_key_label). */
export function codexEventLabel(event: string): string {
  return event.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}

/** The trusted_hash Codex expects for one command handler of one matcher group. */
export function codexHookHash(event: string, group: JsonObject, handler: JsonObject): string {
  const timeout = typeof handler.timeout === 'number' ? handler.timeout : typeof handler.timeoutSec === 'number' ? handler.timeoutSec : 600;
  const hook: JsonObject = { type: 'command', command: handler.command, timeout: Math.max(1, timeout), async: handler.async === true };
  if (typeof handler.statusMessage === 'string') hook.statusMessage = handler.statusMessage;
  const identity: JsonObject = { event_name: codexEventLabel(event), hooks: [hook] };
  if (MATCHER_EVENTS.has(event) && typeof group.matcher === 'string') identity.matcher = group.matcher;
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(identity))).digest('hex')}`;
}

export interface CodexHookTrust {
  key: string;
  event: string;
  state: 'trusted' | 'untrusted' | 'modified' | 'disabled';
}

export function codexHomeOf(env: NodeJS.ProcessEnv): string {
  return env.CODEX_HOME || path.join(homeOf(env), '.codex');
}

/** Each guard hook of `<root>/.codex/hooks.json` with its trust state in the user's config. */
export function codexHookStates(root: string, hooksData: JsonObject, configText: string): CodexHookTrust[] {
  const tables = readTomlTables(configText);
  const out: CodexHookTrust[] = [];
  if (!isObject(hooksData.hooks)) return out;
  for (const [event, groups] of Object.entries(hooksData.hooks)) {
    if (!Array.isArray(groups)) continue;
    groups.forEach((group, groupIndex) => {
      if (!isObject(group) || !Array.isArray(group.hooks)) return;
      group.hooks.forEach((handler, handlerIndex) => {
        if (!isObject(handler) || !isGuardCommand(handler.command)) return;
        const hash = codexHookHash(event, group, handler);
        const keys = pathForms(root).map((r) => `${path.join(r, '.codex', 'hooks.json')}:${codexEventLabel(event)}:${groupIndex}:${handlerIndex}`);
        const state = keys.map((k) => tomlTable(tables, 'hooks', 'state', k)).find((t) => t !== undefined);
        const key = keys[0] as string;
        if (state?.get('enabled') === false) out.push({ key, event, state: 'disabled' });
        else if (state?.get('trusted_hash') === hash) out.push({ key, event, state: 'trusted' });
        else out.push({ key, event, state: state?.get('trusted_hash') === undefined ? 'untrusted' : 'modified' });
      });
    });
  }
  return out;
}

/** `[projects."<dir>"] trust_level` for the first form of `dir` that has one. */
function trustLevel(tables: ReturnType<typeof readTomlTables>, dir: string): unknown {
  return pathForms(dir)
    .map((d) => tomlTable(tables, 'projects', d)?.get('trust_level'))
    .find((level) => level !== undefined);
}

/**
 * `hooksData`: the `.codex/hooks.json` Codex reads here, that of `mainRoot` in a linked worktree
 * (`mainRoot`: the main checkout, see the file comment).
 */
export function codexTrust(root: string, env: NodeJS.ProcessEnv, hooksData: JsonObject | null, mainRoot?: string): TrustReport {
  const config = path.join(codexHomeOf(env), 'config.toml');
  let text = '';
  try {
    text = fs.readFileSync(config, 'utf8');
  } catch {
    // no config yet: nothing is trusted
  }
  const tables = readTomlTables(text);
  if (tomlTable(tables, 'features')?.get('hooks') === false) {
    return { state: 'blocked', detail: `hooks are turned off in ${config} ([features] hooks = false)`, fix: `remove \`hooks = false\` from [features] in ${config}` };
  }
  const dirs = mainRoot ? [root, mainRoot] : [root];
  const levels = dirs.map((d) => trustLevel(tables, d));
  if (!levels.includes('trusted')) {
    const where = mainRoot ? `neither ${root} nor its main checkout ${mainRoot} is trusted` : `${root} is not trusted`;
    if (levels.includes('untrusted')) {
      const dir = dirs[levels.indexOf('untrusted')] as string;
      return {
        state: 'blocked',
        detail: `Codex does not read .codex/ of an untrusted project, and ${dir} is marked untrusted in ${config} (Codex then opens only a restricted session, without asking)`,
        fix: `set trust_level = "trusted" under [projects."${dir}"] in ${config}, then open /hooks in Codex and trust the git-guard hooks`,
      };
    }
    return {
      state: 'blocked',
      detail: `Codex does not read .codex/ of an untrusted project, and ${where} in ${config}`,
      fix: `start \`codex\` in ${root} once and trust the project, then open /hooks and trust the git-guard hooks`,
    };
  }
  const hooksRoot = mainRoot ?? root;
  const hooksFile = path.join(hooksRoot, '.codex', 'hooks.json');
  const states = codexHookStates(hooksRoot, hooksData ?? {}, text);
  if (states.length === 0) {
    return {
      state: 'blocked',
      detail: mainRoot
        ? `in a linked worktree Codex reads the main checkout's ${hooksFile}, and it holds no git-guard hook (this worktree's own .codex/hooks.json is not read)`
        : `${hooksFile} holds no git-guard hook`,
      fix: `run \`guard init --agents codex\` in ${hooksRoot}, then open /hooks in Codex and trust the git-guard hooks`,
    };
  }
  const bad = states.filter((s) => s.state !== 'trusted');
  if (bad.length === 0) return { state: 'loads', detail: `all ${states.length} git-guard hooks of ${hooksFile} are trusted in ${config}` };
  const what = [...new Set(bad.map((b) => b.state))].join('/');
  return {
    state: 'blocked',
    detail: `${bad.length} of ${states.length} git-guard hooks of ${hooksFile} are ${what} in ${config} (interactive Codex asks to review them at start and runs them only once trusted; \`codex exec\` skips them without a word)`,
    fix: bad.some((b) => b.state === 'disabled') ? 'open /hooks in Codex and enable and trust the git-guard hooks' : 'open /hooks in Codex and trust the git-guard hooks',
  };
}
