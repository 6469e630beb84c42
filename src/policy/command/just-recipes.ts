/**
 * `just [options] [recipe [args...]]...`: the recipes of a justfile, judged as the shell lines
 * they are, as make's are (make-targets.ts). Before 2026-12-05 `just clean` was "allow: no
 * destructive command found" whatever the recipe did.
 *
 * The justfile is read (never run) from `--justfile FILE`, else the first `justfile` (any case)
 * or `.justfile` in the directory just runs in or a directory above it (up to the repository's
 * root, or 16 levels). The recipes named (with their arguments), else the first recipe (or the
 * one marked `[default]`), and their dependencies (`build: lint (test "x") && after`, at most
 * MAX_RECIPES) have each body line judged as a shell command (`@` and `-` stripped) run in the
 * justfile's directory (`[no-cd]`: where just runs; `set working-directory`, `[working-directory]`
 * where literal), each line a shell of its own. `{{name}}` interpolations are expanded from the
 * justfile's literal assignments (`name := "v"`, `+` and `/` of them), the recipe's parameters
 * (the arguments given, else their defaults), `NAME=value` and `--set NAME value` on the command
 * line, `justfile_directory()` and `invocation_directory()`; a backtick (`` x := `cmd` ``) is
 * judged as a command where just evaluates it (every assignment, at every run) and its output is
 * unknown, as are other functions and conditionals: unknown words, judged as make's are. A
 * recipe whose body starts with `#!`, or marked `[script]`, is a script file just writes and runs:
 * judged as a shell script file is (script-files.ts), its text as one shell script where its
 * `#!` (or `[script('...')]`) names a POSIX-family shell or `[script]` takes just's default
 * (`sh -eu`), not read for another interpreter. `--dry-run` runs no recipe (the backticks still run); `--list`, `--show`,
 * `--summary`, `--evaluate`, `--help`, `--version` run none either; `--command CMD` runs CMD.
 *
 * Limits: `import` and `mod` are not followed (a recipe then not found is opaque), `set shell`
 * other than a POSIX shell is opaque, `set positional-arguments` and `$1` in bodies are unknown,
 * the `--shell`/`--shell-arg` options make every recipe opaque.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import { reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';
import { readFileAt } from './make-targets.js';

/** Recipes followed from those named through their dependencies, per just run. */
export const MAX_RECIPES = 200;
const MAX_LOOKUP_LEVELS = 16;

const U_OPEN = '\uE000';
const U_CLOSE = '\uE001';

/**
 * Text guard cannot know, shown as written (expand.ts shownUnknownText) where that is a plain
 * word, else by its first word: the marked text goes into the recipe's shell text, and quotes,
 * parentheses, blanks or backticks there (`{{ if os() == "linux" { "a" } else { "b" } }}`) made
 * the line "cannot parse" and every such recipe refused.
 */
function unknown(shown: string): string {
  const plain = shown.replace(/[\uE000\uE001]/g, '');
  if (/^[\w.{}/:@%+=,-]*$/.test(plain)) return `${U_OPEN}${plain}${U_CLOSE}`;
  const braces = plain.startsWith('{{');
  const first = /^[\w.]*/.exec(plain.replace(/^(\{\{|`)\s*/, ''))?.[0] ?? '';
  return `${U_OPEN}${braces ? '{{' : ''}${first}...${braces ? '}}' : ''}${U_CLOSE}`;
}

interface Recipe {
  name: string;
  params: Array<{ name: string; default: string | null; variadic: boolean }>;
  deps: Array<{ name: string; args: string[] }>;
  body: Array<{ text: string; line: number }>;
  noCd: boolean;
  script: boolean;
  /** The interpreter of a script recipe (`#!` line or `[script('x')]`); '' for `[script]`'s default shell. */
  interpreter: string | null;
  workingDirectory: string | null;
  line: number;
  isDefault: boolean;
}

interface Justfile {
  assignments: Map<string, string>;
  exported: Set<string>;
  recipes: Map<string, Recipe>;
  aliases: Map<string, string>;
  order: string[];
  shell: string[] | null;
  exportAll: boolean;
  workingDirectory: string | null;
  imports: boolean;
}

function parseJustfile(text: string): Justfile {
  const jf: Justfile = { assignments: new Map(), exported: new Set(), recipes: new Map(), aliases: new Map(), order: [], shell: null, exportAll: false, workingDirectory: null, imports: false };
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let attributes: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^\s/.test(raw)) continue; // a body line outside a recipe: not just's syntax
    const attribute = /^\[(.*)\]$/.exec(line);
    if (attribute) {
      attributes.push(...(attribute[1] as string).split(/,\s*/));
      continue;
    }
    const alias = /^alias\s+([\w-]+)\s*:=\s*([\w-]+)/.exec(line);
    if (alias) {
      jf.aliases.set(alias[1] as string, alias[2] as string);
      attributes = [];
      continue;
    }
    const setting = /^set\s+([\w-]+)(?:\s*:=\s*(.*))?$/.exec(line);
    if (setting) {
      const value = (setting[2] ?? 'true').trim();
      if (setting[1] === 'shell') jf.shell = [...value.matchAll(/(["'])(.*?)\1/g)].map((m) => m[2] as string);
      if (setting[1] === 'export') jf.exportAll = value === 'true';
      if (setting[1] === 'working-directory') jf.workingDirectory = stringValue(value);
      continue;
    }
    if (/^(import|mod)\b/.test(line)) {
      jf.imports = true;
      continue;
    }
    const assignment = /^(export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$/.exec(line);
    if (assignment) {
      jf.assignments.set(assignment[2] as string, assignment[3] as string);
      if (assignment[1]) jf.exported.add(assignment[2] as string);
      attributes = [];
      continue;
    }
    const header = /^@?([A-Za-z_][\w-]*)((?:\s+[^:]*?)?)\s*:(?!=)(.*)$/.exec(line);
    if (!header) {
      attributes = [];
      continue;
    }
    const recipe: Recipe = { name: header[1] as string, params: [], deps: [], body: [], noCd: attributes.includes('no-cd'), script: attributes.some((a) => a === 'script' || a.startsWith('script(')), interpreter: scriptInterpreter(attributes), workingDirectory: null, line: i + 1, isDefault: attributes.includes('default') };
    for (const a of attributes) {
      const wd = /^working-directory\((.*)\)$/.exec(a);
      if (wd) recipe.workingDirectory = stringValue(wd[1] as string);
    }
    attributes = [];
    for (const match of ((header[2] as string) ?? '').matchAll(/([*+]?)\$?([A-Za-z_][\w-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]+))?/g)) {
      recipe.params.push({ name: match[2] as string, default: match[3] !== undefined ? match[3] : null, variadic: match[1] !== '' });
    }
    for (const dep of (header[3] as string).replace(/#.*$/, '').matchAll(/\(([^)]*)\)|([A-Za-z_][\w-]*)/g)) {
      if (dep[2]) recipe.deps.push({ name: dep[2], args: [] });
      else {
        const parts = (dep[1] as string).trim().match(/"(?:[^"\\]|\\.)*"|'[^']*'|\S+/g) ?? [];
        if (parts[0]) recipe.deps.push({ name: parts[0], args: parts.slice(1) });
      }
    }
    for (let j = i + 1; j < lines.length; j++) {
      const body = lines[j] as string;
      if (body.trim() === '') continue;
      if (!/^\s/.test(body)) break;
      const last = recipe.body.at(-1);
      // A line ending in `\` goes on: one shell line.
      if (last && /(^|[^\\])(\\\\)*\\$/.test(last.text)) last.text += `\n${body.trim()}`;
      else recipe.body.push({ text: body.trim(), line: j + 1 });
      i = j;
    }
    if (recipe.body[0]?.text.startsWith('#!')) {
      recipe.script = true;
      recipe.interpreter = shebangInterpreter((recipe.body[0] as { text: string }).text);
    }
    jf.recipes.set(recipe.name, recipe);
    jf.order.push(recipe.name);
  }
  return jf;
}

/** `[script]`: '' (just's default, `sh -eu`); `[script('bash', '-x')]`: bash; null for no script attribute. */
function scriptInterpreter(attributes: string[]): string | null {
  for (const a of attributes) {
    if (a === 'script') return '';
    const named = /^script\(\s*(["'])(.*?)\1/.exec(a);
    if (named) return path.posix.basename(named[2] as string);
  }
  return null;
}

/** The program a `#!` line runs (through `env`, its options skipped). */
function shebangInterpreter(line: string): string {
  const words = line.slice(2).trim().split(/\s+/);
  let k = 0;
  if (path.posix.basename(words[0] ?? '') === 'env') for (k = 1; k < words.length && (words[k] as string).startsWith('-'); k++);
  return path.posix.basename(words[k] ?? '');
}

/** A just string literal's value, or null where it is not one. */
function stringValue(text: string): string | null {
  const t = text.trim();
  if (/^'[^']*'$/.test(t)) return t.slice(1, -1);
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return t.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
  return null;
}

class Evaluator {
  private readonly memo = new Map<string, string>();
  private readonly judged = new Set<string>();

  constructor(
    private readonly jf: Justfile,
    private readonly overrides: Map<string, string>,
    private readonly dirs: { justfile: string; invocation: string },
    private readonly rt: Runtime,
    private readonly source: string,
  ) {}

  /** The value of an expression (`"a" + x / 'b'`); unknown parts marked. */
  expression(text: string, locals: Map<string, string>, depth = 0): string {
    if (depth > 20) return unknown(text);
    const tokens = text.match(/"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[A-Za-z_][\w-]*\s*\([^)]*\)|[A-Za-z_][\w-]*|[+/]|\S+/g) ?? [];
    let out = '';
    let op: string | null = null;
    for (const token of tokens) {
      if (token === '+' || token === '/') {
        op = token;
        continue;
      }
      let value: string;
      const literal = stringValue(token);
      if (literal !== null) value = literal;
      else if (token.startsWith('`')) value = this.backtick(token.slice(1, -1));
      else if (/^[A-Za-z_][\w-]*\s*\(/.test(token)) value = this.call(token);
      else if (/^[A-Za-z_][\w-]*$/.test(token)) {
        if (['if', 'else', '==', '!='].includes(token)) return unknown(`{{${text.trim()}}}`);
        value = this.variable(token, locals, depth);
      } else return unknown(`{{${text.trim()}}}`);
      out = op === '/' ? `${out}/${value}` : out + value;
      op = null;
      // A value built from itself (`b := a + a`, `c := b + b` ...) doubles each time: past this, unknown.
      if (out.length > 256 * 1024) return unknown(`{{${text.trim()}}}`);
    }
    return out;
  }

  variable(name: string, locals: Map<string, string>, depth = 0): string {
    const local = locals.get(name);
    if (local !== undefined) return local;
    const override = this.overrides.get(name);
    if (override !== undefined) return override;
    const memo = this.memo.get(name);
    if (memo !== undefined) return memo;
    const text = this.jf.assignments.get(name);
    if (text === undefined) return unknown(`{{${name}}}`);
    const value = this.expression(text, new Map(), depth + 1);
    this.memo.set(name, value);
    return value;
  }

  /** Every assignment just evaluates when it loads the justfile (its backticks run then). */
  evaluateAll(): void {
    for (const name of this.jf.assignments.keys()) this.variable(name, new Map());
  }

  private call(token: string): string {
    const name = /^([A-Za-z_][\w-]*)/.exec(token)?.[1];
    if (name === 'justfile_directory' || name === 'justfile_dir') return this.dirs.justfile;
    if (name === 'invocation_directory' || name === 'invocation_dir') return this.dirs.invocation;
    return unknown(`{{${token}}}`);
  }

  backtick(command: string): string {
    if (!this.judged.has(command)) {
      this.judged.add(command);
      this.rt.shell(command, { cwd: this.dirs.justfile, via: `a backtick in the justfile \`${this.source}\` reads`, ctx: { ...this.rt.ctx, inRecipe: true } }, `\`${command}\``);
    }
    return unknown(`\`${command}\``);
  }

  /** A body line with its `{{...}}` expanded (`{{{{` is a literal `{{`). */
  interpolate(line: string, locals: Map<string, string>): string {
    return line.replace(/\{\{\{\{|\{\{(.*?)\}\}/g, (match, inner: string | undefined) => (inner === undefined ? '{{' : this.expression(inner, locals)));
  }
}

const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'posh']);
const NO_RUN = new Set(['--list', '-l', '--summary', '--show', '-s', '--evaluate', '--help', '-h', '--version', '-V', '--dump', '--fmt', '--init', '--edit', '-e', '--choose', '--variables', '--groups', '--completions', '--man', '--changelog']);
const WITH_VALUE = new Set(['--justfile', '-f', '--working-directory', '-d', '--shell', '--shell-arg', '--dotenv-filename', '--dotenv-path', '-E', '--color', '--chooser', '--list-heading', '--list-prefix', '--command-color', '--alias-style', '--tempdir', '--timestamp-format']);

/** Judges the recipes a `just` run would run (the module comment). */
export function classifyJustRun(inv: Invocation, args: Field[], rt: Runtime): void {
  const view = rt.ctx.view;
  let file: string | null = null;
  let dir = inv.cwd;
  const overrides = new Map<string, string>();
  const words: string[] = [];
  let dryRun = false;
  let shellOption = false;
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null) return reportOpaque(rt, `just is given ${field.display}, a word guard cannot see`, inv.source);
    if (words.length === 0 && value.startsWith('-')) {
      const [name, inline] = value.includes('=') && value.startsWith('--') ? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)] : [value, undefined];
      if (NO_RUN.has(name)) return;
      if (name === '--dry-run' || name === '-n') dryRun = true;
      if (name === '--command' || name === '-c') {
        const rest = args.slice(i + 1);
        if (rest.length > 0) rt.exec(sub(inv, rest));
        return;
      }
      if (name === '--set') {
        const [k, v] = [args[i + 1]?.value, args[i + 2]?.value];
        if (k === null || v === null || k === undefined || v === undefined) return reportOpaque(rt, 'just --set is given a word guard cannot see', inv.source);
        overrides.set(k, v);
        i += 2;
        continue;
      }
      if (WITH_VALUE.has(name)) {
        const arg = inline ?? args[++i]?.value;
        if (arg === null) return reportOpaque(rt, `just ${name} is given a word guard cannot see`, inv.source);
        if (name === '--justfile' || name === '-f') file = arg ?? null;
        if (name === '--working-directory' || name === '-d') dir = resolvePath(arg ?? null, inv.cwd);
        if (name === '--shell' || name === '--shell-arg') shellOption = true;
      }
      continue;
    }
    const assignment = words.length === 0 ? /^([A-Za-z_][\w-]*)=(.*)$/s.exec(value) : null;
    if (assignment) overrides.set(assignment[1] as string, assignment[2] as string);
    else words.push(value);
  }
  if (dir === null || inv.cwd === null) return reportOpaque(rt, 'just runs in a directory guard cannot know, so the recipes it runs are unknown', inv.source);
  // The justfile: --justfile, else the nearest justfile from where just runs upwards.
  let found: { abs: string; text: string } | null = null;
  const candidates: string[] = [];
  if (file !== null) candidates.push(resolvePath(file, inv.cwd) as string);
  else {
    let at = dir;
    for (let level = 0; level < MAX_LOOKUP_LEVELS; level++) {
      for (const name of ['justfile', 'Justfile', 'JUSTFILE', '.justfile']) candidates.push(path.posix.join(at, name));
      const up = path.posix.dirname(at);
      if (up === at || (rt.ctx.repoRoot && at === rt.ctx.repoRoot)) break;
      at = up;
    }
  }
  const contents = candidates.map((abs) => ({ abs, contents: readFileAt(view, abs) }));
  for (const candidate of contents) {
    if (candidate.contents === undefined) return; // by text, or not read yet (collecting)
    if (candidate.contents.kind === 'missing') continue;
    if (candidate.contents.kind === 'unreadable') return reportOpaque(rt, `just reads ${candidate.abs}, which guard cannot read (${candidate.contents.why})`, inv.source);
    found = { abs: candidate.abs, text: candidate.contents.text };
    break;
  }
  if (!found) return; // no justfile: just stops
  const jf = parseJustfile(found.text);
  const justfileDir = path.posix.dirname(found.abs);
  const shown = path.posix.relative(inv.cwd, found.abs) || path.posix.basename(found.abs);
  if (shellOption || (jf.shell && !POSIX_SHELLS.has(path.posix.basename(jf.shell[0] ?? 'sh')))) {
    return reportOpaque(rt, `just runs its recipes with ${shellOption ? 'the shell given by --shell' : jf.shell?.join(' ')}, which guard cannot read as shell lines`, inv.source);
  }
  const evaluator = new Evaluator(jf, overrides, { justfile: justfileDir, invocation: inv.cwd }, rt, inv.source);
  evaluator.evaluateAll();
  if (dryRun) return; // the assignments' backticks run; no recipe does
  // The recipes named, each with as many following words as it takes.
  const calls: Array<{ name: string; args: string[] }> = [];
  if (words.length === 0) {
    const first = jf.order.find((n) => jf.recipes.get(n)?.isDefault) ?? jf.order[0];
    if (first) calls.push({ name: first, args: [] });
  }
  for (let i = 0; i < words.length; ) {
    const name = jf.aliases.get(words[i] as string) ?? (words[i] as string);
    const recipe = jf.recipes.get(name);
    if (!recipe) {
      if (jf.imports) reportOpaque(rt, `just ${name}: guard finds no recipe for it in ${shown}, which imports other files guard does not read`, inv.source);
      return; // just stops: no such recipe
    }
    const variadic = recipe.params.some((p) => p.variadic);
    const take = variadic ? words.length - i - 1 : recipe.params.length;
    calls.push({ name, args: words.slice(i + 1, i + 1 + take) });
    i += 1 + take;
  }
  const seen = new Set<string>();
  const queue = [...calls];
  while (queue.length > 0) {
    const call = queue.shift() as { name: string; args: string[] };
    const recipe = jf.recipes.get(jf.aliases.get(call.name) ?? call.name);
    if (!recipe) continue;
    const key = `${recipe.name}\u0000${call.args.join('\u0000')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_RECIPES) return reportOpaque(rt, `just reaches more than ${MAX_RECIPES} recipes, more than guard follows`, inv.source);
    const locals = new Map<string, string>();
    recipe.params.forEach((param, k) => {
      const given = param.variadic ? call.args.slice(k).join(' ') : call.args[k];
      locals.set(param.name, given ?? (param.default !== null ? evaluator.expression(param.default, locals) : ''));
    });
    for (const dep of recipe.deps) queue.push({ name: dep.name, args: dep.args.map((a) => evaluator.expression(a, locals)) });
    const workingDirectory = recipe.workingDirectory ?? jf.workingDirectory;
    const cwd = recipe.noCd ? inv.cwd : workingDirectory !== null ? resolvePath(workingDirectory, justfileDir) : justfileDir;
    const env = new Map(inv.env);
    for (const name of jf.assignments.keys()) if (jf.exportAll || jf.exported.has(name)) env.set(name, evaluator.variable(name, locals));
    if (recipe.script) {
      // A script just writes to a file and runs: read as a shell script file is; another interpreter's is not.
      if (recipe.interpreter !== '' && !POSIX_SHELLS.has(recipe.interpreter ?? '')) continue;
      const lines = recipe.body.filter((l, k) => !(k === 0 && l.text.startsWith('#!')));
      const first = lines[0] ?? recipe.body[0];
      if (!first) continue;
      const script = lines.map((l) => evaluator.interpolate(l.text, locals)).join('\n');
      rt.shell(script, { cwd, env, via: `run by \`${inv.source}\`: recipe ${recipe.name}, ${shown}:${first.line}`, ctx: { ...rt.ctx, inRecipe: true } }, inv.source);
      continue;
    }
    for (const line of recipe.body) {
      const text = evaluator.interpolate(line.text, locals).replace(/^[@-]+/, '');
      if (text.trim() === '' || text.trim().startsWith('#')) continue;
      rt.shell(text, { cwd, env, via: `run by \`${inv.source}\`: recipe ${recipe.name}, ${shown}:${line.line}`, ctx: { ...rt.ctx, inRecipe: true } }, inv.source);
    }
  }
}
