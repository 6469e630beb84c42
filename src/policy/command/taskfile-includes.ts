/**
 * The `includes:` of a Taskfile (go-task), followed as task reads them before it runs anything
 * (go-task's taskfile/reader.go, ast/graph.go, ast/tasks.go Merge): the tasks of every included
 * Taskfile join the root's under their namespace (`db:reset`), so `task db:reset` is judged by
 * the commands of the included task as `task reset` is by the root's (taskfile-tasks.ts).
 *
 * - `NS: PATH` or `NS: {taskfile: PATH, dir: DIR, optional, flatten, aliases, excludes, vars}`;
 *   PATH is a Taskfile or a directory holding one (the eight names, in task's order), relative
 *   to the including Taskfile's directory, as DIR is. Nested includes are followed up to
 *   MAX_INCLUDE_DEPTH levels (each is one more read pass of the classifier).
 * - Names: `NS:task`, its aliases `NS:alias`, the include's aliases `A:task`; `task NS` runs the
 *   included `default`; calls (`task: x` in deps and cmds) inside an included Taskfile get its
 *   namespace, a leading `:` takes one level off. `flatten: true` keeps the names as they are.
 *   Two tasks of one name are an error of task's (nothing runs): judged unreadable here.
 * - Where the included tasks run: the map form's `dir` (default: the including Taskfile's
 *   directory) joined before the task's own `dir`; the short form changes nothing, so the tasks
 *   run in the root Taskfile's directory unless they say otherwise (taskfile.dev: "A Taskfile's
 *   location alone does not set its execution directory").
 * - Variables: task merges every Taskfile's global `vars`/`env` into one map, whose order between
 *   includes is not fixed (go-task issue #2046), and the SCOPED_TASKFILES experiment gives each
 *   file its own. A global name is therefore known only where one place in the whole graph sets it
 *   (the root, the task's own Taskfile, or an include's `vars` on the way to it): anywhere else,
 *   or set twice, its value is unknown (taskfile-tasks.ts).
 *
 * What cannot be read is never taken as harmless: a remote include (http, https, git), a path
 * with a template, `$` or `~`, a file guard cannot read, a cycle, more than MAX_TASKFILES
 * files: the whole run is unreadable (opaque). An `optional: true` include that is not there is
 * skipped; any other missing include stops task before it runs anything.
 */
import path from 'node:path';
import { readFileAt } from './make-targets.js';
import type { StateView } from './state.js';
import { get, readYaml, str, TooBig, type Y } from './taskfile-yaml.js';

/** Levels of includes followed below the root Taskfile; each costs the classifier one read pass. */
export const MAX_INCLUDE_DEPTH = 5;
/** Taskfiles one run reads, the root among them. */
export const MAX_TASKFILES = 64;
/** Task entries the merged table may hold (one Taskfile included under several names is copied each time). */
const MAX_MERGED_TASKS = 5000;

export const TASKFILE_NAMES = ['Taskfile.yml', 'taskfile.yml', 'Taskfile.yaml', 'taskfile.yaml', 'Taskfile.dist.yml', 'taskfile.dist.yml', 'Taskfile.dist.yaml', 'taskfile.dist.yaml'];

/** One Taskfile of the run. */
export interface TaskfileNode {
  abs: string;
  root: Y;
  /** The include statements from the root down to this file (empty for the root). */
  chain: IncludeLevel[];
}

/** One include statement, resolved. */
export interface IncludeLevel {
  ns: string;
  flatten: boolean;
  /** The map form (`{taskfile: ...}`): its `dir` is joined before the tasks' own, its `vars` are given to them. */
  advanced: boolean;
  /** The include's `dir` resolved against the including Taskfile's directory (that directory where none is given). */
  dirAbs: string;
  aliases: string[];
  excludes: string[];
  vars: Y | undefined;
  /** The including Taskfile. */
  from: TaskfileNode;
}

/** A task of the merged table, under its full name. */
export interface MergedTask {
  name: string;
  node: Y;
  file: TaskfileNode;
  aliases: string[];
  /** The namespaces its calls get, innermost first (taskNameWithNamespace at each level). */
  callNs: string[];
  /** Its `dir` as task holds it once merged: the includes' dirs joined before its own (null: none). */
  dirRaw: string | null;
  /** The advanced include statements on its way to the root, innermost first (their `vars` are its). */
  levels: IncludeLevel[];
}

export type Graph = { kind: 'graph'; files: TaskfileNode[]; tasks: Map<string, MergedTask> } | { kind: 'pending' } | { kind: 'stops' } | { kind: 'opaque'; why: string };

class Unreadable extends Error {}

/** Strips one leading `:` (the root's namespace) or puts `ns:` in front (go-task's taskNameWithNamespace). */
export function withNamespace(name: string, ns: string): string {
  return name.startsWith(':') ? name.slice(1) : `${ns}:${name}`;
}

/** go-task's filepathext.SmartJoin: a path naming ROOT_DIR, TASKFILE_DIR or USER_WORKING_DIR counts as absolute. */
export function smartJoin(base: string, p: string | null): string {
  if (p === null || p === '') return base;
  if (p.startsWith('/') || ['.ROOT_DIR', '.TASKFILE_DIR', '.USER_WORKING_DIR'].some((s) => p.includes(s))) return p;
  return path.posix.join(base, p);
}

function strings(node: Y | undefined): string[] {
  return node?.kind === 'seq' ? node.items.map(str).filter((s): s is string => s !== null) : [];
}

function excluded(name: string, excludes: string[]): boolean {
  return excludes.some((e) => (e.endsWith(':*') ? e.length > 2 && name.startsWith(e.slice(0, -1)) : name === e));
}

/** Reads the Taskfile at `abs` (a file, or a directory holding one of TASKFILE_NAMES). */
function readTaskfile(view: StateView | undefined, abs: string): { kind: 'file'; abs: string; text: string } | { kind: 'missing' } | { kind: 'pending' } | { kind: 'unreadable'; why: string } {
  const candidates = [abs, ...TASKFILE_NAMES.map((n) => path.posix.join(abs, n))];
  // Every candidate is asked for at once: while collecting, each is noted and read before the next pass.
  const reads = candidates.map((c) => readFileAt(view, c));
  const first = reads[0];
  if (first === undefined) return { kind: 'pending' };
  if (first.kind === 'file') return { kind: 'file', abs, text: first.text };
  if (first.kind === 'missing') return { kind: 'missing' };
  // Not a file guard can read: a directory, whose Taskfile is the first of the names there.
  for (let k = 1; k < reads.length; k++) {
    const read = reads[k];
    if (read === undefined) return { kind: 'pending' };
    if (read.kind === 'missing') continue;
    if (read.kind === 'unreadable') return { kind: 'unreadable', why: `${candidates[k]}: ${read.why}` };
    return { kind: 'file', abs: candidates[k] as string, text: read.text };
  }
  // Nothing under it: a directory without a Taskfile or a file guard cannot read; the reader cannot tell which.
  return { kind: 'unreadable', why: `${abs}: ${first.why}` };
}

/**
 * The Taskfiles the root includes, read level by level, and the merged table of tasks. `pending`
 * while the classifier is still collecting the files to read.
 */
export function loadGraph(view: StateView | undefined, rootAbs: string, root: Y): Graph {
  const rootNode: TaskfileNode = { abs: rootAbs, root, chain: [] };
  const files: TaskfileNode[] = [rootNode];
  const childrenOf = new Map<TaskfileNode, Array<{ level: IncludeLevel; node: TaskfileNode }>>();
  let level = [rootNode];
  for (let depth = 0; level.length > 0; depth++) {
    const next: TaskfileNode[] = [];
    let pending = false;
    for (const file of level) {
      const includes = get(file.root, 'includes');
      if (includes === undefined || (includes.kind === 'scalar' && includes.value === null)) continue;
      if (includes.kind !== 'map') return { kind: 'stops' }; // task rejects the Taskfile
      if (depth >= MAX_INCLUDE_DEPTH) return { kind: 'opaque', why: `${file.abs} includes Taskfiles more than ${MAX_INCLUDE_DEPTH} levels down, more than guard follows` };
      const children: Array<{ level: IncludeLevel; node: TaskfileNode }> = [];
      childrenOf.set(file, children);
      const fromDir = path.posix.dirname(file.abs);
      for (const [ns, value] of includes.entries) {
        const advanced = value.kind === 'map';
        const taskfile = advanced ? (str(get(value, 'taskfile')) ?? '') : value.kind === 'scalar' ? (value.value ?? '') : null;
        const dir = advanced ? (str(get(value, 'dir')) ?? '') : '';
        if (taskfile === null) return { kind: 'stops' };
        if (advanced && taskfile.trim() === '' && dir.trim() === '') return { kind: 'stops' }; // "include must specify taskfile or dir"
        const shown = `the include ${ns} of ${file.abs}`;
        if (taskfile.trim() === '') return { kind: 'opaque', why: `${shown} names no Taskfile` };
        if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(taskfile) || taskfile.startsWith('git@')) return { kind: 'opaque', why: `${shown} is a remote Taskfile (${taskfile}), which guard does not read` };
        for (const p of [taskfile, dir]) if (p.includes('{{') || p.includes('$') || p.startsWith('~')) return { kind: 'opaque', why: `${shown} names ${p}, a path guard cannot know` };
        const abs = path.posix.resolve(fromDir, taskfile);
        const optional = advanced && str(get(value, 'optional')) === 'true';
        const read = readTaskfile(view, abs);
        if (read.kind === 'pending') {
          pending = true;
          continue;
        }
        if (read.kind === 'missing') {
          if (optional) continue;
          return { kind: 'stops' }; // task stops: an include that is not there
        }
        if (read.kind === 'unreadable') return { kind: 'opaque', why: `${shown} is ${read.why}` };
        if ([file, ...file.chain.map((l) => l.from)].some((f) => f.abs === read.abs)) return { kind: 'opaque', why: `${shown} includes ${read.abs} again (a cycle), which guard does not follow` };
        let parsed: Y | null;
        try {
          parsed = readYaml(read.text);
        } catch (error) {
          if (error instanceof TooBig) return { kind: 'opaque', why: `the Taskfile ${read.abs} is larger than guard reads once its YAML aliases are resolved` };
          throw error;
        }
        if (parsed === null || parsed.kind !== 'map') return { kind: 'stops' }; // not YAML task can read: task stops
        const inc: IncludeLevel = {
          ns,
          flatten: advanced && str(get(value, 'flatten')) === 'true',
          advanced,
          dirAbs: path.posix.resolve(fromDir, dir),
          aliases: strings(get(value, 'aliases')),
          excludes: strings(get(value, 'excludes')),
          vars: get(value, 'vars'),
          from: file,
        };
        const node: TaskfileNode = { abs: read.abs, root: parsed, chain: [...file.chain, inc] };
        if (files.length >= MAX_TASKFILES) return { kind: 'opaque', why: `the Taskfiles include more than ${MAX_TASKFILES} others, more than guard reads` };
        files.push(node);
        children.push({ level: inc, node });
        next.push(node);
      }
    }
    if (pending) return { kind: 'pending' };
    level = next;
  }
  try {
    const count = { n: 0 };
    return { kind: 'graph', files, tasks: merged(rootNode, childrenOf, count) };
  } catch (error) {
    if (error instanceof Unreadable) return { kind: 'opaque', why: error.message };
    throw error;
  }
}

/** The tasks of `file` with those of its includes merged in (ast.Tasks.Merge), bottom-up. */
function merged(file: TaskfileNode, childrenOf: Map<TaskfileNode, Array<{ level: IncludeLevel; node: TaskfileNode }>>, count: { n: number }): Map<string, MergedTask> {
  const out = new Map<string, MergedTask>();
  const own = get(file.root, 'tasks');
  for (const [name, node] of own?.kind === 'map' ? own.entries : []) {
    if (++count.n > MAX_MERGED_TASKS) throw new Unreadable(`the Taskfiles hold more than ${MAX_MERGED_TASKS} tasks once merged, more than guard reads`);
    out.set(name, { name, node, file, aliases: strings(get(node, 'aliases')), callNs: [], dirRaw: str(get(node, 'dir')), levels: [] });
  }
  for (const { level, node } of childrenOf.get(file) ?? []) {
    const child = merged(node, childrenOf, count);
    for (const [name, task] of child) {
      if (excluded(name, level.excludes)) continue;
      if (++count.n > MAX_MERGED_TASKS) throw new Unreadable(`the Taskfiles hold more than ${MAX_MERGED_TASKS} tasks once merged, more than guard reads`);
      let full = name;
      const copy: MergedTask = { ...task, aliases: [...task.aliases], callNs: [...task.callNs], levels: [...task.levels] };
      if (!level.flatten) {
        copy.aliases = task.aliases.map((a) => withNamespace(a, level.ns));
        for (const nsAlias of level.aliases) copy.aliases.push(withNamespace(name, nsAlias), ...task.aliases.map((a) => withNamespace(a, nsAlias)));
        copy.callNs.push(level.ns);
        full = withNamespace(name, level.ns);
      }
      if (level.advanced) {
        copy.dirRaw = smartJoin(level.dirAbs, task.dirRaw);
        copy.levels.push(level);
      }
      copy.name = full;
      if (out.has(full)) throw new Unreadable(`two tasks are named ${full} once ${node.abs} is included (an error of task's), which guard does not judge`);
      out.set(full, copy);
    }
    // `task NS` runs the included default, where the including Taskfile has no task NS.
    if (child.has('default') && !level.flatten && !out.has(level.ns)) out.get(`${level.ns}:default`)?.aliases.push(level.ns, ...level.aliases);
  }
  return out;
}
