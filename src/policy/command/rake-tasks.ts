/**
 * A Rails project's own rake tasks (`rake demo_data:default`, `bin/rails app:reset`), read from
 * their source in lib/tasks/*.rake. Until 2026-12-07 only Rails' `db:` tasks were judged
 * (databases.ts, server-frameworks.ts), so maybe-finance/maybe's `rake demo_data:default`, whose
 * generator starts with `Demo::DataCleaner.new.destroy_everything!` (`Family.destroy_all` ...),
 * ran with "no destructive command found" against the development database on PostgreSQL.
 *
 * The task is found by its full name (`namespace :demo_data do ... task default: ... end`; the
 * namespaces by indentation, as Ruby projects write them) and judged as the strongest thing its
 * body does, and what it runs first: its prerequisites (`task reset: ["db:drop", :environment]`),
 * `Rake::Task["x"].invoke|execute` (Rails' `db:` tasks as typed; the project's own followed,
 * TASK_DEPTH deep), and the classes it builds (`Demo::Generator.new`, `X.call`: their whole file,
 * found where Rails autoloads it, app/models/demo/generator.rb, app/services/..., lib/...,
 * CLASS_DEPTH deep):
 *
 * - `delete`: `destroy_all`, `delete_all`, `.destroy`, `truncate`, SQL that drops, truncates or
 *   deletes, a `db:` task that drops (db:drop, db:reset, db:schema:load ...);
 * - `write`: `create`, `update`, `save`, `insert_all`, `upsert_all`, `find_or_create_by` ..., any
 *   other `db:` task (db:seed, db:migrate);
 * - nothing of the kind: free, as before. File reads only (the state view), no git.
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import type { Runtime } from './runtime.js';
import { readAt } from './server-frameworks.js';
import { codeEffect, codePatterns, StrongestEffect, type DataEffect } from './data-effect.js';


/** Rails' own commands (`rails server`, `rails generate`): never looked up as tasks. */
const RAILS_COMMANDS = new Set(['server', 's', 'console', 'c', 'generate', 'g', 'destroy', 'd', 'new', 'runner', 'r', 'dbconsole', 'db', 'test', 'routes', 'about', 'stats', 'notes', 'middleware', 'initializers', 'secret', 'version', 'help', 'plugin', 'app', 'boot', 'dev:cache', 'environment', 'default', 'spec']);

const RAILS_DROP_TASK = /^db:(drop|reset|purge|setup|schema:load|structure:load|migrate:reset|seed:replant|truncate_all|fixtures:load)(:\w+)*$/;

/** How many project tasks deep invoke and prerequisites are followed; how many classes deep `X.new` is. */
const TASK_DEPTH = 3;
const CLASS_DEPTH = 2;
/** lib/tasks files read at most. */
const MAX_RAKE_FILES = 40;

/** Active Record's deleting and writing calls (data-effect.ts adds the SQL literals). */
const PATTERNS = codePatterns(
  String.raw`\.(?:destroy_all|delete_all|destroy!?|truncate|truncate_tables)\b`,
  String.raw`\.(?:create!?|update!?|update_all|update_column|update_columns|save!?|insert_all!?|upsert_all|find_or_create_by!?|create_or_find_by!?)(?![\w?])`,
);

/** Where Rails autoloads a class from (Zeitwerk's root directories a project usually has), relative to the root. */
const AUTOLOAD_DIRS = ['app/models', 'app/services', 'app/lib', 'app/jobs', 'app/workers', 'app/interactors', 'app/operations', 'lib'];

interface TaskDef {
  file: string;
  prerequisites: string[];
  body: string;
}

/** The tasks a `rake`/`rails` line runs that the project defines, judged: the strongest effect, or null. */
export function rakeTaskEffect(args: Field[], rt: Runtime, root: string): DataEffect | null {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text') return null;
  const words = operandWords(args, ['-e', '--environment', '-f', '--rakefile', '-C', '--directory', '-I', '--libdir', '-r', '--require']).map((w) => w.replace(/\[.*$/, ''));
  const tasks = words.filter((w) => /^\w[\w:]*$/.test(w) && !/^(db|assets|test|spec|tmp|log|credentials|zeitwerk|time|cache_digests|yarn|javascript|css|importmap|active_storage|action_mailbox|action_text|turbo|stimulus|tailwindcss):/.test(w) && !RAILS_COMMANDS.has(w));
  if (tasks.length === 0) return null;
  const defs = projectTasks(rt, root);
  if (defs === null) return null;
  const strongest = new StrongestEffect();
  for (const task of tasks) strongest.take(taskEffect(rt, root, defs, task, 0, new Set()));
  return strongest.best;
}

/** Every task lib/tasks/*.rake defines, by full name; null where guard cannot list the directory. */
function projectTasks(rt: Runtime, root: string): Map<string, TaskDef> | null {
  const names = rt.ctx.view?.fileNames(`${root}/lib/tasks`);
  if (names === undefined || names === null || names === 'missing') return null;
  const defs = new Map<string, TaskDef>();
  for (const abs of names.filter((n) => n.endsWith('.rake')).sort().slice(0, MAX_RAKE_FILES)) {
    const base = abs.slice(abs.lastIndexOf('/') + 1);
    const found = readAt(rt, `${root}/lib/tasks`, base);
    if (!found || found === 'missing') continue;
    for (const [name, def] of tasksIn(found.text, `lib/tasks/${base}`)) if (!defs.has(name)) defs.set(name, def);
  }
  return defs;
}

/** The tasks a .rake file defines: namespaces by indentation, each body up to the line back at the task's indentation. */
function tasksIn(text: string, file: string): Map<string, TaskDef> {
  const lines = text.replace(/^\s*#.*$/gm, '').split(/\r?\n/);
  const out = new Map<string, TaskDef>();
  const stack: Array<{ indent: number; name: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    while (stack.length > 0 && indent <= (stack[stack.length - 1] as { indent: number }).indent) stack.pop();
    const ns = /^\s*namespace\s+(?::(\w+)|["'](\w+)["'])/.exec(line);
    if (ns) {
      stack.push({ indent, name: (ns[1] ?? ns[2]) as string });
      continue;
    }
    const task = /^\s*task\s+(?::(\w+)|["']([\w:]+)["']|(\w+):)(.*)$/.exec(line);
    if (!task) continue;
    const own = (task[1] ?? task[2] ?? task[3]) as string;
    const rest = task[4] as string;
    // prerequisites: `name: [:environment, "db:reset"]`, `:name => :x`, `:name, [:arg] => ["x"]`
    const pre = task[3] !== undefined ? rest : (/=>(.*)$/.exec(rest)?.[1] ?? '');
    const prerequisites = [...pre.replace(/\bdo\b.*$/, '').matchAll(/:(\w+)|["']([\w:]+)["']/g)].map((m) => (m[1] ?? m[2]) as string).filter((p) => p !== 'environment');
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j] as string;
      if (next.trim() === '') continue;
      if (next.length - next.trimStart().length <= indent) break;
      body.push(next);
    }
    if (/\bdo\b|\{/.test(rest)) i = j;
    const name = [...stack.map((s) => s.name), own].join(':');
    out.set(name, { file, prerequisites: prerequisites.map((p) => (p.includes(':') || stack.length === 0 ? p : `${stack.map((s) => s.name).join(':')}:${p}`)), body: body.join('\n') });
  }
  return out;
}

function taskEffect(rt: Runtime, root: string, defs: Map<string, TaskDef>, name: string, depth: number, seen: Set<string>): DataEffect | null {
  if (seen.has(name)) return null;
  seen.add(name);
  const def = defs.get(name) ?? defs.get(name.slice(name.lastIndexOf(':') + 1));
  if (def === undefined) return null;
  const where = `${name} (${def.file})`;
  const strongest = new StrongestEffect();
  const take = (found: DataEffect | null): void => strongest.take(found);
  const invoked = [...def.prerequisites, ...[...def.body.matchAll(/Rake::Task\[\s*(?::(\w+)|["']([\w:]+)["'])\s*\]\.(?:invoke|execute)/g)].map((m) => (m[1] ?? m[2]) as string)];
  for (const task of invoked) {
    if (RAILS_DROP_TASK.test(task)) take({ effect: 'delete', why: `${where} runs ${task}` });
    else if (/^db:/.test(task) && !/^db:(version|migrate:status|schema:dump|structure:dump)$/.test(task)) take({ effect: 'write', why: `${where} runs ${task}` });
    else if (depth + 1 < TASK_DEPTH) {
      const inner = taskEffect(rt, root, defs, task, depth + 1, seen);
      if (inner) take({ effect: inner.effect, why: `${where} runs ${inner.why}` });
    }
  }
  take(rubyCodeEffect(rt, root, def.body, where, 0, new Set()));
  return strongest.best;
}

/**
 * What Ruby code run in a Rails application does to its database (`rails runner CODE`, or a file
 * given to it: rails-runner.ts), with the vocabulary of a task's body: its calls, then the classes
 * it builds read whole. `root` null (a directory guard cannot know): the code's own calls only.
 */
export function railsCodeEffect(rt: Runtime, root: string | null, code: string, where: string): DataEffect | null {
  const text = code.replace(/^\s*#.*$/gm, '');
  return root === null ? codeEffect(text, where, PATTERNS) : rubyCodeEffect(rt, root, text, where, 0, new Set());
}

/** What Ruby code does to the database: its own calls, then the classes it builds (`X.new`, `X.call`) read whole. */
function rubyCodeEffect(rt: Runtime, root: string, code: string, where: string, depth: number, seen: Set<string>): DataEffect | null {
  let best = codeEffect(code, where, PATTERNS);
  if (best?.effect === 'delete' || depth >= CLASS_DEPTH) return best;
  for (const m of code.matchAll(/\b((?:[A-Z]\w*::)*[A-Z]\w*)\.(?:new|call)\b/g)) {
    const constant = m[1] as string;
    if (seen.has(constant)) continue;
    seen.add(constant);
    const found = classFile(rt, root, constant);
    if (found === null) continue;
    const inner = rubyCodeEffect(rt, root, found.text.replace(/^\s*#.*$/gm, ''), `${where} -> ${constant} (${found.rel})`, depth + 1, seen);
    if (inner?.effect === 'delete') return inner;
    if (inner && best === null) best = inner;
  }
  return best;
}

/** A class's file where Rails autoloads it (`Demo::DataCleaner`: app/models/demo/data_cleaner.rb), or null. */
function classFile(rt: Runtime, root: string, constant: string): { rel: string; text: string } | null {
  const rel = constant.split('::').map((part) => part.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase()).join('/');
  for (const dir of AUTOLOAD_DIRS) {
    const file = `${root}/${dir}/${rel}.rb`;
    const found = readAt(rt, file.slice(0, file.lastIndexOf('/')), file.slice(file.lastIndexOf('/') + 1));
    if (found && found !== 'missing') return { rel: `${dir}/${rel}.rb`, text: found.text };
  }
  return null;
}
