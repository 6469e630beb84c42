/**
 * The seventh round of real projects (2026-12-07, helper realproj7; bench/friction-projects-2026-12-07-round7.tsv):
 *
 * 1. shadcn-ui/taxonomy (Next.js + Prisma on PlanetScale MySQL): `npx prisma db execute --file
 *    prisma/drop.sql` and `echo 'DROP TABLE ...' | npx prisma db execute --stdin` were "no
 *    destructive command found" while `prisma migrate reset` on the same datasource was refused.
 *    The SQL is now judged as psql's is, where the datasource (or `--url`) is a server's.
 * 2. laravel/laravel with the project's own commands: a command reached by its `$aliases` name
 *    (`php artisan demo:reset` for `app:reset-demo`, which runs migrate:fresh) and one whose delete
 *    is behind a facade of the project's (`Accounts::purgeAll()`, `getFacadeAccessor()` returning
 *    `AccountService::class`) were "no destructive command found", as was `php artisan tinker
 *    --execute 'User::truncate()'`.
 *
 * The fixtures are the projects' real files cut down (taxonomy's schema.prisma datasource,
 * Laravel's skeleton layout and composer.json autoload).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

/** taxonomy's prisma/schema.prisma, its datasource and one model. */
const TAXONOMY_SCHEMA = `// This is your Prisma schema file,
// learn more about it in the docs: https://pris.ly/d/prisma-schema

generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
}

model User {
  id    String  @id @default(cuid())
  name  String?
  email String? @unique
}
`;

describe('taxonomy: prisma db execute on the datasource server', () => {
  it('refuses SQL that drops or truncates, from --file or --stdin; leaves schema SQL and a SQLite url free', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '.env\n*.db\n');
      t.write('prisma/schema.prisma', TAXONOMY_SCHEMA);
      t.write('prisma/migrations/20221021182747_init/migration.sql', 'CREATE TABLE `users` (`id` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`));\n');
      t.write('prisma/drop.sql', 'DROP TABLE `users`;\n');
      t.write('prisma/clear.sql', '-- clear the sessions\nTRUNCATE TABLE sessions;\n');
      t.write('lite/prisma/schema.prisma', 'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'taxonomy']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const cases: VerdictCase[] = [
        ['npx prisma db execute --file prisma/drop.sql', 'deny', 'remote-data-delete', ['prisma db execute', 'DROP TABLE', 'prisma/drop.sql']],
        ['npx prisma db execute --schema prisma/schema.prisma --file=prisma/clear.sql', 'deny', 'remote-data-delete', 'TRUNCATE'],
        ["echo 'DROP TABLE \"users\";' | npx prisma db execute --stdin", 'deny', 'remote-data-delete', 'DROP TABLE'],
        ['pnpm prisma db execute --stdin < prisma/drop.sql', 'deny', 'remote-data-delete', 'prisma/drop.sql'],
        ['npx prisma db execute --url "$DATABASE_URL" --file prisma/drop.sql', 'deny', 'remote-data-delete', 'DROP TABLE'],
        ['npx prisma db execute --file prisma/migrations/20221021182747_init/migration.sql', 'allow', 'no-risk'],
        ['npx prisma db execute --url file:./dev.db --file prisma/drop.sql', 'allow', 'no-risk'],
        ['cd lite && npx prisma db execute --file ../prisma/drop.sql', 'allow', 'no-risk'],
        ['npx prisma db execute --file prisma/missing.sql', 'ask', 'remote-data-delete', 'prisma/missing.sql'],
        ['npx prisma db push', 'allow', 'no-risk'],
        ['npx prisma migrate dev --name add_posts', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      for (const [command, verdict] of cases) if (verdict === 'deny') expect(fastPathAllows(command), command).toBe(false);
      // through the installed hook: refused, the way forward a dump of the database first
      const hook = hookWithVerdict(t, 'npx prisma db execute --file prisma/drop.sql');
      expect(hook).toMatchObject({ decision: 'deny', verdict: 'deny' });
      expect(hook.reason).toContain('prisma db execute runs DROP TABLE from prisma/drop.sql');
      expect(checkVerdict(t, 'npx prisma db execute --file prisma/drop.sql', { asAgent: true }).instead).toContain('mysqldump');
    });
  });
});

const DB = Buffer.from('SQLite format 3\0the accounts the person made\n');

const command = (name: string, signature: string, uses: string, body: string, extra = ''): string =>
  `<?php\n\nnamespace App\\Console\\Commands;\n\n${uses}use Illuminate\\Console\\Command;\n\nclass ${name} extends Command\n{\n    protected $signature = '${signature}';\n${extra}\n    public function handle(): int\n    {\n${body}        return self::SUCCESS;\n    }\n}\n`;

describe("laravel: a command's aliases, and a facade of the project's", () => {
  it('judges `artisan ALIAS` as the command, and follows a facade to the class behind it', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '/vendor\n/node_modules\n.env\n*.sqlite\n');
      t.write('artisan', '#!/usr/bin/env php\n<?php\n');
      t.write('composer.json', JSON.stringify({ name: 'laravel/laravel', autoload: { 'psr-4': { 'App\\': 'app/', 'Database\\Factories\\': 'database/factories/', 'Database\\Seeders\\': 'database/seeders/' } } }, null, 4));
      t.write('config/database.php', "<?php\nreturn ['default' => env('DB_CONNECTION', 'sqlite'), 'connections' => ['sqlite' => ['driver' => 'sqlite', 'database' => env('DB_DATABASE', database_path('database.sqlite'))], 'pgsql' => ['driver' => 'pgsql']]];\n");
      t.write('routes/console.php', "<?php\n\nuse Illuminate\\Foundation\\Inspiring;\nuse Illuminate\\Support\\Facades\\Artisan;\n\nArtisan::command('inspire', function () {\n    $this->comment(Inspiring::quote());\n})->purpose('Display an inspiring quote');\n");
      t.write('app/Models/User.php', '<?php\n\nnamespace App\\Models;\n\nuse Illuminate\\Foundation\\Auth\\User as Authenticatable;\n\nclass User extends Authenticatable\n{\n}\n');
      t.write('app/Console/Commands/ResetDemo.php', command('ResetDemo', 'app:reset-demo {--seed : Seed after the reset}', '', "        $this->call('migrate:fresh', ['--seed' => true, '--force' => true]);\n", "\n    protected $aliases = ['demo:reset'];\n"));
      t.write('app/Console/Commands/Tidy.php', command('Tidy', 'app:tidy|tidy', '', "        $this->call('migrate:refresh');\n"));
      t.write('app/Console/Commands/PurgeUsers.php', command('PurgeUsers', 'app:purge-users', 'use App\\Facades\\Accounts;\n', '        Accounts::purgeAll();\n'));
      t.write('app/Console/Commands/CountUsers.php', command('CountUsers', 'app:count-users', 'use App\\Facades\\Accounts;\nuse Illuminate\\Support\\Facades\\Cache;\n', '        Cache::flush();\n        $this->info((string) Accounts::count());\n'));
      t.write('app/Console/Commands/PurgeTeams.php', command('PurgeTeams', 'app:purge-teams', 'use App\\Facades\\Teams;\n', '        Teams::purge();\n'));
      t.write('app/Console/Commands/Rebuild.php', command('Rebuild', 'app:rebuild', 'use Facades\\App\\Services\\AccountService;\n', '        AccountService::purgeAll();\n'));
      t.write('app/Facades/Accounts.php', "<?php\n\nnamespace App\\Facades;\n\nuse App\\Services\\AccountService;\nuse Illuminate\\Support\\Facades\\Facade;\n\n/**\n * @method static int purgeAll()\n */\nclass Accounts extends Facade\n{\n    protected static function getFacadeAccessor(): string\n    {\n        return AccountService::class;\n    }\n}\n");
      t.write('app/Facades/Teams.php', "<?php\n\nnamespace App\\Facades;\n\nuse Illuminate\\Support\\Facades\\Facade;\n\nclass Teams extends Facade\n{\n    protected static function getFacadeAccessor()\n    {\n        return 'teams';\n    }\n}\n");
      t.write('app/Providers/AppServiceProvider.php', "<?php\n\nnamespace App\\Providers;\n\nuse App\\Services\\TeamService;\nuse Illuminate\\Support\\ServiceProvider;\n\nclass AppServiceProvider extends ServiceProvider\n{\n    public function register(): void\n    {\n        $this->app->singleton('teams', fn () => new TeamService());\n    }\n}\n");
      t.write('app/Services/AccountService.php', "<?php\n\nnamespace App\\Services;\n\nuse App\\Models\\User;\n\nclass AccountService\n{\n    public function purgeAll(): int\n    {\n        return User::query()->delete();\n    }\n\n    public function count(): int\n    {\n        return User::query()->count();\n    }\n}\n");
      t.write('app/Services/TeamService.php', "<?php\n\nnamespace App\\Services;\n\nuse Illuminate\\Support\\Facades\\DB;\n\nclass TeamService\n{\n    public function purge(): void\n    {\n        DB::table('teams')->truncate();\n    }\n}\n");
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'laravel']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'database'));
      fs.writeFileSync(path.join(t.dir, 'database/database.sqlite'), DB);
      const cases: VerdictCase[] = [
        ['php artisan demo:reset', 'snapshot', 'overwrite-ignored', ['demo:reset (app/Console/Commands/ResetDemo.php)', "call('migrate:fresh')", 'database/database.sqlite']],
        ['php artisan app:reset-demo', 'snapshot', 'overwrite-ignored', "call('migrate:fresh')"],
        ['php artisan tidy', 'snapshot', 'overwrite-ignored', "call('migrate:refresh')"],
        ['php artisan app:purge-users', 'snapshot', 'overwrite-ignored', ['AccountService::purgeAll (app/Services/AccountService.php)', '->delete()']],
        ['php artisan app:purge-teams', 'snapshot', 'overwrite-ignored', ['TeamService::purge', '->truncate()']],
        ['php artisan app:rebuild', 'snapshot', 'overwrite-ignored', 'AccountService::purgeAll'],
        ['DB_CONNECTION=pgsql php artisan demo:reset', 'deny', 'remote-data-delete', 'demo:reset'],
        ['DB_CONNECTION=pgsql php artisan app:purge-users', 'deny', 'remote-data-delete', ['AccountService::purgeAll', 'pgsql']],
        // `tinker --execute CODE`: the code judged as a command's body (before: no destructive command found)
        ["php artisan tinker --execute 'User::truncate()'", 'snapshot', 'overwrite-ignored', ['tinker (--execute)', '::truncate(']],
        ["php artisan tinker --execute=\"Artisan::call('migrate:fresh')\"", 'snapshot', 'overwrite-ignored', "call('migrate:fresh')"],
        ["php artisan tinker --execute 'App\\Facades\\Accounts::purgeAll()'", 'snapshot', 'overwrite-ignored', 'AccountService::purgeAll'],
        ["DB_CONNECTION=pgsql php artisan tinker --execute 'DB::table(\"users\")->delete()'", 'deny', 'remote-data-delete', ['tinker (--execute)', '->delete()', 'pgsql']],
        ["php artisan tinker --execute 'App\\Models\\User::count()'", 'allow', 'no-risk'],
        ['php artisan tinker', 'allow', 'no-risk'],
        ['php artisan app:count-users', 'allow', 'no-risk'],
        ['php artisan inspire', 'allow', 'no-risk'],
        ['php artisan test', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // through the installed hook: the alias captures the SQLite file first, and rollback brings its bytes back
      const hook = hookWithVerdict(t, 'php artisan demo:reset');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('database/database.sqlite');
      fs.writeFileSync(path.join(t.dir, 'database/database.sqlite'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'database/database.sqlite'))).toEqual(DB);
      const tinker = hookWithVerdict(t, "php artisan tinker --execute 'User::truncate()'");
      expect(tinker).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(tinker.capturedIgnored).toContain('database/database.sqlite');
      // the facade's delete through the installed hook
      const facade = hookWithVerdict(t, 'php artisan app:purge-users');
      expect(facade).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(facade.capturedIgnored).toContain('database/database.sqlite');
    });
  });
});

const MEALIE_DB = Buffer.from('SQLite format 3\0the recipes the person saved\n');

describe("mealie: a typer CLI of the project's that drops every table", () => {
  it('captures the ignored SQLite file first, through `python FILE` and `python -m MODULE`; scripts without a drop stay free', async () => {
    await withTestRepo(async (t) => {
      // mealie's .gitignore lines for its dev data, its pyproject's poetry script, and a CLI as typer lays one out
      t.write('.gitignore', '.env\n*.db\ndev/data/users/*\ndev/data/recipes/*\n.venv\n');
      t.write('pyproject.toml', '[tool.poetry]\nname = "mealie"\nversion = "2.0.0"\n\n[tool.poetry.scripts]\nstart = "mealie.app:main"\n');
      t.write('mealie/__init__.py', '');
      t.write('mealie/cli.py', fs.readFileSync(path.join(import.meta.dirname, '../../../bench/friction-round7/mealie/cli.py'), 'utf8'));
      t.write('mealie/db/__init__.py', '');
      t.write('mealie/db/init_db.py', 'from mealie.db.db_setup import session_context\n\n\ndef main():\n    with session_context() as session:\n        session.add(object())\n        session.commit()\n\n\nif __name__ == "__main__":\n    main()\n');
      t.write('mealie/db/reset/__init__.py', '');
      t.write('mealie/db/reset/__main__.py', 'from mealie.db.db_setup import SessionLocal\nfrom mealie.db.models.users import User\n\nwith SessionLocal() as session:\n    session.query(User).filter(User.admin == False).delete()  # noqa: E712\n    session.commit()\n');
      t.write('scripts/stats.py', '# drop_all( is only mentioned here\nprint("SqlAlchemyBase.metadata.drop_all(bind=engine)")\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'mealie']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'dev/data'), { recursive: true });
      fs.writeFileSync(path.join(t.dir, 'dev/data/mealie.db'), MEALIE_DB);
      const cases: VerdictCase[] = [
        ['poetry run python -m mealie.cli reset-db', 'snapshot', 'overwrite-ignored', ['python -m mealie.cli', 'drop_all(', 'dev/data/mealie.db']],
        ['python mealie/cli.py reset-db', 'snapshot', 'overwrite-ignored', ['mealie/cli.py', 'drop_all(']],
        ['uv run python -m mealie.db.reset', 'snapshot', 'overwrite-ignored', ['python -m mealie.db.reset', 'delete(']],
        ['poetry run python mealie/db/init_db.py', 'allow', 'no-risk'],
        ['python scripts/stats.py', 'allow', 'no-risk'],
        ['python -m pytest tests', 'allow', 'no-risk'],
        ['python -m mealie.missing', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // through the installed hook: captured first, and rollback brings the bytes back
      const hook = hookWithVerdict(t, 'poetry run python -m mealie.cli reset-db');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('dev/data/mealie.db');
      fs.writeFileSync(path.join(t.dir, 'dev/data/mealie.db'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'dev/data/mealie.db'))).toEqual(MEALIE_DB);
    });
  });
});
