/**
 * A local database agents edit in place (`local.db`, ignored, not regenerable output) changed
 * through its command-line client: `sqlite3 local.db 'delete from x'`, SQL from a heredoc, a pipe
 * or a file, `sqlite-utils insert`, `duckdb -c`. Before 2026-12-05 these were "allow: no
 * destructive command found" and the rows were gone for good. Now the database file (and its
 * `-journal`/`-wal`, DuckDB's `.wal`) is judged as a write where the SQL may write
 * (src/policy/command/databases.ts): the snapshot taken first captures it, `guard rollback` gives
 * its bytes and mode back. Read-only SQL, `-readonly` and `mode=ro` stay free.
 *
 * The rows that run sqlite3 need the binary (`apt-get install sqlite3`); where it is missing they
 * make the change with Node instead (the same bytes-and-mode promise, the client's own write not
 * exercised) and the WAL row is skipped: it needs sqlite3 to leave a WAL behind. sqlite-utils and
 * duckdb are not installed on the machine this was written on: their rows check the verdict and
 * the capture through the installed hook, and make the change by hand.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const SQLITE = spawnSync('sh', ['-c', 'command -v sqlite3']).status === 0;
/** Stands in for a database where sqlite3 is not installed: guard copies bytes, whatever they are. */
const FAKE_DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4080, 0x5a), Buffer.from([0xff, 0x00, 0x0d, 0x0a])]);

/** Built once per file (20 tests each rebuilt it with its own `guard init`), copied per test. */
function build(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '.env\n*.db\n*.db-*\n*.duckdb*\nnode_modules/\n', 'changes.sql': 'delete from x where a = 1;\n', 'rows.csv': '7\n8\n' });
  writeFiles(t, { '.env': ['KEY=1\n', 0o600] });
  if (SQLITE) {
    shellOk(t, "sqlite3 local.db 'create table x(a); insert into x values (1), (2);' && chmod 600 local.db");
    shellOk(t, "sqlite3 other.db 'create table x(a); insert into x values (9);'");
  } else {
    writeFiles(t, { 'local.db': [FAKE_DB, 0o600], 'other.db': FAKE_DB });
  }
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

const captured = (t: TestRepo): Array<{ capturedIgnored?: string[] }> => loggedEvents(t, 'allowed-after-snapshot');
const bytes = (t: TestRepo, file: string): Buffer => fs.readFileSync(path.join(t.dir, file));
const rows = (t: TestRepo, db = 'local.db'): string => spawnSync('sqlite3', [db, 'select group_concat(a) from (select a from x order by a)'], { cwd: t.dir, encoding: 'utf8' }).stdout.trim();

/** Commands that may write local.db, as agents type them. */
const WRITES = [
  "sqlite3 local.db 'delete from x'",
  'sqlite3 local.db "DROP TABLE x;"',
  "sqlite3 local.db 'update x set a = a + 10'",
  "sqlite3 -bail -cmd 'pragma foreign_keys = on' local.db 'insert into x values (3)'",
  "sqlite3 -header -csv local.db 'select * from x; alter table x add column b'",
  "sqlite3 'file:local.db?cache=shared' 'vacuum'",
  "sqlite3 local.db <<'EOF'\n.headers on\nselect * from x;\ninsert into x\n  values (4);\nEOF",
  "echo 'delete from x;' | sqlite3 local.db",
  'sqlite3 local.db < changes.sql',
  "sqlite3 local.db '.read changes.sql'",
  "sqlite3 local.db '.import --csv rows.csv x'",
  "sqlite3 local.db '.restore other.db'",
  "sqlite3 local.db 'pragma journal_mode = wal'",
  "sqlite3 local.db 'with y as (select 1) delete from x'",
];

describe('a local database changed by its client is captured first and comes back byte for byte', () => {
  it.each(WRITES)('%s: overwrite-ignored, the hook captures local.db, rollback gives the bytes and mode back', async (command) => {
    await template.withCopy(async (t) => {
      const before = stateWithModes(t, ['local.db', '.env']);
      const old = bytes(t, 'local.db');
      // The verdict, rule, reason and capture as the hook journaled them (one evaluation serves
      // the hook and check-command): no check-command or guard log process of their own.
      const hook = hookWithVerdict(t, command);
      expect(hook, command).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['local.db'] });
      expect(hook.snapshotReason).toContain('sqlite3 may change the database');
      expect(hook.snapshotReason).toContain('replaces the ignored file local.db');
      if (SQLITE) shellOk(t, command);
      else fs.writeFileSync(path.join(t.dir, 'local.db'), 'changed');
      if (SQLITE && !command.includes('journal_mode')) expect(bytes(t, 'local.db')).not.toEqual(old);
      expect(rollbackOk(t)).toContain('local.db');
      expect(bytes(t, 'local.db')).toEqual(old);
      expect(stateWithModes(t, ['local.db', '.env'])).toEqual(before);
      if (SQLITE) expect(rows(t)).toBe('1,2');
    });
  });

  it('a WAL holding committed rows is part of the database: both are captured, and the rollback gives the rows back', async () => {
    if (!SQLITE) return; // needs sqlite3 to leave a WAL behind (a client killed before its checkpoint)
    await template.withCopy(async (t) => {
      // The third row lives only in local.db-wal: the client is killed before it checkpoints.
      spawnSync('sh', ['-c', "sqlite3 local.db 'pragma journal_mode=wal' 'insert into x values (3)' '.shell kill -9 $PPID'"], { cwd: t.dir });
      expect(fs.existsSync(path.join(t.dir, 'local.db-wal'))).toBe(true);
      const state = (): Record<string, Buffer | null> => Object.fromEntries(['local.db', 'local.db-wal'].map((f) => [f, fs.existsSync(path.join(t.dir, f)) ? bytes(t, f) : null]));
      const old = state();
      expect(hookWithVerdict(t, "sqlite3 local.db 'delete from x'")).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['local.db', 'local.db-wal'] });
      shellOk(t, "sqlite3 local.db 'delete from x'");
      // The client checkpoints and deletes the WAL when it closes.
      expect(fs.existsSync(path.join(t.dir, 'local.db-wal'))).toBe(false);
      rollbackOk(t);
      expect(state()).toEqual(old);
      // -shm is not captured: SQLite rebuilds it from the WAL.
      expect(rows(t)).toBe('1,2,3');
    });
  });

  it('read-only SQL, -readonly and mode=ro stay free: no snapshot, nothing captured, the database untouched', async () => {
    await template.withCopy(async (t) => {
      const old = bytes(t, 'local.db');
      const reads = [
        "sqlite3 local.db 'select * from x'",
        'sqlite3 local.db .schema',
        "sqlite3 local.db .tables '.mode json' 'SELECT count(*) FROM x;'",
        'sqlite3 -header -column local.db "select a from x where a > 1 -- delete from x"',
        "sqlite3 local.db 'pragma table_info(x)' 'pragma integrity_check' 'pragma journal_mode'",
        "sqlite3 local.db 'explain query plan delete from x'",
        "sqlite3 -readonly local.db 'delete from x'",
        "sqlite3 'file:local.db?mode=ro' 'delete from x'",
        "sqlite3 local.db <<'EOF'\n.mode box\nselect 'drop table x;' as a;\nEOF",
        "echo 'select 1;' | sqlite3 local.db",
        'sqlite3 local.db .dump > dump.sql',
        "sqlite3 local.db '.backup backup.db'",
        "sqlite3 new.db 'create table y(a)'",
        "sqlite3 :memory: 'create table y(a)'",
        'sqlite3 -version',
        "sqlite3 node_modules/.cache/app.db 'delete from x'",
      ];
      // check-command's own path for one row; the rest through the same evaluation in this process.
      expect(checkVerdict(t, reads[0]!)).toEqual(await evaluatedVerdict(t, reads[0]!));
      for (const command of reads) expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      for (const command of reads.slice(0, 3)) expect(installedClaudeHook(t, command).decision).toBe('allow');
      expect(captured(t)).toEqual([]);
      // Run the reads (the two read-only opens of a DELETE fail, as they should, changing nothing).
      if (SQLITE) for (const command of reads.slice(0, 10).filter((c) => !c.includes("'delete from x'"))) shellOk(t, command);
      expect(bytes(t, 'local.db')).toEqual(old);
    });
  });

  it('other files the client writes are judged as writes; a shell escape is refused for an agent', async () => {
    await template.withCopy(async (t) => {
      expect(await evaluatedVerdict(t, "sqlite3 local.db '.output .env' 'select 1'")).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect((await evaluatedVerdict(t, "sqlite3 local.db '.once .env' 'select 1'")).reason).toContain('sqlite3 writes .env');
      // An abbreviation that may mean .output, .once or .open: its file is written.
      expect((await evaluatedVerdict(t, "sqlite3 local.db '.o .env' 'select 1'")).reason).toContain('sqlite3 writes .env');
      expect((await evaluatedVerdict(t, "sqlite3 local.db '.backup other.db'")).reason).toContain('replaces the ignored file other.db');
      expect((await evaluatedVerdict(t, "sqlite3 local.db '.open --new other.db'")).reason).toContain('other.db');
      // ATTACH: the attached database is written too.
      expect((await evaluatedVerdict(t, `sqlite3 :memory: "attach 'other.db' as o; delete from o.x"`)).reason).toContain('replaces the ignored file other.db');
      for (const command of ["sqlite3 local.db '.shell rm -rf x'", "sqlite3 local.db '.system ls'", "sqlite3 local.db \"select writefile('.env', 'x')\"", "sqlite3 local.db '.output |sh'", 'sqlite3 -A local.db -x']) {
        expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      }
    });
  });

  it('sqlite-utils writing subcommands and duckdb writes capture the database; their reads stay free', async () => {
    await template.withCopy(async (t) => {
      writeFiles(t, { 'dev.duckdb': [FAKE_DB, 0o600], 'dev.duckdb.wal': 'wal-bytes' });
      const old = { db: bytes(t, 'local.db'), duck: bytes(t, 'dev.duckdb'), wal: bytes(t, 'dev.duckdb.wal') };
      for (const command of ['sqlite-utils insert local.db x rows.json --pk id', 'sqlite-utils local.db "delete from x"', 'sqlite-utils query local.db "drop table x"', 'sqlite-utils drop-table local.db x', 'sqlite-utils transform local.db x --rename a b']) {
        const verdict = await evaluatedVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(verdict.reason).toContain('sqlite-utils may change the database local.db');
      }
      for (const command of ['sqlite-utils tables local.db', 'sqlite-utils rows local.db x', 'sqlite-utils local.db "select * from x"', 'sqlite-utils schema local.db', "duckdb dev.duckdb -c 'select count(*) from x'", "duckdb dev.duckdb -c 'describe x; summarize x; from x'", "duckdb -readonly dev.duckdb -c 'delete from x'", 'sqlite-utils memory rows.csv "select * from rows"']) {
        expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
      expect((await evaluatedVerdict(t, "duckdb dev.duckdb \"copy (select 1) to '.env'\"")).reason).toContain('duckdb writes .env');
      const command = "duckdb dev.duckdb -c 'delete from x'";
      const hook = hookWithVerdict(t, command);
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['dev.duckdb', 'dev.duckdb.wal'] });
      expect(hook.snapshotReason).toContain('replaces the ignored file dev.duckdb');
      fs.writeFileSync(path.join(t.dir, 'dev.duckdb'), 'changed');
      fs.rmSync(path.join(t.dir, 'dev.duckdb.wal'));
      rollbackOk(t);
      expect({ db: bytes(t, 'local.db'), duck: bytes(t, 'dev.duckdb'), wal: bytes(t, 'dev.duckdb.wal') }).toEqual(old);
      expect(stateWithModes(t, ['dev.duckdb'])).toMatchObject({ modes: { 'dev.duckdb': '600' } });
    });
  });

  it('python -c with sqlite3.connect: the database is judged by the SQL the code runs, captured and rolled back', async () => {
    const python = spawnSync('python3', ['-c', 'import sqlite3']).status === 0;
    await template.withCopy(async (t) => {
      const command = `python3 -c "import sqlite3; c = sqlite3.connect('local.db'); c.execute('delete from x'); c.commit()"`;
      for (const read of [`python3 -c "import sqlite3; print(sqlite3.connect('local.db').execute('select * from x').fetchall())"`, `python3 -c "import sqlite3; sqlite3.connect(':memory:').execute('create table t (a)')"`]) {
        expect(await evaluatedVerdict(t, read), read).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
      expect(await evaluatedVerdict(t, `python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('drop table x')" local.db`, { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      const before = stateWithModes(t, ['local.db']);
      const old = bytes(t, 'local.db');
      const hook = hookWithVerdict(t, command);
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['local.db'] });
      expect(hook.snapshotReason).toContain('replaces the ignored file local.db');
      if (python && SQLITE) shellOk(t, command); // the real client where it is installed
      else fs.writeFileSync(path.join(t.dir, 'local.db'), 'changed');
      expect(bytes(t, 'local.db')).not.toEqual(old);
      rollbackOk(t);
      expect(stateWithModes(t, ['local.db'])).toEqual(before);
      if (SQLITE) expect(rows(t)).toBe('1,2');
    });
  });

  it('a database larger than guard captures: denied, with a way forward that fits a database', async () => {
    await template.withCopy(async (t) => {
      t.write('.guard.yaml', 'version: 1\ncommands:\n  maxIgnoredCapture: 1KB\n');
      const verdict = checkVerdict(t, "sqlite3 local.db 'delete from x'", { asAgent: true });
      expect(verdict).toMatchObject({ verdict: 'deny', rule: 'capture-too-large' });
      expect(verdict.instead).toContain('.backup');
      expect(await evaluatedVerdict(t, "sqlite3 local.db 'select * from x'", { asAgent: true })).toMatchObject({ verdict: 'allow' });
    });
  });
});
