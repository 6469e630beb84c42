/**
 * A database's log goes with its database through rollback and --undo
 * (src/restore/database-side-files.ts). A tracked SQLite database in WAL mode keeps a running
 * application's writes in `app.db-wal` (ignored, so in no snapshot) until a checkpoint; before
 * 2026-12-06 `guard rollback` gave `app.db` its bytes back and left the log beside it, and the
 * next open replayed the rows written after the snapshot (with the file unchanged the rollback
 * even said "nothing to change"). The real sqlite3 writes and reads the databases here; bytes,
 * modes and rows are compared.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { guardOk, rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';
import { waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPush } from '../../helpers/env.js';

const HAS_SQLITE = spawnSync('sqlite3', ['-version']).status === 0;

/**
 * SQL through the real sqlite3, which leaves its log as a writer that was killed, or an
 * application still running, does (no checkpoint when it closes).
 */
function write(t: TestRepo, db: string, sql: string): void {
  const r = spawnSync('sqlite3', [db, '.dbconfig no_ckpt_on_close on', sql], { cwd: t.dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/** The rows of t and the integrity check, read from a copy (a read checkpoints and removes the log). */
function rows(t: TestRepo, db: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-db-'));
  try {
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      if (fs.existsSync(path.join(t.dir, db + suffix))) fs.copyFileSync(path.join(t.dir, db + suffix), path.join(copy, `x.db${suffix}`));
    }
    const r = spawnSync('sqlite3', [path.join(copy, 'x.db'), 'select group_concat(x) from (select x from t order by x); pragma integrity_check;'], { encoding: 'utf8' });
    return `${r.stdout.trim().replace('\n', ' ')}${r.stderr.trim()}`;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** A journal SQLite would play back (its header's magic), and one it would not (a zeroed header, journal_mode=PERSIST). */
const HOT_JOURNAL = Buffer.concat([Buffer.from('d9d505f920a163d7', 'hex'), Buffer.alloc(504)]);
const COLD_JOURNAL = Buffer.alloc(512);

function seed(t: TestRepo): void {
  t.write('.gitignore', '*.db-wal\n*.db-shm\n*-journal\n');
  fs.mkdirSync(path.join(t.dir, 'data'));
  write(t, 'data/app.db', 'pragma journal_mode=wal; create table t(x); insert into t values (1), (2), (3);');
  // a clean close checkpoints: the file holds the rows, no log yet
  spawnSync('sqlite3', ['data/app.db', 'pragma wal_checkpoint(truncate);'], { cwd: t.dir });
  fs.rmSync(path.join(t.dir, 'data/app.db-wal'), { force: true });
  fs.rmSync(path.join(t.dir, 'data/app.db-shm'), { force: true });
  write(t, 'data/legacy.db', 'create table t(x); insert into t values (7);');
  write(t, 'data/cold.db', 'create table t(x);');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'databases']);
  guardOk(t, ['init', '--yes']);
}

function snapshot(t: TestRepo): string {
  return (JSON.parse(guardOk(t, ['snapshot', '--json', '-m', 'before the app ran']).stdout) as { oid: string }).oid;
}

describe.skipIf(!HAS_SQLITE)('a database log goes with its database', () => {
  it('rollback removes the log of later writes (file unchanged, then checkpointed), a hot journal too; --undo puts them back', async () => {
    await withTestRepo((t) => {
      seed(t);
      const before = snapshot(t);
      const atSnapshot = byteState(t);
      expect(rows(t, 'data/app.db')).toBe('1,2,3 ok');

      // The application writes rows; they are in the log only (the file's bytes are the snapshot's).
      write(t, 'data/app.db', 'insert into t values (4), (5), (6);');
      fs.writeFileSync(path.join(t.dir, 'data/legacy.db-journal'), HOT_JOURNAL);
      fs.writeFileSync(path.join(t.dir, 'data/cold.db-journal'), COLD_JOURNAL);
      expect(byteState(t)['data/app.db']).toBe(atSnapshot['data/app.db']);
      expect(rows(t, 'data/app.db')).toBe('1,2,3,4,5,6 ok');
      const withLog = byteState(t);
      // The rollbacks below leave the journal SQLite would not play back where it is, ignored.
      const rolledBack = { ...atSnapshot, 'data/cold.db-journal': withLog['data/cold.db-journal'], ':status': `${atSnapshot[':status']}! data/cold.db-journal\0` };

      // What it would do, said first: the logs by name, with why.
      const dry = JSON.parse(guardOk(t, ['rollback', before, '--dry-run', '--json']).stdout) as { plan: { databaseLogs: string[]; files: Array<{ path: string; action: string }> } };
      expect(dry.plan.databaseLogs).toEqual(['data/app.db-shm', 'data/app.db-wal', 'data/legacy.db-journal']);
      expect(byteState(t)).toEqual(withLog);

      const out = rollbackOk(t, before);
      expect(out).toContain('database logs removed with it');
      expect(out).toContain('data/app.db-wal');
      // The snapshot's database, and the journal SQLite would not play back.
      expect(byteState(t)).toEqual(rolledBack);
      expect(rows(t, 'data/app.db')).toBe('1,2,3 ok');

      // --undo: the log and the rows after the snapshot, byte for byte.
      undoOk(t);
      expect(byteState(t)).toEqual(withLog);
      expect(rows(t, 'data/app.db')).toBe('1,2,3,4,5,6 ok');

      // A checkpoint rewrites the file, then more rows in a new log: the snapshot's file with the
      // later log would mix pages of two states.
      write(t, 'data/app.db', 'pragma wal_checkpoint(truncate); insert into t values (7), (8);');
      expect(rows(t, 'data/app.db')).toBe('1,2,3,4,5,6,7,8 ok');
      const checkpointed = byteState(t);
      rollbackOk(t, before);
      expect(byteState(t)).toEqual(rolledBack);
      expect(rows(t, 'data/app.db')).toBe('1,2,3 ok');
      undoOk(t);
      expect(byteState(t)).toEqual(checkpointed);
      expect(rows(t, 'data/app.db')).toBe('1,2,3,4,5,6,7,8 ok');

      // A rollback to the first snapshot again: the logs the pre-rollback snapshots captured are of
      // later states, and do not come back with it (captured-ignored.ts).
      rollbackOk(t, before);
      expect(rows(t, 'data/app.db')).toBe('1,2,3 ok');
      expect(fs.existsSync(path.join(t.dir, 'data/app.db-wal'))).toBe(false);
    });
  });

  it('a restore of the database alone (--paths) takes its logs along, and leaves the other databases as they are', async () => {
    await withTestRepo((t) => {
      seed(t);
      const before = snapshot(t);
      write(t, 'data/app.db', 'insert into t values (4);');
      write(t, 'data/legacy.db', 'pragma journal_mode=wal; insert into t values (8);');
      const now = byteState(t);
      const out = rollbackOk(t, before, '--paths', 'data/app.db');
      expect(out).toContain('data/app.db-wal');
      expect(rows(t, 'data/app.db')).toBe('1,2,3 ok');
      expect(fs.existsSync(path.join(t.dir, 'data/app.db-wal'))).toBe(false);
      // not selected: its file and its log as they were
      for (const name of ['data/legacy.db', 'data/legacy.db-wal', 'data/legacy.db-shm']) expect(byteState(t)[name], name).toBe(now[name]);
      undoOk(t);
      expect(byteState(t)).toEqual(now);
    });
  });

  it('an ignored database the session start captured: its log comes back only with it', async () => {
    await withTestRepo((t) => {
      seed(t);
      // Rails' storage/development.sqlite3: ignored, captured with its log by the session start.
      t.write('.gitignore', '*.db-wal\n*.db-shm\n*-journal\nstorage/\n');
      t.git(['commit', '-qam', 'ignore storage']);
      fs.mkdirSync(path.join(t.dir, 'storage'));
      write(t, 'storage/dev.db', 'pragma journal_mode=wal; create table t(x); insert into t values (1);');
      write(t, 'storage/dev.db', 'insert into t values (2);');
      const started = JSON.parse(guardOk(t, ['session', 'start', '--agent', 'claude', '--json']).stdout) as { session: { id: string } };
      guardOk(t, ['watch', 'stop']);

      // The application checkpoints and closes (its log gone): the database on disk is a later
      // one, left as it is by the rollback, and the start's log must not land beside it.
      spawnSync('sqlite3', ['storage/dev.db', 'insert into t values (3);'], { cwd: t.dir });
      expect(fs.existsSync(path.join(t.dir, 'storage/dev.db-wal'))).toBe(false);
      rollbackOk(t, '--session', started.session.id);
      expect(fs.existsSync(path.join(t.dir, 'storage/dev.db-wal'))).toBe(false);
      expect(rows(t, 'storage/dev.db')).toBe('1,2,3 ok');

      // The database deleted with its log left: the start's database and the start's log come back.
      write(t, 'storage/dev.db', 'insert into t values (4);');
      fs.rmSync(path.join(t.dir, 'storage/dev.db'));
      rollbackOk(t, '--session', started.session.id);
      expect(rows(t, 'storage/dev.db')).toBe('1,2 ok');

      // An agent's `sqlite3 storage/dev.db 'delete from t'`: the hook captures the database and its
      // log first (a pair), the command empties the table. Back to the session's start, the pair
      // comes back together: the rows live in that log.
      write(t, 'storage/dev.db', 'insert into t values (5);');
      const session = JSON.parse(guardOk(t, ['session', 'start', '--agent', 'claude', '--json']).stdout) as { session: { id: string } };
      guardOk(t, ['watch', 'stop']);
      const command = "sqlite3 storage/dev.db 'delete from t'";
      expect(preToolHook(t, { tool: 'Bash', command }).decision).not.toBe('deny');
      write(t, 'storage/dev.db', 'delete from t;');
      expect(rows(t, 'storage/dev.db')).toBe('ok');
      rollbackOk(t, '--session', session.session.id);
      expect(rows(t, 'storage/dev.db')).toBe('1,2,5 ok');
    });
  });

  it('guard recover after rm -rf .git moves a replaced database aside with its log', async () => {
    await withTestRepo(async (t) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(t);
      seed(t);
      guardOk(t, ['snapshot']);
      guardOk(t, ['backup', 'push']);
      await waitForBackgroundPush(t);
      // Rows after the last snapshot: 4 checkpointed into the file, 5 in the log.
      write(t, 'data/app.db', 'insert into t values (4); pragma wal_checkpoint(truncate); insert into t values (5);');
      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });
      const r = JSON.parse(guardOk(t, ['recover', '--yes', '--json']).stdout) as { movedAside: Array<{ path: string; to: string }>; asideDir: string };
      expect(r.movedAside.map((m) => m.path).sort()).toEqual(['data/app.db', 'data/app.db-shm', 'data/app.db-wal']);
      expect(rows(t, 'data/app.db')).toBe('1,2,3 ok');
      // The database of now, whole, in the aside directory.
      const aside = spawnSync('sqlite3', [path.join(r.asideDir, 'data/app.db'), 'select group_concat(x) from t;'], { encoding: 'utf8' });
      expect(aside.stdout.trim()).toBe('1,2,3,4,5');
    });
  });

  it('a session start captures the log; the rollback to it puts that log back over a later one', async () => {
    await withTestRepo((t) => {
      seed(t);
      // The application ran before the session: rows 4 and 5 are in the log the start captures.
      write(t, 'data/app.db', 'insert into t values (4), (5);');
      const started = JSON.parse(guardOk(t, ['session', 'start', '--agent', 'claude', '--json']).stdout) as { session: { id: string; startSnapshot: string } };
      guardOk(t, ['watch', 'stop']);
      const atStart = byteState(t);
      expect(t.git(['ls-tree', '-r', '--name-only', started.session.startSnapshot])).toContain('data/app.db-wal');

      write(t, 'data/app.db', 'delete from t; insert into t values (9);');
      expect(rows(t, 'data/app.db')).toBe('9 ok');
      const later = byteState(t);
      rollbackOk(t, '--session', started.session.id);
      expect(rows(t, 'data/app.db')).toBe('1,2,3,4,5 ok');
      expect(byteState(t)).toEqual(atStart);
      undoOk(t);
      expect(byteState(t)).toEqual(later);
    });
  });
});
