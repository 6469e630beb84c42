/**
 * Laravel's and Symfony's drops and resets of a database server: `php artisan migrate:fresh`
 * (`migrate:refresh`, `migrate:reset`, `db:wipe`, abbreviated as the console allows), `bin/console
 * doctrine:database:drop --force`, `doctrine:schema:drop --force`, `doctrine:fixtures:load`
 * without `--append` (it purges every table first, and asks nothing when no terminal is attached),
 * `doctrine:migrations:migrate first`. Found 2026-12-06 on a Laravel clone with `.env` on MySQL:
 * each was a snapshot that captured the ignored `database/database.sqlite` and let the command
 * empty the server, where no snapshot reaches; `rails db:drop` on PostgreSQL was already refused
 * (server-frameworks.ts, which calls these).
 *
 * Which database, read as each framework reads it:
 *  - Laravel (vlucas/phpdotenv through LoadEnvironmentVariables): `.env.<env>` where `--env` or
 *    APP_ENV on the line names an environment that has one, else `.env`; the process's variables
 *    win over the file's. The connection: DB_CONNECTION, else config/database.php's default
 *    (`env('DB_CONNECTION', 'sqlite')` since Laravel 11, 'mysql' before); `--database=NAME` names
 *    one. The environment: `--env`, APP_ENV, else the file's APP_ENV, else production.
 *  - Symfony (symfony/dotenv's loadEnv): `.env` (or `.env.dist`), `.env.local` (not for test),
 *    `.env.<env>`, `.env.<env>.local`, later over earlier, the process's variables over all;
 *    `.env.local.php` (composer dump-env) instead of them all where it exists. DATABASE_URL's
 *    scheme says server or file (`sqlite:///%kernel.project_dir%/var/data.db`). The environment:
 *    `--env`/`-e`, APP_ENV, the files' APP_ENV, else dev.
 * The test environment (Laravel's `testing`, Symfony's `test`) is free, as Rails' test is: its
 * database is emptied by every test run. Where a file cannot be read or names no server the
 * command is left to databases.ts (the capture of file databases), as before.
 */
import path from 'node:path';
import { parseDotenv, UNKNOWN, whole } from './dotenv.js';
import type { Field } from './expand.js';
import { consoleNames } from './framework-migrations.js';
import { operandWords } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { lineServerUrl, lineVarChoices, moreThanOne, readAt, unseenProject, urlDatabase } from './server-frameworks.js';

export const ARTISAN_DROPS = ['migrate:fresh', 'migrate:refresh', 'migrate:reset', 'db:wipe'];
/** artisan's options of these commands that take a value (`--env testing` as well as `--env=testing`). */
const ARTISAN_VALUES = ['--env', '--database', '--path', '--seeder', '--step', '--batch'];
const LARAVEL_SERVER_DRIVERS = /^(mysql|mariadb|pgsql|sqlsrv)$/;

/** A Symfony Console option's value (artisan and bin/console parse alike): `--name=V`, `--name V`, and `-xV` / `-x V` for `short` (gnu-args optionValue reads no glued short form); the last wins, as Console's ArgvInput sets it; null unknown, undefined absent. */
function consoleOption(args: Field[], long: string, short?: string): string | null | undefined {
  let found: string | null | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === undefined || w === null) continue;
    if (w === long || (short !== undefined && w === short)) found = args[i + 1]?.value ?? null;
    else if (w.startsWith(`${long}=`)) found = w.slice(long.length + 1);
    else if (short !== undefined && w.startsWith(short) && w.length > short.length) found = w.slice(short.length);
  }
  return found;
}

/** The directory a project's script lies in (`artisan`, `../app/artisan`), or null. */
export function scriptDir(script: string, cwd: string | null): string | null {
  const abs = resolvePath(script, cwd);
  return abs === null ? null : path.posix.dirname(abs);
}

/** A dotenv file's variables: a map, 'missing', null where it cannot be read, undefined while being read. */
function dotenvAt(rt: Runtime, dir: string, name: string, outer?: ReadonlyMap<string, string>): Map<string, string> | 'missing' | null | undefined {
  const found = readAt(rt, dir, name);
  if (found === undefined || found === null || found === 'missing') return found;
  return parseDotenv(found.text, outer);
}

/** config/database.php's default connection (`'default' => env('DB_CONNECTION', 'sqlite')`) and a connection's driver. */
function laravelConfig(text: string): { fallback: string | null; driver: (connection: string) => string | null } {
  const fallback = /['"]default['"]\s*=>\s*(?:env\(\s*['"]DB_CONNECTION['"]\s*,\s*)?['"](\w+)['"]/.exec(text)?.[1] ?? null;
  return {
    fallback,
    driver: (connection) => new RegExp(`['"]${connection.replace(/\W/g, '')}['"]\\s*=>\\s*\\[\\s*['"]driver['"]\\s*=>\\s*['"](\\w+)['"]`).exec(text)?.[1] ?? null,
  };
}

/** What a migrate:rollback reverts, as its options say. */
function rollbackLabel(args: Field[]): string {
  const step = consoleOption(args, '--step');
  const batch = consoleOption(args, '--batch');
  if (step !== undefined) return `reverts the last ${step ?? 'N'} migrations`;
  return batch !== undefined ? `reverts batch ${batch ?? 'N'}` : 'reverts the last batch of migrations (every migration, where they ran at once)';
}

/** `artisan migrate:fresh` and its kin against a server: what it does, or null. */
export function laravel(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined): string | null {
  const [first = ''] = operandWords(args, ARTISAN_VALUES);
  let command = ARTISAN_DROPS.find((c) => first !== '' && consoleNames(first, [c]));
  // `migrate:rollback` reverts the last batch (Illuminate\Database\Migrations\Migrator::rollback: getLast() of the
  // migrations table, `--step=N` the last N migrations, `--batch=N` one batch): the first `migrate` of a project runs
  // every migration in batch 1, so a plain rollback is migrate:reset there. Only `--step=1` is the one-migration undo.
  if (command === undefined && first !== '' && consoleNames(first, ['migrate:rollback']) && !ARTISAN_DROPS.some((c) => consoleNames(first, [c]))) {
    if (!moreThanOne(consoleOption(args, '--step') ?? null)) return null;
    command = 'migrate:rollback';
  }
  if (command === undefined || args.some((a) => a.value === '--pretend' || a.value === '--help' || a.value === '-h')) return null;
  const root = scriptDir(script ?? 'artisan', inv.cwd);
  if (root === null) {
    // no project to read (another machine, a container): the database DATABASE_URL names, where it is a server's;
    // the testing environment named on the line stays free there as here (`sail artisan migrate:fresh --env=testing`)
    const envFlag = consoleOption(args, '--env');
    if ((envFlag !== undefined ? [envFlag] : lineVarChoices(inv, args, 'APP_ENV')).every((e) => e === 'testing')) return null;
    const server = inv.cwd === null ? lineServerUrl(inv, args) : undefined;
    return server ? `artisan ${command} ${command === 'db:wipe' || command === 'migrate:fresh' ? 'drops every table of' : command === 'migrate:rollback' ? `${rollbackLabel(args)} (dropping what they made) of` : 'reverts every migration of'} ${urlDatabase(server)}` : null;
  }
  const db = laravelServerDatabase(inv, args, rt, root);
  if (db === null) return null;
  const does = command === 'db:wipe' || command === 'migrate:fresh' ? 'drops every table of' : command === 'migrate:rollback' ? `${rollbackLabel(args)} (dropping what they made) of` : 'reverts every migration of';
  return `artisan ${command} ${does} ${db}`;
}

/**
 * The server database a Laravel line in the project at `root` uses, in a refusal's words (`the
 * local database, on a pgsql server (DB_CONNECTION in .env)`), or null: `--env`/APP_ENV (testing
 * left free), `.env.<env>` or `.env`, `--database`, DB_CONNECTION, config/database.php. For
 * laravel() here and a project's own artisan commands (artisan-commands.ts).
 */
export function laravelServerDatabase(inv: Invocation, args: Field[], rt: Runtime, root: string): string | null {
  const config = readAt(rt, root, 'config/database.php');
  const parsed = config === undefined || config === null || config === 'missing' ? null : laravelConfig(config.text);
  const flagged = consoleOption(args, '--env');
  const named = flagged !== undefined ? [flagged] : lineVarChoices(inv, args, 'APP_ENV');
  const connectionsOnLine = lineVarChoices(inv, args, 'DB_CONNECTION');
  const database = consoleOption(args, '--database');
  for (const chosen of named) {
    // `.env.<env>` where the line names an environment that has one, else `.env`
    const own = chosen === undefined || chosen === null ? 'missing' : dotenvAt(rt, root, `.env.${chosen}`);
    const vars = own === 'missing' ? dotenvAt(rt, root, '.env') : own;
    if (vars === undefined) continue; // being read
    const fileVars = vars === null || vars === 'missing' ? new Map<string, string>() : vars;
    // null: a value guard cannot know, any environment but testing
    const environment = chosen !== undefined ? chosen : (whole(fileVars.get('APP_ENV')) ?? (fileVars.has('APP_ENV') ? null : 'production'));
    if (environment === 'testing') continue;
    for (const onLine of connectionsOnLine) {
      let connection: string | null | undefined = database !== undefined ? database : onLine !== undefined ? onLine : whole(fileVars.get('DB_CONNECTION'));
      if (connection === undefined) {
        if (config === undefined) continue; // being read
        connection = parsed?.fallback ?? null;
      }
      if (connection === null) continue;
      const driver = LARAVEL_SERVER_DRIVERS.test(connection) ? connection : (parsed?.driver(connection) ?? null);
      if (driver !== null && LARAVEL_SERVER_DRIVERS.test(driver)) {
        const where = database !== undefined ? `--database=${database}` : onLine !== undefined ? 'DB_CONNECTION on the line' : fileVars.has('DB_CONNECTION') ? 'DB_CONNECTION in .env' : 'config/database.php';
        return `the ${environment ?? 'configured'} database, on a ${driver} server (${where})`;
      }
    }
  }
  return null;
}

/** Doctrine's URL schemes that are a file (everything else names a server). */
const FILE_SCHEMES = /^(sqlite3?|pdo-sqlite)$/;

/** What a doctrine command does to every table, or null where it does not (or only prints). */
function doctrineDrop(words: string[], args: Field[]): string | null {
  const [name = '', operand = ''] = words;
  const has = (...flags: string[]): boolean => args.some((a) => a.value !== null && flags.includes(a.value));
  if (has('--help', '-h', '--dry-run', '--write-sql')) return null;
  if (consoleNames(name, ['doctrine:database:drop']) && has('--force', '-f')) return 'doctrine:database:drop --force drops';
  if (consoleNames(name, ['doctrine:schema:drop']) && has('--force', '-f')) return 'doctrine:schema:drop --force drops every table of';
  if (consoleNames(name, ['doctrine:fixtures:load']) && !has('--append')) return 'doctrine:fixtures:load purges every table of';
  if (consoleNames(name, ['doctrine:migrations:migrate']) && operand === 'first') return 'doctrine:migrations:migrate first reverts every migration of';
  return null;
}

/** symfony/dotenv's loadEnv over the project's files: its variables, or undefined while they are being read. */
function symfonyEnv(rt: Runtime, root: string, onLine: string | null | undefined): Map<string, string> | null | undefined {
  const compiled = readAt(rt, root, '.env.local.php');
  const base = dotenvAt(rt, root, '.env');
  const dist = dotenvAt(rt, root, '.env.dist');
  const local = dotenvAt(rt, root, '.env.local');
  if (compiled === undefined || base === undefined || dist === undefined || local === undefined) return undefined;
  if (compiled !== null && compiled !== 'missing') {
    // `'DATABASE_URL' => 'postgresql://...'` in the array composer dump-env wrote
    const vars = new Map<string, string>();
    for (const m of compiled.text.matchAll(/['"](\w+)['"]\s*=>\s*'((?:[^'\\]|\\.)*)'/g)) vars.set(m[1] as string, (m[2] as string).replace(/\\(.)/g, '$1'));
    return vars;
  }
  const vars = new Map<string, string>();
  const merge = (more: Map<string, string> | 'missing' | null): void => {
    if (more !== null && more !== 'missing') for (const [k, v] of more) vars.set(k, v);
  };
  merge(base === 'missing' ? dist : base);
  let env = onLine !== undefined ? onLine : (whole(vars.get('APP_ENV')) ?? (vars.has('APP_ENV') ? null : 'dev'));
  if (env !== 'test') {
    merge(local);
    if (onLine === undefined) env = whole(vars.get('APP_ENV')) ?? (vars.has('APP_ENV') ? null : 'dev');
  }
  if (env === null) return null;
  vars.set('APP_ENV', env);
  if (env === 'local') return vars;
  const own = dotenvAt(rt, root, `.env.${env}`);
  const ownLocal = dotenvAt(rt, root, `.env.${env}.local`);
  if (own === undefined || ownLocal === undefined) return undefined;
  merge(own);
  merge(ownLocal);
  vars.set('APP_ENV', env);
  return vars;
}

/** `bin/console doctrine:database:drop --force` and its kin against a server: what it does, or null. */
export function symfony(inv: Invocation, label: string, args: Field[], rt: Runtime, script: string | undefined): string | null {
  const words = operandWords(args, ['--env', '-e', '--connection', '-c', '--em', '--group', '--purger', '--purge-exclusions', '--configuration', '--db-configuration', '--conn', '--query-time']);
  const what = doctrineDrop(words, args);
  if (what === null) return null;
  // bin/console's project is the directory above bin/; `symfony console` runs where it is typed
  const bin = script !== undefined ? scriptDir(script, inv.cwd) : null;
  const root = script === undefined ? inv.cwd : bin === null ? null : path.posix.dirname(bin);
  const flagged = consoleOption(args, '--env', '-e');
  const named = flagged !== undefined ? [flagged] : lineVarChoices(inv, args, 'APP_ENV');
  if (root === null) {
    // on another machine: its .env files are there, unseen (the test environment stays free, as here)
    const remote = named.some((e) => e !== 'test') ? unseenProject(inv, args) : undefined;
    return remote === undefined ? null : `${label} ${what} ${remote}`;
  }
  const urlsOnLine = lineVarChoices(inv, args, 'DATABASE_URL');
  for (const chosen of named) {
    const vars = symfonyEnv(rt, root, chosen);
    if (vars === undefined) continue;
    const environment = chosen !== undefined ? chosen : (vars?.get('APP_ENV') ?? null);
    if (environment === 'test') continue;
    for (const onLine of urlsOnLine) {
      const url = onLine !== undefined ? onLine : vars?.get('DATABASE_URL');
      const scheme = url === undefined || url === null ? null : (/^([a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase() ?? null);
      if (scheme === null || scheme.includes(UNKNOWN) || FILE_SCHEMES.test(scheme)) continue;
      return `${label} ${what} the ${environment ?? 'configured'} database, on a ${scheme} server (DATABASE_URL${onLine !== undefined ? ' on the line' : ''})`;
    }
  }
  return null;
}
