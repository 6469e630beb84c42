/**
 * A database client run inside a container or a pod (src/policy/command/container-exec.ts):
 * `docker compose exec db psql -c 'DROP DATABASE app'`, `docker exec -i pg psql < drop.sql`,
 * `docker compose exec web bin/rails db:drop` were "allow: no destructive command found" until
 * 2026-12-06, while the same lines typed on the host are `remote-data-delete`: the rows live in a
 * volume outside the repository, where no snapshot holds them. One compose project (the database
 * service on a named volume, no bind mount), a drop.sql on the host and a Rails config naming
 * PostgreSQL, judged by check-command's evaluation in this process (test/helpers/evaluated.ts; the
 * first row and the person's verdict through the real `guard check-command`) and the installed
 * Claude hook; no Docker is needed (guard runs no container).
 */
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { agentVerdict, checkVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const FILES: Record<string, string> = {
  // web is built from the repository (its configuration is the repository's); worker runs a registry's image (its own,
  // unseen); site is built from it with a mount that leaves its working directory the image's (wagtail/bakerydemo's shape)
  'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\n  web:\n    build: .\n  app:\n    image: ruby:3.3\n    working_dir: /app\n    volumes: [.:/app]\n  worker:\n    image: registry.example.com/acme/app:1.4\n  site:\n    build: .\n    working_dir: /code\n    volumes: [./static:/code/static]\nvolumes:\n  pgdata: {}\n',
  'static/app.css': 'body {}\n',
  // a Django project on SQLite beside it: what a pod runs is not this (its image's configuration is its own)
  'lite/manage.py': '#!/usr/bin/env python\nimport os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\n',
  'lite/site1/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}\n",
  'config/database.yml': 'development:\n  adapter: postgresql\n  database: app_development\ntest:\n  adapter: postgresql\n  database: app_test\n',
  'db/drop.sql': 'BEGIN;\nDROP TABLE users;\nCOMMIT;\n',
  'db/seed.sql': 'INSERT INTO users VALUES (1);\n',
  'knexfile.js': "module.exports = {\n  development: { client: 'pg', connection: { database: 'app' } },\n};\n",
  'manage.py': '#!/usr/bin/env python\nimport os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\n',
  'site1/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app'}}\n",
};

describe('a database client inside a container or a pod', () => {
  it('judges what it sends the server as the client on the host, everyday exec lines free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const cases: VerdictCase[] = [
        ["docker compose exec db psql -U postgres -c 'DROP DATABASE app'", 'deny', 'remote-data-delete', ['DROP DATABASE', 'service db']],
        // the line's stdin reaches the client where the line attaches it: the host's db/drop.sql
        ['docker exec -i pg psql -U postgres < db/drop.sql', 'deny', 'remote-data-delete', ['db/drop.sql', 'container pg']],
        ['cat db/drop.sql | docker compose exec -T db psql', 'deny', 'remote-data-delete', 'DROP TABLE'],
        ['kubectl exec -i pg-0 -- psql app < db/drop.sql', 'deny', 'remote-data-delete', 'pod pg-0'],
        // the repository's config is what the app container reads (mounted, as compose projects do)
        ['docker compose exec web bin/rails db:drop', 'deny', 'remote-data-delete', 'config/database.yml'],
        ['docker compose exec -e RAILS_ENV=test web bin/rails db:reset', 'allow', 'no-risk'],
        ['docker compose exec web npx knex migrate:rollback --all', 'deny', 'remote-data-delete', 'knexfile.js'],
        // python's own option grammar (scripts.ts): `-W ignore` takes a value, the script is manage.py
        ['docker compose exec web python manage.py flush --noinput', 'deny', 'remote-data-delete', 'site1.settings'],
        ['docker compose exec web python3 -W ignore ./manage.py flush --noinput', 'deny', 'remote-data-delete', 'site1.settings'],
        ['docker compose exec web python manage.py migrate', 'allow', 'no-risk'],
        // through the bind mount container-run.ts maps: judged there whole, with the line's -e too
        ['docker compose run --rm app bin/rails db:reset', 'deny', 'remote-data-delete', 'where /app is .'],
        ['docker compose run --rm -e RAILS_ENV=test app bin/rails db:reset', 'allow', 'no-risk'],
        // a file only the container has: SQL guard cannot read
        ['docker compose exec db psql -f /docker-entrypoint-initdb.d/init.sql', 'ask', 'remote-data-delete', '/docker-entrypoint-initdb.d/init.sql (a file in the container)'],
        ['docker exec pg psql -U postgres < db/drop.sql', 'allow', 'no-risk'],
        ['docker compose exec -T db psql < db/seed.sql', 'allow', 'no-risk'],
        ['docker compose exec db psql', 'allow', 'no-risk'],
        // kept off the terminal, nothing sent (as `psql < /dev/null` on the host: it was asked before)
        ['docker compose exec -T db psql -U postgres < /dev/null', 'allow', 'no-risk'],
        ['docker compose exec web npm test', 'allow', 'no-risk'],
        ['docker compose exec web bin/rails db:migrate', 'allow', 'no-risk'],
      ];
      // whose configuration a framework in a container reads (2026-12-07, helper djexec): the repository's only where the
      // container's project is it (a service built from it); a pod, an unmatched container, a registry image's service read
      // their own, unseen: the stand-in, as over ssh
      const projects: VerdictCase[] = [
        ['cd lite && kubectl exec deploy/web -- python manage.py flush --noinput', 'deny', 'remote-data-delete', ['manage.py flush', 'in the container', 'pod deploy/web']],
        ['kubectl exec web-0 -- django-admin flush --noinput', 'deny', 'remote-data-delete', 'django-admin flush'],
        ['kubectl exec -it web-0 -- python -m django migrate blog zero', 'deny', 'remote-data-delete', 'migrate blog zero'],
        ['cd lite && docker exec legacy-web python manage.py migrate app zero', 'deny', 'remote-data-delete', ['in the container', 'container legacy-web']],
        ['docker exec legacy-web uv run manage.py flush --noinput', 'deny', 'remote-data-delete', 'manage.py flush'],
        ['docker compose exec worker python manage.py flush --noinput', 'deny', 'remote-data-delete', ['in the container', 'service worker']],
        ['docker compose exec web django-admin flush --noinput', 'deny', 'remote-data-delete', 'site1.settings'],
        ['docker compose exec site python manage.py flush --noinput', 'deny', 'remote-data-delete', 'site1.settings'],
        ['kubectl exec web-0 -- python manage.py migrate', 'allow', 'no-risk'],
        ['kubectl exec web-0 -- python manage.py flush --noinput --settings=app.settings.test', 'allow', 'no-risk'],
        ['kubectl exec web-0 -- python -m django --version', 'allow', 'no-risk'],
        ['docker exec legacy-web python manage.py test', 'allow', 'no-risk'],
        ['docker compose exec worker python manage.py migrate', 'allow', 'no-risk'],
        ['docker compose exec site python manage.py shell -c "print(1)"', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, projects);
      // a person is asked; the dump is made where the database runs
      const pod = checkVerdict(t, 'kubectl exec web-0 -- python manage.py flush --noinput');
      expect(pod).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
      expect(pod.instead).toContain('kubectl exec POD -- pg_dump');
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, cases[0]![0], { asAgent: true }));
      await expectEvaluatedVerdicts(t, cases);
      // a person is asked
      expect(checkVerdict(t, "kubectl exec pg-0 -- dropdb app")).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
      // through the installed Claude hook
      expect(agentVerdict(t, 'docker exec -i pg psql < db/drop.sql').decision).toBe('deny');
      expect(agentVerdict(t, "kubectl exec -it pg-0 -- psql -c 'DROP TABLE users'").decision).toBe('deny');
      expect(agentVerdict(t, 'docker compose exec web npm test').decision).toBe('allow');
    });
  });
});
