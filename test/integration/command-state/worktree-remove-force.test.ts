/**
 * `git worktree remove --force <path>` was denied by its text alone, even where there is no such
 * worktree or the worktree is clean. What --force destroys is the worktree's uncommitted and
 * untracked content (and, given twice, a locked worktree's): no snapshot brings a removed worktree
 * back. So the installed agent hook decides from the state: no linked worktree by that name, a
 * clean one, or a locked one with a single --force (git refuses) is allowed; one with modified,
 * staged or untracked files is denied, naming them and the way forward. Each verdict is checked
 * against what git then does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/** A repository with guard installed for Claude Code, ignoring .env and node_modules/, with the linked worktree `<base>/wt`. */
function setup(t: TestRepo): string {
  t.write('.gitignore', '.env\nnode_modules/\n');
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  const wt = path.join(t.base, 'wt');
  t.git(['worktree', 'add', '-q', wt]);
  return wt;
}

describe('git worktree remove --force, decided from the worktree it removes', () => {
  it('allows it where no linked worktree has that name, and for a clean worktree (git then removes it, losing nothing)', async () => {
    await withTestRepo((t) => {
      const wt = setup(t);
      // No such worktree: git refuses ("is not a working tree").
      expect(installedClaudeHook(t, 'git worktree remove --force ../nothing-here')).toMatchObject({ decision: 'allow' });
      expect(t.gitResult(['worktree', 'remove', '--force', '../nothing-here']).code).not.toBe(0);
      // The main worktree: git refuses too.
      expect(installedClaudeHook(t, `git worktree remove --force ${t.dir}`)).toMatchObject({ decision: 'allow' });
      // Clean, with only regenerable ignored output.
      fs.mkdirSync(path.join(wt, 'node_modules'));
      fs.writeFileSync(path.join(wt, 'node_modules', 'x.js'), 'x\n');
      for (const command of ['git worktree remove --force ../wt', 'git worktree remove -f wt', `git worktree remove ${wt} --force`]) {
        expect({ command, ...installedClaudeHook(t, command) }).toMatchObject({ command, decision: 'allow' });
      }
      t.git(['worktree', 'remove', '--force', '../wt']);
      expect(fs.existsSync(wt)).toBe(false);
    });
  });

  it('denies it for a worktree with modified, staged or untracked files, naming them and the way forward', async () => {
    await withTestRepo((t) => {
      const wt = setup(t);
      fs.writeFileSync(path.join(wt, 'a.txt'), 'changed\n');
      let hook = installedClaudeHook(t, 'git worktree remove --force ../wt');
      expect(hook).toMatchObject({ decision: 'deny', reason: expect.stringContaining('a.txt') });
      expect(hook.reason).toContain(wt);
      expect(hook.reason).toContain('Commit or stash in that worktree first');
      // Staged only (the file on disk as HEAD has it again is still staged: --force drops the index).
      t.git(['-C', wt, 'add', 'a.txt']);
      fs.writeFileSync(path.join(wt, 'a.txt'), 'a\n');
      expect(installedClaudeHook(t, 'git worktree remove -f wt')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('a.txt') });
      t.git(['-C', wt, 'reset', '-q']);
      // Untracked, with a name that is not UTF-8: named by its bytes.
      fs.writeFileSync(Buffer.concat([Buffer.from(`${wt}/notes-`), Buffer.from([0xff]), Buffer.from('.txt')]), 'draft\n');
      hook = installedClaudeHook(t, 'git worktree remove --force ../wt');
      expect(hook).toMatchObject({ decision: 'deny', reason: expect.stringContaining('notes-') });
      expect(hook.reason).not.toContain('a.txt');
      expect(checkVerdict(t, 'git worktree remove --force ../wt')).toMatchObject({ verdict: 'deny', rule: 'git-worktree-remove-force' });
      // What the deny rests on: git removes it, the draft with it.
      t.git(['worktree', 'remove', '--force', '../wt']);
      expect(fs.existsSync(wt)).toBe(false);
    });
  });

  it('allows a single --force on a locked worktree (git refuses) and denies --force twice when it holds changes', async () => {
    await withTestRepo((t) => {
      const wt = setup(t);
      fs.writeFileSync(path.join(wt, 'draft.txt'), 'draft\n');
      t.git(['worktree', 'lock', '--reason', 'on a usb disk', wt]);
      expect(installedClaudeHook(t, 'git worktree remove --force ../wt')).toMatchObject({ decision: 'allow' });
      expect(t.gitResult(['worktree', 'remove', '--force', '../wt']).code).not.toBe(0);
      expect(fs.readFileSync(path.join(wt, 'draft.txt'), 'utf8')).toBe('draft\n');
      for (const command of ['git worktree remove --force --force ../wt', 'git worktree remove -ff ../wt', 'git worktree remove -f -f wt']) {
        expect({ command, ...installedClaudeHook(t, command) }).toMatchObject({ command, decision: 'deny', reason: expect.stringContaining('draft.txt') });
      }
      // --no-force counts back to none: git refuses over the untracked file, and over the lock.
      expect(installedClaudeHook(t, 'git worktree remove --force --no-force ../wt')).toMatchObject({ decision: 'allow' });
      // Clean and locked: --force twice loses nothing.
      fs.rmSync(path.join(wt, 'draft.txt'));
      expect(installedClaudeHook(t, 'git worktree remove -f -f ../wt')).toMatchObject({ decision: 'allow' });
      t.git(['worktree', 'remove', '-f', '-f', '../wt']);
      expect(fs.existsSync(wt)).toBe(false);
    });
  });

  it('keeps the deny for a clean worktree holding an ignored file that is not regenerable, and by text where guard cannot see the path', async () => {
    await withTestRepo((t) => {
      const wt = setup(t);
      fs.writeFileSync(path.join(wt, '.env'), 'API_KEY=secret\n');
      expect(installedClaudeHook(t, 'git worktree remove --force ../wt')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('.env') });
      expect(installedClaudeHook(t, 'git worktree remove --force "$WT"')).toMatchObject({ decision: 'deny' });
    });
  });
});
