/**
 * `ansible-playbook PLAYBOOK...`: the tasks a playbook of the repository runs on other machines,
 * each judged as `ansible HOSTS -m MODULE` is (ansible-modules.ts, then remote-shell.ts's
 * judgeRemote). Until 2026-12-06 (late) a playbook was "no destructive command found" whatever
 * its tasks deleted, while the same `shell: rm -rf /srv/app` ad hoc was refused.
 *
 * What is read, as ansible-playbook reads it before and while it runs: the plays (`hosts`,
 * `connection`, `pre_tasks`, `roles`, `tasks`, `post_tasks`, `handlers`), `import_playbook`,
 * `import_tasks`/`include_tasks` (relative to the including file), `block`/`rescue`/`always`,
 * `roles:` and `import_role`/`include_role` as roles/NAME/tasks/main.yml (or `tasks_from`) beside
 * the playbook, and `action:`/`local_action:`. Bounded: MAX_FILES files, MAX_DEPTH levels of
 * includes (each level is one more read pass of the classifier), files as large as guard reads.
 *
 * Where it runs: a play on `localhost`/`127.0.0.1` (Ansible's implicit localhost is a local
 * connection), `connection: local` (the play's, the task's, or `-c local`), `delegate_to:
 * localhost` and `local_action` act on this machine: the task's code is judged as a command typed
 * here, in the directory ansible-playbook runs in. Everything else is another machine's.
 *
 * Decided 2026-12-06 (DECISIONS.md "Playbooks"): a playbook or task file guard cannot read (its
 * path a variable or Jinja, unreadable, YAML guard cannot parse, past the bounds) is refused for
 * an agent as an unseen remote command; a missing one stops ansible-playbook (the playbook) or
 * the run there (an include) before it runs anything from it, and is skipped; a role not beside
 * the playbook (Galaxy's, a collection's) is third-party code guard does not model, not judged
 * (Known limits). `--check`, `--syntax-check` and the `--list-*` options run nothing.
 *
 * What a run leaves out is not judged (since 2026-12-07): a task, block, include, role or
 * imported playbook whose `when:` is literally false, and a task the run's tags do not select
 * (TagSelection, tagsRun: Ansible's own rules), where guard is sure of the selection; else every
 * task is judged, as before.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { type GnuGrammar, scanGnuArgs } from './gnu-args.js';
import { type LocalFile, localFileName, type ModuleCall, moduleScript, type Param, readLocalFile } from './ansible-modules.js';
import { judgeRemote } from './remote-shell.js';
import type { Invocation, Runtime } from './runtime.js';
import { get, readYaml, str, TooBig, type Y } from './taskfile-yaml.js';

/** Files one run reads: playbooks, task files and roles' task files together. */
const MAX_FILES = 48;
/** Levels of imports and includes below a playbook (the classifier's read passes bound it too). */
const MAX_DEPTH = 5;

/** ansible-playbook's options that take a value (`ansible-playbook --help`). */
const ANSIBLE_PLAYBOOK: GnuGrammar = {
  shortValues: 'ieflMtuTc',
  longValues: ['inventory', 'inventory-file', 'extra-vars', 'forks', 'limit', 'module-path', 'tags', 'skip-tags', 'user', 'timeout', 'connection', 'private-key', 'key-file', 'become-method', 'become-user', 'vault-id', 'vault-password-file', 'ssh-common-args', 'sftp-extra-args', 'scp-extra-args', 'ssh-extra-args', 'start-at-task'],
  longFlags: ['check', 'diff', 'become', 'syntax-check', 'list-tasks', 'list-hosts', 'list-tags', 'step', 'flush-cache', 'force-handlers', 'help', 'version', 'ask-become-pass', 'ask-pass'],
  inline: true,
  prefixes: false,
  missing: null,
};

/** Options after which nothing runs. */
const RUNS_NOTHING = new Set(['-C', '--check', '--syntax-check', '--list-tasks', '--list-hosts', '--list-tags', '-h', '--help', '--version']);

/** A task's keywords (Ansible's task attributes): every other key is its module. */
const TASK_KEYWORDS = new Set([
  'name', 'when', 'loop', 'loop_control', 'register', 'become', 'become_user', 'become_method', 'become_flags', 'become_exe', 'tags', 'notify', 'vars', 'args',
  'delegate_to', 'delegate_facts', 'ignore_errors', 'ignore_unreachable', 'changed_when', 'failed_when', 'environment', 'no_log', 'run_once', 'until', 'retries',
  'delay', 'check_mode', 'diff', 'any_errors_fatal', 'connection', 'listen', 'debugger', 'throttle', 'timeout', 'collections', 'module_defaults', 'port',
  'remote_user', 'async', 'poll', 'local_action', 'action', 'with_items', 'with_dict', 'with_fileglob', 'with_together', 'with_nested', 'with_list',
  'with_sequence', 'with_subelements', 'with_first_found', 'with_random_choice', 'with_lines', 'with_indexed_items', 'with_flattened', 'with_inventory_hostnames',
  'keyword', 'vars_files', 'apply', 'max_fail_percentage', 'order', 'serial', 'strategy', 'gather_facts', 'fact_path',
]);
const INCLUDES = /^(?:ansible\.(?:builtin|legacy)\.)?(?:include_tasks|import_tasks|include)$/;
const ROLE_INCLUDES = /^(?:ansible\.(?:builtin|legacy)\.)?(?:include_role|import_role)$/;
const IMPORT_PLAYBOOK = /^(?:ansible\.(?:builtin|legacy)\.)?import_playbook$/;
const LOCAL_HOSTS = /^(?:localhost|127\.0\.0\.1|::1)$/;

interface Where {
  hosts: string;
  local: boolean;
  /**
   * The tags the task gets from what holds it (its play, role, blocks, imports, includes), as
   * alternatives (a task is left out only where every one leaves it out); null: tags guard cannot
   * know (Jinja), or none to go by (handlers run when notified, whatever the selection).
   */
  tags: Array<Set<string> | null>;
}

/**
 * The run's tag selection (`--tags`, `--skip-tags`): Ansible's only_tags (`all` by default) and
 * skip_tags; null where guard cannot be sure of it (a value it cannot see, ANSIBLE_CONFIG or
 * ANSIBLE_RUN_TAGS on the line, an ansible.cfg with a `[tags]` section, whose run tags ansible
 * adds to `--tags`'s).
 */
interface TagSelection {
  only: Set<string>;
  skip: Set<string>;
}

/** What a playbook run does, task by task, or why guard cannot tell. */
interface Walk {
  tasks: Array<{ call: ModuleCall; where: Where; at: string }>;
  unseen: string | null;
  /** Still being read (this pass): judged on the next. */
  pending: boolean;
  files: number;
}

/** The `kind:` of a map (a Kubernetes object) or of each map of a list; null where one has none guard can read. */
function kindsOf(node: Y): string[] | null {
  const items = node.kind === 'seq' ? node.items : [node];
  const kinds = items.map((i) => str(get(i, 'kind')));
  return kinds.length > 0 && kinds.every((k): k is string => k !== null && !/\{\{|\{%/.test(k)) ? kinds : null;
}

function params(node: Y | undefined): Map<string, Param> {
  const out = new Map<string, Param>();
  if (node?.kind !== 'map') return out;
  for (const [k, v] of node.entries) {
    if (v.kind === 'scalar') out.set(k, v.value);
    else if (v.kind === 'seq' && v.items.every((i) => i.kind === 'scalar')) out.set(k, v.items.map((i) => (i.kind === 'scalar' ? (i.value ?? '') : '')));
    else out.set(k, { complex: true, kinds: kindsOf(v), ...(v.kind === 'map' ? { fields: scalarFields(v) } : {}) });
  }
  return out;
}

/** A map's scalar entries (`delete_options: { force: true }`), for the modules that read a suboption. */
function scalarFields(node: Extract<Y, { kind: 'map' }>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [k, v] of node.entries) if (v.kind === 'scalar') out.set(k, v.value);
  return out;
}

/** `action: shell rm -rf x` / `local_action: module: file path=x state=absent` as a module call. */
function actionCall(node: Y): ModuleCall | null {
  if (node.kind === 'scalar' && node.value !== null) {
    const [module = '', ...rest] = node.value.trim().split(/\s+/);
    return { module, free: rest.join(' '), params: new Map() };
  }
  const module = str(get(node, 'module'));
  if (module === null) return null;
  const p = params(node);
  p.delete('module');
  return { module, free: null, params: p };
}

/** A task's module call: the one key that is not a keyword. */
function taskCall(task: Y): ModuleCall | null {
  if (task.kind !== 'map') return null;
  for (const [key, value] of task.entries) {
    if (TASK_KEYWORDS.has(key)) continue;
    const args = params(get(task, 'args'));
    if (value.kind === 'scalar') return { module: key, free: value.value, params: args };
    if (value.kind === 'map') return { module: key, free: null, params: new Map([...args, ...params(value)]) };
    return null;
  }
  return null;
}

const ITEM = /\{\{\s*item\s*\}\}/g;

/**
 * A task's loop as written (`loop:`, `with_items:`, `with_list:` a list of plain values): the
 * items, so `command: "{{ item }}"` is judged once per item; null where there is no such list
 * (no loop, or items guard cannot read: an `{{ item }}` left stays a value guard cannot know).
 */
function loopItems(task: Y): string[] | null {
  for (const key of ['loop', 'with_items', 'with_list']) {
    const node = get(task, key);
    if (node === undefined) continue;
    if (node.kind !== 'seq') return null;
    const items = node.items.map((i) => (i.kind === 'scalar' ? i.value : null));
    return items.every((i): i is string => i !== null) ? items : null;
  }
  return null;
}

/** A call with `{{ item }}` replaced by one item of its loop. */
function withItem(call: ModuleCall, item: string): ModuleCall {
  const sub = (text: string): string => text.replace(ITEM, () => item);
  const params = new Map<string, Param>([...call.params].map(([k, v]) => [k, typeof v === 'string' ? sub(v) : Array.isArray(v) ? v.map(sub) : v]));
  return { module: call.module, free: call.free === null ? null : sub(call.free), params };
}

function truthy(node: Y | undefined): boolean {
  const v = str(node);
  return v !== null && /^(?:true|yes|on)$/i.test(v);
}

/**
 * `when: false` as written (`false`, `no`, `off`, any case, alone or one of a list's conditions,
 * which Ansible ANDs): the task, block, include or role never runs. Any other condition may be
 * true when it runs: judged.
 */
function neverWhen(node: Y | undefined): boolean {
  const conditions = node?.kind === 'seq' ? node.items : node === undefined ? [] : [node];
  return conditions.some((c) => c.kind === 'scalar' && c.value !== null && /^(?:false|no|off)$/i.test(c.value.trim()));
}

/** A node's own `tags:` (a list, or a comma-separated string), null where one holds Jinja. */
function ownTags(node: Y): Set<string> | null {
  const value = get(node, 'tags');
  if (value === undefined) return new Set();
  const words = value.kind === 'seq' ? value.items.map((i) => str(i)) : value.kind === 'scalar' ? (value.value ?? '').split(',') : [null];
  if (words.some((w) => w === null || /\{\{|\{%/.test(w))) return null;
  return new Set((words as string[]).map((w) => w.trim()).filter((w) => w !== ''));
}

/** Each alternative with `tags` added. */
function withTags(alternatives: Array<Set<string> | null>, tags: Set<string> | null): Array<Set<string> | null> {
  return alternatives.map((a) => (a === null || tags === null ? null : new Set([...a, ...tags])));
}

/**
 * Whether Ansible runs a task with these tags under the selection (lib/ansible/playbook/
 * taggable.py evaluate_tags: `always` runs unless skipped by name, `never` only when named, `all`,
 * `tagged`, `untagged`).
 */
function tagsRun(own: Set<string>, sel: TagSelection): boolean {
  const tags = own.size === 0 ? new Set(['untagged']) : own;
  const any = (set: Set<string>): boolean => [...tags].some((t) => set.has(t));
  let runs = true;
  if (sel.only.size > 0) {
    runs = tags.has('always') || (sel.only.has('all') && !tags.has('never')) || any(sel.only) || (sel.only.has('tagged') && !tags.has('untagged') && !tags.has('never'));
  }
  if (runs && sel.skip.size > 0) {
    if (sel.skip.has('all')) runs = tags.has('always') && !sel.skip.has('always');
    else if (any(sel.skip) || (sel.skip.has('tagged') && !tags.has('untagged'))) runs = false;
  }
  return runs;
}

/** Whether the task may run: some alternative of its tags runs (tags guard cannot know, or a selection it cannot know: it may). */
function mayRun(alternatives: Array<Set<string> | null>, sel: TagSelection | null): boolean {
  return sel === null || alternatives.some((a) => a === null || tagsRun(a, sel));
}

/** Ansible's search path for a file the task names on this machine (`script`, `k8s src`): a role's files/, the task file's directory, the playbook's files/. */
function localCandidates(name: string, taskFile: string, playDir: string): string[] {
  if (name.startsWith('/')) return [name];
  const dirs: string[] = [];
  const taskDir = path.posix.dirname(taskFile);
  if (path.posix.basename(taskDir) === 'tasks') {
    const role = path.posix.dirname(taskDir);
    dirs.push(path.posix.join(role, 'files'), taskDir, role);
  }
  dirs.push(path.posix.join(taskDir, 'files'), taskDir, path.posix.join(playDir, 'files'), playDir);
  return [...new Set(dirs.map((d) => path.posix.join(d, name)))];
}

/** The whole run: every playbook, its plays, their tasks, read as far as the view has them. */
function walkPlaybooks(inv: Invocation, playbooks: string[], cliLocal: boolean, sel: TagSelection | null, rt: Runtime): Walk {
  const walk: Walk = { tasks: [], unseen: null, pending: false, files: 0 };
  const root = inv.cwd ?? '/';

  /** A YAML file's document: null where missing (skipped), undefined where unseen or pending (the walk says which). */
  const read = (abs: string, what: string): Y | null | undefined => {
    if (walk.unseen !== null) return undefined;
    if (++walk.files > MAX_FILES) {
      walk.unseen = `it reads more than ${MAX_FILES} playbook and task files`;
      return undefined;
    }
    const found = rt.ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
    if (found === undefined) {
      walk.pending = true;
      return undefined;
    }
    if (found === 'missing') return null;
    const shown = path.posix.relative(root, abs) || abs;
    if (found === null) {
      walk.unseen = `the ${what} ${shown} is one guard cannot read`;
      return undefined;
    }
    try {
      const doc = readYaml(found.text);
      if (doc === null) walk.unseen = `the ${what} ${shown} is YAML guard cannot parse`;
      return doc ?? undefined;
    } catch (error) {
      if (!(error instanceof TooBig)) throw error;
      walk.unseen = `the ${what} ${shown} is too large for guard to read`;
      return undefined;
    }
  };

  /** The file a task sends the host or reads here, the first of Ansible's search path there is; undefined while being read. */
  const localFile = (name: string, at: string, taskFile: string, playDir: string): LocalFile | undefined => {
    const found = readLocalFile(rt, name, localCandidates(name, taskFile, playDir), at);
    if (found === undefined) walk.pending = true;
    return found;
  };

  /** A path a playbook names: absolute, or relative to `dir`; null where it holds Jinja. */
  const resolve = (name: string | null, dir: string): string | null => (name === null || /\{\{|\{%/.test(name) ? null : path.posix.resolve(dir, name));

  const tasksOf = (list: Y | undefined, file: string, where: Where, depth: number, playDir: string): void => {
    if (list?.kind !== 'seq') return;
    for (const task of list.items) {
      if (walk.unseen !== null || task.kind !== 'map') continue;
      if (truthy(get(task, 'check_mode')) || neverWhen(get(task, 'when'))) continue;
      const delegate = str(get(task, 'delegate_to'));
      const tags = withTags(where.tags, ownTags(task));
      const here: Where = { hosts: where.hosts, local: where.local || str(get(task, 'connection')) === 'local' || (delegate !== null && LOCAL_HOSTS.test(delegate)), tags };
      // a block's tags are its tasks' (a block is never skipped by its own: its tasks are)
      for (const key of ['block', 'rescue', 'always']) tasksOf(get(task, key), file, here, depth, playDir);
      const at = `${path.posix.relative(root, file) || file}:${task.line}`;
      const include = [...task.entries.keys()].find((k) => INCLUDES.test(k));
      const role = [...task.entries.keys()].find((k) => ROLE_INCLUDES.test(k));
      const dynamic = include?.endsWith('include_tasks') === true || include?.endsWith('include') === true || role?.endsWith('include_role') === true;
      // A dynamic include runs where its own tags select it. Its tasks are judged with its tags
      // added, though Ansible gives them their own alone (the docs' "Tag inheritance"): with more
      // tags a task is selected wherever it would be with fewer, once the include itself was.
      if (dynamic && !mayRun(tags, sel)) continue;
      const inner = here;
      if (include !== undefined) {
        const value = get(task, include);
        const named = value?.kind === 'map' ? str(get(value, 'file')) : str(value);
        include_(named, path.posix.dirname(file), inner, depth, playDir, at);
        continue;
      }
      if (role !== undefined) {
        const value = get(task, role);
        roleTasks(str(get(value, 'name')), str(get(value, 'tasks_from')) ?? 'main', inner, depth, playDir, at);
        continue;
      }
      if (!mayRun(tags, sel)) continue;
      const local = get(task, 'local_action');
      const action = get(task, 'action');
      const call = local !== undefined ? actionCall(local) : action !== undefined ? actionCall(action) : taskCall(task);
      if (call === null) continue;
      const named = localFileName(call);
      if (named !== null) {
        const found = localFile(named, at, file, playDir);
        if (found === undefined) continue;
        call.local = found;
      }
      const runs = local !== undefined ? { ...here, local: true } : here;
      const items = loopItems(task);
      for (const one of items === null ? [call] : items.map((item) => ({ ...withItem(call, item), ...(call.local === undefined ? {} : { local: call.local }) }))) walk.tasks.push({ call: one, where: runs, at });
    }
  };

  const include_ = (named: string | null, dir: string, where: Where, depth: number, playDir: string, at: string): void => {
    const abs = resolve(named, dir);
    if (abs === null) {
      walk.unseen = `the task file ${named ?? '?'} (${at}) is named by a variable guard cannot know`;
      return;
    }
    if (depth >= MAX_DEPTH) {
      walk.unseen = `its includes go more than ${MAX_DEPTH} levels deep`;
      return;
    }
    const doc = read(abs, 'task file');
    if (doc) tasksOf(doc, abs, where, depth + 1, playDir);
  };

  const roleTasks = (name: string | null, from: string, where: Where, depth: number, playDir: string, at: string): void => {
    if (name === null || /\{\{|\{%/.test(name)) {
      walk.unseen = `a role (${at}) is named by a variable guard cannot know`;
      return;
    }
    // a role of a collection (`ns.coll.role`) or of Galaxy, not beside the playbook: not modelled
    if (name.includes('.') && !name.includes('/')) return;
    if (depth >= MAX_DEPTH) {
      walk.unseen = `its includes go more than ${MAX_DEPTH} levels deep`;
      return;
    }
    const dir = name.includes('/') ? path.posix.resolve(playDir, name) : path.posix.join(playDir, 'roles', name);
    const file = path.posix.join(dir, 'tasks', /\.ya?ml$/.test(from) ? from : `${from}.yml`);
    const doc = read(file, 'role task file');
    if (doc) tasksOf(doc, file, where, depth + 1, playDir);
    const handlers = read(path.posix.join(dir, 'handlers', 'main.yml'), 'role handler file');
    if (handlers) tasksOf(handlers, path.posix.join(dir, 'handlers', 'main.yml'), { ...where, tags: [null] }, depth + 1, playDir);
  };

  const playbook = (abs: string, depth: number, inherited: Array<Set<string> | null>): void => {
    const doc = read(abs, 'playbook');
    if (!doc || doc.kind !== 'seq') return;
    const dir = path.posix.dirname(abs);
    for (const play of doc.items) {
      if (walk.unseen !== null || play.kind !== 'map') continue;
      const imported = [...play.entries.keys()].find((k) => IMPORT_PLAYBOOK.test(k));
      if (neverWhen(get(play, 'when'))) continue;
      const playTags = withTags(inherited, ownTags(play));
      if (imported !== undefined) {
        const named = str(get(play, imported));
        const next = resolve(named, dir);
        if (next === null) walk.unseen = `the playbook ${named ?? '?'} it imports is named by a variable guard cannot know`;
        else if (depth >= MAX_DEPTH) walk.unseen = `its imports go more than ${MAX_DEPTH} levels deep`;
        else playbook(next, depth + 1, playTags);
        continue;
      }
      const hostsNode = get(play, 'hosts');
      const hosts = hostsNode?.kind === 'seq' ? hostsNode.items.map((i) => str(i) ?? '?').join(',') : (str(hostsNode) ?? 'all');
      const where: Where = { hosts, local: cliLocal || str(get(play, 'connection')) === 'local' || hosts.split(/[,:]/).every((h) => LOCAL_HOSTS.test(h.trim())), tags: playTags };
      const at = `${path.posix.relative(root, abs) || abs}:${play.line}`;
      tasksOf(get(play, 'pre_tasks'), abs, where, depth, dir);
      const roles = get(play, 'roles');
      if (roles?.kind === 'seq') {
        for (const r of roles.items) {
          if (r.kind === 'map' && neverWhen(get(r, 'when'))) continue;
          const role = r.kind === 'map' ? { ...where, tags: withTags(where.tags, ownTags(r)) } : where;
          roleTasks(r.kind === 'scalar' ? r.value : (str(get(r, 'role')) ?? str(get(r, 'name'))), 'main', role, depth, dir, at);
        }
      }
      for (const key of ['tasks', 'post_tasks']) tasksOf(get(play, key), abs, where, depth, dir);
      // handlers run when notified, whatever the tags select: judged whatever they are
      tasksOf(get(play, 'handlers'), abs, { ...where, tags: [null] }, depth, dir);
    }
  };

  for (const name of playbooks) playbook(path.posix.resolve(root, name), 0, [new Set()]);
  return walk;
}

/** Ansible's configuration files, any of which may set run tags (`[tags]`): the repository's, the user's, the system's. */
function configFiles(inv: Invocation, rt: Runtime): string[] {
  return [...(inv.cwd ? [path.posix.join(inv.cwd, 'ansible.cfg')] : []), ...(rt.ctx.home ? [path.posix.join(rt.ctx.home, '.ansible.cfg')] : []), '/etc/ansible/ansible.cfg'];
}

/**
 * The run's tag selection, or null where guard cannot be sure of it (TagSelection); undefined
 * while ansible.cfg is being read. `--tags` adds to the run tags of Ansible's configuration (the
 * option's default), so a `[tags]` section in any configuration file, or ANSIBLE_CONFIG /
 * ANSIBLE_RUN_TAGS on the line, leaves every task judged.
 */
function tagSelection(inv: Invocation, options: Array<{ name: string; value: Field | null }>, rt: Runtime): TagSelection | null | undefined {
  const values = (...names: string[]): string[] | null => {
    const found = options.filter((o) => names.includes(o.name)).map((o) => o.value?.value ?? null);
    if (found.some((v) => v === null)) return null;
    return (found as string[]).flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  };
  const only = values('-t', '--tags');
  const skip = values('--skip-tags');
  if (only === null || skip === null || inv.env.has('ANSIBLE_CONFIG') || inv.env.has('ANSIBLE_RUN_TAGS')) return null;
  // all asked in one read pass
  const answers = configFiles(inv, rt).map((abs) => rt.ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false }));
  if (answers.includes(undefined)) return undefined;
  if (answers.some((found) => found === null || (found !== 'missing' && found !== undefined && /^\s*\[tags\]/m.test(found.text)))) return null;
  return { only: new Set(only.length > 0 ? only : ['all']), skip: new Set(skip) };
}

/** Judges every task of the playbooks the line runs. */
export function classifyAnsiblePlaybook(inv: Invocation, args: Field[], rt: Runtime): void {
  const { options, operands } = scanGnuArgs(args, ANSIBLE_PLAYBOOK);
  if (options.some((o) => RUNS_NOTHING.has(o.name))) return;
  const connection = options.filter((o) => o.name === '-c' || o.name === '--connection').at(-1)?.value?.value;
  const limit = options.filter((o) => o.name === '-l' || o.name === '--limit').at(-1)?.value?.value;
  if (operands.length === 0) return;
  const unseen = (why: string): void => judgeRemote(inv, 'ansible-playbook', { unseen: why, host: limit ?? 'its hosts', instead: 'Run it with `--check --diff` first to see what it would change, then ask the person to run it.' }, rt);
  const named = operands.find((f) => f.value === null);
  if (named !== undefined) return unseen(`the playbook ${named.display} is named by a variable guard cannot know`);
  const sel = tagSelection(inv, options, rt);
  if (sel === undefined) return; // ansible.cfg is being read: judged on the next pass
  const walk = walkPlaybooks(inv, operands.map((f) => f.value as string), connection === 'local', sel, rt);
  if (walk.unseen !== null) return unseen(walk.unseen);
  for (const { call, where, at } of walk.tasks) {
    const found = moduleScript(call);
    if (found === null) continue;
    const hosts = limit ?? where.hosts;
    if ('unseen' in found) {
      unseen(found.unseen);
      continue;
    }
    if (where.local || found.here || found.objects) {
      // on this machine, where ansible-playbook runs; or a Docker engine's or a cluster's objects, judged by the command's words
      const on = where.local || found.here ? 'on this machine' : `for the hosts ${hosts}`;
      rt.shell(found.script, { cwd: inv.cwd, via: `a task of ansible-playbook ${on}, ${at}` }, inv.source);
      continue;
    }
    judgeRemote(inv, 'ansible-playbook', { script: found.script, where: `the hosts ${hosts}, ${at}`, host: hosts, files: true, stdin: false, env: new Map(), configDir: null }, rt);
  }
}
