/**
 * Alembic's `alembic downgrade base` against a database server: it runs every migration's
 * downgrade, dropping the tables they made with their rows. Until 2026-12-06 it was only the
 * capture of the repository's ignored database files (databases.ts), nothing for PostgreSQL.
 *
 * Which database, read as Alembic reads it: the config file (`-c`/`--config`, ALEMBIC_CONFIG on
 * the line, else alembic.ini), its section (`-n`/`--name`, else `[alembic]`), `sqlalchemy.url`'s
 * scheme (`postgresql+psycopg2://` a server, `sqlite:///app.db` a file). Only where the project's
 * env.py takes that URL as it is (the templates' `config.get_main_option("sqlalchemy.url")`,
 * `engine_from_config`). An env.py that sets the URL from code (`set_main_option`, its own
 * `create_engine`, `configuration["sqlalchemy.url"] = get_url()`) decides elsewhere (an
 * environment variable, the application's settings): until 2026-12-07 the command was left as
 * before there (full-stack-fastapi-template's `downgrade base` against its PostgreSQL was free);
 * now it is judged as a database guard cannot see, as Django's unseen settings module is.
 * `--sql` only prints the SQL.
 */
import path from 'node:path';
import { parseDotenv, whole } from './dotenv.js';
import type { Field } from './expand.js';
import { operandWords, optionValue } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { lineVarChoices, readAt, unseenProject } from './server-frameworks.js';

/** SQLAlchemy dialects of database servers (the scheme before `+driver`). */
const SQLALCHEMY_SERVERS = /^(postgresql|postgres|mysql|mariadb|mssql|oracle|cockroachdb|redshift|snowflake|db2|ibm_db_sa|clickhouse|trino|databricks|bigquery|spanner|teradata|vertica|firebird|sybase)$/;

/** The server dialect a SQLAlchemy URL names, or null (sqlite, a placeholder such as `driver://`). */
export function sqlalchemyServer(url: string | undefined): string | null {
  const scheme = /^([a-z0-9_]+)(\+[\w]+)?:\/\//i.exec(url?.trim() ?? '')?.[1]?.toLowerCase();
  return scheme !== undefined && SQLALCHEMY_SERVERS.test(scheme) ? scheme : null;
}

/** An ini file's section: its keys and values (continuation lines and comments out). */
function iniSection(text: string, name: string): Map<string, string> | null {
  let inside = false;
  let seen = false;
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      inside = (header[1] as string).trim() === name;
      seen ||= inside;
      continue;
    }
    if (!inside || /^\s*[#;]/.test(line)) continue;
    const kv = /^([^\s=:][^=:]*?)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (kv) map.set(kv[1] as string, kv[2] as string);
  }
  return seen ? map : null;
}

/** env.py code that sets the URL itself (and so decides elsewhere), comments out. */
const URL_FROM_CODE = /\bset_main_option\s*\(|\bset_section_option\s*\(|\bcreate(_async)?_engine\s*\(|\[\s*['"]sqlalchemy\.url['"]\s*\]\s*=/;

/** `alembic downgrade base` against a server: what it does, or null. */
export function alembic(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-c', '--config', '-n', '--name', '-x', '--tag']);
  const target = words[0] === 'downgrade' ? downgradeTarget(args.slice(args.findIndex((a) => a.value === 'downgrade') + 1)) : undefined;
  if (target === undefined || !backMoreThanOne(target)) return null;
  if (args.some((a) => a.value === '--sql' || a.value === '--help' || a.value === '-h')) return null;
  // on another machine: its alembic.ini is there, unseen
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `alembic downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, in ${remote}`;
  if (inv.cwd === null) return null;
  const named = optionValue(args, ['-c', '--config']) ?? lineVarChoices(inv, args, 'ALEMBIC_CONFIG').find((v) => v !== undefined) ?? 'alembic.ini';
  const section = optionValue(args, ['-n', '--name']) ?? 'alembic';
  if (named === null || section === null) return null;
  const ini = resolvePath(named, inv.cwd);
  if (ini === null) return null;
  const dir = path.posix.dirname(ini);
  const found = readAt(rt, dir, path.posix.basename(ini));
  if (found === undefined || found === null || found === 'missing') return null;
  const settings = iniSection(found.text, section);
  const url = settings?.get('sqlalchemy.url');
  const server = sqlalchemyServer(url);
  // script_location: `%(here)s/alembic` (beside the ini) or a path from where alembic runs
  const location = settings?.get('script_location') ?? 'alembic';
  const scripts = location.startsWith('%(here)s') ? `${dir}${location.slice('%(here)s'.length)}` : resolvePath(location, inv.cwd);
  if (scripts === null || scripts.includes('%(') || scripts.includes(':')) return null;
  const env = readAt(rt, scripts, 'env.py');
  if (env === undefined || env === null || env === 'missing') return null;
  // env.py sets the URL from the application's settings (full-stack-fastapi-template's
  // `configuration["sqlalchemy.url"] = get_url()`): a database guard cannot see, judged as one
  // it cannot restore, as Django's unseen settings module is (docs/DECISIONS.md, 2026-12-07)
  if (URL_FROM_CODE.test(env.text.replace(/#.*$/gm, ''))) return `alembic downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, in the database ${path.posix.relative(inv.cwd, `${scripts}/env.py`) || 'env.py'} sets in code (the application's settings, which guard cannot read)`;
  if (server === null) return null;
  return `alembic downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, on a ${server} server (sqlalchemy.url in ${path.posix.basename(ini)})`;
}

/** The revision a `downgrade` is given (its words after the subcommand; options with a value skipped): null unknown, undefined none. */
function downgradeTarget(after: Field[]): string | null | undefined {
  for (let i = 0; i < after.length; i++) {
    const w = after[i]?.value;
    if (w === undefined) return undefined;
    if (w === null) return null;
    if (w === '--tag' || w === '-x' || w === '-d' || w === '--directory') {
      i++;
      continue;
    }
    // `-2` is a relative revision (argparse reads it as an operand: no option looks like a number)
    if (w.startsWith('-') && !/^-\d+$/.test(w)) continue;
    return w;
  }
  return undefined;
}

/**
 * Whether a downgrade target may go back more than one migration: `base`, `-2`, a revision id
 * (`ae10`, `ae10-1`, `heads`: as far back as the database is ahead of it, which guard cannot see
 * without a process that asks the database). `-1` is the everyday undo of the migration just
 * written, left free as `rails db:rollback` is (docs/DECISIONS.md, "Rollbacks of more than one
 * migration").
 */
function backMoreThanOne(target: string | null): boolean {
  return target === null || target !== '-1';
}

function downgradeDoes(target: string | null): string {
  if (target === 'base') return 'reverts every migration, dropping their tables';
  return /^-\d+$/.test(target ?? '') ? `reverts the last ${target?.slice(1)} migrations, dropping what they made` : 'reverts every migration after that revision, dropping what they made';
}

/** SQLAlchemy URLs of the application, in the order Flask's CLI gives them to it: the line, then the dotenv files it loads. */
const FLASK_URL_VARS = ['SQLALCHEMY_DATABASE_URI', 'FLASK_SQLALCHEMY_DATABASE_URI', 'DATABASE_URL'];

/**
 * Flask-Migrate's `flask db downgrade [REVISION]` (alembic underneath; REVISION -1 by default):
 * `base`, `-2`, a revision id against a server. The URL is the application's
 * SQLALCHEMY_DATABASE_URI, set in Python guard does not run; what is read is where that URL most
 * often comes from: SQLALCHEMY_DATABASE_URI, FLASK_SQLALCHEMY_DATABASE_URI
 * (`app.config.from_prefixed_env()`) or DATABASE_URL on the line, else in the dotenv files the
 * flask command loads before importing the app (flask/cli.py's load_dotenv: `-e`/`--env-file`
 * first, then `.env`, then `.flaskenv`, searched up from where it runs, a variable already set
 * never overwritten; only with python-dotenv installed, which guard cannot see: judged as
 * installed). Only where the migrations directory (`-d`, else `migrations`) holds Flask-Migrate's
 * env.py (it takes the URL from `current_app`). Where the environment names none, the URI the
 * application's Python assigns (pythonDatabaseUri: config.py, instance/config.py, the app module),
 * since the evening of 2026-12-06. A dotenv URL the application ignores refuses a line it would
 * not harm (docs/command-guard.md, Known limits).
 */
export function flaskMigrate(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['--app', '-A', '--env-file', '-e', '-d', '--directory', '--tag', '-x']);
  if (words[0] !== 'db' || words[1] !== 'downgrade') return null;
  if (args.some((a) => a.value === '--sql' || a.value === '--help' || a.value === '-h')) return null;
  const at = args.findIndex((a, i) => a.value === 'downgrade' && args[i - 1]?.value === 'db');
  const target = downgradeTarget(args.slice(at + 1)) ?? '-1';
  if (!backMoreThanOne(target)) return null;
  // on another machine: its application and .env are there, unseen
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `flask db downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, in ${remote}`;
  if (inv.cwd === null) return null;
  const dirName = optionValue(args, ['-d', '--directory']) ?? 'migrations';
  const envFile = optionValue(args, ['-e', '--env-file']);
  if (dirName === null || envFile === null) return null;
  const migrations = resolvePath(dirName, inv.cwd);
  if (migrations === null) return null;
  const env = readAt(rt, migrations, 'env.py');
  const named = envFile === undefined ? undefined : resolvePath(envFile, inv.cwd);
  const files = [
    ...(named === undefined || named === null ? [] : [[path.posix.basename(named), readAt(rt, path.posix.dirname(named), path.posix.basename(named))] as const]),
    ['.env', readAt(rt, inv.cwd, '.env', true)] as const,
    ['.flaskenv', readAt(rt, inv.cwd, '.flaskenv', true)] as const,
  ];
  if (env === undefined || env === null || env === 'missing' || !/\bcurrent_app\b/.test(env.text.replace(/#.*$/gm, ''))) return null;
  for (const name of FLASK_URL_VARS) {
    const onLine = lineVarChoices(inv, args, name).find((v) => v !== undefined);
    if (onLine !== undefined) {
      const server = sqlalchemyServer(onLine ?? undefined);
      if (server !== null) return `flask db downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, on a ${server} server (${name} on the line)`;
      if (onLine !== null) return null; // the line names a file (sqlite:///): the application's database is that
      continue;
    }
    for (const [file, found] of files) {
      if (found === undefined || found === null || found === 'missing') continue;
      const value = whole(parseDotenv(found.text).get(name));
      if (value === undefined || value === null) continue;
      const server = sqlalchemyServer(value);
      return server === null ? null : `flask db downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, on a ${server} server (${name} in ${file})`;
    }
  }
  // no URL in the environment: the application's own Python configuration, where it says one plainly
  const appName = optionValue(args, ['--app', '-A']) ?? lineVarChoices(inv, args, 'FLASK_APP').find((v) => v !== undefined) ?? files.map(([, f]) => (f && f !== 'missing' ? whole(parseDotenv(f.text).get('FLASK_APP')) : undefined)).find((v) => v !== undefined);
  if (appName === null) return null;
  const modules = appModuleFiles(appName);
  const sources = [...['config.py', 'instance/config.py'], ...modules].map((rel) => [rel, readAt(rt, inv.cwd as string, rel)] as const);
  if (sources.some(([, f]) => f === undefined)) return null; // being read: judged once they are
  const found = pythonDatabaseUri(sources.flatMap(([rel, f]) => (f && f !== 'missing' ? [[rel, f.text] as const] : [])));
  return found === null ? null : `flask db downgrade ${target ?? 'REVISION'} ${downgradeDoes(target)}, on a ${found.server} server (SQLALCHEMY_DATABASE_URI in ${found.file})`;
}

/**
 * The files of a Flask application module as `--app`/FLASK_APP names it (`app`, `app:create_app()`,
 * `pkg.web`, `app.py`), else those flask looks for (flask/cli.py: wsgi.py, then app.py).
 */
function appModuleFiles(app: string | undefined): string[] {
  if (app === undefined) return ['wsgi.py', 'app.py', 'app/__init__.py'];
  const module = app.split(':')[0]?.trim() ?? '';
  if (module.endsWith('.py')) return /^[\w./-]+$/.test(module) ? [module] : [];
  if (!/^[\w.]+$/.test(module)) return [];
  const file = module.replace(/\./g, '/');
  return [`${file}.py`, `${file}/__init__.py`];
}

/** A Python string literal's text (`'x'`, `"x"`, `f"x"`, `r'x'`). */
const PY_STRING = /(?<!\w)(?:[rRbBuUfF]{1,2})?(['"])((?:(?!\1)[^\\\n]|\\.)*)\1/g;

/**
 * The server a Flask application's Python configuration sets SQLALCHEMY_DATABASE_URI to
 * (`SQLALCHEMY_DATABASE_URI = '...'` at module or class level, `app.config['SQLALCHEMY_DATABASE_URI']
 * = ...`, `config.update(SQLALCHEMY_DATABASE_URI=...)`): the URLs written as string literals in the
 * assigned expression, its fallbacks included (`os.environ.get('DATABASE_URL', 'postgresql://...')`).
 * Classes named for tests (`class TestingConfig`) are skipped: a downgrade does not run with them.
 * Where any other assignment names SQLite (a development default such as the Flask Mega-Tutorial's
 * `os.environ.get('DATABASE_URL') or 'sqlite:///' + ...`), the file does not decide, as Django's
 * settings do not (server-frameworks.ts): null.
 */
export function pythonDatabaseUri(files: ReadonlyArray<readonly [string, string]>): { server: string; file: string } | null {
  let server: { server: string; file: string } | null = null;
  for (const [file, text] of files) {
    let inClass: string | null = null;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (/^\s*(#|$)/.test(line)) continue;
      const indent = /^\s*/.exec(line)?.[0].length ?? 0;
      const cls = /^class\s+(\w+)/.exec(line);
      if (cls) inClass = cls[1] as string;
      else if (indent === 0) inClass = null;
      const at = /(?:\bSQLALCHEMY_DATABASE_URI\b|\[\s*['"]SQLALCHEMY_DATABASE_URI['"]\s*\])\s*=(?!=)\s*(.*)$/.exec(line);
      if (!at || (inClass !== null && /test/i.test(inClass))) continue;
      // the expression: this line, and the next while its brackets are open
      let expr = at[1] as string;
      for (let j = i + 1; j < lines.length && (expr.match(/[([{]/g)?.length ?? 0) > (expr.match(/[)\]}]/g)?.length ?? 0); j++) expr += ` ${lines[j] as string}`;
      for (const m of expr.matchAll(PY_STRING)) {
        const literal = m[2] as string;
        if (/^sqlite/i.test(literal)) return null;
        const dialect = sqlalchemyServer(literal);
        if (dialect !== null) server ??= { server: dialect, file };
      }
    }
  }
  return server;
}
