/**
 * What an Ansible module does on a host, as shell code guard already judges: one reader for the
 * ad-hoc `ansible HOSTS -m MODULE -a ARGS` and a playbook's tasks (ansible-playbook.ts), so a
 * module judged in one is judged alike in the other (remote-shell.ts runs the code as a remote
 * command). Until 2026-12-06 (late) only the ad-hoc shell|command|raw and `file state=absent`
 * were read, in remote-shell.ts itself.
 *
 * - `shell`, `command`, `raw`: the free-form text (its `chdir=`/`creates=`/`removes=` words
 *   out), `cmd:`, or `argv:` (each word quoted); `chdir` becomes a `cd`. `command` does not go
 *   through a shell: judging its text as shell code only sees more, never less.
 * - `file` with `state: absent`: `rm -rf PATH`.
 * - `synchronize` (ansible.posix) with `delete: true`: `rsync -a --delete SRC DEST`, the
 *   deletion in DEST (the host's; with `mode: pull`, this machine's: PlaybookTask.pullsHere).
 * - `postgresql_db`/`mysql_db` with `state: absent`: `dropdb NAME` / `DROP DATABASE`;
 *   `postgresql_table` `state: absent`: DROP TABLE; `postgresql_query`/`mysql_query`
 *   `query:` sent through `psql -c` / `mysql -e`, read by server-sql.ts.
 * A Jinja expression (`{{ app_dir }}`) becomes a shell variable no environment sets
 * (`${jinja_app_dir}`): a path holding one is a path on the host guard cannot name, refused as a
 * pod's unknown path is (DECISIONS.md "Playbooks").
 * Since 2026-12-07: `postgresql_db state: restore` / `mysql_db state: import` (the host's dump,
 * SQL guard cannot read), the Docker modules that delete volumes and `k8s`/`helm state: absent`
 * (as the docker / kubectl / helm command that does the same, judged by its words:
 * ModuleScript.objects), `mongodb_shell eval:` (as `mongosh --eval`), and `script` (its file's
 * text, as the remote command); later that day `k8s_drain` (as `kubectl drain` with the flags its
 * `delete_options` set) and `k8s state: absent` without a name (`label_selectors`, `delete_all`:
 * `kubectl delete KIND -l SEL` / `--all`). `docker_stack state: absent` stays free: `docker stack
 * rm` removes the stack's services, networks, secrets and configs (docker/cli
 * cli/command/stack/swarm/remove.go), not its named volumes; the anonymous volumes of its tasks'
 * containers go with them (moby's swarm executor removes a task's container with its volumes),
 * as they go at every update of the service already; its secrets and configs come back from the
 * files `docker stack deploy` reads.
 * Every other module (copy, template, unarchive, git, service, apt, user ...) is not judged: it
 * writes what the repository or a release holds, or changes a service's state, not data guard is
 * asked to keep; `git force: true` discards a deploy checkout's local changes, a deploy's usual
 * way to reset it (DECISIONS.md, "Ansible modules that destroy data").
 */
import path from 'node:path';
import { shellWord } from './container-run.js';
import { runnerOf, SCRIPT_SHELLS } from './script-files.js';
import type { Runtime } from './runtime.js';

/**
 * A module parameter: a scalar (null for YAML null), a list of scalars, or something guard does
 * not read whole (a map, a list of maps); of such a value, `kinds` holds the `kind:` of the map or
 * of each map in the list (a Kubernetes object as `definition:`), null where one has none, and
 * `fields` a map's scalar entries (k8s_drain's `delete_options: { force: true }`).
 */
export type Param = string | null | string[] | { complex: true; kinds?: string[] | null; fields?: Map<string, string | null> };

/** A file of this machine the module sends the host (`script`'s), as the caller found it: its text, missing (the run stops there), or why guard cannot read it. */
export type LocalFile = { abs: string; text: string } | 'missing' | { unseen: string };

/**
 * The file of this machine a module names (`script`'s, `k8s src:`'s), NAME as written: the first
 * of CANDIDATES (absolute, in the order Ansible searches) that exists, read through the state view;
 * 'missing' where none does (the module fails before it runs); unseen where NAME holds Jinja or
 * guard cannot read it (`at`: where the task is, for the message); undefined while being read.
 * Every candidate is asked in the same pass: a query first made on the last pass goes unanswered.
 */
export function readLocalFile(rt: Runtime, name: string, candidates: readonly string[], at: string | null): LocalFile | undefined {
  const where = at === null ? '' : ` (${at})`;
  if (/\{\{|\{%/.test(name)) return { unseen: `the file ${name}${where} is named by a variable guard cannot know` };
  const view = rt.ctx.view;
  if (!view || candidates.length === 0) return { unseen: `the file ${name}${where} is one guard cannot read` };
  const answers = candidates.map((abs) => view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false }));
  for (const [i, found] of answers.entries()) {
    if (found === undefined) return undefined;
    if (found === 'missing') continue;
    if (found === null) return { unseen: `the file ${name}${where} is one guard cannot read` };
    return { abs: candidates[i] as string, text: found.text };
  }
  return 'missing';
}

/** A module as a task (or `-m`/`-a`) calls it. */
export interface ModuleCall {
  module: string;
  /** The free-form text (`shell: rm -rf x`, `-a 'rm -rf x'`), or null. */
  free: string | null;
  params: Map<string, Param>;
  /** `script`'s file, read by the caller (ansible-playbook.ts, remote-shell.ts) where ansible finds it; undefined: not read. */
  local?: LocalFile;
}

/** What the module runs: shell code on the host (or, for a pull, on this machine). */
export type ModuleScript =
  | {
      script: string;
      /** `synchronize mode: pull`: the deletion is in this machine's DEST. */
      here?: boolean;
      /**
       * The code names objects of a Docker engine or a Kubernetes cluster (`docker volume rm data`,
       * `kubectl delete pvc/data`), no file of either machine: judged by its words as typed here,
       * where the same rules judge the same command (container-volumes.ts, cluster.ts).
       */
      objects?: true;
    }
  /** What guard cannot read of it (`script`'s file unreadable, or named by Jinja): an unseen remote command. */
  | { unseen: string };

/** Collections whose module names are read without their prefix (`ansible.builtin.shell` is `shell`). */
const COLLECTIONS = /^(?:ansible\.(?:builtin|legacy|posix)|community\.(?:general|postgresql|mysql|docker|kubernetes|mongodb)|kubernetes\.core)\./;

const JINJA = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

/** A Jinja expression as a shell variable no environment sets (`{{ app_dir }}`: `${jinja_app_dir}`): a value guard cannot know. */
function jinjaVar(expr: string): string {
  return `\${jinja_${expr.replace(/^\{[{%]\s*|\s*[}%]\}$/g, '').replace(/\W+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'value'}}`;
}

/** Shell code with its Jinja expressions as variables guard cannot know (the text as the module gets it). */
export function jinjaUnknown(text: string): string {
  return text.replace(JINJA, jinjaVar);
}

/** Text as a shell word: as it is where nothing in it is special to the shell (the refusal shows it so). */
function plain(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : shellWord(text);
}

/** One shell word of `text`, its Jinja expressions left unquoted as variables guard cannot know. */
function word(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(JINJA)) {
    if (m.index > last) out += plain(text.slice(last, m.index));
    out += `"${jinjaVar(m[0])}"`;
    last = m.index + m[0].length;
  }
  return last < text.length || out === '' ? out + plain(text.slice(last)) : out;
}

/** `key=value` words of a module's argument string (`path=/x state=absent`, quoted values too). */
export function keyValues(text: string): Map<string, Param> {
  const out = new Map<string, Param>();
  for (const m of text.matchAll(/(?:^|\s)(\w+)=((?:"[^"]*"|'[^']*'|\{\{[\s\S]*?\}\}|[^\s"'])+)/g)) out.set(m[1] as string, (m[2] as string).replace(/^(["'])([\s\S]*)\1$/, '$2'));
  return out;
}

/**
 * An ad-hoc `-a` as Ansible reads it (ansible-core cli/adhoc.py _play_ds): a JSON object where
 * the text starts with `{` and ends with `}` and parses (`-a '{"name": "n1", "delete_options":
 * {"force": true}}'`), else `key=value` words. A JSON scalar is its text (`true`), a list of
 * scalars a list, an object a map with its scalar fields and `kind`.
 */
export function argsParams(text: string): Map<string, Param> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
    try {
      const doc: unknown = JSON.parse(trimmed);
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
        const out = new Map<string, Param>();
        const plain = (v: unknown): string | null => (v === null ? null : typeof v === 'object' ? null : String(v));
        for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
          if (v === null || typeof v !== 'object') out.set(k, plain(v));
          else if (Array.isArray(v) && v.every((i) => i === null || typeof i !== 'object')) out.set(k, v.map((i) => plain(i) ?? ''));
          else {
            const objects = (Array.isArray(v) ? v : [v]) as unknown[];
            const kinds = objects.map((o) => (o !== null && typeof o === 'object' && typeof (o as { kind?: unknown }).kind === 'string' ? ((o as { kind: string }).kind) : null));
            const fields = Array.isArray(v) ? undefined : new Map(Object.entries(v as Record<string, unknown>).filter(([, f]) => f === null || typeof f !== 'object').map(([name, f]) => [name, plain(f)] as [string, string | null]));
            out.set(k, { complex: true, kinds: kinds.every((x): x is string => x !== null) && kinds.length > 0 ? kinds : null, ...(fields ? { fields } : {}) });
          }
        }
        return out;
      }
    } catch {
      // not JSON: Ansible reads it as key=value words
    }
  }
  return keyValues(text);
}

function scalar(params: Map<string, Param>, ...names: string[]): string | null | undefined {
  for (const name of names) {
    const v = params.get(name);
    if (v === undefined) continue;
    return typeof v === 'string' || v === null ? v : null;
  }
  return undefined;
}

function truthy(v: string | null | undefined): boolean {
  return v !== undefined && v !== null && /^(?:true|yes|on|1)$/i.test(v.trim());
}

/**
 * The free-form words the command modules take as options, not as the command; a value as
 * keyValues reads one, so a Jinja expression with blanks in it (`chdir={{ app_directory }}`) is
 * one value and not a `{{` that leaves ` app_directory }}` in the command.
 */
const FREE_FORM_OPTIONS = /(?:^|\s)(chdir|creates|removes|executable|stdin|warn|stdin_add_newline|strip_empty_ends)=((?:"[^"]*"|'[^']*'|\{\{[\s\S]*?\}\}|[^\s"'])+)/g;

/** The shell code a call runs on the host, or null where the module is not judged (or changes nothing). */
export function moduleScript(call: ModuleCall): ModuleScript | null {
  const name = call.module.replace(COLLECTIONS, '');
  let { params } = call;
  if (name === 'shell' || name === 'command' || name === 'raw' || name === 'win_shell') {
    if (name === 'win_shell') return null;
    const freeOptions = call.free === null || name === 'raw' ? new Map<string, Param>() : keyValues([...call.free.matchAll(FREE_FORM_OPTIONS)].map((m) => m[0]).join(' '));
    const free = call.free === null ? null : name === 'raw' ? call.free : call.free.replace(FREE_FORM_OPTIONS, '').trim();
    const argv = params.get('argv');
    const text = free ?? scalar(params, 'cmd', '_raw_params') ?? (Array.isArray(argv) ? argv.map(shellWord).join(' ') : undefined);
    if (text === undefined || text === null || text === '') return null;
    const chdir = scalar(params, 'chdir') ?? scalar(freeOptions, 'chdir');
    return { script: jinjaUnknown(chdir ? `cd ${word(chdir)} && ${text}` : text) };
  }
  // `file: path=/x state=absent`: the free form of the other modules is their `key=value` words
  if (call.free !== null) params = new Map([...keyValues(call.free), ...params]);
  const state = scalar(params, 'state');
  if (name === 'file' && state === 'absent') {
    const target = scalar(params, 'path', 'dest', 'name');
    return { script: `rm -rf ${word(target ?? '{{ path }}')}` };
  }
  if (name === 'synchronize' && truthy(scalar(params, 'delete'))) {
    const src = scalar(params, 'src') ?? '{{ src }}';
    const dest = scalar(params, 'dest') ?? '{{ dest }}';
    return { script: `rsync -a --delete ${word(src)} ${word(dest)}`, here: scalar(params, 'mode') === 'pull' };
  }
  const db = scalar(params, 'name', 'db') ?? '{{ name }}';
  if (name === 'postgresql_db' && state === 'absent') return { script: `dropdb ${word(db)}` };
  if (name === 'mysql_db' && state === 'absent') return { script: `mysql -e ${shellWord(`DROP DATABASE ${db}`)}` };
  if (name === 'postgresql_table' && state === 'absent') return { script: `psql -c ${shellWord(`DROP TABLE ${scalar(params, 'table', 'name') ?? 't'}`)}` };
  if (name === 'postgresql_query' || name === 'mysql_query') {
    const query = params.get('query');
    const sql = typeof query === 'string' ? [query] : Array.isArray(query) ? query : [];
    if (sql.length === 0) return null;
    const client = name === 'postgresql_query' ? 'psql -c' : 'mysql -e';
    return { script: sql.map((q) => `${client} ${shellWord(q)}`).join('\n') };
  }
  // a dump on the host run into the database: SQL guard cannot read (the host's file), as `psql -f` of it over ssh is
  const target = scalar(params, 'target') ?? '{{ target }}';
  if (name === 'postgresql_db' && state === 'restore') return { script: `psql -d ${word(db)} -f ${word(target)}` };
  if (name === 'mysql_db' && state === 'import') return { script: `mysql ${word(db)} < ${word(target)}` };
  // community.mongodb's mongodb_shell `eval:` sent through mongosh, read by remote-data.ts (`db.dropDatabase()`)
  const evaluated = scalar(params, 'eval');
  if (name === 'mongodb_shell' && evaluated) return { script: `mongosh ${word(scalar(params, 'db') ?? 'test')} --eval ${shellWord(evaluated)}` };
  if (name === 'k8s_drain') return drainScript(params, state);
  return dockerScript(name, params, state) ?? clusterScript(name, call, params, state) ?? (name === 'script' ? scriptModule(call, params) : null);
}

/**
 * The Docker modules (community.docker) that delete volumes, as the docker command that does the
 * same (container-volumes.ts judges it): `docker_volume state: absent` (`docker volume rm`),
 * `docker_container state: absent` with `keep_volumes: false` (the container's anonymous volumes:
 * `docker rm -v`; keep_volumes defaults to true), `docker_prune volumes: true` (`docker volume
 * prune`), `docker_compose`/`docker_compose_v2 state: absent` with `remove_volumes: true`
 * (`docker compose down -v`). A container removed, started, recreated; an image pruned: free.
 */
function dockerScript(name: string, params: Map<string, Param>, state: string | null | undefined): ModuleScript | null {
  const named = scalar(params, 'name', 'volume_name') ?? '{{ name }}';
  if (name === 'docker_volume' && state === 'absent') return { script: `docker volume rm ${word(named)}`, objects: true };
  if (name === 'docker_container' && state === 'absent' && scalar(params, 'keep_volumes') !== undefined && !truthy(scalar(params, 'keep_volumes'))) return { script: `docker rm -f -v ${word(named)}`, objects: true };
  if (name === 'docker_prune' && truthy(scalar(params, 'volumes'))) return { script: 'docker volume prune -f', objects: true };
  if ((name === 'docker_compose' || name === 'docker_compose_v2') && state === 'absent' && truthy(scalar(params, 'remove_volumes'))) {
    const dir = scalar(params, 'project_src');
    return { script: `docker compose${dir ? ` --project-directory ${word(dir)}` : ''} down -v`, objects: true };
  }
  return null;
}

/**
 * kubernetes.core's `k8s state: absent` as the `kubectl delete` of the same objects (cluster.ts
 * judges it: a PersistentVolumeClaim, PersistentVolume or Namespace is refused, a Deployment or a
 * StatefulSet is not, their claims outlive them), the kinds from `kind:` or the `definition:`'s
 * objects; `src:` is a manifest of this machine (the module's action plugin reads it there),
 * `kubectl delete -f` of it; a definition guard cannot read (Jinja, no kind) is `kubectl delete -f
 * -`, manifests guard cannot read. `helm state: absent` is `helm uninstall` of the release.
 */
function clusterScript(name: string, call: ModuleCall, params: Map<string, Param>, state: string | null | undefined): ModuleScript | null {
  if (state !== 'absent') return null;
  if (name === 'helm') return { script: `helm uninstall ${word(scalar(params, 'release_name', 'name') ?? '{{ release_name }}')}`, objects: true };
  if (name !== 'k8s') return null;
  const ns = scalar(params, 'namespace');
  const nsWords = ns ? ` -n ${word(ns)}` : '';
  const kind = scalar(params, 'kind');
  const named = scalar(params, 'name');
  const objectName = named ?? 'NAME';
  const definition = params.get('definition') ?? params.get('resource_definition');
  if (kind && named == null && definition === undefined && scalar(params, 'src') === undefined) {
    // no name: every object of the kind the selectors match (`label_selectors`), or all of them
    // (`delete_all`, since kubernetes.core 3.0): `kubectl delete KIND -l SEL` / `--all`
    const selectors = params.get('label_selectors');
    const list = typeof selectors === 'string' ? [selectors] : Array.isArray(selectors) ? selectors : [];
    const which = list.length > 0 ? ` -l ${word(list.join(','))}` : truthy(scalar(params, 'delete_all', 'all')) ? ' --all' : ` ${word(objectName)}`;
    return { script: `kubectl delete ${word(kind)}${which}${nsWords}`, objects: true };
  }
  if (kind) return { script: `kubectl delete ${word(`${kind}/${objectName}`)}${nsWords}`, objects: true };
  if (definition !== undefined && typeof definition === 'object' && definition !== null && !Array.isArray(definition) && definition.kinds) {
    return { script: `kubectl delete ${definition.kinds.map((k) => word(`${k}/${objectName}`)).join(' ')}${nsWords}`, objects: true };
  }
  // `src:`, or `definition: "{{ lookup('file', F) | from_yaml }}"`: a manifest of this machine (the caller found it where ansible does: call.local)
  const local = call.local;
  if ((definition === undefined ? scalar(params, 'src') : fileLookup(definition)) && local !== undefined) {
    if (local === 'missing') return null; // the module fails before it deletes anything
    return { script: `kubectl delete -f ${'unseen' in local ? word('{{ src }}') : word(local.abs)}${nsWords}`, objects: true };
  }
  return { script: `kubectl delete -f ${word('{{ definition }}')}${nsWords}`, objects: true };
}

/**
 * kubernetes.core's `k8s_drain` (state `drain`, its default) as `kubectl drain NODE` with the
 * flags its `delete_options` set (cluster.ts judges them: `--delete-emptydir-data` deletes the
 * node's pods' emptyDir data, `--force` its pods no controller re-creates; both refused, a drain
 * without them free, as kubectl then stops at such pods). The suboptions are read from the map,
 * or from a string Ansible reads as a dict (`delete_options='{"force": true}'`, `force=true`);
 * a value guard cannot know (Jinja, the whole map by Jinja) counts as set, as kubectl's
 * `--force=$X` does. `force` (or `delete_emptydir_data`) beside `delete_options` is how the
 * module's first documented example wrote it (kubernetes.core 2.2: `force: yes`), which its
 * argument spec rejects; read as set all the same (a refusal of a task that would fail anyway).
 * `cordon`, `uncordon`: free (they mark the node, deleting nothing).
 */
function drainScript(params: Map<string, Param>, state: string | null | undefined): ModuleScript | null {
  if (state !== undefined && state !== null && state !== 'drain') return null;
  const options = params.get('delete_options');
  const set = (option: string): boolean => {
    if (options === undefined || options === null) return false;
    if (typeof options === 'string') {
      if (/^\s*\{\{[\s\S]*\}\}\s*$/.test(options)) return true;
      const m = new RegExp(`(?:^|[\\s,{])["']?${option}["']?\\s*[:=]\\s*["']?([^\\s,}"']+)`).exec(options);
      return m !== null && (truthy(m[1]) || /\{\{/.test(m[1] as string));
    }
    if (Array.isArray(options)) return false;
    const v = options.fields?.get(option);
    return v !== undefined && v !== null && (truthy(v) || /\{\{|\{%/.test(v));
  };
  const flags = [set('delete_emptydir_data') || truthy(scalar(params, 'delete_emptydir_data')) ? ' --delete-emptydir-data' : '', set('force') || truthy(scalar(params, 'force')) ? ' --force' : ''].join('');
  return { script: `kubectl drain ${word(scalar(params, 'name') ?? '{{ name }}')}${flags}`, objects: true };
}

/** `{{ lookup('file', 'files/app.yml') | from_yaml }}` (or from_yaml_all), as a definition is often written: the file it reads, else null. */
function fileLookup(value: Param): string | null {
  if (typeof value !== 'string') return null;
  return /^\s*\{\{\s*lookup\(\s*(['"])file\1\s*,\s*(['"])([^'"{}%]+)\2\s*\)\s*\|\s*from_yaml(?:_all)?\s*\}\}\s*$/.exec(value)?.[3] ?? null;
}

/**
 * `script: FILE [ARGS]` (or `cmd:`): ansible copies this machine's FILE to the host and runs it
 * there: its text is the remote command, judged as `ssh HOST sh < FILE` is (its `chdir` a `cd`
 * first). A file guard cannot read, or named by Jinja, is an unseen remote command; a missing one
 * stops the run (skipped); a script of another interpreter (its `#!` or `executable`: python,
 * ruby ...) is out of scope, as a local one is (script-files.ts).
 */
function scriptModule(call: ModuleCall, params: Map<string, Param>): ModuleScript | null {
  const local = call.local;
  if (local === undefined || local === 'missing') return null;
  if ('unseen' in local) return local;
  // what runs it: `executable`, else the file's `#!` as a local script's (script-files.ts runnerOf)
  const executable = scalar(params, 'executable');
  if (executable ? !SCRIPT_SHELLS.has(path.posix.basename(executable.trim().split(/\s+/)[0] ?? '')) : runnerOf(local.text) !== 'shell') return null;
  const chdir = scalar(params, 'chdir');
  return { script: chdir ? `cd ${word(chdir)} || exit\n${local.text}` : local.text };
}

/**
 * The file of this machine a call reads, as written: `script`'s (`script: ops/x.sh --all`,
 * `cmd: ops/x.sh`), `k8s state: absent`'s `src:`; null for any other call.
 */
export function localFileName(call: ModuleCall): string | null {
  const name = call.module.replace(COLLECTIONS, '');
  if (name === 'k8s') {
    const params = call.free === null ? call.params : new Map([...keyValues(call.free), ...call.params]);
    if (scalar(params, 'state') !== 'absent') return null;
    const definition = params.get('definition') ?? params.get('resource_definition');
    return definition === undefined ? (scalar(params, 'src') ?? null) : fileLookup(definition);
  }
  if (name !== 'script') return null;
  const text = call.free?.replace(FREE_FORM_OPTIONS, '').trim() || scalar(call.params, 'cmd', '_raw_params') || null;
  if (text === null) return null;
  // the first word, a Jinja expression with blanks in it kept whole
  const m = /^(?:"([^"]*)"|'([^']*)'|((?:\{\{[\s\S]*?\}\}|[^\s"'])+))/.exec(text);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}
