/**
 * Branch names a pipeline hands to `git branch -d`/`-D` (`git branch --merged | grep -v main |
 * xargs git branch -d`): which lines `git branch` prints and which of them the `grep` filters
 * after it let through, so the caller that can list the local branches (planned-refs.ts) refuses
 * only where a protected branch could survive the filters, instead of wherever one exists.
 *
 * `git branch` (listing options only) prints one line per local branch: `* NAME` for the one
 * checked out here, `+ NAME` for one checked out in another worktree, `  NAME` for the others
 * (and a `* (HEAD detached ...)` line when HEAD is on no branch). git deletes no checked-out
 * branch, so a protected branch that could go prints `  NAME`: guard asks whether that line
 * survives. A filter is a `grep` that prints whole input lines (no -o, -n, -c, context ...):
 * `grep -v`, `-e`, `-E`, `-F`, `-i`, `-x`, `egrep`/`fgrep`. Its patterns are translated to
 * JavaScript only where the translation is exact (literals, `.`, `*`, `^` and `$` at the ends,
 * simple brackets, ERE `|`, `()`, `+`, `?`); a grep whose patterns are not is kept as a filter that
 * removes nothing (-w, -P: what survives is then a superset). Under `color.branch=always` the
 * names carry escape codes, which no branch name can hold (check-ref-format), so a line the
 * model lets through only by being coloured names no branch.
 */
import type { Field } from './expand.js';

/** One grep: a line survives when whether a pattern matches differs from `invert`. */
export interface LineFilter {
  invert: boolean;
  /** JavaScript RegExp sources (one per pattern); null: patterns guard cannot translate (the filter keeps every line). */
  patterns: string[] | null;
  ignoreCase: boolean;
}

/**
 * What a pipeline prints as `git branch` lines: `merged`, the revision of `--merged` (only where
 * no earlier command of the line may have moved a ref: evaluate.ts FileOrder), or null for every
 * local branch; the filters after it, in order.
 */
export interface BranchLines {
  merged: string | null;
  filters: LineFilter[];
  /** The words are globbed too (an unquoted `$(...)`): the `*` of a `* NAME` line that gets through names the files where git runs. */
  globbed?: true;
}

const LISTING_FLAGS = new Set(['-l', '--list', '--no-color', '--color=never', '--no-column', '--column=never', '--ignore-case', '-i', '--omit-empty']);

/**
 * `git branch [--merged [REV]] [--no-merged [REV]] [--list] [PATTERN...]` as BranchLines, or null
 * (not a listing, or one whose lines are not `* NAME`: -v, -a, -r, --format, --color). A pattern
 * or `--no-merged` only narrows the lines: the listing is then read as every local branch.
 * `ordered`: no command before it in the line may have changed the repository.
 */
export function branchListing(argv: Field[], ordered: boolean): BranchLines | null {
  if (argv.some((a) => a.value === null)) return null;
  const words = argv.map((a) => a.value as string);
  if (words[0] !== 'git' || words[1] !== 'branch') return null;
  let merged: string | null = null;
  let listing = false;
  let patterns = false;
  for (let i = 2; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '--merged' || word === '--no-merged') {
      listing = true;
      const next = words[i + 1];
      const rev = next !== undefined && !next.startsWith('-') ? next : 'HEAD';
      if (next !== undefined && !next.startsWith('-')) i++;
      if (word === '--merged') merged = rev;
      continue;
    }
    if (word.startsWith('--merged=')) {
      listing = true;
      merged = word.slice('--merged='.length);
      continue;
    }
    if (word.startsWith('--no-merged=')) {
      listing = true;
      continue;
    }
    if (LISTING_FLAGS.has(word)) {
      if (word === '-l' || word === '--list') listing = true;
      continue;
    }
    if (word.startsWith('-')) return null;
    patterns = true;
  }
  // `git branch NAME` creates a branch; only the listing forms print.
  if (patterns && !listing) return null;
  if (merged !== null && (!ordered || !/^[A-Za-z0-9_@{}~^/.+-]+$/.test(merged) || merged.startsWith('-'))) merged = null;
  return { merged, filters: [] };
}

/**
 * What a `grep` reading stdin does to the lines: a LineFilter, or null where it prints anything
 * but whole input lines (or reads files instead of stdin).
 */
export function grepFilter(argv: Field[]): LineFilter | null {
  if (argv.some((a) => a.value === null)) return null;
  const words = argv.map((a) => a.value as string);
  const name = words[0];
  let syntax: 'bre' | 'ere' | 'fixed' | 'other' = name === 'egrep' ? 'ere' : name === 'fgrep' ? 'fixed' : name === 'grep' ? 'bre' : 'other';
  if (syntax === 'other') return null;
  let invert = false;
  let ignoreCase = false;
  let whole = false;
  let untranslatable = false;
  const patterns: string[] = [];
  let explicit = false;
  const operands: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const [long, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (long === 'invert-match') invert = true;
      else if (long === 'ignore-case') ignoreCase = true;
      else if (long === 'no-ignore-case') ignoreCase = false;
      else if (long === 'extended-regexp') syntax = 'ere';
      else if (long === 'basic-regexp') syntax = 'bre';
      else if (long === 'fixed-strings') syntax = 'fixed';
      else if (long === 'line-regexp') whole = true;
      else if (long === 'word-regexp' || long === 'perl-regexp') untranslatable = true;
      else if (long === 'no-messages') {
        // errors only
      } else if (long === 'regexp') {
        const value = inline ?? words[++i];
        if (value === undefined) return null;
        patterns.push(value);
        explicit = true;
      } else return null;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const letters = word.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] as string;
        if (letter === 'v') invert = true;
        else if (letter === 'i' || letter === 'y') ignoreCase = true;
        else if (letter === 'E') syntax = 'ere';
        else if (letter === 'G') syntax = 'bre';
        else if (letter === 'F') syntax = 'fixed';
        else if (letter === 'x') whole = true;
        else if (letter === 'w' || letter === 'P') untranslatable = true;
        else if (letter === 's') {
          // errors only
        } else if (letter === 'e') {
          const rest = letters.slice(j + 1);
          const value = rest !== '' ? rest : words[++i];
          if (value === undefined) return null;
          patterns.push(value);
          explicit = true;
          break;
        } else return null;
      }
      continue;
    }
    operands.push(word);
  }
  if (!explicit) {
    const first = operands.shift();
    if (first === undefined) return null;
    patterns.push(first);
  }
  // A file operand: grep reads it, not the pipe.
  if (operands.some((o) => o !== '-')) return null;
  if (untranslatable) return { invert, patterns: null, ignoreCase };
  const sources: string[] = [];
  // A pattern holding newlines is one pattern per line (GNU grep).
  for (const pattern of patterns.flatMap((p) => p.split('\n'))) {
    const source = syntax === 'fixed' ? escapeRegExp(pattern) : translate(pattern, syntax === 'ere');
    if (source === null) return { invert, patterns: null, ignoreCase };
    sources.push(whole ? `^(?:${source})$` : source);
  }
  return { invert, patterns: sources, ignoreCase };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * A POSIX basic (`ere` false, with GNU's `\|`, `\+`, `\?`, `\(`, `\)`) or extended regular
 * expression as a JavaScript RegExp source matching the same ASCII lines, or null where this
 * translation is not certain to be exact.
 */
export function translate(pattern: string, ere: boolean): string | null {
  let out = '';
  let depth = 0;
  // Where an anchor `^` may stand, and where `*` is literal (BRE): at the start of the pattern or a group or branch.
  let atStart = true;
  // A group, a branch or a repetition (ERE's `(`, `)`, `|`, `+`, `?`; BRE's GNU `\(` ... `\?`);
  // false where it is not exact (a `)` with no group, a repetition of nothing).
  const operator = (op: string, start: boolean): boolean => {
    if (op === '(') {
      depth++;
      out += '(?:';
      atStart = true;
    } else if (op === ')') {
      if (depth === 0) return false;
      depth--;
      out += ')';
    } else if (op === '|') {
      out += '|';
      atStart = true;
    } else {
      if (start) return false;
      out += op;
    }
    return true;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const start = atStart;
    atStart = false;
    if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) return null;
      if (!ere && (next === '(' || next === ')' || next === '|' || next === '+' || next === '?')) {
        if (!operator(next, start)) return null;
        continue;
      }
      if (!ere && (next === '{' || next === '}')) return null; // a BRE interval
      if (/[.*[\]^$\\/+?(){}|-]/.test(next)) {
        out += `\\${next}`;
        continue;
      }
      return null; // \w, \b, \<, back-references ...
    }
    if (c === '^') {
      if (!start) {
        if (ere) return null;
        out += '\\^';
        continue;
      }
      out += '^';
      atStart = true;
      continue;
    }
    if (c === '$') {
      const end = i === pattern.length - 1 || (ere ? pattern[i + 1] === ')' || pattern[i + 1] === '|' : pattern.startsWith('\\)', i + 1) || pattern.startsWith('\\|', i + 1));
      if (!end) {
        if (ere) return null;
        out += '\\$';
        continue;
      }
      out += '$';
      continue;
    }
    if (c === '*') {
      if (start) {
        if (ere) return null;
        out += '\\*';
        continue;
      }
      out += '*';
      continue;
    }
    if (c === '.') {
      out += '.';
      continue;
    }
    if (c === '[') {
      const close = bracket(pattern, i);
      if (close === null) return null;
      out += close.source;
      i = close.end;
      continue;
    }
    if (ere && (c === '(' || c === ')' || c === '|' || c === '+' || c === '?')) {
      if (!operator(c, start)) return null;
      continue;
    }
    if (c === '{' || c === '}') {
      if (ere) return null; // an interval
      out += `\\${c}`;
      continue;
    }
    if (!/[\x20-\x7e]/.test(c)) return null;
    out += escapeRegExp(c);
  }
  return depth === 0 ? out : null;
}

/** A bracket expression of plain ASCII characters and ranges (`[*]`, `[^ab]`, `[a-z]`): its source and last index; null otherwise. */
function bracket(pattern: string, at: number): { source: string; end: number } | null {
  let i = at + 1;
  let negate = false;
  if (pattern[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === ']' && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    // classes, collating elements; a backslash (literal in POSIX); a range (what it spans depends on the locale)
    if (c === '[' || c === '\\' || !/[\x20-\x7e]/.test(c) || (c === '-' && body !== '' && pattern[i + 1] !== ']')) return null;
    body += c === ']' || c === '^' ? `\\${c}` : c;
  }
  return null;
}

/** Does `line` get through every filter? */
export function survives(line: string, filters: readonly LineFilter[]): boolean {
  for (const filter of filters) {
    if (filter.patterns === null) continue;
    const matches = filter.patterns.some((source) => new RegExp(source, filter.ignoreCase ? 'i' : '').test(line));
    if (matches === filter.invert) return false;
  }
  return true;
}
