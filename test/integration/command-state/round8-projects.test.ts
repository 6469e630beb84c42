/**
 * The eighth round of real projects (2026-12-08, helper realproj8; bench/friction-projects-2026-12-08-round8.tsv):
 * commands that delete a database's rows through a framework, each "no destructive command found" before.
 *
 * 1. What realproj7 and holes6 left: a PocketBase app whose main package is under cmd/ (`go build -o
 *    bin/app ./cmd/app && ./bin/app migrate down`), a Django manage.py under another name (`./manage
 *    flush`, `python manage flush`), `django-admin flush --settings=X` where X is not found from the
 *    line's directory (a src/ layout installed with pip), `app('key')->m()` in `artisan tinker
 *    --execute`, and SQLAlchemy's bulk delete typed with `python -c`.
 * 2. New projects: redwoodjs/example-blog (`yarn rw prisma migrate reset` on its SQLite api/db/dev.db),
 *    filipebraida/adonisjs-starter-kit (`node ace migration:fresh`, `db:wipe` on PostgreSQL) and
 *    medusajs/medusa-starter-default (`medusa db:rollback`, `db:sync-links --execute-all`).
 *    strapi/foodadvisor (`strapi import --force`, `strapi transfer --to|--from URL --force`).
 *
 * The fixtures are the projects' real files cut down (redwood.toml and api/db/schema.prisma's
 * datasource, the starter kit's config/database.ts, Django's startproject manage.py).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const DB = Buffer.from('SQLite format 3\0the rows the person made\n');

/** Django's `startproject` manage.py, as a project copies it under another name. */
const MANAGE = `#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError("Couldn't import Django.") from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
`;

describe('PocketBase with its main package under cmd/', () => {
  it('judges the binary built from ./cmd/app as pocketbase where go.mod requires it, and a rollback brings pb_data back', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'pb_data/\n/bin/\n/app\n');
      t.write('go.mod', 'module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/pocketbase/pocketbase v0.22.0\n\tgithub.com/spf13/cobra v1.8.0 // indirect\n)\n');
      t.write('cmd/app/main.go', 'package main\n\nimport (\n\t"log"\n\n\t"github.com/pocketbase/pocketbase"\n)\n\nfunc main() {\n\tif err := pocketbase.New().Start(); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n');
      t.write('other/go.mod', 'module example.com/other\n\ngo 1.22\n\n// github.com/pocketbase/pocketbase v0.22.0 is not required here\nrequire github.com/spf13/cobra v1.8.0\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'pocketbase app']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'pb_data'));
      fs.writeFileSync(path.join(t.dir, 'pb_data/data.db'), DB);
      const cases: VerdictCase[] = [
        ['go build -o bin/app ./cmd/app && ./bin/app migrate down', 'snapshot', 'overwrite-ignored', ['pocketbase migrate down', 'pb_data/data.db']],
        ['./bin/app migrate down 2', 'snapshot', 'overwrite-ignored', 'pb_data/data.db'],
        ['go build ./cmd/app && ./app superuser delete a@b.c', 'snapshot', 'overwrite-ignored', 'pocketbase superuser'],
        ['./bin/app serve', 'allow', 'no-risk'],
        ['./bin/app migrate create add_posts', 'allow', 'no-risk'],
        ['cd other && ./bin/tool migrate down', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      const hook = hookWithVerdict(t, './bin/app migrate down');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('pb_data/data.db');
      fs.writeFileSync(path.join(t.dir, 'pb_data/data.db'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'pb_data/data.db'))).toEqual(DB);
    });
  });
});

describe('Django: manage.py under another name, a settings module found only when installed', () => {
  it('refuses flush on PostgreSQL through ./manage, python manage, and django-admin --settings of a module under src/', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '.env\n*.sqlite3\n');
      t.write('src/manage', MANAGE);
      fs.chmodSync(path.join(t.dir, 'src/manage'), 0o755);
      t.write('src/mysite/__init__.py', '');
      t.write('src/mysite/settings.py', 'DATABASES = {\n    "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app", "HOST": "db.example.com"},\n}\n');
      t.write('src/tools/run.py', '#!/usr/bin/env python\nimport sys\nprint(sys.argv)\n');
      t.write('lite/manage', MANAGE);
      fs.chmodSync(path.join(t.dir, 'lite/manage'), 0o755);
      t.write('lite/mysite/__init__.py', '');
      t.write('lite/mysite/settings.py', 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'django']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.writeFileSync(path.join(t.dir, 'lite/db.sqlite3'), DB);
      const cases: VerdictCase[] = [
        ['cd src && ./manage flush --no-input', 'deny', 'remote-data-delete', ['flush', 'postgresql', 'mysite.settings']],
        ['cd src && python manage flush --no-input', 'deny', 'remote-data-delete', 'postgresql'],
        ['src/manage flush --no-input', 'deny', 'remote-data-delete', 'postgresql'],
        ['python -m django flush --no-input --settings=mysite.settings', 'deny', 'remote-data-delete', ['mysite.settings', '--pythonpath']],
        ['django-admin flush --no-input --settings=mysite.settings --pythonpath=src', 'deny', 'remote-data-delete', 'postgresql'],
        ['cd lite && ./manage flush --no-input', 'snapshot', 'overwrite-ignored', 'lite/db.sqlite3'],
        ['cd src && ./manage runserver', 'allow', 'no-risk'],
        ['cd src && ./manage check', 'allow', 'no-risk'],
        ['python src/tools/run.py flush', 'allow', 'no-risk'],
        ['django-admin flush --no-input --settings=mysite.settings --pythonpath=lite', 'snapshot', 'overwrite-ignored', 'lite/db.sqlite3'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // through the real CLI, as an agent: the way forward is a dump first
      const cli = checkVerdict(t, 'cd src && ./manage flush --no-input', { asAgent: true });
      expect(cli.verdict).toBe('deny');
      expect(cli.instead).toContain('pg_dump');
      // through the installed hook on the SQLite copy: captured, and a rollback brings the bytes back
      const hook = hookWithVerdict(t, 'cd lite && ./manage flush --no-input');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('lite/db.sqlite3');
      fs.writeFileSync(path.join(t.dir, 'lite/db.sqlite3'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'lite/db.sqlite3'))).toEqual(DB);
    });
  });
});

describe("Laravel: app('key') in tinker --execute; SQLAlchemy in python -c", () => {
  it("follows app('key')->method() to the class a provider binds, and captures the SQLite file python -c deletes from", async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '/vendor\n.env\n*.sqlite\n*.db\n');
      t.write('artisan', '#!/usr/bin/env php\n<?php\n');
      t.write('composer.json', JSON.stringify({ name: 'laravel/laravel', autoload: { 'psr-4': { 'App\\': 'app/' } } }, null, 4));
      t.write('config/database.php', "<?php\nreturn ['default' => env('DB_CONNECTION', 'sqlite'), 'connections' => ['sqlite' => ['driver' => 'sqlite', 'database' => env('DB_DATABASE', database_path('database.sqlite'))], 'pgsql' => ['driver' => 'pgsql']]];\n");
      t.write('app/Providers/AppServiceProvider.php', "<?php\n\nnamespace App\\Providers;\n\nuse App\\Services\\AccountService;\nuse Illuminate\\Support\\ServiceProvider;\n\nclass AppServiceProvider extends ServiceProvider\n{\n    public function register(): void\n    {\n        $this->app->singleton('accounts', AccountService::class);\n    }\n}\n");
      t.write('app/Services/AccountService.php', "<?php\n\nnamespace App\\Services;\n\nuse App\\Models\\User;\n\nclass AccountService\n{\n    public function purgeAll(): int\n    {\n        return User::query()->delete();\n    }\n\n    public function count(): int\n    {\n        return User::query()->count();\n    }\n}\n");
      t.write('app/db.py', 'from sqlalchemy import create_engine\nengine = create_engine("sqlite:///./app.db")\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'laravel and a python app']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'database'));
      fs.writeFileSync(path.join(t.dir, 'database/database.sqlite'), DB);
      fs.writeFileSync(path.join(t.dir, 'app.db'), DB);
      const orm = 'python -c "from app.db import SessionLocal; from app.models import Item; s = SessionLocal(); s.query(Item).delete(); s.commit()"';
      const cases: VerdictCase[] = [
        ["php artisan tinker --execute \"app('accounts')->purgeAll()\"", 'snapshot', 'overwrite-ignored', ['AccountService::purgeAll', 'database/database.sqlite']],
        ["php artisan tinker --execute '$a = resolve(\"accounts\"); $a->purgeAll();'", 'snapshot', 'overwrite-ignored', 'AccountService::purgeAll'],
        ["DB_CONNECTION=pgsql php artisan tinker --execute \"app('accounts')->purgeAll()\"", 'deny', 'remote-data-delete', ['AccountService::purgeAll', 'pgsql']],
        ["php artisan tinker --execute \"echo app('accounts')->count();\"", 'allow', 'no-risk'],
        ["php artisan tinker --execute \"app('unbound')->purgeAll()\"", 'allow', 'no-risk'],
        [orm, 'snapshot', 'overwrite-ignored', ['query(Item).delete(', 'app.db']],
        ['python -c "from app.db import engine, Base; Base.metadata.drop_all(bind=engine)"', 'snapshot', 'overwrite-ignored', 'drop_all('],
        ['python -c "from app.db import SessionLocal; from app.models import Item; print(SessionLocal().query(Item).count())"', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      const tinker = hookWithVerdict(t, "php artisan tinker --execute \"app('accounts')->purgeAll()\"");
      expect(tinker).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(tinker.capturedIgnored).toContain('database/database.sqlite');
      const hook = hookWithVerdict(t, orm);
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('app.db');
      fs.writeFileSync(path.join(t.dir, 'app.db'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'app.db'))).toEqual(DB);
    });
  });
});

describe('redwoodjs/example-blog: yarn rw prisma', () => {
  it("judges `rw prisma ARGS` as Prisma's with the api/db schema: the SQLite dev.db captured first, a server's refused", async () => {
    await withTestRepo(async (t) => {
      // example-blog's .gitignore lines for the database, redwood.toml, and api/db/schema.prisma's datasource
      t.write('.gitignore', 'node_modules\n.env\n.redwood\ndist\ndev.db*\n');
      t.write('redwood.toml', '[web]\n  port = 8910\n  apiProxyPath = "/.netlify/functions"\n[api]\n  port = 8911\n');
      t.write('.env.defaults', 'DATABASE_URL=file:./dev.db\n');
      t.write('api/db/schema.prisma', 'datasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n\ngenerator client {\n  provider = "prisma-client-js"\n}\n\nmodel Post {\n  id    Int    @id @default(autoincrement())\n  title String\n}\n');
      t.write('pg/redwood.toml', '[web]\n  port = 8910\n');
      t.write('pg/api/db/schema.prisma', 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n');
      t.write('web/src/App.js', 'export default () => null\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'redwood']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.writeFileSync(path.join(t.dir, 'api/db/dev.db'), DB);
      const cases: VerdictCase[] = [
        ['yarn rw prisma migrate reset --force', 'snapshot', 'overwrite-ignored', ['prisma migrate reset', 'api/db/dev.db']],
        ['yarn redwood prisma db push --force-reset', 'snapshot', 'overwrite-ignored', 'api/db/dev.db'],
        ['cd web && yarn rw prisma migrate reset', 'snapshot', 'overwrite-ignored', 'api/db/dev.db'],
        ['cd pg && yarn rw prisma migrate reset --force', 'deny', 'remote-data-delete', ['prisma migrate reset', 'postgresql']],
        ['yarn rw prisma studio', 'allow', 'no-risk'],
        ['yarn rw prisma migrate status', 'allow', 'no-risk'],
        ['yarn rw dev', 'allow', 'no-risk'],
        ['yarn rw test', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      for (const [command, verdict] of cases) if (verdict !== 'allow') expect(fastPathAllows(command), command).toBe(false);
      const hook = hookWithVerdict(t, 'yarn rw prisma migrate reset --force');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('api/db/dev.db');
      fs.writeFileSync(path.join(t.dir, 'api/db/dev.db'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'api/db/dev.db'))).toEqual(DB);
    });
  });
});

/** The starter kit's apps/web/config/database.ts, cut down. */
const ADONIS_DATABASE = `import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'

const dbConfig = defineConfig({
  connection: 'postgres',
  prettyPrintDebugQueries: app.inDev,
  connections: {
    postgres: {
      client: 'pg',
      connection: {
        host: env.get('DB_HOST'),
        database: env.get('DB_DATABASE'),
      },
      migrations: { naturalSort: true, paths: ['app/users/database/migrations'] },
    },
    local: {
      client: 'better-sqlite3',
      connection: { filename: app.tmpPath('db.sqlite3') },
    },
  },
})

export default dbConfig
`;

describe('AdonisJS (filipebraida/adonisjs-starter-kit) and Medusa: their CLIs on PostgreSQL', () => {
  it('refuses Lucid drops and Medusa rollbacks on a server, captures a SQLite connection, leaves the rest free', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'node_modules\n.env\ntmp\nbuild\n');
      t.write('package.json', JSON.stringify({ name: 'adonisjs-starter-kit', private: true, scripts: { ace: 'pnpm --filter web exec node ace', dev: 'turbo dev' } }, null, 2));
      t.write('pnpm-workspace.yaml', 'packages:\n  - apps/*\n');
      t.write('apps/web/package.json', JSON.stringify({ name: 'web', private: true, type: 'module', scripts: { dev: 'node ace serve --hmr', test: 'node ace test' } }, null, 2));
      t.write('apps/web/ace.js', "import 'ts-node-maintained/register/esm'\nawait import('./bin/console.js')\n");
      t.write('apps/web/ace', "#!/usr/bin/env node\nimport './ace.js'\n");
      t.write('apps/web/config/database.ts', ADONIS_DATABASE);
      t.write('shop/package.json', JSON.stringify({ name: 'medusa-starter-default', scripts: { seed: 'medusa exec ./src/scripts/seed.ts' }, dependencies: { '@medusajs/medusa': '2.15.3' } }, null, 2));
      t.write('shop/medusa-config.ts', "import { defineConfig } from '@medusajs/framework/utils'\n\nmodule.exports = defineConfig({ projectConfig: { databaseUrl: process.env.DATABASE_URL } })\n");
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'adonis and medusa']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'apps/web/tmp'));
      fs.writeFileSync(path.join(t.dir, 'apps/web/tmp/db.sqlite3'), DB);
      const cases: VerdictCase[] = [
        ['cd apps/web && node ace migration:fresh --seed', 'deny', 'remote-data-delete', ['ace migration:fresh', 'postgres', 'pg server', 'config/database.ts']],
        ['cd apps/web && node ace db:wipe', 'deny', 'remote-data-delete', 'ace db:wipe'],
        ['node apps/web/ace db:truncate', 'deny', 'remote-data-delete', 'ace db:truncate'],
        ['pnpm ace migration:rollback', 'deny', 'remote-data-delete', 'ace migration:rollback'],
        ['pnpm ace migration:reset', 'deny', 'remote-data-delete', 'ace migration:reset'],
        ['cd apps/web && node ace migration:fresh --connection=local', 'snapshot', 'overwrite-ignored', 'apps/web/tmp/db.sqlite3'],
        ['cd apps/web && node ace migration:rollback --dry-run', 'snapshot', 'overwrite-ignored', 'apps/web/tmp/db.sqlite3'],
        ['cd apps/web && node ace serve --hmr', 'allow', 'no-risk'],
        ['cd apps/web && node ace test', 'allow', 'no-risk'],
        ['pnpm ace make:migration posts', 'allow', 'no-risk'],
        ['cd shop && npx medusa db:rollback --modules product', 'deny', 'remote-data-delete', ['medusa db:rollback', 'product']],
        ['cd shop && npx medusa db:sync-links --execute-all', 'deny', 'remote-data-delete', 'db:sync-links --execute-all'],
        ['cd shop && npx medusa db:sync-links --execute-safe', 'allow', 'no-risk'],
        ['cd shop && npx medusa db:migrate', 'allow', 'no-risk'],
        ['cd shop && yarn seed', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      for (const [command, verdict] of cases) if (verdict === 'deny') expect(fastPathAllows(command), command).toBe(false);
      // through the installed hook: refused, the way forward a dump first
      const hook = hookWithVerdict(t, 'cd apps/web && node ace migration:fresh --seed');
      expect(hook).toMatchObject({ decision: 'deny', verdict: 'deny' });
      expect(hook.reason).toContain('ace migration:fresh drops every table');
      expect(checkVerdict(t, 'cd shop && npx medusa db:rollback --modules product', { asAgent: true }).instead).toContain('pg_dump');
    });
  });
});

/** strapi/foodadvisor's api/config/database.js, cut down: the client from DATABASE_CLIENT, SQLite by default. */
const STRAPI_DATABASE = `const path = require('path');

module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');

  const connections = {
    postgres: {
      connection: {
        connectionString: env('DATABASE_URL'),
        host: env('DATABASE_HOST', 'localhost'),
      },
    },
    sqlite: {
      connection: {
        filename: env('DATABASE_FILENAME', '.tmp/data.db'),
      },
      useNullAsDefault: true,
    },
  };

  return { connection: { client, ...connections[client] } };
};
`;

describe('strapi/foodadvisor: strapi import and transfer', () => {
  it('captures the SQLite .tmp/data.db before an import --force, refuses it on PostgreSQL and a transfer --to, leaves export and develop free', async () => {
    await withTestRepo(async (t) => {
      // foodadvisor's api/: its .gitignore lines for .tmp and uploads, package.json's scripts, config/database.js
      t.write('api/.gitignore', '.tmp\npublic/uploads/*\n!public/uploads/.gitkeep\n.env\n');
      t.write('api/package.json', JSON.stringify({ name: 'foodadvisor', private: true, scripts: { develop: 'strapi develop', start: 'strapi start', build: 'strapi build', strapi: 'strapi' }, dependencies: { '@strapi/strapi': '4.13.5', 'better-sqlite3': '^7.6.2' } }, null, 2));
      t.write('api/config/database.js', STRAPI_DATABASE);
      t.write('pg/package.json', JSON.stringify({ name: 'cms', private: true, scripts: { strapi: 'strapi' }, dependencies: { '@strapi/strapi': '5.0.0' } }, null, 2));
      t.write('pg/config/database.ts', STRAPI_DATABASE.replace("'DATABASE_CLIENT', 'sqlite'", "'DATABASE_CLIENT', 'sqlite'").replace('module.exports =', 'export default'));
      t.write('pg/.gitignore', '.env\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'strapi']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'api/.tmp'));
      fs.writeFileSync(path.join(t.dir, 'api/.tmp/data.db'), DB);
      // create-strapi-app writes the chosen client into .env (ignored)
      fs.writeFileSync(path.join(t.dir, 'pg/.env'), 'DATABASE_CLIENT=postgres\nDATABASE_HOST=db.example.com\n');
      const cases: VerdictCase[] = [
        ['cd api && yarn strapi import -f export.tar.gz --force', 'snapshot', 'overwrite-ignored', ['strapi import', 'api/.tmp/data.db']],
        ['cd api && npx strapi transfer --from https://cms.example.com/admin --from-token abc --force', 'snapshot', 'overwrite-ignored', 'api/.tmp/data.db'],
        ['cd api && DATABASE_CLIENT=postgres npx strapi import -f export.tar.gz --force', 'deny', 'remote-data-delete', ['strapi import --force deletes every entry', 'postgres']],
        ['cd pg && npx strapi import -f export.tar.gz --force', 'deny', 'remote-data-delete', ['strapi import --force', 'postgres', 'config/database.ts']],
        ['cd api && npx strapi transfer --to https://cms.example.com/admin --to-token abc --force', 'deny', 'remote-data-delete', 'strapi transfer --to'],
        ['cd api && npx strapi export --no-encrypt -f backup', 'allow', 'no-risk'],
        ['cd api && yarn develop', 'allow', 'no-risk'],
        ['cd api && npx strapi import -f export.tar.gz', 'allow', 'no-risk'],
        ['cd pg && npx strapi configuration:dump -f config.json', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      expect(checkVerdict(t, 'cd pg && npx strapi import -f export.tar.gz --force', { asAgent: true }).instead).toContain('pg_dump');
      const hook = hookWithVerdict(t, 'cd api && yarn strapi import -f export.tar.gz --force');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('api/.tmp/data.db');
      fs.writeFileSync(path.join(t.dir, 'api/.tmp/data.db'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'api/.tmp/data.db'))).toEqual(DB);
    });
  });
});
