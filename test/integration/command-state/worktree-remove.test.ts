/**
 * `git worktree remove <path>` without --force refuses while the worktree holds modified or
 * untracked files, but deletes its ignored files without asking: playing an agent session, an
 * ignored `.env` in a linked worktree was lost and guard had answered no-risk. No snapshot holds
 * ignored files, so a worktree removal that takes one that is not regenerable output is denied,
 * naming it; node_modules, dist and the like (commands.regenerable) are fine to lose.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/** A repository ignoring .env, secrets/ and node_modules/, with the linked worktree `<base>/wt`. */
function setup(t: TestRepo): string {
  t.write('.gitignore', '.env\nsecrets/\nnode_modules/\n');
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  const wt = path.join(t.base, 'wt');
  t.git(['worktree', 'add', '-q', wt]);
  return wt;
}

describe('git worktree remove without --force', () => {
  it('denies it when the worktree holds an ignored file that is not regenerable, naming the file', async () => {
    await withTestRepo((t) => {
      const wt = setup(t);
      fs.writeFileSync(path.join(wt, '.env'), 'API_KEY=secret\n');
      fs.mkdirSync(path.join(wt, 'node_modules', 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(wt, 'node_modules', 'pkg', 'index.js'), 'x\n');
      // Every spelling git accepts: relative, absolute, and a unique path suffix (from anywhere).
      for (const command of ['git worktree remove ../wt', `git worktree remove ${wt}`, 'git worktree remove wt']) {
        expect({ command, ...checkVerdict(t, command) }).toMatchObject({ command, verdict: 'deny', rule: 'git-worktree-remove-ignored' });
      }
      const denied = checkVerdict(t, 'git worktree remove ../wt');
      expect(denied.reason).toContain('.env');
      expect(denied.reason).not.toContain('node_modules');
      expect(denied.instead).toContain('Move the named files out');
      // Inside an ignored directory, the files themselves are named.
      fs.rmSync(path.join(wt, '.env'));
      fs.mkdirSync(path.join(wt, 'secrets'));
      fs.writeFileSync(path.join(wt, 'secrets', 'key.pem'), 'key\n');
      expect(checkVerdict(t, 'git worktree remove ../wt')).toMatchObject({ verdict: 'deny', rule: 'git-worktree-remove-ignored', reason: expect.stringContaining('secrets/key.pem') });
      // What the deny rests on: git removes the worktree, ignored files and all, without asking.
      t.git(['worktree', 'remove', wt]);
      expect(fs.existsSync(path.join(wt, 'secrets', 'key.pem'))).toBe(false);
    });
  });

  it('allows it when the worktree holds only regenerable ignored output (node_modules/)', async () => {
    await withTestRepo((t) => {
      const wt = setup(t);
      fs.mkdirSync(path.join(wt, 'node_modules', 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(wt, 'node_modules', 'pkg', 'index.js'), 'x\n');
      expect(checkVerdict(t, 'git worktree remove ../wt')).toMatchObject({ verdict: 'allow' });
      // The main worktree and a path that is no worktree: git refuses those itself.
      expect(checkVerdict(t, `git worktree remove ${t.dir}`)).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'git worktree remove ../nothing-here')).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'git worktree remove --force ../wt')).toMatchObject({ verdict: 'deny', rule: 'git-worktree-remove-force' });
    });
  });
});
