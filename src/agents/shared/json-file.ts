/**
 * Reads and writes an agent's JSON settings file without disturbing it: the user's indentation and
 * trailing newline are kept, the write is atomic (temp file + rename), and a file guard cannot
 * parse is never overwritten (the person gets an error naming the file instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../../errors.js';

export type JsonObject = Record<string, unknown>;

export interface JsonFile {
  /** Absolute path. */
  file: string;
  exists: boolean;
  data: JsonObject;
  /** The exact text read ('' when absent), to detect "nothing changed". */
  raw: string;
  indent: string;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function detectIndent(raw: string): string {
  const match = /^([ \t]+)\S/m.exec(raw);
  return match?.[1] ?? '  ';
}

export function readJsonFile(file: string): JsonFile {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, exists: false, data: {}, raw: '', indent: '  ' };
    throw new GuardError('user', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (raw.trim() === '') return { file, exists: true, data: {}, raw, indent: '  ' };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new GuardError('config', `${file} is not valid JSON, so guard did not change it: ${(error as Error).message}`, {
      hints: [`Fix or remove ${file}, then run \`guard init\` again.`],
      cause: error,
    });
  }
  if (!isObject(data)) {
    throw new GuardError('config', `${file} does not hold a JSON object, so guard did not change it`, {
      hints: [`Fix ${file}, then run \`guard init\` again.`],
    });
  }
  return { file, exists: true, data, raw, indent: detectIndent(raw) };
}

export function renderJson(file: JsonFile, data: JsonObject): string {
  return `${JSON.stringify(data, null, file.indent)}\n`;
}

/** Writes only when the content differs; returns whether it wrote. */
export function writeJsonFile(file: JsonFile, data: JsonObject): boolean {
  const text = renderJson(file, data);
  if (file.exists && sameJson(file.raw, text)) return false;
  writeTextAtomic(file.file, text);
  return true;
}

/** Same JSON value (ignoring formatting): a re-install never rewrites a file just to reformat it. */
function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

export function writeTextAtomic(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.guard-${process.pid}.tmp`);
  fs.writeFileSync(temp, text);
  try {
    // Keep the mode of an existing file (settings may be private).
    const mode = fs.statSync(file).mode & 0o7777;
    fs.chmodSync(temp, mode);
  } catch {
    // new file: default mode
  }
  fs.renameSync(temp, file);
}
