/**
 * SQL sent to a database server from a file, a pipe or a heredoc (src/policy/command/server-sql.ts,
 * remote-data.ts), and frameworks' drop and reset commands where the project's configuration names
 * a server database (server-frameworks.ts): `psql -f drop.sql`, `mysql app < reset.sql`, `cat x.sql | psql` were "allow: no
 * destructive command found" until 2026-12-06 while the rows they delete are on a server no
 * snapshot holds. The files are real files in the repository, read by guard before the command;
 * no server is needed (guard runs no client). The tables are judged in this process
 * (test/helpers/evaluated.ts: check-command's evaluation, environment and actor); the first row of
 * each, the person's verdicts, the ways forward and the installed hook go through guard itself.
 */
import { describe, expect, it } from 'vitest';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { agentVerdict, checkVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

/** A dump restore with its data (COPY lines that look like SQL are data), a schema, and files that delete. */
const FILES: Record<string, string> = {
  'db/schema.sql': 'CREATE TABLE users (id int, note text);\nINSERT INTO users VALUES (1, \'DROP TABLE users\');\n-- DROP TABLE users;\n',
  'db/restore.sql': '\\connect app\nSET client_encoding = \'UTF8\';\nCOPY public.users (id, note) FROM stdin;\n1\tDELETE FROM users;\n\\.\nSELECT 1;\n',
  'db/drop.sql': 'BEGIN;\nDROP TABLE IF EXISTS sessions;\nCOMMIT;\n',
  'db/reset.sql': '/* wipe */ DELETE\n  FROM events;\n',
  'db/prune.sql': 'DELETE FROM events WHERE created_at < now() - interval \'30 days\';\n',
  'db/truncate.sql': 'truncate table `events`;\n',
  // SQL Server: GO ends a batch (the DELETE has no WHERE though the next batch has one)
  'mssql/reset.sql': ':setvar db app\nDELETE dbo.sessions\nGO\nSELECT * FROM dbo.users WHERE id = 1\nGO\n',
  'mssql/drop.sql': 'DROP TABLE dbo.audit\nGO\n',
  'mssql/proc.sql': 'CREATE PROCEDURE dbo.touch AS\nBEGIN\n  SET NOCOUNT ON;\n  UPDATE dbo.stats SET n = n + 1;\nEND\nGO\n',
  // a backfill after ADD COLUMN, and an UPDATE that rewrites every row
  'db/backfill.sql': 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = first_name || \' \' || last_name;\n',
  'db/promote.sql': 'BEGIN;\nUPDATE users SET role = \'admin\';\nCOMMIT;\n',
};

describe('SQL a server client reads from a file, a pipe or a heredoc', () => {
  it('refuses the files that delete rows, asks for what guard cannot read, leaves schema files free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      // an ignored one over the 1 MiB guard reads: a dump (no DROP in the part read or not, guard cannot say)
      writeFiles(t, { '.gitignore': 'big.sql\n', 'big.sql': `${'INSERT INTO t VALUES (1);\n'.repeat(45_000)}` });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const cases: VerdictCase[] = [
        ['psql -f db/drop.sql', 'deny', 'remote-data-delete', ['DROP TABLE', 'db/drop.sql']],
        ['psql -h db -U app --file=db/reset.sql app', 'deny', 'remote-data-delete', 'DELETE FROM without WHERE'],
        ['psql app < db/truncate.sql', 'deny', 'remote-data-delete', 'TRUNCATE'],
        ['mysql -u root app < db/drop.sql', 'deny', 'remote-data-delete', 'db/drop.sql'],
        ['mariadb app < db/reset.sql', 'deny', 'remote-data-delete', 'DELETE FROM'],
        ['cat db/schema.sql db/drop.sql | psql app', 'deny', 'remote-data-delete', 'drop.sql'],
        ['cd db && psql -f drop.sql', 'deny', 'remote-data-delete', 'DROP TABLE'],
        ["mysql app -e 'source db/truncate.sql'", 'deny', 'remote-data-delete', 'TRUNCATE'],
        ["psql -c '\\i db/drop.sql'", 'deny', 'remote-data-delete', 'DROP TABLE'],
        ['psql -f db/schema.sql', 'allow', 'no-risk'],
        ['psql -f db/restore.sql app', 'allow', 'no-risk'],
        ['mysql app < db/prune.sql', 'allow', 'no-risk'],
        ['cat db/schema.sql | psql', 'allow', 'no-risk'],
        ['psql -f db/missing.sql', 'ask', 'remote-data-delete', 'db/missing.sql'],
        ['psql app < big.sql', 'ask', 'remote-data-delete', 'big.sql'],
        ['gunzip -c dump.sql.gz | psql app', 'ask', 'remote-data-delete', 'gunzip'],
        ['sqlcmd -S prod -i mssql/reset.sql', 'deny', 'remote-data-delete', ['DELETE', 'mssql/reset.sql']],
        ['sqlcmd -S prod -i mssql/proc.sql,mssql/drop.sql', 'deny', 'remote-data-delete', ['DROP TABLE', 'mssql/drop.sql']],
        ['sqlcmd -S prod -i mssql/proc.sql', 'allow', 'no-risk'],
        ['clickhouse-client --queries-file db/truncate.sql', 'deny', 'remote-data-delete', 'TRUNCATE'],
        ["sqlcmd -S prod -Q 'SELECT 1' -q 'TRUNCATE TABLE events'", 'deny', 'remote-data-delete', 'sqlcmd -q runs TRUNCATE'],
        ['clickhouse client --multiquery < db/drop.sql', 'deny', 'remote-data-delete', 'DROP TABLE'],
        ['cockroach sql --insecure -f db/reset.sql', 'deny', 'remote-data-delete', 'DELETE FROM'],
        ['cat db/drop.sql | cockroach sql --url "postgresql://root@db:26257/app"', 'deny', 'remote-data-delete', 'drop.sql'],
        ['psql -f db/promote.sql', 'deny', 'remote-data-delete', ['UPDATE without WHERE', 'old values']],
        ['psql -f db/backfill.sql', 'allow', 'no-risk'],
      ];
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, cases[0]![0], { asAgent: true }));
      await expectEvaluatedVerdicts(t, cases);
      // the hook's sh fast path hands every such line to Node (the clients are risky words)
      for (const [command] of cases) expect(fastPathAllows(command), command).toBe(false);
      // the way forward names a readable file and a dump first
      expect(checkVerdict(t, 'psql -f db/missing.sql', { asAgent: true }).instead).toContain('pg_dump');
      // a person is asked about what deletes, and left free where guard cannot read the SQL
      expect(checkVerdict(t, 'psql -f db/drop.sql')).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
      expect(checkVerdict(t, 'psql app < big.sql')).toMatchObject({ verdict: 'allow' });
      // through the installed Claude hook (the sh shim hands psql on to Node)
      expect(agentVerdict(t, 'psql app < db/drop.sql').decision).toBe('deny');
      expect(agentVerdict(t, 'psql -f db/schema.sql').decision).toBe('allow');
    });
  });
});

/** Projects side by side: Rails, Prisma, Django and sequelize on PostgreSQL, and Rails and Prisma on SQLite. */
const PROJECTS: Record<string, string> = {
  'pg/config/database.yml': [
    'default: &default', '  adapter: postgresql', '  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>', '',
    'development:', '  <<: *default', '  database: app_development', '', 'test:', '  <<: *default', '  database: app_test', '',
    'production:', '  primary: &primary', '    <<: *default', '    database: app', '  cache:', '    <<: *primary', '    database: app_cache', '',
  ].join('\n'),
  'pg/prisma/schema.prisma': '// datasource db { provider = "sqlite" }\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
  'pg/manage.py': '#!/usr/bin/env python\nimport os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\n',
  'pg/site1/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app'}}\n",
  'pg/config/config.json': '{"development": {"dialect": "postgres"}, "test": {"dialect": "sqlite"}}\n',
  'lite/config/database.yml': 'development:\n  adapter: sqlite3\n  database: storage/development.sqlite3\nproduction:\n  adapter: postgresql\n',
  // knex init's template: environment blocks, a spread guard does not follow (staging), comments
  'pg/knexfile.js': "// client: 'sqlite3'\nmodule.exports = {\n  development: {\n    client: 'postgresql',\n    connection: { database: 'app' },\n  },\n  staging: { ...base },\n  test: { client: 'pg' },\n};\n",
  // one config for every environment (knex uses the whole object where it has no environment key)
  'lite/knexfile.ts': "import type { Knex } from 'knex';\nconst config: Knex.Config = { client: 'better-sqlite3', connection: { filename: './storage/development.sqlite3' } };\nexport default config;\n",
  'lite/prisma/schema.prisma': 'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n',
  'lite/manage.py': '#!/usr/bin/env python\nimport os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\n',
  'lite/site1/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / 'db.sqlite3'}}\n",
  // a settings package as django/djangoproject.com lays it out: dev.py takes everything from common.py, which names
  // PostgreSQL; test.py overrides with SQLite; heroku.py reads DATABASE_URL (dj-database-url) with a SQLite fallback
  'dj/manage.py': '#!/usr/bin/env python\nimport os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n',
  'dj/proj/__init__.py': '',
  'dj/proj/settings/__init__.py': '',
  'dj/proj/settings/common.py': "import os\nDATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': os.getenv('DB_NAME', 'proj'),\n    },\n}\n",
  'dj/proj/settings/dev.py': 'from .common import *  # noqa\n\nDEBUG = True\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n',
  'dj/proj/settings/test.py': "from .common import *  # noqa\n\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}\n",
  'dj/proj/settings/heroku.py': "import dj_database_url\nfrom .common import *  # noqa\n\nDATABASES = {'default': dj_database_url.config(default='sqlite:///db.sqlite3')}\n",
};

describe('frameworks dropping or resetting a database on a server', () => {
  it('refuses where the configuration names a server, leaves SQLite projects to the capture and the test environment free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { '.gitignore': '*.sqlite3\n*.db\n', ...PROJECTS });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const cases: VerdictCase[] = [
        ['cd pg && rails db:drop', 'deny', 'remote-data-delete', ['development', 'postgresql']],
        ['cd pg && bin/rails db:reset', 'deny', 'remote-data-delete', 'db:reset'],
        ['cd pg && bundle exec rake db:schema:load', 'deny', 'remote-data-delete', 'db:schema:load'],
        ['cd pg/config && RAILS_ENV=production rails db:migrate:reset', 'deny', 'remote-data-delete', 'production'],
        ['cd pg && rails db:purge -e production', 'deny', 'remote-data-delete', 'production'],
        ['cd pg && npx prisma migrate reset --force', 'deny', 'remote-data-delete', 'postgresql'],
        ['cd pg && prisma db push --accept-data-loss', 'deny', 'remote-data-delete', 'accept-data-loss'],
        ['cd pg && python manage.py flush --noinput', 'deny', 'remote-data-delete', 'site1.settings'],
        ['cd pg && npx sequelize-cli db:drop', 'deny', 'remote-data-delete', 'postgres'],
        ['cd pg && RAILS_ENV=test rails db:reset', 'allow', 'no-risk'],
        ['cd pg && NODE_ENV=test npx sequelize db:drop', 'allow', 'no-risk'],
        ['cd pg && rails db:migrate', 'allow', 'no-risk'],
        ['cd pg && prisma db push', 'allow', 'no-risk'],
        ['cd pg && python manage.py migrate', 'allow', 'no-risk'],
        ['cd pg && npx knex migrate:rollback --all', 'deny', 'remote-data-delete', ['development', 'postgresql', 'knexfile.js']],
        ['cd pg && knex migrate:rollback --all --env staging', 'allow', 'no-risk'],
        ['cd pg && export NODE_ENV=test && npx knex migrate:rollback --all', 'allow', 'no-risk'],
        // the last batch: every migration a clone's first migrate:latest ran (docs/DECISIONS.md, "Rollbacks of more than one migration")
        ['cd pg && knex migrate:rollback', 'deny', 'remote-data-delete', ['last batch']],
        ['cd pg && knex migrate:down', 'allow', 'no-risk'],
        // `X=V;` not exported: the program runs in the environment the shell had (development here)
        ['cd pg && RAILS_ENV=test; rails db:reset', 'deny', 'remote-data-delete', 'development'],
        ['cd pg && RAILS_ENV=test; export RAILS_ENV; rails db:reset', 'allow', 'no-risk'],
        ['cd pg && set -a; NODE_ENV=test; npx sequelize db:drop', 'allow', 'no-risk'],
        // Django's settings package (followed through `from .common import *`) and its other spellings (2026-12-07, helper djexec)
        ['cd dj && python manage.py flush --noinput', 'deny', 'remote-data-delete', ['manage.py flush', 'postgresql', 'proj.settings.dev']],
        ['cd dj && django-admin flush --noinput', 'deny', 'remote-data-delete', ['django-admin flush', 'proj.settings.dev']],
        ['cd dj && django-admin flush --noinput --settings proj.settings.common', 'deny', 'remote-data-delete', 'proj.settings.common'],
        ['cd dj && python -m django flush --noinput --settings=proj.settings.dev', 'deny', 'remote-data-delete', 'django-admin flush'],
        ['cd dj && DJANGO_SETTINGS_MODULE=proj.settings.dev django-admin migrate blog zero', 'deny', 'remote-data-delete', 'migrate blog zero'],
        ['cd dj && django-admin reset_db --noinput --settings=proj.settings.dev', 'deny', 'remote-data-delete', 'reset_db'],
        ['cd dj && uv run manage.py flush --noinput', 'deny', 'remote-data-delete', 'manage.py flush'],
        ['cd dj && poetry run python manage.py migrate blog zero', 'deny', 'remote-data-delete', 'migrate blog zero'],
        ['cd dj && pipenv run django-admin flush --noinput', 'deny', 'remote-data-delete', 'django-admin flush'],
        ['cd dj && pdm run python -m django flush --noinput', 'deny', 'remote-data-delete', 'django-admin flush'],
        ['cd dj && hatch run django-admin flush --noinput', 'deny', 'remote-data-delete', 'django-admin flush'],
        ['cd dj && DATABASE_URL=postgres://db/app python manage.py flush --noinput --settings=proj.settings.heroku', 'deny', 'remote-data-delete', ['DATABASE_URL', 'proj.settings.heroku reads it']],
        ['cd dj && python manage.py flush --noinput --settings=proj.settings.heroku', 'allow', 'no-risk'],
        ['cd dj && django-admin flush --noinput --settings=proj.settings.test', 'allow', 'no-risk'],
        ['cd dj && django-admin flush --help', 'allow', 'no-risk'],
        ['django-admin startproject mysite', 'allow', 'no-risk'],
        ['python -m django --version', 'allow', 'no-risk'],
        ['cd dj && django-admin makemigrations', 'allow', 'no-risk'],
        ['cd dj && python manage.py migrate', 'allow', 'no-risk'],
        ['cd dj && python manage.py test', 'allow', 'no-risk'],
        // `python -m manage` runs the manage.py of its directory: djangoproject.com's Makefile spelling (2026-12-07, helper realproj5)
        ['cd dj && python -m manage flush --no-input', 'deny', 'remote-data-delete', ['manage.py flush', 'postgresql', 'proj.settings.dev']],
        ['cd dj && python3 -m manage migrate blog zero', 'deny', 'remote-data-delete', 'migrate blog zero'],
        ['cd dj && docker compose run --rm web python -m manage flush --no-input', 'deny', 'remote-data-delete', 'manage.py flush'],
        ['cd dj && python -m manage test blog --verbosity 2', 'allow', 'no-risk'],
        ['cd dj && python -m manage migrate', 'allow', 'no-risk'],
        ["cd dj && python manage.py shell -c 'print(1)'", 'allow', 'no-risk'],
      ];
      // check-command's own path for the first row; the tables through the same evaluation in this process.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, cases[0]![0], { asAgent: true }));
      await expectEvaluatedVerdicts(t, cases);
      for (const [command, verdict] of cases) if (verdict === 'deny') expect(fastPathAllows(command), command).toBe(false);
      // a SQLite project's database file: captured first, as before (databases.ts), not refused
      writeFiles(t, { 'lite/storage/development.sqlite3': 'SQLite format 3\0rows' });
      const files: VerdictCase[] = [
        ['cd lite && rails db:drop', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        ['cd lite && npx prisma migrate reset --force', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        ['cd lite && python manage.py flush --noinput', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        ['cd lite && django-admin flush --noinput', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        ['cd lite && python -m django flush --noinput --settings=site1.settings', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        ['cd lite && python -m manage flush --noinput', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        ['cd lite && npx knex migrate:rollback --all', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
        // an export earlier on the line is the environment rails runs in; one in a subshell is gone after it
        ['export RAILS_ENV=production && cd lite && rails db:drop', 'deny', 'remote-data-delete', ['production', 'postgresql']],
        ['(export RAILS_ENV=production); cd lite && rails db:drop', 'snapshot', 'overwrite-ignored', 'development.sqlite3'],
      ];
      await expectEvaluatedVerdicts(t, files);
      // django-admin through check-command itself, the way forward a test settings module
      const admin = checkVerdict(t, 'cd dj && django-admin flush --noinput', { asAgent: true });
      expect(admin).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(admin.instead).toContain('`--settings`');
      // `python -m manage` through check-command itself
      expect(checkVerdict(t, 'cd dj && python -m manage flush --no-input', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      const refused = checkVerdict(t, 'cd pg && rails db:drop', { asAgent: true });
      expect(refused.instead).toContain('pg_dump');
      expect(checkVerdict(t, 'cd pg && rails db:drop')).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
    });
  });
});
