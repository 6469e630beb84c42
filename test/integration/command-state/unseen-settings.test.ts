/**
 * Which database a framework's reset reaches where guard cannot read the settings it runs with.
 * (1) A DATABASE_URL the container's environment or the line sets used to replace the stand-in
 * (server-frameworks.ts CONTAINER_DATABASE_URL, UNSEEN_DATABASE_URL) for every framework, so
 * Django without dj-database-url, Ecto and Flyway in a container with DATABASE_URL set were free;
 * now only the frameworks that read DATABASE_URL (Rails, Prisma, Laravel ...) take it
 * (Invocation.unseenProject). (2) A Django settings module guard cannot see: computed on the line
 * (`--settings="$S"`, `DJANGO_SETTINGS_MODULE=$(...)`) or, for django-admin, the environment's
 * where no manage.py names one: flush, reset_db and migrate back are refused with the way forward
 * (the module on the line); an exported module is read where the line sets it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const DB = Buffer.from('SQLite format 3\0the rows\n');

describe('settings guard cannot read', () => {
  it('keep the stand-in in a container whatever DATABASE_URL it sets, and refuse a Django reset whose settings module is unseen', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'appdb\n');
      t.write('manage.py', 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings.dev")\n');
      t.write('app/__init__.py', '');
      t.write('app/settings/__init__.py', '');
      t.write('app/settings/dev.py', 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "appdb"}}\n');
      t.write('app/settings/prod.py', 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}}\n');
      t.write('sub/README', 'no manage.py here\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'django project']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.writeFileSync(path.join(t.dir, 'appdb'), DB);
      // The exported module is the one read: dev's appdb (a name only the settings give) is captured, rollback restores it.
      const flush = hookWithVerdict(t, 'export DJANGO_SETTINGS_MODULE=app.settings.dev && django-admin flush --noinput');
      expect(flush).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(flush.capturedIgnored).toContain('appdb');
      fs.writeFileSync(path.join(t.dir, 'appdb'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'appdb'))).toEqual(DB);
      const cli = checkVerdict(t, 'docker exec -e DATABASE_URL=sqlite:////tmp/x.db web python manage.py flush --noinput', { asAgent: true });
      expect(cli).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
      expect(cli.reason).toContain('in the container');
      await expectEvaluatedVerdicts(t, [
        // (1) frameworks that read no DATABASE_URL keep the stand-in (before: free)
        ['docker exec -e DATABASE_URL=postgres://db/app web mix ecto.reset', 'deny', 'remote-data-delete', ['ecto.reset', 'in the container']],
        ['docker exec -e DATABASE_URL=postgres://db/app web flyway clean', 'deny', 'remote-data-delete', ['flyway clean']],
        ['docker exec -e DATABASE_URL=sqlite:////tmp/x.db web django-admin migrate app zero', 'deny', 'remote-data-delete', ['migrate app zero']],
        ['ssh prod "DATABASE_URL=sqlite:///x mix ecto.reset"', 'deny', 'remote-data-delete', ['on that machine']],
        // ... the ones that read it take it; a test settings module named on the line stays free there
        ['docker exec -e DATABASE_URL=sqlite3:x web bin/rails db:reset', 'allow', 'no-risk'],
        ['docker exec -e DATABASE_URL=postgres://db/app web bin/rails db:reset', 'deny', 'remote-data-delete', ['postgres']],
        ['docker exec -e DATABASE_URL=postgres://db/app web python manage.py flush --noinput --settings=app.settings.test', 'allow', 'no-risk'],
        // (2) a settings module guard cannot see (before: a snapshot of the repository's files only)
        ['DJANGO_SETTINGS_MODULE=$(cat .settings) django-admin flush --noinput', 'deny', 'remote-data-delete', ['cannot see', '--settings=']],
        ['python manage.py flush --noinput --settings="$S"', 'deny', 'remote-data-delete', ['cannot see']],
        ['cd sub && django-admin flush --noinput', 'deny', 'remote-data-delete', ['the environment names', '--settings=']],
        ['cd sub && django-admin reset_db --noinput', 'deny', 'remote-data-delete', ['reset_db']],
        // ... the module set where the line sets it, exported or prefixed
        ['export DJANGO_SETTINGS_MODULE=app.settings.prod && django-admin flush --noinput', 'deny', 'remote-data-delete', ['postgresql', 'app.settings.prod']],
        ['DJANGO_SETTINGS_MODULE=app.settings.prod; export DJANGO_SETTINGS_MODULE; python manage.py flush --noinput', 'deny', 'remote-data-delete', ['app.settings.prod']],
        // no friction: manage.py's own module, a test module, migrations and test runs
        ['python manage.py flush --noinput', 'snapshot', 'overwrite-ignored', ['appdb']],
        ['cd sub && django-admin flush --noinput --settings=app.settings.test', 'allow', 'no-risk'],
        ['cd sub && django-admin migrate', 'allow', 'no-risk'],
        ['DJANGO_SETTINGS_MODULE=$S python manage.py test', 'allow', 'no-risk'],
      ]);
    });
  });
});
