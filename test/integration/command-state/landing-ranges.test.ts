/**
 * `git cherry-pick A..B` and `git revert A..B` apply each commit of the range in turn, and git
 * writes a commit's tracked file over an ignored one without a word. A single commit was judged
 * (tree-landing.ts); a range kept the verdict of its text (allow), so an ignored .env was gone.
 * The two ends' difference is not enough: a commit of the range that adds .env and a later one
 * that deletes it leave HEAD..B without .env, yet git wrote over .env and then deleted it (checked
 * with git 2.39 below, by running the command). So the range is read commit by commit, with one
 * `git log --name-only` (what each commit adds; for a revert what each deletes). Through the
 * installed agent hook: the snapshot taken first captures .env, `guard rollback` gives it back
 * byte for byte.
 *
 * `git checkout-index -a -f` writes the index's files; where an ignored file stands where the
 * index needs a directory (`conf` ignored, `conf/x` tracked) git deletes it without a word (git
 * 2.39, checked below). Judged from `ls-files --deleted` (the index's files missing on disk).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function run(t: TestRepo, command: string): void {
  const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

function rollback(t: TestRepo): void {
  const r = t.guard(['rollback', '--yes']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
}

function secretBack(t: TestRepo): void {
  expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
  expect(fs.lstatSync(path.join(t.dir, '.env')).mode & 0o777).toBe(0o600);
}

describe('cherry-pick and revert of a range over an ignored file', () => {
  it('git cherry-pick work..side, whose commits add .env then delete it: captured first, rollback gives it back', async () => {
    await withTestRepo((t) => {
      t.write('.gitignore', '.env\n');
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.git(['checkout', '-q', '-b', 'side']);
      t.write('.env', 'TRACKED=1\n');
      t.git(['add', '-f', '.env']);
      t.git(['commit', '-q', '-m', 'add .env']);
      t.git(['rm', '-q', '.env']);
      t.git(['commit', '-q', '-m', 'delete .env']);
      t.write('b.txt', 'b\n');
      t.git(['add', 'b.txt']);
      t.git(['commit', '-q', '-m', 'b']);
      t.git(['checkout', '-q', '-b', 'work', 'main']);
      t.write('.env', SECRET, 0o600);
      // The ends' difference names b.txt alone.
      expect(t.git(['diff-tree', '-r', '--name-only', 'work', 'side']).trim()).toBe('b.txt');
      const command = 'git cherry-pick work..side';
      const file = path.join(t.base, 'trace.json');
      const traced = t.guard(['check-command', '--json', command], { env: traceEnv(file) });
      expect(JSON.parse(traced.stdout)).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      // One log for the range, one ls-files where something is on disk.
      expect(tracedArgv(file).filter((a) => a[1] === 'log')).toHaveLength(1);
      expect(agentVerdict(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.exists('.env')).toBe(false);
      rollback(t);
      secretBack(t);
    });
  });

  it('git revert A..B re-adds the .env a commit of the range deleted: captured first, rollback gives it back; a range landing on nothing stays free', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.write('.env', 'TRACKED=1\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init with .env']);
      t.git(['checkout', '-q', '-b', 'work']);
      t.git(['tag', 'v1.0.0']);
      t.git(['rm', '-q', '--cached', '.env']);
      t.write('.gitignore', '.env\n');
      t.git(['add', '.gitignore']);
      t.git(['commit', '-q', '-m', 'stop tracking .env']);
      t.write('c.txt', 'c\n');
      t.git(['add', 'c.txt']);
      t.git(['commit', '-q', '-m', 'c']);
      t.write('.env', SECRET, 0o600);
      expect(checkVerdict(t, 'git revert HEAD~1..HEAD')).toMatchObject({ verdict: 'allow' });
      const command = 'git revert --no-edit v1.0.0..HEAD';
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('.env');
      expect(agentVerdict(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.read('.env')).toBe('TRACKED=1\n');
      rollback(t);
      secretBack(t);
    });
  });

  // The capture is checked in the snapshot itself: `guard rollback` does not put a captured file
  // back where the target's index has a directory (conf/x), which this case always has.
  it('git checkout-index -a -f over an ignored file where the index needs a directory: the snapshot taken first holds its bytes, rollback writes it back', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.write('conf/x', 'tracked\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.git(['checkout', '-q', '-b', 'work']);
      t.write('.gitignore', 'conf\n');
      t.git(['add', '.gitignore']);
      t.git(['commit', '-q', '-m', 'ignore conf']);
      fs.rmSync(path.join(t.dir, 'conf'), { recursive: true });
      t.write('conf', SECRET, 0o600);
      const command = 'git checkout-index -a -f';
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('conf');
      expect(agentVerdict(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.read('conf/x')).toBe('tracked\n');
      const before = t.git(['log', '--all', '--format=%H %s']).split('\n').find((line) => line.includes('before: git checkout-index'));
      expect(before).toBeDefined();
      const kept = spawnSync('git', ['cat-file', 'blob', `${(before as string).split(' ')[0]}:conf`], { cwd: t.dir, env: t.env });
      expect(kept.stdout).toEqual(SECRET);
      // And the rollback puts it back in place of the directory git made (rollback/captured-under-dir).
      rollback(t);
      expect(fs.readFileSync(path.join(t.dir, 'conf'))).toEqual(SECRET);
      expect(fs.lstatSync(path.join(t.dir, 'conf')).mode & 0o777).toBe(0o600);
      expect(t.git(['ls-files', '-d'])).toBe('conf/x\n');
    });
  });

  // From a subdirectory git checks out the files under it only, and ls-files names them relative to
  // it: `conf/x` there is `sub/conf/x` in the repository (git 2.39, checked by running it).
  it('git checkout-index -a -f from a subdirectory: the ignored sub/conf in the way is captured, not a conf at the top', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.write('sub/conf/x', 'tracked\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.write('.gitignore', 'conf\n');
      t.git(['add', '.gitignore']);
      t.git(['commit', '-q', '-m', 'ignore conf']);
      fs.rmSync(path.join(t.dir, 'sub', 'conf'), { recursive: true });
      t.write('sub/conf', SECRET, 0o600);
      const command = 'git checkout-index -a -f';
      const verdict = checkVerdict(t, command, { cwd: path.join(t.dir, 'sub') });
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('sub/conf');
      const r = spawnSync('sh', ['-c', command], { cwd: path.join(t.dir, 'sub'), env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(t.read('sub/conf/x')).toBe('tracked\n');
    });
  });
});
