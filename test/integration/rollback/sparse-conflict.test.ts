/**
 * A sparse checkout stopped in a conflicted merge: the snapshot keeps the index's raw bytes, whose
 * stat data is of the files as they were then. After `git merge --abort` and `git sparse-checkout
 * disable` (every file back on disk, written anew), the rollback wrote the raw index and reapplied
 * the view, and git, taking every file for "not up to date" by that stale stat data, left the files
 * outside the view on disk without their skip-worktree bit. Found on a linked worktree of
 * pallets/flask, 2026-12-07; `guard recover` after `rm -rf .git` did the same (every file written
 * anew). Both refresh the raw index's stat data first (raw-index.ts).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitConflictingChanges } from '../../helpers/fixtures.js';
import { byteState } from '../../helpers/state.js';

/** A cone sparse checkout of src/ stopped in a conflicted merge of src/a.txt; docs/ off the disk. */
function conflictedSparse(t: TestRepo): void {
  for (let i = 0; i < 5; i++) t.write(`docs/d${i}.md`, `${i}\n`);
  t.write('src/a.txt', 'base\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  commitConflictingChanges(t, 'src/a.txt', 'other');
  t.git(['sparse-checkout', 'set', '--cone', 'src']);
  expect(t.gitResult(['merge', 'other']).code).toBe(1);
}

describe('rollback of a conflicted sparse checkout', () => {
  it('takes the files outside the view off the disk again, and --undo returns', async () => {
    await withTestRepo((t) => {
      conflictedSparse(t);
      const before = byteState(t);
      expect(t.exists('docs/d0.md')).toBe(false);
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;

      t.git(['merge', '--abort']);
      t.git(['sparse-checkout', 'disable']);
      expect(t.exists('docs/d0.md')).toBe(true);
      const after = byteState(t);

      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(byteState(t)).toEqual(before);
      expect(t.git(['ls-files', '-t', 'docs'])).toContain('S docs/d0.md');

      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect(byteState(t)).toEqual(after);
    });
  });

  it('guard recover after rm -rf .git: the files outside the view stay off the disk', async () => {
    await withTestRepo((t) => {
      conflictedSparse(t);
      const before = byteState(t);
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const push = t.guard(['backup', 'push']);
      expect(push.code, push.stderr).toBe(0);
      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });
      const r = t.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(byteState(t)).toEqual(before);
    });
  });
});
