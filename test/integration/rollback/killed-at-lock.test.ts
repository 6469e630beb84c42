/**
 * A rollback killed once it holds index.lock and before it changed anything (found by the rollback
 * fuzzer, test/fuzz/rollback-fuzz.test.ts, seed 122, a kill after a random delay): the lock was taken before the journal
 * (rollback-in-progress.json) was written, so a SIGKILL between the two left an index.lock that no
 * journal named: every git command that writes the index refused, and `guard rollback --resume`
 * said there was no interrupted rollback. Now the journal, with the lock's token, comes first and
 * the lock (marker and all, in one link) after it: at every point a killed rollback leaves either
 * no lock or a journal that names it, and --resume finishes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { snapshotId, undoOk, rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';

describe('rollback killed right after it took index.lock', () => {
  it('leaves a journal naming the lock: --resume finishes, --undo goes back, no lock or temp file stays', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n', 'dir/b.txt': 'b\n' }, 'base');
      repo.write('a.txt', 'edited, not committed\n');
      repo.write('untracked.txt', 'untracked\n');
      const before = byteState(repo);
      const id = snapshotId(repo);
      repo.git(['reset', '-q', '--hard']);
      repo.git(['clean', '-q', '-fd']);
      repo.write('dir/b.txt', 'destroyed\n');
      const destroyed = byteState(repo);

      const killed = repo.guard(['rollback', id, '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: 'planned' } });
      expect(killed.code).not.toBe(0);
      const gitDir = path.join(repo.dir, '.git');
      // Killed holding the lock, before any change: the journal names it.
      expect(fs.existsSync(path.join(gitDir, 'index.lock'))).toBe(true);
      const journal = JSON.parse(fs.readFileSync(path.join(gitDir, 'guard', 'rollback-in-progress.json'), 'utf8'));
      expect(fs.readFileSync(path.join(gitDir, 'index.lock'), 'utf8')).toBe(`git-guard rollback lock ${journal.lockToken}\n`);
      expect({ ...byteState(repo), ':status': '' }).toEqual({ ...destroyed, ':status': '' });

      rollbackOk(repo, '--resume');
      expect(byteState(repo)).toEqual(before);
      expect(fs.existsSync(path.join(gitDir, 'index.lock'))).toBe(false);
      expect(fs.readdirSync(path.join(gitDir, 'guard', 'tmp')).filter((n) => n.includes('-lock-'))).toEqual([]);
      undoOk(repo);
      expect(byteState(repo)).toEqual(destroyed);
    }));
});
