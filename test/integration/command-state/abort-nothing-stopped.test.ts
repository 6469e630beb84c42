/**
 * `git rebase --abort`, `merge --abort`, `cherry-pick --abort`, `am --abort` (and --skip, --quit)
 * where no operation is stopped: git says there is nothing to abort and changes nothing, yet guard
 * took a snapshot first (friction hunt on babel, docs/FRICTION.md: agents run them "just in
 * case"). Now, where none of git's stopped-operation files (MERGE_HEAD, rebase-merge/,
 * rebase-apply/, sequencer/, CHERRY_PICK_HEAD, REVERT_HEAD) is in the worktree's git dir, they
 * are allowed: an lstat each. Stopped, in the repository or in a linked worktree, they still
 * snapshot. The premise is checked with real git: nothing stopped, the abort fails and the local
 * change is there byte for byte.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function check(t: TestRepo, command: string, cwd?: string): { verdict: string; rule: string } {
  return JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' }, ...(cwd ? { cwd } : {}) }).stdout) as { verdict: string; rule: string };
}

const STOPS = ['git rebase --abort', 'git merge --abort', 'git cherry-pick --abort', 'git revert --abort', 'git am --abort', 'git rebase --skip', 'git merge --quit', 'git cherry-pick --quit'];

/** main and a branch `other` that change the same line; HEAD on main with a local change in b.txt. */
function setup(t: TestRepo): void {
  t.write('a.txt', 'base\n');
  t.write('src/b.txt', 'b\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  t.git(['branch', '-M', 'main']);
  t.git(['switch', '-q', '-c', 'other']);
  t.write('a.txt', 'other\n');
  t.git(['commit', '-q', '-am', 'other']);
  t.git(['switch', '-q', 'main']);
  t.write('a.txt', 'main\n');
  t.git(['commit', '-q', '-am', 'main']);
}

describe('--abort, --skip and --quit with nothing stopped', () => {
  it('are allowed without a snapshot, from the root and a subdirectory; git changes nothing', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('src/b.txt', 'b\nlocal change\n');
      for (const command of STOPS) {
        expect(check(t, command), command).toMatchObject({ verdict: 'allow' });
        expect(check(t, command, path.join(t.dir, 'src')), command).toMatchObject({ verdict: 'allow' });
      }
      const head = t.git(['rev-parse', 'HEAD']);
      for (const command of STOPS) {
        // git refuses (--quit with nothing to quit succeeds, doing nothing).
        const r = t.gitResult(command.split(' ').slice(1));
        if (!command.endsWith('--quit')) expect(r.code, command).not.toBe(0);
        expect(t.read('src/b.txt'), command).toBe('b\nlocal change\n');
        expect(t.git(['rev-parse', 'HEAD']), command).toBe(head);
      }
    });
  });

  it('still snapshot a stopped merge, rebase or cherry-pick', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(t.gitResult(['merge', 'other']).code).not.toBe(0);
      expect(check(t, 'git merge --abort')).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect(check(t, 'git merge --abort', path.join(t.dir, 'src'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      // Any stopped operation keeps the snapshot, whichever one is being stopped.
      expect(check(t, 'git rebase --abort')).toMatchObject({ verdict: 'snapshot' });
      t.git(['merge', '--abort']);

      expect(t.gitResult(['rebase', 'other']).code).not.toBe(0);
      expect(check(t, 'git rebase --abort')).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect(check(t, 'git rebase --skip')).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      t.git(['rebase', '--abort']);

      expect(t.gitResult(['cherry-pick', 'other']).code).not.toBe(0);
      expect(check(t, 'git cherry-pick --abort')).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect(check(t, 'git cherry-pick --quit')).toMatchObject({ verdict: 'snapshot', rule: 'git-operation-quit' });
      t.git(['cherry-pick', '--abort']);
      expect(check(t, 'git cherry-pick --abort')).toMatchObject({ verdict: 'allow' });
    });
  });

  it('look in a linked worktree\'s own git dir', async () => {
    await withTestRepo((t) => {
      setup(t);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', '-b', 'side', wt, 'main']);
      expect(check(t, 'git merge --abort', wt)).toMatchObject({ verdict: 'allow' });
      expect(t.gitResult(['merge', 'other'], { cwd: wt }).code).not.toBe(0);
      expect(check(t, 'git merge --abort', wt)).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      // The main worktree has nothing stopped.
      expect(check(t, 'git merge --abort')).toMatchObject({ verdict: 'allow' });
    });
  });
});
