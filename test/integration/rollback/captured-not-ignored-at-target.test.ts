/**
 * A rollback brings back ignored files that a snapshot after its target captured (an agent's
 * `rm .env` or a rollback's own capture of an ignored file in its way: src/restore/captured-
 * ignored.ts), since the target, holding no ignored file, cannot say they were there. But a file
 * the target's rules do not ignore and its tree lacks was not there. Found by the watcher fuzzer
 * (test/fuzz/watcher-snapshots.test.ts, seeds 402, 403, 412): with `x1/` ignored for a while, a
 * rollback captured x1/f, in its way, into its pre-rollback snapshot; a later rollback to an older
 * target, whose .gitignore did not ignore x1/, brought x1/f back where the target had nothing.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';

describe('captured ignored files and a target whose rules do not ignore them', () => {
  it('a file captured while other rules ignored it does not come back to a target that lacked it', () =>
    withTestRepo((repo) => {
      repo.write('.gitignore', '*.log\n');
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const target = snapshotId(repo);
      // x1 a file, then a directory that a new rule ignores, holding x1/f.
      repo.write('x1', 'a file named x1\n');
      const fileX1 = snapshotId(repo);
      repo.remove('x1');
      repo.write('.gitignore', '*.log\nx1/\n');
      repo.write('x1/f', 'ignored, in the way of the file x1\n');
      // The rollback to the file x1 captures x1/f (in its way) into its pre-rollback snapshot.
      rollbackOk(repo, fileX1);
      expect(repo.read('x1')).toBe('a file named x1\n');
      undoOk(repo);
      expect(repo.read('x1/f')).toBe('ignored, in the way of the file x1\n');
      repo.remove('x1');
      // The target: no x1, and rules that do not ignore x1/.
      rollbackOk(repo, target);
      expect(repo.read('.gitignore')).toBe('*.log\n');
      expect(repo.exists('x1')).toBe(false);
    }));

  it('still brings back a captured file the target ignores too (an .env removed after the target)', () =>
    withTestRepo((repo) => {
      repo.write('.gitignore', '*.log\nx1/\n');
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('x1', 'a file named x1\n');
      const fileX1 = snapshotId(repo);
      repo.remove('x1');
      repo.write('x1/f', 'ignored, in the way of the file x1\n');
      const target = snapshotId(repo);
      rollbackOk(repo, fileX1);
      undoOk(repo);
      repo.remove('x1');
      // The target's rules ignore x1/ too: x1/f lay there, unseen, and comes back from the capture.
      rollbackOk(repo, target);
      expect(repo.read('x1/f')).toBe('ignored, in the way of the file x1\n');
    }));
});
