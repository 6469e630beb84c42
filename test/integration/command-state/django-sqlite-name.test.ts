/**
 * A Django project's SQLite database named unlike a database (src/policy/command/django-sqlite.ts).
 * Wagtail's bakerydemo keeps its data in an ignored `bakerydemodb` (`"NAME": os.path.join(BASE_DIR,
 * os.environ.get("DATABASE_NAME", "bakerydemodb"))` in settings/base.py, star-imported by the
 * settings/dev.py its manage.py names). A migration command captures the ignored files named
 * `*.db*`, `*.sqlite*`, `*.duckdb*` first; `bakerydemodb` is none, so `./manage.py flush
 * --noinput` was "allow: no destructive command found" and the rows were gone for good (friction
 * hunt of 2026-12-07). Now the settings give the name: captured, and `guard rollback` puts the
 * bytes back. Judged through the installed Claude hook (journal) and in this process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const DB = Buffer.from('SQLite format 3\0rows the person entered\n');

describe("a Django project's SQLite file named otherwise", () => {
  it('is found from the settings manage.py names and captured before flush or migrate; rollback brings it back', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'projdb\n__pycache__/\n');
      t.write('manage.py', '#!/usr/bin/env python\nimport os, sys\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n', 0o755);
      t.write('proj/settings/__init__.py', '');
      t.write('proj/settings/dev.py', 'from .base import *  # noqa\nDEBUG = True\n');
      t.write(
        'proj/settings/base.py',
        'import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": os.path.join(\n            BASE_DIR, os.environ.get("DATABASE_NAME", "projdb")\n        ),\n    }\n}\n',
      );
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'django project']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      fs.writeFileSync(path.join(t.dir, 'projdb'), DB);
      // Through the installed hook: the snapshot captures projdb (before: allow, nothing captured).
      const flush = hookWithVerdict(t, './manage.py flush --noinput');
      expect(flush).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(flush.capturedIgnored).toContain('projdb');
      fs.writeFileSync(path.join(t.dir, 'projdb'), 'SQLite format 3\0');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'projdb'))).toEqual(DB);
      await expectEvaluatedVerdicts(t, [
        ['python manage.py migrate', 'snapshot', 'overwrite-ignored', ['projdb']],
        ['python3 manage.py migrate proj 0001', 'snapshot', 'overwrite-ignored', ['projdb']],
        ['./manage.py loaddata fixtures.json --settings=proj.settings.base', 'snapshot', 'overwrite-ignored', ['projdb']],
        // django-admin and python -m django read the same settings (server-frameworks.ts djangoSettings)
        ['django-admin flush --noinput', 'snapshot', 'overwrite-ignored', ['projdb']],
        ['python -m django migrate --settings proj.settings.dev', 'snapshot', 'overwrite-ignored', ['projdb']],
        // What does not touch the database stays free.
        ['./manage.py runserver', 'allow', 'no-risk'],
        ['./manage.py makemigrations', 'allow', 'no-risk'],
      ]);
    });
  });
});
