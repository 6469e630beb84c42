/**
 * Defensive readers for hook payloads. Agents add and rename fields between releases; a field of
 * the wrong type reads as absent, and only a payload that is not JSON at all is an error (the
 * caller then fails closed).
 */
import { GuardError } from '../../errors.js';
import { isObject, type JsonObject } from './json-file.js';

export function parsePayload(stdin: string): JsonObject {
  const text = stdin.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GuardError('internal', `the hook payload is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(value)) throw new GuardError('internal', 'the hook payload is not a JSON object');
  return value;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** First string found under any of the keys. */
export function firstStr(obj: JsonObject | undefined, ...keys: string[]): string | undefined {
  if (!obj) return undefined;
  for (const key of keys) {
    const value = str(obj[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** An object field, or a JSON-encoded string holding one (Copilot's toolArgs). */
export function objectField(value: unknown): JsonObject | undefined {
  if (isObject(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObject(parsed)) return parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Files named in a Codex-style patch (`*** Add File: p`, `*** Update File: p`, `*** Delete File: p`,
 * `*** Move to: p`); headers may be indented.
 */
export function patchPaths(patch: string): { paths: string[]; deletes: boolean } {
  const paths: string[] = [];
  let deletes = false;
  for (const line of patch.split('\n')) {
    const match = /^\s*\*\*\* (Add File|Update File|Delete File|Move to): (.+?)\s*$/.exec(line);
    if (!match) continue;
    if (match[1] === 'Delete File') deletes = true;
    paths.push(match[2] as string);
  }
  return { paths, deletes };
}
