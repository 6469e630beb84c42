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
 * A URL guard cannot see, or none, leaves the command as before.
 */
import path from 'node:path';
import { parseDotenv, whole } from './dotenv.js';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
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

/** A value option's value (`-name V`, `--name V`, `-name=V`, `--name=V`): null unknown, undefined absent. */
function option(args: Field[], names: readonly string[]): string | null | undefined {
  let found: string | null | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === undefined || w === null) continue;
    for (const name of names) {
      if (w === name) found = args[i + 1]?.value ?? null;
      else if (w.startsWith(`${name}=`)) found = w.slice(name.length + 1);
    }
  }
  return found;
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
