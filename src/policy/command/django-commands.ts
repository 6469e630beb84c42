/**
 * A Django project's own management commands (`python manage.py load_initial_data`,
 * `reset_demo`), read from their source. Until 2026-12-07 only Django's own commands were judged
 * (`flush`, `migrate`, `loaddata` ...: databases.ts, server-frameworks.ts), so Wagtail's
 * bakerydemo `manage.py reset_demo` (`.objects.all().delete()`, `call_command("reset_schema")`,
 * `call_command("migrate")`) and `load_initial_data` (`.delete()`, `call_command("loaddata")`)
 * ran with "no destructive command found" and no snapshot of the database they rewrite.
 *
 * Where Django finds it: `<app>/management/commands/<name>.py` of an app the settings install.
 * The apps are the dotted string literals of the settings module and of every module it
 * star-imports (server-frameworks.ts djangoSettingsTexts; an AppConfig path is tried at each of
 * its prefixes), looked up from the project's root as Python would: file reads only, no git. The
 * command's file is judged as the strongest thing it does, following `call_command("x")` to
 * Django's commands (judged as typed: `flush` deletes, `migrate` writes) and to the project's
 * own (COMMAND_DEPTH deep):
 *
 * - `delete`: `.delete()` (a queryset's or a row's), `call_command` of flush, reset_db,
 *   reset_schema or `migrate APP zero|NAME`, SQL that drops, truncates or deletes;
 * - `write`: `.save(`, `.create(`, `bulk_create(`, `update_or_create(` ..., `call_command` of
 *   migrate, loaddata, createsuperuser ... (databases.ts's migration commands), SQL that inserts
 *   or updates;
 * - nothing of the kind: free, as before.
 *
 * The project's own functions the command calls are judged too (`from myapp.utils import
 * reset_everything`, then `reset_everything()`; `from myapp import utils`, `utils.wipe()`;
 * `from .helpers import Cleaner`, `Cleaner().run()` or `Cleaner.run()`): the module found under
 * the project's root (`myapp/utils.py` or `myapp/utils/__init__.py`, a relative import from the
 * command's package), the function's (or method's) body, by indentation, judged, and what it
 * calls followed the same way, CALL_DEPTH modules deep (calls inside one not counted), MAX_MODULE_FILES module files read at most per
 * command. Only names the code calls are followed: a module imported for its models is not read.
 *
 * What is not read: commands of packages installed outside the repository (django-extensions'
 * own are named below), a command class built otherwise, a function reached through a
 * variable, a decorator, a base class's method (docs/command-guard.md, Known limits).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import type { Invocation, Runtime } from './runtime.js';
import { djangoSettings, djangoSettingsTexts, readAt } from './server-frameworks.js';
import { codeEffect, codePatterns, StrongestEffect, type DataEffect } from './data-effect.js';


/**
 * Django's own commands, never looked up as a project's: the ones databases.ts judges already and
 * the ones that change no data (a project may override them; guard reads Django's).
 */
const DJANGO_OWN = new Set([
  'check', 'compilemessages', 'createcachetable', 'dbshell', 'diffsettings', 'dumpdata', 'flush', 'inspectdb', 'loaddata', 'makemessages',
  'makemigrations', 'migrate', 'optimizemigration', 'runserver', 'sendtestemail', 'shell', 'showmigrations', 'sqlflush', 'sqlmigrate',
  'sqlsequencereset', 'squashmigrations', 'startapp', 'startproject', 'test', 'testserver', 'changepassword', 'createsuperuser',
  'clearsessions', 'collectstatic', 'findstatic', 'remove_stale_contenttypes', 'ping_google', 'help', 'version', 'reset_db', 'reset_schema',
  'shell_plus', 'show_urls', 'runserver_plus', 'graph_models', 'validate_templates',
]);

/** The commands call_command may run that delete rows or tables, as typed on a line (server-frameworks.ts django). */
const DELETES = new Set(['flush', 'reset_db', 'reset_schema']);
/** The ones that write (databases.ts migrationChanges): a SQLite file is captured first. */
const WRITES = new Set(['migrate', 'loaddata', 'createsuperuser', 'changepassword', 'clearsessions', 'createcachetable', 'remove_stale_contenttypes']);

/** How many project commands deep `call_command` is followed (reset_demo -> load_initial_data -> ...). */
const COMMAND_DEPTH = 3;
/** App module paths tried at most (each a file read that usually finds nothing). */
const MAX_APPS = 150;

/** The ORM's deleting and writing calls (data-effect.ts adds the SQL literals). */
const PATTERNS = codePatterns(
  String.raw`\.delete\(\s*\)|\._raw_delete\(`,
  String.raw`\.(?:save|create|bulk_create|bulk_update|get_or_create|update_or_create|update|add_child|set_password)\(`,
);

/**
 * What `manage.py NAME` (or `django-admin NAME`) does to the database where NAME is a command of
 * the project's own apps, or null (Django's own command, one guard cannot find, or one that
 * changes no rows). `script` as for server-frameworks.ts djangoSettings.
 */
export function djangoCommandEffect(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined): DataEffect | null {
  const [name = ''] = operandWords(args, ['--settings', '--pythonpath', '--database', '--verbosity', '-v']);
  if (!/^\w+$/.test(name) || DJANGO_OWN.has(name)) return null;
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const view = rt.ctx.view;
  if (!view || view.mode === 'text') return null;
  const settings = djangoSettings(inv, args, rt, script);
  if (settings === null) return null;
  const apps = appModules(djangoSettingsTexts(rt, settings.root, settings.module), settings.module.split('.')[0] as string);
  return commandEffect(rt, settings.root, apps, name, 0, new Set());
}

/**
 * The module paths an app may be at: each dotted literal of the settings and its prefixes
 * (`polls.apps.PollsConfig`: `polls.apps`, `polls`), those in the settings' own package first
 * (`bakerydemo.base` before `wagtail.admin`), so a long list of installed packages does not push
 * the project's apps past MAX_APPS.
 */
function appModules(texts: string[], project: string): string[] {
  const all: string[] = [];
  for (const text of texts) {
    for (const m of text.matchAll(/(['"])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\1/g)) {
      const parts = (m[2] as string).split('.');
      for (let n = parts.length; n >= 1; n--) all.push(parts.slice(0, n).join('.'));
    }
  }
  const own = all.filter((a) => a === project || a.startsWith(`${project}.`));
  return [...new Set([...own, ...all])].slice(0, MAX_APPS);
}

/** The command's source: `<root>/<app>/management/commands/<name>.py` of the first app that has it, or null. */
function commandFile(rt: Runtime, root: string, apps: readonly string[], name: string): { path: string; text: string } | null {
  for (const app of apps) {
    const found = readAt(rt, `${root}/${app.replace(/\./g, '/')}/management/commands`, `${name}.py`);
    if (found && found !== 'missing') return found;
  }
  return null;
}

function commandEffect(rt: Runtime, root: string, apps: readonly string[], name: string, depth: number, seen: Set<string>, reach: Reach = { rt, root, files: new Map() }): DataEffect | null {
  if (seen.has(name)) return null;
  seen.add(name);
  const found = commandFile(rt, root, apps, name);
  if (found === null) return null;
  const code = stripPythonComments(found.text);
  const where = `${name} (${path.posix.relative(root, found.path)})`;
  const module = path.posix.relative(root, found.path).replace(/\.py$/, '').split('/').join('.');
  const strongest = new StrongestEffect();
  const take = (effect: DataEffect['effect'], why: string): void => strongest.take({ effect, why });
  strongest.take(codeEffect(code, where, PATTERNS));
  for (const call of code.matchAll(/\bcall_command\(\s*(['"])(\w+)\1([^)]*)\)/g)) {
    const called = call[2] as string;
    // the positional literals after the name (`call_command("migrate", "blog", "zero")`), not the keywords
    const positional = [...(call[3] as string).matchAll(/,\s*(['"])([^'"]*)\1(?=\s*(?:,|$))/g)].map((p) => p[2] as string);
    const typed = `call_command("${called}"${positional.map((p) => `, "${p}"`).join('')})`;
    if (DELETES.has(called) || (called === 'migrate' && positional.length >= 2)) take('delete', `${where} runs \`${typed}\``);
    else if (WRITES.has(called)) take('write', `${where} runs \`${typed}\``);
    else if (depth + 1 < COMMAND_DEPTH && !DJANGO_OWN.has(called)) {
      const inner = commandEffect(rt, root, apps, called, depth + 1, seen, reach);
      if (inner) take(inner.effect, `${where} runs \`${typed}\`, and ${inner.why}`);
    }
    if (strongest.best?.effect === 'delete' && depth > 0) break;
  }
  if (strongest.best?.effect !== 'delete') strongest.take(callsEffect(reach, { module, text: code, rel: path.posix.relative(root, found.path) }, code, where, 0, new Set()));
  return strongest.best;
}

/** Modules followed below a command (command -> helper -> what the helper calls); calls inside one module are not counted. */
const CALL_DEPTH = 3;
/** Module files read at most for one command (each import tried at two paths). */
const MAX_MODULE_FILES = 24;
/** Top-level packages never looked for under the project (they are installed, not the project's). */
const INSTALLED = new Set(['django', 'wagtail', 'rest_framework', 'celery', 'os', 'sys', 're', 'json', 'random', 'pathlib', 'datetime', 'logging', 'typing', 'collections', 'itertools', 'functools', 'subprocess', 'shutil', 'time', 'uuid', 'io', 'csv', 'math', 'decimal']);

interface Reach {
  rt: Runtime;
  root: string;
  /** The modules asked for, by dotted name: their file or null (not the project's). */
  files: Map<string, Unit | null>;
}

/** One module's source: its dotted name, text (comments stripped), path relative to the root. */
interface Unit {
  module: string;
  text: string;
  rel: string;
}

function stripPythonComments(text: string): string {
  return text.replace(/(^|\s)#.*$/gm, '$1');
}

/** What the project's functions `code` (in `unit`) calls do: the strongest, said as `WHERE -> function (file) runs ...`. */
function callsEffect(reach: Reach, unit: Unit, code: string, where: string, depth: number, seen: Set<string>): DataEffect | null {
  if (depth >= CALL_DEPTH) return null;
  const strongest = new StrongestEffect();
  for (const target of calledFunctions(reach, unit, code)) {
    const key = `${target.unit.module}:${target.path.join('.')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const body = pythonBody(target.unit.text, target.path);
    if (body === null) continue;
    const here = `${where} -> ${target.path.join('.')} (${target.unit.rel})`;
    // its own deletes first; a write of its own does not stop what it calls from being read (a delete there wins)
    const own = codeEffect(body, here, PATTERNS);
    strongest.take(own);
    // a hop to another module counts against CALL_DEPTH; a call inside one does not (its functions are finite: `seen`)
    if (own?.effect !== 'delete') strongest.take(callsEffect(reach, target.unit, body, here, depth + (target.unit === unit ? 0 : 1), seen));
    if (strongest.best?.effect === 'delete') break;
  }
  return strongest.best;
}

/** The project's functions and methods `code` calls: `f(`, `mod.f(`, `Cls.m(`, `Cls(...).m(`, `self.m(` (a method of the same class). */
function calledFunctions(reach: Reach, unit: Unit, code: string): Array<{ unit: Unit; path: string[] }> {
  const imported = importedNames(unit);
  const out: Array<{ unit: Unit; path: string[] }> = [];
  const defined = (name: string): boolean => new RegExp(`^(?:def|class)\\s+${name}\\b`, 'm').test(unit.text);
  /** Where a local name leads: [module file, path inside it]. */
  const resolve = (name: string): { unit: Unit; path: string[] } | null => {
    const from = imported.get(name);
    if (from === undefined) return defined(name) ? { unit, path: [name] } : null;
    // `from pkg import mod` imports a module where pkg/mod.py exists, else a name of pkg
    if (from.name !== null) {
      // (a capitalised name is a class, never looked for as a module)
      const sub = /^[A-Z]/.test(from.name) ? null : moduleUnit(reach, `${from.module}.${from.name}`);
      if (sub !== null) return { unit: sub, path: [] };
      const owner = moduleUnit(reach, from.module);
      return owner === null ? null : { unit: owner, path: [from.name] };
    }
    const mod = moduleUnit(reach, from.module);
    return mod === null ? null : { unit: mod, path: [] };
  };
  for (const m of code.matchAll(/(?<![\w.])([A-Za-z_]\w*)(?:\s*\([^()\n]*\))?((?:\.[A-Za-z_]\w*)*)\s*\(/g)) {
    const head = m[1] as string;
    const rest = (m[2] as string).split('.').filter(Boolean);
    if (head === 'self' || head === 'cls') {
      // a method of the class this code is in: looked up by name in the module
      if (rest.length === 1) {
        const owner = enclosingClass(unit.text, code);
        if (owner !== null) out.push({ unit, path: [owner, rest[0] as string] });
      }
      continue;
    }
    if (/^(print|len|str|int|list|dict|set|tuple|range|super|isinstance|getattr|setattr|open|call_command)$/.test(head)) continue;
    const target = resolve(head);
    if (target === null) continue;
    const full = [...target.path, ...rest];
    if (full.length === 0) continue;
    if (target.path.length === 0 && rest.length > 1) {
      // `mod.sub.f(` where mod is a package: the submodule's function
      const sub = moduleUnit(reach, `${target.unit.module}.${rest.slice(0, -1).join('.')}`);
      if (sub !== null) out.push({ unit: sub, path: [rest[rest.length - 1] as string] });
      continue;
    }
    out.push({ unit: target.unit, path: full.slice(0, 2) });
  }
  return out;
}

/** `from a.b import c as d`, `from . import utils`, `import a.b as c`: local name -> [module, name in it or null for the module]. */
function importedNames(unit: Unit): Map<string, { module: string; name: string | null }> {
  const out = new Map<string, { module: string; name: string | null }>();
  const pkg = unit.module.split('.');
  if (!unit.rel.endsWith('__init__.py')) pkg.pop();
  const absolute = (dots: string, mod: string): string => {
    if (dots.length === 0) return mod;
    const base = pkg.slice(0, pkg.length - (dots.length - 1));
    return [...base, ...(mod ? mod.split('.') : [])].join('.');
  };
  for (const m of unit.text.matchAll(/^[ \t]*from\s+(\.*)([\w.]*)\s+import\s+(\([^)]*\)|[^\n]+)/gm)) {
    const module = absolute(m[1] as string, m[2] as string);
    if (module === '') continue;
    for (const item of (m[3] as string).replace(/[()\\]/g, ' ').split(',')) {
      const [name, alias] = item.trim().split(/\s+as\s+/) as [string, string | undefined];
      if (/^\w+$/.test(name)) out.set(alias?.trim() || name, { module, name });
    }
  }
  for (const m of unit.text.matchAll(/^[ \t]*import\s+([\w.]+)(?:\s+as\s+(\w+))?\s*$/gm)) {
    const module = m[1] as string;
    if (m[2] !== undefined) out.set(m[2], { module, name: null });
    else out.set(module.split('.')[0] as string, { module: module.split('.')[0] as string, name: null });
  }
  return out;
}

/** A module of the project under its root (`a/b.py`, else `a/b/__init__.py`), read once, MAX_MODULE_FILES at most; null where it is none of the project's. */
function moduleUnit(reach: Reach, module: string): Unit | null {
  if (reach.files.has(module)) return reach.files.get(module) ?? null;
  const top = module.split('.')[0] as string;
  if (INSTALLED.has(top) || !/^[\w.]+$/.test(module) || reach.files.size >= MAX_MODULE_FILES) return null;
  const rel = module.replace(/\./g, '/');
  let unit: Unit | null = null;
  for (const [dir, name, shown] of [[`${reach.root}/${rel.slice(0, rel.lastIndexOf('/') + 1)}`.replace(/\/$/, ''), `${rel.slice(rel.lastIndexOf('/') + 1)}.py`, `${rel}.py`], [`${reach.root}/${rel}`, '__init__.py', `${rel}/__init__.py`]] as const) {
    const found = readAt(reach.rt, dir, name);
    if (found && found !== 'missing') {
      unit = { module, text: stripPythonComments(found.text), rel: shown };
      break;
    }
  }
  reach.files.set(module, unit);
  return unit;
}

/** The class whose body holds `code` (a method's), or null. */
function enclosingClass(text: string, code: string): string | null {
  const at = text.indexOf(code);
  if (at === -1) return null;
  const before = [...text.slice(0, at).matchAll(/^class\s+(\w+)/gm)];
  return before.length === 0 ? null : (before[before.length - 1]?.[1] as string);
}

/** The body of `def NAME` (path [NAME]) or of a class's method (path [CLASS, METHOD]) by indentation; a class itself: its `__init__`. null where none. */
function pythonBody(text: string, path: readonly string[]): string | null {
  const block = (source: string, kind: 'def' | 'class', name: string): string | null => {
    const m = new RegExp(`^([ \\t]*)(?:async\\s+)?(${kind})\\s+${name}\\b[^\\n]*(?:\\n|$)`, 'm').exec(source);
    if (!m) return null;
    const indent = (m[1] as string).length;
    const lines = source.slice(m.index + m[0].length).split('\n');
    const body: string[] = [];
    for (const line of lines) {
      if (line.trim() !== '' && line.length - line.trimStart().length <= indent) break;
      body.push(line);
    }
    return body.join('\n');
  };
  if (path.length === 1) {
    const name = path[0] as string;
    // a class called (`Cleaner()`): what building it runs
    if (new RegExp(`^[ \\t]*class\\s+${name}\\b`, 'm').test(text) && !new RegExp(`^[ \\t]*(?:async\\s+)?def\\s+${name}\\b`, 'm').test(text)) {
      const cls = block(text, 'class', name);
      return cls === null ? null : block(cls, 'def', '__init__');
    }
    return block(text, 'def', name);
  }
  const cls = block(text, 'class', path[0] as string);
  return cls === null ? null : block(cls, 'def', path[1] as string);
}
