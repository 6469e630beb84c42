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
 * Every other module (copy, template, service, apt, user ...) is not judged: it writes what the
 * repository holds, or changes a service's state, not data guard is asked to keep.
 */
import { shellWord } from './container-run.js';

/** A module parameter: a scalar (null for YAML null), a list of scalars, or something guard does not read. */
export type Param = string | null | string[] | { complex: true };

/** A module as a task (or `-m`/`-a`) calls it. */
export interface ModuleCall {
  module: string;
  /** The free-form text (`shell: rm -rf x`, `-a 'rm -rf x'`), or null. */
  free: string | null;
  params: Map<string, Param>;
}

/** What the module runs: shell code on the host (or, for a pull, on this machine). */
export interface ModuleScript {
  script: string;
  /** `synchronize mode: pull`: the deletion is in this machine's DEST. */
  here?: boolean;
}

/** Collections whose module names are read without their prefix (`ansible.builtin.shell` is `shell`). */
const COLLECTIONS = /^(?:ansible\.(?:builtin|legacy|posix)|community\.(?:general|postgresql|mysql))\./;

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
  return null;
}
