/**
 * Notes refs (`refs/notes/*`) are in snapshots: `git notes remove`, `git notes prune` and `git
 * notes --ref=x remove` are allowed for an agent, and before 2026-12-07 (helper rbaudit2; found
 * auditing rollback on a clone of pallets/flask) a rollback put nothing back: the notes were
 * recoverable only from `git reflog refs/notes/commits`, by hand, and not after `git gc`.
 * They come with the branches' for-each-ref, K keeps their commits, and rollback moves them in
 * the same compare-and-swap transaction; `--undo` gives the incident's back.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';

describe('rollback and notes refs', () => {
  it('brings back notes removed and a notes ref deleted, also after gc --prune=now; --undo gives the incident back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' }, 'a');
      commitFiles(t, { 'a.txt': 'b\n' }, 'b');
      t.git(['notes', 'add', '-m', 'reviewed-by: someone', 'HEAD']);
      t.git(['notes', 'add', '-m', 'ci: green', 'HEAD~1']);
      t.git(['notes', '--ref=review', 'add', '-m', 'approved', 'HEAD']);
      const notes = (): string => t.git(['for-each-ref', 'refs/notes']);
      const before = { ...byteState(t), notes: notes() };
      const id = JSON.parse(t.guard(['snapshot', '--json']).stdout).id as string;

      t.git(['notes', 'remove', 'HEAD']);
      t.git(['notes', 'prune']);
      t.git(['update-ref', '-d', 'refs/notes/review']);
      t.git(['reflog', 'expire', '--expire=now', '--all']);
      t.git(['gc', '-q', '--prune=now']);
      const incident = { ...byteState(t), notes: notes() };
      expect(incident.notes).not.toContain('refs/notes/review');

      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('refs/notes/review: create at');
      expect({ ...byteState(t), notes: notes() }).toEqual(before);
      expect(t.git(['notes', 'show', 'HEAD'])).toBe('reviewed-by: someone\n');
      expect(t.git(['notes', 'show', 'HEAD~1'])).toBe('ci: green\n');
      expect(t.git(['notes', '--ref=review', 'show', 'HEAD'])).toBe('approved\n');

      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect({ ...byteState(t), notes: notes() }).toEqual(incident);
    });
  });
});
