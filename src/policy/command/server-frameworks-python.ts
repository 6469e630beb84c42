/**
 * Alembic's `alembic downgrade base` against a database server: it runs every migration's
 * downgrade, dropping the tables they made with their rows. Until 2026-12-06 it was only the
 * capture of the repository's ignored database files (databases.ts), nothing for PostgreSQL.
 *
 * Which database, read as Alembic reads it: the config file (`-c`/`--config`, ALEMBIC_CONFIG on
 * the line, else alembic.ini), its section (`-n`/`--name`, else `[alembic]`), `sqlalchemy.url`'s
 * scheme (`postgresql+psycopg2://` a server, `sqlite:///app.db` a file). Only where the project's
 * env.py takes that URL as it is (the templates' `config.get_main_option("sqlalchemy.url")`,
 * `engine_from_config`): an env.py that sets the URL from code (`set_main_option`, its own
 * `create_engine`) decides elsewhere (an environment variable, the application's settings), and
 * the command is left as before. `--sql` only prints the SQL.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { lineVarChoices, readAt } from './server-frameworks.js';

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
const URL_FROM_CODE = /\bset_main_option\s*\(|\bset_section_option\s*\(|\bcreate(_async)?_engine\s*\(/;

/** `alembic downgrade base` against a server: what it does, or null. */
export function alembic(inv: Invocation, args: Field[], rt: Runtime): string | null {
  const words = operandWords(args, ['-c', '--config', '-n', '--name', '-x', '--tag']);
  if (words[0] !== 'downgrade' || words[1] !== 'base' || inv.cwd === null) return null;
  if (args.some((a) => a.value === '--sql' || a.value === '--help' || a.value === '-h')) return null;
  const flag = (names: string[]): string | null | undefined => {
    for (let i = 0; i < args.length; i++) {
      const w = args[i]?.value;
      if (w === undefined || w === null) continue;
      if (names.includes(w)) return args[i + 1]?.value ?? null;
      const long = names.find((n) => n.startsWith('--') && w.startsWith(`${n}=`));
      if (long) return w.slice(long.length + 1);
    }
    return undefined;
  };
  const named = flag(['-c', '--config']) ?? lineVarChoices(inv, args, 'ALEMBIC_CONFIG').find((v) => v !== undefined) ?? 'alembic.ini';
  const section = flag(['-n', '--name']) ?? 'alembic';
  if (named === null || section === null) return null;
  const ini = resolvePath(named, inv.cwd);
  if (ini === null) return null;
  const dir = path.posix.dirname(ini);
  const found = readAt(rt, dir, path.posix.basename(ini));
  if (found === undefined || found === null || found === 'missing') return null;
  const settings = iniSection(found.text, section);
  const url = settings?.get('sqlalchemy.url');
  const server = sqlalchemyServer(url);
  if (server === null) return null;
  // script_location: `%(here)s/alembic` (beside the ini) or a path from where alembic runs
  const location = settings?.get('script_location') ?? 'alembic';
  const scripts = location.startsWith('%(here)s') ? `${dir}${location.slice('%(here)s'.length)}` : resolvePath(location, inv.cwd);
  if (scripts === null || scripts.includes('%(') || scripts.includes(':')) return null;
  const env = readAt(rt, scripts, 'env.py');
  if (env === undefined || env === null || env === 'missing') return null;
  if (URL_FROM_CODE.test(env.text.replace(/#.*$/gm, ''))) return null;
  return `alembic downgrade base reverts every migration, dropping their tables, on a ${server} server (sqlalchemy.url in ${path.posix.basename(ini)})`;
}
