/**
 * Pathname expansion as bash does it with its default options (no dotglob, nullglob, failglob,
 * extglob, globstar or nocaseglob), for the globs of a `for` loop's word list: the command guard
 * judges the loop's body once per value (policy/command/evaluate.ts). File system only, no git.
 *
 * The pattern is escaped text (util/escaped-text.ts) in which a backslash escapes the next
 * character (the command guard's Field.pattern: quoted glob characters escaped). Each `/`-separated
 * part with a wildcard is matched against the names of the directory reached so far: `*`, `?`
 * and bracket expressions, a leading `.` only matched by a literal `.`, `.` and `..` never;
 * a part without one must exist (lstat). A trailing `/` keeps only directories. The words come
 * back in byte order (bash sorts by the locale's collation: the same words, perhaps in another
 * order), relative when the pattern is. Null where guard would not be exact: a POSIX class
 * (`[[:alpha:]]`), an extglob-looking `(`, more than `limit` words, more directories than
 * MAX_DIRS to read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapedBytes, escapedText } from './escaped-text.js';
import { partRegExp } from './shell-pattern.js';

/** Directories one expansion may read (`*\/*\/*` over a large tree stops here and is not expanded). */
export const MAX_DIRS = 1000;

const WILD = /[*?[]/;

/** The part's wildcards, unescaped: true when it holds an unescaped `*`, `?` or `[`. */
function hasWildcard(part: string): boolean {
  for (let i = 0; i < part.length; i++) {
    const c = part[i] as string;
    if (c === '\\') i++;
    else if (WILD.test(c)) return true;
  }
  return false;
}

function unescape(part: string): string {
  return part.replace(/\\([\s\S])/gu, '$1');
}

function exists(abs: string): boolean {
  try {
    fs.lstatSync(escapedBytes(abs));
    return true;
  } catch {
    return false;
  }
}

function isDirectory(abs: string): boolean {
  try {
    return fs.statSync(escapedBytes(abs)).isDirectory();
  } catch {
    return false;
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(escapedBytes(a), escapedBytes(b));
}

/** The words bash gives for `pattern` in `cwd` (absolute): [] when nothing matches; null where not exact. */
export function expandShellGlob(query: { cwd: string; pattern: string }, limit: number): string[] | null {
  const { cwd, pattern } = query;
  const absolute = pattern.startsWith('/');
  const parts = (absolute ? pattern.replace(/^\/+/, '') : pattern).split('/');
  const trailingSlash = parts.length > 1 && parts[parts.length - 1] === '';
  if (trailingSlash) parts.pop();
  // Each word so far: as written (prefix) and where it is.
  let words: string[] = [absolute ? pattern.slice(0, pattern.length - pattern.replace(/^\/+/, '').length) : ''];
  let dirsRead = 0;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    const last = index === parts.length - 1;
    const next: string[] = [];
    if (!hasWildcard(part)) {
      const name = unescape(part);
      for (const word of words) {
        const candidate = `${word}${name}`;
        // A part with no wildcard after one that had: bash keeps the words where it exists.
        if (!last || index === 0 || exists(path.posix.resolve(cwd, candidate))) next.push(last ? candidate : `${candidate}/`);
      }
    } else {
      const regexp = partRegExp(part);
      if (regexp === null) return null;
      const dotted = part.startsWith('.') || part.startsWith('\\.');
      for (const word of words) {
        if (++dirsRead > MAX_DIRS) return null;
        let names: Buffer[];
        try {
          names = fs.readdirSync(escapedBytes(path.posix.resolve(cwd, word || '.')), { encoding: 'buffer' });
        } catch {
          continue;
        }
        for (const raw of names) {
          const name = escapedText(raw);
          if (name === '.' || name === '..' || (name.startsWith('.') && !dotted)) continue;
          if (!regexp.test(name)) continue;
          next.push(last ? `${word}${name}` : `${word}${name}/`);
          if (next.length > limit * 4) return null;
        }
      }
    }
    words = next;
    if (words.length === 0) return [];
  }
  if (trailingSlash) words = words.filter((word) => isDirectory(path.posix.resolve(cwd, word))).map((word) => `${word}/`);
  if (words.length > limit) return null;
  return words.sort(compareBytes);
}
