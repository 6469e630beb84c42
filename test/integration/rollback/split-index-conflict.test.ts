/**
 * A conflicted index cannot be a tree, so a snapshot keeps the index file's bytes. A split index
 * (`core.splitIndex`, or `feature.manyFiles`-style setups that turn it on) keeps most of its
 * entries in `.git/sharedindex.<oid>`, which git deletes once unused (`splitIndex.sharedIndexExpire`,
 * two weeks) and which no backup holds: the rollback wrote back an index naming a shared index that
 * was gone, and every git command after it failed ("index file open failed"), `guard rollback
 * --undo` too. Found on a clone of pallets/flask, 2026-12-07. The snapshot keeps the index whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { startConflictedMerge } from '../../helpers/fixtures.js';
import { byteState } from '../../helpers/state.js';

describe('rollback of a conflicted split index', () => {
  it('brings the conflict back after git expired the shared index, and --undo returns', async () => {
    await withTestRepo((t) => {
      t.git(['config', 'core.splitIndex', 'true']);
      for (let i = 0; i < 20; i++) t.write(`f${i}.txt`, `${i}\n`);
      t.write('a.txt', 'base\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      startConflictedMerge(t);
      t.write('f1.txt', 'resolved elsewhere\n');
      t.git(['add', 'f1.txt']);
      const before = byteState(t);
      expect(before[':index']).toContain(' 3\ta.txt');
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;

      t.git(['merge', '--abort']);
      // git itself removes shared index files no index uses any more, once they are old enough.
      t.write('f2.txt', 'later\n');
      t.git(['add', 'f2.txt']);
      t.git(['-c', 'splitIndex.sharedIndexExpire=now', 'update-index', '--split-index']);
      const gitDir = path.join(t.dir, '.git');
      const shared = fs.readdirSync(gitDir).filter((n) => n.startsWith('sharedindex.'));
      expect(shared.length).toBeGreaterThan(0);
      const after = byteState(t);

      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(t.gitResult(['status', '--porcelain']).code).toBe(0);
      expect(byteState(t)).toEqual(before);

      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect(byteState(t)).toEqual(after);
    });
  });
});
