/**
 * SQL sent to a database server by its client (`psql`, `mysql`, `mariadb`): what in it deletes
 * rows the server holds, where no snapshot holds them (remote-data.ts, `remote-data-delete`).
 * The SQL is read from wherever guard can see it: `psql -c` / `mysql -e`, a file (`psql -f
 * FILE`, `--file=FILE`, `psql db < FILE`, `cat FILE | psql`), a heredoc, a here-string or an
 * `echo` piped in. Until 2026-12-06 only the `-c`/`-e` text was read, with one pattern over it:
 * `psql -f drop.sql`, `mysql app < reset.sql`, a heredoc with `DROP TABLE`, and `DELETE FROM t;`
 * anywhere were "no destructive command found".
 *
 * The same reader serves `sqlcmd` (SQL Server), `clickhouse-client` and `cockroach sql` (since
 * 2026-12-06, remote-data.ts), and since that night Cassandra's `cqlsh` (CQL's DROP KEYSPACE is
 * a database's drop), `wrangler d1 execute --remote`, `turso db shell DB SQL` and `bq query SQL`.
 *
 * Statement by statement (databases.ts's splitter: comments and string literals do not count),
 * these delete: DROP DATABASE|SCHEMA|TABLE|PARTITION|KEYSPACE (a partition's rows in MySQL and
 * ClickHouse), TRUNCATE (not MySQL's TRUNCATE(x, d) function), DELETE FROM without WHERE (T-SQL's
 * `DELETE t` too), and UPDATE without WHERE: a statement of its own that sets every row, the old
 * values gone as surely as deleted ones (DECISIONS.md 2026-12-06). An UPDATE with WHERE, LIMIT or
 * TOP, one that only fills columns the same script adds (`ADD COLUMN c; UPDATE t SET c = ...`, a
 * backfill), `ON CONFLICT DO UPDATE`, `FOR UPDATE` and an UPDATE in a stored routine's body are
 * not counted. psql's backslash meta-command lines, sqlcmd's `:` commands and the data lines of
 * `COPY ... FROM stdin` (a pg_dump restore) are not SQL and are skipped; a `GO` line ends a
 * statement. A body in dollar quotes is read as statements too: `DO $$ BEGIN DROP TABLE x; END
 * $$` runs it (a function's body that drops is then counted though it only runs when called:
 * rare, and on the safe side; an UPDATE there is not, it is a routine's everyday work).
 */
import { statements } from './databases.js';

/** The psql data block of `COPY t (...) FROM stdin;` ends at a line `\.`. */
const COPY_FROM_STDIN = /^\s*COPY\b[^;]*\bFROM\s+STDIN\b[^;]*;\s*$/i;

/** The SQL of a script as a client reads it: meta-command lines (`\c db`, sqlcmd's `:r FILE`) and COPY data lines out, `GO` a statement's end. */
function sqlLines(script: string): string {
  const kept: string[] = [];
  let inCopy = false;
  for (const line of script.split('\n')) {
    if (inCopy) {
      if (/^\\\.\s*$/.test(line)) inCopy = false;
      continue;
    }
    // a meta-command line (psql's `\c`, mysql's `\G`-style ones, `DELIMITER //`, sqlcmd's `:setvar`) is not SQL to split
    if (/^\s*(?:\\|:[a-z!])/i.test(line) || /^\s*DELIMITER\s/i.test(line)) {
      kept.push('');
      continue;
    }
    // sqlcmd's (and SSMS's) batch separator ends the statements before it, which T-SQL need not end with `;`
    if (/^\s*GO(?:\s+\d+)?\s*$/i.test(line)) {
      kept.push(';');
      continue;
    }
    kept.push(line);
    if (COPY_FROM_STDIN.test(line)) inCopy = true;
  }
  return kept.join('\n');
}

/** Columns an `ALTER TABLE ... ADD [COLUMN] c` of the script adds (upper-cased): an UPDATE that only fills them is a backfill. */
function addedColumns(texts: string[]): Set<string> {
  const added = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(/\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([A-Z_][A-Z0-9_$]*)/g)) added.add(m[1] as string);
  return added;
}

/** The columns `UPDATE t SET a = ..., b = ...` sets (upper-cased; null where one is not a plain name). */
function setColumns(text: string): string[] | null {
  const set = /\bSET\b/.exec(text);
  if (!set) return null;
  const columns: string[] = [];
  let depth = 0;
  let start = set.index + 3;
  const rest = `${text},`;
  for (let i = start; i < rest.length; i++) {
    const c = rest[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      const column = /^\s*(?:[A-Z_][A-Z0-9_$]*\.)?([A-Z_][A-Z0-9_$]*)\s*=/.exec(rest.slice(start, i))?.[1];
      if (column === undefined) return null;
      columns.push(column);
      start = i + 1;
    }
  }
  return columns;
}

/** An UPDATE that rewrites every row of its table: no WHERE, no LIMIT/TOP, and not only filling columns the script adds. */
function updatesEveryRow(text: string, added: Set<string>): boolean {
  // a statement of its own (not `ON CONFLICT DO UPDATE`, `FOR UPDATE`, `ON UPDATE CASCADE`, `GRANT UPDATE`)
  if (!/^UPDATE\b/.test(text)) return false;
  if (/\b(?:WHERE|LIMIT)\b/.test(text) || /^UPDATE\s+TOP\b/.test(text)) return false;
  const columns = setColumns(text);
  return columns === null || columns.length === 0 || !columns.every((c) => added.has(c));
}

/**
 * Statement by statement, whether it runs now or is a routine's body, stored to run when called:
 * a dollar-quoted body (`AS $$ ... $$`, `DO $$ ... $$` runs now) or a CREATE PROCEDURE|FUNCTION|
 * TRIGGER|EVENT's BEGIN ... END block (mysql, T-SQL).
 */
function* judgedStatements(sql: string): Generator<{ text: string; stored: boolean }> {
  let dollar: { tag: string; runs: boolean } | null = null;
  let routineDepth = 0;
  for (const { text } of statements(sql)) {
    const stored = (dollar !== null && !dollar.runs) || routineDepth > 0;
    yield { text, stored };
    for (const m of text.matchAll(/\$(\w*)\$/g)) {
      const tag = m[1] as string;
      // `DO $$ ... $$` runs its body now; `CREATE FUNCTION ... AS $$ ... $$` stores it
      if (dollar === null) dollar = { tag, runs: /^DO\b/.test(text) };
      else if (dollar.tag === tag) dollar = null;
    }
    if (routineDepth === 0 && !/^CREATE\b(?:\s+OR\s+(?:REPLACE|ALTER))?(?:\s+DEFINER\s*=\s*\S+)?\s+(?:PROCEDURE|PROC|FUNCTION|TRIGGER|EVENT)\b/.test(text)) continue;
    if (dollar !== null || /\$\w*\$/.test(text)) continue;
    routineDepth += (text.match(/\b(?:BEGIN|CASE)\b/g) ?? []).length - (text.match(/\bEND\b(?!\s+(?:IF|LOOP|WHILE|REPEAT|FOR)\b)/g) ?? []).length;
    if (routineDepth < 0) routineDepth = 0;
  }
}

/** What the first statement of `sql` that deletes rows on the server does (`DROP TABLE`), or null. */
export function serverSqlDeletes(sql: string): string | null {
  const all = [...judgedStatements(sqlLines(sql))];
  const added = addedColumns(all.map((s) => s.text));
  for (const { text, stored } of all) {
    const drop = /\bDROP\s+(DATABASE|SCHEMA|TABLE|PARTITION|KEYSPACE)\b/.exec(text);
    if (drop) return `DROP ${drop[1]}`;
    if (/\bTRUNCATE\b(?!\s*\()/.test(text)) return 'TRUNCATE';
    const del = /\bDELETE\s+FROM\b/.exec(text) ?? /^DELETE\s+(?!FROM\b)(?!TOP\b)[A-Z_]/.exec(text);
    if (del && !/\bWHERE\b/.test(text.slice(del.index))) return 'DELETE FROM without WHERE';
    // `DO $$ BEGIN UPDATE ...`: the block's first statement is in the same piece as DO
    if (!stored && updatesEveryRow(text.replace(/^DO\s+(?:LANGUAGE\s+\w+\s+)?\$\w*\$\s*(?:BEGIN\s+)?/, ''), added)) return 'UPDATE without WHERE';
  }
  return null;
}
