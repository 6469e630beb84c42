/**
 * A repository copied (`cp -a orig copy`) or moved carries guard's files in `.git/guard` along;
 * what they say about the repository must apply to the copy, never to the original (issue 11):
 * the hooks manifest, the backup link and the watcher's pid file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyRepoSettled, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { json, waitForBackgroundPush, waitForWatcher } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// These tests run recover or read the backup: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

function hookFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) files[name] = fs.readFileSync(path.join(dir, name), 'latin1');
  return files;
}

function setUp(repo: TestRepo): void {
  repo.write('README.md', '# project\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  repo.write('.git/hooks/pre-push', '#!/bin/sh\necho mine\n', 0o755);
  const init = repo.guard(['init', '--yes', '--agents', 'none']);
  expect(init.code, init.stderr).toBe(0);
}

function copyRepo(repo: TestRepo, name: string): string {
  const copy = path.join(repo.base, name);
  copyRepoSettled(repo.dir, copy);
  return copy;
}

describe('a copied repository', () => {
  it('guard uninstall in the copy removes the copy\'s hooks and leaves the original\'s intact', () =>
    withTestRepo(async (repo) => {
      setUp(repo);
      await waitForBackgroundPush(repo);
      const originalHooks = path.join(repo.dir, '.git', 'hooks');
      const before = hookFiles(originalHooks);
      const copy = copyRepo(repo, 'copy');

      const un = repo.guard(['uninstall'], { cwd: copy });
      expect(un.code, un.stderr).toBe(0);
      expect(hookFiles(originalHooks)).toEqual(before);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'hooks-manifest.json'))).toBe(true);
      // The copy got its own hooks directory back as it was before guard init.
      expect(fs.readFileSync(path.join(copy, '.git', 'hooks', 'pre-push'), 'utf8')).toBe('#!/bin/sh\necho mine\n');
      expect(fs.existsSync(path.join(copy, '.git', 'hooks', 'reference-transaction'))).toBe(false);
      // The original is still guarded.
      expect(json(repo, ['status']).ok).toBe(true);
    }));

  it('guard init in the copy installs into the copy, and a moved repository keeps working', () =>
    withTestRepo(async (repo) => {
      setUp(repo);
      await waitForBackgroundPush(repo);
      const before = hookFiles(path.join(repo.dir, '.git', 'hooks'));
      const copy = copyRepo(repo, 'copy');
      const init = repo.guard(['init', '--yes', '--agents', 'none'], { cwd: copy });
      expect(init.code, init.stderr).toBe(0);
      expect(json(repo, ['status'], { cwd: copy }).ok).toBe(true);
      expect(hookFiles(path.join(repo.dir, '.git', 'hooks'))).toEqual(before);

      const moved = path.join(repo.base, 'moved');
      fs.renameSync(copy, moved);
      const un = repo.guard(['uninstall'], { cwd: moved });
      expect(un.code, un.stderr).toBe(0);
      expect(fs.readFileSync(path.join(moved, '.git', 'hooks', 'pre-push'), 'utf8')).toBe('#!/bin/sh\necho mine\n');
      expect(hookFiles(path.join(repo.dir, '.git', 'hooks'))).toEqual(before);
    }));

  it('gets a backup of its own, while a moved repository keeps its backup', () =>
    withTestRepo(async (repo) => {
      setUp(repo);
      json(repo, ['backup', 'push']);
      await waitForBackgroundPush(repo);
      const original = json(repo, ['backup', 'status']).path;
      const copy = copyRepo(repo, 'copy');
      repo.write('../copy/only-in-copy.txt', 'copy\n');
      json(repo, ['snapshot'], { cwd: copy });
      json(repo, ['backup', 'push'], { cwd: copy });
      const copyBackup = json(repo, ['backup', 'status'], { cwd: copy });
      expect(copyBackup.path).not.toBe(original);
      expect(copyBackup.inSync).toBe(true);
      // The original's backup did not receive the copy's snapshot, and still takes the original's.
      repo.write('only-in-original.txt', 'original\n');
      json(repo, ['snapshot']);
      const push = json(repo, ['backup', 'push']);
      expect(push.local.ok).toBe(true);
      expect(json(repo, ['backup', 'status']).path).toBe(original);

      await waitForBackgroundPush(repo);
      const moved = path.join(repo.base, 'moved');
      fs.renameSync(repo.dir, moved);
      json(repo, ['snapshot'], { cwd: moved });
      expect(json(repo, ['backup', 'push'], { cwd: moved }).local.ok).toBe(true);
      expect(json(repo, ['backup', 'status'], { cwd: moved }).path).toBe(original);
      fs.renameSync(moved, repo.dir);
    }));

  it('starts a watcher of its own while the original\'s runs (the copied pid file names the original\'s watcher)', () =>
    withTestRepo(async (repo) => {
      setUp(repo);
      expect(repo.guard(['watch']).code).toBe(0);
      const originalWatcher = await waitForWatcher(repo);
      const copy = copyRepo(repo, 'copy');
      expect(repo.guard(['watch'], { cwd: copy }).code).toBe(0);
      const copyWatcher = await waitForWatcher({ ...repo, guard: (args, options) => repo.guard(args, { ...options, cwd: copy }) });
      expect(copyWatcher.file.pid).not.toBe(originalWatcher.file.pid);
      expect(repo.guard(['watch', 'stop'], { cwd: copy }).code).toBe(0);
      expect(json(repo, ['watch', 'status']).health).toBe('running');
    }));

  it('an edit of the copy\'s own .guard.yaml holds in the copy\'s git hooks at once (the copied policy.sh names the original\'s .guard.yaml)', () =>
    withTestRepo(async (repo) => {
      setUp(repo);
      repo.write('docs/guide.md', 'guide\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'docs']);
      await waitForBackgroundPush(repo);
      const copy = copyRepo(repo, 'copy');
      // Only the copy protects docs/ from now on.
      fs.writeFileSync(path.join(copy, '.guard.yaml'), 'version: 1\nprotect:\n  paths:\n    - "docs/**"\n');
      repo.git(['rm', '-q', 'docs/guide.md'], { cwd: copy });
      const refused = repo.gitResult(['commit', '-q', '-m', 'drop the guide'], { cwd: copy });
      expect(refused.code, refused.stderr).not.toBe(0);
      expect(refused.stderr).toContain('docs/guide.md');
      expect(repo.git(['log', '-1', '--format=%s'], { cwd: copy }).trim()).toBe('docs');
      // The original's policy is its own: the same commit goes through there.
      repo.git(['rm', '-q', 'docs/guide.md']);
      expect(repo.gitResult(['commit', '-q', '-m', 'drop the guide']).code).toBe(0);
    }));
});
