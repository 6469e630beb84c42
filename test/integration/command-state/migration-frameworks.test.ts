/**
 * Migration and reset commands of PHP, Elixir, JVM and .NET projects (sweep of 2026-12-05 on
 * laravel/laravel, symfony/demo, a Phoenix app, spring-petclinic and a .NET clean-architecture
 * template): `php artisan migrate:fresh`, `bin/console doctrine:database:drop --force`, `mix
 * ecto.drop`, `mvn flyway:clean`, `dotnet ef database drop -f` ... were "allow: no destructive
 * command found" (`mix ecto.drop` answered by the hook's sh fast path) while the database they
 * drop is an ignored file in the repository (Laravel's database/database.sqlite, ignored by
 * database/.gitignore). Now the repository's ignored database files are captured first
 * (src/policy/command/framework-migrations.ts, databases.ts). What the tools do to the file is
 * done here with the real sqlite3 (none of the frameworks can be installed on the machine this
 * was written on): what is promised is the capture and the rollback, byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';
import { consoleNames } from '../../../src/policy/command/framework-migrations.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { hasSqlite, sha, sqlite } from '../../helpers/sqlite.js';

/**
 * A Laravel project's layout (laravel/laravel): database/.gitignore ignores `*.sqlite*`; the .env
 * beside artisan. Built once per file (each of 7 tests ran its own `guard init`), copied per test.
 */
function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env\n/vendor\n/node_modules\n*.db\n',
    'database/.gitignore': '*.sqlite*\n',
    'artisan': ['#!/usr/bin/env php\n<?php\n', 0o755],
    'bin/console': ['#!/usr/bin/env php\n<?php\n', 0o755],
    'mix.exs': 'defmodule App.MixProject do\nend\n',
    '.env.example': 'APP_KEY=\nDB_CONNECTION=sqlite\n',
  });
  writeFiles(t, { '.env': ['APP_KEY=base64:b2xkIGtleSBvZiB0aGUgYXBw\nDB_CONNECTION=sqlite\n', 0o600], 'vendor/autoload.php': '<?php\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

function makeDatabase(t: TestRepo, file: string): void {
  sqlite(t, file, "create table users(id integer primary key, name text); insert into users(name) values ('ada'), ('linus'); create table migrations(id integer primary key, migration text); insert into migrations(migration) values ('0001_create_users_table');");
}

const CHANGES = [
  'php artisan migrate', 'php artisan migrate --force', 'php artisan migrate:fresh --seed', 'php artisan migrate:refresh --step=1', 'php artisan migrate:reset',
  'php artisan migrate:rollback', 'php artisan migrate:f', 'php artisan db:wipe --force', 'php artisan db:seed', 'php artisan db', './artisan migrate:fresh', 'php8.3 artisan --env=testing migrate:fresh',
  'bin/console doctrine:database:drop --force', 'php bin/console doctrine:schema:drop --force --full-database', 'bin/console doctrine:schema:update --force', 'bin/console doctrine:migrations:migrate -n',
  'bin/console doctrine:fixtures:load -n', 'bin/console d:m:m -n', 'bin/console d:s:u --force', "bin/console dbal:run-sql 'DELETE FROM users'", 'symfony console doctrine:database:drop --force',
  'mix ecto.drop', 'mix ecto.reset', 'mix ecto.rollback --all', 'mix ecto.migrate', 'MIX_ENV=test mix ecto.reset', 'mix do ecto.drop, ecto.create', 'mix ecto.load',
  'mvn flyway:clean', './mvnw flyway:clean -Dflyway.cleanDisabled=false', 'mvn org.flywaydb:flyway-maven-plugin:10.0.0:migrate', 'mvn liquibase:dropAll', 'mvn -q liquibase:rollback -Dliquibase.rollbackCount=1',
  'gradle flywayClean', './gradlew :app:flywayClean', './gradlew dropAll', 'flyway -url=jdbc:sqlite:local.db clean', 'flyway migrate', 'liquibase drop-all', 'liquibase --url jdbc:sqlite:local.db rollback-count --count=1', 'liquibase update',
  'dotnet ef database drop -f', 'dotnet ef database update 0', 'dotnet ef database update -p src/Infrastructure -s src/Web', 'dotnet ef migrations remove --force', 'dotnet-ef database drop -f',
  'sequel -m db/migrations sqlite://db/dev.db', 'hanami db drop',
];

const LEAVES = [
  'php artisan test', 'php artisan serve', 'php artisan migrate:status', 'php artisan db:show', 'php artisan make:migration create_posts_table', 'php artisan key:generate --show', 'php artisan route:list', 'php artisan config:clear',
  'bin/console cache:clear', 'bin/console doctrine:migrations:status', 'bin/console doctrine:migrations:diff', 'bin/console doctrine:schema:update --dump-sql', 'bin/console doctrine:database:create', 'bin/console make:migration', 'bin/console debug:router',
  'mix test', 'mix compile', 'mix deps.get', 'mix ecto.migrations', 'mix ecto.gen.migration add_users', 'mix ecto.create', 'mix phx.server', 'mix format',
  'mvn test', 'mvn clean package', 'mvn flyway:info', 'gradle test', 'gradle flywayInfo', 'flyway info', 'liquibase status',
  'dotnet build', 'dotnet test', 'dotnet ef migrations add Init -o Data/Migrations', 'dotnet ef migrations list', 'dotnet ef dbcontext info', 'hanami server',
];

describe('the migrations of PHP, Elixir, JVM and .NET projects capture the ignored database first', () => {
  it('each command that changes the database snapshots and captures it; the ones that do not stay free', async () => {
    await template.withCopy(async (t) => {
      writeFiles(t, { 'database/database.sqlite': 'SQLite format 3\0rows', 'app_dev.db': 'SQLite format 3\0rows' });
      // check-command's own path for one line of each kind; the table through the same
      // evaluation (evaluateCommand) in this process: 85 Node starts fewer.
      expect(checkVerdict(t, CHANGES[0]!, { asAgent: true })).toEqual(await evaluatedVerdict(t, CHANGES[0]!, { asAgent: true }));
      expect(checkVerdict(t, LEAVES[0]!, { asAgent: true })).toEqual(await evaluatedVerdict(t, LEAVES[0]!, { asAgent: true }));
      for (const command of CHANGES) {
        const verdict = await evaluatedVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(verdict.reason, command).toContain('database/database.sqlite');
        expect(verdict.reason, command).toContain('app_dev.db');
        expect(verdict.reason, command).not.toContain('vendor');
      }
      for (const command of LEAVES) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // `migrations remove` changes no database; it deletes the last migration's files: a snapshot first (dotnet.ts, 2026-12-07)
      expect(await evaluatedVerdict(t, 'dotnet ef migrations remove', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      // The sh fast path hands each changing line on to Node (`mix ecto.drop` was answered there);
      // `./gradlew` and `./mvnw` by the shim's look at the shell script they name (as before).
      for (const command of CHANGES.filter((c) => !/^\.\/(gradlew|mvnw) /.test(c))) expect(fastPathAllows(command), command).toBe(false);
    });
  });

  it("PocketBase's migrate and superuser commands, by its binary and by `go run` of an application that imports it, capture pb_data first", async () => {
    await template.withCopy(async (t) => {
      // pocketbase/pocketbase's examples/base: a main.go importing the framework, its ignored pb_data (2026-12-07, helper realproj5)
      commitFiles(t, {
        'app/main.go': 'package main\n\nimport (\n\t"log"\n\n\t"github.com/pocketbase/pocketbase"\n\t"github.com/pocketbase/pocketbase/plugins/migratecmd"\n)\n\nfunc main() {\n\tapp := pocketbase.New()\n\tlog.Fatal(app.Start())\n}\n',
        'tools/gen.go': 'package main\n\nfunc main() {}\n',
      });
      writeFiles(t, { 'app/pb_data/data.db': 'SQLite format 3\0rows', 'app/pb_data/auxiliary.db': 'SQLite format 3\0logs' });
      const changes = [
        'cd app && go run main.go migrate down', 'cd app && go run main.go migrate', 'cd app && go run . migrate down 1', 'go run ./app superuser upsert a@b.c 1234567890',
        'cd app && go run -tags sqlite_fts5 main.go migrate history-sync', './pocketbase migrate down', 'pocketbase --dir app/pb_data superuser delete a@b.c',
      ];
      for (const command of changes) {
        const verdict = await evaluatedVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(verdict.reason, command).toContain('app/pb_data/data.db');
        expect(fastPathAllows(command), command).toBe(false);
      }
      const leaves = [
        'cd app && go run main.go serve', 'cd app && go run main.go migrate create add_posts', 'cd app && go run main.go migrate collections',
        'cd app && go run main.go migrate --help', 'go run tools/gen.go migrate down', 'go run github.com/x/tool@latest migrate down', 'go build ./...', 'go test ./...',
      ];
      for (const command of leaves) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // through the installed hook: the capture, then `migrate down`'s damage undone byte for byte
      const before = stateWithModes(t, ['app/pb_data/data.db', 'app/pb_data/auxiliary.db']);
      expect(hookWithVerdict(t, 'cd app && go run main.go migrate down')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['app/pb_data/auxiliary.db', 'app/pb_data/data.db'] });
      fs.writeFileSync(path.join(t.dir, 'app/pb_data/data.db'), 'SQLite format 3\0fewer rows');
      rollbackOk(t);
      expect(stateWithModes(t, ['app/pb_data/data.db', 'app/pb_data/auxiliary.db'])).toEqual(before);
    });
  });

  it('reads a console command name typed in part as Symfony does: part for part, the whole name', () => {
    expect(consoleNames('d:m:m', ['doctrine:migrations:migrate'])).toBe(true);
    expect(consoleNames('migrate:f', ['migrate:fresh'])).toBe(true);
    expect(consoleNames('MIGRATE:FRESH', ['migrate:fresh'])).toBe(true);
    expect(consoleNames('migrate:st', ['migrate', 'migrate:fresh', 'migrate:rollback'])).toBe(false);
    expect(consoleNames('db', ['db:wipe', 'db:seed'])).toBe(false);
    expect(consoleNames('d:m', ['doctrine:migrations:migrate'])).toBe(false);
  });

  it.runIf(hasSqlite)('php artisan migrate:fresh through the installed hook: captured, and the rollback gives the same bytes and rows back', async () => {
    await template.withCopy(async (t) => {
      makeDatabase(t, 'database/database.sqlite');
      const before = sha(t, 'database/database.sqlite');
      const modes = stateWithModes(t, ['database/database.sqlite']);
      expect(hookWithVerdict(t, 'php artisan migrate:fresh --seed')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['database/database.sqlite'] });
      // What migrate:fresh does: every table dropped, the migrations run again on an empty schema.
      sqlite(t, 'database/database.sqlite', 'drop table users; drop table migrations; create table migrations(id integer primary key, migration text); vacuum;');
      expect(sha(t, 'database/database.sqlite')).not.toBe(before);
      rollbackOk(t);
      expect(sha(t, 'database/database.sqlite')).toBe(before);
      expect(stateWithModes(t, ['database/database.sqlite'])).toEqual(modes);
      expect(sqlite(t, 'database/database.sqlite', 'select name from users order by id')).toBe('ada\nlinus\n');
    });
  });

  it.runIf(hasSqlite)('mix ecto.drop through the installed hook (its sh fast path hands it on): captured, and the rollback gives the deleted database back', async () => {
    await template.withCopy(async (t) => {
      makeDatabase(t, 'app_dev.db');
      const before = sha(t, 'app_dev.db');
      expect(hookWithVerdict(t, 'mix ecto.drop')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['app_dev.db'] });
      // What Ecto's SQLite adapter does on storage_down: the file (and its -wal, -shm) deleted.
      fs.rmSync(path.join(t.dir, 'app_dev.db'));
      rollbackOk(t);
      expect(sha(t, 'app_dev.db')).toBe(before);
      expect(sqlite(t, 'app_dev.db', 'select count(*) from users')).toBe('2\n');
    });
  });

  it('php artisan key:generate through the installed hook: the ignored .env is captured, and the rollback gives the old APP_KEY back (0600)', async () => {
    await template.withCopy(async (t) => {
      const before = stateWithModes(t, ['.env']);
      expect(hookWithVerdict(t, 'php artisan key:generate')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['.env'] });
      // What key:generate does in a local environment: APP_KEY replaced without asking.
      fs.writeFileSync(path.join(t.dir, '.env'), 'APP_KEY=base64:bmV3IGtleQ==\nDB_CONNECTION=sqlite\n');
      rollbackOk(t);
      expect(stateWithModes(t, ['.env'])).toEqual(before);
    });
  });

  it('composer runs composer.json scripts as Composer does: Laravel\'s `composer setup` (key:generate, migrate --force) captures .env and the database; Flex\'s auto-scripts too', async () => {
    await template.withCopy(async (t) => {
      commitFiles(t, { '.gitignore': '.env\n/.env.local\n/vendor\n/node_modules\n*.db\n' });
      writeFiles(t, { 'database/database.sqlite': 'SQLite format 3\0rows', '.env.local': ['APP_SECRET=mine\n', 0o600] });
      // laravel/laravel's and symfony/demo's scripts (trimmed), and a cycle
      commitFiles(t, {
        '.env.local.demo': 'APP_SECRET=demo\n',
        'composer.json': JSON.stringify({
          scripts: {
            setup: ['composer install', '@php -r "file_exists(\'.env\') || copy(\'.env.example\', \'.env\');"', '@php artisan key:generate', '@php artisan migrate --force', 'npm install'],
            test: ['@php artisan config:clear --ansi', '@php artisan test'],
            'post-autoload-dump': ['Illuminate\\Foundation\\ComposerScripts::postAutoloadDump', '@php artisan package:discover --ansi'],
            'auto-scripts': { '-r "@rename(\'.env.local.demo\', \'.env.local\');"': 'php-script', 'cache:clear': 'symfony-cmd' },
            'post-update-cmd': ['@auto-scripts'],
            fresh: ['@php artisan migrate:fresh --seed', '@again'],
            again: ['@fresh'],
          },
        }),
      });
      const expected: Array<[string, string[]]> = [
        // the reason names the first write; the capture (below, through the hook) holds both
        ['composer setup', ['.env', 'key:generate', 'script "setup" of composer.json']],
        ['composer run-script fresh', ['database/database.sqlite']],
        ['composer -d . fresh', ['database/database.sqlite']],
        ['composer update', ['.env.local']],
      ];
      for (const [command, names] of expected) {
        const verdict = await evaluatedVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        for (const name of names) expect(verdict.reason, command).toContain(name);
      }
      for (const command of ['composer install', 'composer test', 'composer update --no-scripts', 'composer validate', 'composer dump-autoload']) {
        expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
      expect(fastPathAllows('composer setup')).toBe(false);
      expect(hookWithVerdict(t, 'composer setup')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: expect.arrayContaining(['.env', 'database/database.sqlite']) });
    });
  });

  it('a .NET project\'s bin/Debug and bin/Release under its own directory are regenerable output (they were matched at the root only)', async () => {
    await template.withCopy(async (t) => {
      commitFiles(t, { '.gitignore': '.env\n*.db\n[Bb]in/\n[Oo]bj/\n' });
      writeFiles(t, { 'src/Web/bin/Debug/net8.0/Web.dll': 'MZ', 'src/Web/bin/Release/net8.0/Web.dll': 'MZ', 'src/Web/obj/project.assets.json': '{}', 'src/Web/app.db': 'SQLite format 3\0rows' });
      for (const command of ['rm -rf src/Web/bin src/Web/obj', 'rm -rf src/Web/bin/Debug']) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      // what is not build output beside it is still captured
      expect(await evaluatedVerdict(t, 'rm -rf src/Web', { asAgent: true })).toMatchObject({ verdict: 'snapshot' });
      expect((await evaluatedVerdict(t, 'dotnet ef database drop -f', { asAgent: true })).reason).toContain('src/Web/app.db');
    });
  });

  it("Symfony's var/cache and Composer's vendor/, where git ignores them, are regenerable output; var/log beside the cache is captured", async () => {
    await template.withCopy(async (t) => {
      commitFiles(t, { '.gitignore': '.env\n*.db\n/vendor/\n/var/\n', 'composer.json': '{"require": {}}\n' });
      writeFiles(t, { 'vendor/autoload.php': '<?php\n', 'var/cache/dev/c.php': '<?php\n', 'var/log/dev.log': 'log\n' });
      for (const command of ['rm -rf var/cache', 'rm -rf var/cache/dev']) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      // The log beside the cache is not rebuilt. vendor/ is (composer install); a --prefer-source
      // clone in it with local commits still refuses its deletion (nested-in-output.test.ts).
      expect(await evaluatedVerdict(t, 'rm -rf var', { asAgent: true })).toMatchObject({ verdict: 'snapshot', reason: expect.stringContaining('var/log/dev.log') });
      expect(await evaluatedVerdict(t, 'rm -rf vendor', { asAgent: true })).toMatchObject({ verdict: 'allow' });
    });
  });
});
