/**
 * `task [options] [task...] [VAR=value...] [-- args]` (go-task): the tasks of a Taskfile, judged
 * by the shell commands they run, as make's recipes (make-targets.ts) and just's (just-recipes.ts)
 * are. Before 2026-12-05 `task clean` was "allow: no destructive command found" whatever its cmds
 * did (`git clean -fdx` lost the ignored `.env` for good).
 *
 * The Taskfile is read (never run) as bytes (StateView.file): `-t/--taskfile FILE` (from where
 * task runs; a directory: looked up in it; with `-d` too, the tasks run in that directory), else the first of Taskfile.yml, taskfile.yml, Taskfile.yaml, taskfile.yaml,
 * Taskfile.dist.yml, taskfile.dist.yml, Taskfile.dist.yaml, taskfile.dist.yaml in the directory
 * task runs in (`-d/--dir`) or one above it (up to the repository's root, or 16 levels). It is
 * parsed with the `yaml` package, loaded (synchronously) only when a `task` line is judged: it is
 * not in the hook bundles, and loading it costs ~35 ms of CPU.
 *
 * The tasks named (else `default`; by name, alias or a `*` wildcard name) and every task they
 * reach through `deps` and `cmds: [{task: x}]` (at most MAX_TASKS calls) are judged: each cmd
 * (a string, `{cmd: ...}`, `{defer: ...}`; a multi-line cmd is one shell script), each
 * `preconditions` entry (`sh`) and `status` line, as a shell command run in the task's `dir`
 * (relative to the Taskfile's directory, which is the default). Variables: global and task
 * `vars`, the vars of a call (`{task: x, vars: {...}}`), `VAR=value` on the command line, the
 * special `.TASK`, `.ROOT_DIR`, `.TASKFILE_DIR`, `.TASKFILE`, `.USER_WORKING_DIR`, `.CLI_ARGS`
 * (the words after `--`) and `.ITEM` of a `for:` over a literal list (or a variable's known
 * value) are expanded in `{{.NAME}}` and `{{.NAME | default "x"}}`; a `sh:` variable's command
 * is judged where task runs it (global ones at every run) and its value is unknown, as is
 * anything else in `{{ }}` (functions, conditionals, variables set nowhere the line shows: the
 * environment may set them): unknown words, judged as make's are (an unknown program name in a
 * task is the build's own: CommandContext.inRecipe). `env:` values (global and task) are the
 * commands' environment. `--dry`, `--list`, `--list-all`, `--summary`, `--help`, `--version`,
 * `--init` run no task (`--dry` still runs the `sh:` variables).
 *
 * `includes:` are followed (taskfile-includes.ts): an included task is judged by its commands, in
 * the directory task runs it in, under its namespaced name; an include guard cannot read (remote,
 * templated, unreadable, a cycle) makes the whole run opaque, and a global var set in more than one
 * Taskfile of the run is unknown (task's merge order is not fixed).
 *
 * Limits: `dotenv:` files are not read (their values
 * are unknown), `for:` over sources, generates or a matrix gives an unknown `.ITEM`, `-g` (the
 * home directory's Taskfile) is opaque.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import { reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { readFileAt } from './make-targets.js';
import { get, readYaml, str, TooBig, type Y } from './taskfile-yaml.js';
import { loadGraph, TASKFILE_NAMES, withNamespace, type IncludeLevel, type MergedTask, type TaskfileNode } from './taskfile-includes.js';

/** Task calls followed from those named through deps and `task:` cmds, per task run. */
export const MAX_TASKS = 200;
const MAX_LOOKUP_LEVELS = 16;
const MAX_FOR_ITEMS = 64;
const MAX_VALUE_LENGTH = 256 * 1024;

export { TASKFILE_NAMES };

const U_OPEN = '\uE000';
const U_CLOSE = '\uE001';

/** Text guard cannot know, shown as written (expand.ts shownUnknownText). */
function unknown(shown: string): string {
  return `${U_OPEN}${shown.replace(/[\uE000\uE001]/g, '')}${U_CLOSE}`;
}

/** A task call: its name and the vars it is given (already expanded). */
interface Call {
  name: string;
  vars: Map<string, string>;
}

/** Where a template is expanded: the variables it sees, nearest first. */
interface Scope {
  item: Map<string, string>;
  special: Map<string, string>;
  task: Map<string, string>;
  call: Map<string, string>;
  /** The global vars this task sees (with includes: per task, taskfile-includes.ts). */
  globals: Map<string, string>;
}

const NO_RUN = new Set(['--list', '-l', '--list-all', '-a', '--summary', '--help', '-h', '--version', '--init', '-i', '--completion', '--experiments']);
const WITH_VALUE = new Set(['--dir', '-d', '--taskfile', '-t', '--concurrency', '-C', '--output', '-o', '--output-group-begin', '--output-group-end', '--interval', '-I', '--sort', '--remote-cache-dir', '--cache-expiry', '--trusted-hosts', '--timeout']);
const SHORT_WITH_VALUE = 'dtCoI';

/** Judges the tasks a `task` run would run (the module comment). */
export function classifyTaskRun(inv: Invocation, args: Field[], rt: Runtime): void {
  let file: string | null = null;
  let dir = inv.cwd;
  let dirGiven = false;
  const cliVars = new Map<string, string>();
  const names: string[] = [];
  let dryRun = false;
  let cliArgs: string[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (cliArgs !== null) {
      if (value === null) cliArgs.push(unknown(field.display));
      else cliArgs.push(value);
      continue;
    }
    if (value === null) return reportOpaque(rt, `task is given ${field.display}, a word guard cannot see`, inv.source);
    if (value === '--') {
      cliArgs = [];
      continue;
    }
    if (value.startsWith('-') && value !== '-') {
      const long = value.startsWith('--');
      let name = long && value.includes('=') ? value.slice(0, value.indexOf('=')) : value;
      let inline: string | undefined = long && value.includes('=') ? value.slice(value.indexOf('=') + 1) : undefined;
      if (!long && value.length > 2) {
        // A cluster of short flags (`-fv`), or a short option with its value attached (`-dsub`, `-d=sub`).
        const letters = value.slice(1);
        const at = [...letters].findIndex((c) => SHORT_WITH_VALUE.includes(c));
        for (const c of at === -1 ? letters : letters.slice(0, at)) {
          if (NO_RUN.has(`-${c}`)) return;
          if (c === 'n') dryRun = true;
          if (c === 'g') return reportOpaque(rt, "task -g runs the Taskfile of the home directory, which guard does not read", inv.source);
        }
        if (at === -1) continue;
        name = `-${letters[at]}`;
        const rest = letters.slice(at + 1).replace(/^=/, '');
        inline = rest === '' ? undefined : rest;
      }
      if (NO_RUN.has(name)) return;
      if (name === '--dry' || name === '-n') dryRun = true;
      if (name === '--global' || name === '-g') return reportOpaque(rt, "task -g runs the Taskfile of the home directory, which guard does not read", inv.source);
      if (WITH_VALUE.has(name)) {
        const arg = inline ?? (i + 1 < args.length ? args[++i]?.value : undefined);
        if (arg === null) return reportOpaque(rt, `task ${name} is given a word guard cannot see`, inv.source);
        if (name === '--dir' || name === '-d') {
          dir = resolvePath(arg ?? null, inv.cwd);
          dirGiven = true;
        }
        if (name === '--taskfile' || name === '-t') file = arg ?? null;
      }
      continue;
    }
    // Any word with `=` is a variable (task's args.Parse), the rest are task names.
    if (value.includes('=')) cliVars.set(value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1));
    else names.push(value);
  }
  if (dir === null || inv.cwd === null) return reportOpaque(rt, 'task runs in a directory guard cannot know, so the tasks it runs are unknown', inv.source);
  // The Taskfile: -t (a file, or a directory to look in), else the nearest Taskfile from where task runs upwards.
  const candidates: string[] = [];
  const lookIn = (at: string): void => {
    for (const name of TASKFILE_NAMES) candidates.push(path.posix.join(at, name));
  };
  let given: string | null = null;
  if (file !== null) {
    given = resolvePath(file, inv.cwd);
    if (given === null) return;
    candidates.push(given);
  } else {
    let at = dir;
    for (let level = 0; level < MAX_LOOKUP_LEVELS; level++) {
      lookIn(at);
      const up = path.posix.dirname(at);
      if (up === at || (rt.ctx.repoRoot && at === rt.ctx.repoRoot)) break;
      at = up;
    }
  }
  // Every candidate is asked for at once: while collecting, each is noted and read before the next pass.
  const view = rt.ctx.view;
  if (given !== null) lookIn(given); // `-t dir`: the Taskfile names in that directory
  const contents = candidates.map((abs) => ({ abs, contents: readFileAt(view, abs) }));
  let found: { abs: string; text: string } | null = null;
  for (let k = 0; k < contents.length; k++) {
    const { abs, contents: read } = contents[k] as (typeof contents)[number];
    if (read === undefined) return; // by text, or not read yet (collecting)
    if (read.kind === 'missing') {
      if (k === 0 && given !== null) return; // `-t` names nothing: task stops
      continue;
    }
    if (read.kind === 'unreadable') {
      if (k === 0 && given !== null) continue; // a directory, looked in next
      return reportOpaque(rt, `task reads ${abs}, which guard cannot read (${read.why})`, inv.source);
    }
    found = { abs, text: read.text };
    break;
  }
  if (!found) return; // no Taskfile: task stops
  let root: Y | null;
  try {
    root = readYaml(found.text);
  } catch (error) {
    if (error instanceof TooBig) return reportOpaque(rt, `the Taskfile ${found.abs} is larger than guard reads once its YAML aliases are resolved`, inv.source);
    throw error;
  }
  if (root === null || root.kind !== 'map') return; // not YAML task can read: task stops
  // With both -t and -d the tasks run in the -d directory (task's fsext.ResolveDir), else in the Taskfile's.
  const rootDir = given !== null && dirGiven ? dir : path.posix.dirname(found.abs);
  // The included Taskfiles (taskfile-includes.ts): task reads them all before it runs anything.
  const graph = loadGraph(view, found.abs, root);
  if (graph.kind === 'pending' || graph.kind === 'stops') return;
  if (graph.kind === 'opaque') return reportOpaque(rt, `task reads ${graph.why}`, inv.source);
  new TaskRun(inv, rt, graph.files, graph.tasks, found.abs, rootDir, cliVars, cliArgs ?? [], dryRun).run(names.length > 0 ? names : ['default']);
}

class TaskRun {
  private readonly taskfileDir: string;
  private readonly shown: string;
  private readonly root: Y;
  private readonly globals = new Map<string, string>();
  private readonly globalEnv = new Map<string, string | null>();
  /** With includes: where each global var and env name is set (taskfile-includes.ts "Variables"). */
  private readonly varSites = new Map<string, Array<{ file?: TaskfileNode; level?: IncludeLevel; value: string }>>();
  private readonly envSites = new Map<string, Array<{ file: TaskfileNode; value: string | null }>>();
  private readonly special = new Map<string, string>();
  private readonly judged = new Set<string>();

  constructor(
    private readonly inv: Invocation,
    private readonly rt: Runtime,
    private readonly files: TaskfileNode[],
    private readonly tasks: Map<string, MergedTask>,
    private readonly rootAbs: string,
    rootDir: string,
    private readonly cliVars: Map<string, string>,
    cliArgs: string[],
    private readonly dryRun: boolean,
  ) {
    this.taskfileDir = rootDir;
    this.shown = path.posix.relative(inv.cwd as string, rootAbs) || path.posix.basename(rootAbs);
    this.root = (files[0] as TaskfileNode).root;
    for (const [k, v] of [
      ['ROOT_DIR', this.taskfileDir],
      ['TASKFILE_DIR', path.posix.dirname(rootAbs)],
      ['TASKFILE', rootAbs],
      ['ROOT_TASKFILE', rootAbs],
      ['USER_WORKING_DIR', inv.cwd as string],
      ['TASK_EXE', 'task'],
      ['CLI_ARGS', cliArgs.map(quoteArg).join(' ')],
    ] as const) this.special.set(k, v);
  }

  run(names: string[]): void {
    // Task reads every global var (their `sh:` runs) before any task, dry run or not.
    if (this.files.length === 1) {
      const scope: Scope = { item: new Map(), special: this.special, task: new Map(), call: new Map(), globals: this.globals };
      this.defineVars(get(this.root, 'vars'), scope, this.globals, this.taskfileDir, 'a global var');
      this.defineEnv(get(this.root, 'env'), scope, this.globalEnv, this.taskfileDir);
    } else this.defineIncludedGlobals();
    if (this.dryRun) return;
    const seen = new Set<string>();
    const queue: Call[] = [];
    for (const name of names) {
      const resolved = this.find(name);
      if (resolved === null) return; // task stops: no such task (includes followed: taskfile-includes.ts)
      queue.push({ name, vars: new Map() });
    }
    while (queue.length > 0) {
      const call = queue.shift() as Call;
      const key = `${call.name}\u0000${JSON.stringify([...call.vars])}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > MAX_TASKS) return reportOpaque(this.rt, `task reaches more than ${MAX_TASKS} task calls, more than guard follows`, this.inv.source);
      const resolved = this.find(call.name);
      if (resolved === null) continue;
      this.judgeTask(resolved, call, queue);
    }
  }

  /** The task `name` names: by its key, an alias, or a wildcard key (`start:*`). */
  private find(name: string): MergedTask | null {
    const exact = this.tasks.get(name);
    if (exact) return exact;
    for (const task of this.tasks.values()) if (task.aliases.includes(name)) return task;
    for (const [key, task] of this.tasks) {
      if (!key.includes('*')) continue;
      const re = new RegExp(`^${key.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.*)')}$`);
      if (re.test(name)) return task;
    }
    return null;
  }

  private judgeTask(merged: MergedTask, call: Call, queue: Call[]): void {
    const { name, node } = merged;
    // Short forms: `build: go build ./...` and `build: [cmd, cmd]`.
    const task: Y = node.kind === 'map' ? node : { kind: 'map', entries: new Map([['cmds', node]]), line: node.line };
    const special = new Map(this.special);
    special.set('TASK', name);
    special.set('TASKFILE', merged.file.abs);
    special.set('TASKFILE_DIR', path.posix.dirname(merged.file.abs));
    const scope: Scope = { item: new Map(), special, task: new Map(), call: call.vars, globals: this.files.length === 1 ? this.globals : this.globalsOf(merged) };
    const taskfileDir = this.taskfileDir;
    // Its dir once merged: the map-form includes' dirs joined before its own (taskfile-includes.ts), then the root's.
    const dirText = merged.dirRaw;
    const cwd = dirText === null ? taskfileDir : resolvePath(this.expand(dirText, scope), taskfileDir);
    if (cwd !== null && !cwd.includes(U_OPEN)) special.set('TASK_DIR', cwd);
    const judgedCwd = cwd !== null && cwd.includes(U_OPEN) ? null : cwd;
    this.defineVars(get(task, 'vars'), scope, scope.task, judgedCwd, 'a var of task ' + name);
    // The Taskfile's env, under what the line itself exports (`KEY=x task`): task's environment wins over its env: values.
    const env = this.files.length === 1 ? new Map(this.globalEnv) : this.envOf(merged);
    this.defineEnv(get(task, 'env'), scope, env, judgedCwd);
    for (const [k, v] of this.inv.env) env.set(k, v);
    const shownFile = merged.file.abs === this.rootAbs ? this.shown : path.posix.relative(this.inv.cwd as string, merged.file.abs) || path.posix.basename(merged.file.abs);
    const via = (line: number): string => `run by \`${this.inv.source}\`: task ${name}, ${shownFile}:${line}`;
    const shell = (text: string, line: number): void => {
      if (text.trim() === '') return;
      this.rt.shell(text, { cwd: judgedCwd, env, via: via(line), ctx: { ...this.rt.ctx, inRecipe: true } }, this.inv.source);
    };
    const preconditions = get(task, 'preconditions');
    for (const p of preconditions?.kind === 'seq' ? preconditions.items : []) {
      const text = p.kind === 'scalar' ? p.value : str(get(p, 'sh'));
      if (text !== null) shell(this.expand(text, scope), p.line);
    }
    const status = get(task, 'status');
    for (const s of status?.kind === 'seq' ? status.items : []) if (s.kind === 'scalar' && s.value !== null) shell(this.expand(s.value, scope), s.line);
    const deps = get(task, 'deps');
    for (const d of deps?.kind === 'seq' ? deps.items : []) {
      for (const item of this.forItems(get(d, 'for'), scope)) {
        const inner: Scope = { ...scope, item };
        const called = this.taskCall(d.kind === 'scalar' ? d : get(d, 'task'), get(d, 'vars'), inner, merged.callNs);
        if (called) queue.push(called);
      }
    }
    let cmds = get(task, 'cmds');
    if (!cmds && get(task, 'cmd')) cmds = { kind: 'seq', items: [get(task, 'cmd') as Y], line: task.line };
    const list = cmds?.kind === 'seq' ? cmds.items : cmds ? [cmds] : [];
    for (const c of list) {
      if (c.kind === 'scalar') {
        if (c.value !== null) shell(this.expand(c.value, scope), c.line);
        continue;
      }
      if (c.kind !== 'map') continue;
      for (const item of this.forItems(get(c, 'for'), scope)) {
        const inner: Scope = { ...scope, item };
        const deferred = get(c, 'defer');
        const target = deferred !== undefined ? deferred : c;
        if (target.kind === 'scalar') {
          if (target.value !== null) shell(this.expand(target.value, inner), target.line);
          continue;
        }
        const cmd = get(target, 'cmd');
        if (cmd?.kind === 'scalar' && cmd.value !== null) shell(this.expand(cmd.value, inner), cmd.line);
        const called = get(target, 'task') ? this.taskCall(get(target, 'task'), get(target, 'vars'), inner, merged.callNs) : null;
        if (called) queue.push(called);
      }
    }
  }

  private taskCall(nameNode: Y | undefined, vars: Y | undefined, scope: Scope, callNs: string[]): Call | null {
    const written = str(nameNode);
    if (written === null) return null;
    const values = new Map<string, string>();
    this.defineVars(vars, scope, values, this.taskfileDir, `a var given to task ${written}`);
    // A call inside an included Taskfile gets its namespace at each level, before its template is expanded (as task merges it).
    let name = written;
    for (const ns of callNs) name = withNamespace(name, ns);
    return { name: this.expand(name, scope), vars: values };
  }

  /**
   * With includes: every Taskfile's global vars and env (their `sh:` judged at every run, where
   * task runs them: the outermost map-form include's dir, else the root's) and every include's
   * `vars`, noted by where they are set (taskfile-includes.ts "Variables"). Templates in them see
   * no TASKFILE or TASKFILE_DIR: task evaluates the merged globals for each task it compiles.
   */
  private defineIncludedGlobals(): void {
    const special = new Map(this.special);
    special.delete('TASKFILE');
    special.delete('TASKFILE_DIR');
    const levels = new Set<IncludeLevel>();
    for (const file of this.files) {
      for (const level of file.chain) levels.add(level);
      const where = file.chain.find((l) => l.advanced)?.dirAbs ?? this.taskfileDir;
      const vars = new Map<string, string>();
      const scope: Scope = { item: new Map(), special, task: vars, call: new Map(), globals: vars };
      this.defineVars(get(file.root, 'vars'), scope, vars, where, 'a global var');
      for (const [k, value] of vars) this.varSites.set(k, [...(this.varSites.get(k) ?? []), { file, value }]);
      const env = new Map<string, string | null>();
      this.defineEnv(get(file.root, 'env'), scope, env, where);
      for (const [k, value] of env) this.envSites.set(k, [...(this.envSites.get(k) ?? []), { file, value }]);
    }
    for (const level of levels) {
      const vars = new Map<string, string>();
      const scope: Scope = { item: new Map(), special, task: vars, call: new Map(), globals: new Map() };
      this.defineVars(level.vars, scope, vars, this.taskfileDir, `a var of the include ${level.ns}`);
      for (const [k, value] of vars) this.varSites.set(k, [...(this.varSites.get(k) ?? []), { level, value }]);
    }
  }

  /** The globals a task sees: a name set in one place it surely sees (the root, its Taskfile, an include on its way), else unknown. */
  private globalsOf(task: MergedTask): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, sites] of this.varSites) {
      const site = sites[0];
      const sure = sites.length === 1 && site !== undefined && ((site.file !== undefined && (site.file === this.files[0] || site.file === task.file)) || (site.level !== undefined && task.levels.includes(site.level)));
      out.set(name, sure ? (site as { value: string }).value : unknown(`{{.${name}}}`));
    }
    return out;
  }

  private envOf(task: MergedTask): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const [name, sites] of this.envSites) {
      const site = sites[0];
      out.set(name, sites.length === 1 && site !== undefined && (site.file === this.files[0] || site.file === task.file) ? site.value : null);
    }
    return out;
  }

  /** The values `.ITEM` (or the `as:` name) takes in a `for:`; one unknown value where guard cannot list them. */
  private forItems(node: Y | undefined, scope: Scope): Array<Map<string, string>> {
    if (node === undefined) return [scope.item];
    const one = (name: string, values: string[]): Array<Map<string, string>> => values.map((v) => new Map([...scope.item, [name, v]]));
    if (node.kind === 'seq' && node.items.length <= MAX_FOR_ITEMS && node.items.every((i) => i.kind === 'scalar')) return one('ITEM', node.items.map((i) => this.expand(str(i) ?? '', scope)));
    const as = str(get(node, 'as')) ?? 'ITEM';
    const varName = str(get(node, 'var'));
    if (varName !== null) {
      const value = this.lookup(varName, scope);
      const split = str(get(node, 'split'));
      if (value !== null && !value.includes(U_OPEN)) {
        const items = (split !== null ? value.split(split) : value.split(/\s+/)).filter((v) => v !== '');
        if (items.length <= MAX_FOR_ITEMS) return one(as, items);
      }
    }
    return one(as, [unknown(`{{.${as}}}`)]);
  }

  /** Evaluates a `vars:` map in order into `into`: literals expanded, `sh:` judged (its value unknown). */
  private defineVars(node: Y | undefined, scope: Scope, into: Map<string, string>, cwd: string | null, what: string): void {
    if (node?.kind !== 'map') return;
    for (const [name, def] of node.entries) {
      if (def.kind === 'scalar') {
        into.set(name, this.expand(def.value ?? '', scope));
        continue;
      }
      const sh = str(get(def, 'sh'));
      if (sh !== null) this.judgeSh(this.expand(sh, scope), cwd, `${what} (${name}, ${this.shown}:${def.line})`);
      into.set(name, unknown(`{{.${name}}}`));
    }
  }

  private defineEnv(node: Y | undefined, scope: Scope, into: Map<string, string | null>, cwd: string | null): void {
    if (node?.kind !== 'map') return;
    for (const [name, def] of node.entries) {
      if (def.kind === 'scalar') {
        const value = this.expand(def.value ?? '', scope);
        into.set(name, value.includes(U_OPEN) ? null : value);
        continue;
      }
      const sh = str(get(def, 'sh'));
      if (sh !== null) this.judgeSh(this.expand(sh, scope), cwd, `an env value (${name}, ${this.shown}:${def.line})`);
      into.set(name, null);
    }
  }

  private judgeSh(command: string, cwd: string | null, what: string): void {
    const key = `${cwd}\u0000${command}`;
    if (this.judged.has(key)) return;
    this.judged.add(key);
    this.rt.shell(command, { cwd, env: new Map(this.inv.env), via: `run by \`${this.inv.source}\`: ${what}`, ctx: { ...this.rt.ctx, inRecipe: true } }, this.inv.source);
  }

  private lookup(name: string, scope: Scope): string | null {
    const sources = [scope.item, scope.special, scope.task, scope.call, this.cliVars, scope.globals];
    for (const source of sources) {
      const value = source.get(name);
      if (value !== undefined) return value;
    }
    // The line's own environment (`X=1 task`); one it sets to a value guard cannot know is unknown.
    if (this.inv.env.has(name)) return this.inv.env.get(name) ?? unknown(`{{.${name}}}`);
    return null;
  }

  /** A Go template with `{{.NAME}}` (and `| default "x"`) expanded; anything else in `{{ }}` unknown. */
  expand(text: string, scope: Scope): string {
    const out = text.replace(/\{\{(-?)(.*?)(-?)\}\}/gs, (match, _l: string, body: string) => {
      const inner = body.trim();
      const plain = /^\.([A-Za-z_]\w*)$/.exec(inner);
      if (plain) return this.lookup(plain[1] as string, scope) ?? unknown(`{{${inner}}}`);
      // `{{.X | default "y"}}` and `{{default "y" .X}}`: X where it is set and not empty, else y.
      const piped = /^\.([A-Za-z_]\w*)\s*\|\s*default\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)$/.exec(inner);
      const called = piped ? null : /^default\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)\s+\.([A-Za-z_]\w*)$/.exec(inner);
      if (piped || called) {
        const [name, quoted, raw] = piped ? [piped[1], piped[2], piped[3]] : [called?.[3], called?.[1], called?.[2]];
        const fallback = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (raw ?? '');
        const value = this.lookup(name as string, scope);
        return value === null || value === '' ? fallback : value;
      }
      // Shown by its first word only: the rest may hold quotes, pipes and parentheses, which must not reach the shell's parser.
      return unknown(`{{${/^[\w.]*/.exec(inner)?.[0] ?? ''}${/^[\w.]*$/.test(inner) ? '' : '...'}}}`);
    });
    return out.length > MAX_VALUE_LENGTH ? unknown('{{...}}') : out;
  }
}

/** A word of `.CLI_ARGS`, quoted for the shell where it needs to be. */
function quoteArg(word: string): string {
  if (word.includes(U_OPEN)) return word;
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
