/**
 * The command-line clients of file databases agents edit in place: `sqlite3` (and the
 * `sqlite` name some systems give it), `duckdb`, and `sqlite-utils`'s writing subcommands. A
 * local database is usually ignored (`*.db`, `*.sqlite`, `dev.duckdb`) and is not regenerable
 * output: the rows in it are the person's. Before 2026-12-05, `sqlite3 local.db 'delete from x'`
 * was "allow: no destructive command found" and the rows were gone for good (only the session
 * start's capture, under its budget, held the file).
 *
 * Now the database file is judged as a file the command writes (targets.ts checkWriteTarget, as
 * `sed -i` on `.env` is): where it is ignored and not regenerable output, the snapshot taken
 * first captures it (overwrite-ignored) and `guard rollback` gives its bytes and mode back;
 * tracked or untracked ones are a snapshot first (held-databases.ts: a dev server may have
 * written rows since the last snapshot); regenerable output
 * (`node_modules/.cache/x.db`) is free; over the capture bound the command is denied with a way
 * forward that fits a database. Its side files are judged the same way: SQLite's `-journal`
 * (a hot journal left by a crash is part of the database: the file without it is not the
 * database) and `-wal` (committed pages not yet copied into the file; the client checkpoints and
 * deletes it when it closes), DuckDB's `.wal`. SQLite's `-shm` is not: it is an index SQLite
 * rebuilds from the `-wal` when the first connection opens.
 *
 * When SQL may write: whatever guard cannot read (SQL from a file, `.read`, `-init`, a pipe it
 * cannot see, an interactive session, an unknown option) may write. What it can read (the SQL
 * operands, `-cmd`, `-c`, a heredoc or an echo piped in) is split into statements and dot
 * commands; only these are read-only: SELECT, VALUES, WITH without INSERT/UPDATE/DELETE/REPLACE,
 * EXPLAIN (sqlite runs nothing; DuckDB's EXPLAIN ANALYZE runs its statement: judged as it),
 * BEGIN/COMMIT/ROLLBACK/END/SAVEPOINT/RELEASE/DETACH, PRAGMAs that only read (`table_info(x)`,
 * `integrity_check`, `journal_mode` with no value) or set the connection (`foreign_keys = on`,
 * `busy_timeout`), DuckDB's DESCRIBE, SHOW, SUMMARIZE, FROM, SET, RESET, USE, INSTALL, and the
 * dot commands that print (`.schema`, `.tables`, `.dump`, `.mode` ...; an abbreviation only where
 * every command it can stand for prints). `-readonly`, a `file:` URI with `mode=ro` or
 * `immutable=1`, and `-deserialize` open the file read-only. Files a dot command writes
 * (`.output FILE`, `.once`, `.save`, `.backup`, `.clone`, `.log`, `.trace`), `.open --new FILE`,
 * and DuckDB's `COPY ... TO 'file'` are judged as writes of those files; `.open FILE` and
 * `ATTACH 'file'` add a database the later SQL may write. `.shell`, `.system`, `.output |cmd`,
 * `.read |cmd`, an archive extraction (`-A`, `.archive`) and SQL functions that write files or
 * load code (`writefile`, `edit`, `load_extension`) are commands guard cannot see through
 * (opaque: asked of a person, refused for an agent).
 *
 * No git process unless a database file (or a side file) exists: the write is judged as a
 * redirection is, one lstat each, one `ls-files --ignored` only where the file is there.
 */
import { knownField, type Field } from './expand.js';
import { artisanWritesEnv, ECTO_WRITES, FRAMEWORK_MIGRATION_PROGRAMS, frameworkMigrationChanges } from './framework-migrations.js';
import { judgeOutputFile } from './output-files.js';
import { operandWords } from './gnu-args.js';
import { reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { captureIgnoredNamed } from './ignored-by-name.js';
import { djangoSqliteNames } from './django-sqlite.js';
import { snapshotHeldDatabases } from './held-databases.js';
import { classifyServerFramework, CONTAINER_DATABASE_URL, djangoServerDatabase, HEROKU_DATABASE_URL, instead, railsEnvironments, railsServerDatabase, UNSEEN_DATABASE_URL, unseenProject } from './server-frameworks.js';
import { rakeTaskEffect } from './rake-tasks.js';
import { classifyRailsRunner, runnerEffect } from './rails-runner.js';
import { artisanCommandEffect, tinkerCode } from './artisan-commands.js';
import { laravelServerDatabase, scriptDir } from './server-frameworks-php.js';
import { djangoCommandEffect } from './django-commands.js';
import type { DataEffect } from './data-effect.js';
import { expandMixTasks, MIX_VALUE_OPTIONS, mixAliases, mixTaskLabel } from './mix-aliases.js';
import { readAt } from './server-frameworks.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import { resolvePath } from './paths.js';
import type { RepoContents } from './state.js';

/** Programs this module judges (commands.ts sends them here). */
export const DATABASE_PROGRAMS = new Set(['sqlite3', 'sqlite', 'duckdb', 'sqlite-utils']);

/** The way forward when the database is larger than guard captures before a command. */
export const DATABASE_OVER_BOUND =
  'Back the database up first (`sqlite3 DB ".backup /tmp/DB.bak"` or `cp DB /tmp/`), then run the command; open it `-readonly` to only read; add it to commands.regenerable if it is rebuilt from scratch; or ask the person to raise commands.maxIgnoredCapture.';

type Dialect = 'sqlite' | 'duckdb';

/** What a piece of SQL (statements and dot commands) does, as far as guard reads it. */
interface SqlEffects {
  /** It may write the current database (or one it opens or attaches). */
  writes: boolean;
  /** Why, for the message (the first statement or dot command that may write). */
  why: string | null;
  /** Other files it writes (`.output FILE`, `.backup FILE`, `COPY ... TO 'f'`), as written. */
  files: string[];
  /** Databases it opens or attaches (`.open FILE`, `ATTACH 'f'`), which the SQL may write too. */
  databases: string[];
  /** Something guard cannot see through (`.shell`, `writefile()`), for the message. */
  opaque: string | null;
}

function noEffects(): SqlEffects {
  return { writes: false, why: null, files: [], databases: [], opaque: null };
}

function merge(into: SqlEffects, from: SqlEffects): void {
  if (from.writes && !into.writes) {
    into.writes = true;
    into.why = from.why;
  }
  into.files.push(...from.files);
  into.databases.push(...from.databases);
  into.opaque ??= from.opaque;
}

function mayWrite(why: string): SqlEffects {
  return { ...noEffects(), writes: true, why };
}

// ---------------------------------------------------------------------------------------------
// SQL statements

export interface Statement {
  /** Words outside strings and comments, upper-cased (identifiers, keywords). */
  words: string[];
  /** Single-quoted string literals, in order. */
  strings: string[];
  /** The statement upper-cased, each string literal as `''`, each quoted identifier as ` x `, comments out. */
  text: string;
}

/**
 * Splits SQL into statements at `;` outside strings, quoted identifiers and comments. A trigger's
 * body (`BEGIN ...; ...; END`) is split too: each piece is judged, and CREATE already writes.
 * Also read for SQL sent to a database server (server-sql.ts).
 */
export function statements(sql: string): Statement[] {
  const out: Statement[] = [];
  let words: string[] = [];
  let strings: string[] = [];
  let text = '';
  const end = (): void => {
    if (words.length > 0 || strings.length > 0) out.push({ words, strings, text: text.trim() });
    words = [];
    strings = [];
    text = '';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === ';') {
      end();
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const closer = c === '[' ? ']' : c;
      let j = i + 1;
      let value = '';
      while (j < sql.length) {
        if (sql[j] === closer) {
          if (closer !== ']' && sql[j + 1] === closer) {
            value += closer;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      if (c === "'") strings.push(value);
      else words.push(value.toUpperCase());
      text += c === "'" ? "''" : ' x ';
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 200));
    if (word) {
      words.push(word[0].toUpperCase());
      text += word[0].toUpperCase();
      i += word[0].length;
      continue;
    }
    text += c;
    i++;
  }
  end();
  return out;
}

/** PRAGMAs that only read, whatever argument they take (`table_info(users)`). */
const READING_PRAGMAS = new Set([
  'TABLE_INFO', 'TABLE_XINFO', 'TABLE_LIST', 'INDEX_INFO', 'INDEX_XINFO', 'INDEX_LIST', 'FOREIGN_KEY_LIST', 'FOREIGN_KEY_CHECK',
  'INTEGRITY_CHECK', 'QUICK_CHECK', 'DATABASE_LIST', 'COMPILE_OPTIONS', 'COLLATION_LIST', 'FUNCTION_LIST', 'MODULE_LIST', 'PRAGMA_LIST',
  'DATA_VERSION', 'FREELIST_COUNT', 'PAGE_COUNT', 'SCHEMA_VERSION',
  // DuckDB
  'SHOW_TABLES', 'SHOW_TABLES_EXPANDED', 'SHOW', 'DATABASE_SIZE', 'VERSION', 'STORAGE_INFO', 'PLATFORM', 'USER_AGENT', 'METADATA_INFO',
]);

/** PRAGMAs that set only the connection (nothing in the file changes), with or without a value. */
const CONNECTION_PRAGMAS = new Set([
  'FOREIGN_KEYS', 'BUSY_TIMEOUT', 'CACHE_SIZE', 'TEMP_STORE', 'SYNCHRONOUS', 'QUERY_ONLY', 'RECURSIVE_TRIGGERS', 'CASE_SENSITIVE_LIKE',
  'DEFER_FOREIGN_KEYS', 'CELL_SIZE_CHECK', 'AUTOMATIC_INDEX', 'MMAP_SIZE', 'THREADS', 'REVERSE_UNORDERED_SELECTS', 'IGNORE_CHECK_CONSTRAINTS',
  'TRUSTED_SCHEMA', 'COUNT_CHANGES', 'FULL_COLUMN_NAMES', 'SHORT_COLUMN_NAMES', 'ANALYSIS_LIMIT', 'HARD_HEAP_LIMIT', 'SOFT_HEAP_LIMIT',
  'LOCKING_MODE', 'CACHE_SPILL', 'LEGACY_ALTER_TABLE',
  // DuckDB
  'ENABLE_PROFILING', 'DISABLE_PROFILING', 'ENABLE_PROGRESS_BAR', 'DISABLE_PROGRESS_BAR', 'MEMORY_LIMIT',
]);

/** PRAGMAs that read their value when given none, and write the file when given one (`user_version = 3`, `journal_mode(wal)`). */
const VALUE_PRAGMAS = new Set(['USER_VERSION', 'APPLICATION_ID', 'JOURNAL_MODE', 'PAGE_SIZE', 'AUTO_VACUUM', 'ENCODING', 'MAX_PAGE_COUNT', 'JOURNAL_SIZE_LIMIT', 'SECURE_DELETE', 'WAL_AUTOCHECKPOINT']);

const NEUTRAL = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'DETACH']);
const DUCKDB_READING = new Set(['DESCRIBE', 'SHOW', 'SUMMARIZE', 'FROM', 'SET', 'RESET', 'USE', 'INSTALL']);
const WRITE_WORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'MERGE']);

/** The file of `COPY t TO 'f'` or `COPY (query) TO 'f'` (TO outside parentheses); null for `COPY t FROM 'f'` or anything else. */
function copyTarget(statement: Statement): string | null {
  const text = statement.text;
  let depth = 0;
  let strings = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === "'" && text[i + 1] === "'") {
      strings++;
      i++;
    } else if (depth === 0 && /^\bFROM\b/.test(text.slice(i)) && /\W/.test(text[i - 1] ?? ' ')) return null;
    else if (depth === 0 && /\W/.test(text[i - 1] ?? ' ') && /^TO\s*''/.test(text.slice(i, i + 40))) return statement.strings[strings] ?? null;
  }
  return null;
}

function statementEffects(statement: Statement, dialect: Dialect): SqlEffects {
  const { words } = statement;
  const first = words[0] ?? '';
  const shown = `${first} ...`;
  const called = /\b(WRITEFILE|EDIT|LOAD_EXTENSION)\s*\(/.exec(statement.text);
  if (called) return { ...noEffects(), opaque: `the SQL calls ${(called[1] as string).toLowerCase()}(), which writes files or loads code guard cannot see` };
  if (first === '') return noEffects();
  if (NEUTRAL.has(first)) return noEffects();
  if (first === 'SELECT' || first === 'VALUES') return noEffects();
  if (first === 'WITH') return words.some((w) => WRITE_WORDS.has(w)) ? mayWrite(shown) : noEffects();
  if (first === 'EXPLAIN') {
    if (dialect === 'duckdb' && words[1] === 'ANALYZE') return statementEffects({ ...statement, words: words.slice(2) }, dialect);
    return noEffects();
  }
  if (first === 'PRAGMA') {
    // PRAGMA [schema.]name [= value | (value)]
    const pragma = /^PRAGMA\s+(?:(?:\w+| x )\s*\.\s*)?(\w+)\s*(.*)$/s.exec(statement.text);
    const name = pragma?.[1] ?? '';
    if (READING_PRAGMAS.has(name) || CONNECTION_PRAGMAS.has(name)) return noEffects();
    if (VALUE_PRAGMAS.has(name) && !/^[=(]/.test(pragma?.[2] ?? '')) return noEffects();
    return mayWrite(shown);
  }
  if (first === 'ATTACH') {
    const file = statement.strings[0];
    return { ...noEffects(), databases: file !== undefined ? [file] : [] };
  }
  if (dialect === 'duckdb') {
    if (DUCKDB_READING.has(first)) return noEffects();
    if (first === 'COPY') {
      // `COPY t TO 'f'` and `COPY (query) TO 'f'` write the file; `COPY t FROM 'f'` writes the database.
      const file = copyTarget(statement);
      if (file !== null) return { ...noEffects(), files: [file] };
      return mayWrite(shown);
    }
  }
  return mayWrite(shown);
}

// ---------------------------------------------------------------------------------------------
// Dot commands of the sqlite3 shell (DuckDB's shell is derived from it)

/** Dot commands that only print or set how output looks. */
const PRINTING_DOTS = [
  'auth', 'bail', 'binary', 'changes', 'check', 'crnl', 'databases', 'dbinfo', 'dump', 'echo', 'eqp', 'excel', 'exit', 'expert', 'explain',
  'fullschema', 'headers', 'help', 'indexes', 'indices', 'limit', 'lint', 'mode', 'nonce', 'nullvalue', 'parameter', 'print', 'prompt',
  'quit', 'recover', 'scanstats', 'schema', 'separator', 'sha3sum', 'show', 'stats', 'tables', 'testcase', 'timeout', 'timer',
  'vfsinfo', 'vfslist', 'vfsname', 'width', 'maxrows', 'columns', 'rows', 'last', 'highlight_errors', 'render_errors',
];

/** Dot commands that write the file named by their last operand. */
const FILE_DOTS = ['output', 'once', 'save', 'backup', 'clone', 'log', 'trace', 'iotrace'];

/** Every dot command guard knows by name (an abbreviation stands for any of those it begins). */
const KNOWN_DOTS = [
  ...PRINTING_DOTS, ...FILE_DOTS, 'archive', 'ar', 'cd', 'connection', 'dbconfig', 'filectrl', 'imposter', 'import', 'load', 'open',
  'read', 'restore', 'selftest', 'session', 'shell', 'system', 'unmodule',
];

/** The dot command's words, as the shell splits them (blanks, '...' and "..." quoting). */
function dotWords(line: string): string[] {
  const words: string[] = [];
  const re = /\s*(?:'([^']*)'?|"((?:\\.|[^"\\])*)"?|(\S+))/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(line)) !== null && match[0] !== '') words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

function dotEffects(line: string): SqlEffects {
  const words = dotWords(line.slice(1));
  const name = (words[0] ?? '').toLowerCase();
  const args = words.slice(1);
  const operands = args.filter((a) => !a.startsWith('-'));
  const shown = `.${words[0] ?? ''}`;
  if (name === '') return noEffects();
  const meant = KNOWN_DOTS.filter((known) => known.startsWith(name));
  if (meant.length > 0 && meant.every((m) => PRINTING_DOTS.includes(m))) return noEffects();
  const exact = KNOWN_DOTS.includes(name) ? name : meant.length === 1 ? (meant[0] as string) : null;
  // `.o FILE` (sqlite3 reads it as .output; .once and .open are the other meanings): each writes or opens its last operand.
  if (exact === null && meant.length > 1 && meant.every((m) => FILE_DOTS.includes(m) || m === 'open')) {
    const file = operands[operands.length - 1];
    if (file?.startsWith('|')) return { ...noEffects(), opaque: `${shown} ${file} runs a shell command` };
    return file === undefined ? noEffects() : { ...mayWrite(shown), files: [file], databases: [file] };
  }
  switch (exact) {
    case 'shell':
    case 'system':
      return { ...noEffects(), opaque: `${shown} runs a shell command` };
    case 'archive':
    case 'ar':
      return { ...noEffects(), opaque: `${shown} reads or extracts an SQL archive whose files guard does not list` };
    case 'output':
    case 'once':
    case 'save':
    case 'backup':
    case 'clone':
    case 'log':
    case 'trace':
    case 'iotrace': {
      const file = operands[operands.length - 1];
      if (file === undefined) return noEffects();
      if (file.startsWith('|')) return { ...noEffects(), opaque: `${shown} ${file} runs a shell command` };
      if (['log', 'trace', 'iotrace'].includes(exact) && ['stdout', 'stderr', 'off', '-'].includes(file)) return noEffects();
      return { ...noEffects(), files: [file] };
    }
    case 'read': {
      const file = operands[0];
      if (file?.startsWith('|')) return { ...noEffects(), opaque: `${shown} ${file} runs a shell command` };
      return mayWrite(`${shown} ${file ?? ''}`.trim());
    }
    case 'open': {
      const file = operands[operands.length - 1];
      if (file === undefined) return noEffects();
      const effects: SqlEffects = { ...noEffects(), databases: args.some((a) => /^--?readonly$/.test(a)) ? [] : [file] };
      if (args.some((a) => /^--?new$/.test(a))) effects.files.push(file);
      return effects;
    }
    default:
      return mayWrite(shown);
  }
}

/**
 * A script as the shell reads it from a file, stdin or a heredoc: lines starting with `.` (when
 * no SQL is pending) are dot commands, `#` lines comments, the rest SQL.
 */
function scriptEffects(script: string, dialect: Dialect): SqlEffects {
  const effects = noEffects();
  let pending = '';
  for (const line of script.split('\n')) {
    if (pending.trim() === '' && (line.startsWith('.') || line.startsWith('#'))) {
      if (line.startsWith('.')) merge(effects, dotEffects(line));
      pending = '';
      continue;
    }
    pending += `${line}\n`;
    // What follows the last `;` outside strings stays pending (a statement over several lines).
    const cut = lastTerminator(pending);
    if (cut !== -1) {
      merge(effects, sqlEffects(pending.slice(0, cut + 1), dialect));
      pending = pending.slice(cut + 1);
    }
  }
  merge(effects, sqlEffects(pending, dialect));
  return effects;
}

/** The index of the last `;` outside strings and comments (-1: none). */
function lastTerminator(sql: string): number {
  let last = -1;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '[') quote = ']';
    else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      if (nl === -1) break;
      i = nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) break;
      i = close + 1;
    } else if (c === ';') last = i;
  }
  return last;
}

function sqlEffects(sql: string, dialect: Dialect): SqlEffects {
  const effects = noEffects();
  for (const statement of statements(sql)) merge(effects, statementEffects(statement, dialect));
  return effects;
}

/** One command-line argument: a dot command when it starts with `.`, else SQL. */
function argumentEffects(text: string, dialect: Dialect): SqlEffects {
  return text.startsWith('.') ? dotEffects(text) : sqlEffects(text, dialect);
}

// ---------------------------------------------------------------------------------------------
// The clients' command lines

/** sqlite3 3.40-3.47 `-help` (and shell.c): options that take one value, or two. */
const SQLITE_VALUE_OPTIONS = new Set(['separator', 'nullvalue', 'newline', 'cmd', 'init', 'mmap', 'sorterref', 'vfs', 'maxsize', 'nonce', 'threadsafe', 'escape', 'heap-limit']);
const SQLITE_TWO_VALUE_OPTIONS = new Set(['heap', 'pagecache', 'lookaside']);
const SQLITE_FLAGS = new Set([
  'append', 'ascii', 'bail', 'batch', 'box', 'column', 'csv', 'deserialize', 'echo', 'header', 'noheader', 'help', 'html', 'interactive',
  'json', 'line', 'list', 'markdown', 'memtrace', 'pcachetrace', 'multiplex', 'nofollow', 'no-rowid-in-view', 'quote', 'readonly', 'safe',
  'stats', 'table', 'tabs', 'unsafe-testing', 'utf8', 'version', 'vfstrace', 'zip', 'ifexists', 'binary', 'no-utf8', 'noinit',
]);

/** DuckDB's shell (`duckdb -help`, 1.x): options that take a value; the rest of sqlite3's flags, and its own. */
const DUCKDB_VALUE_OPTIONS = new Set(['cmd', 'c', 's', 'f', 'init', 'separator', 'nullvalue', 'newline', 'storage-version']);
const DUCKDB_FLAGS = new Set([...SQLITE_FLAGS, 'no-stdin', 'unsigned', 'ui', 'unredacted', 'safe']);

interface ClientLine {
  /** The database operand (null: none, an in-memory database). */
  database: Field | null;
  /** SQL and dot commands the client runs, in order; null entries are ones guard cannot read. */
  commands: Array<{ text: string | null; from: string }>;
  /** It reads stdin (no SQL operand, no -c). */
  readsStdin: boolean;
  readOnly: boolean;
  /** An option guard does not know: which words are the database is not known either. */
  unknownOption: string | null;
  /** `-A`: an archive command. */
  archive: boolean;
  operands: Field[];
}

function scanClient(args: Field[], dialect: Dialect): ClientLine {
  const line: ClientLine = { database: null, commands: [], readsStdin: true, readOnly: false, unknownOption: null, archive: false, operands: [] };
  const values = dialect === 'sqlite' ? SQLITE_VALUE_OPTIONS : DUCKDB_VALUE_OPTIONS;
  const flags = dialect === 'sqlite' ? SQLITE_FLAGS : DUCKDB_FLAGS;
  const pre: Array<{ text: string | null; from: string }> = [];
  const sql: Array<{ text: string | null; from: string }> = [];
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null || !value.startsWith('-')) {
      line.operands.push(field);
      if (line.database === null) line.database = field;
      else {
        sql.push({ text: value, from: field.display });
        line.readsStdin = false;
      }
      continue;
    }
    const name = value.replace(/^--?/, '');
    const next = (): Field | undefined => args[++i];
    if (name === 'A' && dialect === 'sqlite') {
      line.archive = true;
      break;
    }
    if (SQLITE_TWO_VALUE_OPTIONS.has(name) && dialect === 'sqlite') {
      i += 2;
      continue;
    }
    if (values.has(name)) {
      const option = next();
      if (name === 'cmd') pre.push({ text: option?.value ?? null, from: option?.display ?? value });
      else if (name === 'init' || name === 'f') pre.push({ text: null, from: `-${name} ${option?.display ?? ''}` });
      else if (name === 'c' || name === 's') {
        sql.push({ text: option?.value ?? null, from: option?.display ?? value });
        line.readsStdin = false;
      }
      if (name === 'f') line.readsStdin = false;
      continue;
    }
    if (name === 'readonly' || name === 'deserialize') line.readOnly = true;
    if (name === 'no-stdin') line.readsStdin = false;
    if (!flags.has(name)) line.unknownOption ??= value;
  }
  line.commands = [...pre, ...sql];
  return line;
}

/** The file a database operand names (null: in memory), and whether its URI opens it read-only. */
function databaseFile(operand: Field): { file: Field; readOnly: boolean } | null {
  const value = operand.value;
  if (value === null) return { file: operand, readOnly: false };
  if (value === '' || value === ':memory:') return null;
  if (!value.startsWith('file:')) return { file: operand, readOnly: false };
  const [rest, query = ''] = value.slice('file:'.length).split(/\?(.*)/s) as [string, string?];
  const params = new Map(query.split('#')[0]?.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    return (eq === -1 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)]) as [string, string];
  }));
  if (params.get('vfs') === 'memdb' || params.get('mode') === 'memory') return null;
  let file = rest.split('#')[0] as string;
  if (file.startsWith('//')) {
    // file://localhost/abs or file:///abs
    const slash = file.indexOf('/', 2);
    const authority = file.slice(2, slash === -1 ? file.length : slash);
    if (authority !== '' && authority !== 'localhost') return { file: operand, readOnly: false };
    file = slash === -1 ? '' : file.slice(slash);
  }
  if (file === '' || file === ':memory:') return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(file);
  } catch {
    decoded = file;
  }
  return { file: { ...knownField(decoded), display: operand.display }, readOnly: params.get('mode') === 'ro' || /^(1|true|yes|on)$/i.test(params.get('immutable') ?? '') };
}

/** The side files of a database a client may rewrite or delete along with it. */
function sideFiles(file: Field, dialect: Dialect): Field[] {
  if (file.value === null) return [];
  const suffixes = dialect === 'sqlite' ? ['-journal', '-wal'] : ['.wal'];
  return suffixes.map((suffix) => ({ ...knownField(`${file.value}${suffix}`), display: `${file.display}${suffix}` }));
}

/** Judges the files a database client writes: the database (and its side files) where the SQL may write, and the other files it names. */
function judgeWrites(inv: Invocation, rt: Runtime, program: string, databases: Field[], effects: SqlEffects, dialect: Dialect): void {
  if (effects.opaque) {
    reportOpaque(rt, `${program}: ${effects.opaque}`, inv.source);
    return;
  }
  for (const file of effects.files) judgeOutputFile(knownField(file), inv.cwd, rt, inv.source, `${program} writes ${file}`);
  if (!effects.writes) return;
  const before = rt.ctx.view?.capture.size ?? 0;
  const held = new HeldFiles();
  let heldWhy: string | null = null;
  for (const database of databases) {
    for (const file of [database, ...sideFiles(database, dialect)]) {
      if (file.value === null) {
        reportOpaque(rt, `${program} may change the database ${file.display}, a path guard cannot know before the command runs`, inv.source);
        continue;
      }
      judgeOutputFile(file, inv.cwd, rt, inv.source, `${program} may change the database ${file.display} (${effects.why})`);
      if (!file.glob && held.add(heldFile(rt, file.value, inv.cwd))) heldWhy ??= `${program} may change the database ${file.display} (${effects.why})`;
    }
  }
  const view = rt.ctx.view;
  if (view && view.capture.size > before) view.overBoundInstead ??= DATABASE_OVER_BOUND;
  if (heldWhy !== null) snapshotHeldDatabases(inv, rt, held, heldWhy);
}

/**
 * What git lists at the file a client writes: from the facts the write's own judgement asked for
 * (no more git); null while collecting, by text, or where it is not there.
 */
function heldFile(rt: Runtime, file: string, cwd: string | null): RepoContents | null {
  const view = rt.ctx.view;
  const abs = resolvePath(file, cwd);
  if (!view?.resolved || abs === null) return null;
  const facts = view.path(abs, true);
  if (!facts?.followedExists || facts.followedIsDir) return null;
  return facts.followedContents;
}

/** The tracked and untracked database files of several listings, each untracked one's size read by its own listing. */
class HeldFiles {
  readonly tracked: string[] = [];
  readonly untracked: string[] = [];
  private readonly sizers = new Map<string, (entry: string) => number>();
  readonly sizeOf = (entry: string): number => this.sizers.get(entry)?.(entry) ?? 0;

  /** Adds what `contents` lists that the snapshots hold; true where there is some. */
  add(contents: RepoContents | null): boolean {
    if (!contents) return false;
    this.tracked.push(...contents.tracked);
    for (const entry of contents.untracked) {
      this.untracked.push(entry);
      if (contents.sizeOf) this.sizers.set(entry, contents.sizeOf);
    }
    return contents.tracked.length > 0 || contents.untracked.length > 0;
  }
}

function classifyShellClient(inv: Invocation, name: string, args: Field[], rt: Runtime, dialect: Dialect): void {
  if (args.some((a) => a.value === '-help' || a.value === '--help' || a.value === '-version' || a.value === '--version')) return;
  const line = scanClient(args, dialect);
  if (line.archive) {
    reportOpaque(rt, `${name} -A runs an archive command whose files guard does not list`, inv.source);
    return;
  }
  const effects = noEffects();
  for (const command of line.commands) {
    if (command.text === null) merge(effects, mayWrite(command.from));
    else merge(effects, argumentEffects(command.text, dialect));
  }
  if (line.readsStdin) {
    const stdin = inv.stdin;
    if (stdin.kind === 'text' && stdin.text !== null) merge(effects, scriptEffects(stdin.text, dialect));
    else merge(effects, mayWrite(stdin.kind === 'terminal' ? 'SQL typed or read from stdin' : `SQL from ${stdin.from ?? 'stdin'}`));
  }
  if (line.unknownOption !== null) {
    // Which word is the database is not known: every operand may be.
    merge(effects, mayWrite(`after ${line.unknownOption}, an option guard does not know`));
    const databases = line.operands.map(databaseFile).filter((d): d is { file: Field; readOnly: boolean } => d !== null).map((d) => d.file);
    judgeWrites(inv, rt, name, databases, effects, dialect);
    return;
  }
  const main = line.database ? databaseFile(line.database) : null;
  const databases: Field[] = [];
  if (main && !line.readOnly && !main.readOnly) databases.push(main.file);
  for (const other of effects.databases) {
    const opened = databaseFile(knownField(other));
    if (opened && !opened.readOnly) databases.push(opened.file);
  }
  judgeWrites(inv, rt, name, databases, effects, dialect);
}

/**
 * sqlite-utils (3.x `--help`): subcommands that only read; `query` (and a database path in the
 * subcommand's place, which is `query`) runs SQL; every other subcommand writes the database it
 * names (insert, upsert, create-table, drop-table, transform, vacuum, enable-wal ...). `memory`
 * works in memory and writes only its `--save FILE`.
 */
const SQLITE_UTILS_READING = new Set(['tables', 'views', 'rows', 'schema', 'search', 'indexes', 'triggers', 'dump', 'plugins', 'install', 'uninstall', 'analyze-tables']);
/** Its subcommands that write the database they name (sqlite-utils 3.37 `--help`). */
const SQLITE_UTILS_WRITING = new Set([
  'add-column', 'add-foreign-key', 'add-foreign-keys', 'add-geometry-column', 'analyze', 'bulk', 'convert', 'create-database', 'create-index',
  'create-spatial-index', 'create-table', 'create-view', 'disable-fts', 'disable-wal', 'drop-table', 'drop-view', 'duplicate', 'enable-counts',
  'enable-fts', 'enable-wal', 'extract', 'index-foreign-keys', 'insert', 'insert-files', 'optimize', 'populate-fts', 'rebuild-fts',
  'rename-table', 'reset-counts', 'transform', 'upsert', 'vacuum',
]);
/** Its options that take a value (`--attach ALIAS FILE` and `--param NAME VALUE` take two). */
const SQLITE_UTILS_VALUE_OPTIONS = new Set(['--attach', '--param', '-p', '--load-extension', '--functions', '--save', '--fmt', '-f', '--output', '-o', '--encoding', '--delimiter', '--quotechar', '--pk', '--batch-size', '-c', '--column', '--limit', '--offset', '--order', '--where', '--sql']);

function classifySqliteUtils(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '--help' || a.value === '--version')) return;
  const command = args[0];
  if (!command) return;
  if (command.value === null) {
    reportOpaque(rt, `sqlite-utils ${command.display}: a subcommand guard cannot know before the command runs`, inv.source);
    return;
  }
  const sub = command.value;
  // Not a subcommand: the database of the default `query` (a subcommand a later version adds writes, as an unknown one may).
  const isQuery = sub === 'query' || (!SQLITE_UTILS_READING.has(sub) && !SQLITE_UTILS_WRITING.has(sub) && sub !== 'memory' && (sub.includes('.') || sub.includes('/') || args.length >= 3));
  const rest = sub === 'query' || !isQuery ? args.slice(1) : args;
  const operands: Field[] = [];
  const saves: Field[] = [];
  const attached: Field[] = [];
  for (let i = 0; i < rest.length; i++) {
    const value = rest[i]?.value;
    if (value !== null && value !== undefined && value.startsWith('-') && value !== '-') {
      const [flag, inline] = value.includes('=') ? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)] : [value, null];
      if (SQLITE_UTILS_VALUE_OPTIONS.has(flag)) {
        const option = inline !== null ? knownField(inline) : rest[++i];
        if (flag === '--save' && option) saves.push(option);
        if (flag === '--attach' && rest[i + 1] && inline === null) attached.push(rest[++i] as Field);
        if ((flag === '--param' || flag === '-p') && inline === null) i++;
      }
      continue;
    }
    operands.push(rest[i] as Field);
  }
  if (sub === 'memory') {
    for (const file of saves) judgeOutputFile(file, inv.cwd, rt, inv.source, `sqlite-utils memory --save writes ${file.display}`);
    return;
  }
  if (!isQuery && SQLITE_UTILS_READING.has(sub)) return;
  const database = operands[0];
  if (!database) return;
  let effects: SqlEffects;
  if (isQuery) {
    const sql = operands[1];
    effects = sql === undefined ? noEffects() : sql.value === null ? mayWrite(`SQL ${sql.display}`) : sqlEffects(sql.value, 'sqlite');
  } else effects = mayWrite(`sqlite-utils ${sub}`);
  const main = databaseFile(database);
  judgeWrites(inv, rt, 'sqlite-utils', [...(main ? [main.file] : []), ...attached], effects, 'sqlite');
}

export function classifyDatabaseClient(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (name === 'sqlite-utils') return classifySqliteUtils(inv, args, rt);
  return classifyShellClient(inv, name, args, rt, name === 'duckdb' ? 'duckdb' : 'sqlite');
}

/**
 * A database file a program opens (`sqlite3.connect('local.db')` in a `python -c`), where the
 * SQL it runs may write (`why`): judged as the clients' database is, side files included.
 */
export function judgeDatabaseFile(inv: Invocation, rt: Runtime, program: string, file: Field, why: string, dialect: Dialect): void {
  const opened = databaseFile(file);
  if (opened && !opened.readOnly) judgeWrites(inv, rt, program, [opened.file], { ...mayWrite(why) }, dialect);
}

/** For tests and docs: whether SQL (statements and dot commands, as a script) may write. */
export function sqlMayWrite(script: string, dialect: Dialect = 'sqlite'): boolean {
  const effects = scriptEffects(script, dialect);
  return effects.writes || effects.files.length > 0 || effects.opaque !== null;
}

// ---------------------------------------------------------------------------------------------
// Migration and reset commands of ORMs and frameworks

/**
 * Commands that change the database an application is configured with: Prisma's `migrate dev`
 * (which offers to reset), `migrate reset`, `db push`; Django's `manage.py migrate` and `flush`;
 * Rails' `db:` tasks; alembic, knex, sequelize, drizzle-kit and typeorm migrations. Where that
 * database is a file in the repository (Prisma's `file:./dev.db`, Django's `db.sqlite3`, Rails'
 * `storage/development.sqlite3`), it is usually ignored, and `prisma migrate reset --force` or
 * `manage.py flush --noinput` emptied it with no capture (found by the hunt of 2026-12-05 on a
 * vite clone: "no destructive command found"). Which file is configured is not on the command
 * line (schema.prisma, settings.py, database.yml, an env variable), so the set that holds it is
 * judged: the repository's ignored files named like a database (`*.db*`, `*.sqlite*`,
 * `*.duckdb*`, side files included), each captured into the snapshot first where it is not
 * regenerable output (overwrite-ignored), as an in-place edit of a glob is. Three name queries
 * (a git process each) for these commands only; a server database (Postgres, MySQL) is outside
 * every snapshot either way, and with none of these files nothing is captured.
 */
export const MIGRATION_PROGRAMS = new Set([
  'prisma', 'rails', 'rake', 'alembic', 'knex', 'sequelize', 'sequelize-cli', 'drizzle-kit', 'typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm', 'manage.py', 'django-admin', 'django-admin.py', 'flask', 'diesel', 'sqlx', 'sea-orm-cli', 'goose', 'migrate', 'atlas', 'dbmate',
  // Medusa 2 (PostgreSQL only: nothing of the repository's to capture; server-frameworks-js.ts refuses its drops)
  'medusa',
  // Strapi's `import|transfer --force` (server-frameworks-js.ts strapi): every entry deleted before the archive's are written
  'strapi',
  // PHP, Elixir, JVM and .NET (framework-migrations.ts): artisan, bin/console, mix, flyway, liquibase, mvn, gradle, dotnet-ef ...
  ...FRAMEWORK_MIGRATION_PROGRAMS,
]);

/**
 * Options that take a value, per program, so that the value is not read as the subcommand
 * (`flask --app x db upgrade`, `goose -dir db/migrations sqlite3 ./app.db down`). An option not
 * listed is read as a flag: its value, if it has one, is one more word, which only makes a
 * subcommand found further on (or none: then the command is free, as an unknown one is).
 */
const MIGRATION_VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  flask: ['--app', '-A', '--env-file', '-e'],
  'manage.py': ['--settings', '--pythonpath', '--database', '--verbosity', '-v'],
  'django-admin': ['--settings', '--pythonpath', '--database', '--verbosity', '-v'],
  'django-admin.py': ['--settings', '--pythonpath', '--database', '--verbosity', '-v'],
  diesel: ['--database-url', '--migration-dir', '--config-file', '--locked-schema'],
  sqlx: ['--database-url', '-D', '--source', '--connect-timeout', '--target-version'],
  'sea-orm-cli': ['--database-url', '-u', '--database-schema', '-s', '--migration-dir', '-d', '--num', '-n'],
  goose: ['-dir', '--dir', '-table', '--table', '-certfile', '-ssl-cert', '-ssl-key', '-env', '--env'],
  migrate: ['-path', '--path', '-source', '--source', '-database', '--database', '-prefetch', '-lock-timeout'],
  atlas: ['--url', '-u', '--to', '--dev-url', '--dir', '--env', '--config', '-c', '--var', '--schema', '-s', '--exclude', '--format', '--revisions-schema', '--baseline'],
  dbmate: ['--url', '-u', '--env', '-e', '--env-file', '--migrations-dir', '-d', '--migrations-table', '--schema-file', '-s', '--wait-timeout'],
  ace: ['--connection', '-c', '--batch', '--step'],
};

/** The words that are not options nor an option's value (as the program reads them, roughly). */
function positionalWords(program: string, args: Field[]): string[] {
  return operandWords(args, MIGRATION_VALUE_OPTIONS[program] ?? []);
}

/** Names a file database (and its side files) goes by. */
const DATABASE_NAME_PATTERNS = ['*.db*', '*.sqlite*', '*.duckdb*'];

/**
 * Whether a name the patterns found is a database's: `.db`, `.sqlite` or `.duckdb` ends the name
 * or a digit, `.`, `-` or `_` follows it (`app.db`, `dev.sqlite3`, `app.db-wal`, `x.duckdb.wal`,
 * `app.db.bak`), not a longer extension that starts so: simplebank's tracked `doc/db.dbml` (a
 * DBML schema, text) took a snapshot before every `migrate -database postgresql://... up`
 * (2026-12-07, helper realproj4). The patterns stay three (a git process each); this only filters.
 */
function namedLikeDatabase(path: string): boolean {
  const name = path.replace(/\/$/, '').slice(path.replace(/\/$/, '').lastIndexOf('/') + 1);
  return /\.(?:db|sqlite|duckdb)(?:$|[0-9._-])/.test(name);
}

/** The subcommand (words) that change the database, or null where the command does not. */
function migrationChanges(program: string, args: Field[]): string | null {
  const words = positionalWords(program, args);
  const [first = '', second = ''] = words;
  switch (program) {
    case 'prisma':
      if (first === 'migrate' && ['dev', 'reset', 'deploy', 'resolve'].includes(second)) return `prisma migrate ${second}`;
      if (first === 'db' && ['push', 'execute', 'seed'].includes(second)) return `prisma db ${second}`;
      return null;
    case 'manage.py':
    case 'django-admin':
    case 'django-admin.py':
      // dbshell: the database's own client (sqlite3 on db.sqlite3) reading SQL from the terminal or a pipe
      return ['migrate', 'flush', 'loaddata', 'createsuperuser', 'changepassword', 'clearsessions', 'createcachetable', 'remove_stale_contenttypes', 'reset_db', 'reset_schema', 'dbshell'].includes(first) ? `${program === 'manage.py' ? program : 'django-admin'} ${first}` : null;
    case 'rails':
    case 'rake': {
      // `rails dbconsole` (`rails db`): the database's own client, as manage.py dbshell
      if (program === 'rails' && (first === 'dbconsole' || first === 'db')) return `rails ${first}`;
      const task = words.find((w) => /^db:/.test(w) && !/^db:(version|migrate:status|schema:dump|structure:dump|schema:cache:dump)$/.test(w));
      return task ? `${program} ${task}` : null;
    }
    case 'flask':
      // Flask-Migrate (alembic underneath): `flask db upgrade|downgrade|stamp`
      return first === 'db' && ['upgrade', 'downgrade', 'stamp'].includes(second) ? `flask db ${second}` : null;
    case 'diesel':
      if (first === 'setup') return 'diesel setup';
      if (first === 'database' && ['setup', 'reset', 'drop'].includes(second)) return `diesel database ${second}`;
      if (first === 'migration' && ['run', 'revert', 'redo'].includes(second)) return `diesel migration ${second}`;
      return null;
    case 'sqlx':
      if (first === 'database' && ['create', 'drop', 'reset', 'setup'].includes(second)) return `sqlx database ${second}`;
      if (first === 'migrate' && ['run', 'revert'].includes(second)) return `sqlx migrate ${second}`;
      return null;
    case 'sea-orm-cli':
      // `migrate` alone runs the pending migrations (up)
      return first === 'migrate' && ['', 'up', 'down', 'fresh', 'refresh', 'reset'].includes(second) ? `sea-orm-cli migrate${second ? ` ${second}` : ''}` : null;
    case 'goose': {
      // goose [OPTIONS] DRIVER DBSTRING COMMAND (or the driver from GOOSE_DRIVER): the command is a later word
      const command = words.find((w) => /^(up|up-by-one|up-to|down|down-to|redo|reset)$/.test(w));
      return command ? `goose ${command}` : null;
    }
    case 'migrate': {
      // golang-migrate: migrate -path P -database URL up|down|drop|force|goto
      const command = words.find((w) => /^(up|down|drop|force|goto)$/.test(w));
      return command ? `migrate ${command}` : null;
    }
    case 'atlas':
      if (first === 'schema' && ['apply', 'clean'].includes(second)) return `atlas schema ${second}`;
      if (first === 'migrate' && ['apply', 'down', 'set'].includes(second)) return `atlas migrate ${second}`;
      return null;
    case 'dbmate':
      return ['up', 'migrate', 'down', 'rollback', 'drop', 'create', 'load'].includes(first) ? `dbmate ${first}` : null;
    case 'alembic':
      return ['upgrade', 'downgrade', 'stamp'].includes(first) ? `alembic ${first}` : null;
    case 'knex':
      return /^(migrate:(latest|up|down|rollback|unlock)|seed:run)$/.test(first) ? `knex ${first}` : null;
    case 'sequelize':
    case 'sequelize-cli':
      return /^db:(migrate|seed|drop|create)/.test(first) && first !== 'db:migrate:status' ? `${program} ${first}` : null;
    case 'drizzle-kit':
      return ['push', 'migrate', 'drop'].includes(first) ? `drizzle-kit ${first}` : null;
    case 'ace':
      // AdonisJS's Lucid (`node ace migration:fresh`): every migration and seed command writes the connection's database
      return /^(migration:(run|rollback|reset|refresh|fresh)|db:(seed|wipe|truncate))$/.test(first) ? `ace ${first}` : null;
    case 'medusa':
      return null;
    case 'strapi':
      // `strapi import --force`, `strapi transfer --from URL --force` empty the project's database (SQLite: .tmp/data.db) first
      return (first === 'import' || (first === 'transfer' && args.some((a) => a.value === '--from' || a.value?.startsWith('--from=')))) && args.some((a) => a.value === '--force') ? `strapi ${first} --force` : null;
    case 'typeorm':
    case 'typeorm-ts-node-commonjs':
    case 'typeorm-ts-node-esm':
      return /^(migration:(run|revert)|schema:(sync|drop)|query)$/.test(first) ? `${program} ${first}` : null;
    default:
      return frameworkMigrationChanges(program, args);
  }
}

/**
 * `script` is the path the program was run by where it is a project's file (`artisan`,
 * `../artisan`, `bin/console`): Laravel's `.env` lies beside its artisan.
 */
export function classifyMigrationTool(inv: Invocation, program: string, args: Field[], rt: Runtime, script?: string): void {
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return;
  // `artisan key:generate` replaces APP_KEY in the ignored .env: judged as a write of that file.
  if (program === 'artisan' && artisanWritesEnv(args)) {
    const dir = script === undefined ? '.' : script.includes('/') ? script.slice(0, script.lastIndexOf('/')) || '/' : '.';
    judgeOutputFile(knownField(dir === '.' ? '.env' : `${dir}/.env`), inv.cwd, rt, inv.source, 'artisan key:generate writes a new APP_KEY into .env');
    return;
  }
  // `rails db:drop` on PostgreSQL: rows on a server, outside every snapshot (server-frameworks.ts)
  classifyServerFramework(inv, program, args, rt, script);
  // `rails runner 'Issue.delete_all'`: its Ruby code, as a rake task's body (rails-runner.ts)
  if (program === 'rails') {
    const found = classifyRailsRunner(inv, args, rt);
    const environments = railsEnvironments(inv, args);
    if (found !== null && environments.length > 0) judgeProjectCommand(inv, program, 'rails runner', args, rt, undefined, found, () => railsServerDatabase(inv, args, rt, environments));
  }
  const what = migrationChanges(program, args);
  const django = program === 'manage.py' || program === 'django-admin' || program === 'django-admin.py';
  if (what === null) {
    if (django) classifyDjangoCommand(inv, program, args, rt, script);
    if ((program === 'rails' || program === 'rake') && inv.cwd !== null) classifyRakeTask(inv, program, args, rt, inv.cwd);
    if (program === 'artisan') classifyArtisanCommand(inv, args, rt, script);
    if (program === 'mix') classifyMixAlias(inv, args, rt);
    return;
  }
  captureAppDatabase(inv, program, args, rt, script, `${what} changes the application's database, which may be a file in the repository`);
}

/**
 * A project's own command (django-commands.ts, rake-tasks.ts, artisan-commands.ts), judged as
 * the framework's own are: where it deletes rows of a server's database (`serverDatabase`, asked
 * only then), refused for an agent as `flush` or `db:drop` there are; any effect on rows captures
 * the file databases first, as for `flush`. A command that only writes rows (demo data, a
 * password reset) stays free on a server, as Django's own `loaddata` and `changepassword` are.
 */
function judgeProjectCommand(inv: Invocation, program: string, label: string, args: Field[], rt: Runtime, script: string | undefined, found: DataEffect, serverDatabase: () => string | null): void {
  refuseServerDelete(inv, rt, label, found, serverDatabase);
  captureAppDatabase(inv, program, args, rt, script, `${label} ${found.why}, which ${found.effect === 'delete' ? 'deletes' : 'writes'} rows of the application's database, which may be a file in the repository`);
}

/** The server half of judgeProjectCommand. */
function refuseServerDelete(inv: Invocation, rt: Runtime, label: string, found: DataEffect, serverDatabase: () => string | null): void {
  if (found.effect !== 'delete') return;
  const db = serverDatabase();
  // on another machine or in a pod's image: the way to back up its database from there
  const remote = inv.unseenProject === HEROKU_DATABASE_URL ? 'heroku' : inv.unseenProject === UNSEEN_DATABASE_URL ? 'host' : inv.unseenProject === CONTAINER_DATABASE_URL ? 'container' : null;
  if (db !== null) rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'remote-data-delete', `${label} ${found.why}, which deletes rows of ${db}, outside the repository, where no snapshot holds it`, inv.source, instead(label, remote)));
}

function classifyDjangoCommand(inv: Invocation, program: string, args: Field[], rt: Runtime, script: string | undefined): void {
  const own = program === 'manage.py' ? script : undefined;
  const found = djangoCommandEffect(inv, args, rt, own);
  if (found !== null) judgeProjectCommand(inv, program, djangoLabel(program), args, rt, script, found, () => djangoServerDatabase(inv, args, rt, own));
}

/**
 * The server half alone, for a project's Django command run in a container whose project is the
 * repository (commands.ts classifyInContainer: `docker compose exec app python manage.py
 * load_initial_data` on bakerydemo, whose service sets DATABASE_URL to its Postgres).
 */
function refuseDjangoCommand(inv: Invocation, read: Invocation, program: string, args: Field[], rt: Runtime, script: string | undefined): void {
  const own = program === 'manage.py' ? script : undefined;
  // the command's source where `read` runs (the repository), the database where `inv` does (a stand-in's on another machine)
  const found = djangoCommandEffect(read, args, rt, own);
  if (found !== null) refuseServerDelete(inv, rt, djangoLabel(program), found, () => djangoServerDatabase(inv, args, rt, own));
}

/**
 * The server half alone for any project's own command run in a container whose project is the
 * repository (a compose service built from it, container-exec.ts): `docker compose exec app php
 * artisan koel:prune`, `docker compose run web bin/rails demo_data:default`. The source is the
 * repository's, so it is read; the database is the service's (its environment on `inv`). Its
 * files are the container's: nothing of the repository is captured.
 *
 * On another machine or in a pod whose project guard cannot read (`heroku run rake
 * cleanup:purge`, `kubectl exec web-0 -- bin/rails runner 'User.delete_all'`, `ssh prod 'cd app
 * && php artisan koel:prune'`; Invocation.unseenProject, since 2026-12-07): the command's source
 * is read from the repository where the line runs (CommandContext.inContainer.sourceDir: the
 * project deployed there is most often this one), the database is the stand-in's, a server's.
 */
export function refuseProjectCommand(inv: Invocation, program: string, args: Field[], rt: Runtime, script: string | undefined): void {
  const source = inv.cwd ?? (inv.unseenProject !== undefined ? (rt.ctx.inContainer?.sourceDir ?? null) : null);
  if (source === null) return;
  const read: Invocation = { ...inv, cwd: source };
  if (program === 'manage.py' || program === 'django-admin' || program === 'django-admin.py') return refuseDjangoCommand(inv, read, program, args, rt, script);
  if (program === 'rails' || program === 'rake') {
    const found = rakeTaskEffect(args, rt, source);
    const environments = railsEnvironments(inv, args);
    if (found !== null && environments.length > 0) refuseServerDelete(inv, rt, program, found, () => railsServerDatabase(inv, args, rt, environments));
    // `docker compose exec web bin/rails runner 'Issue.delete_all'`
    const code = program === 'rails' ? runnerEffect(read, args, rt) : null;
    if (code !== null && environments.length > 0) refuseServerDelete(inv, rt, 'rails runner', code, () => railsServerDatabase(inv, args, rt, environments));
    return;
  }
  if (program === 'artisan') {
    const name = args.find((a) => !a.value?.startsWith('-'))?.value;
    const root = scriptDir(script ?? 'artisan', source);
    if (name === undefined || name === null || root === null) return;
    const found = artisanCommandEffect(name, rt, root, name === 'tinker' ? tinkerCode(args.map((a) => a.value)) : undefined);
    // the project's configuration: the repository's in a container built from it, else the stand-in's (another machine's, a pod's)
    if (found !== null) refuseServerDelete(inv, rt, 'artisan', found, () => (inv.cwd === null ? (unseenProject(inv, args) ?? null) : laravelServerDatabase(inv, args, rt, root)));
  }
}

function djangoLabel(program: string): string {
  return program === 'manage.py' ? 'manage.py' : 'django-admin';
}

/** A project's own rake task, against the environments the line runs in (the test environment left free, as for `db:` tasks). */
function classifyRakeTask(inv: Invocation, program: string, args: Field[], rt: Runtime, root: string): void {
  const found = rakeTaskEffect(args, rt, root);
  const environments = railsEnvironments(inv, args);
  if (found !== null && environments.length > 0) judgeProjectCommand(inv, program, program, args, rt, undefined, found, () => railsServerDatabase(inv, args, rt, environments));
}

/** A Laravel project's own artisan command. */
function classifyArtisanCommand(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined): void {
  const name = args.find((a) => !a.value?.startsWith('-'))?.value;
  const root = scriptDir(script ?? 'artisan', inv.cwd);
  if (name === undefined || name === null || root === null) return;
  // `tinker --execute CODE`: the code judged as a command's body (artisan-commands.ts)
  const found = artisanCommandEffect(name, rt, root, name === 'tinker' ? tinkerCode(args.map((a) => a.value)) : undefined);
  if (found !== null) judgeProjectCommand(inv, 'artisan', 'artisan', args, rt, script, found, () => laravelServerDatabase(inv, args, rt, root));
}

/**
 * A Mix alias of the project's own (mix-aliases.ts) that runs an Ecto task writing the database
 * (`mix setup` -> `ecto.setup` -> `ecto.migrate`): the database files captured first, as for the
 * task typed. Its drops on a server are refused by server-frameworks-ecto.ts, which follows the
 * same aliases.
 */
function classifyMixAlias(inv: Invocation, args: Field[], rt: Runtime): void {
  if (inv.cwd === null) return;
  const found = readAt(rt, inv.cwd, 'mix.exs');
  if (found === undefined || found === null || found === 'missing') return;
  const typed = operandWords(args, MIX_VALUE_OPTIONS).map((w) => w.replace(/,$/, ''));
  const hit = expandMixTasks(typed, mixAliases(found.text)).find((t) => t.via.length > 0 && ECTO_WRITES.test(t.task));
  if (hit === undefined) return;
  captureAppDatabase(inv, 'mix', args, rt, undefined, `${mixTaskLabel(hit)} runs mix ${hit.task}, which changes the application's database, which may be a file in the repository`);
}

/**
 * A project's Python script whose own code drops or deletes through SQLAlchemy (scripts.ts: a
 * typer/click CLI's `metadata.drop_all(bind=engine)`): the application's database files captured
 * first, as for a migration tool's reset. Which database the script opens is in its settings, so
 * a server's is not refused (docs/command-guard.md, Known limits).
 */
export function captureScriptDatabase(inv: Invocation, rt: Runtime, why: string): void {
  captureAppDatabase(inv, 'python', [], rt, undefined, why);
}

/** The application's database files captured first (ignored ones into the snapshot, held ones by the snapshot itself). */
function captureAppDatabase(inv: Invocation, program: string, args: Field[], rt: Runtime, script: string | undefined, why: string): void {
  // Django's SQLite file named otherwise (bakerydemo's `bakerydemodb`): its name from the settings (django-sqlite.ts).
  const django = program === 'manage.py' || program === 'django-admin' || program === 'django-admin.py';
  const patterns = django ? [...DATABASE_NAME_PATTERNS, ...djangoSqliteNames(inv, args, rt, program === 'manage.py' ? script : undefined, DATABASE_NAME_PATTERNS)] : DATABASE_NAME_PATTERNS;
  captureIgnoredNamed(inv, rt, patterns, why, DATABASE_OVER_BOUND, keptAsDatabase);
  // The tracked and untracked ones (the same listings: no more git): a snapshot first holds their current bytes.
  snapshotHeldDatabases(inv, rt, heldNamed(rt, patterns), why);
}

/** A file `pattern` found is a database's: Django's names from its settings (`bakerydemodb`) as they are. */
function keptAsDatabase(path: string, pattern: string): boolean {
  return !DATABASE_NAME_PATTERNS.includes(pattern) || namedLikeDatabase(path);
}

/** The tracked and untracked files anywhere in the repository named like one of `patterns` (none while collecting or by text). */
function heldNamed(rt: Runtime, patterns: readonly string[]): HeldFiles {
  const held = new HeldFiles();
  const view = rt.ctx.view;
  const root = rt.ctx.repoRoot;
  if (!view?.resolved || !root) return held;
  for (const pattern of patterns) {
    const found = view.find({ start: root, shown: '.', filter: { kind: 'name', pattern, icase: false } });
    held.add(found && { ...found, tracked: found.tracked.filter((p) => keptAsDatabase(p, pattern)), untracked: found.untracked.filter((p) => keptAsDatabase(p, pattern)) });
  }
  return held;
}
