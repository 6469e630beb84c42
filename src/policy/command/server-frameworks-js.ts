/**
 * Drizzle Kit and TypeORM against a database server (server-frameworks.ts, rule
 * `remote-data-delete`), read from the configuration each tool loads: `drizzle-kit push --force`
 * (it applies data-loss statements, dropped tables and columns, without the question plain `push`
 * asks) by drizzle.config.*'s `dialect` (or drizzle-kit 0.20's `driver`), and TypeORM's
 * `schema:drop` (every table) and `schema:sync` (the entities' schema forced on the database,
 * columns dropped with their data) by the data source's `type`. Until 2026-12-06 (late) both were
 * "no destructive command found" while `prisma db push --accept-data-loss` was refused: the same
 * loss. A SQLite file (`dialect: 'sqlite'`, TypeORM's `sqlite`, `better-sqlite3`) is databases.ts's
 * (captured first, as the repository's ignored database files are); Turso and D1 over HTTP are
 * servers.
 *
 * The configuration is TypeScript or JavaScript, which guard does not run: the literal `dialect`
 * / `type` string is read (comments out); a value computed at runtime is not a server guard can
 * name, and the line stays free (Known limits).
 */
import path from 'node:path';
import { withoutComments } from './code-comments.js';
import type { Field } from './expand.js';
import { operandWords, optionValue } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { environmentsOf, firstConfig, readAt, unseenProject } from './server-frameworks.js';
import { parseDotenv } from './dotenv.js';

/** drizzle.config's `dialect` (0.21+) or `driver` (0.20) values that name a server. */
const DRIZZLE_SERVER = /\b(?:dialect|driver)\s*:\s*['"`](postgresql|mysql|singlestore|gel|turso|pg|mysql2|d1-http|aws-data-api|pglite-server)['"`]/;

/** The config files drizzle-kit looks for where `--config` names none. */
const DRIZZLE_CONFIGS = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.cts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs', 'drizzle.config.json'];

/** `drizzle-kit push --force` (also 0.20's `push:pg --force`) against a server, or null. */
export function drizzle(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const [first = ''] = operandWords(args, ['--config', '--dialect', '--schema', '--url', '--driver']);
  if (!/^push(?::\w+)?$/.test(first) || !args.some((a) => a.value === '--force')) return null;
  // the line's own dialect wins over the config file's
  const dialect = optionValue(args, ['--dialect']);
  if (dialect === null) return null;
  if (dialect !== undefined) return serverDialect(`dialect: '${dialect}'`) === null ? null : `drizzle-kit ${first} --force applies the schema's data-loss statements (dropped tables and columns) without asking, on a ${dialect} server (--dialect)`;
  // on another machine: its drizzle.config is there, unseen
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `drizzle-kit ${first} --force applies the schema's data-loss statements (dropped tables and columns) without asking, to ${remote}`;
  if (inv.cwd === null) return null;
  const named = optionValue(args, ['--config']);
  if (named === null) return null;
  const candidates = named === undefined ? DRIZZLE_CONFIGS.map((n) => `${inv.cwd}/${n}`) : [resolvePath(named, inv.cwd)];
  const config = firstConfig(rt, candidates);
  if (config === null) return null;
  const server = serverDialect(config.text);
  return server === null ? null : `drizzle-kit ${first} --force applies the schema's data-loss statements (dropped tables and columns) without asking, on a ${server} server (${path.posix.basename(config.abs)}'s dialect)`;
}

function serverDialect(text: string): string | null {
  return DRIZZLE_SERVER.exec(jsCode(text))?.[1] ?? null;
}

/** JavaScript or TypeScript without comments; a `//` in a single-quoted or template string (`'postgres://...'`) is not one. */
function jsCode(text: string): string {
  return withoutComments(text.replace(/'[^'\n]*'|`[^`\n]*`/g, (m) => m.replace(/\/\//g, ':')), { hash: false });
}

/** TypeORM data source `type`s that are servers (sqlite, better-sqlite3, sqljs, capacitor, expo are files or memory). */
const TYPEORM_SERVER = /\btype\s*:\s*['"`](postgres|mysql|mariadb|mssql|oracle|cockroachdb|mongodb|sap|spanner|aurora-mysql|aurora-postgres)['"`]/;

/** `typeorm schema:drop -d DS` / `schema:sync` (also typeorm-ts-node-commonjs|esm) against a server, or null. */
export function typeorm(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const [first = ''] = operandWords(args, ['-d', '--dataSource', '--data-source']);
  if (first !== 'schema:drop' && first !== 'schema:sync') return null;
  const source = optionValue(args, ['-d', '--dataSource', '--data-source']);
  if (source === null || source === undefined) return null;
  const does = first === 'schema:drop' ? 'drops every table of the database' : "forces the entities' schema on the database, dropping the columns and tables they no longer have with their data";
  // on another machine: its data source file is there, unseen
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `${program} ${first} ${does.replace(/the database/, remote)}`;
  if (inv.cwd === null) return null;
  const abs = resolvePath(source, inv.cwd);
  if (abs === null) return null;
  const found = readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
  if (!found || found === 'missing') return null;
  const type = TYPEORM_SERVER.exec(jsCode(found.text))?.[1];
  if (type === undefined) return null;
  return `${program} ${first} ${does}, on a ${type} server (${source}'s type)`;
}

/** Lucid's (AdonisJS) commands that drop tables or delete rows, with what each does. */
const ADONIS_DROPS: Readonly<Record<string, string>> = {
  'migration:fresh': 'drops every table and runs the migrations again',
  'migration:reset': 'rolls back every migration, dropping the tables they made',
  'migration:refresh': 'rolls back every migration and runs them again, dropping the tables they made',
  'migration:rollback': 'rolls back the last batch of migrations (every migration, where they ran at once), dropping the tables they made',
  'db:wipe': 'drops every table, view and type',
  'db:truncate': 'deletes every row of every table',
};

/** Lucid's clients that talk to a server (pg, mysql2, mssql, oracledb, and their aliases). */
const LUCID_SERVER_CLIENTS = /^(?:pg|postgres|postgresql|mysql2?|mssql|oracledb|oracle|cockroachdb)$/;

/**
 * `node ace migration:fresh|reset|refresh|rollback`, `db:wipe`, `db:truncate` (AdonisJS's Lucid)
 * against a server: the connection `--connection`/`-c` names, else config/database.ts's default
 * `connection:` (a literal, or `env.get('DB_CONNECTION', 'x')`'s fallback), its `client:` read in
 * that connection's block. `ace` beside the config (`script`: the path ace was run by). null
 * where guard cannot read it (the databases.ts capture of file databases stays), and for
 * `migration:run` and `db:seed`, which only write (filipebraida/adonisjs-starter-kit on PostgreSQL,
 * realproj8, 2026-12-08: each of these was "no destructive command found").
 */
export function adonis(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined): string | null {
  const [first = ''] = operandWords(args, ['--connection', '-c', '--batch', '--step']);
  const does = ADONIS_DROPS[first];
  if (does === undefined || args.some((a) => a.value === '--dry-run')) return null;
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `ace ${first} ${does} in ${remote}`;
  const ace = resolvePath(script ?? 'ace', inv.cwd);
  if (ace === null) return null;
  const root = path.posix.dirname(ace);
  const config = firstConfig(rt, ['config/database.ts', 'config/database.js'].map((n) => `${root}/${n}`));
  if (config === null) return null;
  const code = jsCode(config.text);
  const named = optionValue(args, ['--connection', '-c']);
  if (named === null) return null;
  const connection = named ?? /\bconnection\s*:\s*(?:['"`](\w+)['"`]|env\.get\(\s*['"`]\w+['"`]\s*,\s*['"`](\w+)['"`]\s*\))/.exec(code)?.slice(1).find((v) => v !== undefined);
  if (connection === undefined) return null;
  const block = new RegExp(`(?:^|[\\s{,])['"]?${connection}['"]?\\s*:\\s*\\{[^}]*?\\bclient\\s*:\\s*['"\`]([\\w-]+)['"\`]`).exec(code);
  const client = block?.[1];
  if (client === undefined || !LUCID_SERVER_CLIENTS.test(client)) return null;
  return `ace ${first} ${does}, in the ${connection} connection's database on a ${client} server (${path.posix.relative(root, config.abs)})`;
}

/**
 * Medusa 2's `medusa db:rollback --modules X` (reverts those modules' last migrations, dropping
 * what they made) and `medusa db:sync-links --execute-all` (drops the link tables the code no
 * longer defines, without asking): Medusa 2 runs on PostgreSQL only (medusa-config's
 * databaseUrl), so the rows are a server's wherever the project is (medusajs/medusa-starter-default,
 * realproj8, 2026-12-08: both were "no destructive command found").
 */
export function medusa(inv: Invocation, args: Field[]): string | null {
  const [first = ''] = operandWords(args, ['--modules', '--db', '--directory', '-d']);
  const where = unseenProject(inv, args) ?? 'the PostgreSQL database medusa-config.ts names (DATABASE_URL)';
  if (first === 'db:rollback') return `medusa db:rollback reverts the last migrations of ${optionValue(args, ['--modules']) ?? 'the modules named'}, dropping the tables and columns they made in ${where}`;
  if (first === 'db:sync-links' && args.some((a) => a.value === '--execute-all')) return `medusa db:sync-links --execute-all drops the link tables the code no longer defines, without asking, in ${where}`;
  return null;
}

/** Strapi's database clients that talk to a server (config/database's `client`, DATABASE_CLIENT). */
const STRAPI_SERVER_CLIENTS = /^(?:postgres|postgresql|pg|mysql|mysql2|mariadb)$/;

/**
 * `strapi import --force` and `strapi transfer --from URL --force` delete every entry and upload
 * of the project's Strapi before they write the archive's (or the other Strapi's) data; `strapi
 * transfer --to URL --force` does so to the Strapi at URL. Refused where that database is a
 * server's: `--to` always (another machine's Strapi), else the client config/database.(js|ts)
 * names beside the line (`env('DATABASE_CLIENT', 'x')`'s fallback, or a literal `client:`;
 * DATABASE_CLIENT on the line first, then the .env beside it). Without `--force` Strapi asks first and, with no terminal,
 * stops: null, as for `prisma migrate dev`. The SQLite default (`.tmp/data.db`) is databases.ts's
 * capture (strapi/foodadvisor, realproj8, 2026-12-08: `yarn strapi import -f export.tar.gz --force`
 * was "no destructive command found").
 */
export function strapi(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const [first = ''] = operandWords(args, ['--file', '-f', '--key', '-k', '--to', '--from', '--to-token', '--from-token', '--exclude', '--only', '--throttle']);
  if ((first !== 'import' && first !== 'transfer') || !args.some((a) => a.value === '--force')) return null;
  const to = optionValue(args, ['--to']);
  if (first === 'transfer' && to !== undefined) return `strapi transfer --to ${to ?? 'URL'} --force deletes every entry and upload of the Strapi at that URL before it writes this project's, on its database server`;
  if (first === 'transfer' && optionValue(args, ['--from']) === undefined) return null;
  const does = `strapi ${first} --force deletes every entry of the project's database (and its uploads) before it writes ${first === 'import' ? "the archive's" : "the other Strapi's"}`;
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `${does}, in ${remote}`;
  if (inv.cwd === null) return null;
  const config = firstConfig(rt, ['config/database.ts', 'config/database.js'].map((n) => `${inv.cwd}/${n}`));
  const code = config === null ? '' : jsCode(config.text);
  const fallback = /\benv\(\s*['"`]DATABASE_CLIENT['"`]\s*,\s*['"`]([\w-]+)['"`]\s*\)/.exec(code)?.[1] ?? /\bclient\s*:\s*['"`]([\w-]+)['"`]/.exec(code)?.[1] ?? '';
  // Strapi loads the project's .env before its config: create-strapi-app writes DATABASE_CLIENT there
  const dot = readAt(rt, inv.cwd, '.env');
  const fromDotenv = dot && dot !== 'missing' ? parseDotenv(dot.text).get('DATABASE_CLIENT') : undefined;
  const clients = environmentsOf(inv, args, ['DATABASE_CLIENT'], fromDotenv ?? fallback);
  const server = clients.find((c) => c !== null && STRAPI_SERVER_CLIENTS.test(c));
  if (server === undefined || server === null) return null;
  return `${does}, in the ${server} server's database${config === null ? '' : ` (${path.posix.relative(inv.cwd, config.abs)})`}`;
}
