/**
 * Rollbacks of more than one migration and the migration tools' official images against a
 * database server (docs/DECISIONS.md, "Rollbacks of more than one migration"): `php artisan
 * migrate:rollback` (the last batch: every migration after a clone's first `migrate`), `--step=5`,
 * `rails db:rollback STEP=3`, `db:migrate VERSION=0`, `mix ecto.rollback -n 3`, `alembic
 * downgrade -2`, Flask-Migrate's `flask db downgrade base`, `manage.py migrate shop 0001`,
 * golang-migrate's `drop`/`down`, `dbmate drop`, and `docker run flyway/flyway ... clean` (also
 * liquibase/liquibase, migrate/migrate, amacneil/dbmate) were "no destructive command found" or
 * only the capture of the ignored database files. The one-step undo of the last migration and the
 * everyday lines stay free. Real-shaped project files, read by guard's own evaluation; no server,
 * PHP, Ruby, Elixir, Python or docker needed. One row goes through `guard check-command`.
 */
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedTable } from '../../helpers/evaluated.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { ALEMBIC_ENV, FLASK_ENV_PY, LARAVEL_CONFIG } from '../../helpers/framework-files.js';

const PROJECTS: Record<string, string> = {
  '.gitignore': '*.db\n*.sqlite\n.env\ndocker.env\n',
  // Laravel on MySQL (Sail's .env), and one on its default SQLite file
  'lv/artisan': '#!/usr/bin/env php\n<?php\n',
  'lv/config/database.php': LARAVEL_CONFIG,
  'lvlite/artisan': '#!/usr/bin/env php\n<?php\n',
  'lvlite/config/database.php': LARAVEL_CONFIG,
  // Rails on PostgreSQL
  'rl/config/database.yml': 'default: &default\n  adapter: postgresql\n  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n\ndevelopment:\n  <<: *default\n  database: app_development\n\ntest:\n  <<: *default\n  database: app_test\n',
  // Phoenix on PostgreSQL
  'ph/mix.exs': 'defmodule App.MixProject do\n  use Mix.Project\n  defp deps do\n    [\n      {:phoenix, "~> 1.7"},\n      {:ecto_sql, "~> 3.10"},\n      {:postgrex, ">= 0.0.0"}\n    ]\n  end\nend\n',
  // Flask-Migrate: the URL in .flaskenv (PostgreSQL), and a project on SQLite
  'fl/migrations/env.py': FLASK_ENV_PY,
  'fl/migrations/alembic.ini': '[alembic]\n# template used to generate migration files\n\n[loggers]\nkeys = root,sqlalchemy,alembic\n',
  'fl/.flaskenv': 'FLASK_APP=app\nDATABASE_URL=postgresql+psycopg://app:app@localhost/app\n',
  'fllite/migrations/env.py': FLASK_ENV_PY,
  'fllite/.flaskenv': 'FLASK_APP=app\nDATABASE_URL=sqlite:///app.db\n',
  // Alembic on PostgreSQL
  'al/alembic.ini': '[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = postgresql://app@localhost/app\n',
  'al/alembic/env.py': ALEMBIC_ENV,
  // Django on PostgreSQL
  'dj/manage.py': "#!/usr/bin/env python\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
  'dj/proj/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app'}}\n",
  // Flyway's configuration for its image, mounted at /flyway/conf
  'fw/conf/flyway.conf': 'flyway.url=jdbc:postgresql://db:5432/app\nflyway.user=app\n',
  'fwlite/conf/flyway.conf': 'flyway.url=jdbc:sqlite:/flyway/sql/app.db\n',
  // sequelize-cli, Liquibase and EF Core on PostgreSQL
  'sq/config/config.json': '{\n  "development": { "username": "app", "database": "app_dev", "host": "127.0.0.1", "dialect": "postgres" },\n  "test": { "dialect": "sqlite", "storage": ":memory:" }\n}\n',
  'lb/liquibase.properties': 'changelog-file: db/changelog.xml\nurl: jdbc:postgresql://localhost:5432/app\nusername: app\n',
  'ef/App.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n',
  'ef/appsettings.json': '{ "ConnectionStrings": { "Default": "Host=localhost;Database=app;Username=app" } }\n',
  // dbmate: DATABASE_URL in .env
  'dm/db/migrations/20240101000000_init.sql': '-- migrate:up\ncreate table t (id int);\n-- migrate:down\ndrop table t;\n',
  // diesel (DATABASE_URL in the workspace's .env, run from a member crate), sqlx, and diesel on SQLite
  'rs/diesel.toml': '[print_schema]\nfile = "src/schema.rs"\n',
  'rs/crates/api/Cargo.toml': '[package]\nname = "api"\n',
  'rs/migrations/2024-01-01-000000_init/up.sql': 'CREATE TABLE t (id INT);\n',
  'rs/migrations/2024-01-01-000000_init/down.sql': 'DROP TABLE t;\n',
  'sx/migrations/20240101000000_init.sql': 'CREATE TABLE t (id INT);\n',
  'rslite/diesel.toml': '[print_schema]\nfile = "src/schema.rs"\n',
  // goose with its driver in .env (GOOSE_DRIVER), Atlas
  'gs/migrations/00001_init.sql': '-- +goose Up\nCREATE TABLE t (id INT);\n-- +goose Down\nDROP TABLE t;\n',
};

/** The ignored files the frameworks' skeletons leave. */
const IGNORED: Record<string, string> = {
  'lv/.env': 'APP_NAME=Laravel\nAPP_ENV=local\nDB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=laravel\n',
  'lvlite/.env': 'APP_NAME=Laravel\nAPP_ENV=local\nDB_CONNECTION=sqlite\n',
  'lvlite/database/database.sqlite': 'SQLite format 3\0rows',
  'dm/.env': 'DATABASE_URL="postgres://app:app@127.0.0.1:5432/app?sslmode=disable"\n',
  'dm/docker.env': 'DATABASE_URL=postgres://app:app@db:5432/app?sslmode=disable\n',
  'rs/.env': 'DATABASE_URL=postgres://app:app@localhost/diesel_demo\n',
  'sx/.env': 'DATABASE_URL=mysql://root:password@localhost/todos\n',
  'rslite/.env': 'DATABASE_URL=app.db\n',
  'gs/.env': 'GOOSE_DRIVER=postgres\nGOOSE_DBSTRING="user=app dbname=app sslmode=disable"\nGOOSE_MIGRATION_DIR=./migrations\n',
};

const template = fileTemplate((t) => {
  commitFiles(t, PROJECTS);
  writeFiles(t, IGNORED);
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
});

describe('rollbacks of more than one migration against a database server', () => {
  it('refuses them where the configuration names a server, leaves the one-step undo and file databases as before', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        // Laravel: a batch may be every migration; --step=1 is the one-migration undo. What is left free is as
        // before: the capture of the repository's ignored database files (lvlite's database.sqlite)
        ['cd lv && php artisan migrate:rollback --step=5', 'deny', 'remote-data-delete', ['last 5 migrations', 'mysql']],
        ['cd lv && php artisan migrate:rollback', 'deny', 'remote-data-delete', ['last batch']],
        ['cd lv && php artisan migrate:rollback --batch=2', 'deny', 'remote-data-delete', ['batch 2']],
        ['cd lv && php artisan migrate:rollback --step=1', 'snapshot', 'overwrite-ignored'],
        ['cd lv && php artisan migrate:rollback --pretend', 'snapshot', 'overwrite-ignored'],
        ['cd lv && php artisan migrate:rollback --env=testing', 'snapshot', 'overwrite-ignored'],
        ['cd lvlite && php artisan migrate:rollback --step=5', 'snapshot', 'overwrite-ignored', ['database.sqlite']],
        // Rails
        ['cd rl && bin/rails db:rollback STEP=3', 'deny', 'remote-data-delete', ['last 3 migrations', 'postgresql']],
        ['cd rl && STEP=2 rails db:rollback', 'deny', 'remote-data-delete'],
        ['cd rl && rails db:migrate:redo STEP=4', 'deny', 'remote-data-delete'],
        ['cd rl && rails db:migrate VERSION=0', 'deny', 'remote-data-delete', ['every migration']],
        ['cd rl && rails db:rollback', 'snapshot', 'overwrite-ignored'],
        ['cd rl && rails db:rollback STEP=1', 'snapshot', 'overwrite-ignored'],
        ['cd rl && RAILS_ENV=test rails db:rollback STEP=3', 'snapshot', 'overwrite-ignored'],
        ['cd rl && rails db:migrate VERSION=20240101000000', 'deny', 'remote-data-delete', ['after that version']],
        ['cd rl && rails db:migrate:down VERSION=20240101000000', 'snapshot', 'overwrite-ignored'],
        ['cd rl && rails db:migrate', 'snapshot', 'overwrite-ignored'],
        // Ecto
        ['cd ph && mix ecto.rollback -n 3', 'deny', 'remote-data-delete', ['PostgreSQL']],
        ['cd ph && mix ecto.rollback --step=2', 'deny', 'remote-data-delete'],
        ['cd ph && mix ecto.rollback --to 20240101000000', 'deny', 'remote-data-delete'],
        ['cd ph && mix ecto.rollback', 'snapshot', 'overwrite-ignored'],
        ['cd ph && MIX_ENV=test mix ecto.rollback --all', 'snapshot', 'overwrite-ignored'],
        // Flask-Migrate and Alembic
        ['cd fl && flask db downgrade base', 'deny', 'remote-data-delete', ['every migration', 'postgresql', '.flaskenv']],
        ['cd fl && flask db downgrade -3', 'deny', 'remote-data-delete', ['last 3 migrations']],
        ['cd fl && flask --app app db downgrade 1a2b3c', 'deny', 'remote-data-delete'],
        ['cd fl && SQLALCHEMY_DATABASE_URI=sqlite:///test.db flask db downgrade base', 'snapshot', 'overwrite-ignored'],
        ['cd fl && flask db downgrade', 'snapshot', 'overwrite-ignored'],
        ['cd fl && flask db downgrade base --sql', 'snapshot', 'overwrite-ignored'],
        ['cd fllite && flask db downgrade base', 'snapshot', 'overwrite-ignored'],
        ['cd al && alembic downgrade -2', 'deny', 'remote-data-delete', ['last 2 migrations']],
        ['cd al && alembic downgrade -1', 'snapshot', 'overwrite-ignored'],
        // Django: down to an earlier migration
        ['cd dj && python manage.py migrate shop 0001', 'deny', 'remote-data-delete', ['after 0001']],
        ['cd dj && python manage.py migrate shop 0001 --plan', 'snapshot', 'overwrite-ignored'],
        ['cd dj && python manage.py migrate', 'snapshot', 'overwrite-ignored'],
        // golang-migrate and dbmate on the host
        ['migrate -path db/migrations -database postgres://app@localhost/app drop -f', 'deny', 'remote-data-delete', ['postgres']],
        ['migrate -path db/migrations -database "postgres://app@localhost/app" down', 'deny', 'remote-data-delete', ['every migration']],
        ['migrate -path db/migrations -database postgres://app@localhost/app down 1', 'snapshot', 'overwrite-ignored'],
        ['migrate -path db/migrations -database sqlite3://app.db drop -f', 'snapshot', 'overwrite-ignored'],
        ['cd dm && dbmate drop', 'deny', 'remote-data-delete', ['DATABASE_URL in .env']],
        ['cd dm && dbmate --url sqlite:db/app.sqlite3 drop', 'snapshot', 'overwrite-ignored'],
        ['cd dm && dbmate up', 'snapshot', 'overwrite-ignored'],
        ['migrate -path db/migrations -database postgres://app@localhost/app goto 3', 'deny', 'remote-data-delete'],
        // sequelize-cli, Liquibase, EF Core
        ['cd sq && npx sequelize-cli db:migrate:undo:all', 'deny', 'remote-data-delete', ['every migration', 'postgres']],
        ['cd sq && npx sequelize-cli db:migrate:undo', 'snapshot', 'overwrite-ignored'],
        ['cd lb && liquibase rollback-count 3', 'deny', 'remote-data-delete', ['more than one changeset']],
        ['cd lb && liquibase rollback-count --count=1', 'snapshot', 'overwrite-ignored'],
        ['cd lb && liquibase rollback --tag=v1.0', 'deny', 'remote-data-delete'],
        ['cd lb && liquibase update', 'snapshot', 'overwrite-ignored'],
        ['cd ef && dotnet ef database update InitialCreate', 'deny', 'remote-data-delete', ['after InitialCreate']],
        ['cd ef && dotnet ef database update', 'snapshot', 'overwrite-ignored'],
        // diesel and sqlx: DATABASE_URL from the nearest .env up (dotenvy), the line, --database-url
        ['cd rs && diesel database reset', 'deny', 'remote-data-delete', ['diesel database reset', 'postgres', 'DATABASE_URL in .env']],
        ['cd rs/crates/api && diesel migration revert --all', 'deny', 'remote-data-delete', ['every migration', '../../.env']],
        ['cd rs && diesel migration redo -n 3', 'deny', 'remote-data-delete', ['last 3 migrations']],
        ['cd rs && diesel migration revert', 'snapshot', 'overwrite-ignored'],
        ['cd rs && diesel migration run', 'snapshot', 'overwrite-ignored'],
        ['cd rs && DATABASE_URL=sqlite://test.db diesel database reset', 'snapshot', 'overwrite-ignored'],
        ['cd rs && diesel database reset --database-url postgres://localhost/other', 'deny', 'remote-data-delete', ['--database-url']],
        ['cd rslite && diesel database reset', 'snapshot', 'overwrite-ignored'],
        ['cd sx && sqlx database reset -y', 'deny', 'remote-data-delete', ['sqlx database reset', 'mysql']],
        ['cd sx && sqlx database drop', 'deny', 'remote-data-delete'],
        ['cd sx && sqlx migrate revert --target-version 20240101000000', 'deny', 'remote-data-delete', ['after that version']],
        ['cd sx && sqlx migrate revert', 'snapshot', 'overwrite-ignored'],
        ['cd sx && sqlx migrate run', 'snapshot', 'overwrite-ignored'],
        ['cd sx && sqlx database drop --no-dotenv', 'snapshot', 'overwrite-ignored'],
        ['cd sx && cargo sqlx database drop -y', 'deny', 'remote-data-delete', ['mysql']],
        // goose: the driver on the line or GOOSE_DRIVER (the line, .env); Atlas: --url
        ['goose -dir db postgres "user=app dbname=app" reset', 'deny', 'remote-data-delete', ['goose reset', 'postgres server']],
        ['cd gs && goose reset', 'deny', 'remote-data-delete', ['GOOSE_DRIVER in .env']],
        ['cd gs && goose down-to 0', 'deny', 'remote-data-delete', ['after that version']],
        ['cd gs && goose -env=none reset', 'snapshot', 'overwrite-ignored'],
        ['cd gs && goose down', 'snapshot', 'overwrite-ignored'],
        ['goose -dir db sqlite3 ./app.db reset', 'snapshot', 'overwrite-ignored'],
        ['atlas schema clean -u "mysql://root:pass@localhost:3306/example" --auto-approve', 'deny', 'remote-data-delete', ['atlas schema clean', 'mysql']],
        ['atlas migrate down --url postgres://localhost/app --to-version 20240101000000', 'deny', 'remote-data-delete'],
        ['atlas migrate down --url postgres://localhost/app 3', 'deny', 'remote-data-delete', ['last 3 migrations']],
        ['atlas migrate down --url postgres://localhost/app', 'snapshot', 'overwrite-ignored'],
        ['atlas schema clean -u sqlite://app.db', 'snapshot', 'overwrite-ignored'],
        // the tools' official images
        ['docker run --rm flyway/flyway -url=jdbc:postgresql://db/app -user=app clean', 'deny', 'remote-data-delete', ['postgresql']],
        ['cd fw && docker run --rm -v "$PWD/conf:/flyway/conf" flyway/flyway:10 clean', 'deny', 'remote-data-delete', ['flyway.conf']],
        ['cd fwlite && docker run --rm -v "$PWD/conf:/flyway/conf" flyway/flyway clean', 'snapshot', 'overwrite-ignored'],
        ['docker run --rm -e FLYWAY_URL=jdbc:mysql://db/app redgate/flyway clean', 'deny', 'remote-data-delete', ['mysql']],
        ['docker run --rm liquibase/liquibase --url=jdbc:postgresql://db/app drop-all', 'deny', 'remote-data-delete'],
        ['docker run --rm -v "$PWD/db/migrations:/migrations" migrate/migrate -path=/migrations -database postgres://db/app drop -f', 'deny', 'remote-data-delete'],
        // docker's --env-file takes a value as it stands, quotes and all (.env's quoted URL is no URL there)
        ['cd dm && docker run --rm --env-file docker.env ghcr.io/amacneil/dbmate:2 drop', 'deny', 'remote-data-delete', ['DATABASE_URL']],
        ['cd dm && docker run --rm --env-file .env ghcr.io/amacneil/dbmate:2 drop', 'allow', 'no-risk'],
        ['docker run --rm amacneil/dbmate drop', 'allow', 'no-risk'],
        ['docker run --rm --entrypoint sh flyway/flyway -c "ls"', 'allow', 'no-risk'],
        ['docker run --rm flyway/flyway -url=jdbc:postgresql://db/app migrate', 'allow', 'no-risk'],
        ['docker run -d -e POSTGRES_PASSWORD=x postgres:16', 'allow', 'no-risk'],
      ]);
      expect((await evaluatedVerdict(t, 'cd rl && rails db:rollback STEP=3', { asAgent: true })).instead).toContain('RAILS_ENV=test');
    });
  });

  it('refuses through guard check-command', async () => {
    await template.withCopy((t) => {
      const verdict = checkVerdict(t, 'cd lv && php artisan migrate:rollback --step=5', { asAgent: true });
      expect([verdict.verdict, verdict.rule]).toEqual(['deny', 'remote-data-delete']);
    });
  });
});
