/**
 * Entity Framework Core's, Flyway's and Liquibase's wipes of a database server: `dotnet ef
 * database drop` (with or without `--force`: without it the tool asks on the terminal, which
 * `yes |` or a person answers), `dotnet ef database update 0` (reverts every migration, dropping
 * the tables they made), `flyway clean` (`mvn flyway:clean`, Gradle's `flywayClean`), `liquibase
 * drop-all` (`dropAll`, `mvn liquibase:dropAll`). Until 2026-12-06 each was only the capture of
 * the repository's ignored database files (framework-migrations.ts, databases.ts), which is right
 * for `Data Source=app.db` or `jdbc:h2:file:./db` and nothing for PostgreSQL, whose rows no
 * snapshot holds.
 *
 * Which database, read as each tool reads it:
 *  - EF Core: the startup project's appsettings.json overlaid by appsettings.<Environment>.json,
 *    the environment ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT on the line, `-- --environment
 *    X`, else Development (the tools' default). Every connection string under `ConnectionStrings`
 *    is judged (the DbContext may use any of them): one naming a server (`Host=`, `Server=`,
 *    `Data Source=host,1433`, `Initial Catalog=` ...) makes it a server; `--connection` on the line
 *    wins over them all. The project: `--startup-project` (else the current directory) and
 *    `--project`. JSON with comments and trailing commas, as .NET's configuration reads it.
 *  - Flyway: `-url=` on the line, FLYWAY_URL on the line, else flyway.conf (`flyway.url=`) or
 *    flyway.toml (Flyway 10: `[environments.<env>] url`, the environment `-environment=`, `[flyway]
 *    environment`, else default) in the working directory or `-configFiles=`. Maven: `-Dflyway.url=`,
 *    else pom.xml's flyway-maven-plugin `<url>` (a `${name}` in it from `-Dname` or the pom's
 *    `<properties>`); Gradle: `-Pflyway.url=`/`-Dflyway.url=`, else build.gradle(.kts)'s `flyway {
 *    url = ... }`.
 *    Flyway 9 and later refuse `clean` unless cleanDisabled is false. Guard cannot see the Flyway
 *    version nor the user's ~/flyway.conf or an exported FLYWAY_CLEAN_DISABLED, so an unset
 *    cleanDisabled is judged as enabled (Flyway 8 and the plugins of its time clean by default);
 *    a `cleanDisabled=true` guard reads (the line, then the project's configuration) makes the
 *    command one Flyway refuses: left as before.
 *  - Liquibase: `--url` on the line, LIQUIBASE_COMMAND_URL on the line, else the defaults file
 *    (`--defaults-file`, else liquibase.properties) `url:`/`liquibase.command.url:`; Maven:
 *    `-Dliquibase.url=`, else pom.xml's liquibase-maven-plugin `<url>`, else its `<propertyFile>`'s
 *    `url`; Gradle (liquibase-gradle-plugin): `-PliquibaseUrl=`, else the `liquibase { activities
 *    { ... } }` block's literal `url`, else liquibase.properties.
 * JDBC URLs say server or file: `jdbc:postgresql:`, `jdbc:mysql:`, `jdbc:sqlserver:`, `jdbc:oracle:`,
 * `jdbc:h2:tcp:` are servers; `jdbc:sqlite:`, `jdbc:h2:file:`, `jdbc:h2:mem:`, embedded Derby and
 * HSQLDB are not. Where nothing is read, or a URL is a placeholder, the command is left as before.
 * Rollbacks of more than one step are judged as the wipes are (docs/DECISIONS.md, "Rollbacks of
 * more than one migration"): `liquibase rollback-count N` (N > 1), `rollback TAG`,
 * `rollback-to-date` (Maven's `liquibase:rollback` with `rollbackCount` N > 1, `rollbackTag`,
 * `rollbackDate`; Gradle's `rollbackCount`, `rollback`, `rollbackToDate`), `flyway undo` with a
 * `target` or several `cherryPick` versions (also `mvn flyway:undo`, `gradle flywayUndo`), `dotnet
 * ef database update NAME` (down to NAME where the database is ahead); `rollback-count 1`, the
 * plain `flyway undo` (the last version) and `flyway migrate` stay as before.
 */
import path from 'node:path';
import { stripJsonc } from './deno-tasks.js';
import type { Field } from './expand.js';
import { operandWords, optionValue as value } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { blockEnd, environmentsOf, lineVarChoices, moreThanOne, readAt, unseenProject } from './server-frameworks.js';

/** JDBC subprotocols of database servers (the first word after `jdbc:`). */
const JDBC_SERVERS = /^(postgresql|pgsql|mysql|mariadb|sqlserver|jtds|oracle|db2|as400|redshift|snowflake|firebirdsql|informix-sqli|sybase|clickhouse|ch|sap|singlestore|tidb|yugabytedb|cockroachdb|databricks|spanner|bigquery|trino|presto|vertica|teradata|exa|mongodb)$/i;

/** The server a JDBC URL names (its subprotocol), or null: a file, memory, a placeholder. */
export function jdbcServer(url: string | null | undefined): string | null {
  const m = /^jdbc:([a-z0-9-]+):(.*)$/is.exec(url?.trim() ?? '');
  if (!m) return null;
  const sub = (m[1] as string).toLowerCase();
  const rest = (m[2] as string).toLowerCase();
  if (JDBC_SERVERS.test(sub)) return sub;
  if (sub === 'h2') return /^(tcp|ssl):/.test(rest) ? 'h2 (tcp)' : null;
  if (sub === 'hsqldb') return /^(hsqls?|https?):/.test(rest) ? 'hsqldb (server)' : null;
  if (sub === 'derby') return rest.startsWith('//') ? 'derby (network)' : null;
  return null;
}

/** The text of a file (readAt), else undefined (being read, missing, unreadable). */
function textAt(rt: Runtime, abs: string): string | undefined {
  const found = readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
  return found === undefined || found === null || found === 'missing' ? undefined : found.text;
}

/** Java properties (flyway.conf, liquibase.properties): keys to values, comments out. */
function properties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^#!\s=:][^=:\s]*)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m) map.set(m[1] as string, m[2] as string);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// Entity Framework Core

/** JSON with comments and trailing commas (appsettings.json), as .NET's configuration reads it; null where it does not parse. */
export function jsonWithComments(text: string): unknown {
  try {
    return JSON.parse(stripJsonc(text.replace(/^\uFEFF/, ''))) as unknown;
  } catch {
    return null;
  }
}

/** What an ADO.NET connection string points at: 'server', 'file' (SQLite, memory), or null where it does not say. */
export function connectionKind(connection: string): 'server' | 'file' | null {
  const pairs = new Map<string, string>();
  for (const part of connection.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) pairs.set(part.slice(0, at).trim().toLowerCase().replace(/\s+/g, ' '), part.slice(at + 1).trim().replace(/^['"]|['"]$/g, ''));
  }
  if (['host', 'server', 'address', 'addr', 'network address', 'initial catalog', 'user id', 'uid', 'username', 'trusted_connection', 'integrated security', 'port'].some((k) => pairs.has(k))) return 'server';
  if (pairs.has('filename')) return 'file';
  const source = pairs.get('data source') ?? pairs.get('datasource');
  if (source === undefined) return null;
  // SQLite: a file name or path, :memory:; SQL Server and Oracle: `host,1433`, `(localdb)\x`, `tcp:host`, `.\SQLEXPRESS`, `host:1521/svc`
  // (Oracle: `//host:1521/svc`, `(DESCRIPTION=...)`); a file's name first, its directory last
  if (source === ':memory:' || /\.(db|db3|sqlite3?|s3db|sl3)$/i.test(source)) return 'file';
  if (/^(tcp:|np:|\(|\.\\|\/\/)|[,\\]|^[\w.-]+:\d+(\/|$)/i.test(source) || /^localhost$/i.test(source)) return 'server';
  if (source.includes('/') || source.startsWith('|DataDirectory|')) return 'file';
  return null;
}

/** The directory of a `--project`/`--startup-project` value (a directory or a .csproj). */
function projectDir(named: string | null, cwd: string): string | null {
  const abs = resolvePath(named, cwd);
  return abs === null ? null : /\.(cs|fs|vb)proj$/i.test(abs) ? path.posix.dirname(abs) : abs;
}

/** `dotnet ef database drop`, `dotnet ef database update 0` against a server: what it does, or null. */
export function entityFramework(inv: Invocation, allArgs: Field[], rt: Runtime): string | null {
  // after `--`: the application's own arguments (`-- --environment Production`)
  const dash = allArgs.findIndex((a) => a.value === '--');
  const args = dash === -1 ? allArgs : allArgs.slice(0, dash);
  const appArgs = dash === -1 ? [] : allArgs.slice(dash + 1);
  if (args.some((a) => a.value === '--help' || a.value === '-h' || a.value === '--dry-run')) return null;
  const words = operandWords(args, ['--project', '-p', '--startup-project', '-s', '--context', '-c', '--connection', '--configuration', '--framework', '--runtime', '-r', '--msbuildprojectextensionspath']);
  const [first, second, third] = words;
  if (first !== 'database') return null;
  // `database update NAME` goes down to NAME where the database is ahead of it (guard cannot see which): judged as that rollback
  const what = second === 'drop' ? 'dotnet ef database drop drops' : second === 'update' && third === '0' ? 'dotnet ef database update 0 reverts every migration of' : second === 'update' && third !== undefined ? `dotnet ef database update ${third} reverts every migration after ${third} (dropping what they made) of` : null;
  if (what === null) return null;
  const connection = value(args, ['--connection']);
  if (connection !== undefined) {
    if (connection === null) return null;
    return connectionKind(connection) === 'server' ? `${what} the database --connection names, on a server` : null;
  }
  // on another machine: its appsettings are there, unseen
  const remote = unseenProject(inv, args);
  if (remote !== undefined) return `${what} ${remote}`;
  if (inv.cwd === null) return null;
  const startup = value(args, ['--startup-project', '-s']);
  const project = value(args, ['--project', '-p']);
  const dirs = [...new Set([startup === undefined ? inv.cwd : projectDir(startup, inv.cwd), project === undefined ? null : projectDir(project, inv.cwd)])].filter((d): d is string => d !== null);
  const appEnv = value(appArgs, ['--environment']);
  const chosen = appEnv !== undefined ? [appEnv] : environmentsOf(inv, allArgs, ['ASPNETCORE_ENVIRONMENT', 'DOTNET_ENVIRONMENT'], 'Development');
  const environments = [...new Set(chosen.flatMap((e) => (e === null ? ['Development', 'Production', 'Staging'] : [e])))];
  for (const dir of dirs) {
    // every file this may read, asked at once (one pass of reads)
    const base = readAt(rt, dir, 'appsettings.json');
    const overlays = environments.map((e) => [e, readAt(rt, dir, `appsettings.${e}.json`)] as const);
    if (base === undefined || base === null) continue;
    const baseConfig = base === 'missing' ? null : jsonWithComments(base.text);
    for (const [environment, overlay] of overlays) {
      if (overlay === undefined || overlay === null) continue;
      const overConfig = overlay === 'missing' ? null : jsonWithComments(overlay.text);
      // keys as .NET's configuration reads them: any case, the later source over the earlier, the process's variables last
      const strings = new Map<string, { text: unknown; from: string }>();
      for (const [config, from] of [[baseConfig, 'appsettings.json'], [overConfig, `appsettings.${environment}.json`]] as const) {
        for (const [name, text] of Object.entries(connectionStrings(config))) strings.set(name.toLowerCase(), { text, from: `ConnectionStrings:${name} in ${from}` });
      }
      for (const [name, text] of inv.env) {
        const key = /^ConnectionStrings__(.+)$/i.exec(name)?.[1];
        if (key !== undefined) strings.set(key.toLowerCase(), { text, from: `${name} on the line` });
      }
      for (const { text, from } of strings.values()) {
        if (typeof text === 'string' && connectionKind(text) === 'server') return `${what} the ${environment} database, on a server (${from})`;
      }
    }
  }
  return null;
}

/** The `ConnectionStrings` section of a parsed appsettings file (keys as .NET reads them: any case). */
function connectionStrings(config: unknown): Record<string, unknown> {
  if (config === null || typeof config !== 'object') return {};
  const entry = Object.entries(config).find(([k]) => k.toLowerCase() === 'connectionstrings');
  const section = entry?.[1];
  return section !== null && typeof section === 'object' ? (section as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// Flyway

/** flyway.toml's settings: `[flyway]` keys and each `[environments.X]`'s url. */
function flywayToml(text: string): { flyway: Map<string, string>; urls: Map<string, string> } {
  const flyway = new Map<string, string>();
  const urls = new Map<string, string>();
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      section = (header[1] as string).replace(/["']/g, '');
      continue;
    }
    const kv = /^\s*([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^#\s]+))/.exec(line);
    if (!kv) continue;
    const key = kv[1] as string;
    const val = kv[2] ?? kv[3] ?? kv[4] ?? '';
    const env = /^environments\.([\w-]+)$/.exec(section)?.[1];
    if (env !== undefined && key === 'url') urls.set(env, val);
    else if (section === 'flyway') flyway.set(key, val);
    else if (section === '' && key.startsWith('flyway.')) flyway.set(key.slice('flyway.'.length), val);
  }
  return { flyway, urls };
}

/** The url and cleanDisabled Flyway's CLI would use: from the line, then the project's conf/toml. */
function flywaySettings(inv: Invocation, args: Field[], rt: Runtime): { url: string | null | undefined; cleanDisabled: string | null | undefined; target: string | null | undefined; cherryPick: string | null | undefined; from: string } {
  const onLine = value(args, ['-url'], false);
  const disabledLine = value(args, ['-cleanDisabled'], false);
  const envUrl = lineVarChoices(inv, args, 'FLYWAY_URL').find((v) => v !== undefined);
  const envDisabled = lineVarChoices(inv, args, 'FLYWAY_CLEAN_DISABLED').find((v) => v !== undefined);
  // undo's target and cherryPick: the line (`-target=`, FLYWAY_TARGET), else the configuration below
  const lineSetting = (option: string, variable: string): string | null | undefined => value(args, [option], false) ?? lineVarChoices(inv, args, variable).find((v) => v !== undefined);
  const targetLine = lineSetting('-target', 'FLYWAY_TARGET');
  const cherryLine = lineSetting('-cherryPick', 'FLYWAY_CHERRY_PICK');
  let target: string | null | undefined;
  let cherryPick: string | null | undefined;
  const workDir = value(args, ['-workingDirectory'], false);
  const dir = workDir === undefined ? inv.cwd : resolvePath(workDir, inv.cwd);
  if (dir === null) return { url: onLine ?? envUrl, cleanDisabled: disabledLine ?? envDisabled, target: targetLine, cherryPick: cherryLine, from: onLine !== undefined ? '-url on the line' : 'FLYWAY_URL' };
  const named = value(args, ['-configFiles'], false);
  const files = named !== undefined ? (named === null ? [] : named.split(',').map((f) => resolvePath(f.trim(), dir))) : [`${dir}/flyway.conf`, `${dir}/flyway.toml`];
  let url: string | null | undefined;
  let cleanDisabled: string | null | undefined;
  let from = '';
  let environment = value(args, ['-environment'], false);
  const texts = files.map((f) => (f === null ? undefined : ([f, readAt(rt, path.posix.dirname(f), path.posix.basename(f))] as const)));
  for (const entry of texts) {
    if (entry === undefined) continue;
    const [file, found] = entry;
    // being read (the next pass has it), unreadable or missing: the line alone decides
    if (found === undefined || found === null || found === 'missing') continue;
    if (file.endsWith('.toml')) {
      const toml = flywayToml(found.text);
      environment ??= toml.flyway.get('environment') ?? 'default';
      const envUrl = environment === null ? undefined : toml.urls.get(environment);
      if (envUrl !== undefined || toml.flyway.has('url')) {
        url = envUrl ?? toml.flyway.get('url');
        from = path.posix.basename(file);
      }
      if (toml.flyway.has('cleanDisabled')) cleanDisabled = toml.flyway.get('cleanDisabled');
      if (toml.flyway.has('target')) target = toml.flyway.get('target');
      if (toml.flyway.has('cherryPick')) cherryPick = toml.flyway.get('cherryPick');
    } else {
      const props = properties(found.text);
      if (props.has('flyway.url')) {
        url = props.get('flyway.url');
        from = path.posix.basename(file);
      }
      if (props.has('flyway.cleanDisabled')) cleanDisabled = props.get('flyway.cleanDisabled');
      if (props.has('flyway.target')) target = props.get('flyway.target');
      if (props.has('flyway.cherryPick')) cherryPick = props.get('flyway.cherryPick');
    }
  }
  if (envUrl !== undefined) [url, from] = [envUrl, 'FLYWAY_URL on the line'];
  if (onLine !== undefined) [url, from] = [onLine, '-url on the line'];
  return { url, cleanDisabled: disabledLine ?? envDisabled ?? cleanDisabled, target: targetLine !== undefined ? targetLine : target, cherryPick: cherryLine !== undefined ? cherryLine : cherryPick, from };
}

/**
 * What an undo (Flyway Teams) reverts, given its target and cherryPick: more than the last
 * migration where a target is set (Flyway undoes in reverse order until a version below the
 * target: documentation, Commands, Undo) or several versions are cherry-picked; null for the
 * plain undo of the last migration, the everyday fix (docs/DECISIONS.md, "Rollbacks of more than
 * one migration").
 */
function undoDoes(target: string | null | undefined, cherryPick: string | null | undefined): string | null {
  if (target !== undefined) return `undoes every migration down to version ${target ?? 'TARGET'} (dropping what they made)`;
  if (cherryPick !== undefined && (cherryPick === null || cherryPick.includes(','))) return `undoes the versions ${cherryPick ?? '?'} (dropping what they made)`;
  return null;
}

/** `flyway clean`, `flyway undo` down to a target, against a server: what it does, or null. */
export function flyway(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, []);
  const clean = words.includes('clean');
  if ((!clean && !words.includes('undo')) || args.some((a) => a.value === '-?' || a.value === '--help' || a.value === '-h')) return null;
  const settings = flywaySettings(inv, args, rt);
  const server = jdbcServer(settings.url);
  // on another machine with no url on the line: its flyway.conf is there, unseen
  const remote = settings.url === undefined ? unseenProject(inv, args) : undefined;
  if (server === null && remote !== undefined) {
    if (clean && settings.cleanDisabled?.trim().toLowerCase() !== 'true') return `flyway clean drops every object of the configured schemas of ${remote}`;
    const undo = words.includes('undo') ? undoDoes(settings.target, settings.cherryPick) : null;
    return undo === null ? null : `flyway undo ${undo}, in ${remote}`;
  }
  if (server === null) return null;
  if (clean && settings.cleanDisabled?.trim().toLowerCase() !== 'true') return `flyway clean drops every object of the configured schemas, on a ${server} server (${settings.from})`;
  const undo = words.includes('undo') ? undoDoes(settings.target, settings.cherryPick) : null;
  return undo === null ? null : `flyway undo ${undo}, on a ${server} server (${settings.from})`;
}

/** A Maven plugin's `<configuration>` in pom.xml (comments out): a tag's text, and the pom's `<properties>` for `${name}`. */
function pomPlugin(text: string, artifact: string): { tag: (name: string) => string | undefined; property: (name: string) => string | undefined } | null {
  const code = text.replace(/<!--[\s\S]*?-->/g, '');
  const at = code.indexOf(`<artifactId>${artifact}</artifactId>`);
  if (at === -1) return null;
  const end = code.indexOf('</plugin>', at);
  const block = code.slice(at, end === -1 ? undefined : end);
  const properties = /<properties>([\s\S]*?)<\/properties>/.exec(code)?.[1] ?? '';
  const tagIn = (within: string, name: string): string | undefined => new RegExp(`<${name.replace(/[.]/g, '\\.')}>\\s*([^<]*?)\\s*</${name.replace(/[.]/g, '\\.')}>`).exec(within)?.[1];
  return { tag: (name) => tagIn(block, name), property: (name) => tagIn(properties, name) };
}

/** The goals of the Flyway and Liquibase Maven plugins guard reads (`flyway:clean`, `org.flywaydb:flyway-maven-plugin:10.0.0:clean`). */
const MAVEN_GOAL = /^(?:[\w.-]+:)?(flyway|liquibase)(?:-maven-plugin)?(?::[\w.-]+)?:(clean|undo|dropAll|rollback)$/;

/**
 * The Flyway and Liquibase Maven plugins' wipes and rollbacks against a server: `mvn
 * flyway:clean`, `flyway:undo` down to a `target` (or a `cherryPick` of several versions; plain
 * `undo` is the last migration, free), `liquibase:dropAll`, `liquibase:rollback` with
 * `rollbackCount` over 1, `rollbackTag` or `rollbackDate` (LiquibaseRollback.java: one of the
 * three, `-Dliquibase.X` or the plugin's `<X>`). The URL: `-D{tool}.url`, else the plugin's
 * `<url>` (a `${name}` in it from `-Dname`, `${env.X}` from the line, else the pom's
 * `<properties>`), else, for Liquibase, the `url` of its `propertyFile` (beside pom.xml).
 */
export function maven(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-f', '--file', '-P', '--activate-profiles', '-pl', '--projects', '-s', '--settings', '-rf', '--resume-from', '-T', '--threads']);
  const goal = words.find((w) => {
    const m = MAVEN_GOAL.exec(w);
    return m !== null && (m[1] === 'flyway' ? m[2] === 'clean' || m[2] === 'undo' : m[2] === 'dropAll' || m[2] === 'rollback');
  });
  if (goal === undefined) return null;
  // on another machine: its pom.xml is there, unseen; what the line says (-D) still decides
  const remote = unseenProject(inv, args);
  if (inv.cwd === null && remote === undefined) return null;
  const [, tool, action] = MAVEN_GOAL.exec(goal) as unknown as [string, 'flyway' | 'liquibase', string];
  const pomFile = value(args, ['-f', '--file']);
  const pomPath = inv.cwd === null ? null : pomFile === undefined ? `${inv.cwd}/pom.xml` : resolvePath(pomFile, inv.cwd);
  const pomAt = pomPath === null ? null : pomPath.endsWith('.xml') ? pomPath : `${pomPath}/pom.xml`;
  const pom = pomAt === null ? undefined : textAt(rt, pomAt);
  const plugin = pom === undefined ? null : pomPlugin(pom, `${tool}-maven-plugin`);
  // a `${name}` as Maven fills it: -Dname on the line, ${env.X} from the line, the pom's <properties>; null where unknown
  const filled = (text: string | null | undefined): string | null | undefined => {
    if (text === undefined || text === null) return text;
    let unknown = false;
    const out = text.replace(/\$\{([\w.-]+)\}/g, (_m, name: string) => {
      const got = name.startsWith('env.') ? lineVarChoices(inv, args, name.slice(4)).find((v) => v !== undefined) : (value(args, [`-D${name}`], false) ?? plugin?.property(name));
      if (got === undefined || got === null) unknown = true;
      return got ?? '';
    });
    return unknown ? null : out;
  };
  const setting = (name: string): string | null | undefined => {
    const onLine = value(args, [`-D${tool}.${name}`], false);
    return onLine !== undefined ? onLine : filled(plugin?.tag(name));
  };
  let does: string;
  if (action === 'clean') {
    if (setting('cleanDisabled')?.trim().toLowerCase() === 'true') return null;
    does = 'drops every object of the configured schemas';
  } else if (action === 'dropAll') does = 'drops every object of the configured schemas';
  else if (action === 'undo') {
    const undo = undoDoes(setting('target'), setting('cherryPick'));
    if (undo === null) return null;
    does = undo;
  } else {
    const count = setting('rollbackCount');
    const tag = setting('rollbackTag');
    const date = setting('rollbackDate');
    if (count !== undefined) {
      if (!moreThanOne(count)) return null;
      does = `reverts the last ${count ?? 'N'} changesets (dropping what they made)`;
    } else if (tag !== undefined || date !== undefined) does = `reverts every changeset after ${tag !== undefined ? `the tag ${tag ?? '?'}` : `${date ?? 'the date'}`} (dropping what they made)`;
    else return null; // the plugin refuses a rollback without one of the three
  }
  let url = setting('url');
  let from = value(args, [`-D${tool}.url`], false) !== undefined ? `-D${tool}.url` : 'pom.xml';
  if ((url === undefined || url === null) && tool === 'liquibase' && pomAt !== null) {
    const named = setting('propertyFile');
    const file = named === undefined || named === null ? null : resolvePath(named, path.posix.dirname(pomAt));
    const text = file === null ? undefined : textAt(rt, file);
    if (file !== null && text !== undefined) {
      const props = properties(text);
      url = props.get('url') ?? props.get('liquibase.command.url');
      from = path.posix.basename(file);
    }
  }
  const server = jdbcServer(url);
  if (server === null && url === undefined && remote !== undefined) return `${program} ${goal} ${does}, in ${remote}`;
  return server === null ? null : `${program} ${goal} ${does}, on a ${server} server (${from})`;
}

/** The text of the `NAME { ... }` block of a Gradle script (the first; nested blocks kept), or null. */
function gradleBlock(script: string, name: string): string | null {
  const m = new RegExp(`(?:^|[\\s;])${name}\\s*\\{`).exec(script);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const end = blockEnd(script, open);
  return script.slice(open + 1, end === -1 ? undefined : end);
}

/** Liquibase's commands as the Liquibase Gradle plugin names its tasks (LiquibasePlugin.groovy: the command, or liquibaseTaskPrefix + Command). */
const GRADLE_LIQUIBASE = /^(?:liquibase)?(dropAll|DropAll|rollbackCount|RollbackCount|rollback|Rollback|rollbackToDate|RollbackToDate)$/;

/**
 * Gradle's `flywayClean`, `flywayUndo` down to a target, and the Liquibase Gradle plugin's
 * `dropAll`, `rollbackCount` over 1, `rollback` (to a tag), `rollbackToDate` against a server:
 * what it does, or null. Flyway: `-Pflyway.X`/`-Dflyway.X`, else the `flyway { }` block.
 * Liquibase (liquibase-gradle-plugin): only where the build script applies it (`org.liquibase.gradle`,
 * or a `liquibase { }` block); the count as 2.x takes it (`-PliquibaseCommandValue=3`) or 3.x
 * (`-PliquibaseCount=3`); the URL `-PliquibaseUrl=`, else every literal `url` of the block's
 * activities (the plugin runs them all without a runList), else, where no activity names a url,
 * liquibase.properties beside the script (Liquibase's default defaults file, read from the
 * project directory it runs in).
 */
export function gradle(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-p', '--project-dir', '-x', '--exclude-task', '-b', '--build-file', '-c', '--settings-file', '-g', '--gradle-user-home', '-I', '--init-script']);
  const task = words.find((w) => /^(flywayClean|flywayUndo)$/.test(w.slice(w.lastIndexOf(':') + 1)) || GRADLE_LIQUIBASE.test(w.slice(w.lastIndexOf(':') + 1)));
  if (task === undefined) return null;
  const name = task.slice(task.lastIndexOf(':') + 1);
  const projectDir = value(args, ['-p', '--project-dir']);
  const dir = projectDir === undefined ? inv.cwd : resolvePath(projectDir, inv.cwd);
  // on another machine: its build script is there, unseen; what the line says (-P) still decides
  const remote = inv.cwd === null ? unseenProject(inv, args) : undefined;
  if (dir === null && remote === undefined) return null;
  const groovy = dir === null ? null : readAt(rt, dir, 'build.gradle');
  const kts = dir === null ? null : readAt(rt, dir, 'build.gradle.kts');
  const script = [groovy, kts].map((f) => (f === undefined || f === null || f === 'missing' ? '' : f.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1'))).join('\n');
  if (name.startsWith('flyway')) {
    const property = (key: string): string | null | undefined => value(args, [`-Pflyway.${key}`, `-Dflyway.${key}`], false);
    const block = /\bflyway\s*\{([^}]*)\}/.exec(script)?.[1] ?? '';
    const setting = (key: string): string | null | undefined => {
      const onLine = property(key);
      return onLine !== undefined ? onLine : new RegExp(`\\b${key}\\s*=?\\s*(?:['"]([^'"]*)['"]|(true|false))`).exec(block)?.slice(1).find((v) => v !== undefined);
    };
    let does = 'drops every object of the configured schemas';
    if (name === 'flywayUndo') {
      const undo = undoDoes(setting('target'), setting('cherryPick'));
      if (undo === null) return null;
      does = undo;
    } else if (setting('cleanDisabled')?.trim().toLowerCase() === 'true') return null;
    const server = jdbcServer(setting('url'));
    if (server === null && setting('url') === undefined && remote !== undefined) return `${program} ${task} ${does}, in ${remote}`;
    if (server === null) return null;
    return `${program} ${task} ${does}, on a ${server} server (${property('url') !== undefined ? 'flyway.url on the line' : 'the flyway block of build.gradle'})`;
  }
  const block = gradleBlock(script, 'liquibase');
  if (block === null && !/org\.liquibase\.gradle|liquibase-gradle-plugin/.test(script) && remote === undefined) return null;
  const command = (GRADLE_LIQUIBASE.exec(name)?.[1] as string).replace(/^./, (c) => c.toLowerCase());
  const prop = (key: string): string | null | undefined => value(args, [`-P${key}`], false);
  let does: string;
  if (command === 'dropAll') does = 'drops every object of the configured schemas';
  else if (command === 'rollbackCount') {
    const count = prop('liquibaseCount') ?? prop('liquibaseCommandValue');
    if (count === undefined || !moreThanOne(count)) return null;
    does = `reverts the last ${count ?? 'N'} changesets (dropping what they made)`;
  } else does = `reverts every changeset after ${command === 'rollback' ? 'the tag' : 'the date'} ${prop('liquibaseTag') ?? prop('liquibaseDate') ?? prop('liquibaseCommandValue') ?? '?'} (dropping what they made)`;
  const onLine = prop('liquibaseUrl');
  if (onLine !== undefined) {
    const server = jdbcServer(onLine);
    return server === null ? null : `${program} ${task} ${does}, on a ${server} server (-PliquibaseUrl)`;
  }
  // every literal url of the activities: Groovy `url 'x'`, `url = "x"`, `url('x')`; Kotlin `"url" to "x"`
  const urls = [...(block ?? '').matchAll(/(?:\burl\s*(?:=\s*)?\(?\s*|["']url["']\s*to\s*)(['"])(jdbc:[^'"]*)\1/g)].map((m) => m[2] as string);
  let server = urls.map(jdbcServer).find((s) => s !== null) ?? null;
  let from = 'the liquibase block of build.gradle';
  // liquibase.properties only where no activity names a url (one the plugin passes, even unread, wins over the file's)
  if (server === null && remote !== undefined && urls.length === 0) return `${program} ${task} ${does}, in ${remote}`;
  if (server === null && dir !== null && !/(?:\burl\b|["']url["'])/.test(block ?? '')) {
    const props = readAt(rt, dir, 'liquibase.properties');
    if (props !== undefined && props !== null && props !== 'missing') {
      const map = properties(props.text);
      server = jdbcServer(map.get('url') ?? map.get('liquibase.command.url'));
      from = 'liquibase.properties';
    }
  }
  return server === null ? null : `${program} ${task} ${does}, on a ${server} server (${from})`;
}

// ---------------------------------------------------------------------------------------------
// Liquibase

/** `liquibase drop-all` against a server: what it does, or null. */
export function liquibase(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['--url', '--username', '--password', '--changelog-file', '--defaults-file', '--search-path', '--log-level', '--driver', '--classpath', '--schemas', '--catalog-name', '--count', '--tag', '--date']);
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  // rollback-count N (N > 1), rollback TAG / --tag, rollback-to-date: more than one changeset back; rollback-count 1 is the one-step undo
  const at = words.findIndex((w) => /^(drop-?all|rollback(-?count|-?to-?date)?)$/i.test(w));
  if (at === -1) return null;
  const command = (words[at] as string).toLowerCase().replace(/-/g, '');
  if (command === 'rollbackcount' && !moreThanOne(value(args, ['--count']) ?? words[at + 1] ?? null)) return null;
  const does = command === 'dropall' ? 'drop-all drops every object of the configured schemas' : `${words[at]} reverts more than one changeset (dropping what they made)`;
  const onLine = value(args, ['--url']);
  const envUrl = lineVarChoices(inv, args, 'LIQUIBASE_COMMAND_URL').find((v) => v !== undefined);
  let url = onLine ?? envUrl;
  let from = onLine !== undefined ? '--url on the line' : 'LIQUIBASE_COMMAND_URL on the line';
  if (url === undefined) {
    // on another machine: its liquibase.properties is there, unseen
    const remote = unseenProject(inv, args);
    if (remote !== undefined) return `liquibase ${does}, in ${remote}`;
    if (inv.cwd === null) return null;
    const named = value(args, ['--defaults-file', '--defaultsFile']);
    const file = named === undefined ? `${inv.cwd}/liquibase.properties` : resolvePath(named, inv.cwd);
    if (file === null) return null;
    const text = textAt(rt, file);
    if (text === undefined) return null;
    const props = properties(text);
    url = props.get('url') ?? props.get('liquibase.command.url');
    from = path.posix.basename(file);
  }
  const server = jdbcServer(url);
  return server === null ? null : `liquibase ${does}, on a ${server} server (${from})`;
}
