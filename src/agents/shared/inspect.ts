/**
 * Is guard's part of an agent's hook file still what `guard init` wrote? Used by `guard status`
 * (and `guard init` after writing): the file is there, parses, and holds exactly guard's entries
 * (same events, matchers, commands and options), whatever else the user keeps in it.
 */
import type { HookFileCheck } from '../types.js';
import { isObject, readJsonFile, type JsonObject } from './json-file.js';
import { addFlat, addNested, isGuardCommand, removeFlat, removeNested, type FlatSpec, type NestedSpec } from './hook-entries.js';
import type { JsonHooksPlan } from './json-hooks.js';
import { getKey } from './settings-keys.js';

/** guard's entries of a settings object, one canonical string each. */
export function guardEntries(data: JsonObject, shape: 'nested' | 'flat', commandKey: string): string[] {
  const out: string[] = [];
  if (!isObject(data.hooks)) return out;
  for (const [event, list] of Object.entries(data.hooks)) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isObject(item)) continue;
      if (shape === 'flat') {
        if (isGuardCommand(item[commandKey])) out.push(JSON.stringify([event, item]));
        continue;
      }
      for (const hook of Array.isArray(item.hooks) ? item.hooks : []) {
        if (isObject(hook) && isGuardCommand(hook[commandKey])) out.push(JSON.stringify([event, item.matcher ?? null, hook]));
      }
    }
  }
  return out.sort();
}

export function inspectJsonHooks(root: string, plan: JsonHooksPlan, specs: { nested?: NestedSpec[]; flat?: FlatSpec[] }): HookFileCheck {
  let data: JsonObject;
  let exists: boolean;
  try {
    ({ data, exists } = readJsonFile(`${root}/${plan.file}`));
  } catch (error) {
    return { file: plan.file, state: 'unreadable', detail: (error as Error).message };
  }
  if (!exists) return { file: plan.file, state: 'missing', detail: `${plan.file} is missing` };
  const want =
    plan.shape === 'nested'
      ? addNested(removeNested(data, plan.commandKey).settings, specs.nested ?? [])
      : addFlat(removeFlat(data, plan.commandKey).settings, specs.flat ?? []);
  const have = guardEntries(data, plan.shape, plan.commandKey);
  const wanted = guardEntries(want, plan.shape, plan.commandKey);
  if (have.length === 0) return { file: plan.file, state: 'changed', detail: `${plan.file} holds none of guard's hooks` };
  if (JSON.stringify(have) !== JSON.stringify(wanted)) {
    const missing = wanted.filter((w) => !have.includes(w)).length;
    const extra = have.filter((h) => !wanted.includes(h)).length;
    return { file: plan.file, state: 'changed', detail: `guard's hooks in ${plan.file} were changed (${missing} missing or edited, ${extra} not guard's current ones)` };
  }
  for (const [key, value] of Object.entries(plan.ensure ?? {})) {
    if (getKey(data, key) !== value) return { file: plan.file, state: 'changed', detail: `${plan.file}: ${key} is not ${JSON.stringify(value)}` };
  }
  return { file: plan.file, state: 'ok', detail: `guard's hooks in ${plan.file} are intact` };
}
