/**
 * An untracked file at git's default bits in the target, committed and narrowed since: the
 * rollback untracks it again, and must give it the bits it had at the target. The target's
 * `modes` records every untracked file whose bits are not the default (docs/snapshot-format.md,
 * "Permission bits of untracked files"), so no record there means the default. The state before
 * the rollback knew the file as tracked (`knownModes`), not as untracked (`modes`), and a rollback
 * gave the default back only to files the state before recorded in `modes`: the file stayed 0600.
 * Found by the watcher fuzzer (test/fuzz/watcher-snapshots.test.ts, seed 207 of a long run: an
 * untracked file chmod 600, then `git add -A; git commit`, then the rollback). Compared as bytes
 * with permission bits, through --undo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';

function bits(repo: TestRepo, file: string): string {
  return (fs.lstatSync(path.join(repo.dir, file)).mode & 0o777).toString(8);
}

describe('rollback and the bits of a file untracked at the target', () => {
  it('a file untracked at 0644 at the target, committed and narrowed to 0600 since, comes back untracked at 0644; --undo gives 0600 back', () =>
    withTestRepo((repo) => {
      repo.write('app.js', 'console.log(1);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('notes/key.txt', 'not a secret yet\n');
      expect(bits(repo, 'notes/key.txt')).toBe('644');
      const target = byteState(repo);
      const id = snapshotId(repo);
      fs.chmodSync(path.join(repo.dir, 'notes/key.txt'), 0o600);
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'key']);
      const before = byteState(repo);
      rollbackOk(repo, id);
      expect(repo.git(['ls-files', 'notes/key.txt'])).toBe('');
      expect(bits(repo, 'notes/key.txt')).toBe('644');
      expect(byteState(repo)).toEqual(target);
      undoOk(repo);
      expect(bits(repo, 'notes/key.txt')).toBe('600');
      expect(byteState(repo)).toEqual(before);
    }));
});
