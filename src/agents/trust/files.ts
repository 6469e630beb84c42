/**
 * Small readers shared by the trust checks: an agent's JSON record (comments tolerated, absent or
 * unreadable is "no record"), path ancestry, and the directory forms an agent may have recorded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isObject, type JsonObject } from '../shared/json-file.js';

/** Removes // and /* *\/ comments outside strings (agents' JSON files may carry them). */
function stripComments(text: string): string {
  let out = '';
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') quote = false;
    } else if (c === '"') {
      quote = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out;
}

export type JsonRecord = { state: 'absent' } | { state: 'unreadable'; error: string } | { state: 'ok'; data: JsonObject };

export function readJsonRecord(file: string): JsonRecord {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'absent' } : { state: 'unreadable', error: (error as Error).message };
  }
  try {
    const data: unknown = JSON.parse(stripComments(text));
    return isObject(data) ? { state: 'ok', data } : { state: 'unreadable', error: 'not a JSON object' };
  } catch (error) {
    return { state: 'unreadable', error: (error as Error).message };
  }
}

/** The path itself and its real path (agents record either), without duplicates. */
export function pathForms(dir: string): string[] {
  const forms = [path.resolve(dir)];
  try {
    const real = fs.realpathSync(dir);
    if (!forms.includes(real)) forms.push(real);
  } catch {
    // keep the given form
  }
  return forms;
}

/** `dir`, then each parent up to the file system root. */
export function selfAndAncestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (path.dirname(d) === d) return out;
  }
}

/** Is `inner` the same as or below `outer` (both absolute)? */
export function isWithin(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || process.env.HOME || '/';
}
