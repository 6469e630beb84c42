/**
 * The interpreter the installed git hooks name (src/githooks/install/shim.ts hookShell):
 * /bin/dash where there is one, else /bin/sh. Where /bin/sh is bash (macOS, Fedora) the shims
 * cost 1.4-1.7x the CPU they take under dash, and the suite runs them under dash. A shim whose
 * interpreter went away cannot run: `guard status` says so with its fix, and writes unedited
 * shims again with what is there now (the same refresh an upgrade gets). The test bundle takes
 * the candidates from GUARD_TEST_HOOK_SHELLS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const HOOKS = ['pre-commit', 'pre-push', 'reference-transaction', 'pre-rebase'];

function shebangs(t: TestRepo): string[] {
  return HOOKS.map((hook) => fs.readFileSync(path.join(t.dir, '.git', 'hooks', hook), 'utf8').split('\n', 1)[0]!);
}

function seed(t: TestRepo): void {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
}

describe('the git hooks run under dash where it is there', () => {
  it('names /bin/dash when it exists, /bin/sh when it does not', async () => {
    await withTestRepo((t) => {
      seed(t);
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      expect(shebangs(t)).toEqual(HOOKS.map(() => (fs.existsSync('/bin/dash') ? '#!/bin/dash' : '#!/bin/sh')));
    });
    await withTestRepo((t) => {
      seed(t);
      const env = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_HOOK_SHELLS: path.join(t.base, 'no-such-shell') };
      expect(t.guard(['init', '--yes', '--agents', 'none'], { env }).code).toBe(0);
      expect(shebangs(t)).toEqual(HOOKS.map(() => '#!/bin/sh'));
    });
  });

  it('a hook whose interpreter went away: guard status reports it and writes the hooks again with /bin/sh; they run', async () => {
    await withTestRepo((t) => {
      seed(t);
      const shell = path.join(t.base, 'bin', 'fast-sh');
      fs.mkdirSync(path.dirname(shell));
      fs.symlinkSync('/bin/sh', shell);
      const env = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_HOOK_SHELLS: shell };
      expect(t.guard(['init', '--yes', '--agents', 'none'], { env }).code).toBe(0);
      expect(shebangs(t)).toEqual(HOOKS.map(() => `#!${shell}`));
      // The hooks run under it: the deletion of main, which reference-transaction refuses.
      t.git(['switch', '-q', '-c', 'work']);
      const refused = t.gitResult(['branch', '-D', 'main']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/guard/);

      fs.rmSync(shell);
      t.write('a.txt', 'b\n');
      // git cannot start the hook: the commit fails (this is why the choice is checked below).
      expect(t.gitResult(['commit', '-qam', 'x']).code).not.toBe(0);
      const status = t.guard(['status'], { env });
      expect(status.stdout + status.stderr).toMatch(/updated this clone's git hooks/);
      expect(shebangs(t)).toEqual(HOOKS.map(() => '#!/bin/sh'));
      expect(t.gitResult(['commit', '-qam', 'x']).code).toBe(0);
      expect(t.gitResult(['branch', '-D', 'main']).code).not.toBe(0);
      expect(t.guard(['status'], { env }).code).toBe(0);
    });
  });
});
