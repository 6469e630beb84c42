/**
 * A rollback keeps on disk a file it would delete when the target's .gitignore ignores it and
 * today's does not (src/restore/ignored-at-target.ts: an ignored file is in no snapshot, so its
 * absence from the target says nothing). But a file the target's index tracks was not ignored
 * there, whatever the rules say: git ignores only untracked files. Found by the watcher fuzzer
 * (test/fuzz/watcher-snapshots.test.ts, seed 2): `lib/` added to .gitignore while the tracked
 * src/lib/util.js was deleted from the worktree (the deletion not staged), a snapshot; then
 * `git reset --hard` (the file and the old .gitignore back). The rollback to that snapshot left
 * src/lib/util.js on disk: the target's rules "ignore" it, today's do not, so it was kept as an
 * ignored file, and the state of the target (the file deleted, still in the index) was not given
 * back. Compared byte for byte (test/helpers/state.ts byteState), through --undo.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';

describe('rollback and a file tracked at the target that its rules would ignore', () => {
  it('deletes the file as at the target (tracked there, so not ignored), and --undo brings it back', () =>
    withTestRepo((repo) => {
      repo.write('.gitignore', '*.log\n');
      repo.write('src/lib/util.js', 'export {};\n');
      repo.write('src/app.js', 'console.log(1);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      // The target: lib/ ignored, the tracked util.js deleted from the worktree (still in the index).
      repo.write('.gitignore', '*.log\nlib/\n');
      repo.remove('src/lib');
      const target = byteState(repo);
      const id = snapshotId(repo);
      // Then: both come back from HEAD.
      repo.git(['reset', '-q', '--hard']);
      expect(repo.exists('src/lib/util.js')).toBe(true);
      const before = byteState(repo);
      rollbackOk(repo, id);
      expect(repo.exists('src/lib/util.js')).toBe(false);
      expect(byteState(repo)).toEqual(target);
      undoOk(repo);
      expect(byteState(repo)).toEqual(before);
    }));

  it('still keeps an untracked file the target ignored (and today does not)', () =>
    withTestRepo((repo) => {
      repo.write('.gitignore', '*.log\nlib/\n');
      repo.write('src/app.js', 'console.log(1);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('src/lib/local.js', 'ignored at the target\n');
      const id = snapshotId(repo);
      // The rule dropped: local.js untracked now, captured by the next snapshot.
      repo.write('.gitignore', '*.log\n');
      rollbackOk(repo, id);
      expect(repo.read('src/lib/local.js')).toBe('ignored at the target\n');
    }));
});
