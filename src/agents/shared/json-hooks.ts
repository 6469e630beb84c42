/**
 * Install and uninstall for agents configured by one JSON settings file (all but OpenCode).
 * Bookkeeping (which file, directory and key guard created) goes into the InstallRecord so that
 * uninstall removes exactly what guard added.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FileChange, InstallRecord } from '../types.js';
import { GuardError } from '../../errors.js';
import { isObject, readJsonFile, writeJsonFile, type JsonObject } from './json-file.js';
import { addFlat, addNested, removeFlat, removeNested, type FlatSpec, type NestedSpec } from './hook-entries.js';
import { hasKey, pruneAddedKeys, setKey } from './settings-keys.js';

export interface JsonHooksPlan {
  /** Settings file relative to the worktree root, e.g. `.claude/settings.local.json`. */
  file: string;
  shape: 'nested' | 'flat';
  /** The key holding the command in a hook entry (`command`, Copilot: `bash`). */
  commandKey: string;
  /** Keys that must hold a value for the hooks to run (e.g. `version: 1`); set only when absent. */
  ensure?: Record<string, unknown>;
  /**
   * Keys older versions of guard set that are no longer needed (Gemini's obsolete
   * `tools.enableHooks`): removed on install and uninstall while they hold guard's value and guard
   * added them.
   */
  obsolete?: Record<string, unknown>;
}

export function emptyRecord(): InstallRecord {
  return { createdFiles: [], createdDirs: [], addedKeys: {} };
}

/** Creates the parent directories of `file`, recording the ones guard made (outermost first). */
export function ensureDirs(root: string, file: string, record: InstallRecord): void {
  const dirs: string[] = [];
  for (let dir = path.dirname(file); dir !== '.' && dir !== '' && dir !== path.sep; dir = path.dirname(dir)) dirs.unshift(dir);
  for (const dir of dirs) {
    const full = path.join(root, dir);
    if (fs.existsSync(full)) continue;
    fs.mkdirSync(full);
    if (!record.createdDirs.includes(dir)) record.createdDirs.push(dir);
  }
}

/** Deletes directories guard created that are empty now (deepest first). */
export function removeCreatedDirs(root: string, record: InstallRecord | undefined, under: string): void {
  if (!record) return;
  const mine = record.createdDirs.filter((d) => d === under || d.startsWith(`${under}/`)).sort((a, b) => b.length - a.length);
  for (const dir of mine) {
    try {
      fs.rmdirSync(path.join(root, dir));
    } catch {
      // not empty (the user put something there) or already gone: leave it
    }
  }
}

/** Carries forward what an earlier install created, as long as it still exists. */
export function inheritRecord(root: string, previous: InstallRecord | undefined): InstallRecord {
  const record = emptyRecord();
  if (!previous) return record;
  record.createdFiles = previous.createdFiles.filter((f) => fs.existsSync(path.join(root, f)));
  record.createdDirs = previous.createdDirs.filter((d) => fs.existsSync(path.join(root, d)));
  record.addedKeys = structuredClone(previous.addedKeys);
  return record;
}

export function installJsonHooks(
  root: string,
  plan: JsonHooksPlan,
  specs: { nested?: NestedSpec[]; flat?: FlatSpec[] },
  record: InstallRecord,
): FileChange {
  const full = path.join(root, plan.file);
  ensureDirs(root, plan.file, record);
  const file = readJsonFile(full);
  if (!file.exists && !record.createdFiles.includes(plan.file)) record.createdFiles.push(plan.file);

  let data: JsonObject = structuredClone(file.data);
  refuseUnexpectedShape(full, data, [...(specs.nested ?? []), ...(specs.flat ?? [])].map((s) => s.event));
  const added = new Set(record.addedKeys[plan.file] ?? []);
  if (!hasKey(data, 'hooks')) added.add('hooks');
  for (const spec of [...(specs.nested ?? []), ...(specs.flat ?? [])]) {
    if (!hasKey(data, `hooks.${spec.event}`)) added.add(`hooks.${spec.event}`);
  }
  for (const [key, value] of Object.entries(plan.ensure ?? {})) {
    if (!hasKey(data, key)) for (const created of setKey(data, key, value)) added.add(created);
  }
  data =
    plan.shape === 'nested'
      ? addNested(removeNested(data, plan.commandKey).settings, specs.nested ?? [])
      : addFlat(removeFlat(data, plan.commandKey).settings, specs.flat ?? []);
  const obsolete = Object.keys(plan.obsolete ?? {}).filter((key) => added.has(key));
  if (obsolete.length > 0) {
    // Parents guard created for an obsolete key go too, once empty.
    const parents = [...added].filter((key) => obsolete.some((o) => o.startsWith(`${key}.`)));
    data = pruneAddedKeys(data, [...obsolete, ...parents], plan.obsolete);
    for (const key of [...obsolete, ...parents]) if (!hasKey(data, key)) added.delete(key);
  }
  if (added.size > 0) record.addedKeys[plan.file] = [...added];
  else delete record.addedKeys[plan.file];

  const wrote = writeJsonFile(file, data);
  return { path: plan.file, action: !file.exists ? 'created' : wrote ? 'updated' : 'unchanged' };
}

/** Guard never replaces something it does not understand: a `hooks` that is not an object, an event that is not a list. */
function refuseUnexpectedShape(full: string, data: JsonObject, events: string[]): void {
  const problem = (what: string): GuardError =>
    new GuardError('config', `${full}: ${what}, so guard did not change the file`, { hints: [`Fix ${full}, then run \`guard init\` again.`] });
  if (data.hooks === undefined) return;
  if (!isObject(data.hooks)) throw problem('"hooks" is not an object');
  for (const event of events) {
    const value = data.hooks[event];
    if (value !== undefined && !Array.isArray(value)) throw problem(`"hooks.${event}" is not a list`);
  }
}

export function uninstallJsonHooks(root: string, plan: JsonHooksPlan, record: InstallRecord | undefined): FileChange {
  const full = path.join(root, plan.file);
  const file = readJsonFile(full);
  if (!file.exists) return { path: plan.file, action: 'unchanged' };
  const { settings, removed } = plan.shape === 'nested' ? removeNested(file.data, plan.commandKey) : removeFlat(file.data, plan.commandKey);
  const pruned = pruneAddedKeys(settings, record?.addedKeys[plan.file] ?? [], { ...plan.obsolete, ...plan.ensure });
  const createdByGuard = record?.createdFiles.includes(plan.file) ?? false;
  if (createdByGuard && Object.keys(pruned).length === 0) {
    fs.rmSync(full);
    removeCreatedDirs(root, record, plan.file.split('/')[0] as string);
    return { path: plan.file, action: 'deleted' };
  }
  if (!removed && JSON.stringify(pruned) === JSON.stringify(file.data)) return { path: plan.file, action: 'unchanged' };
  writeJsonFile(file, pruned);
  return { path: plan.file, action: 'removed' };
}
