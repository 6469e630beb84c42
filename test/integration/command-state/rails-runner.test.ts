/**
 * Rails' own commands found loose on codetriage/CodeTriage (PostgreSQL) on 2026-12-07, each
 * "allow: no destructive command found" before (src/policy/command/rails-runner.ts,
 * server-frameworks.ts): `bin/rails runner 'Issue.delete_all'` (inline, a file, `rails r`,
 * `bundle exec`) and `bin/rails db:fixtures:load`. `bin/rails log:clear tmp:clear` stays free by
 * choice (rails-runner.ts): capturing the logs first refused it for the large log it is run for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const DB = Buffer.from('SQLite format 3\0issues the person triaged\n');
const LOG = 'Started GET "/" for 127.0.0.1\n';

/** A Rails application as codetriage lays it out (its database.yml, with `adapter` given). */
function railsApp(t: TestRepo, adapter: 'postgresql' | 'sqlite3'): void {
  t.write('.gitignore', '/log/*.log\n/tmp\n/storage/*.sqlite3\n');
  t.write('log/.gitkeep', '');
  t.write('bin/rails', '#!/usr/bin/env ruby\nAPP_PATH = File.expand_path("../config/application", __dir__)\nrequire_relative "../config/boot"\nrequire "rails/commands"\n', 0o755);
  t.write('Rakefile', 'require_relative "config/application"\nRails.application.load_tasks\n');
  t.write('config/environments/development.rb', 'Rails.application.configure do\nend\n');
  t.write('config/environments/production.rb', 'Rails.application.configure do\nend\n');
  t.write(
    'config/database.yml',
    adapter === 'postgresql'
      ? 'defaults: &defaults\n  adapter: postgresql\n  encoding: utf8\n  host: localhost\n\ndevelopment:\n  <<: *defaults\n  database: triage_development\n\ntest:\n  <<: *defaults\n  database: triage_test\n\nproduction:\n  <<: *defaults\n  database: triage_production\n'
      : 'development:\n  adapter: sqlite3\n  database: storage/development.sqlite3\ntest:\n  adapter: sqlite3\n  database: storage/test.sqlite3\n',
  );
  t.write('script/cleanup.rb', '# closes what is stale\nIssue.where(state: "closed").delete_all\n');
  t.write('script/report.rb', 'puts Issue.count\n');
  t.write('app/models/issue_cleaner.rb', 'class IssueCleaner\n  def call\n    Issue.destroy_all\n  end\nend\n');
  t.write('test/fixtures/issues.yml', 'one:\n  title: MyString\n');
  // the compose service built from the project, pointed at Postgres (codetriage's docker setup)
  t.write('Dockerfile', 'FROM ruby:3.3\nWORKDIR /app\nCOPY . .\n');
  t.write('compose.yaml', 'services:\n  web:\n    build: .\n    environment:\n      DATABASE_URL: postgres://postgres@db/triage_development\n');
}

async function setUp(t: TestRepo, adapter: 'postgresql' | 'sqlite3'): Promise<void> {
  railsApp(t, adapter);
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a rails app']);
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  commitGuardFiles(t);
  fs.writeFileSync(path.join(t.dir, 'log/development.log'), LOG);
}

describe('rails runner, db:fixtures:load, log:clear', () => {
  it('on PostgreSQL: a runner that deletes rows and db:fixtures:load are refused, a read stays free, log:clear and tmp:clear are free', async () => {
    await withTestRepo(async (t) => {
      await setUp(t, 'postgresql');
      // through check-command, as an agent (before: allow, "no destructive command found")
      const cli = checkVerdict(t, "bin/rails runner 'Issue.delete_all'", { asAgent: true });
      expect(cli).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(cli.reason).toContain('.delete_all');
      expect(cli.reason).toContain('development database, on a postgresql server');
      expect(cli.instead).toContain('pg_dump');
      expect(cli.instead).toContain('RAILS_ENV=test');
      const fixtures = checkVerdict(t, 'bin/rails db:fixtures:load', { asAgent: true });
      expect(fixtures).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(fixtures.reason).toContain('db:fixtures:load');
      await expectEvaluatedVerdicts(t, [
        ["rails runner 'Issue.delete_all'", 'deny', 'remote-data-delete', ['.delete_all']],
        ["bundle exec rails runner 'Issue.delete_all'", 'deny', 'remote-data-delete', ['.delete_all']],
        ["bin/rails r 'Issue.delete_all'", 'deny', 'remote-data-delete', ['.delete_all']],
        // a file given to runner is read, as Rails runs it; -e picks the environment
        ['bin/rails runner script/cleanup.rb -e production', 'deny', 'remote-data-delete', ['script/cleanup.rb', '.delete_all', 'production database']],
        ['RAILS_ENV=production bin/rails runner script/cleanup.rb', 'deny', 'remote-data-delete', ['production database']],
        // the class it calls, read where Rails autoloads it (as for a rake task)
        ["bin/rails runner 'IssueCleaner.new.call'", 'deny', 'remote-data-delete', ['IssueCleaner (app/models/issue_cleaner.rb)', '.destroy_all']],
        // a write only: free on a server (as db:seed is)
        ["bin/rails runner 'Issue.create!(title: \"x\")'", 'allow', 'no-risk'],
        // reads, and the test environment: free
        ["bin/rails runner 'puts Issue.count'", 'allow', 'no-risk'],
        ['bin/rails runner script/report.rb', 'allow', 'no-risk'],
        ["bin/rails runner -e test 'Issue.delete_all'", 'allow', 'no-risk'],
        ["bin/rails runner 'puts 1'", 'allow', 'no-risk'],
        // `-` reads the code from stdin, as Rails does
        ["echo 'Issue.delete_all' | bin/rails runner -", 'deny', 'remote-data-delete', ['code from stdin', '.delete_all']],
        // code guard cannot see: opaque, as `ruby -e "$CODE"`
        ['bin/rails runner "$CODE"', 'deny', 'opaque-command', ['rails runner']],
        // the code's own shell calls, as `ruby -e` code's
        ["bin/rails runner 'system(\"rm -rf .git\")'", 'deny', 'git-dir-write'],
        ['RAILS_ENV=test bin/rails db:fixtures:load', 'allow', 'no-risk'],
        // in the compose service built from the project (its Postgres): the server half
        ["docker compose exec web bin/rails runner 'Issue.delete_all'", 'deny', 'remote-data-delete', ['.delete_all', 'run in the service web']],
        ["docker compose exec web bin/rails runner 'puts Issue.count'", 'allow', 'no-risk'],
        ['bin/rails db:migrate', 'allow', 'no-risk'],
        ['bin/rails test', 'allow', 'no-risk'],
        // log:clear and tmp:clear: Rails' own clean-up of logs and caches, free (rm typed captures)
        ['bin/rails log:clear tmp:clear', 'allow', 'no-risk'],
        ['bin/rails tmp:clear', 'allow', 'no-risk'],
        ['rm -f log/*.log', 'snapshot', 'rm-in-repo', ['log/development.log']],
      ]);
    });
  });

  it('on SQLite: a runner that deletes rows captures the database first (rollback brings it back); log:clear of a 300 MB log stays free', async () => {
    await withTestRepo(async (t) => {
      await setUp(t, 'sqlite3');
      fs.mkdirSync(path.join(t.dir, 'storage'));
      fs.writeFileSync(path.join(t.dir, 'storage/development.sqlite3'), DB);
      const hook = hookWithVerdict(t, "bin/rails runner 'Issue.delete_all'");
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.capturedIgnored).toContain('storage/development.sqlite3');
      fs.writeFileSync(path.join(t.dir, 'storage/development.sqlite3'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'storage/development.sqlite3'))).toEqual(DB);
      // the log that made the person run log:clear: over what guard captures (a sparse file)
      fs.truncateSync(path.join(t.dir, 'log/development.log'), 300 * 1024 * 1024);
      const clear = hookWithVerdict(t, 'bin/rails log:clear');
      expect(clear).toMatchObject({ decision: 'allow', verdict: 'allow' });
      expect(checkVerdict(t, 'rm -f log/*.log', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'capture-too-large' });
      await expectEvaluatedVerdicts(t, [
        ["bin/rails runner 'Issue.create!(title: \"x\")'", 'snapshot', 'overwrite-ignored', ['.create!', 'storage/development.sqlite3']],
        ['bin/rails db:fixtures:load', 'snapshot', 'overwrite-ignored', ['storage/development.sqlite3']],
        ["bin/rails runner 'puts Issue.count'", 'allow', 'no-risk'],
      ]);
      // tmp:clear: free, where `rm -rf tmp/cache` typed captures first
      fs.mkdirSync(path.join(t.dir, 'tmp/cache'), { recursive: true });
      fs.writeFileSync(path.join(t.dir, 'tmp/cache/bootsnap.txt'), 'cache\n');
      await expectEvaluatedVerdicts(t, [
        ['bin/rails tmp:clear', 'allow', 'no-risk'],
        ['rm -rf tmp/cache', 'snapshot', 'rm-in-repo', ['tmp/cache']],
      ]);
    });
  });
});
