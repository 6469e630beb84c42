/**
 * Migration and reset commands of ORMs and frameworks whose database is often an ignored file in
 * the repository (Prisma's `prisma/dev.db`, Django's `db.sqlite3`): `npx prisma migrate reset
 * --force` and `python manage.py flush --noinput` were "allow: no destructive command found" on
 * a vite clone (hunt of 2026-12-05) and would have emptied the database with no capture. The
 * configured file is not on the command line, so the repository's ignored files named like a
 * database are captured first (src/policy/command/databases.ts classifyMigrationTool); the
 * commands that leave the database alone stay free. Their change is made by hand here (no ORM is
 * installed on the machine this was written on): what is promised is the capture and the rollback.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';

const DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(2048, 0x61), Buffer.from([0xff, 0x0d, 0x0a])]);

function setup(t: TestRepo, withDatabases = true): void {
  commitFiles(t, { '.gitignore': '.env\n*.db\n*.db-*\ndb.sqlite3\nnode_modules/\n', 'prisma/schema.prisma': 'datasource db {\n  provider = "sqlite"\n  url = "file:./dev.db"\n}\n', 'manage.py': 'import sys\n' });
  if (withDatabases) writeFiles(t, { 'prisma/dev.db': [DB, 0o600], 'prisma/dev.db-journal': 'hot journal\n', 'db.sqlite3': DB, 'node_modules/.cache/x.db': 'cache\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const CHANGES = [
  'npx prisma migrate reset --force',
  'npx prisma migrate dev --name init',
  'pnpm exec prisma db push --accept-data-loss',
  'python manage.py flush --noinput',
  'python3 manage.py migrate',
  './manage.py loaddata fixtures.json',
  'bin/rails db:reset',
  'npx knex migrate:latest',
  'npx sequelize-cli db:migrate:undo:all',
  'npx drizzle-kit push',
  'alembic downgrade -1',
  'npx typeorm migration:revert',
  // Python, Rust, Go and Ruby (sweep of 2026-12-05 on flask, ripgrep, cobra and a Rails app: all
  // were "no destructive command found", and `flask db downgrade base` emptied a real
  // instance/app.db that no rollback gave back)
  'flask db downgrade base',
  'flask --app app db upgrade',
  'python -m flask db stamp head',
  'python3 -m alembic downgrade base',
  'uv run flask db upgrade',
  'python manage.py sqlflush | python manage.py dbshell',
  'bin/rails dbconsole',
  'diesel database reset',
  'diesel migration redo',
  'sqlx database reset -y',
  'cargo sqlx migrate run',
  'sea-orm-cli migrate fresh',
  'goose -dir db/migrations sqlite3 ./local.db down',
  'migrate -path db/migrations -database sqlite3://local.db drop -f',
  'atlas schema clean -u sqlite://local.db --auto-approve',
  'dbmate --url sqlite:local.db rollback',
];

const LEAVES = [
  'npx prisma generate', 'npx prisma migrate status', 'npx prisma studio --help', 'python manage.py test', 'python manage.py makemigrations', 'bin/rails db:migrate:status', 'bin/rails server', 'alembic history', 'npx knex migrate:make add_users', 'npx drizzle-kit generate',
  'flask run --debug', 'flask db migrate -m users', 'python -m flask routes', 'diesel migration generate add_users', 'sqlx migrate add users', 'cargo sqlx prepare', 'cargo build', 'sea-orm-cli migrate status',
  'goose -dir db/migrations sqlite3 ./local.db status', 'goose create add_users sql', 'migrate create -ext sql -dir db/migrations add_users', 'atlas schema inspect -u sqlite://local.db', 'dbmate new add_users',
];

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

describe('a migration or reset captures the repository\'s ignored database files first', () => {
  it('each command that changes the database snapshots and captures them; the ones that do not stay free', async () => {
    await template.withCopy((t) => {
      for (const command of CHANGES) {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(verdict.reason, command).toContain('prisma/dev.db');
        expect(verdict.reason, command).toContain('db.sqlite3');
        expect(verdict.reason, command).not.toContain('node_modules');
      }
      for (const command of LEAVES) expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // The three name filters share their START: its untracked listing (nested repositories)
      // runs once, then one tracked and one ignored listing each.
      const trace = path.join(t.base, 'trace-migrate.json');
      const r = t.guard(['check-command', '--json', 'npx prisma migrate reset --force'], { env: traceEnv(trace) });
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'snapshot' });
      const nested = tracedArgv(trace).filter((argv) => argv.includes('ls-files') && argv.includes('--others') && !argv.includes('--ignored') && !argv.includes('--cached'));
      expect(nested).toHaveLength(1);
    });
    // 54 check-command runs: about 25 s on an idle 2-core machine, near the default 60 s under load.
  }, 300_000);

  it('npx prisma migrate reset --force through the installed hook: captured, and the rollback gives the bytes and modes back', async () => {
    await template.withCopy((t) => {
      const files = ['prisma/dev.db', 'prisma/dev.db-journal', 'db.sqlite3'];
      const before = stateWithModes(t, files);
      expect(installedClaudeHook(t, 'npx prisma migrate reset --force').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['db.sqlite3', 'prisma/dev.db', 'prisma/dev.db-journal'] })]);
      // What the reset does to a SQLite file: a new, empty database; the journal gone.
      fs.writeFileSync(path.join(t.dir, 'prisma/dev.db'), 'SQLite format 3\0');
      fs.rmSync(path.join(t.dir, 'prisma/dev.db-journal'));
      rollbackOk(t);
      expect(stateWithModes(t, files)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, 'prisma/dev.db'))).toEqual(DB);
    });
  });

  it('flask db downgrade base through the installed hook (its sh fast path hands it on): captured, and the rollback gives the database back', async () => {
    await template.withCopy((t) => {
      writeFiles(t, { 'instance/app.db': [DB, 0o644] });
      const files = ['instance/app.db', 'db.sqlite3'];
      const before = stateWithModes(t, files);
      expect(installedClaudeHook(t, 'flask db downgrade base').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: expect.arrayContaining(['instance/app.db', 'db.sqlite3']) })]);
      // What the downgrade does to the SQLite file: its tables dropped (a file of another size).
      fs.writeFileSync(path.join(t.dir, 'instance/app.db'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(stateWithModes(t, files)).toEqual(before);
    });
  });

  it('a project script named migrate is read as a script, not taken for golang-migrate', async () => {
    await template.withCopy((t) => {
      commitFiles(t, { 'bin/migrate': ['#!/bin/sh\nrm -f db.sqlite3\n', 0o755] });
      expect(checkVerdict(t, 'bin/migrate up', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('with no database file in the repository (a server database), nothing is captured and no snapshot is taken', async () => {
    await withTestRepo((t) => {
      setup(t, false);
      for (const command of ['npx prisma migrate reset --force', 'python manage.py flush --noinput']) expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
    });
  });
});
