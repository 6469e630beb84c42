/**
 * `make [options] [targets...]`: the recipes a task runner runs for the agent, judged as the
 * shell lines they are. Before 2026-12-05 make was "allow: no destructive command found" whatever
 * its recipes did: `make distclean` whose recipe is `git clean -xdf` lost the ignored `.env` and
 * `local.db` for good, where `git clean -xdf` typed directly captures them first.
 *
 * GNU make is modelled, never run (not even `make -n`: it runs `$(shell)` while it reads the
 * makefile, and `+` lines): the makefile is read as bytes (StateView.file) from the directory make
 * runs in (`-C dir`, cumulative), `-f FILE` or the first of GNUmakefile, makefile, Makefile; no
 * makefile, nothing runs. Literal `include`s are read too. The goals (the targets named, else the
 * first target that is not special, or `.DEFAULT_GOAL`) and their prerequisites that are explicit
 * rules of the same makefiles (at most MAX_TARGETS) have their recipes judged: every logical
 * recipe line (`\` continuations joined, `@`/`-`/`+` stripped) as a shell command typed in make's
 * directory, or the whole recipe as one script under `.ONESHELL`. With `-n`, `-q` or `-t` only
 * the lines make still runs (`+`, `$(MAKE)`).
 *
 * Variables are expanded as make would: those the makefiles assign (`=`, `:=`, `::=`, `:::=`,
 * `?=`, `+=`, `define`), command-line assignments (which win), make's defaults (`$(RM)` is
 * `rm -f`, `$(MAKE)` the make run, `$(CC)` cc ...), `$$` as `$`, the automatic variables of an
 * explicit rule (`$@`, `$<`, `$^`, `$+`, `$|`, `$(@D)` ...), substitution references and the
 * text functions (`patsubst`, `filter`, `addprefix`, `if`, `call`, `foreach` ...); `$(wildcard P)`
 * is the glob P, judged against the files as the shell's globs are. A conditional guard cannot
 * decide keeps both branches (each assignment in them is one more value the variable may have;
 * every combination is judged, at most MAX_ALTERNATIVES). `$(shell CMD)` runs CMD (judged) and
 * prints what guard cannot know. What guard cannot know (a variable set only in the environment,
 * `$?`, `$*`, `$(shell ...)`'s output, `$(eval)`, `$(origin)` ...) becomes an unknown word of the
 * shell line, as `$VAR` of a variable the command line never set: an unknown path to delete is
 * asked, an unknown argument of a program guard does not model is free, and an unknown command
 * name is a program of the build guard cannot name (CommandContext.inRecipe). `$(MAKE) -C sub clean` is the make command it expands
 * to, judged again (bounded by the evaluator's depth).
 *
 * Limits: pattern and suffix rules (`%.o: %.c`) are not followed (their recipes compile); a
 * prerequisite guard cannot name is not followed; `include` of a name guard cannot know is not
 * read (a goal then found in no rule is opaque); `vpath`, `-I` include directories, `-e` and
 * target-specific variables are not modelled. justfile recipes: just-recipes.ts.
 *
 * automake's Makefiles (automakeLayout): the rules automake generated are judged by what its
 * templates do (recursion into SUBDIRS, the *-generic cleans of Makefile.am's lists), not by
 * walking their shell; Makefile.am's own rules, which follow them, are judged as written.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import { reportOpaque, shellQuote, type Invocation, type Runtime, type Stdin } from './runtime.js';
import { FILE_TEXT_LIMIT, type StateView } from './state.js';

/** A file make or just reads, as the state view found it (StateView.file). */
export type FileContents = { kind: 'file'; text: string } | { kind: 'missing' } | { kind: 'unreadable'; why: string };

/** The file at `abs` (escaped text): undefined by text, or while collecting before it was read (noted). */
export function readFileAt(view: StateView | undefined, abs: string): FileContents | undefined {
  const found = view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  if (found === undefined) return undefined;
  if (found === 'missing') return { kind: 'missing' };
  if (found === null) return { kind: 'unreadable', why: `not a regular file guard can read, or larger than the ${FILE_TEXT_LIMIT / 1024} KiB it reads` };
  return { kind: 'file', text: found.text };
}

/** Explicit rules followed from the goals through their prerequisites, per make run; past it the rest is opaque. */
export const MAX_TARGETS = 400;
/** Values a text may have where conditionals guard cannot decide differ; past it, unknown. */
export const MAX_ALTERNATIVES = 16;
/** Makefiles (with includes) one make run reads. */
const MAX_MAKEFILES = 32;
/** Nested expansions (a variable naming itself recursively is an error in make). */
const MAX_EXPANSION_DEPTH = 40;
/** Longest value guard computes; longer is unknown. */
const MAX_VALUE_LENGTH = 256 * 1024;
/**
 * References one make run may expand, all makefiles and recipes together: a makefile whose
 * variables each name the next twice (`A = $(B)$(B)`, `B = $(C)$(C)` ...) doubles the work at
 * every level; past this the run is opaque rather than the hook running out of time.
 */
export const MAX_EXPANSIONS = 200_000;

/** What guard cannot know in an expansion: U_OPEN name U_CLOSE, a word the shell evaluator takes as unknown (expand.ts UNKNOWN_TEXT). */
const U_OPEN = '\uE000';
const U_CLOSE = '\uE001';
const UNKNOWN_RE = /\uE000([^\uE001]*)\uE001/g;

/** Text guard cannot know, shown as `$(name)` (expand.ts shownUnknownText). */
function unknown(name: string): string {
  return `${U_OPEN}$(${name.replace(/[\uE000\uE001]/g, '') || '...'})${U_CLOSE}`;
}

function hasUnknown(text: string): boolean {
  return text.includes(U_OPEN);
}

interface MakeVar {
  recursive: boolean;
  /** The values it may have (raw text when recursive, expanded when simple). */
  alts: string[];
  origin: 'default' | 'environment' | 'file' | 'command line' | 'automatic';
}

interface RecipeLine {
  text: string;
  file: string;
  line: number;
}

interface Rule {
  prereqs: string[];
  orderOnly: string[];
  recipe: RecipeLine[];
  file: string;
  line: number;
}

interface ParseOptions {
  rt: Runtime;
  /** The directory make runs in (after -C). */
  dir: string;
  /** Makefiles read so far (absolute), for MAKEFILE_LIST and the bound. */
  read: string[];
}

class Database {
  readonly vars = new Map<string, MakeVar>();
  readonly rules = new Map<string, Rule[]>();
  /** Pattern rules (`%: common-%`, `%.o: %.c`), in the order read. */
  readonly patterns: Array<Rule & { pattern: string }> = [];
  firstTarget: string | null = null;
  oneshell = false;
  /** A file not read yet (collecting) or that guard cannot read: the run is not judged / is opaque. */
  pending = false;
  unreadable: string | null = null;
  /** Why a goal found in no rule may still have one (an include or $(eval) guard cannot see), and which goals it may be. */
  readonly hiddenRules: Array<{ why: string; matches: RegExp }> = [];
  /** The first makefile read says automake generated it (AUTOMAKE_HEADER). */
  automakeHeader = false;
  /** Texts of `$(shell ...)` already judged. */
  readonly shellRuns = new Set<string>();
  /** References expanded so far (MAX_EXPANSIONS). */
  expansions = 0;

  constructor(
    readonly opts: ParseOptions,
    readonly make: string,
  ) {}

  hide(why: string, matches: RegExp): void {
    if (this.hiddenRules.length < 8) this.hiddenRules.push({ why, matches });
  }
}

// ---------------------------------------------------------------- expansion

/** Splits a function's arguments at top-level commas (parentheses and braces nest). */
function splitArgs(text: string, max: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0 && out.length < max - 1) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The index of the parenthesis closing the one opened before `start` (make counts only the same kind). */
function closing(text: string, start: number, open: string, close: string): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return -1;
}

function words(text: string): string[] {
  // A mark of unknown text is one word: its shown name (`$(shell ...)`) holds a blank, and a piece
  // cut from it (`...)_amd64`) would read as a known target whose recipe runs with it (fzf's
  // `target/fzf-$(GOOS)_amd64`, GOOS from $(shell ...): `make` was refused as unparsable).
  const kept = hasUnknown(text) ? text.replace(UNKNOWN_RE, (mark) => mark.replace(/[ \t\n]/g, BLANK_IN_MARK)) : text;
  const out = kept.split(/[ \t\n]+/).filter((w) => w !== '');
  return kept === text ? out : out.map((w) => w.replaceAll(BLANK_IN_MARK, ' '));
}

/** Stands for a blank inside a mark of unknown text while words() cuts (a private-use character, as the marks). */
const BLANK_IN_MARK = '\uE002';

/** make's `%` pattern match: the stem, or null. */
function patternStem(pattern: string, word: string): string | null {
  const pct = pattern.indexOf('%');
  if (pct === -1) return pattern === word ? '' : null;
  const prefix = pattern.slice(0, pct);
  const suffix = pattern.slice(pct + 1);
  if (word.length < prefix.length + suffix.length || !word.startsWith(prefix) || !word.endsWith(suffix)) return null;
  return word.slice(prefix.length, word.length - suffix.length);
}

function patsubst(pattern: string, replacement: string, text: string): string {
  return words(text)
    .map((word) => {
      if (hasUnknown(word)) return word;
      const stem = patternStem(pattern, word);
      if (stem === null) return word;
      return pattern.includes('%') ? replacement.replace('%', stem) : replacement;
    })
    .join(' ');
}

/** The cartesian product of alternatives, bounded (past it, one unknown). */
function product(parts: string[][], name: string): string[] {
  let out = [''];
  for (const alts of parts) {
    if (alts.length === 1) {
      out = out.map((o) => o + alts[0]);
      continue;
    }
    const next: string[] = [];
    for (const o of out) for (const a of alts) next.push(o + a);
    out = [...new Set(next)];
    if (out.length > MAX_ALTERNATIVES) return [unknown(name)];
  }
  // A value built from itself (`X := $(X)$(X)` line after line) doubles each time: past this, unknown.
  return out.some((o) => o.length > MAX_VALUE_LENGTH) ? [unknown(name)] : out;
}

interface Scope {
  /** Automatic variables of the rule whose recipe is expanded. */
  auto?: Map<string, string>;
  /** `$(1)`, `$(2)` of a `$(call ...)`, and `foreach` variables. */
  locals?: Map<string, string>;
  /** Expanding a conditional: `$(wildcard)` is unknown there (the files decide it). */
  condition?: boolean;
  depth: number;
}

const TEXT_FUNCTIONS = new Set([
  'subst', 'patsubst', 'strip', 'findstring', 'filter', 'filter-out', 'sort', 'word', 'words', 'wordlist', 'firstword', 'lastword', 'dir',
  'notdir', 'suffix', 'basename', 'addsuffix', 'addprefix', 'join', 'if', 'or', 'and', 'foreach', 'call', 'value', 'wildcard', 'shell',
  'info', 'warning', 'error', 'abspath', 'realpath', 'eval', 'origin', 'flavor', 'file', 'guile', 'intcmp', 'let',
]);

class Expander {
  constructor(private readonly db: Database) {}

  /** Every value `text` may expand to. */
  expand(text: string, scope: Scope): string[] {
    if (!text.includes('$')) return [text];
    if (scope.depth > MAX_EXPANSION_DEPTH) return [unknown('...')];
    const parts: string[][] = [];
    let literal = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== '$') {
        literal += c;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) break;
      if (next === '$') {
        literal += '$';
        i++;
        continue;
      }
      let inner: string;
      if (next === '(' || next === '{') {
        const end = closing(text, i + 2, next, next === '(' ? ')' : '}');
        if (end === -1) {
          literal += text.slice(i);
          break;
        }
        inner = text.slice(i + 2, end);
        i = end;
      } else {
        inner = next;
        i++;
      }
      parts.push([literal]);
      literal = '';
      parts.push(this.reference(inner, { ...scope, depth: scope.depth + 1 }));
    }
    parts.push([literal]);
    return product(parts, '...');
  }

  /** One `$(...)`: a function, a substitution reference, or a variable. */
  private reference(inner: string, scope: Scope): string[] {
    if (++this.db.expansions > MAX_EXPANSIONS) return [unknown('...')];
    const fn = /^([a-z-]+)[ \t]([\s\S]*)$/.exec(inner);
    if (fn && TEXT_FUNCTIONS.has(fn[1] as string)) return this.call(fn[1] as string, fn[2] as string, scope);
    // $(VAR:a=b) and $(VAR:%.c=%.o)
    const colon = topLevelIndex(inner, ':');
    if (colon !== -1 && inner.slice(colon + 1).includes('=')) {
      const names = this.expand(inner.slice(0, colon), scope);
      const [from, to] = splitOnce(inner.slice(colon + 1), '=');
      const out: string[] = [];
      for (const name of names) {
        for (const value of this.variable(name, scope)) {
          for (const f of this.expand(from, scope)) {
            for (const t of this.expand(to, scope)) out.push(f.includes('%') ? patsubst(f, t, value) : patsubst(`%${f}`, `%${t}`, value));
          }
        }
      }
      return bounded(out, names[0] ?? '...');
    }
    const names = this.expand(inner, scope);
    const out: string[] = [];
    for (const name of names) out.push(...this.variable(name, scope));
    return bounded(out, names[0] ?? '...');
  }

  variable(name: string, scope: Scope): string[] {
    if (hasUnknown(name)) return [unknown('...')];
    const local = scope.locals?.get(name);
    if (local !== undefined) return [local];
    const auto = this.automatic(name, scope);
    if (auto !== undefined) return [auto];
    const v = this.db.vars.get(name);
    // Set nowhere make reads, nor on the command line: empty, as make expands it where the
    // environment does not set it (guard does not see the person's environment: a limit).
    if (!v) return [''];
    if (!v.recursive) return v.alts;
    const out: string[] = [];
    for (const alt of v.alts) out.push(...this.expand(alt, { ...scope, depth: scope.depth + 1 }));
    return bounded(out, name);
  }

  private automatic(name: string, scope: Scope): string | undefined {
    if (!/^[@<^+|?*%](?:[DF])?$/.test(name)) return undefined;
    const base = scope.auto?.get(name[0] as string);
    if (base === undefined) return unknown(name);
    if (name.length === 1) return base;
    return words(base)
      .map((w) => (name[1] === 'D' ? path.posix.dirname(w) : path.posix.basename(w)))
      .join(' ');
  }

  private call(fn: string, rest: string, scope: Scope): string[] {
    const one = (text: string): string[] => this.expand(text, scope);
    switch (fn) {
      case 'info':
      case 'warning':
        return [''];
      case 'error':
      case 'eval':
        if (fn === 'eval') this.db.hide('an $(eval ...) defines rules guard does not read', /^/);
        return [unknown(`${fn} ...`)];
      case 'shell': {
        for (const command of one(rest)) this.runShell(command);
        return [unknown('shell ...')];
      }
      case 'wildcard':
        if (scope.condition) return [unknown('wildcard ...')];
        return one(rest).map((t) => words(t).join(' '));
      case 'value': {
        const v = this.db.vars.get(rest.trim());
        return v ? v.alts : [unknown(rest.trim())];
      }
      case 'foreach': {
        const [varText = '', listText = '', body = ''] = splitArgs(rest, 3);
        const out: string[] = [];
        for (const name of one(varText)) {
          for (const list of one(listText)) {
            if (hasUnknown(list) || hasUnknown(name)) {
              out.push(unknown('foreach ...'));
              continue;
            }
            const results: string[][] = [];
            for (const word of words(list)) {
              const locals = new Map(scope.locals ?? []);
              locals.set(name.trim(), word);
              results.push(this.expand(body, { ...scope, locals }));
              results.push([' ']);
            }
            out.push(...product(results, 'foreach ...').map((s) => s.trim()));
          }
        }
        return bounded(out, 'foreach ...');
      }
      case 'call': {
        const args = splitArgs(rest, Number.MAX_SAFE_INTEGER);
        const out: string[] = [];
        for (const name of one(args[0] ?? '')) {
          const v = this.db.vars.get(name.trim());
          if (!v) {
            out.push(unknown(name.trim()));
            continue;
          }
          const argAlts = args.slice(1).map((a) => one(a));
          for (const combo of product(argAlts.map((alts) => alts.map((a) => `${a}\u0000`)), 'call ...')) {
            const values = combo.split('\u0000');
            const locals = new Map(scope.locals ?? []);
            locals.set('0', name.trim());
            for (let k = 1; k <= 9; k++) locals.set(String(k), values[k - 1] ?? '');
            for (const alt of v.alts) out.push(...(v.recursive ? this.expand(alt, { ...scope, locals }) : [alt]));
          }
        }
        return bounded(out, 'call ...');
      }
      case 'if': {
        const [cond = '', then = '', otherwise = ''] = splitArgs(rest, 3);
        const out: string[] = [];
        for (const value of one(cond).map((c) => c.trim())) {
          if (hasUnknown(value)) out.push(...one(then), ...one(otherwise));
          else out.push(...one(value !== '' ? then : otherwise));
        }
        return bounded(out, 'if ...');
      }
      case 'or':
      case 'and': {
        const out: string[] = [];
        for (const combo of product(splitArgs(rest, Number.MAX_SAFE_INTEGER).map((a) => one(a).map((v) => `${v.trim()}\u0000`)), `${fn} ...`)) {
          const values = combo.split('\u0000').slice(0, -1);
          if (values.some(hasUnknown)) out.push(unknown(`${fn} ...`));
          else if (fn === 'or') out.push(values.find((v) => v !== '') ?? '');
          else out.push(values.every((v) => v !== '') ? (values.at(-1) ?? '') : '');
        }
        return bounded(out, `${fn} ...`);
      }
    }
    // Text functions: the arguments' values, then the function.
    const args = splitArgs(rest, fn === 'subst' || fn === 'patsubst' ? 3 : fn === 'wordlist' ? 3 : fn === 'findstring' || fn === 'filter' || fn === 'filter-out' || fn === 'word' || fn === 'addsuffix' || fn === 'addprefix' || fn === 'join' ? 2 : 1);
    const argAlts = args.map((a) => one(a));
    const out: string[] = [];
    for (const combo of product(argAlts.map((alts) => alts.map((a) => `${a}\u0000`)), `${fn} ...`)) {
      const a = combo.split('\u0000');
      if (a.some((x) => hasUnknown(x)) && !['addprefix', 'addsuffix', 'patsubst', 'subst', 'strip', 'sort', 'dir', 'notdir'].includes(fn)) {
        out.push(unknown(`${fn} ...`));
        continue;
      }
      out.push(this.textFunction(fn, a));
    }
    return bounded(out, `${fn} ...`);
  }

  private textFunction(fn: string, a: string[]): string {
    const [x = '', y = '', z = ''] = a;
    switch (fn) {
      case 'subst':
        return x === '' ? z : z.split(x).join(y);
      case 'patsubst':
        return patsubst(x.trim(), y.trim(), z);
      case 'strip':
        return words(x).join(' ');
      case 'findstring':
        return y.includes(x) ? x : '';
      case 'filter':
      case 'filter-out': {
        const patterns = words(x);
        return words(y)
          .filter((w) => patterns.some((p) => patternStem(p, w) !== null) === (fn === 'filter'))
          .join(' ');
      }
      case 'sort':
        return [...new Set(words(x))].sort().join(' ');
      case 'word':
        return words(y)[Number(x.trim()) - 1] ?? '';
      case 'words':
        return String(words(x).length);
      case 'wordlist':
        return words(z)
          .slice(Number(x.trim()) - 1, Number(y.trim()))
          .join(' ');
      case 'firstword':
        return words(x)[0] ?? '';
      case 'lastword':
        return words(x).at(-1) ?? '';
      case 'dir':
        return words(x)
          .map((w) => (w.includes('/') ? w.slice(0, w.lastIndexOf('/') + 1) : './'))
          .join(' ');
      case 'notdir':
        return words(x)
          .map((w) => w.slice(w.lastIndexOf('/') + 1))
          .join(' ');
      case 'suffix':
        return words(x)
          .map((w) => /(\.[^./]*)$/.exec(w)?.[1] ?? '')
          .filter(Boolean)
          .join(' ');
      case 'basename':
        return words(x)
          .map((w) => w.replace(/\.[^./]*$/, ''))
          .join(' ');
      case 'addsuffix':
        return words(y)
          .map((w) => w + x)
          .join(' ');
      case 'addprefix':
        return words(y)
          .map((w) => x + w)
          .join(' ');
      case 'join': {
        const l = words(x);
        const r = words(y);
        return Array.from({ length: Math.max(l.length, r.length) }, (_, k) => (l[k] ?? '') + (r[k] ?? '')).join(' ');
      }
      case 'abspath':
        return words(x)
          .map((w) => path.posix.resolve(this.db.opts.dir, w))
          .join(' ');
      default:
        return unknown(`${fn} ...`);
    }
  }

  /** `$(shell CMD)`: CMD runs whenever make expands it, in make's directory. */
  runShell(command: string): void {
    const text = command.trim();
    if (text === '' || this.db.shellRuns.has(text)) return;
    this.db.shellRuns.add(text);
    this.db.opts.rt.shell(text, { cwd: this.db.opts.dir, via: `$(shell ...) in a makefile ${this.db.make} reads`, ctx: { ...this.db.opts.rt.ctx, inRecipe: true } }, `$(shell ${text})`);
  }
}

function bounded(values: string[], name: string): string[] {
  const unique = [...new Set(values)];
  if (unique.length === 0) return [''];
  return unique.length > MAX_ALTERNATIVES ? [unknown(name)] : unique;
}

function topLevelIndex(text: string, char: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === char && depth === 0) return i;
  }
  return -1;
}

function splitOnce(text: string, char: string): [string, string] {
  const i = text.indexOf(char);
  return i === -1 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}

// ---------------------------------------------------------------- reading makefiles

interface LogicalLine {
  text: string;
  line: number;
  /** Starts with a tab (a recipe line where a rule is open). */
  tab: boolean;
  /** The raw physical lines, for a recipe (continuations kept, as make hands them to the shell). */
  raw: string;
}

function logicalLines(text: string): LogicalLine[] {
  const physical = text.split('\n');
  const out: LogicalLine[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let raw = (physical[i] as string).replace(/\r$/, '');
    while (/(^|[^\\])(\\\\)*\\$/.test(raw) && i + 1 < physical.length) {
      i++;
      const next = (physical[i] as string).replace(/\r$/, '');
      raw += `\n${next}`;
    }
    out.push({ text: raw, line: start + 1, tab: raw.startsWith('\t'), raw });
  }
  return out;
}

/** A makefile (not recipe) line: continuations become one space, the comment goes. */
function makeLine(raw: string): string {
  let text = raw.replace(/[ \t]*\\\n[ \t]*/g, ' ');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '#') {
      out += '#';
      i++;
      continue;
    }
    if (c === '#') break;
    out += c;
  }
  text = out;
  return text;
}

/** A recipe line as the shell gets it: the leading tab gone, a tab after each continuation gone. */
function recipeText(raw: string): string {
  return raw.replace(/^\t/, '').replace(/\\\n\t/g, '\\\n');
}

type Cond = 'true' | 'false' | 'unknown';

interface CondFrame {
  /** The branch taken so far: true, false, or unknown. */
  state: Cond;
  /** Some earlier branch of this if/else chain was certainly taken. */
  done: boolean;
  /** Some earlier branch may have been taken. */
  maybe: boolean;
  /**
   * Where a branch guard cannot decide began: the variables before it, and the variables at the
   * end of each branch that may have run; merged at `endif` (each value one alternative).
   */
  saved?: Map<string, MakeVar>;
  branches: Array<Map<string, MakeVar>>;
  /** Some branch certainly runs when none before it did (a plain `else`, a true condition). */
  exhaustive: boolean;
}

/** The variables after a conditional guard cannot decide: every value any branch may leave. */
function mergeBranches(branches: Array<Map<string, MakeVar>>): Map<string, MakeVar> {
  const names = new Set(branches.flatMap((b) => [...b.keys()]));
  const out = new Map<string, MakeVar>();
  for (const name of names) {
    const values = branches.map((b) => b.get(name));
    const first = values[0];
    if (first && values.every((v) => v === first)) {
      out.set(name, first);
      continue;
    }
    const alts = values.flatMap((v) => (v ? v.alts : ['']));
    const known = values.find((v) => v) as MakeVar;
    out.set(name, { recursive: values.some((v) => v?.recursive), alts: bounded(alts, name), origin: known.origin });
  }
  return out;
}

class Reader {
  private readonly expander: Expander;

  constructor(private readonly db: Database) {
    this.expander = new Expander(db);
  }

  /** Reads one makefile (absolute path, as escaped text), as make does, into the database. */
  readFile(abs: string, shown: string, optional: boolean): void {
    const db = this.db;
    if (db.opts.read.length >= MAX_MAKEFILES) {
      db.unreadable ??= `it reads more than ${MAX_MAKEFILES} makefiles`;
      return;
    }
    const contents = readFileAt(db.opts.rt.ctx.view, abs);
    if (contents === undefined) {
      db.pending = true;
      return;
    }
    if (contents.kind === 'missing') {
      if (!optional) db.hide(`${shown} is not there (make may build it first)`, /^/);
      return;
    }
    if (contents.kind === 'unreadable') {
      db.unreadable ??= `guard cannot read ${shown} (${contents.why})`;
      return;
    }
    if (db.opts.read.length === 0 && AUTOMAKE_HEADER.test(contents.text)) db.automakeHeader = true;
    db.opts.read.push(abs);
    this.set('MAKEFILE_LIST', db.opts.read.join(' '), false, 'file');
    this.parseText(contents.text, shown);
  }

  private set(name: string, value: string, recursive: boolean, origin: MakeVar['origin'], maybe = false, append = false): void {
    const before = this.db.vars.get(name);
    if (before?.origin === 'command line' && origin === 'file') return;
    let alts: string[];
    if (append && before) {
      const values = recursive || before.recursive ? [value] : this.expander.expand(value, { depth: 0 });
      alts = bounded(before.alts.flatMap((b) => values.map((v) => (b === '' ? v : `${b} ${v}`))), name);
      recursive = before.recursive;
    } else alts = recursive ? [value] : this.expander.expand(value, { depth: 0 });
    if (maybe && before) {
      alts = bounded([...before.alts, ...alts], name);
      recursive ||= before.recursive;
    } else if (maybe) alts = bounded(['', ...alts], name);
    this.db.vars.set(name, { recursive, alts, origin });
  }

  private condition(keyword: string, rest: string): Cond {
    const expand = (text: string): string[] => this.expander.expand(text, { depth: 0, condition: true });
    if (keyword === 'ifdef' || keyword === 'ifndef') {
      const outcomes = new Set<Cond>();
      for (const name of expand(rest.trim())) {
        const v = this.db.vars.get(name.trim());
        let defined: Cond;
        if (hasUnknown(name)) defined = 'unknown';
        else if (!v) defined = 'false'; // set nowhere guard sees (Expander.variable)
        else defined = v.alts.every((a) => a !== '') ? 'true' : v.alts.every((a) => a === '') ? 'false' : 'unknown';
        outcomes.add(keyword === 'ifndef' ? negate(defined) : defined);
      }
      return outcomes.size === 1 ? ([...outcomes][0] as Cond) : 'unknown';
    }
    const pair = conditionPair(rest.trim());
    if (!pair) return 'unknown';
    const outcomes = new Set<Cond>();
    for (const a of expand(pair[0])) {
      for (const b of expand(pair[1])) {
        if (hasUnknown(a) || hasUnknown(b)) outcomes.add('unknown');
        else outcomes.add((a.trim() === b.trim()) === (keyword === 'ifeq') ? 'true' : 'false');
      }
    }
    return outcomes.size === 1 ? ([...outcomes][0] as Cond) : 'unknown';
  }

  parseText(text: string, shown: string): void {
    const db = this.db;
    const conds: CondFrame[] = [];
    const active = (): Cond => (conds.some((c) => c.state === 'false') ? 'false' : conds.some((c) => c.state === 'unknown') ? 'unknown' : 'true');
    let current: Rule[] = [];
    const lines = logicalLines(text);
    for (let k = 0; k < lines.length; k++) {
      const logical = lines[k] as LogicalLine;
      if (logical.tab && current.length > 0) {
        if (active() === 'false') continue;
        for (const rule of current) rule.recipe.push({ text: recipeText(logical.raw), file: shown, line: logical.line });
        continue;
      }
      const line = makeLine(logical.text).trim();
      if (line === '') continue;
      const directive = /^(ifeq|ifneq|ifdef|ifndef|else|endif)(?=[\s(]|$)\s*(.*)$/s.exec(line);
      if (directive) {
        const keyword = directive[1] as string;
        const rest = directive[2] as string;
        const vars = db.vars;
        const restore = (from: Map<string, MakeVar>): void => {
          vars.clear();
          for (const [name, v] of from) vars.set(name, v);
        };
        if (keyword === 'endif') {
          const frame = conds.pop();
          if (frame?.saved) {
            if (frame.state !== 'false') frame.branches.push(new Map(vars));
            if (!frame.exhaustive) frame.branches.push(frame.saved);
            restore(mergeBranches(frame.branches));
          }
        } else if (keyword === 'else') {
          const frame = conds.at(-1);
          if (!frame) continue;
          const prior = frame.state;
          frame.done ||= prior === 'true';
          frame.maybe ||= prior !== 'false';
          const inner = /^(ifeq|ifneq|ifdef|ifndef)\s*(.*)$/s.exec(rest);
          const own: Cond = conds.slice(0, -1).some((c) => c.state === 'false') ? 'false' : inner ? this.condition(inner[1] as string, inner[2] as string) : 'true';
          frame.state = frame.done ? 'false' : frame.maybe ? (own === 'false' ? 'false' : 'unknown') : own;
          if (frame.saved) {
            if (prior !== 'false') frame.branches.push(new Map(vars));
            restore(frame.saved);
          } else if (frame.state === 'unknown') frame.saved = new Map(vars);
          if (own === 'true' && frame.state !== 'false') frame.exhaustive = true;
        } else {
          const state = active() === 'false' ? 'false' : this.condition(keyword, rest);
          conds.push({ state, done: state === 'true', maybe: state !== 'false', branches: [], exhaustive: state === 'true', ...(state === 'unknown' ? { saved: new Map(vars) } : {}) });
        }
        continue;
      }
      if (active() === 'false') {
        // a define's body still has to be skipped whole
        if (/^(?:(?:override|export|private)\s+)*define\s/.test(line)) k = skipDefine(lines, k);
        continue;
      }
      // Branches guard cannot decide are each read, and their variables merged at endif.
      const maybe = false;
      const define = /^(?:(?:override|export|private)\s+)*define\s+(\S+?)\s*(=|:=|::=|:::=|\?=|\+=|!=)?\s*$/.exec(line);
      if (define) {
        const end = skipDefine(lines, k);
        const body = lines
          .slice(k + 1, end)
          .map((l) => l.raw)
          .join('\n');
        const op = define[2] ?? '=';
        this.assign(define[1] as string, op, body, maybe);
        k = end;
        current = [];
        continue;
      }
      const include = /^(-?include|sinclude)\s+(.*)$/.exec(line);
      // automake's dependency files (`include ./$(DEPDIR)/x.Plo # am--include-marker`): the
      // compiler's -MD output, prerequisites only; one per source file (oniguruma: 33).
      if (include && db.automakeHeader && /#\s*am--include-marker\s*$/.test(logical.raw)) {
        current = [];
        continue;
      }
      if (include) {
        current = [];
        for (const names of this.expander.expand(include[2] as string, { depth: 0 })) {
          for (const name of words(names)) {
            if (hasUnknown(name) || /[*?[]/.test(name)) {
              db.hide(`the makefile includes ${include[2]}, which guard cannot name`, /^/);
              continue;
            }
            const abs = resolvePath(name, db.opts.dir) as string;
            this.readFile(abs, name, include[1] !== 'include');
          }
        }
        continue;
      }
      if (/^(vpath|unexport|undefine|load|-load)(\s|$)/.test(line) || /^export\s+[^=:]*$/.test(line)) continue;
      const assignment = parseAssignment(line);
      if (assignment) {
        current = [];
        this.assign(assignment.name, assignment.op, assignment.value, maybe);
        continue;
      }
      const rule = this.rule(line, logical, shown);
      if (rule) current = rule;
      else current = [];
    }
  }

  private assign(rawName: string, op: string, value: string, maybe: boolean): void {
    for (const name of this.expander.expand(rawName.trim(), { depth: 0 })) {
      if (hasUnknown(name)) continue;
      if (name === '.ONESHELL') continue;
      if (op === '!=') {
        for (const command of this.expander.expand(value, { depth: 0 })) this.expander.runShell(command);
        this.set(name, unknown('shell ...'), false, 'file', maybe);
      } else if (op === '?=') {
        const before = this.db.vars.get(name);
        if (!before || before.origin === 'default') this.set(name, value, true, 'file', maybe);
        else if (before.origin === 'environment') this.set(name, value, true, 'file', true);
      } else if (op === '+=') this.set(name, value, true, 'file', maybe, true);
      else this.set(name, value, op === '=', 'file', maybe);
    }
  }

  /** A rule line: its targets get its prerequisites, and the recipe lines that follow. */
  private rule(line: string, logical: LogicalLine, shown: string): Rule[] | null {
    const colon = topLevelIndex(line, ':');
    if (colon === -1) return null;
    const db = this.db;
    let targetsText = line.slice(0, colon);
    let rest = line.slice(colon + 1);
    if (rest.startsWith(':')) rest = rest.slice(1);
    if (targetsText.endsWith('&')) targetsText = targetsText.slice(0, -1);
    // target: VAR = value (a target-specific variable): not modelled.
    if (parseAssignment(rest.trim())) return [];
    let inline: string | null = null;
    const semi = topLevelIndex(rest, ';');
    if (semi !== -1) {
      // The recipe after `;` is the raw text (its `#` is the shell's).
      const rawColon = logical.text.indexOf(';', logical.text.indexOf(':'));
      inline = rawColon === -1 ? rest.slice(semi + 1) : logical.text.slice(rawColon + 1).replace(/[ \t]*\\\n[ \t]*/g, ' ');
      rest = rest.slice(0, semi);
    }
    // A static pattern rule: targets: target-pattern: prereq-patterns.
    let staticPattern: [string, string] | null = null;
    const second = topLevelIndex(rest, ':');
    if (second !== -1) {
      staticPattern = [rest.slice(0, second).trim(), rest.slice(second + 1)];
      rest = '';
    }
    const targets = new Set<string>();
    for (const alt of this.expander.expand(targetsText, { depth: 0 })) for (const t of words(alt)) targets.add(t);
    const rules: Rule[] = [];
    for (const target of targets) {
      if (hasUnknown(target)) {
        db.hide(`a rule's target (${targetsText.trim()}) is computed when make runs`, new RegExp(`^${target.split(UNKNOWN_RE).map((part, k) => (k % 2 === 1 ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's'));
        continue;
      }
      if (target.includes('%') && staticPattern) continue;
      if (target === '.ONESHELL') {
        db.oneshell = true;
        continue;
      }
      let prereqText = rest;
      if (staticPattern) {
        const stem = patternStem(staticPattern[0], target);
        if (stem === null) continue;
        prereqText = words(staticPattern[1]).map((p) => p.replace('%', stem)).join(' ');
      }
      const [normal, orderOnly = ''] = splitOnce(prereqText, '|');
      const prereqs = [...new Set(this.expander.expand(normal, { depth: 0 }).flatMap(words))].filter((p) => p !== '.WAIT');
      const order = [...new Set(this.expander.expand(orderOnly, { depth: 0 }).flatMap(words))];
      const rule: Rule = { prereqs, orderOnly: order, recipe: [], file: shown, line: logical.line };
      if (inline !== null && inline.trim() !== '') rule.recipe.push({ text: inline.trim(), file: shown, line: logical.line });
      if (target.includes('%')) {
        db.patterns.push({ ...rule, pattern: target });
        rules.push(db.patterns.at(-1) as Rule);
        continue;
      }
      const list = db.rules.get(target) ?? [];
      list.push(rule);
      db.rules.set(target, list);
      if (db.firstTarget === null && (!target.startsWith('.') || target.includes('/'))) db.firstTarget = target;
      rules.push(rule);
    }
    return rules;
  }
}

function negate(c: Cond): Cond {
  return c === 'true' ? 'false' : c === 'false' ? 'true' : 'unknown';
}

function skipDefine(lines: LogicalLine[], k: number): number {
  let depth = 1;
  for (let j = k + 1; j < lines.length; j++) {
    const t = (lines[j] as LogicalLine).text.trim();
    if (/^(?:(?:override|export|private)\s+)*define\s/.test(t)) depth++;
    else if (/^endef(\s|$)/.test(t) && --depth === 0) return j;
  }
  return lines.length;
}

function parseAssignment(line: string): { name: string; op: string; value: string } | null {
  const stripped = line.replace(/^(?:(?:override|export|private)\s+)+/, '');
  let depth = 0;
  for (let i = 0; i < stripped.length; i++) {
    const c = stripped[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    if (depth !== 0) continue;
    if (c === '=') {
      const before = stripped.slice(0, i);
      const op = /(:::|::|:|\?|\+|!)$/.exec(before)?.[1] ?? '';
      const name = before.slice(0, before.length - op.length);
      if (op === '' && name.includes(':')) return null;
      if (name.trim() === '' || /[\s]/.test(name.trim()) && !name.trim().includes('$')) return null;
      return { name: name.trim(), op: `${op}=`, value: stripped.slice(i + 1).replace(/^[ \t]+/, '') };
    }
    if (c === ':' || c === ';') {
      if (stripped[i + 1] === '=' || (stripped[i + 1] === ':' && (stripped[i + 2] === '=' || (stripped[i + 2] === ':' && stripped[i + 3] === '=')))) continue;
      return null;
    }
  }
  return null;
}

function conditionPair(text: string): [string, string] | null {
  if (text.startsWith('(')) {
    const end = closing(text, 1, '(', ')');
    if (end === -1) return null;
    const [a, b] = splitArgs(text.slice(1, end), 2);
    return [a ?? '', b ?? ''];
  }
  const quoted = /^(["'])(.*?)\1\s+(["'])(.*?)\3\s*$/s.exec(text);
  return quoted ? [quoted[2] as string, quoted[4] as string] : null;
}

// ---------------------------------------------------------------- make's command line

interface MakeRun {
  dirs: Field[];
  files: Field[];
  targets: string[];
  overrides: Array<[string, string]>;
  evals: string[];
  /** -n, -q, -t: only `+` and `$(MAKE)` lines run. */
  dryRun: boolean;
  /** --help, --version: nothing runs. */
  nothing: boolean;
}

const LONG_WITH_VALUE = ['directory', 'file', 'makefile', 'include-dir', 'old-file', 'assume-old', 'what-if', 'new-file', 'assume-new', 'eval'];
const LONG_OPTIONAL = ['jobs', 'load-average', 'max-load', 'output-sync', 'debug', 'shuffle', 'jobserver-auth', 'jobserver-fds', 'jobserver-style'];
const LONG_FLAGS = [
  'always-make', 'environment-overrides', 'help', 'ignore-errors', 'keep-going', 'check-symlink-times', 'just-print', 'dry-run', 'recon',
  'print-data-base', 'question', 'no-builtin-rules', 'no-builtin-variables', 'silent', 'quiet', 'no-silent', 'no-keep-going', 'stop',
  'touch', 'trace', 'version', 'print-directory', 'no-print-directory', 'warn-undefined-variables',
];
const DRY_LONG = new Set(['just-print', 'dry-run', 'recon', 'question', 'touch']);

function longOption(name: string): string | null {
  const all = [...LONG_WITH_VALUE, ...LONG_OPTIONAL, ...LONG_FLAGS];
  if (all.includes(name)) return name;
  const matches = all.filter((o) => o.startsWith(name));
  return matches.length === 1 ? (matches[0] as string) : null;
}

/**
 * The processor count, the one value make's job options are given that guard cannot know, as
 * written: `$(nproc)`, `$(getconf _NPROCESSORS_ONLN)`, `$(sysctl -n hw.ncpu)`, backquoted or in
 * double quotes, or an arithmetic expansion (`$(($(nproc)+1))`). Each prints one number, so it
 * is one word that only sets how many recipes run at once (the substitution itself is judged
 * as a command of its own).
 */
const CPU_COUNT =
  /^"?(?:\$\(\s*(?:nproc(?:\s+--all)?|getconf\s+_?NPROCESSORS_ONLN|sysctl\s+-n\s+hw\.(?:ncpu|logicalcpu|physicalcpu))\s*\)|`\s*(?:nproc(?:\s+--all)?|getconf\s+_?NPROCESSORS_ONLN|sysctl\s+-n\s+hw\.(?:ncpu|logicalcpu|physicalcpu))\s*`|\$\(\([^;&|<>`]*\)\))"?$/;

/**
 * `-j$(nproc)`, `--jobs=$(nproc)`, `-l$(nproc)`: a job or load limit with a value guard cannot
 * know. Attached, it is one option whatever it expands to (make refuses a value that is not a
 * number), unless an unquoted expansion splits it into more words: so either nothing in it
 * splits, or it is a processor count.
 */
function hiddenJobLimit(field: Field): boolean {
  const m = /^(?:-j|-l|--jobs=|--load-average=|--max-load=)(.+)$/s.exec(field.display);
  return m !== null && (!field.splittable || CPU_COUNT.test(m[1] as string));
}

/** make's options, as GNU make's getopt reads them; null when a word guard cannot see hides what follows. */
function readArgs(args: Field[]): MakeRun | { opaque: string } {
  const run: MakeRun = { dirs: [], files: [], targets: [], overrides: [], evals: [], dryRun: false, nothing: false };
  // `-j $(nproc)`: the next word is the count where it is a number, and a processor count is one.
  const countFollows = (i: number): boolean => {
    const next = args[i + 1];
    return next !== undefined && (next.value !== null ? /^\d+(\.\d+)?$/.test(next.value) : CPU_COUNT.test(next.display));
  };
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null) {
      if (hiddenJobLimit(field)) continue;
      return { opaque: `make is given ${field.display}, a word guard cannot see` };
    }
    if (value.startsWith('--') && value.length > 2) {
      const [rawName, inline] = value.slice(2).includes('=') ? splitOnce(value.slice(2), '=') : [value.slice(2), undefined];
      const name = longOption(rawName) ?? rawName;
      let arg: Field | undefined;
      if (LONG_WITH_VALUE.includes(name)) {
        arg = inline !== undefined ? { ...field, value: inline, display: inline } : args[++i];
        if (!arg) continue;
        if (arg.value === null) return { opaque: `make --${name} is given ${arg.display}, a word guard cannot see` };
        if (name === 'directory') run.dirs.push(arg);
        else if (name === 'file' || name === 'makefile') run.files.push(arg);
        else if (name === 'eval') run.evals.push(arg.value);
      } else if ((name === 'jobs' || name === 'load-average' || name === 'max-load') && inline === undefined && countFollows(i)) i++;
      if (DRY_LONG.has(name)) run.dryRun = true;
      if (name === 'help' || name === 'version') run.nothing = true;
      continue;
    }
    if (value.startsWith('-') && value.length > 1) {
      const letters = value.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] as string;
        if ('CfIoWE'.includes(letter)) {
          const attached = letters.slice(j + 1);
          const arg: Field | undefined = attached !== '' ? { ...field, value: attached, display: attached } : args[++i];
          if (arg && arg.value === null) return { opaque: `make -${letter} is given ${arg.display}, a word guard cannot see` };
          if (arg && letter === 'C') run.dirs.push(arg);
          if (arg && letter === 'f') run.files.push(arg);
          if (arg && letter === 'E') run.evals.push(arg.value as string);
          break;
        }
        if (letter === 'j' || letter === 'l' || letter === 'O') {
          if (j === letters.length - 1 && letter !== 'O' && countFollows(i)) i++;
          break;
        }
        if ('nqt'.includes(letter)) run.dryRun = true;
        if (letter === 'h' || letter === 'v') run.nothing = true;
      }
      continue;
    }
    const assignment = /^([^\s=:+?!]+)\s*(:::=|::=|:=|\+=|\?=|!=|=)(.*)$/s.exec(value);
    if (assignment) {
      run.overrides.push([assignment[1] as string, assignment[3] as string]);
      continue;
    }
    run.targets.push(value);
  }
  return run;
}

// ---------------------------------------------------------------- judging a make run

const MAKE_DEFAULTS: Array<[string, string]> = [
  ['RM', 'rm -f'], ['CC', 'cc'], ['CXX', 'g++'], ['CPP', '$(CC) -E'], ['AR', 'ar'], ['ARFLAGS', 'rv'], ['AS', 'as'], ['LD', 'ld'],
  ['FC', 'f77'], ['LEX', 'lex'], ['YACC', 'yacc'], ['LINT', 'lint'], ['M2C', 'm2c'], ['PC', 'pc'], ['CO', 'co'], ['GET', 'get'],
  ['MAKEINFO', 'makeinfo'], ['TEX', 'tex'], ['TEXI2DVI', 'texi2dvi'], ['WEAVE', 'weave'], ['CWEAVE', 'cweave'], ['TANGLE', 'tangle'],
  ['CTANGLE', 'ctangle'], ['SHELL', '/bin/sh'], ['.SHELLFLAGS', '-c'], ['MAKEFLAGS', ''], ['MAKECMDGOALS', ''], ['SUFFIXES', ''],
];

const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'posh']);

/**
 * Judges the recipes a `make` run would run (the module comment). `args` are make's arguments;
 * `program` the name it was typed as (`$(MAKE)` expands to it).
 */
export function classifyMakeRun(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  // Without a view of the file system (by text) no makefile is read: only one on stdin is judged.
  const view = rt.ctx.view;
  const parsed = readArgs(args);
  if ('opaque' in parsed) return reportOpaque(rt, parsed.opaque, inv.source);
  if (parsed.nothing) return;
  let dir = inv.cwd;
  for (const d of parsed.dirs) dir = resolvePath(d.value, dir);
  if (dir === null) return reportOpaque(rt, 'make runs in a directory guard cannot know, so the recipes it runs are unknown', inv.source);
  const db = new Database({ rt, dir, read: [] }, program);
  for (const [name, value] of MAKE_DEFAULTS) db.vars.set(name, { recursive: true, alts: [value], origin: 'default' });
  db.vars.set('MAKE', { recursive: false, alts: [program], origin: 'default' });
  db.vars.set('CURDIR', { recursive: false, alts: [dir], origin: 'default' });
  db.vars.set('MAKECMDGOALS', { recursive: false, alts: [parsed.targets.join(' ')], origin: 'default' });
  for (const [name, value] of inv.env) db.vars.set(name, { recursive: false, alts: [value === null ? unknown(name) : value], origin: 'environment' });
  // A sub-make gets its parent's command-line variables and -n through MAKEFLAGS, as make passes them.
  const inherited = inv.env.get('MAKEFLAGS');
  if (inherited) {
    const flags = makeflags(inherited);
    parsed.overrides.unshift(...flags.overrides);
    if (flags.dryRun) parsed.dryRun = true;
  }
  for (const [name, value] of parsed.overrides) db.vars.set(name, { recursive: true, alts: [value], origin: 'command line' });
  const reader = new Reader(db);
  const shownDir = dir === inv.cwd ? '' : `${path.posix.relative(inv.cwd ?? dir, dir) || '.'}/`;
  if (parsed.files.length > 0) {
    for (const file of parsed.files) {
      const name = file.value as string;
      if (name === '-' || /^\/dev\/(stdin|fd\/0)$/.test(name)) {
        const text = stdinMakefile(inv.stdin);
        if (text === null) return reportOpaque(rt, `make reads its makefile from ${inv.stdin.kind === 'text' ? inv.stdin.from : 'its input'}, which guard cannot see before it runs`, inv.source);
        if (text === undefined) {
          const from = inv.stdin.kind === 'file' ? inv.stdin.path : undefined;
          if (from === undefined) return; // a terminal: nothing guard can read runs
          if (from === null) return reportOpaque(rt, 'make reads its makefile from a file guard cannot name', inv.source);
          reader.readFile(resolvePath(from, inv.cwd) as string, from, false);
          continue;
        }
        reader.parseText(text, 'the makefile on stdin');
        continue;
      }
      const abs = resolvePath(name, dir) as string;
      const contents = readFileAt(view, abs);
      if (contents?.kind === 'missing') return; // make: no such file, nothing runs
      reader.readFile(abs, shownDir + name, false);
    }
  } else {
    const found = ['GNUmakefile', 'makefile', 'Makefile'].map((name) => ({ name, contents: readFileAt(view, path.posix.join(dir as string, name)) }));
    const first = found.find((f) => f.contents?.kind !== 'missing');
    if (!first) return; // no makefile: make stops (a target built by its built-in rules compiles)
    reader.readFile(path.posix.join(dir, first.name), shownDir + first.name, false);
  }
  for (const text of parsed.evals) reader.parseText(text, '--eval');
  if (db.pending) return; // collecting: judged once the makefiles are read
  if (db.unreadable) return reportOpaque(rt, `make reads a makefile guard cannot read: ${db.unreadable}`, inv.source);
  const automake = parsed.files.length === 0 && parsed.evals.length === 0 ? automakeLayout(db, view, `${shownDir}Makefile`) : null;
  if (automake === undefined) return; // collecting: config.status not looked at yet
  judgeGoals(inv, parsed, db, rt, automake);
  if (db.expansions > MAX_EXPANSIONS) reportOpaque(rt, `make's makefiles expand more than the ${MAX_EXPANSIONS} references guard evaluates`, inv.source);
}

/** MAKEFLAGS as make writes it for its recipes: single-letter flags, then `-- VAR=value ...` (spaces escaped). */
function makeflags(text: string): { dryRun: boolean; overrides: Array<[string, string]> } {
  const out = { dryRun: false, overrides: [] as Array<[string, string]> };
  const parts = text.split(/(?<!\\) +/).filter(Boolean);
  if (parts[0] && !parts[0].includes('=') && /^-?[a-zA-Z]+$/.test(parts[0]) && /[nqt]/.test(parts[0].replace(/^-/, ''))) out.dryRun = true;
  for (const part of parts) {
    const assignment = /^([^\s=:+?!]+)=(.*)$/s.exec(part.replace(/\\ /g, ' '));
    if (assignment) out.overrides.push([assignment[1] as string, assignment[2] as string]);
  }
  return out;
}

function recipeEnv(inv: Invocation, run: MakeRun): Map<string, string | null> {
  if (run.overrides.length === 0 && !run.dryRun) return inv.env;
  const env = new Map(inv.env);
  const assignments = run.overrides.map(([name, value]) => `${name}=${value.replace(/ /g, '\\ ')}`);
  env.set('MAKEFLAGS', `${run.dryRun ? 'n' : ''}${assignments.length > 0 ? ` -- ${assignments.join(' ')}` : ''}`.trim());
  return env;
}

function stdinMakefile(stdin: Stdin): string | null | undefined {
  if (stdin.kind === 'text') return stdin.text;
  return undefined;
}

/**
 * An automake Makefile as configure wrote it: the Makefile make reads says on its first line
 * `# Makefile.in generated by automake ... from Makefile.am.`, configure's `config.status` is at
 * `$(top_builddir)`, and automake's own rules end at `.PRECIOUS: Makefile` (automake writes every
 * rule of Makefile.am, and of the files it includes, after all of its generated ones: automake's
 * read_am_file, "We put rules in the trailer section. We want user rules to come after our
 * generated stuff"). `before`: the line of that separator in `shown`.
 */
interface AutomakeLayout {
  shown: string;
  before: number;
}

/** The first line automake writes in a Makefile.in, kept in the Makefile configure writes from it. */
const AUTOMAKE_HEADER = /^# Makefile\.in generated by automake [0-9][^\n]* from Makefile\.am\.\n/;

/** The automake layout of the makefile read (above), null where it is not one, undefined while collecting. */
function automakeLayout(db: Database, view: StateView | undefined, shown: string): AutomakeLayout | null | undefined {
  // the Makefile itself (its dependency files, .deps/*.Plo, are included after it)
  const abs = db.opts.read[0];
  if (abs === undefined || abs !== path.posix.join(db.opts.dir, 'Makefile')) return null;
  const text = readFileAt(view, abs);
  if (text?.kind !== 'file' || !AUTOMAKE_HEADER.test(text.text)) return null;
  const top = db.vars.get('top_builddir');
  const rel = top?.origin === 'file' && top.alts.length === 1 && /^(?:\.|\.\.(?:\/\.\.)*)$/.test(top.alts[0] as string) ? (top.alts[0] as string) : null;
  if (rel === null) return null;
  const status = readFileAt(view, path.posix.join(db.opts.dir, rel, 'config.status'));
  if (status === undefined) return undefined;
  if (status.kind === 'missing') return null;
  const separator = text.text.split('\n').indexOf('.PRECIOUS: Makefile');
  if (separator === -1) return null;
  return { shown, before: separator + 1 };
}

/** A rule automake generated (above the separator of the Makefile), not one of Makefile.am's. */
function isAutomakeRule(rule: Rule, automake: AutomakeLayout | null): boolean {
  return automake !== null && rule.file === automake.shown && rule.line < automake.before;
}

/** The targets that delete: automake's mostlyclean, clean, distclean and maintainer-clean, and the rules they reach. */
const AUTOMAKE_CLEAN = /^(?:mostly|dist|maintainer-)?clean(?:-|$)/;

function judgeGoals(inv: Invocation, run: MakeRun, db: Database, rt: Runtime, automake: AutomakeLayout | null = null): void {
  const expander = new Expander(db);
  const shell = db.vars.get('SHELL');
  const shells = shell ? expander.variable('SHELL', { depth: 0 }) : ['/bin/sh'];
  if (shells.some((s) => hasUnknown(s) || !POSIX_SHELLS.has(path.posix.basename(words(s)[0] ?? 'sh')))) {
    return reportOpaque(rt, `make runs its recipes with SHELL=${shells.join(' or ')}, which guard cannot read as shell lines`, inv.source);
  }
  const defaultGoal = db.vars.get('.DEFAULT_GOAL');
  const goals = run.targets.length > 0 ? run.targets : defaultGoal ? expander.variable('.DEFAULT_GOAL', { depth: 0 }).flatMap(words) : db.firstTarget ? [db.firstTarget] : [];
  const seen = new Set<string>();
  const stack = [...goals].reverse();
  const order: Array<{ target: string; rules: Rule[]; stem?: string }> = [];
  while (stack.length > 0) {
    const target = stack.pop() as string;
    if (seen.has(target)) continue;
    if (hasUnknown(target)) {
      reportOpaque(rt, `make's goal is computed when it runs (${target})`, inv.source);
      continue;
    }
    seen.add(target);
    if (seen.size > MAX_TARGETS) return reportOpaque(rt, `make ${goals.join(' ')} reaches more than ${MAX_TARGETS} rules, more than guard follows`, inv.source);
    const found = findRules(db, target, goals.includes(target));
    if (!found) {
      // `.DEFAULT`'s recipe makes every target with no rule (a prerequisite too, where no such file is).
      if (db.rules.has('.DEFAULT')) order.push({ target, rules: db.rules.get('.DEFAULT') as Rule[] });
      else if (goals.includes(target)) {
        const hidden = db.hiddenRules.find((h) => h.matches.test(target));
        if (hidden) reportOpaque(rt, `make ${target}: guard finds no rule for it, and ${hidden.why}`, inv.source);
      }
      continue;
    }
    order.push({ target, ...found });
    const prereqs = found.rules.flatMap((r) => [...r.prereqs, ...r.orderOnly]);
    for (const rule of found.rules) {
      if (!isAutomakeRule(rule, automake)) continue;
      // automake's recursive rule makes X-am here after (or, for the cleans, before) X in each subdirectory
      const local = /^(.+)-recursive$/.exec(target);
      if (local && rule.recipe.some((l) => l.text.includes('local_target'))) prereqs.push(`${local[1]}-am`);
      // a hook or -local rule of Makefile.am it runs through $(MAKE) (install-exec-hook, dist-hook ...)
      for (const line of rule.recipe) for (const word of words(line.text)) if (db.rules.get(word)?.some((r) => !isAutomakeRule(r, automake))) prereqs.push(word);
    }
    for (let k = prereqs.length - 1; k >= 0; k--) {
      const prereq = prereqs[k] as string;
      if (!seen.has(prereq) && !hasUnknown(prereq) && (db.rules.has(prereq) || db.rules.has('.DEFAULT') || findRules(db, prereq))) stack.push(prereq);
    }
  }
  for (const item of order) {
    for (const rule of item.rules) {
      if (!isAutomakeRule(rule, automake)) {
        judgeRecipe(inv, item.target, rule, run, db, expander, rt, item.stem, automake ? declaredOutput(item.target, db, expander) : undefined);
        continue;
      }
      // automake's own rules build, test, install and clean from the templates automake ships:
      // what they delete (objects, programs, libraries, .libs, .deps, test logs, configure's
      // outputs) is what the build and configure write. Only the lists Makefile.am gives them are
      // the project's: the *-generic cleans that delete CLEANFILES, MOSTLYCLEANFILES,
      // DISTCLEANFILES, MAINTAINERCLEANFILES and BUILT_SOURCES are judged as written, with the
      // lists automake fills itself (AUTOMAKE_OUTPUT_LISTS) left empty.
      const recursive = /^(.+)-recursive$/.exec(item.target);
      if (recursive && rule.recipe.some((l) => l.text.includes('local_target'))) judgeSubdirs(inv, recursive[1] as string, run, db, expander, rt, rule);
      else if (AUTOMAKE_CLEAN.test(item.target) && /-generic$/.test(item.target)) withEmpty(db, AUTOMAKE_OUTPUT_LISTS, () => judgeRecipe(inv, item.target, rule, run, db, expander, rt, item.stem, cleanOutputs(db, expander)));
    }
  }
}

/**
 * The target of a Makefile.am rule (absolute) where Makefile.am lists it in CLEANFILES,
 * MOSTLYCLEANFILES or DISTCLEANFILES: the project says the build writes it and its clean deletes
 * it (jq's `src/builtin.inc: src/builtin.jq` writing `> $@`). Undefined otherwise.
 */
function declaredOutput(target: string, db: Database, expander: Expander): ReadonlySet<string> | undefined {
  if (hasUnknown(target) || target.startsWith('/') || target.split('/').includes('..')) return undefined;
  for (const list of ['CLEANFILES', 'MOSTLYCLEANFILES', 'DISTCLEANFILES']) {
    if (!db.vars.has(list)) continue;
    const values = expander.variable(list, { depth: 0 });
    // in every value the conditionals may give it
    if (values.length > 0 && values.every((value) => words(value).includes(target))) return new Set([path.posix.join(db.opts.dir, target)]);
  }
  return undefined;
}

/**
 * The files automake's *-generic cleans delete that the build makes (absolute): the entries of
 * CLEANFILES, MOSTLYCLEANFILES, DISTCLEANFILES and MAINTAINERCLEANFILES, in every value the
 * conditionals may give them, that an explicit rule of the makefile makes (jq's `src/version.h:`,
 * `jq.1:`, oniguruma's `oniguruma.pc:`). An entry no rule makes (a `.env` a Makefile.am lists) is
 * not one: deleting it still captures it. Checked on jq with real make (DECISIONS.md): what
 * `make clean` and `make distclean` deleted was only ignored files, these among them.
 */
function cleanOutputs(db: Database, expander: Expander): ReadonlySet<string> {
  const out = new Set<string>();
  for (const list of ['CLEANFILES', 'MOSTLYCLEANFILES', 'DISTCLEANFILES', 'MAINTAINERCLEANFILES']) {
    if (!db.vars.has(list)) continue;
    for (const value of expander.variable(list, { depth: 0 })) {
      for (const word of words(value)) {
        if (hasUnknown(word) || word.startsWith('/') || word.split('/').includes('..') || /[*?[]/.test(word)) continue;
        if (db.rules.get(word)?.some((r) => r.recipe.length > 0 || r.prereqs.length > 0)) out.add(path.posix.join(db.opts.dir, word));
      }
    }
  }
  return out;
}

/**
 * The variables automake's *-generic cleans delete that automake fills from its own outputs:
 * configure's output files (AC_CONFIG_FILES), the test logs of TESTS, and the dirstamps of
 * subdir-objects.
 */
const AUTOMAKE_OUTPUT_LISTS = ['CONFIG_CLEAN_FILES', 'CONFIG_CLEAN_VPATH_FILES', 'TEST_LOGS', 'TEST_SUITE_LOG', 'am__dirstamp'];

/** Runs `judge` with `names` set to empty text (as simple variables), then puts them back. */
function withEmpty(db: Database, names: string[], judge: () => void): void {
  const saved = names.map((name) => [name, db.vars.get(name)] as const);
  for (const name of names) db.vars.set(name, { recursive: false, alts: [''], origin: 'file' });
  try {
    judge();
  } finally {
    for (const [name, value] of saved) {
      if (value) db.vars.set(name, value);
      else db.vars.delete(name);
    }
  }
}

/** automake's `X-recursive`: `make X` in each of SUBDIRS (DIST_SUBDIRS for distclean and maintainer-clean) but `.`, each judged as the make run it is. */
function judgeSubdirs(inv: Invocation, goal: string, run: MakeRun, db: Database, expander: Expander, rt: Runtime, rule: Rule): void {
  const list = /^(?:distclean|maintainer-clean)$/.test(goal) ? 'DIST_SUBDIRS' : 'SUBDIRS';
  const first = rule.recipe[0] as RecipeLine;
  const via = `run by \`${inv.source}\`: target ${goal}-recursive, ${first.file}:${first.line}`;
  for (const value of db.vars.has(list) ? expander.variable(list, { depth: 0 }) : ['']) {
    for (const subdir of words(value)) {
      if (subdir === '.') continue;
      if (hasUnknown(subdir)) {
        reportOpaque(rt, `make ${goal} runs in the subdirectories of ${list}, which guard cannot know (${subdir})`, inv.source);
        continue;
      }
      rt.shell(`${shellQuote(db.make)} -C ${shellQuote(subdir)} ${shellQuote(goal)}`, { cwd: db.opts.dir, env: recipeEnv(inv, run), via, ctx: { ...rt.ctx, inRecipe: true } }, inv.source);
    }
  }
}

/**
 * The rules make uses for a target: its explicit rules, else the first pattern rule it matches
 * whose prerequisites are all explicit rules (`%: common-%` for `clean`); a pattern rule over
 * files (`%.o: %.c`) is not followed (it compiles; which files exist guard does not ask here).
 */
function findRules(db: Database, target: string, goal = false): { rules: Rule[]; stem?: string } | null {
  const explicit = db.rules.get(target);
  if (explicit) return { rules: explicit };
  for (const pattern of db.patterns) {
    const stem = patternStem(pattern.pattern, target);
    if (stem === null || stem === '') continue;
    const prereqs = pattern.prereqs.map((p) => p.replace('%', stem));
    // No prerequisites (`sub-%: ; cd sub && $(MAKE) $*`): it makes any target it matches (a
    // match-anything `%:` only a goal: every file prerequisite would match it).
    if (prereqs.length === 0 ? pattern.pattern === '%' && !goal : !prereqs.every((p) => db.rules.has(p))) continue;
    return { rules: [{ ...pattern, prereqs, orderOnly: pattern.orderOnly.map((p) => p.replace('%', stem)) }], stem };
  }
  return null;
}

function judgeRecipe(inv: Invocation, target: string, rule: Rule, run: MakeRun, db: Database, expander: Expander, rt: Runtime, stem?: string, output?: ReadonlySet<string>): void {
  if (rule.recipe.length === 0) return;
  const recipeCtx = { ...rt.ctx, inRecipe: true, ...(output ? { buildOutputs: output } : {}) };
  const all = [...rule.prereqs];
  const auto = new Map<string, string>([
    ['@', target],
    ['<', rule.prereqs[0] ?? ''],
    ['^', [...new Set(all)].join(' ')],
    ['+', all.join(' ')],
    ['|', rule.orderOnly.join(' ')],
    // $? (the newer prerequisites) is a subset of $^: every one of them, to be safe.
    ['?', [...new Set(all)].join(' ')],
  ]);
  if (stem !== undefined) auto.set('*', stem);
  const scope: Scope = { auto, depth: 0 };
  const dir = db.opts.dir;
  const via = (line: RecipeLine): string => `run by \`${inv.source}\`: target ${target}, ${line.file}:${line.line}`;
  if (db.oneshell && !run.dryRun) {
    const first = rule.recipe[0] as RecipeLine;
    const texts = rule.recipe.map((l) => l.text).join('\n');
    for (const expanded of expander.expand(texts, scope)) {
      const script = expanded
        .split('\n')
        .map((l) => l.replace(/^[ \t]*[@+-]*/, ''))
        .join('\n');
      rt.shell(script, { cwd: dir, env: recipeEnv(inv, run), via: via(first), ctx: recipeCtx }, inv.source);
    }
    return;
  }
  for (const line of rule.recipe) {
    const recursive = /\$[({]MAKE[)}]/.test(line.text);
    for (const expanded of expander.expand(line.text, scope)) {
      // A variable's value may hold several lines (a `define`): each is a recipe line of its own.
      for (const one of expanded.split(/(?<!\\)\n/)) {
        const prefix = /^[ \t]*([@+-]*)/.exec(one)?.[1] ?? '';
        if (run.dryRun && !prefix.includes('+') && !recursive) continue;
        const body = one.slice(one.indexOf(prefix) + prefix.length).trim();
        if (body === '') continue;
        rt.shell(body, { cwd: dir, env: recipeEnv(inv, run), via: via(line), ctx: recipeCtx }, inv.source);
      }
    }
  }
}
