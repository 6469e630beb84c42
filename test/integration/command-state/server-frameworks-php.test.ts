/**
 * Laravel's, Symfony's and Ecto's drops and resets of a database server, and Laravel Sail's lines
 * (src/policy/command/server-frameworks-php.ts, server-frameworks-ecto.ts, sail.ts): on a Laravel
 * clone with `.env` on MySQL, `php artisan migrate:fresh` captured the ignored SQLite file and let
 * the command empty the server, and `sail down -v` / `sail artisan migrate:fresh` were "no
 * destructive command found". The projects' configuration files are real files in the repository,
 * read by guard's own evaluation (evaluateCommand, which the agent hook and check-command share);
 * no server and no PHP are needed. Two lines go through the installed Claude hook's sh shim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { LARAVEL_CONFIG } from '../../helpers/framework-files.js';

const PROJECTS: Record<string, string> = {
  // Laravel on MySQL (Sail's .env), its test environment on MySQL too
  'lv/artisan': '#!/usr/bin/env php\n<?php\n',
  // Sail's compose file (sail:install): the app service built from Sail's runtime in vendor/, the project mounted
  'lv/docker-compose.yml': "services:\n  laravel.test:\n    build:\n      context: ./vendor/laravel/sail/runtimes/8.3\n    volumes:\n      - '.:/var/www/html'\n  mysql:\n    image: 'mysql/mysql-server:8.0'\n    volumes:\n      - 'sail-mysql:/var/lib/mysql'\nvolumes:\n  sail-mysql: {}\n",
  'lv/config/database.php': LARAVEL_CONFIG,
  'lv/database/.gitignore': '*.sqlite*\n',
  'lv/db/drop.sql': 'DROP TABLE users;\n',
  // Laravel on its default SQLite file
  'lite/artisan': '#!/usr/bin/env php\n<?php\n',
  'lite/config/database.php': LARAVEL_CONFIG,
  'lite/database/.gitignore': '*.sqlite*\n',
  // an older Laravel: no DB_CONNECTION in .env, config's default MySQL
  'old/artisan': '#!/usr/bin/env php\n<?php\n',
  'old/config/database.php': LARAVEL_CONFIG.replace("env('DB_CONNECTION', 'sqlite')", "env('DB_CONNECTION', 'mysql')"),
  // Symfony on PostgreSQL (the password a reference), its tests on SQLite
  'sf/bin/console': '#!/usr/bin/env php\n<?php\n',
  // Symfony's demo: SQLite in the repository
  'sfdemo/bin/console': '#!/usr/bin/env php\n<?php\n',
  // .env on SQLite, the developer's .env.local on MySQL
  'sflocal/bin/console': '#!/usr/bin/env php\n<?php\n',
  // Phoenix on PostgreSQL, and one on SQLite
  'px/mix.exs': 'defmodule App.MixProject do\n  defp deps do\n    [\n      {:phoenix, "~> 1.7"},\n      {:ecto_sql, "~> 3.10"},\n      # {:ecto_sqlite3, ">= 0.0.0"},\n      {:postgrex, ">= 0.0.0"}\n    ]\n  end\nend\n',
  'pxlite/mix.exs': 'defmodule App.MixProject do\n  defp deps do\n    [{:ecto_sql, "~> 3.10"}, {:ecto_sqlite3, ">= 0.0.0"}]\n  end\nend\n',
};

/** The ignored environment files, as the frameworks' skeletons leave them. */
const ENV_FILES: Record<string, string> = {
  'lv/.env': 'APP_NAME=Laravel\nAPP_ENV=local\nAPP_KEY=base64:abc=\n\nDB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=laravel # the app\n',
  'lv/.env.testing': 'APP_ENV=testing\nDB_CONNECTION=mysql\nDB_DATABASE=testing\n',
  'lite/.env': 'APP_ENV=local\nDB_CONNECTION=sqlite\n# DB_HOST=127.0.0.1\n',
  'lite/database/database.sqlite': 'SQLite format 3\0rows',
  'old/.env': 'APP_ENV=local\nDB_HOST=127.0.0.1\n',
  'sf/.env': '###> symfony/framework-bundle ###\nAPP_ENV=dev\n###< symfony/framework-bundle ###\nDATABASE_URL="postgresql://app:${DB_PASSWORD}@127.0.0.1:5432/app?serverVersion=16&charset=utf8"\n',
  'sf/.env.test': 'DATABASE_URL="sqlite:///%kernel.project_dir%/var/test.db"\n',
  'sfdemo/.env': 'APP_ENV=dev\nDATABASE_URL=sqlite:///%kernel.project_dir%/data/database.sqlite\n',
  'sflocal/.env': 'APP_ENV=dev\nDATABASE_URL=sqlite:///%kernel.project_dir%/var/app.db\n',
  'sflocal/.env.local': "export DATABASE_URL='mysql://root:secret@127.0.0.1:3306/app'\n",
};

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  commitFiles(t, { '.gitignore': '.env\n.env.*\n!.env.test\n*.db\n', ...PROJECTS });
  writeFiles(t, ENV_FILES);
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}, 120_000);
afterAll(() => t?.cleanup());

/** check-command's verdict for an agent, computed in this process (test/helpers/evaluated.ts). */
const decide = (command: string) => evaluatedVerdict(t, command, { asAgent: true });

const expectRows = (rows: EvaluatedRow[]): Promise<void> => expectEvaluatedTable(t, rows);

describe('Laravel, Symfony and Ecto against a database server', () => {
  it('refuses where the configuration names a server, leaves SQLite projects and the test environment to the capture', async () => {
    await expectRows([
      ['cd lv && php artisan migrate:fresh --seed', 'deny', 'remote-data-delete', ['migrate:fresh', 'local', 'mysql', 'DB_CONNECTION in .env']],
      ['cd lv && php artisan migrate:f', 'deny', 'remote-data-delete', ['migrate:fresh']],
      ['cd lv && ./artisan db:wipe --force', 'deny', 'remote-data-delete', ['db:wipe']],
      ['php lv/artisan migrate:refresh', 'deny', 'remote-data-delete', ['migrate:refresh']],
      ['cd lv && php artisan migrate:reset --database=reporting', 'deny', 'remote-data-delete', ['pgsql', '--database=reporting']],
      ['cd lv && php artisan migrate:fresh --env=testing', 'snapshot', 'overwrite-ignored'],
      ['cd lv && APP_ENV=testing php artisan migrate:fresh', 'snapshot', 'overwrite-ignored'],
      ['cd lv && php artisan migrate:fresh --pretend', 'snapshot', 'overwrite-ignored'],
      ['cd lv && DB_CONNECTION=sqlite php artisan migrate:fresh', 'snapshot', 'overwrite-ignored'],
      ['cd lv && php artisan migrate', 'snapshot', 'overwrite-ignored'],
      ['cd old && php artisan migrate:fresh', 'deny', 'remote-data-delete', ['mysql', 'config/database.php']],
      // the SQLite file: captured first, as before (databases.ts); the repository's ignored database files
      // (lite/database/database.sqlite) are captured before any of these commands that is not refused
      ['cd lite && php artisan migrate:fresh', 'snapshot', 'overwrite-ignored', ['database/database.sqlite']],
      ['cd lite && DB_CONNECTION=pgsql php artisan db:wipe', 'deny', 'remote-data-delete', ['pgsql', 'on the line']],
      ['cd sf && php bin/console doctrine:database:drop --force', 'deny', 'remote-data-delete', ['dev', 'postgresql', 'DATABASE_URL']],
      ['cd sf && bin/console d:s:d --force --full-database', 'deny', 'remote-data-delete', ['doctrine:schema:drop']],
      ['cd sf && php bin/console doctrine:fixtures:load -n', 'deny', 'remote-data-delete', ['purges']],
      ['cd sf && symfony console doctrine:migrations:migrate first', 'deny', 'remote-data-delete', ['every migration']],
      ['cd sf && php bin/console doctrine:fixtures:load --append', 'snapshot', 'overwrite-ignored'],
      ['cd sf && php bin/console doctrine:database:drop', 'snapshot', 'overwrite-ignored'],
      ['cd sf && php bin/console doctrine:database:drop --force --env=test', 'snapshot', 'overwrite-ignored'],
      ['cd sf && APP_ENV=test php bin/console doctrine:fixtures:load -n', 'snapshot', 'overwrite-ignored'],
      ['cd sfdemo && php bin/console doctrine:fixtures:load -n', 'snapshot', 'overwrite-ignored'],
      ['cd sflocal && php bin/console doctrine:schema:drop --force', 'deny', 'remote-data-delete', ['mysql']],
      ['cd px && mix ecto.reset', 'deny', 'remote-data-delete', ['dev', 'PostgreSQL', 'postgrex in mix.exs']],
      ['cd px && mix do ecto.drop, ecto.create', 'deny', 'remote-data-delete', ['ecto.drop']],
      ['cd px && mix ecto.rollback --all', 'deny', 'remote-data-delete', ['every migration']],
      ['cd px && MIX_ENV=test mix ecto.reset', 'snapshot', 'overwrite-ignored'],
      ['cd px && mix ecto.migrate', 'snapshot', 'overwrite-ignored'],
      ['cd pxlite && mix ecto.reset', 'snapshot', 'overwrite-ignored'],
    ]);
    // the way forward names the framework's own test environment
    expect((await decide('cd lv && php artisan migrate:fresh')).instead).toContain('--env=testing');
    expect((await decide('cd px && mix ecto.drop')).instead).toContain('MIX_ENV=test');
  });

  it('judges a Sail line as the docker compose line it runs', async () => {
    await expectRows([
      ['cd lv && ./vendor/bin/sail down -v', 'deny', 'container-volume-delete'],
      ['cd lv && vendor/bin/sail artisan migrate:fresh', 'deny', 'remote-data-delete', ['migrate:fresh', 'mysql']],
      ['cd lv && sail art db:wipe', 'deny', 'remote-data-delete', ['db:wipe']],
      ['cd lv && sail mysql < db/drop.sql', 'deny', 'remote-data-delete', ['DROP TABLE']],
      ['cd lv && docker compose exec laravel.test php artisan migrate:fresh', 'deny', 'remote-data-delete', ['migrate:fresh']],
      // the project is mounted (Sail's compose file): its ignored SQLite files are captured first, as on the host
      ['cd lv && sail artisan migrate:fresh --env=testing', 'snapshot', 'overwrite-ignored'],
      ['cd lv && sail up -d', 'allow', 'no-risk'],
      ['cd lv && sail down', 'allow', 'no-risk'],
      ['cd lv && sail test --parallel', 'allow', 'no-risk'],
      ['cd lv && sail npm run build', 'allow', 'no-risk'],
    ]);
    // through the installed hook: the sh shim hands Sail's lines to Node
    expect(installedClaudeHook(t, 'cd lv && sail art migrate:fresh --seed').decision).toBe('deny');
    expect(installedClaudeHook(t, 'cd lv && sail down --volumes').decision).toBe('deny');
  });
});
