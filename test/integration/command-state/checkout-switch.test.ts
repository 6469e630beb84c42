/**
 * `git checkout X` with one operand is a branch switch or, when X is a path, a discard of that
 * path's changes; guard snapshotted it every time. Where nothing named X exists where git runs,
 * neither reading loses anything: a switch refuses to overwrite local changes (it carries them),
 * and a path git finds only in the index is put back without overwriting anything. Found by the
 * friction hunt (docs/FRICTION.md): `git checkout main` took a snapshot on every clone.
 * Decided by `guard check-command --json` as an agent, then run for real: the local changes must
 * still be there, byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, useDefaultPolicy } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';

const check = (t: TestRepo, command: string, cwd?: string) => checkVerdict(t, command, { asAgent: true, cwd });

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  // .guard.yaml is committed with them.
  commitFiles(t, { 'src/app.ts': 'one\n', 'gone.txt': 'g\n' });
  t.git(['switch', '-q', '-c', 'feature']);
  t.write('src/app.ts', 'one\nlocal change\n');
}

describe('git checkout of a name that is no path', () => {
  it('allows a branch switch, and git carries the local changes over', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(check(t, 'git checkout main')).toMatchObject({ verdict: 'allow' });
      expect(check(t, 'git checkout main', path.join(t.dir, 'src'))).toMatchObject({ verdict: 'allow' });
      t.git(['checkout', '-q', 'main']);
      expect(t.read('src/app.ts')).toBe('one\nlocal change\n');
      expect(t.git(['symbolic-ref', 'HEAD']).trim()).toBe('refs/heads/main');
    });
  });

  it('allows putting back a file only the index has, which overwrites nothing', async () => {
    await withTestRepo((t) => {
      setup(t);
      fs.rmSync(path.join(t.dir, 'gone.txt'));
      expect(check(t, 'git checkout gone.txt')).toMatchObject({ verdict: 'allow' });
      t.git(['checkout', '-q', 'gone.txt']);
      expect(t.read('gone.txt')).toBe('g\n');
      expect(t.read('src/app.ts')).toBe('one\nlocal change\n');
    });
  });

  it('still snapshots a name that exists as a path, a wildcard, --merge and --recurse-submodules', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(check(t, 'git checkout src/app.ts')).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(check(t, 'git checkout app.ts', path.join(t.dir, 'src'))).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(check(t, 'git checkout src')).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(check(t, "git checkout '*.ts'")).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(check(t, 'git checkout :/src')).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(check(t, 'git checkout -m main')).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(check(t, 'git checkout --recurse-submodules main')).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      // A branch that is also a path: git switches, but guard cannot tell which git will do.
      t.write('main', 'a file named main\n');
      expect(check(t, 'git checkout main')).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
    });
  });
});
