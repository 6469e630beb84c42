/**
 * `git update-ref -d refs/notes/commits` was judged "snapshot: undo with guard rollback", but a
 * snapshot held branches, tags and the stash only: the rollback had nothing to bring back (found
 * playing an agent session on a clone with notes), so a ref no snapshot holds is denied. Since
 * 2026-12-07 (helper rbaudit2) snapshots hold notes refs too: the rollback brings a deleted one
 * back, and deleting it is a snapshot again. A replace ref is still in no snapshot, and denied.
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';

describe('refs no snapshot holds', () => {
  it('a deleted notes ref comes back with a rollback, so deleting it is a snapshot; a ref outside what snapshots hold is denied', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['notes', 'add', '-m', 'review: approved', 'HEAD']);
      const notes = t.git(['for-each-ref', 'refs/notes']);
      const id = JSON.parse(t.guard(['snapshot', '--json']).stdout).id as string;
      t.git(['update-ref', '-d', 'refs/notes/commits']);
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      // What the verdict below rests on: the snapshot holds the notes ref.
      expect(t.git(['for-each-ref', 'refs/notes'])).toBe(notes);
      expect(t.git(['notes', 'show', 'HEAD'])).toBe('review: approved\n');
      expect(checkVerdict(t, 'git update-ref -d refs/notes/commits')).toMatchObject({ verdict: 'snapshot', rule: 'git-update-ref' });
      expect(checkVerdict(t, 'git update-ref -d refs/meta/config')).toMatchObject({ verdict: 'deny', rule: 'git-update-ref-unkept' });
      t.git(['branch', 'feature']);
      expect(checkVerdict(t, 'git update-ref -d refs/heads/feature')).toMatchObject({ verdict: 'snapshot', rule: 'git-update-ref' });
    });
  });

  it('a deleted replace ref does not come back with a rollback either: git replace -d is denied, a new replacement allowed', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' }, 'a');
      commitFiles(t, { 'a.txt': 'b\n' }, 'b');
      const first = t.git(['rev-parse', 'HEAD~1']).trim();
      t.git(['replace', first, 'HEAD']);
      const id = JSON.parse(t.guard(['snapshot', '--json']).stdout).id as string;
      t.git(['replace', '-d', first]);
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      // What the verdict below rests on: the snapshot did not hold the replace ref.
      expect(t.git(['for-each-ref', 'refs/replace'])).toBe('');
      expect(checkVerdict(t, `git replace ${first} HEAD`)).toMatchObject({ verdict: 'allow' });
      t.git(['replace', first, 'HEAD']);
      for (const command of [`git replace -d ${first}`, `git replace --delete ${first.slice(0, 12)}`, `git replace -f ${first} HEAD`]) {
        expect({ command, ...checkVerdict(t, command) }).toMatchObject({ command, verdict: 'deny', rule: 'git-update-ref-unkept' });
      }
      expect(checkVerdict(t, 'git replace -l')).toMatchObject({ verdict: 'allow' });
    });
  });
});
