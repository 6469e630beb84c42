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
import { withoutComments } from './code-comments.js';
import path from 'node:path';
import { parseDotenv, whole } from './dotenv.js';
import type { Field } from './expand.js';
import { operandWords, optionValue as option } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { blockEnd, lineVarChoices, moreThanOne, isUnseenUrl, readAt, unseenProject } from './server-frameworks.js';

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

/** The stand-in's words (a project on another machine, remote-shell.ts; in a container or pod, container-exec.ts), as a refusal names it: `: the project's database on that machine`. */
function there(inv: Invocation, args: Field[]): string {
  return `: ${unseenProject(inv, args) ?? unseenProject(inv, [])}`;
}

/** golang-migrate's `drop`, `down` (all), `down N` (N > 1) against a server: what it does, or null. */
export function golangMigrate(inv: Invocation, args: Field[]): string | null {
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
  // `-database "$DATABASE_URL"` on another machine: the stand-in (remote-shell.ts)
  if (isUnseenUrl(url) && unseenProject(inv, []) !== undefined) return `${what} -database names${there(inv, args)}`;
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
  if (isUnseenUrl(fromEnv) && unseenProject(inv, args) !== undefined) return `dbmate drop drops the database ${variable} names${there(inv, args)}`;
  if (fromEnv !== undefined) {
    const server = serverScheme(fromEnv);
    return server === null ? null : `dbmate drop drops the database ${variable} names, on a ${server} server (${variable} on the line)`;
  }
  // on another machine: its env files are there, unseen
  if (unseenProject(inv, args) !== undefined) return `dbmate drop drops the database ${variable} names${there(inv, args)}`;
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
  if (isUnseenUrl(named.url) && unseenProject(inv, args) !== undefined) return `${what}${there(inv, args)}`;
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
  if (isUnseenUrl(named.url) && unseenProject(inv, args) !== undefined) return `${what}${there(inv, args)}`;
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
    // on another machine: its .env (or GOOSE_DRIVER set there) is unseen
    const remote = unseenProject(inv, args);
    if (remote !== undefined) return `${what} in ${remote}`;
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

/** HCL text without its comments (`#`, `//`, block comments), strings kept as they stand. */
function hclCode(text: string): string {
  return withoutComments(text, { hash: true });
}

/** The bodies of the HCL blocks `TYPE "LABEL" {` (and the unlabeled `TYPE {`), nested blocks out, with their label. */
function hclBlocks(code: string, type: string): Array<{ label: string | null; body: string }> {
  const out: Array<{ label: string | null; body: string }> = [];
  const re = new RegExp(`(?:^|\\n)\\s*${type}\\s*(?:"([^"]*)"\\s*)?\\{`, 'g');
  for (let m = re.exec(code); m !== null; m = re.exec(code)) {
    const open = m.index + m[0].length - 1;
    const end = blockEnd(code, open);
    if (end === -1) break;
    // the block's own attributes: its nested blocks out
    let body = code.slice(open + 1, end);
    for (let inner = body.indexOf('{'); inner !== -1; inner = body.indexOf('{')) {
      const close = blockEnd(body, inner);
      body = body.slice(0, inner) + (close === -1 ? '' : body.slice(close + 1));
      if (close === -1) break;
    }
    out.push({ label: m[1] ?? null, body });
  }
  return out;
}

/** An attribute's expression in a block body (`url = ...` up to the line's end). */
function hclAttribute(body: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\n)\\s*${name}\\s*=\\s*([^\\n]*)`).exec(body)?.[1]?.trim();
}

/**
 * The value of an atlas.hcl expression, as far as guard can read it: a string (its `${...}`
 * filled where known; unknown after the scheme a URL needs: kept), `getenv("X")` from the line,
 * `var.NAME` from `--var NAME=V` or the variable's default; null where unknown.
 */
function atlasValue(inv: Invocation, args: Field[], code: string, expr: string, depth = 0): string | null {
  if (depth > 3) return null;
  const getenv = /^getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)$/.exec(expr);
  if (getenv) return lineVarChoices(inv, args, getenv[1] as string).find((v) => v !== undefined) ?? null;
  const variable = /^var\.([A-Za-z_][\w-]*)$/.exec(expr);
  if (variable) {
    const name = variable[1] as string;
    // `--var name=value` (the last wins), else the variable block's default
    const given = args.map((a, i) => (a.value === '--var' ? args[i + 1]?.value : a.value?.startsWith('--var=') ? a.value.slice('--var='.length) : undefined)).filter((v) => v !== undefined);
    const mine = given.filter((v) => v === null || v.startsWith(`${name}=`)).at(-1);
    if (mine !== undefined) return mine === null ? null : mine.slice(name.length + 1);
    const block = hclBlocks(code, 'variable').find((b) => b.label === name);
    const fallback = block === undefined ? undefined : hclAttribute(block.body, 'default');
    return fallback === undefined ? null : atlasValue(inv, args, code, fallback, depth + 1);
  }
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(expr);
  if (!literal) return null;
  const text = (literal[1] as string).replace(/\$\{([^}]*)\}/g, (_m, inner: string) => atlasValue(inv, args, code, inner.trim(), depth + 1) ?? '\0');
  // a part guard cannot see after `scheme://` leaves the scheme, which is what is judged
  const unknownAt = text.indexOf('\0');
  return unknownAt === -1 ? text : /^[a-z][a-z0-9+.-]*:\/\//i.test(text.slice(0, unknownAt)) ? text.replace(/\0/g, 'x') : null;
}

/**
 * The URLs Atlas takes from its project file for `--env NAME` (cmdapi/project.go EnvByName:
 * every `env "NAME"` block, and an unlabeled `env` block named by its `name` attribute, usually
 * `atlas.env`: any NAME), the file `--config`/`-c` names (`file://atlas.hcl` by default). A URL
 * on the line (`--url`) wins over the file's (maySetFlag sets only a flag not given).
 */
function atlasEnvUrls(inv: Invocation, args: Field[], rt: Runtime, env: string): { urls: Array<string | null>; file: string } | null {
  if (inv.cwd === null) return null;
  const config = option(args, ['--config', '-c']) ?? 'file://atlas.hcl';
  if (config === null || !config.startsWith('file://')) return null;
  const abs = resolvePath(config.slice('file://'.length), inv.cwd);
  const found = abs === null ? null : readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
  if (!found || found === 'missing') return null;
  const code = hclCode(found.text);
  const blocks = hclBlocks(code, 'env').filter((b) => b.label === env || (b.label === null && hclAttribute(b.body, 'name') === 'atlas.env'));
  const urls = blocks.map((b) => hclAttribute(b.body, 'url')).filter((u): u is string => u !== undefined).map((u) => atlasValue(inv, args, code, u));
  return { urls, file: path.posix.basename(found.path) };
}

/**
 * Atlas (ariga.io/atlas cmd/atlas): `schema clean` (drops every object; `--auto-approve` only
 * skips its question) and `migrate down` of more than one migration (`--to-version`,
 * `--to-tag`, an amount over 1) against the server its `--url`/`-u` names, else the URL of the
 * `--env` block of atlas.hcl (atlasEnvUrls). A URL guard cannot read there (a `getenv("X")` of a
 * variable the line does not set, a `local.x`) leaves the command as before, as `--url "$X"` does.
 */
export function atlas(inv: Invocation, args: Field[], rt: Runtime): string | null {
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
  const onLine = option(args, ['--url', '-u']);
  if (onLine !== undefined) {
    if (isUnseenUrl(onLine) && unseenProject(inv, args) !== undefined) return `${what} --url names${there(inv, args)}`;
    const server = serverScheme(onLine);
    return server === null ? null : `${what} --url names, on a ${server} server`;
  }
  const env = option(args, ['--env']);
  if (env === undefined || env === null) return null;
  // on another machine: its atlas.hcl is there, unseen
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `${what} of the env "${env}"${there(inv, args)}`;
  const fromFile = atlasEnvUrls(inv, args, rt, env);
  const server = fromFile?.urls.map(serverScheme).find((s) => s !== null);
  return server === undefined || server === null ? null : `${what} of the env "${env}" in ${fromFile?.file ?? 'atlas.hcl'}, on a ${server} server`;
}

