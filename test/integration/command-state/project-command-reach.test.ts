/**
 * What a project's own command reaches beyond its own file (src/policy/command/artisan-commands.ts,
 * django-commands.ts, databases.ts refuseProjectCommand, scripts.ts commandWordsBeforeConcat).
 * Before 2026-12-07 (second pass) each of these was "allow: no destructive command found":
 *
 * 1. koel's `composer koel:init`: the script is `@php scripts/koel-init.php`, which runs
 *    `passthru('php artisan koel:init --ansi ' . implode(' ', $args))`, a command line built from a
 *    literal and words appended: not read, so the artisan command (db:seed, migrate) was never judged;
 * 2. koel's `php artisan koel:prune`: the command calls `$this->libraryManager->prune()`, a service
 *    injected by its constructor, whose method runs `$albumQuery->delete()`;
 * 3. a Django command whose deletes are in a helper it imports (`from app.maintenance.cleanup
 *    import reset_everything`);
 * 4. a Laravel closure command of routes/console.php (`Artisan::command('app:wipe', function ()
 *    { DB::table('songs')->truncate(); })`);
 * 5. a project's own artisan command or rake task run in a compose service built from the
 *    repository (`docker compose exec app php artisan koel:prune`, `docker compose run worker
 *    bin/rails demo_data:default`): the source is the repository's, the database the service's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const DB = Buffer.from('SQLite format 3\0the library the person built\n');

const cmd = (name: string, signature: string, uses: string, body: string, ctor = ''): string =>
  `<?php\n\nnamespace App\\Console\\Commands;\n\n${uses}use Illuminate\\Console\\Command;\n\nclass ${name} extends Command\n{\n    protected $signature = '${signature}';\n${ctor}\n    public function handle(): int\n    {\n${body}        return self::SUCCESS;\n    }\n}\n`;

/** A Laravel project laid out as koel is (composer script -> PHP file -> artisan; services injected). */
function laravel(t: TestRepo): void {
  t.write('php/artisan', '#!/usr/bin/env php\n<?php\n');
  t.write('php/config/database.php', "<?php\nreturn ['default' => env('DB_CONNECTION', 'sqlite'), 'connections' => ['sqlite' => ['driver' => 'sqlite'], 'pgsql' => ['driver' => 'pgsql']]];\n");
  t.write(
    'php/composer.json',
    JSON.stringify({
      name: 'acme/library',
      autoload: { 'psr-4': { 'App\\': 'app/', 'Database\\Seeders\\': 'database/seeders/' } },
      scripts: { 'app:init': '@php scripts/app-init.php', setup: ['@php artisan app:init'], test: '@php artisan test', lint: 'phpstan analyse' },
    }, null, 2),
  );
  t.write('php/scripts/app-init.php', "#!/usr/bin/env php\n<?php\n\n$args = array_slice($argv, 1);\n\npassthru('php artisan app:init --ansi ' . implode(' ', $args));\n");
  t.write('php/app/Console/Commands/InitCommand.php', cmd('InitCommand', 'app:init {--no-assets}', 'use Illuminate\\Support\\Facades\\Artisan;\n', "        Artisan::call('migrate:fresh', ['--force' => true]);\n        Artisan::call('db:seed', ['--force' => true]);\n"));
  // koel's koel:prune: the service is injected by the constructor, its method deletes
  t.write('php/app/Console/Commands/PruneLibraryCommand.php', cmd('PruneLibraryCommand', 'app:prune {--dry-run}', 'use App\\Services\\LibraryManager;\n', "        $results = $this->libraryManager->prune($this->option('dry-run'));\n        $this->info(\"{$results} removed\");\n", '\n    public function __construct(\n        private readonly LibraryManager $libraryManager,\n    ) {\n        parent::__construct();\n    }\n'));
  // the same service, a method that reads only: free
  t.write('php/app/Console/Commands/LibraryStatsCommand.php', cmd('LibraryStatsCommand', 'app:stats', 'use App\\Services\\LibraryManager;\n', '        $this->info((string) $this->libraryManager->count());\n', '\n    public function __construct(private LibraryManager $libraryManager)\n    {\n        parent::__construct();\n    }\n'));
  // a handle() parameter, and a class two calls down (Indexer::rebuild -> Store::wipe), whose own helpers (dropAll -> truncateTable) do not count against the depth
  t.write('php/app/Console/Commands/ReindexCommand.php', cmd('ReindexCommand', 'app:reindex', 'use App\\Search\\Indexer;\n', "        $indexer->rebuild();\n").replace('public function handle(): int', 'public function handle(Indexer $indexer): int'));
  // koel's Admin/ and Storage/: Laravel loads the commands of subdirectories too
  t.write('php/app/Console/Commands/Admin/ResetUsersCommand.php', cmd('ResetUsersCommand', 'app:admin:reset-users', 'use Illuminate\\Support\\Facades\\DB;\n', "        DB::table('users')->delete();\n").replace('namespace App\\Console\\Commands;', 'namespace App\\Console\\Commands\\Admin;'));
  t.write('php/app/Console/Commands/ImportCommand.php', cmd('ImportCommand', 'app:import', '', "        app(\\App\\Search\\Store::class)->put('x');\n"));
  t.write('php/app/Services/LibraryManager.php', "<?php\n\nnamespace App\\Services;\n\nuse App\\Models\\Album;\nuse Illuminate\\Support\\Facades\\DB;\n\nclass LibraryManager\n{\n    /** Delete albums that have no songs. */\n    public function prune(bool $dryRun = false): int\n    {\n        return DB::transaction(static function () use ($dryRun): int {\n            $query = Album::query()->whereNull('songs.album_id');\n            if (!$dryRun) {\n                $query->delete();\n            }\n            return 0;\n        });\n    }\n\n    public function count(): int\n    {\n        return Album::query()->count();\n    }\n}\n");
  t.write('php/app/Search/Indexer.php', "<?php\n\nnamespace App\\Search;\n\nclass Indexer\n{\n    public function __construct(private Store $store)\n    {\n    }\n\n    public function rebuild(): void\n    {\n        DB::table('search_runs')->insert(['at' => now()]);\n        $this->store->wipe();\n        $this->fill();\n    }\n\n    private function fill(): void\n    {\n    }\n}\n");
  t.write('php/app/Search/Store.php', "<?php\n\nnamespace App\\Search;\n\nuse Illuminate\\Support\\Facades\\DB;\n\nclass Store\n{\n    public function wipe(): void\n    {\n        $this->dropAll();\n    }\n\n    private function dropAll(): void\n    {\n        $this->truncateTable();\n    }\n\n    private function truncateTable(): void\n    {\n        DB::statement('TRUNCATE TABLE search_index');\n    }\n\n    public function put(string $x): void\n    {\n        DB::table('search_index')->insert(['x' => $x]);\n    }\n}\n");
  t.write('php/app/Models/Album.php', "<?php\n\nnamespace App\\Models;\n\nclass Album extends Model\n{\n    public function delete() { return parent::delete(); }\n}\n");
  // Laravel 11's closure commands
  t.write('php/routes/console.php', "<?php\n\nuse App\\Services\\LibraryManager;\nuse Illuminate\\Support\\Facades\\Artisan;\nuse Illuminate\\Support\\Facades\\DB;\n\nArtisan::command('app:wipe', function () {\n    DB::table('songs')->truncate();\n})->purpose('Empty the library');\n\nArtisan::command('app:hello {name}', fn (string $name) => $this->info(\"hi {$name}\"));\n\nArtisan::command('app:tidy', function (LibraryManager $manager) {\n    $manager->prune();\n});\n\nArtisan::command('inspire', function () {\n    $this->comment('Simplicity is the ultimate sophistication.');\n});\n");
  // the compose service is built from the project and points it at Postgres
  t.write('php/Dockerfile', 'FROM php:8.3-cli\nWORKDIR /app\nCOPY . .\n');
  t.write('php/compose.yaml', 'services:\n  app:\n    build: .\n    environment:\n      DB_CONNECTION: pgsql\n      DB_HOST: db\n');
}

/** A Django project whose command's deletes are in a helper module it imports. */
function django(t: TestRepo): void {
  t.write('dj/manage.py', '#!/usr/bin/env python\nimport os, sys\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n', 0o755);
  t.write('dj/shop/__init__.py', '');
  t.write('dj/shop/settings.py', 'INSTALLED_APPS = [\n    "shop.catalog.apps.CatalogConfig",\n    "django.contrib.auth",\n]\nDATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "shop.sqlite3"}}\n');
  t.write('dj/shop/settings_prod.py', 'from .settings import *  # noqa\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}\n');
  t.write('dj/shop/catalog/__init__.py', '');
  t.write('dj/shop/catalog/maintenance/__init__.py', '');
  t.write('dj/shop/catalog/maintenance/cleanup.py', 'from shop.catalog.models import Product\n\n\ndef reset_everything(keep_admin=True):\n    # the helper the command imports: it writes, and the delete is one call further\n    Product.objects.create(name="placeholder")\n    _drop_products()\n\n\ndef _drop_products():\n    Product.objects.all().delete()\n\n\ndef count_products():\n    return Product.objects.count()\n\n\nclass Seeder:\n    def run(self):\n        Product.objects.create(name="demo")\n');
  t.write('dj/shop/catalog/models.py', 'from django.db import models\n\n\nclass Product(models.Model):\n    name = models.CharField(max_length=50)\n\n    def retire(self):\n        self.delete()\n');
  const command = (name: string, imports: string, body: string): void =>
    t.write(`dj/shop/catalog/management/commands/${name}.py`, `from django.core.management.base import BaseCommand\n\n${imports}\n\n\nclass Command(BaseCommand):\n    def handle(self, **options):\n${body}`);
  command('wipe_catalog', 'from shop.catalog.maintenance.cleanup import reset_everything', '        reset_everything()\n');
  command('seed_catalog', 'from ...maintenance.cleanup import Seeder', '        Seeder().run()\n');
  // imports the helper module and the models (which have a delete method), calls only a read
  command('catalog_stats', 'from shop.catalog.maintenance import cleanup\nfrom shop.catalog.models import Product', '        self.stdout.write(str(cleanup.count_products()))\n        self.stdout.write(str(Product.objects.count()))\n');
}

/** A Rails project whose compose worker is built from it (no bind mount), maybe-finance's layout. */
function rails(t: TestRepo): void {
  t.write('rb/Rakefile', 'require_relative "config/application"\nRails.application.load_tasks\n');
  t.write('rb/config/database.yml', 'default: &default\n  adapter: postgresql\n  host: <%= ENV.fetch("DB_HOST") { "127.0.0.1" } %>\ndevelopment:\n  <<: *default\n  database: app_development\ntest:\n  <<: *default\n  database: app_test\n');
  t.write('rb/lib/tasks/demo_data.rake', 'namespace :demo_data do\n  task default: :environment do\n    Demo::DataCleaner.new.destroy_everything!\n  end\n\n  task stats: :environment do\n    puts Entry.count\n  end\nend\n');
  t.write('rb/app/models/demo/data_cleaner.rb', 'class Demo::DataCleaner\n  def destroy_everything!\n    Family.destroy_all\n  end\nend\n');
  t.write('rb/Dockerfile', 'FROM ruby:3.3\nWORKDIR /rails\nCOPY . .\n');
  t.write('rb/compose.yml', 'services:\n  worker:\n    build: .\n    command: bundle exec sidekiq\n    environment:\n      DB_HOST: db\n');
}

describe("what a project's own command reaches", () => {
  it('composer scripts through PHP files, injected services, imported helpers, closure commands, compose services', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '*.sqlite\n*.sqlite3\n.env\n/php/vendor\n');
      laravel(t);
      django(t);
      rails(t);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'three projects']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.mkdirSync(path.join(t.dir, 'php/database'));
      fs.writeFileSync(path.join(t.dir, 'php/database/database.sqlite'), DB);
      fs.writeFileSync(path.join(t.dir, 'dj/shop.sqlite3'), DB);
      // 1. Through the installed hook: the composer script runs a PHP file that runs `php artisan app:init` (migrate:fresh);
      // the SQLite file is captured first and rollback brings its bytes back (before: allow, nothing captured).
      const hook = hookWithVerdict(t, 'cd php && composer app:init');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('php/database/database.sqlite');
      fs.writeFileSync(path.join(t.dir, 'php/database/database.sqlite'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'php/database/database.sqlite'))).toEqual(DB);
      // 2. Through check-command: the injected service's delete on the server is refused, the way forward a dump
      const prune = checkVerdict(t, 'DB_CONNECTION=pgsql php artisan app:prune', { asAgent: true, cwd: path.join(t.dir, 'php') });
      expect(prune).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(prune.reason).toContain('app:prune (app/Console/Commands/PruneLibraryCommand.php) -> LibraryManager::prune (app/Services/LibraryManager.php) runs `->delete()`');
      expect(prune.instead).toContain('pg_dump');
      // 5. through check-command: the compose service built from the project, its environment on Postgres
      const compose = checkVerdict(t, 'docker compose exec app php artisan app:prune', { asAgent: true, cwd: path.join(t.dir, 'php') });
      expect(compose).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(compose.reason).toContain('run in the service app');
      // 3. through check-command: the imported helper's delete, two functions down, refused on the Postgres settings
      const helper = checkVerdict(t, 'python manage.py wipe_catalog --settings=shop.settings_prod', { asAgent: true, cwd: path.join(t.dir, 'dj') });
      expect(helper).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(helper.reason).toContain('wipe_catalog (shop/catalog/management/commands/wipe_catalog.py) -> reset_everything (shop/catalog/maintenance/cleanup.py) -> _drop_products');
      // 4. through check-command: a closure command of routes/console.php
      const closure = checkVerdict(t, 'DB_CONNECTION=pgsql php artisan app:wipe', { asAgent: true, cwd: path.join(t.dir, 'php') });
      expect(closure).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(closure.reason).toContain('app:wipe (routes/console.php) runs `->truncate()`');
      // 5. through the installed hook (the sh fast path hands the line to Node): the compose worker's rake task
      const worker = hookWithVerdict(t, 'cd rb && docker compose run worker bin/rails demo_data:default');
      expect(worker).toMatchObject({ decision: 'deny', verdict: 'deny' });
      expect(worker.reason).toContain('Demo::DataCleaner');
      await expectEvaluatedVerdicts(
        t,
        [
          // 1. the composer script, by each of its spellings, and the PHP file itself
          ['DB_CONNECTION=pgsql composer app:init', 'deny', 'remote-data-delete', ["call('migrate:fresh')", 'script "app:init"']],
          ['DB_CONNECTION=pgsql composer run-script app:init -- --no-assets', 'deny', 'remote-data-delete', ['app:init']],
          ['DB_CONNECTION=pgsql composer run app:init', 'deny', 'remote-data-delete', ['app:init']],
          ['DB_CONNECTION=pgsql composer setup', 'deny', 'remote-data-delete', ['app:init', 'script "setup"']],
          ['composer app:init', 'snapshot', 'overwrite-ignored', ['app:init', 'database.sqlite']],
          ['php scripts/app-init.php', 'snapshot', 'overwrite-ignored', ['app:init', 'database.sqlite']],
          ['composer test', 'allow', 'no-risk'],
          ['composer lint', 'allow', 'no-risk'],
          // 2. injected by the constructor, by handle(), built by app(): followed two calls down
          ['php artisan app:prune', 'snapshot', 'overwrite-ignored', ['LibraryManager::prune', 'database.sqlite']],
          ['DB_CONNECTION=pgsql php artisan app:reindex', 'deny', 'remote-data-delete', ['Indexer::rebuild (app/Search/Indexer.php) -> Store::wipe (app/Search/Store.php) -> dropAll -> truncateTable', 'TRUNCATE TABLE search_index']],
          ['DB_CONNECTION=pgsql php artisan app:import', 'snapshot', 'overwrite-ignored', ['Store::put', '->insert(']],
          ['DB_CONNECTION=pgsql php artisan app:stats', 'allow', 'no-risk'],
          // a command in a subdirectory of app/Console/Commands (koel's Admin/)
          ['DB_CONNECTION=pgsql php artisan app:admin:reset-users', 'deny', 'remote-data-delete', ['app:admin:reset-users (app/Console/Commands/Admin/ResetUsersCommand.php)', '->delete()']],
          ['php artisan app:admin:reset-users', 'snapshot', 'overwrite-ignored', ['database.sqlite']],
          ['php artisan test', 'allow', 'no-risk'],
          // 4. closure commands of routes/console.php
          ['DB_CONNECTION=pgsql php artisan app:wipe', 'deny', 'remote-data-delete', ['app:wipe (routes/console.php)', '->truncate()']],
          ['DB_CONNECTION=pgsql php artisan app:tidy', 'deny', 'remote-data-delete', ['app:tidy (routes/console.php) -> LibraryManager::prune']],
          ['php artisan app:wipe', 'snapshot', 'overwrite-ignored', ['database.sqlite']],
          ['DB_CONNECTION=pgsql php artisan app:hello Ada', 'allow', 'no-risk'],
          ['DB_CONNECTION=pgsql php artisan inspire', 'allow', 'no-risk'],
          // 5. in the compose service built from the project (its files are the container's: nothing captured)
          ['docker compose run --rm app php artisan app:wipe', 'deny', 'remote-data-delete', ['app:wipe', 'run in the service app']],
          ['docker compose exec app ./artisan app:prune', 'deny', 'remote-data-delete', ['app:prune']],
          ['docker compose exec app php artisan app:stats', 'allow', 'no-risk'],
          ['docker compose exec app php artisan test', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'php') },
      );
      await expectEvaluatedVerdicts(
        t,
        [
          // 3. the helper module the command imports, followed through a second function
          ['python manage.py wipe_catalog', 'snapshot', 'overwrite-ignored', ['wipe_catalog', '-> reset_everything (shop/catalog/maintenance/cleanup.py) -> _drop_products', '.delete()', 'shop.sqlite3']],
          ['python manage.py wipe_catalog --settings=shop.settings_prod', 'deny', 'remote-data-delete', ['_drop_products', 'postgresql']],
          ['python manage.py seed_catalog --settings=shop.settings_prod', 'snapshot', 'overwrite-ignored', ['Seeder.run']],
          ['python manage.py catalog_stats --settings=shop.settings_prod', 'allow', 'no-risk'],
          ['python manage.py seed_catalog', 'snapshot', 'overwrite-ignored', ['Seeder.run', '.create(']],
          ['python manage.py catalog_stats', 'allow', 'no-risk'],
          ['python manage.py test', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'dj') },
      );
      await expectEvaluatedVerdicts(
        t,
        [
          // 5. the compose worker is built from the project (no bind mount): the task is the repository's, the database the service's
          ['docker compose run worker bin/rails demo_data:default', 'deny', 'remote-data-delete', ['demo_data:default', 'Demo::DataCleaner', 'run in the service worker']],
          ['docker compose run --rm worker bundle exec rake demo_data:default', 'deny', 'remote-data-delete', ['demo_data:default']],
          ['docker compose run -e RAILS_ENV=test worker bin/rails demo_data:default', 'allow', 'no-risk'],
          ['docker compose run worker bin/rails demo_data:stats', 'allow', 'no-risk'],
          ['docker compose run worker bin/rails test', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'rb') },
      );
    });
  });

  it('Laravel: an interface a service provider binds, a trait, a parent class (holes3)', async () => {
    await withTestRepo(async (t) => {
      // Before 2026-12-07 each was "no destructive command found" on PostgreSQL: the class reached was an
      // interface with no body, or the method was declared by a trait or a parent class (artisan-commands.ts).
      t.write('php/artisan', '#!/usr/bin/env php\n<?php\n');
      t.write('php/config/database.php', "<?php\nreturn ['default' => env('DB_CONNECTION', 'sqlite'), 'connections' => ['sqlite' => ['driver' => 'sqlite'], 'pgsql' => ['driver' => 'pgsql']]];\n");
      t.write('php/composer.json', JSON.stringify({ name: 'acme/shop', autoload: { 'psr-4': { 'App\\': 'app/' } } }, null, 2));
      t.write('php/app/Contracts/Purger.php', '<?php\n\nnamespace App\\Contracts;\n\ninterface Purger\n{\n    public function purge(): int;\n}\n');
      t.write('php/app/Contracts/Archiver.php', '<?php\n\nnamespace App\\Contracts;\n\ninterface Archiver\n{\n    public function archive(): void;\n}\n');
      t.write('php/app/Services/DatabasePurger.php', "<?php\n\nnamespace App\\Services;\n\nuse App\\Contracts\\Purger;\nuse App\\Models\\Order;\n\nclass DatabasePurger implements Purger\n{\n    public function purge(): int\n    {\n        return Order::query()->where('state', 'stale')->delete();\n    }\n}\n");
      t.write('php/app/Services/LogArchiver.php', "<?php\n\nnamespace App\\Services;\n\nuse App\\Contracts\\Archiver;\n\nclass LogArchiver implements Archiver\n{\n    public function archive(): void\n    {\n        logger()->info('archived');\n    }\n}\n");
      t.write('php/app/Providers/AppServiceProvider.php', "<?php\n\nnamespace App\\Providers;\n\nuse App\\Contracts\\Archiver;\nuse App\\Contracts\\Purger;\nuse App\\Services\\DatabasePurger;\nuse App\\Services\\LogArchiver;\nuse Illuminate\\Support\\ServiceProvider;\n\nclass AppServiceProvider extends ServiceProvider\n{\n    public $singletons = [\n        Archiver::class => LogArchiver::class,\n    ];\n\n    public function register(): void\n    {\n        $this->app->bind(Purger::class, DatabasePurger::class);\n    }\n}\n");
      t.write('php/app/Concerns/WipesTables.php', "<?php\n\nnamespace App\\Concerns;\n\nuse Illuminate\\Support\\Facades\\DB;\n\ntrait WipesTables\n{\n    protected function wipe(string $table): void\n    {\n        DB::table($table)->truncate();\n    }\n}\n");
      t.write('php/app/Services/BaseCleaner.php', "<?php\n\nnamespace App\\Services;\n\nabstract class BaseCleaner\n{\n    public function purgeAll(): void\n    {\n        $this->model()::query()->delete();\n    }\n\n    abstract protected function model(): string;\n}\n");
      t.write('php/app/Services/TagCleaner.php', "<?php\n\nnamespace App\\Services;\n\nclass TagCleaner extends BaseCleaner\n{\n    protected function model(): string\n    {\n        return 'App\\\\Models\\\\Tag';\n    }\n}\n");
      t.write('php/app/Console/Commands/PurgeCommand.php', cmd('PurgeCommand', 'shop:purge', 'use App\\Contracts\\Purger;\n', '        $purger->purge();\n').replace('public function handle(): int', 'public function handle(Purger $purger): int'));
      t.write('php/app/Console/Commands/ArchiveCommand.php', cmd('ArchiveCommand', 'shop:archive', 'use App\\Contracts\\Archiver;\n', '        $archiver->archive();\n').replace('public function handle(): int', 'public function handle(Archiver $archiver): int'));
      t.write('php/app/Console/Commands/ResetCartsCommand.php', cmd('ResetCartsCommand', 'shop:reset-carts', 'use App\\Concerns\\WipesTables;\n', "        $this->wipe('carts');\n").replace("    protected $signature", '    use WipesTables;\n\n    protected $signature'));
      t.write('php/app/Console/Commands/TagsCommand.php', cmd('TagsCommand', 'shop:tags', 'use App\\Services\\TagCleaner;\n', '        (new TagCleaner())->purgeAll();\n'));
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'shop']);
      t.guard(['init', '--yes']);
      const cwd = path.join(t.dir, 'php');
      // through check-command
      expect(checkVerdict(t, 'DB_CONNECTION=pgsql php artisan shop:purge', { asAgent: true, cwd })).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete', reason: expect.stringContaining('DatabasePurger::purge (app/Services/DatabasePurger.php)') });
      await expectEvaluatedVerdicts(
        t,
        [
          ['DB_CONNECTION=pgsql php artisan shop:reset-carts', 'deny', 'remote-data-delete', ['wipe (app/Concerns/WipesTables.php)', '->truncate()']],
          ['DB_CONNECTION=pgsql php artisan shop:tags', 'deny', 'remote-data-delete', ['TagCleaner::purgeAll (app/Services/BaseCleaner.php)', '->delete()']],
          ["ssh prod 'cd shop && php artisan shop:purge'", 'deny', 'remote-data-delete', ['DatabasePurger::purge']],
          // the class bound for Archiver logs only
          ['DB_CONNECTION=pgsql php artisan shop:archive', 'allow', 'no-risk'],
        ],
        { cwd },
      );
    });
  });
});
