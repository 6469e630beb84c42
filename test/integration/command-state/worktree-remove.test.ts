/**
 * `git worktree remove <path>` without --force refuses while the worktree holds modified or
 * untracked files, but deletes its ignored files without asking: playing an agent session, an
 * ignored `.env` in a linked worktree was lost and guard had answered no-risk. No snapshot holds
 * ignored files, so a worktree removal that takes one that is not regenerable output is denied,
 * naming it; node_modules, dist and the like (commands.regenerable) are fine to lose. The verdicts
 * are check-command's evaluation in this process (test/helpers/evaluated.ts), one row compared with
 * `guard check-command` itself; the agent hook runs for real.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
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
    await withTestRepo(async (t) => {
      const wt = setup(t);
      fs.writeFileSync(path.join(wt, '.env'), 'API_KEY=secret\n');
      fs.mkdirSync(path.join(wt, 'node_modules', 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(wt, 'node_modules', 'pkg', 'index.js'), 'x\n');
      // Every spelling git accepts: relative, absolute, and a unique path suffix (from anywhere).
      for (const command of ['git worktree remove ../wt', `git worktree remove ${wt}`, 'git worktree remove wt']) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny', rule: 'git-worktree-remove-ignored' });
      }
      const denied = await evaluatedVerdict(t, 'git worktree remove ../wt');
      // check-command's own path for this row; the file's others through the same evaluation in this process.
      expect(checkVerdict(t, 'git worktree remove ../wt')).toEqual(denied);
      expect(denied.reason).toContain('.env');
      expect(denied.reason).not.toContain('node_modules');
      expect(denied.instead).toContain('Move the named files out');
      // Inside an ignored directory, the files themselves are named.
      fs.rmSync(path.join(wt, '.env'));
      fs.mkdirSync(path.join(wt, 'secrets'));
      fs.writeFileSync(path.join(wt, 'secrets', 'key.pem'), 'key\n');
      expect(await evaluatedVerdict(t, 'git worktree remove ../wt')).toMatchObject({ verdict: 'deny', rule: 'git-worktree-remove-ignored', reason: expect.stringContaining('secrets/key.pem') });
      // What the deny rests on: git removes the worktree, ignored files and all, without asking.
      t.git(['worktree', 'remove', wt]);
      expect(fs.existsSync(path.join(wt, 'secrets', 'key.pem'))).toBe(false);
    });
  });

  it('allows it when the worktree holds only regenerable ignored output (node_modules/)', async () => {
    await withTestRepo(async (t) => {
      const wt = setup(t);
      fs.mkdirSync(path.join(wt, 'node_modules', 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(wt, 'node_modules', 'pkg', 'index.js'), 'x\n');
      expect(await evaluatedVerdict(t, 'git worktree remove ../wt')).toMatchObject({ verdict: 'allow' });
      // The main worktree and a path that is no worktree: git refuses those itself.
      expect(await evaluatedVerdict(t, `git worktree remove ${t.dir}`)).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, 'git worktree remove ../nothing-here')).toMatchObject({ verdict: 'allow' });
      // With --force and nothing uncommitted: the same (worktree-remove-force.test.ts has the rest).
      expect(await evaluatedVerdict(t, 'git worktree remove --force ../wt')).toMatchObject({ verdict: 'allow' });
    });
  });
});

/** A second repository `<base>/other` (ignoring .env and node_modules/) with the linked worktree `<base>/other-wt`. */
function otherRepository(t: TestRepo): { other: string; otherWt: string } {
  const other = path.join(fs.realpathSync(t.base), 'other');
  fs.mkdirSync(other);
  t.git(['init', '-q', other]);
  fs.writeFileSync(path.join(other, '.gitignore'), '.env\nnode_modules/\n');
  t.git(['-C', other, 'add', '-A']);
  t.git(['-C', other, 'commit', '-q', '-m', 'other']);
  const otherWt = path.join(fs.realpathSync(t.base), 'other-wt');
  t.git(['-C', other, 'worktree', 'add', '-q', otherWt]);
  return { other, otherWt };
}

describe('git worktree remove aimed at the repository the command really targets', () => {
  it('denies removing another repository\'s worktree that holds an ignored file (-C, --git-dir, --work-tree, GIT_DIR=), naming the way forward', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const { other, otherWt } = otherRepository(t);
      fs.writeFileSync(path.join(otherWt, '.env'), 'OTHER_KEY=secret\n');
      for (const command of [
        `git -C ${other} worktree remove ../other-wt`,
        `git -C ${other} worktree remove other-wt`,
        `git -C ${otherWt} worktree remove .`,
        `cd ${other} && git worktree remove ${otherWt}`,
        `git --git-dir=${other}/.git worktree remove ${otherWt}`,
        `git --git-dir ${other}/.git --work-tree=${other} worktree remove ../other-wt`,
        `GIT_DIR=${other}/.git git worktree remove ${otherWt}`,
        `git -C ${other} worktree remove --force other-wt`,
      ]) {
        const verdict = await evaluatedVerdict(t, command);
        // --force on a clean worktree loses the same ignored files.
        expect({ command, ...verdict }).toMatchObject({ command, verdict: 'deny', rule: 'git-worktree-remove-ignored' });
        expect(verdict.reason).toContain(`the worktree ${otherWt}`);
        expect(verdict.reason).toContain('.env');
        expect(verdict.instead).toContain('Move the named files out');
      }
      // The agent's hook answers the same.
      expect(agentVerdict(t, `git -C ${other} worktree remove other-wt`)).toMatchObject({ decision: 'deny', reason: expect.stringContaining('.env') });
      // The same names in this repository's own terms: it has no worktree other-wt.
      expect(await evaluatedVerdict(t, 'git worktree remove ../other-wt')).toMatchObject({ verdict: 'allow' });
      // Only regenerable output in it: nothing to lose that cannot be rebuilt.
      fs.rmSync(path.join(otherWt, '.env'));
      fs.mkdirSync(path.join(otherWt, 'node_modules'));
      fs.writeFileSync(path.join(otherWt, 'node_modules', 'x.js'), 'x\n');
      expect(await evaluatedVerdict(t, `git -C ${other} worktree remove other-wt`)).toMatchObject({ verdict: 'allow' });
      // A directory guard cannot see: it cannot know which repository's worktree goes.
      expect(await evaluatedVerdict(t, 'git -C "$SOMEWHERE" worktree remove other-wt')).toMatchObject({ rule: 'opaque-command' });
      // What the deny rests on: git run there removes that worktree, ignored files and all.
      fs.writeFileSync(path.join(otherWt, '.env'), 'OTHER_KEY=secret\n');
      t.git(['-C', other, 'worktree', 'remove', 'other-wt']);
      expect(fs.existsSync(path.join(otherWt, '.env'))).toBe(false);
    });
  });

  it('denies removing a worktree whose path is not UTF-8 ($\'\\xff\', $\'\\377\', -C there; a printf substitution is unseen), the files named by their bytes', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const base = fs.realpathSync(t.base);
      // Node's argv is UTF-8 only: the shell makes the name with the raw byte.
      const added = spawnSync('sh', ['-c', `git worktree add -q -b bytes "$(printf '${base}/wt\\377')"`], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
      const wtBytes = Buffer.concat([Buffer.from(`${base}/wt`), Buffer.of(0xff)]);
      fs.writeFileSync(Buffer.concat([wtBytes, Buffer.from('/.env')]), 'API_KEY=secret\n');
      for (const command of [
        `git worktree remove ../wt$'\\xff'`,
        `git worktree remove "${base}/wt"$'\\377'`,
        `git worktree remove wt$'\\xff'`,
        `git -C ${base}/wt$'\\xff' worktree remove .`,
      ]) {
        const verdict = await evaluatedVerdict(t, command);
        expect({ command, ...verdict }).toMatchObject({ command, verdict: 'deny', rule: 'git-worktree-remove-ignored' });
        expect(verdict.reason).toContain(`the worktree $'${base}/wt\\xff'`);
        expect(verdict.reason).toContain('.env');
      }
      // guard does not run substitutions: a name printf makes is one it cannot see, never allowed unseen.
      expect(await evaluatedVerdict(t, `git worktree remove "$(printf '../wt\\377')"`)).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
      // Another byte is another name: no worktree, git refuses it itself.
      expect(await evaluatedVerdict(t, `git worktree remove ../wt$'\\xfe'`)).toMatchObject({ verdict: 'allow' });
    });
  });
});
