/**
 * A branch's upstream (`branch.<name>.remote`, `branch.<name>.merge`) goes back with the branch.
 * `git branch -D` removes both with the ref, and a rollback brought the branch back by its ref
 * alone: `git pull` on it then said "There is no tracking information for the current branch"
 * (found on a clone of pallets/flask, 2026-12-07, a local `stable` tracking origin/stable). The
 * snapshot records each branch's upstream from its for-each-ref (no extra process); the rollback
 * writes, changes or removes the two keys, and its --undo puts the config of after the incident back.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';

describe('rollback and branch upstreams', () => {
  it('writes back the upstream of a deleted branch and of one unset since, and --undo removes them again', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      // A remote with a branch, as a clone has it.
      t.git(['remote', 'add', 'origin', t.dir]);
      t.git(['update-ref', 'refs/remotes/origin/stable', 'HEAD']);
      t.git(['branch', '-q', '--track', 'stable', 'origin/stable']);
      t.git(['branch', '-q', '--track', 'local-base', 'main']);
      const upstreams = (): string => t.gitResult(['config', '--local', '--get-regexp', '^branch\\.']).stdout;
      const before = { ...byteState(t), upstreams: upstreams() };
      expect(before.upstreams).toContain('branch.stable.merge refs/heads/stable');
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;

      t.git(['branch', '-q', '-D', 'stable']);
      t.git(['branch', '-q', '--unset-upstream', 'local-base']);
      const after = { ...byteState(t), upstreams: upstreams() };
      expect(after.upstreams).not.toContain('branch.stable');

      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('refs/heads/stable: upstream origin refs/heads/stable (was none)');
      // Same keys and values (the order of sections in the file is git's business).
      const sorted = (s: string): string => s.split('\n').sort().join('\n');
      const rolled = { ...byteState(t), upstreams: upstreams() };
      expect({ ...rolled, upstreams: sorted(rolled.upstreams) }).toEqual({ ...before, upstreams: sorted(before.upstreams) });
      expect(t.gitResult(['rev-parse', '--abbrev-ref', 'stable@{upstream}']).stdout.trim()).toBe('origin/stable');

      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect({ ...byteState(t), upstreams: upstreams() }).toEqual(after);
    });
  });
});
