import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';

describe('incremental snapshots (changedPaths)', () => {
  it('produce the same tree as a full walk while reading only the changed paths', async () => {
    await withTestRepo(async (repo) => {
      for (let i = 0; i < 30; i++) repo.write(`dir${i % 3}/file${i}.txt`, `${i}\n`);
      repo.write('.gitignore', 'node_modules/\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('untracked-before.txt', 'u\n');
      // Process env must be hermetic for in-process git calls too.
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const first = await createSnapshot(r);

      repo.write('dir0/file0.txt', 'changed\n');
      repo.remove('dir1');
      repo.write('new-dir/deep/new.txt', 'new\n');
      repo.write('node_modules/pkg/index.js', 'ignored\n');
      repo.remove('untracked-before.txt');
      fs.chmodSync(path.join(repo.dir, 'dir2/file2.txt'), 0o755);
      const changed = ['dir0/file0.txt', 'dir1', 'new-dir', 'node_modules/pkg/index.js', 'untracked-before.txt', 'dir2/file2.txt'];
      const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths: changed });
      expect(incremental.created).toBe(true);
      expect(incremental.snapshot.previous).toBe(first.snapshot.oid);
      const full = await createSnapshot(r, { force: true });
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
      expect(repo.git(['ls-tree', '-r', '--name-only', incremental.snapshot.oid])).not.toContain('node_modules');

      // A change the watcher did not report is not seen by an incremental snapshot (that is the
      // contract; the watcher reports every change)...
      repo.write('dir0/file3.txt', 'unreported\n');
      const unseen = await createSnapshot(r, { trigger: 'watch', changedPaths: ['dir0/file0.txt'] });
      expect(unseen.created).toBe(false);
      // ...but without a trustworthy mirror of the newest snapshot, it falls back to a full walk.
      fs.rmSync(path.join(repo.dir, '.git', 'guard', 'worktree-index.json'));
      const fallback = await createSnapshot(r, { trigger: 'watch', changedPaths: ['dir0/file0.txt'] });
      expect(repo.git(['show', `${fallback.snapshot.oid}:dir0/file3.txt`])).toBe('unreported\n');
      // Incremental and full scans judge "tracked" against the user's index: a big file the user
      // staged is captured, a file that became ignored leaves the snapshot.
      repo.write('big.bin', Buffer.alloc(2048, 1));
      repo.git(['add', 'big.bin']);
      repo.write('.gitignore', 'node_modules/\ndir2/file2.txt\n');
      repo.git(['rm', '-q', '--cached', 'dir2/file2.txt']);
      const mixed = await createSnapshot(r, { trigger: 'watch', maxFileSize: 1024, changedPaths: ['big.bin', '.gitignore', 'dir2/file2.txt'] });
      const mixedFull = await createSnapshot(r, { force: true, maxFileSize: 1024 });
      expect(mixed.snapshot.tree).toBe(mixedFull.snapshot.tree);
      expect(repo.git(['ls-tree', '--name-only', '-r', mixed.snapshot.oid])).toContain('big.bin');
      expect(repo.git(['ls-tree', '--name-only', '-r', mixed.snapshot.oid])).not.toContain('dir2/file2.txt');

      // No changed paths: only git state changed; the new branch is recorded, no file is read.
      repo.git(['branch', 'made-by-agent']);
      const refsOnly = await createSnapshot(r, { trigger: 'watch', changedPaths: [] });
      expect(refsOnly.created).toBe(true);
      expect(refsOnly.snapshot.tree).toBe(mixedFull.snapshot.tree);
      expect(Object.keys(refsOnly.snapshot.refs)).toContain('refs/heads/made-by-agent');

      // Shared index files guard created and no longer links to are removed, not left to pile up.
      for (let i = 0; i < 3; i++) {
        repo.write(`churn-${i}.txt`, `${i}\n`);
        await createSnapshot(r, { trigger: 'watch', changedPaths: [`churn-${i}.txt`] });
        await createSnapshot(r, { force: true });
      }
      const gitDirFiles = fs.readdirSync(path.join(repo.dir, '.git'));
      expect(gitDirFiles.filter((n) => n.startsWith('sharedindex.')).length).toBeLessThanOrEqual(1);
      repo.write('churn-last.txt', 'x\n');
      await createSnapshot(r, { trigger: 'watch', changedPaths: ['churn-last.txt'] });

      // The persistent index is a split index; if git expired its shared part, a full walk runs.
      repo.write('dir0/file9.txt', 'after the shared index vanished\n');
      const gitDir = path.join(repo.dir, '.git');
      const shared = fs.readdirSync(gitDir).filter((n) => n.startsWith('sharedindex.'));
      expect(shared.length).toBeGreaterThan(0);
      for (const name of shared) fs.rmSync(path.join(gitDir, name));
      const recovered = await createSnapshot(r, { trigger: 'watch', changedPaths: ['dir0/file9.txt'] });
      expect(repo.git(['show', `${recovered.snapshot.oid}:dir0/file9.txt`])).toBe('after the shared index vanished\n');
    });
  });
});
