/**
 * `deno task NAME` runs the task NAME of the nearest deno.json or deno.jsonc (a string, or `{
 * "command": ..., "dependencies": [...] }` whose dependencies run first) in that file's
 * directory, the words after the name appended, through Deno's own sh-like shell; where the
 * file has no such task, the package.json script NAME. Before the sweep of 2026-12-05 evening
 * (docs/FRICTION.md, "Infrastructure as code and JavaScript monorepos") none was read: with
 * `"clean": "rm -rf local.db _fresh"` in deno.json, `deno task clean` was "allow: no destructive
 * command found" where the same words typed capture the ignored local.db first. Now the task's
 * text is judged as typed, as package-scripts.ts judges `npm run X`.
 *
 * `--cwd DIR` runs the task there; `-c FILE` names the configuration. `--eval` runs the words as
 * a command. A workspace run (`-r`, `--filter`) is judged in the root and in every member the
 * root lists, a glob (`./packages/*`) as the directories holding a deno.json it reaches
 * (memberDirs).
 */
import { withoutComments } from './code-comments.js';
import path from 'node:path';
import { knownField, type Field } from './expand.js';
import { classifyPackageManager } from './package-scripts.js';
import { appendArgs, reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';
import { resolvePath } from './paths.js';

/** Options of `deno task` that take their value as the next word. */
const VALUE_OPTIONS = new Set(['--cwd', '-c', '--config', '-f', '--filter', '--env-file']);

/** Task bodies judged per command line (dependencies can fan out). */
const MAX_TASKS = 200;

interface DenoConfig {
  dir: string;
  tasks: Map<string, { command: string | null; dependencies: string[] }>;
  workspace: string[];
}

/** JSON with comments and trailing commas (deno.jsonc), as plain JSON. */
export function stripJsonc(text: string): string {
  return withoutComments(text, { hash: false }).replace(/,(\s*[}\]])/g, '$1');
}

function parseConfig(found: { path: string; text: string }): DenoConfig | null {
  let json: unknown;
  try {
    json = JSON.parse(stripJsonc(found.text.charCodeAt(0) === 0xfeff ? found.text.slice(1) : found.text));
  } catch {
    return null;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const tasks = new Map<string, { command: string | null; dependencies: string[] }>();
  const declared = (json as { tasks?: unknown }).tasks;
  if (declared !== null && typeof declared === 'object') {
    for (const [name, task] of Object.entries(declared as Record<string, unknown>)) {
      if (typeof task === 'string') tasks.set(name, { command: task, dependencies: [] });
      else if (task !== null && typeof task === 'object') {
        const { command, dependencies } = task as { command?: unknown; dependencies?: unknown };
        tasks.set(name, {
          command: typeof command === 'string' ? command : null,
          dependencies: Array.isArray(dependencies) ? dependencies.filter((d): d is string => typeof d === 'string') : [],
        });
      }
    }
  }
  const members = (json as { workspace?: unknown }).workspace;
  const list = Array.isArray(members) ? members : members !== null && typeof members === 'object' && Array.isArray((members as { members?: unknown }).members) ? (members as { members: unknown[] }).members : [];
  return { dir: path.posix.dirname(found.path), tasks, workspace: list.filter((m): m is string => typeof m === 'string') };
}

/**
 * The nearest deno.json or deno.jsonc at or above `dir` (the deeper of the two), or the file
 * `-c` names: undefined while the view collects, 'none' where there is none, null where guard
 * cannot read it.
 */
function configAt(rt: Runtime, dir: string, named: string | null): DenoConfig | 'none' | null | undefined {
  const view = rt.ctx.view;
  if (!view) return undefined;
  const answers = named !== null ? [view.file({ dir: path.posix.dirname(named), name: path.posix.basename(named), up: false })] : ['deno.json', 'deno.jsonc'].map((name) => view.file({ dir, name, up: true }));
  if (answers.some((a) => a === undefined)) return undefined;
  if (answers.some((a) => a === null)) return null;
  const found = answers.filter((a): a is { path: string; text: string } => typeof a === 'object' && a !== null).sort((a, b) => b.path.length - a.path.length)[0];
  if (!found) return 'none';
  return parseConfig(found);
}

/** Returns false where `deno` does not run a task (the interpreter's handler judges it). */
export function classifyDenoTask(inv: Invocation, args: Field[], rt: Runtime): boolean {
  if (args[0]?.value !== 'task') return false;
  let cwd = inv.cwd;
  let config: string | null = null;
  let recursive = false;
  let evaluate = false;
  let i = 1;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) break;
    if (!value.startsWith('-') || value === '-') break;
    if (value === '--') {
      i++;
      break;
    }
    const eq = value.indexOf('=');
    const name = eq === -1 ? value : value.slice(0, eq);
    let given: Field | undefined;
    if (eq !== -1) given = knownField(value.slice(eq + 1));
    else if (VALUE_OPTIONS.has(name)) given = args[++i];
    if (name === '--cwd') cwd = given ? resolvePath(given.value, inv.cwd) : null;
    if (name === '-c' || name === '--config') config = given ? resolvePath(given.value, inv.cwd) : null;
    if (name === '-r' || name === '--recursive' || name === '-f' || name === '--filter') recursive = true;
    if (name === '--eval') evaluate = true;
  }
  const head = args[i];
  if (!head) return true; // `deno task` lists the tasks
  const rest = args.slice(i + 1);
  if (head.value === null) {
    reportOpaque(rt, 'deno task is given a task name guard cannot see', inv.source);
    return true;
  }
  if (evaluate) {
    const env = new Map(inv.env);
    rt.shell(appendArgs(head.value, rest, env, '__guard_task_arg'), { cwd, env, positional: ['sh'], via: `run by \`${inv.source}\`` }, 'deno task --eval');
    return true;
  }
  if (cwd === null || (config === null && args.slice(1, i).some((a) => a.value === '-c' || a.value === '--config'))) {
    reportOpaque(rt, 'deno task runs in a directory guard cannot see, so the task is unknown', inv.source);
    return true;
  }
  const found = configAt(rt, cwd, config);
  if (found === undefined) return true;
  if (found === null) {
    reportOpaque(rt, 'deno task reads a deno.json guard cannot read', inv.source);
    return true;
  }
  const runIn = (conf: DenoConfig | 'none', dir: string): void => {
    if (conf !== 'none' && conf.tasks.has(head.value as string)) return runTask(rt, inv, conf, head.value as string, rest, new Set(), cwd !== inv.cwd ? dir : conf.dir);
    // no such task: the package.json script, as `pnpm run NAME ARGS` runs it
    classifyPackageManager(sub(inv, [], { cwd: dir }), [knownField('run'), head, ...rest], rt, 'pnpm');
  };
  runIn(found, cwd);
  if (!recursive || found === 'none') return true;
  for (const member of found.workspace) {
    for (const dir of memberDirs(rt, inv, found.dir, member, head.value)) {
      const conf = configAt(rt, dir, null);
      if (conf === undefined || conf === null) continue;
      runIn(conf, dir);
    }
  }
  return true;
}

/**
 * The directories a workspace member names: itself, or for a glob (`./packages/*`) every
 * directory the glob reaches that holds a deno.json or deno.jsonc, expanded from the file system
 * as the shell expands a loop's glob (no git). Past the expansion bound, or a form guard does not
 * expand exactly: opaque, with running the task in one package as the way forward.
 */
function memberDirs(rt: Runtime, inv: Invocation, root: string, member: string, task: string): string[] {
  if (!/[*?[{]/.test(member)) {
    const dir = resolvePath(member, root);
    return dir === null ? [] : [dir];
  }
  const view = rt.ctx.view;
  const relative = member.replace(/^\.\//, '').replace(/\/+$/, '');
  const opaque = (): string[] => {
    reportOpaque(rt, `deno task -r runs the task in the workspace members ${member}, which guard cannot list; run it in one package (\`deno task --cwd DIR ${task}\`)`, inv.source);
    return [];
  };
  if (!view || view.mode === 'text' || relative.includes('{')) return opaque();
  const dirs = new Set<string>();
  for (const name of ['deno.json', 'deno.jsonc']) {
    const words = view.globWords({ cwd: root, pattern: `${relative}/${name}` });
    if (words === undefined) return [];
    if (words === null) return opaque();
    // a glob that matches nothing stays itself, as in sh
    for (const word of words) if (!/[*?[]/.test(word)) dirs.add(path.posix.dirname(resolvePath(word, root) ?? word));
  }
  return [...dirs].sort();
}

function runTask(rt: Runtime, inv: Invocation, conf: DenoConfig, name: string, args: Field[], seen: Set<string>, dir: string): void {
  if (seen.has(name)) return;
  seen.add(name);
  if (seen.size > MAX_TASKS) return reportOpaque(rt, `deno task ${name} depends on more than ${MAX_TASKS} tasks, more than guard follows`, inv.source);
  const task = conf.tasks.get(name);
  if (!task) return;
  for (const dependency of task.dependencies) runTask(rt, inv, conf, dependency, [], seen, dir);
  if (task.command === null) return;
  const env = new Map(inv.env);
  const text = appendArgs(task.command, args, env, '__guard_task_arg');
  const shown = inv.cwd !== null ? path.posix.relative(inv.cwd, conf.dir) || '.' : conf.dir;
  rt.shell(text, { cwd: dir, env, positional: ['sh'], via: `run by \`${inv.source}\`: task "${name}" of the deno.json in ${shown}` }, `deno task ${name}: ${task.command}`);
}
