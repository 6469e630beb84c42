/**
 * golang-migrate's and dbmate's wipes of a database server: `migrate -database postgres://...
 * drop` (`-f` or not: without it the tool asks on the terminal, which `yes |` or a person
 * answers), `migrate ... down` (every migration unless `down N`; `-all` skips the question),
 * `down N` with N > 1, `dbmate drop`. Until 2026-12-06 they were only the capture of the
 * repository's ignored database files (databases.ts), nothing for PostgreSQL. The same lines
 * run from the tools' official images (`docker run migrate/migrate ...`, `docker run
 * amacneil/dbmate ...`) come here through container-exec.ts.
 *
 * Which database, read as each tool reads it:
 *  - golang-migrate (internal/cli/main.go): only its `-database URL` (`--database`, `=URL`);
 *    the URL's scheme says server or file (`sqlite3://`, `sqlite://`, `file://`).
 *  - dbmate (pkg/dbmate, main.go): `--url`/`-u`, else the variable `--env`/`-e` names (default
 *    DATABASE_URL) from the process, else from the env files (`--env-file`, default `.env`),
 *    which godotenv loads without overwriting a variable already set.
 * A URL guard cannot see, or none, leaves the command as before. diesel and sqlx (Rust): below,
 * rustToolUrl; goose and Atlas at the end.
 */
import path from 'node:path';
import { parseDotenv, whole } from './dotenv.js';
import type { Field } from './expand.js';
import { operandWords, optionValue as option } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { lineVarChoices, moreThanOne, readAt } from './server-frameworks.js';

/** URL schemes of database servers, as golang-migrate's and dbmate's drivers register them (the part before `+` or `:`). */
const SERVER_SCHEMES = /^(postgres|postgresql|pgx|pgx4|pgx5|mysql|mariadb|cockroach|cockroachdb|crdb-postgres|redshift|clickhouse|mongodb|mongodb\+srv|sqlserver|spanner|spanner-postgres|cassandra|scylla|firebird|firebirdsql|neo4j|yugabyte|yugabytedb|ysql|snowflake|bigquery|rqlite)$/i;

/** The server scheme a URL names, or null (a file, a placeholder, nothing). */
export function serverScheme(url: string | null | undefined): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url?.trim() ?? '')?.[1];
  if (scheme === undefined) return null;
  if (SERVER_SCHEMES.test(scheme)) return scheme.toLowerCase();
  const base = scheme.split('+')[0] as string;
  return SERVER_SCHEMES.test(base) ? base.toLowerCase() : null;
}


const MIGRATE_VALUES = ['-path', '--path', '-source', '--source', '-database', '--database', '-prefetch', '--prefetch', '-lock-timeout', '--lock-timeout'];

/** golang-migrate's `drop`, `down` (all), `down N` (N > 1) against a server: what it does, or null. */
export function golangMigrate(args: Field[]): string | null {
  if (args.some((a) => a.value === '-help' || a.value === '--help' || a.value === '-h')) return null;
  const words = operandWords(args, MIGRATE_VALUES);
  const at = words.findIndex((w) => w === 'drop' || w === 'down' || w === 'goto');
  if (at === -1) return null;
  const command = words[at] as string;
  let what: string;
  if (command === 'drop') what = 'migrate drop drops everything in the database';
  // `goto V` goes down to V where the database is ahead of it, which guard cannot see: judged as that rollback
  else if (command === 'goto') what = `migrate goto ${words[at + 1] ?? 'V'} reverts every migration after that version (dropping what they made) in the database`;
  else {
    const count = words[at + 1];
    if (count !== undefined && /^\d+$/.test(count) && !moreThanOne(count)) return null;
    what = count !== undefined && /^\d+$/.test(count) ? `migrate down ${count} reverts the last ${count} migrations, dropping what they made, in the database` : 'migrate down reverts every migration, dropping their tables, in the database';
  }
  const url = option(args, ['-database', '--database']);
  const server = serverScheme(url);
  return server === null ? null : `${what} -database names, on a ${server} server`;
}

const DBMATE_VALUES = ['--url', '-u', '--env', '-e', '--env-file', '--migrations-dir', '-d', '--migrations-table', '--schema-file', '-s', '--wait-timeout'];

/** `dbmate drop` against a server: what it does, or null. */
export function dbmate(inv: Invocation, args: Field[], rt: Runtime): string | null {
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const [first] = operandWords(args, DBMATE_VALUES);
  if (first !== 'drop') return null;
  const onLine = option(args, ['--url', '-u']);
  if (onLine !== undefined) {
    const server = serverScheme(onLine);
    return server === null ? null : `dbmate drop drops the database --url names, on a ${server} server`;
  }
  const variable = option(args, ['--env', '-e']) ?? 'DATABASE_URL';
  if (variable === null) return null;
  const fromEnv = lineVarChoices(inv, args, variable).find((v) => v !== undefined);
  if (fromEnv !== undefined) {
    const server = serverScheme(fromEnv);
    return server === null ? null : `dbmate drop drops the database ${variable} names, on a ${server} server (${variable} on the line)`;
  }
  if (inv.cwd === null) return null;
  // every --env-file (default .env), the first that sets the variable wins (godotenv.Load keeps what is set)
  const named: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === '--env-file') {
      const v = args[i + 1]?.value;
      if (v === null || v === undefined) return null;
      named.push(v);
    } else if (w?.startsWith('--env-file=')) named.push(w.slice('--env-file='.length));
  }
  const files = (named.length > 0 ? named : ['.env']).map((f) => resolvePath(f, inv.cwd));
  const texts = files.map((abs) => (abs === null ? null : ([abs, readAt(rt, path.posix.dirname(abs), path.posix.basename(abs))] as const)));
  for (const entry of texts) {
    if (entry === null) return null;
    const [abs, found] = entry;
    if (found === undefined || found === null || found === 'missing') continue;
    const value = whole(parseDotenv(found.text).get(variable));
    if (value === undefined) continue;
    const server = serverScheme(value);
    return server === null ? null : `dbmate drop drops the database ${variable} names, on a ${server} server (${variable} in ${path.posix.basename(abs)})`;
  }
  return null;
}

/**
 * The database URL diesel_cli and sqlx-cli use: `--database-url` (sqlx's `-D` too), else
 * DATABASE_URL from the line, else from the nearest `.env` up from where the line runs (both
 * call dotenvy's `dotenv()`, which looks in the directory and its parents and keeps a variable
 * already set; sqlx's `--no-dotenv` skips it). Null where guard cannot tell, undefined where
 * nothing names one (the tool fails).
 */
function rustToolUrl(inv: Invocation, args: Field[], rt: Runtime, names: readonly string[]): { url: string; from: string } | null | undefined {
  const onLine = option(args, names);
  if (onLine === null) return null;
  if (onLine !== undefined) return { url: onLine, from: names[0] as string };
  const fromEnv = lineVarChoices(inv, args, 'DATABASE_URL').find((v) => v !== undefined);
  if (fromEnv === null) return null;
  if (fromEnv !== undefined) return { url: fromEnv, from: 'DATABASE_URL on the line' };
  if (inv.cwd === null || args.some((a) => a.value === '--no-dotenv')) return undefined;
  const found = readAt(rt, inv.cwd, '.env', true);
  if (found === undefined || found === null) return null;
  if (found === 'missing') return undefined;
  const value = whole(parseDotenv(found.text).get('DATABASE_URL'));
  return value === undefined ? undefined : value === null ? null : { url: value, from: `DATABASE_URL in ${path.posix.relative(inv.cwd, found.path) || '.env'}` };
}

const DIESEL_VALUES = ['--database-url', '--config-file', '--migration-dir', '--number', '-n', '--locked-schema'];

/**
 * diesel_cli (diesel_cli/src/cli.rs): `database reset|drop`, `migration revert|redo --all` or
 * `-n N` with N > 1 against a server (its postgres and mysql backends; a sqlite URL is a file,
 * captured by databases.ts). One step (the default) is the everyday undo and stays free.
 */
export function diesel(inv: Invocation, args: Field[], rt: Runtime): string | null {
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const [group, command] = operandWords(args, DIESEL_VALUES);
  let what: string;
  if (group === 'database' && (command === 'reset' || command === 'drop')) what = command === 'reset' ? 'diesel database reset drops and recreates the database' : 'diesel database drop drops the database';
  else if (group === 'migration' && (command === 'revert' || command === 'redo')) {
    const all = args.some((a) => a.value === '--all' || a.value === '-a');
    const count = option(args, ['--number', '-n']);
    if (!all && !moreThanOne(count)) return null;
    what = `diesel migration ${command} ${all ? '--all reverts every migration' : `-n ${count ?? 'N'} reverts the last ${count ?? 'N'} migrations`}${command === 'redo' ? ' and runs them again' : ''}, dropping what they made in the database`;
  } else return null;
  const named = rustToolUrl(inv, args, rt, ['--database-url']);
  if (!named) return null;
  const server = serverScheme(named.url);
  return server === null ? null : `${what}, on a ${server} server (${named.from})`;
}

const SQLX_VALUES = ['--database-url', '-D', '--source', '--target-version', '--connect-timeout'];

/**
 * sqlx-cli (sqlx-cli/src/opt.rs): `database drop|reset` (`-y` only skips its question, which an
 * agent can answer), `migrate revert --target-version V` (every migration after V) against a
 * server; `migrate revert` alone reverts the latest one, the everyday undo.
 */
export function sqlx(inv: Invocation, args: Field[], rt: Runtime): string | null {
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const [group, command] = operandWords(args, SQLX_VALUES);
  let what: string;
  if (group === 'database' && (command === 'reset' || command === 'drop')) what = command === 'reset' ? 'sqlx database reset drops and recreates the database' : 'sqlx database drop drops the database';
  else if (group === 'migrate' && command === 'revert') {
    const target = option(args, ['--target-version']);
    if (target === undefined) return null;
    what = `sqlx migrate revert --target-version ${target ?? 'V'} reverts every migration after that version, dropping what they made in the database`;
  } else return null;
  const named = rustToolUrl(inv, args, rt, ['--database-url', '-D']);
  if (!named) return null;
  const server = serverScheme(named.url);
  return server === null ? null : `${what}, on a ${server} server (${named.from})`;
}

const GOOSE_VALUES = ['-dir', '--dir', '-table', '--table', '-certfile', '-ssl-cert', '-ssl-key', '-env', '--env', '-timeout', '--timeout'];

/** goose's drivers that are files or in-process (the rest are servers: postgres, mysql, mssql, clickhouse, redshift, tidb, vertica, ydb, starrocks, turso). */
const GOOSE_FILE_DRIVERS = /^(sqlite3?|sqlite)$/;

/**
 * goose (pressly/goose cmd/goose/main.go): `reset` (every migration down) and `down-to V`
 * (every migration after V) against a server; `down` and `redo` (one) stay free. The driver
 * is the first operand, or GOOSE_DRIVER from the line, else from `.env` where the line runs
 * (goose loads it unless `-env=none`; another `-env FILE` is read as named).
 */
export function goose(inv: Invocation, args: Field[], rt: Runtime): string | null {
  if (args.some((a) => a.value === '--help' || a.value === '-h' || a.value === '-help')) return null;
  const words = operandWords(args, GOOSE_VALUES);
  const at = words.findIndex((w) => w === 'reset' || w === 'down-to');
  if (at === -1) return null;
  const what = words[at] === 'reset' ? 'goose reset reverts every migration, dropping their tables' : `goose down-to ${words[at + 1] ?? 'V'} reverts every migration after that version, dropping what they made`;
  let driver: string | null | undefined = at >= 2 ? words[0] : undefined;
  let from = 'on the line';
  if (driver === undefined) {
    driver = lineVarChoices(inv, args, 'GOOSE_DRIVER').find((v) => v !== undefined);
    from = 'GOOSE_DRIVER on the line';
  }
  if (driver === undefined) {
    const envFile = option(args, ['-env', '--env']) ?? '.env';
    if (envFile === null || envFile === 'none' || inv.cwd === null) return null;
    const abs = resolvePath(envFile, inv.cwd);
    const found = abs === null ? null : readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
    if (!found || found === 'missing') return null;
    driver = whole(parseDotenv(found.text).get('GOOSE_DRIVER'));
    from = `GOOSE_DRIVER in ${envFile}`;
  }
  if (driver === undefined || driver === null || GOOSE_FILE_DRIVERS.test(driver)) return null;
  return `${what} in the database, on a ${driver} server (${from})`;
}

/**
 * Atlas (ariga.io/atlas cmd/atlas): `schema clean` (drops every object; `--auto-approve` only
 * skips its question) and `migrate down` of more than one migration (`--to-version`,
 * `--to-tag`, an amount over 1) against the server its `--url`/`-u` names; a URL from atlas.hcl's
 * `--env` is not read (left as before).
 */
export function atlas(args: Field[]): string | null {
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const words = operandWords(args, ['--url', '-u', '--to', '--dev-url', '--dir', '--env', '--config', '-c', '--var', '--schema', '-s', '--exclude', '--format', '--revisions-schema', '--baseline', '--to-version', '--to-tag']);
  let what: string;
  if (words[0] === 'schema' && words[1] === 'clean') what = 'atlas schema clean drops every object in the database';
  else if (words[0] === 'migrate' && words[1] === 'down') {
    const target = option(args, ['--to-version', '--to-tag']);
    const amount = words[2];
    if (target === undefined && !(amount !== undefined && /^\d+$/.test(amount) && moreThanOne(amount))) return null;
    what = target !== undefined ? `atlas migrate down reverts every migration after ${target ?? 'the target'}, dropping what they made in the database` : `atlas migrate down ${amount} reverts the last ${amount} migrations, dropping what they made in the database`;
  } else return null;
  const server = serverScheme(option(args, ['--url', '-u']));
  return server === null ? null : `${what} --url names, on a ${server} server`;
}

