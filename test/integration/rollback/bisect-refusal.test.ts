/**
 * A rollback during a bisect is refused, and the refusal names the way forward that exists: git
 * bisect has no --continue or --abort (it ends with `git bisect reset`), and the message said
 * "git bisect --continue ... git bisect --abort" (found by the rollback fuzzer's wider states,
 * seed 6024). Nothing changes; after `git bisect reset` the same rollback runs.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { snapshotId } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';

describe('rollback refused during a bisect', () => {
  it('names git bisect good/bad and git bisect reset, changes nothing, and runs after the reset', () =>
    withTestRepo((repo) => {
      for (let i = 0; i < 4; i++) {
        repo.write(`f${i}.txt`, `${i}\n`);
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', `c${i}`]);
      }
      repo.write('f3.txt', 'edited\n');
      const id = snapshotId(repo);
      repo.git(['checkout', '-q', '--', '.']);
      repo.git(['bisect', 'start', 'HEAD', 'HEAD~3']);
      const before = byteState(repo);
      const refused = repo.guard(['rollback', '--yes', id]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('a bisect is in progress');
      expect(refused.stderr).toContain('git bisect reset');
      expect(refused.stderr).not.toContain('bisect --continue');
      expect(refused.stderr).not.toContain('bisect --abort');
      expect(byteState(repo)).toEqual(before);
      repo.git(['bisect', 'reset']);
      const ran = repo.guard(['rollback', '--yes', id]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(repo.read('f3.txt')).toBe('edited\n');
    }));
});
