/**
 * `git replace X Y` makes git show object Y wherever X is named. guard's snapshots name exact
 * objects, so a replace ref written after a snapshot (an agent may run `git replace`; nothing
 * denies it) made the rollback write Y's bytes instead of the work the snapshot held, and then
 * fail half-way. Found playing an agent session. guard's git calls ignore replace refs.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';

describe('rollback and replace refs', () => {
  it('restores the bytes the snapshot holds, whatever a replace ref says about their blob', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.write('a.txt', 'precious work\n');
      const before = captureState(t);
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;
      const work = t.git(['hash-object', 'a.txt']).trim();
      const garbage = t.git(['hash-object', '-w', '--stdin'], { input: 'garbage\n' }).trim();
      t.git(['replace', work, garbage]);
      t.git(['reset', '-q', '--hard']);
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(t.read('a.txt')).toBe('precious work\n');
      t.git(['replace', '-d', work]);
      expect(captureState(t)).toEqual(before);
    });
  });
});
