/**
 * Adds and removes guard's entries in the two settings shapes agents use, touching nothing else:
 *
 *  nested (Claude Code, Codex, Gemini CLI):
 *    {"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "..."}]}]}}
 *  flat (Cursor, Copilot CLI):
 *    {"hooks": {"beforeShellExecution": [{"command": "...", ...}]}}
 *
 * Guard's entries are recognised by their command, which always runs guard's launcher
 * (`<commonDir>/guard/agent-hook.sh`, found through git: src/agents/launcher.ts) or, written by
 * older versions, the package's shim by absolute path (`.../hooks/agent-hook.sh`); a user's entry
 * never matches. Installing is "remove guard's entries,
 * then append the wanted ones", so a second install yields the same object (idempotent) and an
 * install with a new package path replaces the old entries instead of adding duplicates.
 */
import { isObject, type JsonObject } from './json-file.js';
import { LAUNCHER_MARKER, LEGACY_SHIM_MARKER } from '../launcher.js';

export function isGuardCommand(value: unknown): boolean {
  return typeof value === 'string' && (value.includes(LAUNCHER_MARKER) || value.includes(LEGACY_SHIM_MARKER));
}

export interface NestedSpec {
  event: string;
  matcher?: string;
  /** The hook object, e.g. {type: 'command', command, timeout}. */
  hook: JsonObject;
}

export interface FlatSpec {
  event: string;
  entry: JsonObject;
}

function hooksOf(settings: JsonObject): JsonObject {
  return isObject(settings.hooks) ? settings.hooks : {};
}

/** Removes guard's hooks from a nested settings object; returns a new object and whether anything was removed. */
export function removeNested(settings: JsonObject, commandKey = 'command'): { settings: JsonObject; removed: boolean } {
  if (!isObject(settings.hooks)) return { settings, removed: false };
  let removed = false;
  const hooks: JsonObject = {};
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) {
      hooks[event] = groups;
      continue;
    }
    let touched = false;
    const kept: unknown[] = [];
    for (const group of groups) {
      if (isObject(group) && Array.isArray(group.hooks)) {
        const inner = group.hooks.filter((h) => !(isObject(h) && isGuardCommand(h[commandKey])));
        if (inner.length !== group.hooks.length) {
          touched = true;
          if (inner.length > 0) kept.push({ ...group, hooks: inner });
          continue;
        }
      }
      kept.push(group);
    }
    if (touched) removed = true;
    // An emptied list stays: whether guard created it is for pruneAddedKeys to decide.
    hooks[event] = kept;
  }
  return { settings: withHooks(settings, hooks), removed };
}

export function addNested(settings: JsonObject, specs: NestedSpec[]): JsonObject {
  const hooks: JsonObject = { ...hooksOf(settings) };
  for (const spec of specs) {
    const list = Array.isArray(hooks[spec.event]) ? [...(hooks[spec.event] as unknown[])] : [];
    const group: JsonObject = spec.matcher === undefined ? { hooks: [spec.hook] } : { matcher: spec.matcher, hooks: [spec.hook] };
    list.push(group);
    hooks[spec.event] = list;
  }
  return { ...settings, hooks };
}

export function removeFlat(settings: JsonObject, commandKey: string): { settings: JsonObject; removed: boolean } {
  if (!isObject(settings.hooks)) return { settings, removed: false };
  let removed = false;
  const hooks: JsonObject = {};
  for (const [event, entries] of Object.entries(settings.hooks)) {
    if (!Array.isArray(entries)) {
      hooks[event] = entries;
      continue;
    }
    const kept = entries.filter((e) => !(isObject(e) && isGuardCommand(e[commandKey])));
    if (kept.length !== entries.length) removed = true;
    hooks[event] = kept;
  }
  return { settings: withHooks(settings, hooks), removed };
}

export function addFlat(settings: JsonObject, specs: FlatSpec[]): JsonObject {
  const hooks: JsonObject = { ...hooksOf(settings) };
  for (const spec of specs) {
    const list = Array.isArray(hooks[spec.event]) ? [...(hooks[spec.event] as unknown[])] : [];
    list.push(spec.entry);
    hooks[spec.event] = list;
  }
  return { ...settings, hooks };
}

/** Replaces `hooks`, keeping the key's position (whether guard added the key is settled by pruneAddedKeys). */
function withHooks(settings: JsonObject, hooks: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(settings)) out[key] = key === 'hooks' ? hooks : value;
  return out;
}
