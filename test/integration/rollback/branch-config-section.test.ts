/**
 * A branch's whole config section (`branch.<name>.*`) goes back with the branch: its description,
 * pushRemote and rebase as well as its upstream. Found on a clone of pallets/flask (2026-12-07,
 * helper rbaudit): after `git branch -D feature` and `git remote remove origin` a rollback brought
 * `feature` back with remote and merge but without description, pushRemote and rebase; and the
 * undo of that rollback left the upstreams it had written (the pre-rollback snapshot had read them
 * through `%(upstream)`, which is empty for a branch whose remote is gone), so the undo did not
 * give the incident's config back. Keys are compared as git lists them (sorted: the order of
 * sections in the file is git's business).
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';
import { openRepo } from '../../../src/git/repo.js';
import { rollback } from '../../../src/restore/rollback.js';

describe('rollback and branch config sections', () => {
  it('writes back a deleted branch\'s description, pushRemote and rebase, and the upstreams a removed remote took; --undo gives the incident\'s config back', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['remote', 'add', 'origin', t.dir]);
      t.git(['remote', 'add', 'fork', t.dir]);
      t.git(['update-ref', 'refs/remotes/origin/main', 'HEAD']);
      t.git(['branch', '-q', '--track', 'feature', 'origin/main']);
      t.git(['branch', '-q', '--track', 'tracking', 'origin/main']);
      t.git(['config', 'branch.feature.description', 'my feature\nsecond line']);
      t.git(['config', 'branch.feature.pushRemote', 'fork']);
      t.git(['config', 'branch.feature.rebase', 'true']);
      const branchKeys = (): string => t.gitResult(['config', '--local', '-z', '--get-regexp', '^branch\\.']).stdout.split('\0').sort().join('\n');
      const before = { ...byteState(t), config: branchKeys() };
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;

      // The incident: the branch and its section gone, and the remote with every upstream on it.
      t.git(['branch', '-q', '-D', 'feature']);
      t.git(['remote', 'remove', 'origin']);
      const incident = { ...byteState(t), config: branchKeys() };
      expect(incident.config).not.toContain('branch.feature');
      expect(incident.config).not.toContain('branch.tracking.remote');

      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('refs/heads/feature: config description, pushremote, rebase (was none)');
      expect({ ...byteState(t), config: branchKeys() }).toEqual(before);
      expect(t.git(['config', 'branch.feature.description'])).toBe('my feature\nsecond line\n');
      expect(t.git(['config', 'branch.feature.pushRemote']).trim()).toBe('fork');

      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect({ ...byteState(t), config: branchKeys() }).toEqual(incident);
    });
  });

  it('puts back a description changed since, and --undo the changed one', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['branch', '-q', 'topic']);
      t.git(['config', 'branch.topic.description', 'first']);
      const snap = t.guard(['snapshot', '--json']);
      const id = JSON.parse(snap.stdout).id as string;
      t.git(['config', 'branch.topic.description', 'second']);
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(t.git(['config', 'branch.topic.description']).trim()).toBe('first');
      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect(t.git(['config', 'branch.topic.description']).trim()).toBe('second');
    });
  });

  it('does not clobber a section changed between the pre-rollback snapshot and the restore (compare-and-swap against one read)', () =>
    withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['branch', '-q', 'topic']);
      t.git(['branch', '-q', 'other']);
      t.git(['config', 'branch.topic.description', 'first']);
      t.git(['config', 'branch.other.description', 'kept']);
      const id = JSON.parse(t.guard(['snapshot', '--json']).stdout).id as string;
      t.git(['config', 'branch.topic.description', 'agent']);
      t.git(['config', 'branch.other.description', 'agent']);
      // In-process, so the config can change after the pre-rollback snapshot and the plan (the
      // confirmation, where a person may sit for minutes) and before the sections are written.
      for (const key of Object.keys(process.env)) if (key.startsWith('GIT_') || key.startsWith('GUARD_')) delete process.env[key];
      Object.assign(process.env, t.env);
      const result = await rollback(await openRepo(t.dir), {
        id,
        confirm: async (plan) => {
          expect(plan.branchConfig?.map((c) => c.ref)).toEqual(['refs/heads/other', 'refs/heads/topic']);
          t.git(['config', 'branch.topic.description', 'the person, meanwhile']);
          return true;
        },
      });
      expect(result.applied).toBe(true);
      // Changed in between: left as the person set it. Unchanged since the plan: back to the snapshot's.
      expect(t.git(['config', '--get-all', 'branch.topic.description'])).toBe('the person, meanwhile\n');
      expect(t.git(['config', '--get-all', 'branch.other.description'])).toBe('kept\n');
    }));
});
