/**
 * A database's side files that would make a restored database another one.
 *
 * SQLite in WAL mode keeps committed pages in `<db>-wal` until a checkpoint copies them into the
 * file, and a crashed writer leaves a hot `<db>-journal` of pages to copy back; the next
 * connection applies either to whatever file is there. Both are usually ignored (`*.db-wal`,
 * `*.sqlite-journal`) and so in no snapshot. A rollback that gave `data/app.db` its bytes back and
 * left the log of later writes beside it was not a rollback: SQLite replayed the log at the next
 * open, and the rows written after the snapshot were back (or, once a checkpoint had rewritten
 * the file, pages of two states were mixed). When the file itself had not changed (the new rows
 * were all still in the log) the rollback even said "nothing to change". Found 2026-12-06 with
 * the real sqlite3 (test/integration/rollback/database-side-files.test.ts).
 *
 * Now a full rollback (and its --undo) treats such a log as part of the database: a side file on
 * disk that the rollback's goal does not hold (ignored, so in no snapshot, or captured by none)
 * beside a database file the repository has or the rollback writes is captured into the
 * pre-rollback snapshot and removed with the rollback; `guard rollback --undo` puts it back with
 * the database it belongs to. Only what is a log by its own header counts: a WAL file (magic
 * 0x377f0682/3), a hot journal (its 8-byte magic; a journal with a zeroed header is not hot, and
 * SQLite ignores it), `-shm` beside such a WAL (an index of it, rebuilt from the WAL), and
 * DuckDB's `<db>.wal` beside a DuckDB file ("DUCK" at byte 8). A restore of some paths
 * (`--paths data/app.db`) selects the logs of the databases it selects (withLogsSelected).
 *
 * The databases: the worktree's files named like one (`*.db*`, `*.sqlite*`, `*.duckdb*`, the
 * names databases.ts judges commands by; one `ls-files` of the rollback's worktree index, no
 * walk) and every file the rollback writes or deletes. A database named otherwise that the
 * rollback does not change is not looked at.
 */
import fs from 'node:fs';
import { fsPath, gitPathsOf, type GitPath } from '../git/path.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import type { FileChange } from './plan.js';

const NAME_PATHSPECS = ['*.db*', '*.sqlite*', '*.duckdb*'].map((p) => `:(glob)**/${p}`);
const JOURNAL_MAGIC = Buffer.from('d9d505f920a163d7', 'hex');

/** The first `n` bytes of a regular file (fewer when it is shorter); null when it is not one. */
function head(file: Buffer, n: number): Buffer | null {
  let fd: number;
  try {
    if (!fs.lstatSync(file).isFile()) return null;
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

const isWal = (bytes: Buffer | null): boolean => bytes !== null && bytes.length >= 4 && (bytes.readUInt32BE(0) & 0xfffffffe) === 0x377f0682;
const isHotJournal = (bytes: Buffer | null): boolean => bytes !== null && bytes.length >= 8 && bytes.subarray(0, 8).equals(JOURNAL_MAGIC);
const isDuckDb = (bytes: Buffer | null): boolean => bytes !== null && bytes.length >= 12 && bytes.subarray(8, 12).toString('latin1') === 'DUCK';

/** The logs on disk beside `database` that SQLite or DuckDB would apply to it at the next open. */
function logsBeside(root: string, database: GitPath): GitPath[] {
  const at = (name: GitPath): Buffer => fsPath(root, name);
  const logs: GitPath[] = [];
  const wal = `${database}-wal` as GitPath;
  if (isWal(head(at(wal), 4))) {
    logs.push(wal);
    const shm = `${database}-shm` as GitPath;
    if (head(at(shm), 0) !== null) logs.push(shm);
  }
  const journal = `${database}-journal` as GitPath;
  if (isHotJournal(head(at(journal), 8))) logs.push(journal);
  const duckWal = `${database}.wal` as GitPath;
  if (head(at(duckWal), 0) !== null) {
    const file = head(at(database), 12);
    if (isDuckDb(file) || (file === null && /\.duckdb$/i.test(database))) logs.push(duckWal);
  }
  return logs;
}

const isSideName = (name: string): boolean => databaseOfAnyLog(name) !== null;

/** A file named like a database (the names databases.ts judges commands by). */
const isDatabaseName = (name: string): boolean => /\.(?:db|sqlite|duckdb)/i.test(name.slice(name.lastIndexOf('/') + 1));

const LOG_SUFFIXES = ['-wal', '-shm', '-journal', '.wal'];

/** The file a log's name is beside (`app.db` for `app.db-wal`), whatever that file's name; null for no log name. */
function databaseOfAnyLog(name: string): string | null {
  return /^(.*?)(?:-wal|-shm|-journal|\.wal)$/.exec(name)?.[1] ?? null;
}

/**
 * A restore of some paths selects a database's logs with it: each glob whose last part names a
 * database (`data/app.db`, `db/*.sqlite3`) with each log suffix, each exact name of a database
 * with its logs' names. Globs that match the logs already (`data/**`) or no database are left as
 * they are, so a file merely ending in `-wal` is never selected by this.
 */
export function withLogsSelected(globs: string[], exact: GitPath[]): { globs: string[]; exact: GitPath[] } {
  const globLogs = globs.filter((g) => isDatabaseName(g) && !/[*?[]$/.test(g)).flatMap((g) => LOG_SUFFIXES.map((suffix) => `${g}${suffix}`));
  const exactLogs = exact.filter((p) => isDatabaseName(p)).flatMap((p) => LOG_SUFFIXES.map((suffix) => `${p}${suffix}` as GitPath));
  return { globs: [...globs, ...globLogs], exact: [...exact, ...exactLogs] };
}

/**
 * A name that is a database's log by its name alone (`app.db-wal`, `dev.sqlite3-journal`,
 * `x.duckdb.wal`): for captures, whose file is not on disk to read a header from. A later
 * snapshot's capture of one is a later state of its database, never the target's: it does not
 * come back with a rollback to an earlier snapshot (captured-ignored.ts), and a session start's
 * capture of one comes back over the log there now (start-captures.ts), with its database.
 */
export function isDatabaseLogName(name: string): boolean {
  return databaseOfLog(name) !== null;
}

/** The database a log's name belongs to (`app.db` for `app.db-wal`); null for a name that is not a database's log. */
export function databaseOfLog(name: string): string | null {
  const base = databaseOfAnyLog(name);
  return base !== null && isDatabaseName(base) ? base : null;
}

/**
 * Whether a session start's capture of a file comes back in a rollback: one that is gone comes
 * back (start-captures.ts); a database's log goes with its database instead. Where the database
 * is a capture of the same start (an ignored `storage/development.sqlite3`), the log comes back
 * exactly when the database does: the start's log beside the database of now would mix two
 * states as surely as a later log beside the start's database. Where the database is not (a
 * tracked one, which the rollback gives the target's bytes), the start's log comes back whatever
 * is there.
 */
export function startCaptureComesBack(name: string, captured: ReadonlySet<string>, gone: (name: string) => boolean): boolean {
  const database = databaseOfLog(name);
  if (database === null) return gone(name);
  return captured.has(database) ? gone(database) : true;
}

/**
 * The database logs on disk that the rollback's goal does not hold and the pre-rollback snapshot
 * does not either (ignored, never captured): to capture into that snapshot. A full rollback then
 * removes them (its goal does not hold them); a restore of some paths removes those of the
 * databases it selects and keeps the others, which its --undo (a full rollback to that snapshot)
 * must find there: otherwise it would take them for logs of a later state and remove them.
 * `indexFile`: the index mirroring the working tree as the pre-rollback snapshot took it;
 * `files`: the plan (the goal against that snapshot).
 */
export async function uncapturedDatabaseLogs(repo: Repo, indexFile: string, files: readonly FileChange[]): Promise<GitPath[]> {
  const listed = new Set(gitPathsOf((await runGit(['ls-files', '-z', '--', ...NAME_PATHSPECS], { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile } })).stdout));
  const planned = new Set<string>(files.map((f) => f.path));
  const databases = new Set<GitPath>();
  for (const name of listed) if (!isSideName(name)) databases.add(name);
  for (const f of files) if (f.kind === 'file' && !isSideName(f.path)) databases.add(f.path);
  const logs: GitPath[] = [];
  // A log the plan writes or deletes is the goal's already; one the snapshot holds unchanged in the goal is the goal's too.
  for (const database of databases) for (const log of logsBeside(repo.root, database)) if (!planned.has(log) && !listed.has(log)) logs.push(log);
  return logs.sort();
}

/**
 * `guard recover` writes the snapshot's files into a directory where the files of now may still
 * be (after `rm -rf .git`), moving aside each file that differs and leaving the others. A
 * database it replaces so takes its log along (`written`: the files it moves aside and writes;
 * `snapshotFiles`: every name the snapshot holds, whose own logs it writes): the later log beside
 * the snapshot's database would be replayed into it, and in the aside directory the database of
 * now finds its log again. A database it leaves as it is keeps its log: both are of now.
 */
export function strayLogsForRecover(root: string, snapshotFiles: readonly GitPath[], written: readonly GitPath[]): GitPath[] {
  const held = new Set<string>(snapshotFiles);
  const logs: GitPath[] = [];
  for (const database of written) if (!isSideName(database)) for (const log of logsBeside(root, database)) if (!held.has(log)) logs.push(log);
  return logs.sort();
}

/** The database logs among the files the plan deletes, as logs by their header (for the plan's words). */
export function databaseLogsDeleted(repo: Repo, files: readonly FileChange[]): GitPath[] {
  const deleted = files.filter((f) => f.action === 'delete' && f.kind === 'file' && isSideName(f.path));
  const logs = new Set<GitPath>();
  for (const f of deleted) {
    const database = databaseOfAnyLog(f.path) as GitPath;
    for (const log of logsBeside(repo.root, database)) logs.add(log);
  }
  return deleted.map((f) => f.path).filter((p) => logs.has(p));
}
