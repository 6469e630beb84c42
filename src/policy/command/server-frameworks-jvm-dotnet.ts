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
 *    else pom.xml's flyway-maven-plugin `<url>`; Gradle: `-Pflyway.url=`/`-Dflyway.url=`, else
 *    build.gradle(.kts)'s `flyway { url = ... }`.
 *    Flyway 9 and later refuse `clean` unless cleanDisabled is false. Guard cannot see the Flyway
 *    version nor the user's ~/flyway.conf or an exported FLYWAY_CLEAN_DISABLED, so an unset
 *    cleanDisabled is judged as enabled (Flyway 8 and the plugins of its time clean by default);
 *    a `cleanDisabled=true` guard reads (the line, then the project's configuration) makes the
 *    command one Flyway refuses: left as before.
 *  - Liquibase: `--url` on the line, LIQUIBASE_COMMAND_URL on the line, else the defaults file
 *    (`--defaults-file`, else liquibase.properties) `url:`/`liquibase.command.url:`; Maven:
 *    `-Dliquibase.url=`, else pom.xml's liquibase-maven-plugin `<url>`.
 * JDBC URLs say server or file: `jdbc:postgresql:`, `jdbc:mysql:`, `jdbc:sqlserver:`, `jdbc:oracle:`,
 * `jdbc:h2:tcp:` are servers; `jdbc:sqlite:`, `jdbc:h2:file:`, `jdbc:h2:mem:`, embedded Derby and
 * HSQLDB are not. Where nothing is read, or a URL is a placeholder, the command is left as before.
 * Rollbacks of more than one step are judged as the wipes are (docs/DECISIONS.md, "Rollbacks of
 * more than one migration"): `liquibase rollback-count N` (N > 1), `rollback TAG`,
 * `rollback-to-date`, `dotnet ef database update NAME` (down to NAME where the database is ahead);
 * `rollback-count 1`, `flyway undo` (one version) and `flyway migrate` stay as before.
 */
import path from 'node:path';
import { stripJsonc } from './deno-tasks.js';
import type { Field } from './expand.js';
import { operandWords, optionValue as value } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { environmentsOf, lineVarChoices, moreThanOne, readAt } from './server-frameworks.js';

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
  if (what === null || inv.cwd === null) return null;
  const connection = value(args, ['--connection']);
  if (connection !== undefined) {
    if (connection === null) return null;
    return connectionKind(connection) === 'server' ? `${what} the database --connection names, on a server` : null;
  }
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
function flywaySettings(inv: Invocation, args: Field[], rt: Runtime): { url: string | null | undefined; cleanDisabled: string | null | undefined; from: string } {
  const onLine = value(args, ['-url'], false);
  const disabledLine = value(args, ['-cleanDisabled'], false);
  const envUrl = lineVarChoices(inv, args, 'FLYWAY_URL').find((v) => v !== undefined);
  const envDisabled = lineVarChoices(inv, args, 'FLYWAY_CLEAN_DISABLED').find((v) => v !== undefined);
  const workDir = value(args, ['-workingDirectory'], false);
  const dir = workDir === undefined ? inv.cwd : resolvePath(workDir, inv.cwd);
  if (dir === null) return { url: onLine ?? envUrl, cleanDisabled: disabledLine ?? envDisabled, from: onLine !== undefined ? '-url on the line' : 'FLYWAY_URL' };
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
    } else {
      const props = properties(found.text);
      if (props.has('flyway.url')) {
        url = props.get('flyway.url');
        from = path.posix.basename(file);
      }
      if (props.has('flyway.cleanDisabled')) cleanDisabled = props.get('flyway.cleanDisabled');
    }
  }
  if (envUrl !== undefined) [url, from] = [envUrl, 'FLYWAY_URL on the line'];
  if (onLine !== undefined) [url, from] = [onLine, '-url on the line'];
  return { url, cleanDisabled: disabledLine ?? envDisabled ?? cleanDisabled, from };
}

/** `flyway clean` against a server: what it does, or null. */
export function flyway(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, []);
  if (!words.includes('clean') || args.some((a) => a.value === '-?' || a.value === '--help' || a.value === '-h')) return null;
  const settings = flywaySettings(inv, args, rt);
  const server = jdbcServer(settings.url);
  if (server === null || settings.cleanDisabled?.trim().toLowerCase() === 'true') return null;
  return `flyway clean drops every object of the configured schemas, on a ${server} server (${settings.from})`;
}

/** The `<url>` (and `<cleanDisabled>`) of a Maven plugin's configuration in pom.xml, comments out. */
function pomPlugin(text: string, artifact: string): { url?: string; cleanDisabled?: string } | null {
  const code = text.replace(/<!--[\s\S]*?-->/g, '');
  const at = code.indexOf(`<artifactId>${artifact}</artifactId>`);
  if (at === -1) return null;
  const end = code.indexOf('</plugin>', at);
  const block = code.slice(at, end === -1 ? undefined : end);
  const tag = (name: string): string | undefined => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(block)?.[1];
  return { url: tag('url'), cleanDisabled: tag('cleanDisabled') };
}

/** `mvn flyway:clean`, `mvn liquibase:dropAll` against a server: what it does, or null. */
export function maven(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-f', '--file', '-P', '--activate-profiles', '-pl', '--projects', '-s', '--settings', '-rf', '--resume-from', '-T', '--threads']);
  const goal = words.find((w) => /(^|:)flyway(-maven-plugin)?(:[\w.-]+)?:clean$/.test(w) || /(^|:)liquibase(-maven-plugin)?(:[\w.-]+)?:dropAll$/.test(w));
  if (goal === undefined || inv.cwd === null) return null;
  const tool = goal.includes('flyway') ? 'flyway' : 'liquibase';
  const defines = (name: string): string | null | undefined => value(args, [`-D${tool}.${name}`], false);
  const pomFile = value(args, ['-f', '--file']);
  const pomPath = pomFile === undefined ? `${inv.cwd}/pom.xml` : resolvePath(pomFile, inv.cwd);
  const pom = pomPath === null ? undefined : textAt(rt, pomPath.endsWith('.xml') ? pomPath : `${pomPath}/pom.xml`);
  const plugin = pom === undefined ? null : pomPlugin(pom, `${tool}-maven-plugin`);
  const url = defines('url') ?? plugin?.url;
  const server = jdbcServer(url);
  if (server === null) return null;
  if (tool === 'flyway' && (defines('cleanDisabled') ?? plugin?.cleanDisabled)?.trim().toLowerCase() === 'true') return null;
  const from = defines('url') !== undefined ? `-D${tool}.url` : 'pom.xml';
  return `${program} ${goal} drops every object of the configured schemas, on a ${server} server (${from})`;
}

/** Gradle's `flywayClean` against a server: what it does, or null. */
export function gradle(inv: Invocation, program: string, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-p', '--project-dir', '-x', '--exclude-task', '-b', '--build-file', '-c', '--settings-file', '-g', '--gradle-user-home', '-I', '--init-script']);
  const task = words.find((w) => w.slice(w.lastIndexOf(':') + 1) === 'flywayClean');
  if (task === undefined) return null;
  const projectDir = value(args, ['-p', '--project-dir']);
  const dir = projectDir === undefined ? inv.cwd : resolvePath(projectDir, inv.cwd);
  if (dir === null) return null;
  const property = (name: string): string | null | undefined => value(args, [`-Pflyway.${name}`, `-Dflyway.${name}`], false);
  const groovy = readAt(rt, dir, 'build.gradle');
  const kts = readAt(rt, dir, 'build.gradle.kts');
  const script = [groovy, kts].map((f) => (f === undefined || f === null || f === 'missing' ? '' : f.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1'))).join('\n');
  const block = /\bflyway\s*\{([^}]*)\}/.exec(script)?.[1] ?? '';
  const setting = (name: string): string | undefined => new RegExp(`\\b${name}\\s*=?\\s*(?:['"]([^'"]*)['"]|(true|false))`).exec(block)?.slice(1).find((v) => v !== undefined);
  const url = property('url') ?? setting('url');
  const server = jdbcServer(url);
  if (server === null || (property('cleanDisabled') ?? setting('cleanDisabled'))?.trim().toLowerCase() === 'true') return null;
  return `${program} ${task} drops every object of the configured schemas, on a ${server} server (${property('url') !== undefined ? 'flyway.url on the line' : 'the flyway block of build.gradle'})`;
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
