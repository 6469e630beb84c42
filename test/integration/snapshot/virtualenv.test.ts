/**
 * A Python virtual environment git does not ignore (`python -m venv .venv` without a .gitignore
 * line, as before Python 3.13) is left out of snapshots as an ignored one is
 * (src/snapshot/virtualenvs.ts): listed once as skipped ("virtualenv"), its files in no tree, and
 * a rollback leaves it byte for byte as it is. Only a directory holding a pyvenv.cfg with a
 * `home` key counts, never the repository's root, and never a tracked file inside one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { gitPath } from '../../../src/git/path.js';

function snapshotJson(repo: TestRepo): { id: string; oid: string; skipped: unknown[] } & Record<string, unknown> {
  const r = repo.guard(['snapshot', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** A venv as `python -m venv` lays it out (a symlinked interpreter, a site-packages with a package). */
function makeVenv(repo: TestRepo, dir: string): void {
  repo.write(`${dir}/pyvenv.cfg`, 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n');
  fs.mkdirSync(path.join(repo.dir, dir, 'bin'), { recursive: true });
  fs.symlinkSync('/usr/bin/python3', path.join(repo.dir, dir, 'bin', 'python'));
  repo.write(`${dir}/bin/activate`, '# This file must be used with "source bin/activate"\n', 0o755);
  repo.write(`${dir}/lib/python3.11/site-packages/pkg/__init__.py`, 'VALUE = 1\n');
}

function treeNames(repo: TestRepo, commit: string): string[] {
  return repo.git(['ls-tree', '-r', '--name-only', commit]).split('\n').filter(Boolean);
}

describe('a Python virtual environment git does not ignore', () => {
  it('is left out of the snapshot, listed as skipped, and a rollback leaves its bytes as they are', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'app.py': 'print(1)\n' }, 'base');
      makeVenv(repo, '.venv');
      // look-alikes that are captured: a directory without pyvenv.cfg, a pyvenv.cfg without `home`
      repo.write('notvenv/lib/site-packages/mine.py', 'mine\n');
      repo.write('data/pyvenv.cfg', 'version = 3.11\n');
      repo.write('data/notes.txt', 'notes\n');
      const r = repo.guard(['snapshot']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('skipped .venv: virtualenv');
      expect(r.stderr).toContain('A Python virtual environment');
      const first = snapshotJson(repo);
      expect(first.skipped).toEqual([{ path: '.venv', reason: 'virtualenv' }]);
      const names = treeNames(repo, first.oid);
      expect(names.filter((n) => n.startsWith('.venv'))).toEqual([]);
      expect(names).toEqual(expect.arrayContaining(['app.py', 'notvenv/lib/site-packages/mine.py', 'data/pyvenv.cfg', 'data/notes.txt']));

      // The agent edits a tracked file and installs into the venv; the rollback puts app.py back
      // and leaves the venv (with what was installed) byte for byte as it is, like an ignored one.
      repo.write('app.py', 'print(2)\n');
      repo.write('.venv/lib/python3.11/site-packages/pkg/__init__.py', 'VALUE = 2\n');
      repo.write('.venv/lib/python3.11/site-packages/other/__init__.py', 'new\n');
      const venvBefore = Object.entries(byteState(repo)).filter(([k]) => k.startsWith('.venv'));
      const back = repo.guard(['rollback', '--yes', first.id]);
      expect(back.code, back.stderr).toBe(0);
      expect(repo.read('app.py')).toBe('print(1)\n');
      expect(Object.entries(byteState(repo)).filter(([k]) => k.startsWith('.venv'))).toEqual(venvBefore);
      expect(repo.read('notvenv/lib/site-packages/mine.py')).toBe('mine\n');
    }));

  it('counts only below the root: a repository made into a venv (`python -m venv .`) keeps its untracked files captured', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'app.py': 'print(1)\n' }, 'base');
      repo.write('pyvenv.cfg', 'home = /usr/bin\n');
      repo.write('lib/python3.11/site-packages/pkg/__init__.py', 'x\n');
      repo.write('notes.txt', 'mine\n');
      const snap = snapshotJson(repo);
      expect(snap.skipped).toEqual([]);
      expect(treeNames(repo, snap.oid)).toEqual(expect.arrayContaining(['pyvenv.cfg', 'notes.txt', 'lib/python3.11/site-packages/pkg/__init__.py']));
    }));

  it('keeps a tracked file inside one captured, and an incremental snapshot gives the full walk’s tree', async () => {
    await withTestRepo(async (repo) => {
      commitFiles(repo, { 'app.py': 'print(1)\n', 'tools/env/requirements.lock': 'pkg==1\n' }, 'base');
      makeVenv(repo, 'tools/env');
      repo.write('tools/env/requirements.lock', 'pkg==2\n');
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const first = await createSnapshot(r);
      expect(first.snapshot.skipped).toEqual([{ path: 'tools/env', reason: 'virtualenv' }]);
      const names = treeNames(repo, first.snapshot.oid);
      expect(names.filter((n) => n.startsWith('tools/env'))).toEqual(['tools/env/requirements.lock']);
      expect(repo.git(['show', `${first.snapshot.oid}:tools/env/requirements.lock`])).toBe('pkg==2\n');
      repo.write('tools/env/lib/python3.11/site-packages/more.py', 'more\n');
      repo.write('app.py', 'print(3)\n');
      const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths: [gitPath('tools/env/lib'), gitPath('app.py')] });
      const full = await createSnapshot(r, { force: true });
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
      expect(incremental.snapshot.skipped).toEqual([{ path: 'tools/env', reason: 'virtualenv' }]);
      expect(treeNames(repo, full.snapshot.oid).filter((n) => n.startsWith('tools/env'))).toEqual(['tools/env/requirements.lock']);
    });
  });
});
