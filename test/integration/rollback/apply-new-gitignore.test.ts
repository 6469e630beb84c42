/**
 * The "apply the new .gitignore" idiom, `git rm -r --cached . && git add -A`, untracks the files
 * the new rules ignore and leaves them on disk, ignored. `guard rollback` to before it tracks them
 * again; `guard rollback --undo` then went back to a state whose snapshot does not hold them
 * (ignored files are in no snapshot), saw them tracked now and absent at the target, and deleted
 * them from disk (found by the hunt of 2026-12-04; only another --undo showed where they were).
 * Now they are left on disk, ignored, as at the target's time (ignored-at-target.ts). Run through
 * the installed agent hook, compared byte for byte (files, index, HEAD, refs, stash).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { captureState } from '../../helpers/state.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { guardOk } from '../../helpers/guard-steps.js';

describe('rollback --undo after git rm -r --cached . && git add -A', () => {
  it('leaves the files the new .gitignore untracked on disk, ignored, as they were', async () => {
    await withTestRepo((t) => {
      t.write('.gitignore', 'node_modules/\n');
      t.write('app.js', 'app\n');
      t.write('config.local', 'TOKEN=secret\n');
      t.write('logs/x.log', 'log\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      t.write('.gitignore', 'node_modules/\n*.local\nlogs/\n');
      const command = 'git rm -r -q --cached . && git add -A';
      expect(agentVerdict(t, command).decision).toBe('allow');
      const before = captureState(t);
      const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const after = captureState(t);
      expect(after.index).not.toContain('config.local');

      guardOk(t, ['rollback', '--yes']);
      expect(captureState(t)).toEqual(before);
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(t.read('config.local')).toBe('TOKEN=secret\n');
      expect(captureState(t)).toEqual(after);
    });
  });
});
