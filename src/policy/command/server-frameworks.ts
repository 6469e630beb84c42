/**
 * Frameworks' drop and reset commands against a database server: `rails db:drop|reset|
 * schema:load|migrate:reset|purge|setup|seed:replant` (and `rake`, `bin/rails`), `prisma migrate
 * reset`, `prisma db push --force-reset|--accept-data-loss`, Django's `manage.py flush|reset_db`,
 * `sequelize db:drop`. Where the project's database is a file (SQLite), databases.ts captures it
 * before the command; where it is a server (PostgreSQL, MySQL, SQL Server, MongoDB ...), the rows
 * are outside every snapshot and the command was "no destructive command found" until
 * 2026-12-06. Now it is `remote-data-delete` (refused for an agent, asked of a person), the way
 * forward naming a dump first.
 *
 * Which database: read from the project's own configuration, as the framework does, for the
 * environment on the line: Rails' config/database.yml `adapter` (RAILS_ENV or RACK_ENV on the
 * line, `-e ENV`, default development; DATABASE_URL on the line wins), Prisma's schema.prisma
 * datasource `provider` (`--schema`, else prisma/schema.prisma or schema.prisma), Django's
 * settings module named in manage.py (its `ENGINE`), sequelize's config/config.json `dialect`
 * (NODE_ENV, default development). Where that cannot be read or says neither, the command is
 * left as before (databases.ts's capture of file databases): a framework command is everyday
 * work, and most of them in a project guard cannot read run against a local SQLite file. Rails'
 * test environment is left free too: its database is purged and reloaded by every test run.
 *
 * Other frameworks are read in their own files and dispatched from classifyServerFramework:
 * Laravel and Symfony (server-frameworks-php.ts), Ecto (server-frameworks-ecto.ts), Entity
 * Framework Core, Flyway and Liquibase (server-frameworks-jvm-dotnet.ts), Alembic
 * (server-frameworks-python.ts). Django's `migrate APP zero` is read here with flush.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords, optionValue } from './gnu-args.js';
import { resolvePath } from './paths.js';
import { classifyPrismaExecute } from './remote-data.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import { unexportedForChild, type Invocation, type Runtime } from './runtime.js';
import { ecto } from './server-frameworks-ecto.js';
import { entityFramework, flyway, gradle, liquibase, maven } from './server-frameworks-jvm-dotnet.js';
import { laravel, symfony } from './server-frameworks-php.js';
import { atlas, dbmate, diesel, golangMigrate, goose, sqlx } from './server-frameworks-migrate.js';
import { alembic, flaskMigrate } from './server-frameworks-python.js';
import { adonis, drizzle, medusa, strapi, typeorm } from './server-frameworks-js.js';
import { get, readYaml, str, TooBig, type Y } from './taskfile-yaml.js';

/** The way forward: a dump first (on the machine that holds it), or the framework's own test environment, which guard leaves free. */
export function instead(program: string, remote: 'host' | 'heroku' | 'container' | null): string {
  const test = TEST_ENVIRONMENT[program];
  if (remote === 'container') return `Dump the database first from where it runs (\`docker exec CONTAINER pg_dump DB > backup.sql\`, \`kubectl exec POD -- pg_dump DB > backup.sql\`), then ask the person to run it; guard cannot bring the rows back. Point the command at a disposable database (${test ? `${test}, ` : ''}a SQLite file) to work freely.`;
  if (remote === 'heroku') return `Capture a backup first (\`heroku pg:backups:capture -a APP\`; \`heroku pg:backups:restore\` brings it back), then ask the person to run it; guard cannot bring the rows back. Run it against a disposable database (${test ? `${test}, ` : ''}a review app) to work freely.`;
  if (remote === 'host') return `Dump the database on that machine first (there: \`pg_dump DB > ~/backup.sql\`, \`mysqldump DB > ~/backup.sql\`; or the host's own backup), then ask the person to run it; guard cannot bring the rows back. Point the command at a disposable database (${test ? `${test}, ` : ''}a SQLite file) to work freely.`;
  return `Dump the database first (\`pg_dump DB > backup.sql\`, \`mysqldump DB > backup.sql\`), then ask the person to run it; guard cannot bring the rows back. Point the command at a disposable database (${test ? `${test}, ` : ''}a SQLite file) to work freely.`;
}

/** How each framework's command is pointed at its test environment, whose database every test run empties anyway. */
const TEST_ENVIRONMENT: Readonly<Record<string, string>> = {
  rails: 'RAILS_ENV=test',
  rake: 'RAILS_ENV=test',
  'rails runner': 'RAILS_ENV=test',
  sequelize: 'NODE_ENV=test',
  'sequelize-cli': 'NODE_ENV=test',
  knex: 'NODE_ENV=test',
  'drizzle-kit': 'a `--config` whose dbCredentials name a throwaway database',
  artisan: '`--env=testing`',
  console: '`--env=test`',
  symfony: '`--env=test`',
  mix: 'MIX_ENV=test',
  'manage.py': 'a test settings module (`--settings`)',
  'django-admin': 'a test settings module (`--settings`)',
  'django-admin.py': 'a test settings module (`--settings`)',
  'dotnet-ef': 'an ASPNETCORE_ENVIRONMENT whose appsettings.<Environment>.json names a throwaway database, or `database update 0 --connection` to one',
  flyway: '`-url=` of a throwaway database',
  liquibase: '`--url` of a throwaway database',
  mvn: '`-Dflyway.url=` / `-Dliquibase.url=` of a throwaway database',
  mvnw: '`-Dflyway.url=` / `-Dliquibase.url=` of a throwaway database',
  gradle: '`-Pflyway.url=` of a throwaway database',
  gradlew: '`-Pflyway.url=` of a throwaway database',
  alembic: 'a `-c` config whose sqlalchemy.url is a throwaway database',
  flask: 'a SQLALCHEMY_DATABASE_URI (or DATABASE_URL) of a throwaway database on the line',
  diesel: '`--database-url` of a throwaway database',
  sqlx: '`--database-url` of a throwaway database',
  goose: 'the DBSTRING of a throwaway database',
  atlas: '`--url` of a throwaway database (atlas\'s `--dev-url` docker:// databases are disposable)',
  migrate: '`-database` of a throwaway database',
  dbmate: '`--url` of a throwaway database',
  ace: '`--connection` of a throwaway database (a SQLite connection)',
  medusa: 'a DATABASE_URL of a throwaway database on the line',
  strapi: 'DATABASE_CLIENT=sqlite on the line (`strapi export` first keeps an archive `strapi import` brings back)',
};

/** Rails adapters (and URL schemes) that talk to a server. */
const SERVER_ADAPTERS = /^(postgresql|postgres|postgis|mysql2?|trilogy|sqlserver|oracle_enhanced|cockroachdb|mongodb|mariadb)$/;
/** Prisma's server providers. */
const SERVER_PROVIDERS = new Set(['postgresql', 'postgres', 'mysql', 'sqlserver', 'mongodb', 'cockroachdb']);

/** `db:fixtures:load` deletes every row of each fixture's table, then inserts the fixtures (ActiveRecord::FixtureSet.create_fixtures). */
const RAILS_DROPS = /^db:(drop|reset|purge|setup|schema:load|structure:load|migrate:reset|seed:replant|truncate_all|fixtures:load)(:\w+)*$/;

/** A file's text (escaped), 'missing', or null where guard cannot read it; undefined while being read or by text. */
export function readAt(rt: Runtime, dir: string, name: string, up = false): { path: string; text: string } | 'missing' | null | undefined {
  return rt.ctx.view?.file({ dir, name, up });
}

/**
 * The first of a tool's candidate config files that exists, as the tool picks it: its path and
 * text; null where a candidate guard cannot name (a word it cannot see) or read comes first, or
 * none exists.
 */
export function firstConfig(rt: Runtime, candidates: ReadonlyArray<string | null>): { abs: string; text: string } | null {
  for (const abs of candidates) {
    if (abs === null) return null;
    const found = readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
    if (found === 'missing') continue;
    return found ? { abs, text: found.text } : null;
  }
  return null;
}

/** A line variable (`RAILS_ENV=x cmd`) or a rake-style `VAR=value` argument: its value, null unknown, undefined absent. */
function lineVar(inv: Invocation, args: Field[], name: string): string | null | undefined {
  const arg = args.find((a) => a.value?.startsWith(`${name}=`));
  if (arg) return arg.value!.slice(name.length + 1);
  return inv.env.has(name) ? (inv.env.get(name) ?? null) : undefined;
}

/**
 * What a line variable may be for the program, as the shell passes it: a prefix assignment, an
 * `export X=V` (or `X=V; export X`, or under `set -a`) earlier on the line is that value; `X=V;`
 * never exported reaches the program only where the environment guard cannot see exports X
 * already: the value, or its absence (undefined). So `RAILS_ENV=test; rails db:reset` is judged
 * for development too, which is where it runs in a fresh shell; and so is `bash -c 'rails
 * db:reset'` after it, where the new shell holds RAILS_ENV as test or empty (Evaluator.inherited).
 */
export function lineVarChoices(inv: Invocation, args: Field[], name: string): Array<string | null | undefined> {
  const value = lineVar(inv, args, name);
  if (value === undefined || args.some((a) => a.value?.startsWith(`${name}=`))) return [value];
  if (unexportedForChild(inv, name)) return [value, undefined];
  const shell = inv.state.vars.get(name);
  return value === null && shell?.value === null && shell.maybeUnset && shell.nonEmpty !== undefined ? [shell.nonEmpty, undefined] : [value];
}

/** The environments a command may run in: the first of `names` the line sets (each choice), else `fallback`; null unknown. */
export function environmentsOf(inv: Invocation, args: Field[], names: readonly string[], fallback: string): Array<string | null> {
  const [name, ...rest] = names;
  if (name === undefined) return [fallback];
  const all = lineVarChoices(inv, args, name).flatMap((v) => (v !== undefined ? [v] : environmentsOf(inv, args, rest, fallback)));
  return [...new Set(all)];
}

/**
 * DATABASE_URL as guard stands it in for a project run on another machine whose configuration it
 * cannot read (`ssh prod "cd app && bin/rails db:reset"`: remote-shell.ts), as it stands Heroku's
 * Postgres URL in for `heroku run`: whatever database that project uses, it is on that machine,
 * outside every snapshot. Read by Rails (DATABASE_URL over database.yml), and by Prisma and
 * Laravel where there is no project directory to read (CommandContext.inContainer's configDir null).
 */
export const UNSEEN_DATABASE_URL = 'unseen://the-project-database';

/**
 * DATABASE_URL as guard stands it in for a project in a container or pod whose files are not the
 * repository's (container-exec.ts: a pod's image, a container guard cannot match to a compose
 * service, a compose service that neither mounts the repository nor is built from it): its
 * configuration is in the image, unseen, and whatever database it names is outside every
 * snapshot, as UNSEEN_DATABASE_URL's is (docs/DECISIONS.md, "Whose configuration a container's
 * framework reads").
 */
export const CONTAINER_DATABASE_URL = 'unseen://the-container-project-database';

/** Whether a DATABASE_URL is one of guard's stand-ins for a project whose configuration it cannot see. */
export function isUnseenUrl(url: string | null | undefined): boolean {
  return url === UNSEEN_DATABASE_URL || url === CONTAINER_DATABASE_URL;
}

/**
 * DATABASE_URL as guard stands it in for `heroku run` (a dyno of the app): Heroku sets it to the
 * app's Postgres. A dyno's own files are thrown away when it exits (and Heroku runs no SQLite), so
 * the only database a framework's reset there can empty for good is that server, whatever the
 * repository's configuration says for this machine: the frameworks that read no DATABASE_URL
 * judge it as unseenProject says.
 */
export const HEROKU_DATABASE_URL = 'postgres://heroku-app-database/app';

/** How a refusal names the database a server URL (serverUrl's scheme) points at. */
export function urlDatabase(scheme: string): string {
  if (scheme === 'container') return 'the database of the project in the container (its configuration is in the container\'s image, unseen)';
  return scheme === 'unseen' ? 'the project\'s database on that machine (its configuration is there, unseen)' : `the ${scheme} database DATABASE_URL names`;
}

/**
 * The project's database where the line runs on another machine whose configuration guard cannot
 * read (remote-shell.ts: no project directory here, DATABASE_URL the stand-in UNSEEN_DATABASE_URL):
 * urlDatabase's words for it; undefined elsewhere (a container's line, whose project is the
 * repository, or a line whose own DATABASE_URL replaces the stand-in). The frameworks that read no
 * DATABASE_URL (Django's settings, mix.exs, flyway.conf, alembic.ini, appsettings.json ...) ask this
 * where they would read their configuration: whatever it names is on that machine, outside every
 * snapshot, as a dyno's database is its app's. What the line itself says still decides first (the
 * test environment, a `--url` or `-database` it names). A DATABASE_URL the container's environment
 * or the line sets does not replace the stand-in here (Invocation.unseenProject, since 2026-12-07):
 * these frameworks do not read it, so Django without dj-database-url, Ecto or Flyway in a pod with
 * DATABASE_URL set were left free; the ones that read it (Rails, Prisma, Laravel, dbmate,
 * golang-migrate) read lineServerUrl instead.
 */
export function unseenProject(inv: Invocation, args: Field[]): string | undefined {
  if (inv.cwd !== null) return undefined;
  // the stand-in of the context, where the container's environment or the line set a DATABASE_URL these frameworks do not read
  const urls = [...lineVarChoices(inv, args, 'DATABASE_URL'), inv.unseenProject];
  return urls.includes(UNSEEN_DATABASE_URL) ? urlDatabase('unseen') : urls.includes(CONTAINER_DATABASE_URL) ? urlDatabase('container') : urls.includes(HEROKU_DATABASE_URL) ? 'the app\'s Heroku Postgres database (DATABASE_URL on the dyno)' : undefined;
}

/** The server scheme of the first DATABASE_URL the line may set that names a server (serverUrl), else undefined. */
export function lineServerUrl(inv: Invocation, args: Field[]): string | undefined {
  return lineVarChoices(inv, args, 'DATABASE_URL').map(serverUrl).find((s): s is string => s !== null);
}

/** The scheme of a database URL that names a server (`unseen` for UNSEEN_DATABASE_URL), else null. */
export function serverUrl(url: string | null | undefined): string | null {
  if (url === UNSEEN_DATABASE_URL) return 'unseen';
  if (url === CONTAINER_DATABASE_URL) return 'container';
  const scheme = /^([a-z0-9+]+):/.exec(url ?? '')?.[1]?.split('+')[0];
  return scheme !== undefined && SERVER_ADAPTERS.test(scheme) ? scheme : null;
}

/** database.yml without ERB: `<%= x %>` a placeholder, `<% ... %>` lines out. */
function withoutErb(text: string): string {
  return text.replace(/^[ \t]*<%(?!=)[\s\S]*?%>[ \t]*$/gm, '').replace(/<%=?[\s\S]*?%>/g, 'erb');
}

/** The server adapter an environment's databases use (multi-database: any of them), or null. */
function railsServerAdapter(text: string, environment: string): string | null {
  let doc: Y | null;
  try {
    doc = readYaml(withoutErb(text));
  } catch (error) {
    if (error instanceof TooBig) return null;
    throw error;
  }
  const env = get(doc ?? undefined, environment);
  if (!env || env.kind !== 'map') return null;
  const adapters: string[] = [];
  const direct = str(get(env, 'adapter'));
  if (direct !== null) adapters.push(direct);
  const url = serverUrl(str(get(env, 'url')));
  if (url) adapters.push(url);
  // Rails 6+ multiple databases: `development: { primary: {...}, cache: {...} }`
  if (direct === null) for (const value of env.entries.values()) if (value.kind === 'map') adapters.push(str(get(value, 'adapter')) ?? serverUrl(str(get(value, 'url'))) ?? '');
  return adapters.find((a) => SERVER_ADAPTERS.test(a)) ?? null;
}

/**
 * A count of steps back as the line gives it (`STEP=3`, `--step=5`, `-n 3`): whether it may be
 * more than one (a value guard cannot see may be). A partial rollback drops what those migrations
 * made (docs/DECISIONS.md, "Rollbacks of more than one migration"): the framework's one-step undo
 * of the last migration stays free, the everyday fix of a migration just written.
 */
export function moreThanOne(step: string | null | undefined): boolean {
  if (step === undefined) return false;
  return step === null || !/^\s*0*1\s*$/.test(step);
}

/**
 * Rails' rollbacks of more than one migration: `db:rollback STEP=3` (`db:migrate:redo STEP=3`,
 * `db:rollback:primary`), `db:migrate VERSION=0` (every migration down), `db:migrate VERSION=x`. The database tasks of
 * railties (activerecord/lib/active_record/railties/databases.rake: `db:rollback` reads
 * ENV["STEP"], default 1; `db:migrate` ENV["VERSION"]). `db:migrate VERSION=x` goes down to x
 * where the database is ahead of it (guard cannot see which): judged as that rollback, as Django's
 * `migrate APP NAME` is; `db:migrate:down VERSION=x` is one migration, free.
 */
function railsRollback(inv: Invocation, args: Field[], words: string[]): string | null {
  const rollback = words.find((w) => /^db:(rollback|migrate:redo)(:\w+)?$/.test(w));
  if (rollback !== undefined) {
    const step = lineVarChoices(inv, args, 'STEP').find((v) => moreThanOne(v));
    return step !== undefined ? `${rollback} STEP=${step ?? '?'}` : null;
  }
  const migrate = words.find((w) => /^db:migrate(:\w+)?$/.test(w) && !/^db:migrate:(status|up|down|redo|reset)$/.test(w));
  if (migrate === undefined) return null;
  // VERSION=x goes down to x where the database is ahead of it, which guard cannot see: judged as the rollback it is typed for
  const version = lineVarChoices(inv, args, 'VERSION').find((v) => v !== undefined);
  return version !== undefined ? `${migrate} VERSION=${version ?? '?'}` : null;
}

function rails(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-e', '--environment']);
  const task = words.find((w) => RAILS_DROPS.test(w)) ?? railsRollback(inv, args, words);
  if (!task) return null;
  const environments = railsEnvironments(inv, args);
  if (environments.length === 0) return null;
  const step = /STEP=(.*)$/.exec(task)?.[1];
  const version = /VERSION=(.*)$/.exec(task)?.[1];
  const does = /^db:fixtures:load/.test(task) ? 'deletes the rows of the fixtures\' tables (then loads test/fixtures) in' : RAILS_DROPS.test(task) ? 'drops or empties' : step !== undefined ? `reverts the last ${step} migrations (dropping what they made) of` : version !== undefined && /^0+$/.test(version) ? 'reverts every migration (dropping their tables) of' : 'reverts every migration after that version (dropping what they made) of';
  const db = railsServerDatabase(inv, args, rt, environments);
  return db === null ? null : `${program} ${task} ${does} ${db}`;
}

/**
 * The server database a Rails line's environments use, in a refusal's words, or null (SQLite, a
 * URL that names no server, or guard cannot tell): DATABASE_URL on the line (a stand-in: which
 * environment, as the line chose it), else config/database.yml. For rails() here and a project's
 * own rake tasks (rake-tasks.ts). `environments` as the line chose them, test left out.
 */
export function railsServerDatabase(inv: Invocation, args: Field[], rt: Runtime, environments: readonly string[]): string | null {
  const urls = lineVarChoices(inv, args, 'DATABASE_URL');
  const server = lineServerUrl(inv, args);
  // a stand-in (another machine, a container's image): which environment's database, as the line chose it
  if (server === 'unseen' || server === 'container') return `${urlDatabase(server)} in the ${environments.join(' or ')} environment`;
  if (server) return urlDatabase(server);
  // a URL on the line that names no server (sqlite3:...) wins over database.yml
  if (urls.every((u) => u !== undefined && u !== null)) return null;
  if (inv.cwd === null) return null;
  const found = readAt(rt, inv.cwd, 'config/database.yml', true);
  if (found === undefined || found === null || found === 'missing') return null;
  for (const env of environments) {
    const adapter = railsServerAdapter(found.text, env);
    if (adapter) return `the ${env} database, on a ${adapter} server (config/database.yml)`;
  }
  return null;
}

/** The environments a Rails line runs in (`-e`, `--environment=`, RAILS_ENV, RACK_ENV, default development; one guard cannot see: any but test), test left out. */
export function railsEnvironments(inv: Invocation, args: Field[]): string[] {
  const eIndex = args.findIndex((a) => a.value === '-e' || a.value === '--environment');
  const flagged = eIndex !== -1 ? args[eIndex + 1]?.value : args.find((a) => a.value?.startsWith('--environment='))?.value?.slice('--environment='.length);
  // null: a value guard cannot know, any but test that uses a server
  const chosen = flagged !== undefined ? [flagged] : environmentsOf(inv, args, ['RAILS_ENV', 'RACK_ENV'], 'development');
  return [...new Set(chosen.flatMap((e) => (e === null ? ['development', 'production', 'staging'] : [e])))].filter((e) => e !== 'test');
}

/** The provider of schema.prisma's datasource, comments out. */
function prismaProvider(text: string): string | null {
  const code = text.replace(/\/\/.*$/gm, '');
  return /\bdatasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*"([^"]+)"/s.exec(code)?.[1] ?? null;
}

/**
 * `prisma db execute`: whether the database it sends its SQL to is a server's: `--url`'s scheme
 * (one guard cannot see counts as a server), else the schema's datasource provider, as for a reset.
 * A SQLite file is the repository's (databases.ts captures it first).
 */
function prismaExecutesOnServer(inv: Invocation, args: Field[], rt: Runtime): boolean {
  const url = args.findIndex((a) => a.value === '--url');
  const given = url !== -1 ? (args[url + 1] === undefined ? undefined : args[url + 1]!.value) : args.find((a) => a.value?.startsWith('--url='))?.value?.slice('--url='.length);
  if (given !== undefined) return given === null || !/^file:/.test(given);
  if (inv.cwd === null) return lineServerUrl(inv, args) !== undefined;
  return prismaServerProvider(inv.cwd, args, rt) !== null;
}

/** The server provider of the schema a prisma line reads (`--schema`, else prisma/schema.prisma or schema.prisma), or null. */
function prismaServerProvider(cwd: string, args: Field[], rt: Runtime): string | null {
  const schemaIndex = args.findIndex((a) => a.value === '--schema');
  const named = schemaIndex !== -1 ? args[schemaIndex + 1]?.value : args.find((a) => a.value?.startsWith('--schema='))?.value?.slice('--schema='.length);
  const candidates = named !== undefined ? (named === null ? [] : [resolvePath(named, cwd)]) : [`${cwd}/prisma/schema.prisma`, `${cwd}/schema.prisma`];
  const schema = firstConfig(rt, candidates);
  const provider = schema === null ? null : prismaProvider(schema.text);
  return provider !== null && SERVER_PROVIDERS.has(provider) ? provider : null;
}

function prisma(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const [first = '', second = ''] = operandWords(args, ['--schema']);
  const has = (flag: string): boolean => args.some((a) => a.value === flag);
  let what: string | null = null;
  if (first === 'migrate' && second === 'reset') what = 'prisma migrate reset';
  else if (first === 'db' && second === 'push' && (has('--force-reset') || has('--accept-data-loss'))) what = `prisma db push ${has('--force-reset') ? '--force-reset' : '--accept-data-loss'}`;
  if (what === null) return null;
  if (inv.cwd === null) {
    // no project to read (another machine, a container): the database DATABASE_URL names, where it is a server's
    const server = lineServerUrl(inv, args);
    return server ? `${what} drops the data of ${urlDatabase(server)}` : null;
  }
  const provider = prismaServerProvider(inv.cwd, args, rt);
  return provider !== null ? `${what} drops the ${provider} database's data (schema.prisma's datasource)` : null;
}

/** Django's database ENGINEs that are servers. */
const DJANGO_SERVER_ENGINE = /['"](?:django\.db\.backends\.(postgresql(?:_psycopg2)?|mysql|oracle)|django\.contrib\.gis\.db\.backends\.(postgis|mysql|oracle)|(mssql|sql_server\.pyodbc))['"]/;

/**
 * Django's `flush`, `reset_db` (django-extensions) and `migrate APP zero|NAME`, typed as
 * `manage.py` (`script`: the manage.py run) or as `django-admin` / `python -m django` (`script`
 * undefined, `label` the spelling). The settings module: `--settings X` / `--settings=X` on the
 * line, else DJANGO_SETTINGS_MODULE on the line, else the default manage.py sets (for
 * django-admin, the manage.py of the directory it runs in: guard cannot see the shell's own
 * DJANGO_SETTINGS_MODULE, and a project's environment names the module its manage.py names). The
 * module is looked up from manage.py's directory (django-admin: `--pythonpath`, else the
 * directory it runs in), its `from .base import *` followed (settingsText).
 */
function django(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined, label = 'manage.py'): string | null {
  const [first = '', app = '', target = ''] = operandWords(args, ['--settings', '--database', '--pythonpath', '--verbosity', '-v']);
  // `migrate APP zero` unapplies every migration of APP, dropping its tables (`--fake` only marks them, `--plan` and `--check` apply nothing);
  // `migrate APP 0001` every migration after 0001: a named target goes back as far as the database is ahead of it, which guard
  // cannot see (no process asks the database), so it is judged as the rollback it is typed for (docs/DECISIONS.md)
  const back = first === 'migrate' && app !== '' && target !== '' && !args.some((a) => a.value === '--fake' || a.value === '--plan' || a.value === '--check');
  const zero = back && target === 'zero';
  if (first !== 'flush' && first !== 'reset_db' && first !== 'reset_schema' && !back) return null;
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const does = zero ? `migrate ${app} zero unapplies every migration of ${app}, dropping its tables in` : back ? `migrate ${app} ${target} unapplies every migration of ${app} after ${target}, dropping what they made in` : first === 'flush' ? 'flush deletes every row of' : first === 'reset_schema' ? 'reset_schema drops every table of' : 'reset_db drops';
  const db = djangoServerDatabase(inv, args, rt, script);
  return db === null ? null : `${label} ${does} ${db}`;
}

/** A settings module named as the framework's test environment (`app.settings.test`, `tests_settings`): free, as RAILS_ENV=test is. */
const TEST_SETTINGS = /(^|[._])(tests?|testing)([._]|$)/;

/**
 * The server database a Django line's settings name, in a refusal's words (`the postgresql
 * database (app.settings.prod)`), or null where it is not a server's (SQLite, or guard cannot
 * tell): for django() here and a project's own management commands (django-commands.ts). On
 * another machine or in a container's image the stand-in's words, unless the line names a test
 * settings module (free there as RAILS_ENV=test is).
 */
export function djangoServerDatabase(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined): string | null {
  // on another machine or in a container's image: its settings are there, unseen; a test settings module named on the
  // line (`--settings=app.settings.test`) is the framework's test environment, free as RAILS_ENV=test is there
  const remote = unseenProject(inv, args);
  const named = optionValue(args, ['--settings']) ?? lineVar(inv, args, 'DJANGO_SETTINGS_MODULE');
  if (remote !== undefined) return typeof named === 'string' && TEST_SETTINGS.test(named) ? null : remote;
  // a settings module guard cannot know: computed when the line runs (`--settings="$S"`, DJANGO_SETTINGS_MODULE=$(...)), or
  // django-admin's from the environment where no manage.py here names the project's (docs/DECISIONS.md, "A settings module guard cannot see")
  // `--settings="$S"` is one word guard cannot see whole
  const option = args.some((a) => a.value === null && a.display.startsWith('--settings=')) ? null : optionValue(args, ['--settings']);
  const module = option !== undefined ? option : lineVar(inv, args, 'DJANGO_SETTINGS_MODULE');
  if (module === null) return 'the database of a settings module guard cannot see (computed when the line runs; name it on the line, `--settings=project.settings.dev`, so guard can read it)';
  if (module === undefined && script === undefined && inv.cwd !== null && readAt(rt, inv.cwd, 'manage.py') === 'missing') return 'the database of the settings module the environment names (DJANGO_SETTINGS_MODULE, unseen: no manage.py here names one; name it on the line, `--settings=project.settings.dev`, so guard can read it)';
  const found = djangoSettings(inv, args, rt, script);
  // django-admin / `python -m django` given a module guard cannot find where it looks (`--pythonpath`, else the line's
  // directory): a src/ layout installed with `pip install -e .`, or PYTHONPATH, finds it when the line runs (realproj8, 2026-12-08);
  // a test settings module stays free, as on another machine (unseen-settings.test.ts: `django-admin flush --settings=app.settings.test`)
  if (found === null && script === undefined && typeof module === 'string' && /^[\w.]+$/.test(module) && !TEST_SETTINGS.test(module) && optionValue(args, ['--pythonpath']) !== null) return `the database of the settings module ${module}, which guard cannot find from ${optionValue(args, ['--pythonpath']) ?? 'the line\'s directory'} (installed, or on PYTHONPATH; name its directory on the line, \`--pythonpath=src\`, so guard can read it)`;
  if (found === null) return null;
  const { text: settings } = found;
  // settings that take DATABASE_URL (dj-database-url, django-environ's env.db()) where the line or the container's
  // environment sets it to a server's: that server, whatever fallback the file names (wagtail/bakerydemo's compose service)
  const url = /\bDATABASE_URL\b|\bdj_database_url\b|\benv\.db(_url)?\s*\(/.test(settings.replace(/#.*$/gm, '')) ? lineServerUrl(inv, args) : undefined;
  if (url !== undefined) return `${urlDatabase(url)} (${found.module} reads it)`;
  // a settings file that also names SQLite (a local override, a test switch) is not decided here
  if (/django\.db\.backends\.sqlite3/.test(settings)) return null;
  const engine = DJANGO_SERVER_ENGINE.exec(settings);
  if (!engine) return null;
  return `the ${engine[1] ?? engine[2] ?? engine[3]} database (${found.module})`;
}

/**
 * The settings module a Django line runs with and the text that says which database
 * (settingsText), for `manage.py` (`script`: the manage.py run) and for `django-admin` /
 * `python -m django` (`script` undefined): `--settings X` / `--settings=X`, else
 * DJANGO_SETTINGS_MODULE on the line, else the default manage.py sets (django-admin: the
 * manage.py of the directory it runs in), looked up from manage.py's directory (django-admin:
 * `--pythonpath`, else the directory it runs in). null where guard cannot tell. The one reader of
 * a project's Django settings: django() here, django-sqlite.ts for the SQLite file's name.
 */
export function djangoSettings(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined): { module: string; text: string; root: string } | null {
  const manage = resolvePath(script ?? 'manage.py', inv.cwd);
  const pythonpath = script === undefined ? optionValue(args, ['--pythonpath']) : undefined;
  if (manage === null || pythonpath === null) return null;
  const root = pythonpath !== undefined ? resolvePath(pythonpath, inv.cwd) : script === undefined ? inv.cwd : path.posix.dirname(manage);
  if (root === null) return null;
  let module = optionValue(args, ['--settings']) ?? lineVar(inv, args, 'DJANGO_SETTINGS_MODULE');
  if (module === undefined) {
    const found = readAt(rt, path.posix.dirname(manage), path.posix.basename(manage));
    if (!found || found === 'missing') return null;
    module = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(found.text)?.[1];
  }
  if (module === undefined || module === null || !/^[\w.]+$/.test(module)) return null;
  const text = settingsText(rt, root, module, 0);
  return text === null ? null : { module, text, root };
}

/** How many settings modules settingsText follows through `import *` (dev.py -> base.py -> ...). */
const SETTINGS_DEPTH = 4;

/**
 * The text of the settings module that says which database: the module's own where it names an
 * ENGINE (or sets DATABASES), else that of the modules it takes everything from (`from .base
 * import *`, `from project.settings.common import *`, the last one first, as Python binds them),
 * at most SETTINGS_DEPTH deep. The layout of settings packages, where dev.py holds no DATABASES
 * of its own: found on a clone of django/djangoproject.com (manage.py names
 * djangoproject.settings.dev, `from .common import *`, PostgreSQL there), whose `python manage.py
 * flush` was free before 2026-12-07. null where the module itself cannot be read; a module it
 * imports that cannot be read (`try: from .local import *`) says nothing.
 */
function settingsText(rt: Runtime, root: string, module: string, depth: number): string | null {
  const read = readModule(rt, root, module);
  if (read === null) return null;
  const { found, isPackage } = read;
  const code = found.text.replace(/#.*$/gm, '');
  if (depth >= SETTINGS_DEPTH || /\bENGINE\b|\bDATABASES\s*=/.test(code)) return found.text;
  for (const imported of starImports(code, module, isPackage).reverse()) {
    const more = settingsText(rt, root, imported, depth + 1);
    if (more !== null && /\bENGINE\b|\bDATABASES\s*=/.test(more.replace(/#.*$/gm, ''))) return more;
  }
  return found.text;
}

/** A Python module's source under `root` (`a/b.py`, else the package's `a/b/__init__.py`), or null. */
function readModule(rt: Runtime, root: string, module: string): { found: { path: string; text: string }; isPackage: boolean } | null {
  const file = `${root}/${module.replace(/\./g, '/')}`;
  let found = readAt(rt, path.posix.dirname(file), `${path.posix.basename(file)}.py`);
  let isPackage = false;
  if (found === 'missing') {
    found = readAt(rt, file, '__init__.py');
    isPackage = true;
  }
  return !found || found === 'missing' ? null : { found, isPackage };
}

/** The modules a module's code takes everything from (`from .base import *`, `from pkg.settings.x import *`), in the file's order. */
function starImports(code: string, module: string, isPackage: boolean): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\*/gm)) {
    const dots = (m[1] as string).length;
    const name = m[2] as string;
    // `.` is the module's package (the module itself for a package's __init__.py), each further dot one up
    const parts = module.split('.');
    const up = isPackage ? dots - 1 : dots;
    if (up > parts.length) continue;
    const imported = dots === 0 ? name : [...parts.slice(0, parts.length - up), ...(name === '' ? [] : [name])].join('.');
    if (imported === '' || imported === module || !/^[\w.]+$/.test(imported)) continue;
    out.push(imported);
  }
  return out;
}

/**
 * The texts of a settings module and of every module it star-imports (SETTINGS_DEPTH deep), for
 * what may be set in any of them (INSTALLED_APPS: django-commands.ts). Modules guard cannot read
 * are left out.
 */
export function djangoSettingsTexts(rt: Runtime, root: string, module: string, depth = 0): string[] {
  const read = readModule(rt, root, module);
  if (read === null) return [];
  const code = read.found.text.replace(/#.*$/gm, '');
  if (depth >= SETTINGS_DEPTH) return [code];
  return [code, ...starImports(code, module, read.isPackage).flatMap((m) => djangoSettingsTexts(rt, root, m, depth + 1))];
}

function sequelize(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const [first = ''] = operandWords(args, ['--env', '--config', '--url', '--to', '--name', '--migrations-path', '--seeders-path', '--models-path', '--options-path']);
  // sequelize-cli's db:migrate:undo reverts the last migration; `:all` every one (`--to X` down to X): more than one
  const to = args.some((a) => a.value === '--to' || a.value?.startsWith('--to='));
  const task = first === 'db:drop' ? 'db:drop drops' : first === 'db:migrate:undo:all' ? `db:migrate:undo:all ${to ? 'reverts the migrations down to --to' : 'reverts every migration'} (dropping what they made) of` : null;
  if (task === null) return null;
  const url = optionValue(args, ['--url']);
  if (url) return serverUrl(url) ? `${program} ${task} the database --url names` : null;
  const envArg = args.findIndex((a) => a.value === '--env');
  const environments = envArg !== -1 ? [args[envArg + 1]?.value ?? null] : environmentsOf(inv, args, ['NODE_ENV'], 'development');
  const remote = environments.some((e) => e !== 'test') ? unseenProject(inv, args) : undefined;
  if (remote !== undefined) return `${program} ${task} ${remote}`;
  if (inv.cwd === null) return null;
  const found = readAt(rt, inv.cwd, 'config/config.json');
  if (!found || found === 'missing') return null;
  let config: Record<string, { dialect?: unknown }>;
  try {
    config = JSON.parse(found.text) as Record<string, { dialect?: unknown }>;
  } catch {
    return null;
  }
  for (const environment of environments) {
    if (environment === null || environment === 'test') continue;
    const dialect = config[environment]?.dialect;
    if (typeof dialect === 'string' && dialect !== 'sqlite') return `${program} ${task} the ${environment} database, on a ${dialect} server (config/config.json)`;
  }
  return null;
}

/** knex's clients that talk to a server (its own names and the drivers' package names). */
const KNEX_SERVER_CLIENTS = /^(pg|postgres|postgresql|pg-native|pgnative|mysql2?|mariadb|mssql|tedious|oracledb|oracle|cockroachdb|redshift)$/;

/** The end of the `{ ... }` block whose `{` is at `open` (strings and template literals skipped), or -1. */
export function blockEnd(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = code.indexOf(c, i + 1);
      if (close === -1) return -1;
      i = close;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The `client: '...'` literal of a knexfile's object text, 'other' where the client is not a literal, null where there is none. */
function knexClientIn(code: string): string | null {
  const found = /\bclient\s*:\s*(?:(['"`])([\w-]+)\1)?/.exec(code);
  return found ? (found[2] ?? 'other') : null;
}

/**
 * The client a knexfile gives `environment`: the literal `client:` of its `ENV: { ... }` block, or
 * of the one config where the file has no environment blocks at all. null where the file does
 * not say so plainly (a spread `...base`, `client: process.env.DB`, a function): the file is
 * JavaScript, and only this one shape is read; anything else is left as before.
 */
function knexClient(text: string, environment: string): string | null {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const env = new RegExp(`(?:^|[\\s{,])['"]?${environment.replace(/[^\w-]/g, '')}['"]?\\s*:\\s*\\{`).exec(code);
  if (env) {
    const open = env.index + env[0].length - 1;
    const end = blockEnd(code, open);
    if (end === -1) return null;
    const client = knexClientIn(code.slice(open, end));
    return client === 'other' ? null : client;
  }
  // one config for every environment: no environment block, one client
  if (/(?:^|[\s{,])['"]?(?:development|production|staging|test)['"]?\s*:\s*\{/.test(code)) return null;
  const clients = [...code.matchAll(/\bclient\s*:/g)].length;
  const client = clients === 1 ? knexClientIn(code) : null;
  return client === 'other' ? null : client;
}

function knex(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const [first = ''] = operandWords(args, ['--env', '--knexfile', '--cwd', '--client', '--connection', '--migrations-directory', '--migrations-table-name', '--specific']);
  // knex's migrate:rollback reverts the last batch (every migration a clone's first migrate:latest ran), `--all` every
  // one; migrate:down is the one-migration undo, left free (docs/DECISIONS.md, "Rollbacks of more than one migration")
  if (first !== 'migrate:rollback') return null;
  const all = args.some((a) => a.value === '--all');
  const value = (name: string): string | null | undefined => optionValue(args, [name]);
  const envArg = value('--env');
  const environments = (envArg !== undefined ? [envArg] : environmentsOf(inv, [], ['NODE_ENV'], 'development')).filter((e): e is string => e !== null && e !== 'test');
  if (environments.length === 0) return null;
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `knex migrate:rollback${all ? ' --all reverts every migration' : ' reverts the last batch of migrations (every migration, where they ran at once)'} of ${remote}: the tables they made go with their rows`;
  const cwd = value('--cwd');
  const dir = cwd === undefined ? inv.cwd : resolvePath(cwd, inv.cwd);
  const named = value('--knexfile');
  if (dir === null || named === null) return null;
  const candidates = named !== undefined ? [resolvePath(named, dir)] : ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs'].map((n) => `${dir}/${n}`);
  const knexfile = firstConfig(rt, candidates);
  if (knexfile === null) return null;
  for (const environment of environments) {
    const client = knexClient(knexfile.text, environment);
    if (client !== null && KNEX_SERVER_CLIENTS.test(client)) return `knex migrate:rollback${all ? ' --all reverts every migration' : ' reverts the last batch of migrations (every migration, where they ran at once)'} of the ${environment} database, on a ${client} server (${path.posix.basename(knexfile.abs)}): the tables they made go with their rows`;
  }
  return null;
}

/** The programs classifyServerFramework reads besides manage.py (container-exec.ts sends them here from inside a container). */
export const SERVER_FRAMEWORK_PROGRAMS: ReadonlySet<string> = new Set(['rails', 'rake', 'prisma', 'sequelize', 'sequelize-cli', 'knex', 'flyway', 'liquibase', 'alembic', 'dotnet-ef', 'flask', 'migrate', 'dbmate', 'diesel', 'sqlx', 'goose', 'atlas', 'drizzle-kit', 'typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm', 'django-admin', 'django-admin.py', 'medusa', 'strapi']);

/** Refuses (an agent) or asks about (a person) a framework's drop or reset of a server database. */
export function classifyServerFramework(inv: Invocation, program: string, args: Field[], rt: Runtime, script?: string): void {
  let what: string | null = null;
  if (program === 'rails' || program === 'rake') what = rails(inv, program, args, rt);
  else if (program === 'prisma') {
    // `prisma db execute --file F | --stdin` on a server: its SQL judged as psql's (remote-data.ts)
    const [first = '', second = ''] = operandWords(args, ['--schema', '--url', '--file']);
    if (first === 'db' && second === 'execute') return prismaExecutesOnServer(inv, args, rt) ? classifyPrismaExecute(inv, args, rt) : undefined;
    what = prisma(inv, args, rt);
  }
  else if (program === 'drizzle-kit') what = drizzle(inv, args, rt);
  // `node ace migration:fresh` (AdonisJS's Lucid), `medusa db:rollback` (js-frameworks.ts)
  else if (program === 'ace') what = adonis(inv, args, rt, script);
  else if (program === 'medusa') what = medusa(inv, args);
  // `strapi import --force` (strapi/foodadvisor): every entry deleted first (server-frameworks-js.ts)
  else if (program === 'strapi') what = strapi(inv, args, rt);
  else if (program.startsWith('typeorm')) what = typeorm(inv, program, args, rt);
  else if (program === 'manage.py') what = django(inv, args, rt, script);
  // `django-admin flush`, `python -m django flush` (scripts.ts): the settings module the line or the project's manage.py names
  else if (program === 'django-admin' || program === 'django-admin.py') what = django(inv, args, rt, undefined, 'django-admin');
  else if (program === 'sequelize' || program === 'sequelize-cli') what = sequelize(inv, program, args, rt);
  else if (program === 'knex') what = knex(inv, args, rt);
  else if (program === 'artisan') what = laravel(inv, args, rt, script);
  else if (program === 'console') what = symfony(inv, 'console', args, rt, script);
  else if (program === 'symfony') {
    // the Symfony CLI's `symfony console X` is bin/console X, run where it is typed
    const at = args.findIndex((a) => !a.value?.startsWith('-'));
    if (at !== -1 && args[at]?.value === 'console') what = symfony(inv, 'symfony console', args.slice(at + 1), rt, undefined);
  }
  else if (program === 'mix') what = ecto(inv, args, rt);
  else if (program === 'dotnet-ef') what = entityFramework(inv, args, rt);
  else if (program === 'flyway') what = flyway(inv, args, rt);
  else if (program === 'liquibase') what = liquibase(inv, args, rt);
  else if (program === 'mvn' || program === 'mvnw' || program === 'mvnd') what = maven(inv, program, args, rt);
  else if (program === 'gradle' || program === 'gradlew') what = gradle(inv, program, args, rt);
  else if (program === 'alembic') what = alembic(inv, args, rt);
  else if (program === 'flask') what = flaskMigrate(inv, args, rt);
  else if (program === 'migrate') what = golangMigrate(inv, args);
  else if (program === 'dbmate') what = dbmate(inv, args, rt);
  else if (program === 'diesel') what = diesel(inv, args, rt);
  else if (program === 'sqlx') what = sqlx(inv, args, rt);
  else if (program === 'goose') what = goose(inv, args, rt);
  else if (program === 'atlas') what = atlas(inv, args, rt);
  if (what === null) return;
  const there = unseenProject(inv, args);
  const urls = there === undefined ? [] : [...lineVarChoices(inv, args, 'DATABASE_URL'), inv.unseenProject];
  const remote = there === undefined ? null : urls.includes(HEROKU_DATABASE_URL) ? 'heroku' : urls.includes(CONTAINER_DATABASE_URL) ? 'container' : 'host';
  rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'remote-data-delete', `${what}, outside the repository, where no snapshot holds it`, inv.source, instead(program, remote)));
}
