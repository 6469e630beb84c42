/**
 * SQL sent to a database server by its client (`psql`, `mysql`, `mariadb`): what in it deletes
 * rows the server holds, where no snapshot holds them (remote-data.ts, `remote-data-delete`).
 * The SQL is read from wherever guard can see it: `psql -c` / `mysql -e`, a file (`psql -f
 * FILE`, `--file=FILE`, `psql db < FILE`, `cat FILE | psql`), a heredoc, a here-string or an
 * `echo` piped in. Until 2026-12-06 only the `-c`/`-e` text was read, with one pattern over it:
 * `psql -f drop.sql`, `mysql app < reset.sql`, a heredoc with `DROP TABLE`, and `DELETE FROM t;`
 * anywhere were "no destructive command found".
 *
 * Statement by statement (databases.ts's splitter: comments and string literals do not count),
 * these delete: DROP DATABASE|SCHEMA|TABLE, TRUNCATE (not MySQL's TRUNCATE(x, d) function), and
 * DELETE FROM without WHERE. psql's backslash meta-command lines and the data lines of `COPY ...
 * FROM stdin` (a pg_dump restore) are not SQL and are skipped. A body in dollar quotes is read
 * as statements too: `DO $$ BEGIN DROP TABLE x; END $$` runs it (a function's body that deletes
 * is then counted though it only runs when called: rare, and on the safe side).
 */
import { statements } from './databases.js';

/** The psql data block of `COPY t (...) FROM stdin;` ends at a line `\.`. */
const COPY_FROM_STDIN = /^\s*COPY\b[^;]*\bFROM\s+STDIN\b[^;]*;\s*$/i;

/** The SQL of a script as a client reads it: psql meta-commands (`\c db`, `\set`) and COPY data lines out. */
function sqlLines(script: string): string {
  const kept: string[] = [];
  let inCopy = false;
  for (const line of script.split('\n')) {
    if (inCopy) {
      if (/^\\\.\s*$/.test(line)) inCopy = false;
      continue;
    }
    // a meta-command line (and mysql's `\G`-style ones, `DELIMITER //`) is not SQL to split
    if (/^\s*\\/.test(line) || /^\s*DELIMITER\s/i.test(line)) {
      kept.push('');
      continue;
    }
    kept.push(line);
    if (COPY_FROM_STDIN.test(line)) inCopy = true;
  }
  return kept.join('\n');
}

/** What the first statement of `sql` that deletes rows on the server does (`DROP TABLE`), or null. */
export function serverSqlDeletes(sql: string): string | null {
  for (const statement of statements(sqlLines(sql))) {
    const text = statement.text;
    const drop = /\bDROP\s+(DATABASE|SCHEMA|TABLE)\b/.exec(text);
    if (drop) return `DROP ${drop[1]}`;
    if (/\bTRUNCATE\b(?!\s*\()/.test(text)) return 'TRUNCATE';
    const del = /\bDELETE\s+FROM\b/.exec(text);
    if (del && !/\bWHERE\b/.test(text.slice(del.index))) return 'DELETE FROM without WHERE';
  }
  return null;
}
