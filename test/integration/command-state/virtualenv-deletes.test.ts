/**
 * Deleting a Python virtual environment git does not ignore (`rm -rf .venv` after `python -m venv
 * .venv` in a project whose .gitignore does not name it): no snapshot holds it
 * (src/snapshot/virtualenvs.ts), so the command guard judges it as it judges an ignored `.venv`:
 * rebuilt output, allowed without a snapshot that would not bring it back. A directory without
 * pyvenv.cfg, or holding other untracked work beside the venv, is snapshotted as before.
 */
import { describe, expect, it } from 'vitest';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, installedClaudeHook } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('deleting an untracked Python virtual environment', () => {
  it('is free as an ignored one is; look-alikes and the work beside it are snapshotted', async () => {
    await withTestRepo(async (t) => {
      t.write('app.py', 'print(1)\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('.venv/pyvenv.cfg', 'home = /usr/bin\nversion = 3.11.2\n');
      t.write('.venv/lib/python3.11/site-packages/pkg/__init__.py', 'x\n');
      t.write('notvenv/lib/site-packages/mine.py', 'mine\n');
      t.write('scratch.txt', 'notes\n');
      expect(checkVerdict(t, 'rm -rf .venv', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf .venv', 'allow', 'no-risk'],
        ['rm -rf .venv/lib/python3.11/site-packages/pkg', 'allow', 'no-risk'],
        ['python3 -m venv --clear .venv', 'allow', 'no-risk'],
        // the same layout without pyvenv.cfg is someone's files
        ['rm -rf notvenv', 'snapshot', 'rm-in-repo', ['notvenv']],
        // the venv with work beside it: the work is snapshotted
        ['rm -rf .venv scratch.txt', 'snapshot', 'rm-in-repo', ['scratch.txt']],
        ['rm -rf .venv app.py', 'snapshot', 'rm-in-repo', ['app.py']],
      ]);
      expect(installedClaudeHook(t, 'rm -rf .venv')).toMatchObject({ decision: 'allow' });
      // without its pyvenv.cfg the directory is no venv: snapshotted
      t.remove('.venv/pyvenv.cfg');
      await expectEvaluatedTable(t, [['rm -rf .venv', 'snapshot', 'rm-in-repo', ['.venv']]]);
    });
  });
});
