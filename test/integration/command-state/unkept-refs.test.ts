/**
 * `git update-ref -d refs/notes/commits` was judged "snapshot: undo with guard rollback", but a
 * snapshot holds branches, tags and the stash only: the rollback had nothing to bring back (found
 * playing an agent session on a clone with notes). A ref no snapshot holds is denied instead.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function verdict(t: TestRepo, command: string): { verdict: string; rule: string } {
  const r = t.guard(['check-command', '--json', command]);
  return JSON.parse(r.stdout) as { verdict: string; rule: string };
}

describe('refs no snapshot holds', () => {
  it('a deleted notes ref does not come back with a rollback, so deleting it is denied, not promised undoable', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['notes', 'add', '-m', 'review: approved', 'HEAD']);
      const id = JSON.parse(t.guard(['snapshot', '--json']).stdout).id as string;
      t.git(['update-ref', '-d', 'refs/notes/commits']);
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      // What the verdict below rests on: the snapshot did not hold the notes ref.
      expect(t.git(['for-each-ref', 'refs/notes'])).toBe('');
      expect(verdict(t, 'git update-ref -d refs/notes/commits')).toMatchObject({ verdict: 'deny', rule: 'git-update-ref-unkept' });
      t.git(['branch', 'feature']);
      expect(verdict(t, 'git update-ref -d refs/heads/feature')).toMatchObject({ verdict: 'snapshot', rule: 'git-update-ref' });
    });
  });
});
