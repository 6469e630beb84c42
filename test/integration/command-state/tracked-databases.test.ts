/**
 * Database files the snapshots hold (tracked, or untracked and not ignored: symfony/demo's
 * tracked `data/database.sqlite`, Dxcworld's `*.db`, a Django project's untracked `db.sqlite3`)
 * that a migration, a fixture load or a client may write (src/policy/command/held-databases.ts).
 * These were allowed with no snapshot before them, as `sed -i` on a tracked file is: the snapshot
 * after the agent's previous tool call holds the file. But rows a running dev server wrote since
 * were in no snapshot, and `doctrine:fixtures:load -n` replaced them for good. Now a snapshot
 * comes first. What the frameworks do to the file is done here with the real sqlite3. The verdict
 * tables are judged by check-command's evaluation in this process (test/helpers/evaluated.ts), one
 * row through `guard check-command` itself; the installed hook and the rollback run for real.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { hasSqlite, sha, sqlite } from '../../helpers/sqlite.js';

const DB = 'SQLite format 3\0rows';

/** symfony/demo's layout: its SQLite database tracked in data/; an ignored local one beside. */
function setup(t: TestRepo, database: Buffer | string = DB): void {
  commitFiles(t, {
    '.gitignore': '/vendor/\n/var/\n*.db\n',
    'bin/console': ['#!/usr/bin/env php\n<?php\n', 0o755],
    'manage.py': '#!/usr/bin/env python\n',
    'data/database.sqlite': database,
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

describe('a write of a database file the snapshots hold takes a snapshot first', () => {
  it('migrations, fixture loads and client writes of a tracked or untracked database: snapshot; reads stay free; an ignored side file is captured with it; one over snapshot.maxFileSize refused', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      // Django's default db.sqlite3 where nothing ignores it (startproject writes no .gitignore).
      writeFiles(t, { 'db.sqlite3': DB });
      const cases: VerdictCase[] = [
        ['bin/console doctrine:fixtures:load -n', 'snapshot', 'tracked-database', ['data/database.sqlite', 'db.sqlite3']],
        ['mix ecto.drop', 'snapshot', 'tracked-database', 'data/database.sqlite'],
        ['python manage.py migrate', 'snapshot', 'tracked-database', 'db.sqlite3'],
        ["sqlite3 data/database.sqlite 'delete from users'", 'snapshot', 'tracked-database', 'data/database.sqlite'],
        ["sqlite-utils insert db.sqlite3 users rows.json", 'snapshot', 'tracked-database', 'db.sqlite3'],
        ['sqlite3 -readonly data/database.sqlite "delete from users"', 'allow', 'no-risk'],
        ['sqlite3 data/database.sqlite .schema', 'allow', 'no-risk'],
        ["sqlite3 data/database.sqlite 'select count(*) from users'", 'allow', 'no-risk'],
        ['bin/console doctrine:migrations:status', 'allow', 'no-risk'],
        ['npx prisma migrate status', 'allow', 'no-risk'],
        // A database that is not there is created, not replaced.
        ["sqlite3 data/new.sqlite 'create table x(y)'", 'allow', 'no-risk'],
      ];
      // check-command's own path for the first row; the tables through the same evaluation in this process.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, cases[0]![0], { asAgent: true }));
      await expectEvaluatedVerdicts(t, cases);
      // The WAL of a tracked database, where git ignores it: captured into the same snapshot
      // (its committed pages belong to the database), which holds the file itself.
      commitFiles(t, { '.gitignore': '/vendor/\n/var/\n*.db\n*-wal\n' });
      writeFiles(t, { 'data/database.sqlite-wal': 'WAL frames' });
      await expectEvaluatedVerdicts(t, [
        ["sqlite3 data/database.sqlite 'delete from users'", 'snapshot', 'overwrite-ignored', 'data/database.sqlite-wal'],
        ['bin/console doctrine:fixtures:load -n', 'snapshot', 'overwrite-ignored', 'data/database.sqlite-wal'],
      ]);
      // An untracked database larger than snapshot.maxFileSize is in no snapshot: refused, as its deletion is.
      writeFiles(t, { '.guard.yaml': 'snapshot:\n  maxFileSize: 1KB\n', 'data/big.sqlite': `${DB}${'x'.repeat(2048)}` });
      await expectEvaluatedVerdicts(t, [
        ["sqlite3 data/big.sqlite 'delete from users'", 'deny', 'untracked-too-large', 'data/big.sqlite'],
        ['mix ecto.drop', 'deny', 'untracked-too-large', 'data/big.sqlite'],
      ]);
    });
  }, 120_000);

  it.runIf(hasSqlite)('doctrine:fixtures:load through the installed hook: the rows a dev server wrote after the last snapshot come back byte for byte', async () => {
    await withTestRepo(async (t) => {
      const seed = path.join(t.base, 'seed.sqlite');
      spawnSync('sqlite3', [seed, "create table users(id integer primary key, name text); insert into users(name) values ('ada'), ('linus');"]);
      setup(t, fs.readFileSync(seed));
      // The agent's previous tool call starts the session (its snapshot holds the database); then
      // the dev server writes a row.
      expect(installedClaudeHook(t, "sqlite3 data/database.sqlite 'select count(*) from users'").decision).toBe('allow');
      // The watcher that session started would snapshot the row and the fixture load's writes on
      // its own time: its snapshot of the row would hide a hook that took none, and one of the
      // fixtures, taken before the rollback, would be the latest (seen once at load 12). Stopped.
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      sqlite(t, 'data/database.sqlite', "insert into users(name) values ('grace');");
      const before = sha(t, 'data/database.sqlite');
      expect(installedClaudeHook(t, 'bin/console doctrine:fixtures:load -n').decision).toBe('allow');
      // What the fixture load does: the tables purged, the fixtures written.
      sqlite(t, 'data/database.sqlite', "delete from users; insert into users(name) values ('fixture'); vacuum;");
      // Back to the snapshot taken right before the command (a plain `guard rollback` goes back to
      // the session's start, before the dev server's row, as it is meant to).
      rollbackOk(t, 'latest');
      expect(sha(t, 'data/database.sqlite')).toBe(before);
      expect(sqlite(t, 'data/database.sqlite', 'select name from users order by id')).toBe('ada\nlinus\ngrace\n');
      expect(loggedEvents(t, 'allowed-after-snapshot')).toHaveLength(1);
    });
  });

  it('a schema file whose extension starts with db (DBML) is not a database: golang-migrate against a server stays free; a .db beside it is still held', async () => {
    await withTestRepo(async (t) => {
      // simplebank's layout (2026-12-07, helper realproj4): a tracked DBML schema, the migrations,
      // the server's URL on the line; an ignored DBML export beside.
      commitFiles(t, { '.gitignore': '*.log\nlocal/\n', 'doc/db.dbml': 'Table accounts {\n  id bigserial [pk]\n}\n', 'db/migration/000001_init.up.sql': 'create table accounts(id bigserial);\n' });
      writeFiles(t, { 'local/export.dbml': 'Table x {}\n' });
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      const up = 'migrate -path db/migration -database "postgresql://root:secret@localhost:5432/simple_bank?sslmode=disable" -verbose up';
      expect(checkVerdict(t, up, { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      await expectEvaluatedVerdicts(t, [
        [up, 'allow', 'no-risk'],
        ['migrate -path db/migration -database "postgresql://root:secret@localhost:5432/simple_bank?sslmode=disable" down 1', 'allow', 'no-risk'],
        ['goose -dir db/migration postgres "user=root dbname=simple_bank" up', 'allow', 'no-risk'],
      ]);
      // A database file beside it is held as before: tracked (snapshot), ignored (captured).
      writeFiles(t, { 'local/dev.sqlite3': DB, 'local/app.db.bak': DB });
      await expectEvaluatedVerdicts(t, [
        [up, 'snapshot', 'overwrite-ignored', ['local/app.db.bak', 'local/dev.sqlite3']],
      ]);
      fs.rmSync(path.join(t.dir, 'local'), { recursive: true });
      commitFiles(t, { 'data/app.db': DB });
      await expectEvaluatedVerdicts(t, [[up, 'snapshot', 'tracked-database', 'data/app.db']]);
    });
  });
});
