/**
 * Word expansion as the shell does it, as far as it can be known before the command runs:
 * brace expansion, tilde, parameters guard can know (assigned earlier in the same command line,
 * HOME, PWD, positional parameters of a `bash -c` string), quote removal, field splitting and
 * glob detection. Anything computed at run time (command output, unknown variables, `$IFS`,
 * arithmetic) becomes an unknown part: a Field whose value is null. Rules then treat unknown
 * values conservatively instead of guessing.
 */
import type { BranchLines } from './branch-names.js';
import type { LaterBody } from './later-bodies.js';
import path from 'node:path';
import type { Pipeline, Redirect, Script, SimpleCommand, Word, WordPart, ZshParam } from './ast.js';
import type { FoundOperand, Listing } from './state.js';
import { partRegExp } from '../../util/shell-pattern.js';
import { escapedBytes, escapedText } from '../../util/escaped-text.js';

export interface ShellVar {
  /** null: set, but to something guard cannot know. */
  value: string | null;
  exported: boolean;
  /**
   * For an unknown value: what it was computed from, as written (`$(cat .git/guard/watcher.pid)`,
   * the file `read` read), with the origins of the variables that went into it. `kill $p` is
   * judged by where `$p` came from.
   */
  origin?: string;
  /**
   * For an unknown value that is either empty or this (`d=$(mktemp -d || true)`: mktemp prints
   * the new name, or nothing when it fails): a test that the value is not empty (`[ -n "$d" ]`,
   * `[ -z "$d" ] && exit 1`) makes it this value where the test holds (evaluate.ts narrowing).
   */
  nonEmpty?: string;
  /** With nonEmpty: empty because the shell that set it did not export it (Evaluator.inherited), not because a command may print nothing. */
  maybeUnset?: boolean;
  /** An unknown value that is a number (`for i in $(seq 1 "$n")`): one word when expanded unquoted, unless the line sets IFS. */
  numeric?: boolean;
  /**
   * Read by `read VAR` from a listing's output (`git ls-files src | while read -r f; do ...`):
   * each value is one line that listing prints (listings.ts), as xargs's arguments are.
   */
  listing?: Listing;
  /**
   * Read by `read VAR` from `git branch` lines (`git branch --merged | grep -v main | while read
   * b; do git branch -d "$b"; done`), or the variable of a `for` over them: each value is the words
   * of one line that gets through the filters, as xargs's arguments are (branch-names.ts).
   */
  branches?: BranchLines;
}

/**
 * A word as written, followed by the values and origins of the variables it names: the text
 * that says where an unknown value comes from (`$p` after `p=$(cat .git/guard/watcher.pid)`).
 */
export function provenance(display: string, state: ShellState): string {
  const parts: Array<string | null | undefined> = [display];
  for (const match of display.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const variable = state.vars.get(match[1] as string);
    parts.push(variable?.value, variable?.origin);
  }
  const joined = joinOrigins(...parts);
  return state.written.size === 0 ? joined : joinOrigins(joined, ...writtenOrigins(joined, state));
}

/**
 * What was written earlier in the line into the files a text names (`/tmp/p` in
 * `$(cat /tmp/p)` after `cat .git/guard/watcher.pid > /tmp/p`): a value read from such a file
 * comes from there. Words are cut at shell punctuation and looked up as written and against
 * every directory the command may run in.
 */
function writtenOrigins(text: string, state: ShellState): string[] {
  const out: string[] = [];
  for (const word of new Set(text.split(/[\s"'`$(){}<>|;&=,]+/))) {
    if (word === '') continue;
    for (const key of fileKeys(word, state.cwds)) {
      const origin = state.written.get(key);
      if (origin !== undefined) out.push(origin);
    }
  }
  return out;
}

/** The keys a file is known by in ShellState.written: the text as written and its absolute paths. */
export function fileKeys(word: string, cwds: Array<string | null>): string[] {
  const keys = new Set<string>([word]);
  if (word.startsWith('/')) keys.add(path.posix.normalize(word).replace(/(.)\/+$/, '$1'));
  else for (const cwd of cwds) if (cwd !== null && cwd.startsWith('/')) keys.add(path.posix.resolve(cwd, word));
  return [...keys];
}

/** Records that `file` (as written) now holds what `origin` says, for every directory the writer may be in. */
export function noteWritten(state: ShellState, file: string, origin: string): void {
  if (file === '' || origin === '') return;
  const texts = writtenTexts.get(state.written);
  for (const key of fileKeys(file, state.cwds)) {
    state.written.set(key, joinOrigins(state.written.get(key), origin));
    texts?.set(key, null);
  }
}

/**
 * The whole text of files the line wrote where guard knows it (`cat > x.sh <<'EOF' ... EOF`), by
 * the keys of ShellState.written (shared by every state of one classification, so keyed on it);
 * null: written by something else since (or appended to), the text unknown.
 */
const writtenTexts = new WeakMap<Map<string, string>, Map<string, string | null>>();

/** After noteWritten: `file` now holds exactly `text` (one directory the writer is in, else unknown). */
export function noteWrittenText(state: ShellState, file: string, text: string): void {
  if (file === '' || state.cwds.length !== 1) return;
  let texts = writtenTexts.get(state.written);
  if (!texts) writtenTexts.set(state.written, (texts = new Map()));
  for (const key of fileKeys(file, state.cwds)) texts.set(key, text);
}

/** The text the line wrote into the file known by `key`: undefined where it wrote none, null where guard cannot say. */
export function writtenText(state: ShellState, key: string): string | null | undefined {
  if (!state.written.has(key)) return undefined;
  return writtenTexts.get(state.written)?.get(key) ?? null;
}

/**
 * Origins joined as a set of lines, each text once: `p=$p$p` repeated (or two variables built
 * from each other) would otherwise double the origin at every step and exhaust memory.
 */
export function joinOrigins(...parts: Array<string | null | undefined>): string {
  const lines = new Set<string>();
  for (const part of parts) if (part) for (const line of part.split('\n')) lines.add(line);
  return [...lines].join('\n');
}

export interface ShellState {
  /** Every directory the command may be running in at this point; null = unknown. */
  cwds: Array<string | null>;
  vars: Map<string, ShellVar>;
  /** `$0 $1 ...` of a `bash -c` string; null when unknown (the outer command line). */
  positional: Array<string | null> | null;
  /**
   * Files written earlier in the line, by their keys (fileKeys), with where their content came
   * from (the writer's words, variables and stdin, as provenance gives them). Files outlive
   * subshells, pipelines and nested shells, so every state of one classification shares this map.
   */
  written: Map<string, string>;
  /**
   * The function bodies and trap handlers this shell holds (later-bodies.ts): judged again as
   * its state changes. A subshell copies them; a new shell (`bash -c`) starts without.
   */
  later?: LaterBody[];
  /**
   * `set -e` (or `bash -e`): a command that fails ends the shell, unless it is a condition, a
   * command before the last `&&`/`||` of its list, negated, or inside one of those (evaluate.ts).
   */
  errexit?: boolean;
  /**
   * `set -a` (allexport): every variable assigned from then on is exported, seen by the commands
   * that follow as `export` would make it (server-frameworks.ts reads RAILS_ENV so).
   */
  allexport?: boolean;
}

export interface Field {
  /** The value after expansion and quote removal; null when any part is unknown. */
  value: string | null;
  /** The word as written, for messages. */
  display: string;
  /** Unquoted glob characters (`*`, `?`, `[...]`) in a known value. */
  glob: boolean;
  /** The value as a glob pattern, quoted glob characters escaped (set when glob). */
  pattern: string | null;
  /** An unquoted unknown expansion: may turn into zero, one or several arguments. */
  splittable: boolean;
  /**
   * Unknown only because it holds text guard cannot know marked as such (UNKNOWN_TEXT: a
   * makefile's `$(shell ...)` output): that text, for a shell to parse (`sh -c '$(CC) --version'`
   * judged as a command whose name guard cannot know).
   */
  withUnknown?: string;
  /** Unknown only because it starts with `~user` (some user's home directory): a path. */
  tildePath?: boolean;
  /**
   * Set by find for an operand built from `{}` (files.ts): what deleting it takes is judged by
   * this, not by the value, which is a made-up name standing for whatever find finds.
   */
  found?: FoundOperand;
  /**
   * An unknown operand that stands for names a listing command prints (xargs input from `git
   * ls-files`, `$(grep -rl foo src)`): each is one of the files in the listing (listings.ts).
   * `split`: how the names reach the command: whole (NUL-separated), or split into words, where a
   * name holding a blank, a quote, a backslash (or, for `$(...)`, a glob character) could name another file.
   */
  listed?: { listing: Listing; split: 'nul' | 'words' | 'glob' };
  /** An unknown operand that stands for words of the `git branch` lines a pipeline prints (xargs input from `git branch --merged | grep -v main`: branch-names.ts). */
  branches?: BranchLines;
}

export interface ExpandEnv {
  state: ShellState;
  home: string | undefined;
  /** Shell functions the command line defines (a `basename` function makes `$(basename ...)` unknown). */
  functions?: ReadonlySet<string>;
  /**
   * The directory `mktemp` creates in (the system temp directory, CommandContext.scratchDirs[0]);
   * absent: `$(mktemp)` stays unknown.
   */
  tempDir?: string;
  /**
   * Is `abs` a directory? From the file system (StateView.file, no git): true, false, or null
   * where guard cannot say yet (collecting) or at all. Absent: `$(cd DIR && pwd)` stays unknown.
   */
  isDir?(abs: string): boolean | null;
  /** The real path (symlinks resolved) of the directory at `abs`; null where it is none or guard cannot say. */
  realDir?(abs: string): string | null;
  /**
   * Where the existing path `abs` leads, every symlink on the way and at its end resolved (what
   * `readlink -f` prints for a file); null where nothing is there or guard cannot say yet.
   */
  realPath?(abs: string): string | null;
  /** What `git rev-parse --show-toplevel` prints run in `cwd`, or null where guard cannot say (absent: unknown). */
  repoTop?(cwd: string): string | null;
  /**
   * The branch checked out where `cwd` is (what `git branch --show-current` prints there), or null
   * where guard cannot say: detached, another repository, a HEAD it cannot read (absent: unknown).
   */
  currentBranch?(cwd: string): string | null;
  /**
   * Called for every command substitution (and process substitution) met while expanding; for a
   * command that prints names from a set guard can list, that listing (Listing).
   */
  onSubstitution(body: Script): Listing | { branches: BranchLines } | undefined | void;
}

type Atom = { kind: 'char'; c: string } | { kind: 'part'; part: WordPart };

interface Segment {
  text: string;
  /** Quoted text: no splitting, no globbing. */
  quoted: boolean;
  /** Unknown value. */
  unknown: boolean;
  /** Came from an expansion (so it is subject to field splitting when unquoted). */
  expansion: boolean;
  /** A `~user` prefix guard cannot resolve. */
  tilde?: boolean;
  /** An unknown number (`$((n*2))`, a `seq` loop's variable): unquoted, it stays one word (no IFS in the line). */
  numeric?: boolean;
  /**
   * An unquoted `$(...)` of a command that prints names from a set guard can list (listings.ts),
   * or a variable `read` from one (`"$f"`: one line, not split; `$f`: split and globbed).
   */
  listing?: Listing;
  listSplit?: 'words' | 'glob';
  /** A `$(...)` of a pipeline printing `git branch` lines (branch-names.ts). */
  branches?: BranchLines;
  /** Ends the field being built (between the words of a quoted `"$@"`): the next segment starts another. */
  fieldBreak?: boolean;
}

const MAX_BRACE_WORDS = 256;
const GLOB_CHARS = /[*?]|\[[^\]]+\]/;

/**
 * Glob forms the agent's shell may read that guard's patterns do not model, each judged as `*`
 * (what it matches is within what `*` matches in that part of the path): bash's extglob groups
 * (`!(keep)`, `@(a|b)`, `*(p)`, `+(p)`, `?(p)`) and zsh's glob qualifiers as bash's parser reads
 * them (`*(.)`, `*(N)`, `*(/)`: the agent's shell is often zsh, whose `rm -rf *(/)` deletes every
 * directory), and zsh's EXTENDED_GLOB `^name` at the start of a part (everything but name). Since
 * 2026-12-07 (helper holes4): before, such a word matched no file (`rm src/!(x)`, `rm -rf *(/)`:
 * "no destructive command found").
 */
const EXTGLOB_GROUP = /[?*+@!]\((?:[^()]|\([^()]*\))*\)/g;
const WIDENED_GLOB = /[?*+@!]\(|(?:^|\/)\^/;

function widenedGlob(text: string, partStart: boolean): string {
  const groups = text.replace(EXTGLOB_GROUP, '*');
  return groups.replace(/(^|\/)\^[^/]*/g, (whole, lead: string, at: number) => (at === 0 && lead === '' && !partStart ? whole : `${lead}*`));
}

/**
 * zsh's EXTENDED_GLOB forms in a zsh script's word (Word.zsh), judged within what `*` matches
 * (since 2026-12-07, holes5; before, the word matched no file and `rm *~(*.keep)` was free):
 * the exclusion `a~b` (what `a` matches less what `b` matches; the `(...)` after it is read as
 * qualifiers by the parser and dropped) as `a`, or `a*` where `a` ends in no `*`, which also
 * covers the literal name zsh gives it without EXTENDED_GLOB; `x#` and `x##` (zero or more, one
 * or more `x`) make their part of the path `*`. A `~` needs a glob character before it in the
 * word (`notes.txt~`, `a~b` stay names); a `~` or `#` at the word's start is tilde expansion or a
 * comment, and one ending the word is a name's (`rm -f *~`: zsh 5.9 matches editor backups so).
 * Checked with zsh 5.9 (`setopt extendedglob; print -l -- PATTERN`). Null where the word holds
 * neither form unquoted.
 */
function zshWidened(segments: Segment[], display: string): string | null {
  let pattern = '';
  let found = false;
  for (const [i, s] of segments.entries()) {
    if (s.quoted) {
      pattern += s.text.replace(/[*?[\]\\]/g, '\\$&');
      continue;
    }
    const partStart = i === 0 || (segments[i - 1] as Segment).text.endsWith('/');
    // a variable's value is no pattern to zsh (no GLOB_SUBST): its `~` and `#` are text
    const literal = !s.expansion;
    const tilde = literal ? s.text.indexOf('~', i === 0 ? 1 : 0) : -1;
    // a `~` ending the word is a name's (`rm -f *~`, editor backups: zsh 5.9 with EXTENDED_GLOB matches it literally);
    // `*~(*.keep)` ends in what the parser read as qualifiers (zsh 5.9 refuses it so; with NO_BARE_GLOB_QUAL a group)
    const last = tilde === s.text.length - 1 && i === segments.length - 1 && display.endsWith('~');
    if (tilde !== -1 && !last && /[*?[]/.test(pattern + s.text.slice(0, tilde))) {
      pattern += widenedGlob(hashParts(s.text.slice(0, tilde)), partStart);
      return pattern.endsWith('*') ? pattern : `${pattern}*`;
    }
    const text = literal && s.text.includes('#') ? hashParts(s.text) : s.text;
    if (text !== s.text) found = true;
    pattern += widenedGlob(text, partStart);
  }
  return found ? pattern : null;
}

/** Each part of a path holding zsh's `#` (`a#`, `x##.log`) as `*`. */
function hashParts(text: string): string {
  return text.split('/').map((part) => (part.includes('#') ? '*' : part)).join('/');
}

export function newState(cwd: string | null, written: Map<string, string> = new Map()): ShellState {
  return { cwds: [cwd], vars: new Map(), positional: null, written };
}

export function cloneState(state: ShellState): ShellState {
  return { cwds: [...state.cwds], vars: new Map(state.vars), positional: state.positional ? [...state.positional] : null, written: state.written, ...(state.later ? { later: [...state.later] } : {}), ...(state.errexit ? { errexit: true } : {}), ...(state.allexport ? { allexport: true } : {}) };
}

export function knownField(value: string): Field {
  return { value, display: value, glob: false, pattern: null, splittable: false };
}

export function unknownField(display: string, splittable = false): Field {
  return { value: null, display, glob: false, pattern: null, splittable };
}

/** Expands one word into fields (brace expansion can give several, splitting too). */
export function expandWord(word: Word, env: ExpandEnv, options: { split?: boolean } = {}): Field[] {
  const split = options.split !== false;
  const fields: Field[] = [];
  for (const atoms of braceExpand(toAtoms(word))) {
    fields.push(...fieldsOf(atoms, word.text, env, split, word.zsh === true));
  }
  return fields;
}

/** Expands a word that is never split (an assignment value, a redirection target, a case subject). */
export function expandSingle(word: Word, env: ExpandEnv): Field {
  const fields = expandWord(word, env, { split: false });
  if (fields.length === 1 && fields[0]) return fields[0];
  if (fields.length === 0) return knownField('');
  // Brace expansion in a redirection target is an error in bash; treat as unknown.
  return unknownField(word.text);
}

function toAtoms(word: Word): Atom[] {
  const atoms: Atom[] = [];
  for (const part of word.parts) {
    if (part.kind === 'lit' && !part.quoted) for (const c of part.text) atoms.push({ kind: 'char', c });
    else atoms.push({ kind: 'part', part });
  }
  return atoms;
}

function isChar(atom: Atom | undefined, c: string): boolean {
  return atom !== undefined && atom.kind === 'char' && atom.c === c;
}

/** bash brace expansion over unquoted characters: `{a,b}`, `{1..3}`, nested, with prefix/suffix. */
function braceExpand(atoms: Atom[]): Atom[][] {
  for (let i = 0; i < atoms.length; i++) {
    if (!isChar(atoms[i], '{') || isChar(atoms[i - 1], '$')) continue;
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = i + 1; j < atoms.length; j++) {
      if (isChar(atoms[j], '{')) depth++;
      else if (isChar(atoms[j], '}')) {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (isChar(atoms[j], ',') && depth === 0) commas.push(j);
    }
    if (close === -1) return [atoms];
    const prefix = atoms.slice(0, i);
    const suffix = atoms.slice(close + 1);
    let alternatives: Atom[][] | null = null;
    if (commas.length > 0) {
      alternatives = [];
      let from = i + 1;
      for (const comma of [...commas, close]) {
        alternatives.push(atoms.slice(from, comma));
        from = comma + 1;
      }
    } else {
      alternatives = sequence(atoms.slice(i + 1, close));
    }
    if (!alternatives) continue;
    const out: Atom[][] = [];
    for (const alternative of alternatives) {
      for (const expanded of braceExpand([...prefix, ...alternative, ...suffix])) {
        out.push(expanded);
        if (out.length > MAX_BRACE_WORDS) return [atoms];
      }
    }
    return out;
  }
  return [atoms];
}

function sequence(inner: Atom[]): Atom[][] | null {
  if (inner.some((a) => a.kind !== 'char')) return null;
  const text = inner.map((a) => (a.kind === 'char' ? a.c : '')).join('');
  const numeric = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  const alpha = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.(-?\d+))?$/.exec(text);
  if (!numeric && !alpha) return null;
  const match = (numeric ?? alpha) as RegExpExecArray;
  const from = numeric ? Number(match[1]) : (match[1] as string).charCodeAt(0);
  const to = numeric ? Number(match[2]) : (match[2] as string).charCodeAt(0);
  const step = Math.max(1, Math.abs(Number(match[3] ?? 1)));
  const values: string[] = [];
  const dir = from <= to ? 1 : -1;
  for (let v = from; dir > 0 ? v <= to : v >= to; v += dir * step) {
    values.push(numeric ? String(v) : String.fromCharCode(v));
    if (values.length > MAX_BRACE_WORDS) return null;
  }
  return values.map((v) => [...v].map((c) => ({ kind: 'char', c }) as Atom));
}

function fieldsOf(atoms: Atom[], display: string, env: ExpandEnv, split: boolean, zsh = false): Field[] {
  const segments = segmentsOf(atoms, env);
  // Field splitting: unquoted expansion results break fields at IFS whitespace.
  const fields: Segment[][] = [[]];
  let sawQuoted = false;
  const current = (): Segment[] => fields[fields.length - 1] as Segment[];
  for (const segment of segments) {
    if (segment.fieldBreak) {
      fields.push([]);
      continue;
    }
    if (segment.quoted) sawQuoted = true;
    if (!split || segment.quoted || !segment.expansion || segment.unknown) {
      current().push(segment);
      continue;
    }
    if (env.state.vars.has('IFS')) {
      // A changed IFS splits expansions in ways guard does not model: the result is unknown.
      current().push({ ...segment, unknown: true });
      continue;
    }
    const pieces = segment.text.split(/[ \t\n]+/);
    pieces.forEach((piece, index) => {
      if (index > 0) fields.push([]);
      if (piece !== '') current().push({ ...segment, text: piece });
    });
  }
  const out: Field[] = [];
  for (const fieldSegments of fields) {
    // An unquoted expansion that produced nothing disappears (`rm $EMPTY` has no argument).
    if (fieldSegments.length === 0) continue;
    out.push(toField(fieldSegments, display, zsh));
  }
  if (out.length === 0 && sawQuoted) out.push(knownField(''));
  return out;
}

/**
 * Longest value guard computes for a word. A variable built from itself (`p=$p$p` repeated)
 * doubles at each step; past this it is a value guard cannot know, as no real command needs it.
 */
const MAX_VALUE = 1 << 20;

/**
 * Stands for text guard cannot know in code it was handed rather than typed (a makefile's
 * `$(shell ...)` output: make-targets.ts): a word holding it is unknown, shown as make wrote it.
 */
export const UNKNOWN_TEXT = /\uE000([^\uE001]*)\uE001/g;

export function shownUnknownText(text: string): string {
  return text.includes('\uE000') ? text.replace(UNKNOWN_TEXT, '$1') : text;
}

function toField(segments: Segment[], display: string, zsh = false): Field {
  let length = 0;
  for (const s of segments) length += s.text.length;
  const tooLong = length > MAX_VALUE;
  const marked = segments.some((s) => s.text.includes('\uE000'));
  if (marked) display = shownUnknownText(display);
  const unknown = tooLong || marked || segments.some((s) => s.unknown);
  const splittable = tooLong || segments.some((s) => (s.unknown || s.text.includes('\uE000')) && !s.quoted && !s.numeric);
  if (unknown) {
    const field = unknownField(display, splittable);
    if (marked && !tooLong && !segments.some((s) => s.unknown)) field.withUnknown = segments.map((s) => s.text).join('');
    if (!tooLong && segments.every((s) => !s.unknown || s.tilde)) field.tildePath = true;
    // The word is the substitution alone (`$(git ls-files '*.js')`): split on IFS, then globbed.
    const only = segments.length === 1 ? segments[0] : undefined;
    if (only?.listing) field.listed = { listing: only.listing, split: only.listSplit ?? 'glob' };
    // Unquoted, the shell also expands globs in the words: the `*` of `* NAME` names the files there.
    if (only?.branches) field.branches = only.quoted ? only.branches : { ...only.branches, globbed: true };
    return field;
  }
  const value = segments.map((s) => s.text).join('');
  if (zsh) {
    const widened = zshWidened(segments, display);
    if (widened !== null) return { value, display, glob: true, pattern: widened, splittable: false };
  }
  const glob = segments.some((s) => !s.quoted && (GLOB_CHARS.test(s.text) || WIDENED_GLOB.test(s.text)));
  const pattern = glob ? segments.map((s, i) => (s.quoted ? s.text.replace(/[*?[\]\\]/g, '\\$&') : widenedGlob(s.text, i === 0 || (segments[i - 1] as Segment).text.endsWith('/')))).join('') : null;
  return { value, display, glob, pattern, splittable: false };
}

function segmentsOf(atoms: Atom[], env: ExpandEnv): Segment[] {
  const segments: Segment[] = [];
  const lit = (text: string, quoted: boolean): void => {
    const last = segments[segments.length - 1];
    if (last && !last.expansion && !last.unknown && last.quoted === quoted) last.text += text;
    else segments.push({ text, quoted, unknown: false, expansion: false });
  };
  let i = 0;
  // Tilde expansion at the start of the word: ~, ~/..., ~user.
  if (isChar(atoms[0], '~')) {
    let name = '';
    let j = 1;
    while (j < atoms.length && atoms[j]?.kind === 'char' && !isChar(atoms[j], '/')) {
      name += (atoms[j] as { c: string }).c;
      j++;
    }
    if (j === atoms.length || isChar(atoms[j], '/')) {
      const value = name === '' ? (env.state.vars.get('HOME')?.value ?? env.home ?? null) : name === '+' ? singleCwd(env.state) : null;
      segments.push(value === null ? { text: `~${name}`, quoted: true, unknown: true, expansion: true, tilde: true } : { text: value, quoted: true, unknown: false, expansion: true });
      i = j;
    }
  }
  for (; i < atoms.length; i++) {
    const atom = atoms[i] as Atom;
    if (atom.kind === 'char') {
      lit(atom.c, false);
      continue;
    }
    const part = atom.part;
    switch (part.kind) {
      case 'lit':
        lit(part.text, part.quoted);
        break;
      case 'param': {
        if (part.quoted && part.name === '@' && part.op === '' && !part.length && !part.indirect && env.state.positional) {
          quotedAt(env.state.positional.slice(1), segments);
          break;
        }
        const value = paramValue(part, env);
        // `"$f"` of a `read f` fed by a listing: one line of what the listing prints.
        const listing = value === null && part.op === '' ? env.state.vars.get(part.name)?.listing : undefined;
        // `"$b"` of a `read b` fed by `git branch` lines: the words of one line (unquoted: split and globbed, unless the line sets IFS)
        const readBranches = value === null && part.op === '' && !part.length && !part.indirect ? env.state.vars.get(part.name)?.branches : undefined;
        if (readBranches && (part.quoted || !env.state.vars.has('IFS'))) {
          segments.push({ text: `$${part.name}`, quoted: part.quoted, unknown: true, expansion: true, branches: readBranches });
          break;
        }
        const numeric = value === null && part.op === '' && !part.length && !part.indirect && env.state.vars.get(part.name)?.numeric === true && !env.state.vars.has('IFS');
        segments.push({ text: value ?? `$${part.name}`, quoted: part.quoted, unknown: value === null, expansion: true, ...(numeric ? { numeric } : {}), ...(listing ? { listing, listSplit: part.quoted ? ('words' as const) : ('glob' as const) } : {}) });
        break;
      }
      case 'cmdsub': {
        const printed = env.onSubstitution(part.body);
        const listing = printed && !('branches' in printed) ? printed : undefined;
        const branches = printed && 'branches' in printed ? printed.branches : undefined;
        const output = substitutionOutput(part.body, env);
        segments.push(output === null ? { text: '$(...)', quoted: part.quoted, unknown: true, expansion: true, ...(listing && !part.quoted ? { listing } : {}), ...(branches && !env.state.vars.has('IFS') ? { branches } : {}) } : { text: output, quoted: part.quoted, unknown: false, expansion: true });
        break;
      }
      case 'arith':
        for (const sub of part.subs) env.onSubstitution(sub);
        segments.push({ text: '$((...))', quoted: part.quoted, unknown: true, expansion: true, ...(env.state.vars.has('IFS') ? {} : { numeric: true }) });
        break;
      case 'array':
        // `local -a files=(a $(cmd))`: each element's substitutions run; the word's value is unknown
        for (const element of part.elements) expandWord(element, env);
        segments.push({ text: '(...)', quoted: true, unknown: true, expansion: true });
        break;
      case 'procsub':
        env.onSubstitution(part.body);
        // The word becomes a path like /dev/fd/63: a pipe, whose content guard cannot see.
        segments.push({ text: '/dev/fd/63', quoted: true, unknown: false, expansion: true });
        break;
    }
  }
  return segments;
}

/**
 * `"$@"` where the positional parameters are known (a `bash -c` string's typed arguments): one
 * word per parameter, each unsplit (one guard cannot see is an unknown word), none when there are
 * none, text quoted next to it joining the first and last (`"x$@y"`). Until 2026-12-05 it was
 * their values joined into one word (empty without arguments: `bash -c 'git clean -fdx "$@"' sh`
 * was judged as `git clean -fdx ''` and refused).
 */
function quotedAt(params: Array<string | null>, segments: Segment[]): void {
  params.forEach((value, i) => {
    if (i > 0) segments.push({ text: '', quoted: true, unknown: false, expansion: true, fieldBreak: true });
    segments.push({ text: value ?? `$${i + 1}`, quoted: true, unknown: value === null, expansion: true });
  });
}

/**
 * What a command substitution prints, where guard can compute it exactly: only `basename NAME
 * [SUFFIX]`, `dirname NAME` and `mktemp` (mktempOutput) (GNU coreutils, as bash runs them: trailing newlines removed) with words made of literal
 * text and plain known variables, no redirection, no function named basename in the line and PATH
 * not changed in it. Null for anything else: the value stays unknown.
 */
function substitutionOutput(body: Script, env: ExpandEnv): string | null {
  const directory = cdPwdOutput(body, env);
  if (directory !== undefined) return directory;
  const canonical = canonicalOutput(body, env);
  if (canonical !== undefined) return canonical;
  const item = body.items.length === 1 ? body.items[0] : undefined;
  if (!item || item.background || item.andOr.pipelines.length !== 1) return null;
  const pipeline = item.andOr.pipelines[0];
  const command = pipeline && !pipeline.negated && pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
  if (!command || command.type !== 'simple' || command.assigns.length > 0) return null;
  // `$(mktemp -d 2>/dev/null)`: only its errors go elsewhere.
  if (!command.redirects.every((r) => r.fd === 2 && (r.op === '>' || r.op === '>>') && r.target?.text === '/dev/null')) return null;
  // Plain words only, so expanding them here runs no substitution a second time.
  if (!command.words.every((word) => word.parts.every((p) => p.kind === 'lit' || (p.kind === 'param' && p.arg === null)))) return null;
  if (env.functions?.has('basename') || env.functions?.has('dirname') || !systemPath(env.state)) return null;
  const argv = command.words.flatMap((word) => expandWord(word, env));
  // `TMP=$(mktemp -d)`: a new name in the temp directory (mktempOutput).
  if (argv[0]?.value === 'mktemp' && !env.functions?.has('mktemp') && argv.every((a) => a.value !== null && !a.glob)) return mktempOutput(argv.slice(1).map((a) => a.value as string), env);
  // `docker run -v "$(pwd)":/app`: the one directory guard knows the line is in (logical, as $PWD; `-P`'s symlinks not resolved).
  if (argv[0]?.value === 'pwd' && !env.functions?.has('pwd') && argv.slice(1).every((a) => a.value === '-L' || a.value === '-P')) return singleCwd(env.state);
  // `cd "$(dirname "$0")"` in a script run from a file (script-files.ts sets $0).
  if (argv[0]?.value === 'dirname' && argv.length === 2 && argv[1]?.value !== null && !argv[1]?.glob) return dirnameOf(argv[1]?.value as string);
  if (argv[0]?.value === 'dirname' && argv.length === 3 && argv[1]?.value === '--' && argv[2]?.value !== null && !argv[2]?.glob) return dirnameOf(argv[2]?.value as string);
  // `ROOT=$(git rev-parse --show-toplevel)`: the worktree the command runs in (no git process).
  if (argv[0]?.value === 'git' && argv.length === 3 && argv[1]?.value === 'rev-parse' && argv[2]?.value === '--show-toplevel') {
    const cwd = singleCwd(env.state);
    if (!env.repoTop || cwd === null || env.functions?.has('git') || [...env.state.vars.keys()].some((name) => name.startsWith('GIT_'))) return null;
    return env.repoTop(cwd);
  }
  // `git push origin "$(git branch --show-current)"`, `b=$(git rev-parse --abbrev-ref HEAD)`: the checked-out branch (no git process).
  if (argv[0]?.value === 'git' && printsCurrentBranch(argv.slice(1).map((a) => a.value))) {
    const cwd = singleCwd(env.state);
    if (!env.currentBranch || cwd === null || env.functions?.has('git') || [...env.state.vars.keys()].some((name) => name.startsWith('GIT_'))) return null;
    return env.currentBranch(cwd);
  }
  if (argv[0]?.value !== 'basename' || argv.length < 2 || argv.length > 3 || argv.some((a) => a.value === null || a.glob)) return null;
  const [name, suffix] = argv.slice(1).map((a) => a.value as string) as [string, string | undefined];
  if (name.startsWith('-')) return null;
  return basenameOf(name, suffix);
}

/** `branch --show-current`, `rev-parse --abbrev-ref HEAD`, `symbolic-ref [-q] --short [-q] HEAD`: git's ways to print the branch's name. */
function printsCurrentBranch(words: Array<string | null>): boolean {
  const text = words.every((w) => w !== null) ? words.join(' ') : '';
  return /^(?:branch --show-current|rev-parse --abbrev-ref HEAD|symbolic-ref (?:-q )?--short (?:-q )?HEAD)$/.test(text);
}

/**
 * `$(mktemp -d -t x.XXXXXX || true)` (jq's tests/setup), `$(mktemp || exit 1)`: mktemp's name
 * (mktempOutput) when it succeeds; when it fails it prints nothing and the fallback (`true`, `:`,
 * `exit`, `return`, `false`) prints nothing either, so the value is that name or empty. Null for
 * any other shape.
 */
export function nameOrEmptyOutput(body: Script, env: ExpandEnv): string | null {
  const item = body.items.length === 1 ? body.items[0] : undefined;
  if (!item || item.background || item.andOr.pipelines.length !== 2 || item.andOr.ops[0] !== '||') return null;
  const [first, fallback] = item.andOr.pipelines;
  const quiet = fallback && !fallback.negated && fallback.commands.length === 1 ? fallback.commands[0] : undefined;
  if (!first || !quiet || quiet.type !== 'simple' || quiet.assigns.length > 0 || quiet.redirects.length > 0) return null;
  const [name, ...args] = quiet.words.map((w) => w.text);
  if (!name || !['true', ':', 'exit', 'return', 'false'].includes(name) || env.functions?.has(name) || args.length > 1 || !args.every((a) => /^\d+$/.test(a))) return null;
  const made = substitutionOutput({ items: [{ andOr: { pipelines: [first], ops: [] }, background: false }] }, env);
  const command = first.commands[0];
  // Only mktemp's name: another command's output on failure may be anything.
  if (made === null || made === '' || command?.type !== 'simple' || command.words[0]?.text !== 'mktemp') return null;
  return made;
}

/**
 * PATH is not set in the line, or only to the system's own directories (tmux's regress/*.sh:
 * `PATH=/bin:/usr/bin`), where mktemp, basename and dirname are the system's. Not /usr/local
 * (Homebrew makes it the user's).
 */
function systemPath(state: ShellState): boolean {
  const path = state.vars.get('PATH');
  if (!path) return true;
  return path.value !== null && path.value.split(':').every((dir) => ['/bin', '/usr/bin', '/sbin', '/usr/sbin'].includes(dir));
}

/** A redirection that sends output nowhere a value could come from: `>/dev/null`, `2>&1`, `&>/dev/null`. */
function quietRedirect(redirect: Redirect, env: ExpandEnv): boolean {
  if (redirect.heredoc || !redirect.target) return false;
  const target = expandSingle(redirect.target, { ...env, onSubstitution: () => undefined }).value;
  if (redirect.op === '>&') return target === '1' || target === '2';
  return ['>', '>>', '&>', '&>>', '>|'].includes(redirect.op) && target === '/dev/null';
}

/**
 * `$(cd DIR && pwd)`, `$(cd -P -- "$(dirname "$0")/.." >/dev/null 2>&1 && pwd -P)`, `$(CDPATH= cd
 * DIR; pwd)`: the absolute directory DIR names from the current one (logical: `-P`'s symlinks
 * are not resolved, as guard resolves no path's). Exact where guard knows the one directory the
 * substitution starts in, DIR's value (no CDPATH search: DIR absolute or starting with `.`, or
 * CDPATH emptied) and that DIR is a directory (else cd fails and nothing is printed: unknown).
 * Undefined where the body is not this shape; null where it is and guard cannot say.
 */
function cdPwdOutput(body: Script, env: ExpandEnv): string | null | undefined {
  const simple = (pipeline: Pipeline | undefined): SimpleCommand | undefined => {
    const command = pipeline && !pipeline.negated && pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
    return command?.type === 'simple' ? command : undefined;
  };
  let cd: SimpleCommand | undefined;
  let pwd: SimpleCommand | undefined;
  if (body.items.length === 1) {
    const only = body.items[0];
    if (!only || only.background || only.andOr.pipelines.length !== 2 || only.andOr.ops[0] !== '&&') return undefined;
    [cd, pwd] = [simple(only.andOr.pipelines[0]), simple(only.andOr.pipelines[1])];
  } else if (body.items.length === 2) {
    const [a, b] = body.items;
    if (!a || !b || a.background || b.background || a.andOr.pipelines.length !== 1 || b.andOr.pipelines.length !== 1) return undefined;
    [cd, pwd] = [simple(a.andOr.pipelines[0]), simple(b.andOr.pipelines[0])];
  } else return undefined;
  if (!cd || !pwd || cd.words[0]?.text !== 'cd' || pwd.words[0]?.text !== 'pwd') return undefined;
  // The body was classified already (onSubstitution): expanding it again judges nothing twice.
  const quiet: ExpandEnv = { ...env, onSubstitution: () => undefined };
  if (env.functions?.has('cd') || env.functions?.has('pwd') || pwd.assigns.length > 0 || pwd.redirects.length > 0) return null;
  if (!pwd.words.slice(1).every((w) => ['-P', '-L'].includes(w.text))) return null;
  const cdpathEmpty = cd.assigns.length === 1 && cd.assigns[0]?.name === 'CDPATH' && (cd.assigns[0].value === null || expandSingle(cd.assigns[0].value, quiet).value === '');
  if ((cd.assigns.length > 0 && !cdpathEmpty) || !cd.redirects.every((r) => quietRedirect(r, quiet))) return null;
  const args = cd.words.slice(1).flatMap((word) => expandWord(word, quiet));
  let i = 0;
  while (i < args.length && (args[i]?.value === '-P' || args[i]?.value === '-L')) i++;
  if (args[i]?.value === '--') i++;
  const dir = args[i];
  if (!dir || i !== args.length - 1 || dir.value === null || dir.glob || dir.value === '' || dir.value.startsWith('-')) return null;
  const cwd = singleCwd(env.state);
  const value = dir.value;
  // A relative DIR not starting with `.` is looked up in CDPATH first where the line sets one
  // (then cd prints where it went): unknown. An exported CDPATH from the agent's environment is not modelled.
  const cdpath = env.state.vars.get('CDPATH');
  if (!value.startsWith('/') && (cwd === null || (!cdpathEmpty && !value.startsWith('.') && cdpath !== undefined && cdpath.value !== ''))) return null;
  const abs = value.startsWith('/') ? path.posix.normalize(value).replace(/(.)\/+$/, '$1') : path.posix.resolve(cwd as string, value);
  if (!env.isDir || env.isDir(abs) !== true) return null;
  // `cd -P` or `pwd -P` prints the real directory: through a symlink `lnk -> /elsewhere`, that
  // is /elsewhere (`rm -rf "$(cd -P lnk && pwd -P)"` deletes it, not the link).
  const physical = args.slice(0, i).some((a) => a.value === '-P') || pwd.words.slice(1).some((w) => w.text === '-P');
  return physical ? (env.realDir?.(abs) ?? null) : abs;
}

/**
 * `$(readlink -f "$(dirname "$0")")`, `$(realpath scripts/..)`, `$(dirname "$(readlink -f "$0")")`
 * (documenso's apps/remix/.bin/build.sh, run by its `npm run build`): the real path of one
 * directory NAME from the current directory (every symlink resolved, as `$(cd -P DIR && pwd -P)`
 * is computed), where NAME is a directory. `readlink -f|-e|-m` (and their long names) and
 * `realpath [-e|-m|-s|-L|-P|-q]` with one operand; `dirname` and `basename` of such a
 * substitution. A NAME that is a file is where it leads (ExpandEnv.realPath: the state view's
 * facts of it, symlinks followed), so `$(dirname "$(readlink -f "$0")")` in a script is the
 * script's real directory (until 2026-12-07 it stayed unknown: `rm -rf "$DIR/../data"` was
 * asked, as for a path guard cannot know); one not there is unknown. Undefined where the body is not this shape
 * (a plain `readlink LINK` prints the link's target: unknown); null where it is and guard cannot
 * say. `realpath -s` resolves no symlink: NAME made absolute.
 */
function canonicalOutput(body: Script, env: ExpandEnv): string | null | undefined {
  const item = body.items.length === 1 ? body.items[0] : undefined;
  const pipeline = item && !item.background && item.andOr.pipelines.length === 1 ? item.andOr.pipelines[0] : undefined;
  const command = pipeline && !pipeline.negated && pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
  if (!command || command.type !== 'simple') return undefined;
  const name = command.words[0]?.text;
  if (name !== 'readlink' && name !== 'realpath' && name !== 'dirname' && name !== 'basename') return undefined;
  // dirname and basename of plain words are substitutionOutput's own (no nested substitution to expand).
  if ((name === 'dirname' || name === 'basename') && command.words.every((word) => word.parts.every((p) => p.kind !== 'cmdsub'))) return undefined;
  // The body was classified already (onSubstitution): expanding it again judges nothing twice.
  const quiet: ExpandEnv = { ...env, onSubstitution: () => undefined };
  if (env.functions?.has(name) || !systemPath(env.state) || command.assigns.length > 0 || !command.redirects.every((r) => quietRedirect(r, quiet))) return null;
  if (!command.words.every((word) => word.parts.every((p) => p.kind === 'lit' || (p.kind === 'param' && p.arg === null) || p.kind === 'cmdsub'))) return null;
  const argv = command.words.slice(1).flatMap((word) => expandWord(word, quiet));
  if (argv.some((a) => a.value === null || a.glob)) return null;
  const args = argv.map((a) => a.value as string);
  if (name === 'dirname') return args.length === 1 ? dirnameOf(args[0] as string) : args.length === 2 && args[0] === '--' ? dirnameOf(args[1] as string) : null;
  if (name === 'basename') return (args.length === 1 || args.length === 2) && !(args[0] as string).startsWith('-') ? basenameOf(args[0] as string, args[1]) : null;
  // readlink without -f/-e/-m prints a link's target; -z, --relative-to and the like print something else.
  const modes: Record<string, 'f' | 'e' | 'm' | 'strip' | 'quiet'> =
    name === 'readlink'
      ? { '-f': 'f', '--canonicalize': 'f', '-e': 'e', '--canonicalize-existing': 'e', '-m': 'm', '--canonicalize-missing': 'm', '-n': 'quiet', '--no-newline': 'quiet', '-q': 'quiet', '-s': 'quiet', '--quiet': 'quiet', '--silent': 'quiet', '-v': 'quiet', '--verbose': 'quiet' }
      : { '-e': 'e', '--canonicalize-existing': 'e', '-m': 'm', '--canonicalize-missing': 'm', '-s': 'strip', '--strip': 'strip', '--no-symlinks': 'strip', '-L': 'quiet', '--logical': 'quiet', '-P': 'quiet', '--physical': 'quiet', '-q': 'quiet', '--quiet': 'quiet' };
  let mode: 'f' | 'e' | 'm' | null = name === 'realpath' ? 'f' : null;
  let strip = false;
  const operands: string[] = [];
  let ended = false;
  for (const arg of args) {
    if (!ended && arg === '--') ended = true;
    else if (!ended && arg.startsWith('-')) {
      const m = modes[arg];
      if (!m) return null;
      if (m === 'strip') strip = true;
      else if (m !== 'quiet') mode = m;
    } else operands.push(arg);
  }
  const operand = operands.length === 1 ? operands[0] : undefined;
  const cwd = singleCwd(env.state);
  if (mode === null || operand === undefined || operand === '' || (!operand.startsWith('/') && cwd === null)) return null;
  const abs = operand.startsWith('/') ? path.posix.normalize(operand).replace(/(.)\/+$/, '$1') : path.posix.resolve(cwd as string, operand);
  // Every symlink resolved, the last one too: a directory's real path, or where an existing file
  // leads (`$(dirname "$(readlink -f "$0")")`, the script's own file: StateView.path's facts, no
  // git); nothing there: unknown.
  // `realpath -s`: the name as written, made absolute (no symlink resolved).
  if (env.isDir?.(abs) === true) return strip ? abs : (env.realDir?.(abs) ?? null);
  const real = env.realPath?.(abs) ?? null;
  return real === null ? null : strip ? abs : real;
}

/**
 * What `mktemp [-d] [-q] [-u] [-t|--tmpdir] [TEMPLATE]` prints, as a name standing for the one it
 * makes: mktemp's default name (`tmp.` and ten random letters, kept as ten X's) or the template (`-t`/`--tmpdir`, or with no template) in the temp
 * directory, or an absolute template's directory. The X's stay as written: the name is new, in a
 * scratch directory, so what a command does to it or inside it is judged as there. Null (unknown)
 * for a relative template without `-t` (made where the command runs: maybe in the repository),
 * `-p DIR`, a line that sets TMPDIR, or no known temp directory.
 */
function mktempOutput(args: string[], env: ExpandEnv): string | null {
  if (!env.tempDir || env.state.vars.has('TMPDIR')) return null;
  let inTemp = false;
  const operands: string[] = [];
  for (const arg of args) {
    if (arg === '--directory' || arg === '--quiet' || arg === '--dry-run') continue;
    if (arg === '--tmpdir') inTemp = true;
    else if (/^-[dqut]+$/.test(arg)) inTemp ||= arg.includes('t');
    else if (arg.startsWith('-')) return null;
    else operands.push(arg);
  }
  if (operands.length > 1) return null;
  const template = operands[0] ?? `tmp.${'X'.repeat(10)}`;
  if (operands.length === 0 || inTemp) return template.includes('/') ? null : `${env.tempDir}/${template}`;
  return template.startsWith('/') && !template.includes('..') ? template : null;
}

/** GNU dirname's output for one NAME (`a/b/` is `a`, `x` is `.`, `/x` is `/`); null for an option or a `//` start (implementation-defined). */
export function dirnameOf(name: string): string | null {
  if (name.startsWith('-') || name.startsWith('//') || name === '') return null;
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  const slash = trimmed.lastIndexOf('/');
  if (slash === -1) return '.';
  const dir = trimmed.slice(0, slash).replace(/\/+$/, '');
  return dir === '' ? '/' : dir;
}

/** GNU basename's output for NAME [SUFFIX], compared as bytes, without its trailing newlines. */
export function basenameOf(name: string, suffix: string | undefined): string {
  const bytes = escapedBytes(name);
  let end = bytes.length;
  while (end > 1 && bytes[end - 1] === 0x2f) end--;
  let base = bytes.subarray(0, end);
  if (!(base.length === 1 && base[0] === 0x2f)) base = base.subarray(base.lastIndexOf(0x2f) + 1);
  if (suffix !== undefined && suffix !== '') {
    const tail = escapedBytes(suffix);
    if (base.length > tail.length && base.subarray(base.length - tail.length).equals(tail)) base = base.subarray(0, base.length - tail.length);
  }
  return escapedText(Buffer.from(base)).replace(/\n+$/, '');
}

function singleCwd(state: ShellState): string | null {
  return state.cwds.length === 1 ? (state.cwds[0] ?? null) : null;
}

/** The value of a variable reference, or null when guard cannot know it. */
export function lookupVar(name: string, env: ExpandEnv): string | null {
  const { state } = env;
  if (/^\d+$/.test(name)) {
    if (!state.positional) return null;
    // null is a parameter guard cannot see (it is set); only a missing one expands to ''.
    const value = state.positional[Number(name)];
    return value === undefined ? '' : value;
  }
  if (name === '@' || name === '*') {
    // `"$*"` joins with IFS's first character: a line that sets IFS makes it unknown.
    if (!state.positional || state.vars.has('IFS')) return null;
    const rest = state.positional.slice(1);
    return rest.some((v) => v === null) ? null : rest.join(' ');
  }
  if (name === '#') return state.positional ? String(Math.max(0, state.positional.length - 1)) : null;
  // $IFS is never "known": changing or using it is how splitting tricks hide a command.
  if (name === 'IFS' || '?$!-'.includes(name)) return null;
  const variable = state.vars.get(name);
  if (variable) return variable.value;
  if (name === 'HOME') return env.home ?? null;
  if (name === 'PWD') return singleCwd(state);
  return null;
}

function paramValue(part: Extract<WordPart, { kind: 'param' }>, env: ExpandEnv): string | null {
  if (part.zsh) return zshParamValue(part, part.zsh, env);
  // Substitutions inside the operator's word may run: classify them whatever the value.
  const argField = part.arg ? expandSingle(part.arg, env) : null;
  const argValue = argField ? argField.value : '';
  if (part.length || part.indirect) return null;
  // `${BASH_SOURCE[0]}` (or `$BASH_SOURCE`): the script file bash runs (script-files.ts sets it); any other element is unknown.
  if (part.name === 'BASH_SOURCE' && part.subscript !== undefined && part.subscript !== '0') return null;
  const value = lookupVar(part.name, env);
  const set = value !== null && (env.state.vars.has(part.name) || part.name === 'HOME' || part.name === 'PWD' || /^\d+$/.test(part.name));
  switch (part.op) {
    case '':
      return value;
    case ':-':
    case ':=':
      if (value === null) return null;
      return value !== '' ? value : argValue;
    case '-':
    case '=':
      if (value === null) return null;
      return set ? value : argValue;
    case ':?':
    case '?':
      return value;
    case ':+':
      if (value === null) return null;
      return value !== '' ? argValue : '';
    case '+':
      if (value === null) return null;
      return set ? argValue : '';
    case '#':
    case '##':
    case '%':
    case '%%':
      if (value === null || !argField || argField.value === null) return null;
      return removeMatch(value, argField.glob ? argField.pattern : escapePattern(argField.value), part.op);
    default:
      return null;
  }
}

/**
 * A zsh expansion (parse.ts, dialect zsh): flags, a nested expansion in place of the name,
 * `${+name}` and a subscript (1-based in zsh, a character of a scalar) make the value unknown
 * (the substitutions inside still run and are judged); modifiers apply to bash's reading of the
 * rest (zshModified).
 */
function zshParamValue(part: Extract<WordPart, { kind: 'param' }>, zsh: ZshParam, env: ExpandEnv): string | null {
  if (zsh.inner) expandSingle(zsh.inner, env);
  const { zsh: _zsh, ...plain } = part;
  const base = paramValue(plain, env);
  if (zsh.flags !== '' || zsh.inner !== null || zsh.setTest || part.subscript !== undefined || part.length || base === null) return null;
  return zshModified(base, zsh.modifiers, env);
}

/**
 * zsh's modifiers applied to a value, where guard computes them exactly: `h` (the head, `.` for a
 * bare name), `t` (the tail), `a` (absolute: the current directory prepended, `.` and `..`
 * segments removed by text, as zsh does), `A`/`P` (`a`, then every symlink resolved: known for an
 * existing path), `r`/`e` (the extension removed / kept), `l`/`u`. Null for the rest (`:s/a/b/`,
 * quoting, counts) and where guard cannot say.
 */
export function zshModified(value: string, modifiers: string[], env: ExpandEnv): string | null {
  let v = value;
  for (const modifier of modifiers) {
    const slash = v.lastIndexOf('/');
    const dot = v.lastIndexOf('.');
    switch (modifier) {
      case 'h':
        if (v.length > 1 && v.endsWith('/')) return null;
        v = slash === -1 ? '.' : slash === 0 ? '/' : v.slice(0, slash);
        break;
      case 't':
        if (v.length > 1 && v.endsWith('/')) return null;
        v = v.slice(slash + 1);
        break;
      case 'a':
      case 'A':
      case 'P': {
        const cwd = singleCwd(env.state);
        if (v === '' || (!v.startsWith('/') && cwd === null)) return null;
        v = v.startsWith('/') ? path.posix.resolve(v) : path.posix.resolve(cwd as string, v);
        if (modifier !== 'a') {
          const real = env.isDir?.(v) === true ? env.realDir?.(v) : env.realPath?.(v);
          if (real === null || real === undefined) return null;
          v = real;
        }
        break;
      }
      case 'r':
        if (dot > slash) v = v.slice(0, dot);
        break;
      case 'e':
        if (dot <= slash) return null;
        v = v.slice(dot + 1);
        break;
      case 'l':
        v = v.toLowerCase();
        break;
      case 'u':
        v = v.toUpperCase();
        break;
      default:
        return null;
    }
  }
  return v;
}

/** Longest value `${name%pattern}` and its kind are computed for: each is a pattern match per split point. */
const MAX_TRIMMED = 4096;

function escapePattern(text: string): string {
  return text.replace(/[*?[\\]/g, '\\$&');
}

/**
 * `${name#pattern}`, `##`, `%`, `%%`: the value without the shortest or longest prefix or suffix
 * the pattern matches (`*` and `?` match `/` here), the value unchanged where none matches. Null
 * where guard would not be exact (a pattern form partRegExp does not model, a very long value).
 */
function removeMatch(value: string, pattern: string | null, op: string): string | null {
  if (pattern === null) return null;
  const chars = Array.from(value);
  if (chars.length > MAX_TRIMMED) return null;
  const regexp = partRegExp(pattern);
  if (regexp === null) return null;
  const n = chars.length;
  const test = (from: number, to: number): boolean => regexp.test(chars.slice(from, to).join(''));
  switch (op) {
    case '#':
      for (let i = 0; i <= n; i++) if (test(0, i)) return chars.slice(i).join('');
      break;
    case '##':
      for (let i = n; i >= 0; i--) if (test(0, i)) return chars.slice(i).join('');
      break;
    case '%':
      for (let i = n; i >= 0; i--) if (test(i, n)) return chars.slice(0, i).join('');
      break;
    case '%%':
      for (let i = 0; i <= n; i++) if (test(i, n)) return chars.slice(0, i).join('');
      break;
  }
  return value;
}


