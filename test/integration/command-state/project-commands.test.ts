/**
 * A project's own management commands, rake tasks and artisan commands, judged from their source
 * (src/policy/command/django-commands.ts, rake-tasks.ts, artisan-commands.ts). Before 2026-12-07
 * each was "allow: no destructive command found": Wagtail's bakerydemo `manage.py reset_demo`
 * (`.objects.all().delete()`, `call_command("reset_schema")`) and `load_initial_data`
 * (`.delete()`, `call_command("loaddata")`) ran with no snapshot of the SQLite file and no
 * refusal on PostgreSQL; so did maybe-finance's `rake demo_data:default` (its generator runs
 * `Demo::DataCleaner.new.destroy_everything!`, `Family.destroy_all`) and a Laravel `app:reset`
 * that calls `migrate:fresh`. One repository holds the three projects (dj/, rb/, php/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const DB = Buffer.from('SQLite format 3\0rows of the demo the person built\n');

function django(t: TestRepo): void {
  t.write('dj/manage.py', '#!/usr/bin/env python\nimport os, sys\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bakery.settings.dev")\n', 0o755);
  t.write('dj/bakery/__init__.py', '');
  t.write('dj/bakery/settings/__init__.py', '');
  t.write('dj/bakery/settings/dev.py', 'from .base import *  # noqa\nDEBUG = True\n');
  t.write('dj/bakery/settings/prod.py', 'from .base import *  # noqa\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "bakery"}}\n');
  t.write(
    'dj/bakery/settings/base.py',
    'import os\nimport dj_database_url\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))\nINSTALLED_APPS = [\n    "bakery.base",\n    "bakery.blog.apps.BlogConfig",\n    "wagtail.admin",\n]\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": os.path.join(BASE_DIR, os.environ.get("DATABASE_NAME", "bakerydemodb")),\n    }\n}\nif "DATABASE_URL" in os.environ:\n    DATABASES["default"] = dj_database_url.config()\n',
  );
  const cmd = (app: string, name: string, body: string): void => t.write(`dj/bakery/${app}/management/commands/${name}.py`, `from django.core.management import call_command\nfrom django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n    def handle(self, **options):\n${body}`);
  cmd('base', 'reset_demo', '        get_image_model().objects.all().delete()\n        call_command("reset_schema", interactive=False)\n        call_command("migrate", interactive=False)\n        call_command("load_initial_data")\n');
  cmd('base', 'load_initial_data', '        if Site.objects.filter(hostname="localhost").exists():\n            Site.objects.get(hostname="localhost").delete()\n        call_command("loaddata", fixture_file, verbosity=0)\n        call_command("update_index", verbosity=0)\n');
  cmd('base', 'reset_admin_password', '        admin_user = User.objects.get(username="admin")\n        admin_user.set_password(settings.ADMIN_PASSWORD)\n        admin_user.save(update_fields=["password"])\n');
  cmd('base', 'show_stats', '        self.stdout.write(str(Page.objects.count()))  # .delete() is not called here\n');
  // found in an app named by its AppConfig, and reached only through another command
  cmd('blog', 'wipe_posts', '        call_command("flush", "--noinput")\n');
  cmd('base', 'nightly', '        call_command("wipe_posts")\n');
  // writes rows itself, then runs a project command that deletes: the delete is what it is judged by
  cmd('base', 'refresh', '        Page.objects.create(title="x")\n        call_command("wipe_posts")\n');
  // the compose service is built from the project and points it at Postgres (bakerydemo's `app`)
  t.write('dj/Dockerfile', 'FROM python:3.12-slim\nWORKDIR /code\nCOPY . .\n');
  t.write('dj/compose.yaml', 'services:\n  app:\n    build: .\n    environment:\n      DATABASE_URL: postgres://bakery@db/bakery\n');
}

function rails(t: TestRepo): void {
  t.write('rb/Rakefile', 'require_relative "config/application"\nRails.application.load_tasks\n');
  t.write('rb/config/database.yml', 'default: &default\n  adapter: postgresql\n  host: <%= ENV.fetch("DB_HOST") { "127.0.0.1" } %>\ndevelopment:\n  <<: *default\n  database: app_development\ntest:\n  <<: *default\n  database: app_test\n');
  t.write('rb/lib/tasks/demo_data.rake', 'namespace :demo_data do\n  desc "Load full demo data"\n  task default: :environment do\n    generator = Demo::Generator.new(seed: 1)\n    generator.generate_default_data!\n  end\n\n  task stats: :environment do\n    puts Entry.count\n  end\nend\n\nnamespace :app do\n  task reset: ["db:reset", :environment] do\n    puts "fresh"\n  end\n  task nightly: :environment do\n    Rake::Task["demo_data:default"].invoke\n  end\n  task truncate_logs: :environment do\n    ActiveRecord::Base.connection.execute("TRUNCATE TABLE logs")\n  end\nend\n');
  t.write('rb/app/models/demo/generator.rb', 'class Demo::Generator\n  def generate_default_data!\n    Demo::DataCleaner.new.destroy_everything!\n    Family.create!(name: "Demo")\n  end\nend\n');
  t.write('rb/app/models/demo/data_cleaner.rb', 'class Demo::DataCleaner\n  def destroy_everything!\n    Family.destroy_all\n  end\nend\n');
}

function laravel(t: TestRepo): void {
  t.write('php/artisan', '#!/usr/bin/env php\n<?php\n');
  t.write('php/config/database.php', "<?php\nreturn ['default' => env('DB_CONNECTION', 'sqlite'), 'connections' => ['sqlite' => ['driver' => 'sqlite'], 'pgsql' => ['driver' => 'pgsql']]];\n");
  t.write('php/app/Console/Commands/ResetApp.php', "<?php\nnamespace App\\Console\\Commands;\n\nuse Illuminate\\Console\\Command;\n\nclass ResetApp extends Command\n{\n    protected $signature = 'app:reset {--force}';\n\n    public function handle(): void\n    {\n        $this->call('migrate:fresh', ['--seed' => true]);\n    }\n}\n");
  t.write('php/app/Console/Commands/Stamp.php', "<?php\nclass Stamp extends Command\n{\n    protected $signature = 'app:stamp';\n    public function handle(): void { DB::statement('UPDATE settings SET stamped = 1'); }\n}\n");
  t.write('php/app/Console/Commands/Greet.php', "<?php\nclass Greet extends Command\n{\n    protected $signature = 'app:greet {name}';\n    public function handle(): void { $this->info('hello'); }\n}\n");
}

describe("a project's own commands", () => {
  it('are judged by what their source runs: a SQLite file captured first (rollback brings it back), a server refused', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'bakerydemodb\n*.sqlite\n.env\n');
      django(t);
      rails(t);
      laravel(t);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'three projects']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.writeFileSync(path.join(t.dir, 'dj/bakerydemodb'), DB);
      fs.mkdirSync(path.join(t.dir, 'php/database'));
      fs.writeFileSync(path.join(t.dir, 'php/database/database.sqlite'), DB);
      // Through the installed hook: reset_demo's snapshot captures the database, and rollback restores its bytes (before: allow, nothing captured).
      const reset = hookWithVerdict(t, 'cd dj && python manage.py reset_demo');
      expect(reset).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(reset.capturedIgnored).toContain('dj/bakerydemodb');
      fs.writeFileSync(path.join(t.dir, 'dj/bakerydemodb'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'dj/bakerydemodb'))).toEqual(DB);
      // through check-command: the server database reset_demo deletes from is refused, the way forward a dump first
      const cli = checkVerdict(t, 'DATABASE_URL=postgres://db/bakery python manage.py reset_demo', { asAgent: true, cwd: path.join(t.dir, 'dj') });
      expect(cli).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(cli.reason).toContain('reset_demo (bakery/base/management/commands/reset_demo.py)');
      expect(cli.instead).toContain('pg_dump');
      await expectEvaluatedVerdicts(
        t,
        [
          ['python manage.py load_initial_data', 'snapshot', 'overwrite-ignored', ['load_initial_data', '.delete()', 'bakerydemodb']],
          ['./manage.py reset_admin_password', 'snapshot', 'overwrite-ignored', ['reset_admin_password', 'bakerydemodb']],
          ['python manage.py load_initial_data --settings=bakery.settings.prod', 'deny', 'remote-data-delete', ['.delete()', 'postgresql', 'bakery.settings.prod']],
          ['DATABASE_URL=postgres://db/bakery python manage.py load_initial_data', 'deny', 'remote-data-delete', ['load_initial_data']],
          // followed through call_command to a command of an app named by its AppConfig, which flushes
          ['python manage.py nightly --settings=bakery.settings.prod', 'deny', 'remote-data-delete', ['nightly', 'wipe_posts', 'call_command("flush"']],
          ['django-admin nightly', 'snapshot', 'overwrite-ignored', ['wipe_posts', 'bakerydemodb']],
          ['python manage.py refresh --settings=bakery.settings.prod', 'deny', 'remote-data-delete', ['refresh', 'wipe_posts']],
          // a command that only writes rows is free on a server (as Django's loaddata and changepassword are)
          ['DATABASE_URL=postgres://db/bakery python manage.py reset_admin_password', 'snapshot', 'overwrite-ignored', ['reset_admin_password']],
          // (not refused; the repository's files named like a database are captured, as for Django's own commands: php/'s)
          ['python manage.py reset_admin_password --settings=bakery.settings.prod', 'snapshot', 'overwrite-ignored', ['database.sqlite']],
          // reads only, Django's own, and commands guard cannot find: free
          ['python manage.py show_stats', 'allow', 'no-risk'],
          ['python manage.py runserver', 'allow', 'no-risk'],
          ['python manage.py update_index', 'allow', 'no-risk'],
          ['python manage.py reset_schema --settings=bakery.settings.prod', 'deny', 'remote-data-delete', ['reset_schema']],
          // in the compose service built from the project, whose environment names Postgres
          ['docker compose exec app python manage.py load_initial_data', 'deny', 'remote-data-delete', ['load_initial_data', 'run in the service app']],
          ['docker compose exec app python manage.py show_stats', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'dj') },
      );
      await expectEvaluatedVerdicts(
        t,
        [
          ['rake demo_data:default', 'deny', 'remote-data-delete', ['demo_data:default', 'Demo::DataCleaner', '.destroy_all', 'postgresql']],
          ['bin/rails demo_data:default', 'deny', 'remote-data-delete', ['Demo::Generator']],
          ['bundle exec rake app:reset', 'deny', 'remote-data-delete', ['app:reset', 'db:reset']],
          ['rake app:nightly', 'deny', 'remote-data-delete', ['app:nightly', 'demo_data:default']],
          // SQL in a string literal (data-effect.ts)
          ['rake app:truncate_logs', 'deny', 'remote-data-delete', ['TRUNCATE TABLE logs']],
          ['RAILS_ENV=test rake demo_data:default', 'allow', 'no-risk'],
          ['rake demo_data:stats', 'allow', 'no-risk'],
          ['rails server', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'rb') },
      );
      await expectEvaluatedVerdicts(
        t,
        [
          ['php artisan app:reset --force', 'snapshot', 'overwrite-ignored', ['app:reset', "call('migrate:fresh')", 'database.sqlite']],
          ['DB_CONNECTION=pgsql php artisan app:reset --force', 'deny', 'remote-data-delete', ['app:reset', 'pgsql']],
          ['php artisan app:stamp', 'snapshot', 'overwrite-ignored', ['UPDATE settings SET']],
          ['php artisan app:greet Ada', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'php') },
      );
    });
  });

  it('run on another machine or in a pod: read from the repository, refused against that server database', async () => {
    await withTestRepo(async (t) => {
      // Before 2026-12-07 each of these was "no destructive command found": the project's configuration is there, unseen,
      // so its own commands were not read at all (databases.ts refuseProjectCommand, CommandContext.inContainer.sourceDir).
      django(t);
      rails(t);
      laravel(t);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'three projects']);
      t.guard(['init', '--yes']);
      // through check-command: a dyno's database is the app's Heroku Postgres; the way forward a backup there
      const cli = checkVerdict(t, 'heroku run rake demo_data:default -a shop', { asAgent: true, cwd: path.join(t.dir, 'rb') });
      expect(cli).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete', reason: expect.stringContaining('Demo::DataCleaner') });
      expect(cli.instead).toContain('heroku pg:backups:capture');
      await expectEvaluatedVerdicts(
        t,
        [
          ['heroku run bin/rails runner "Family.destroy_all" -a shop', 'deny', 'remote-data-delete', ['rails runner', '.destroy_all', 'DATABASE_URL', 'dyno of shop']],
          ['kubectl exec web-0 -- bin/rails app:nightly', 'deny', 'remote-data-delete', ['app:nightly', "in the container's image"]],
          ["fly ssh console -C 'bin/rails demo_data:default'", 'deny', 'remote-data-delete', ['demo_data:default', 'on that machine']],
          ["ssh prod 'cd /srv/app && bundle exec rake app:truncate_logs'", 'deny', 'remote-data-delete', ['TRUNCATE TABLE logs', 'host prod']],
          // reads, and the test environment: free there as here
          ['heroku run rake demo_data:stats', 'allow', 'no-risk'],
          ["kubectl exec web-0 -- bin/rails runner 'puts Family.count'", 'allow', 'no-risk'],
          ['kubectl exec web-0 -- env RAILS_ENV=test bin/rails demo_data:default', 'allow', 'no-risk'],
          ['heroku logs --tail -a shop', 'allow', 'no-risk'],
          // railway run: here, with the Railway service's variables (its database's DATABASE_URL)
          ['railway run bin/rails demo_data:default', 'deny', 'remote-data-delete', ['demo_data:default', 'DATABASE_URL']],
          ['railway run -s web -- rails db:reset', 'deny', 'remote-data-delete', ['db:reset']],
          ['railway run bin/rails demo_data:stats', 'allow', 'no-risk'],
          ['railway run npm test', 'allow', 'no-risk'],
          // fly console -C (a new Machine of the app: its database), fly machine exec (a running one)
          ["fly console -a shop -C 'bin/rails demo_data:default'", 'deny', 'remote-data-delete', ['demo_data:default', 'console Machine of shop']],
          ["fly machine exec 3d8d9e1f 'bin/rails app:nightly'", 'deny', 'remote-data-delete', ['app:nightly']],
          ["fly console -C 'bin/rails demo_data:stats'", 'allow', 'no-risk'],
          ["aws ecs execute-command --cluster prod --task 0f9e --container web --command 'bin/rails demo_data:default' --interactive", 'deny', 'remote-data-delete', ['demo_data:default', 'ECS task 0f9e']],
        ],
        { cwd: path.join(t.dir, 'rb') },
      );
      await expectEvaluatedVerdicts(
        t,
        [
          ['heroku run python manage.py load_initial_data -a bakery', 'deny', 'remote-data-delete', ['load_initial_data', 'Heroku Postgres']],
          ['kubectl exec deploy/web -- python manage.py nightly', 'deny', 'remote-data-delete', ['wipe_posts']],
          ["ssh prod 'cd /srv/app && ./manage.py reset_demo'", 'deny', 'remote-data-delete', ['reset_demo', 'on that machine']],
          ["ssh prod 'cd /srv/app && python manage.py show_stats'", 'allow', 'no-risk'],
          ['kubectl exec web -- python manage.py load_initial_data --settings=bakery.settings.test', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'dj') },
      );
      await expectEvaluatedVerdicts(
        t,
        [
          ["ssh prod 'cd app && php artisan app:reset --force'", 'deny', 'remote-data-delete', ['app:reset', "call('migrate:fresh')", 'host prod']],
          ['kubectl exec web -- php artisan app:reset --force', 'deny', 'remote-data-delete', ['app:reset']],
          ['kubectl exec web -- php artisan app:greet Ada', 'allow', 'no-risk'],
          ['ssh prod uptime', 'allow', 'no-risk'],
        ],
        { cwd: path.join(t.dir, 'php') },
      );
    });
  });
});
