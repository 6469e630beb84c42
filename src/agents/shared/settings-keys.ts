/**
 * Dotted-path helpers for the few settings keys guard adds besides its hook entries (`hooks`
 * itself, Cursor's and Copilot's `version`, Gemini's `tools.enableHooks`). Guard records which of
 * them were absent before it wrote them, and uninstall removes exactly those, so an
 * install/uninstall round trip gives back the user's object.
 */
import { isObject, type JsonObject } from './json-file.js';

export function getKey(data: JsonObject, dotted: string): unknown {
  let node: unknown = data;
  for (const part of dotted.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function hasKey(data: JsonObject, dotted: string): boolean {
  const parts = dotted.split('.');
  const last = parts.pop() as string;
  const parent = parts.length === 0 ? data : getKey(data, parts.join('.'));
  return isObject(parent) && Object.prototype.hasOwnProperty.call(parent, last);
}

/** Sets a key, creating parent objects; returns the dotted paths it had to create (including the key). */
export function setKey(data: JsonObject, dotted: string, value: unknown): string[] {
  const created: string[] = [];
  const parts = dotted.split('.');
  let node = data;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    if (!isObject(node[part])) {
      node[part] = {};
      created.push(parts.slice(0, i + 1).join('.'));
    }
    node = node[part] as JsonObject;
  }
  const last = parts[parts.length - 1] as string;
  if (!Object.prototype.hasOwnProperty.call(node, last)) created.push(dotted);
  node[last] = value;
  return created;
}

function deleteKey(data: JsonObject, dotted: string): void {
  const parts = dotted.split('.');
  const last = parts.pop() as string;
  const parent = parts.length === 0 ? data : getKey(data, parts.join('.'));
  if (isObject(parent)) delete parent[last];
}

/**
 * Removes keys guard added: objects only once they are empty (the user may have put something in
 * them since), scalars when they still hold the value guard wrote. Deepest keys first, so a parent
 * guard created goes away with its last child.
 */
export function pruneAddedKeys(data: JsonObject, added: string[], scalarValues: Record<string, unknown> = {}): JsonObject {
  const copy = structuredClone(data);
  const ordered = [...new Set(added)].sort((a, b) => b.split('.').length - a.split('.').length);
  for (const key of ordered) {
    if (!hasKey(copy, key)) continue;
    const value = getKey(copy, key);
    if (isObject(value)) {
      if (Object.keys(value).length === 0) deleteKey(copy, key);
    } else if (Array.isArray(value)) {
      if (value.length === 0) deleteKey(copy, key);
    } else if (key in scalarValues && scalarValues[key] === value) {
      deleteKey(copy, key);
    }
  }
  return copy;
}
