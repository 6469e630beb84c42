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
 * What is not read: helpers the command imports from other modules, commands of packages
 * installed outside the repository (django-extensions' own are named below), a command class
 * built otherwise (docs/command-guard.md, Known limits).
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

function commandEffect(rt: Runtime, root: string, apps: readonly string[], name: string, depth: number, seen: Set<string>): DataEffect | null {
  if (seen.has(name)) return null;
  seen.add(name);
  const found = commandFile(rt, root, apps, name);
  if (found === null) return null;
  const code = found.text.replace(/#.*$/gm, '');
  const where = `${name} (${path.posix.relative(root, found.path)})`;
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
      const inner = commandEffect(rt, root, apps, called, depth + 1, seen);
      if (inner) take(inner.effect, `${where} runs \`${typed}\`, and ${inner.why}`);
    }
    if (strongest.best?.effect === 'delete' && depth > 0) break;
  }
  return strongest.best;
}
