/**
 * The keeper (src/snapshot/keeper.ts) keeps each annotated tag's bytes under `tag-<oid>`, taking
 * them from the previous keeper when the tag was recorded before: whichever way a keeper was
 * built (first snapshot, a new tag on top of a previous keeper, or the previous tree reused as
 * it is), a deleted and pruned tag comes back with the same id.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function snapshot(repo: TestRepo): any {
  const r = repo.guard(['snapshot', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function keeperOf(repo: TestRepo, snapshotOid: string): string {
  return repo.git(['rev-parse', `${snapshotOid}^3`]).trim();
}

function keeperNames(repo: TestRepo, keeper: string): string[] {
  return repo.git(['ls-tree', '--name-only', keeper]).split('\n').filter(Boolean);
}

function tags(repo: TestRepo): string {
  return repo.git(['for-each-ref', '--format=%(refname) %(objectname) %(objecttype) %(*objectname)', 'refs/tags']);
}

function commit(repo: TestRepo, file: string): void {
  repo.write(file, `${file}\n`);
  repo.git(['add', file]);
  repo.git(['commit', '-q', '-m', file]);
}

describe('the keeper', () => {
  it('recreates every pruned tag, whether its bytes were copied now, taken from the previous keeper or kept by reusing its tree', () =>
    withTestRepo((repo) => {
      commit(repo, 'a.txt');
      repo.git(['tag', '-a', 'v1', '-m', 'one']);
      repo.git(['tag', '-a', 'v2', '-m', 'two\n\nwith a body']);
      const first = snapshot(repo); // no previous keeper: both tags copied
      const v1 = repo.git(['rev-parse', 'v1']).trim();
      expect(keeperNames(repo, keeperOf(repo, first.oid))).toContain(`tag-${v1}`);

      commit(repo, 'b.txt');
      repo.git(['tag', '-a', 'v3', '-m', 'three']);
      repo.git(['tag', 'tree-tag', 'HEAD^{tree}']);
      repo.git(['tag', '-a', 'tag-of-a-blob', '-m', 'blob', 'HEAD:b.txt']);
      const second = snapshot(repo); // v1 and v2 from the previous keeper, v3 and the others read now
      const secondKeeper = keeperOf(repo, second.oid);
      const names = keeperNames(repo, secondKeeper);
      for (const tag of ['v1', 'v2', 'v3', 'tag-of-a-blob']) expect(names).toContain(`tag-${repo.git(['rev-parse', tag]).trim()}`);
      expect(names).toContain(`target-${repo.git(['rev-parse', 'HEAD^{tree}']).trim()}`);
      expect(names).toContain(`target-${repo.git(['rev-parse', 'HEAD:b.txt']).trim()}`);

      commit(repo, 'c.txt');
      repo.git(['branch', 'side']);
      const third = snapshot(repo); // only branches moved: the previous keeper's tree, as it is
      const thirdKeeper = keeperOf(repo, third.oid);
      expect(thirdKeeper).not.toBe(secondKeeper);
      expect(repo.git(['rev-parse', `${thirdKeeper}^{tree}`])).toBe(repo.git(['rev-parse', `${secondKeeper}^{tree}`]));
      const before = tags(repo);

      // Every tag deleted, their objects (and the tree and blob the light ones named) pruned.
      const deletions = repo.git(['for-each-ref', '--format=delete %(refname)', 'refs/tags']);
      repo.git(['update-ref', '--stdin'], { input: deletions });
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.gitResult(['cat-file', '-e', v1]).code).not.toBe(0);

      const r = repo.guard(['rollback', third.id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(tags(repo)).toBe(before);
      expect(repo.git(['cat-file', 'tag', 'v2'])).toContain('two\n\nwith a body');
    }));
});
