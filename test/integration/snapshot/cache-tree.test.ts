import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rootTreeFromCacheTree } from '../../../src/snapshot/index-file.js';
import { startConflictedMerge } from '../../helpers/fixtures.js';

/** The fast read must equal `git write-tree` whenever it answers. */
async function check(repo: TestRepo): Promise<string | null> {
  const fast = await rootTreeFromCacheTree(path.join(repo.dir, '.git', 'index'), 20);
  if (fast !== null) {
    const real = repo.git(['write-tree'], { env: { GIT_INDEX_FILE: path.join(repo.dir, '.git', 'index') } }).trim();
    expect(fast).toBe(real);
  }
  return fast;
}

describe('reading the index tree from the cache-tree extension', () => {
  it('answers exactly what write-tree writes, or nothing', async () => {
    await withTestRepo(async (repo) => {
      for (let i = 0; i < 30; i++) repo.write(`d${i % 4}/sub/f${i}.txt`, `${i}\n`);
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      expect(await check(repo)).not.toBeNull(); // after a commit the cache tree is complete
      repo.write('d0/sub/f0.txt', 'changed\n');
      repo.git(['status', '--porcelain']); // a stat refresh rewrites the index, same content
      expect(await check(repo)).not.toBeNull();
      repo.git(['add', 'd0/sub/f0.txt']); // invalidates part of the cache tree
      expect(await check(repo)).toBeNull();
      repo.git(['write-tree']);
      expect(await check(repo)).not.toBeNull();
      repo.git(['update-index', '--index-version', '4']);
      await check(repo);
      repo.git(['-c', 'core.splitIndex=true', 'update-index', '--split-index']);
      await check(repo); // a split index: whatever it answers must be right
      repo.write('d1/sub/f1.txt', 'changed in a split index\n');
      repo.git(['-c', 'core.splitIndex=true', 'add', 'd1/sub/f1.txt']);
      expect(await check(repo)).toBeNull();
    });
  });

  it('gives up on a conflicted index', async () => {
    await withTestRepo(async (repo) => {
      repo.write('a.txt', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      startConflictedMerge(repo);
      expect(await rootTreeFromCacheTree(path.join(repo.dir, '.git', 'index'), 20)).toBeNull();
    });
  });
});
