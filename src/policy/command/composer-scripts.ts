/**
 * Composer running a composer.json script: `composer run-script X` (`run`), `composer X` for a
 * script X (Composer makes each a command), and the event scripts its own commands fire
 * (`install`: pre/post-install-cmd; `update`, `require`, `remove`: pre/post-update-cmd; each of
 * these and `dump-autoload`: pre/post-autoload-dump; `create-project`: post-root-package-install,
 * post-create-project-cmd). Before 2026-12-05 none was read: Laravel's skeleton's `composer
 * setup` runs `@php artisan key:generate` (a new APP_KEY written into the ignored .env, the old
 * one, which decrypts what the application stored, gone) and `@php artisan migrate --force`, and
 * was "allow: no destructive command found" (sweep of PHP projects, docs/FRICTION.md).
 *
 * Each entry is judged as Composer runs it, in the directory of composer.json (the shell's cwd,
 * or `-d`/`--working-dir`; read as bytes through the state view, no git): `@php ARGS` as `php
 * ARGS`, `@composer ARGS` as `composer ARGS`, `@NAME` as script NAME (each script once per line:
 * a cycle runs what was judged already), `@putenv K=V` sets K for the entries after it, any other
 * string as a shell command line; the arguments after `--` of `composer run X -- a b` appended.
 * Symfony Flex's `auto-scripts` map: `symfony-cmd` entries as `php bin/console CMD`,
 * `php-script` as `php CMD`, `script` as the line. Not read: a PHP callback (`Vendor\Class::method`,
 * code in vendor/, as an application's own writes are not), `--no-scripts` runs none, a script
 * name typed in part (Composer's console finds `composer set` for setup).
 *
 * A composer.json guard cannot read is a command guard cannot see (opaque); none, or one that is
 * not a JSON object: Composer fails and nothing runs. `composer` is a risky word of the hook's sh
 * fast path.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { appendArgs, reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { resolvePath } from './paths.js';

/** Composer's own commands and their aliases (a word not among them runs the script of that name). */
const BUILTINS = new Set([
  'about', 'archive', 'audit', 'browse', 'home', 'bump', 'check-platform-reqs', 'clear-cache', 'clearcache', 'cc', 'config', 'create-project', 'depends', 'why',
  'diagnose', 'dump-autoload', 'dumpautoload', 'exec', 'fund', 'global', 'help', 'init', 'install', 'i', 'licenses', 'list', 'outdated', 'prohibits', 'why-not',
  'reinstall', 'remove', 'rm', 'uninstall', 'require', 'r', 'run-script', 'run', 'search', 'self-update', 'selfupdate', 'show', 'info', 'status', 'suggests',
  'update', 'u', 'upgrade', 'validate',
]);

/** The event scripts each command fires, in order. */
const EVENTS: Readonly<Record<string, readonly string[]>> = {
  install: ['pre-install-cmd', 'pre-autoload-dump', 'post-autoload-dump', 'post-install-cmd'],
  update: ['pre-update-cmd', 'pre-autoload-dump', 'post-autoload-dump', 'post-update-cmd'],
  'dump-autoload': ['pre-autoload-dump', 'post-autoload-dump'],
  'create-project': ['post-root-package-install', 'post-create-project-cmd'],
  reinstall: ['pre-autoload-dump', 'post-autoload-dump'],
};
const EVENT_OF: Readonly<Record<string, string>> = {
  install: 'install', i: 'install', update: 'update', u: 'update', upgrade: 'update', require: 'update', r: 'update', remove: 'update', rm: 'update', uninstall: 'update',
  'dump-autoload': 'dump-autoload', dumpautoload: 'dump-autoload', 'create-project': 'create-project', reinstall: 'reinstall',
};

/** Global options that take the next word as their value. */
const VALUED = new Set(['-d', '--working-dir']);

type Entry = string | Record<string, string>;

interface Project {
  dir: string;
  file: string;
  scripts: Map<string, Entry[]>;
}

function parseProject(found: { path: string; text: string }): Project | 'none' {
  let json: unknown;
  try {
    json = JSON.parse(found.text.charCodeAt(0) === 0xfeff ? found.text.slice(1) : found.text);
  } catch {
    return 'none';
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'none';
  const scripts = new Map<string, Entry[]>();
  const raw = (json as { scripts?: unknown }).scripts;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, body] of Object.entries(raw as Record<string, unknown>)) {
      const list = Array.isArray(body) ? body : [body];
      const entries: Entry[] = [];
      for (const item of list) {
        if (typeof item === 'string') entries.push(item);
        else if (item !== null && typeof item === 'object' && !Array.isArray(item)) entries.push(Object.fromEntries(Object.entries(item).filter((e): e is [string, string] => typeof e[1] === 'string')));
      }
      scripts.set(name, entries);
    }
  }
  return { dir: path.posix.dirname(found.path), file: found.path, scripts };
}

/** Script runs judged per pass (a cycle, `@a` calling `@b` calling `@a`, runs what was judged). */
const judged = new WeakMap<object, Set<string>>();

export function classifyComposer(inv: Invocation, args: Field[], rt: Runtime): void {
  let dir: string | null | undefined = inv.cwd;
  let i = 0;
  let noScripts = false;
  for (; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === null || w === undefined) return reportOpaque(rt, 'composer is given a word guard cannot see', inv.source);
    if (!w.startsWith('-')) break;
    if (VALUED.has(w)) dir = resolvePath(args[++i]?.value ?? null, inv.cwd);
    else if (w.startsWith('--working-dir=')) dir = resolvePath(w.slice('--working-dir='.length), inv.cwd);
    else if (/^-d./.test(w)) dir = resolvePath(w.slice(2), inv.cwd);
  }
  const command = args[i]?.value;
  if (command === null || command === undefined) return;
  const rest = args.slice(i + 1);
  if (rest.some((a) => a.value === '--no-scripts')) noScripts = true;
  if (noScripts || rest.some((a) => a.value === '--help' || a.value === '-h')) return;
  const event = EVENT_OF[command];
  let names: string[];
  let passed: Field[] = [];
  if (event) names = [...(EVENTS[event] ?? [])];
  else if (command === 'run-script' || command === 'run') {
    const name = rest.find((a) => a.value === null || !a.value.startsWith('-'));
    if (!name) return;
    if (name.value === null) return reportOpaque(rt, 'composer runs a script whose name guard cannot see', inv.source);
    const dashes = rest.findIndex((a) => a.value === '--');
    passed = dashes === -1 ? [] : rest.slice(dashes + 1);
    names = [name.value];
  } else if (!BUILTINS.has(command)) {
    names = [command];
    passed = rest.filter((a) => a.value !== '--');
  } else return;
  const view = rt.ctx.view;
  if (!view) return;
  if (dir === null || dir === undefined) return reportOpaque(rt, 'composer runs in a directory guard cannot see, so the scripts it runs are unknown', inv.source);
  const found = view.file({ dir, name: 'composer.json', up: false });
  if (found === undefined) return;
  if (found === null) return reportOpaque(rt, 'composer runs the scripts of a composer.json guard cannot read', inv.source);
  if (found === 'missing') return;
  const project = parseProject(found);
  if (project === 'none') return;
  for (const name of names) runScript(rt, inv, project, name, passed, new Map(inv.env));
}

function runScript(rt: Runtime, inv: Invocation, project: Project, name: string, passed: Field[], env: Map<string, string | null>): void {
  const entries = project.scripts.get(name);
  if (!entries) return;
  const scope = rt.ctx.view ?? rt.ctx;
  let seen = judged.get(scope);
  if (!seen) judged.set(scope, (seen = new Set()));
  const key = JSON.stringify([project.dir, name]);
  if (seen.has(key)) return;
  seen.add(key);
  const shownFile = (inv.cwd !== null ? path.posix.relative(inv.cwd, project.file) : project.file) || 'composer.json';
  const run = (text: string, label: string): void => {
    const line = appendArgs(text, passed, env, '__guard_composer_arg');
    rt.shell(line, { cwd: project.dir, env, positional: ['sh'], via: `run by \`${inv.source}\`: script "${name}" of ${shownFile}` }, `composer script "${name}": ${label}`);
  };
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      // Symfony Flex's auto-scripts: { "cache:clear": "symfony-cmd", "assets:install %PUBLIC_DIR%": "symfony-cmd" }
      for (const [cmd, type] of Object.entries(entry)) {
        if (type === 'symfony-cmd') run(`php bin/console ${cmd}`, cmd);
        else if (type === 'php-script') run(`php ${cmd}`, cmd);
        else if (type === 'script') run(cmd, cmd);
      }
      continue;
    }
    const text = entry.trim();
    if (text.startsWith('@putenv ')) {
      const [k, ...v] = text.slice('@putenv '.length).split('=');
      if (k) env.set(k.trim(), v.length > 0 ? v.join('=') : null);
    } else if (text.startsWith('@php ')) run(`php ${text.slice(5)}`, text);
    else if (text.startsWith('@composer ')) run(`composer ${text.slice(10)}`, text);
    else if (text.startsWith('@')) {
      const [called = ''] = text.slice(1).split(/\s+/);
      runScript(rt, inv, project, called, passed, env);
    } else if (/^[A-Za-z_][\w\\]*::\w+$/.test(text)) {
      // a PHP callback (code in vendor/): not read
    } else run(text, text);
  }
}
