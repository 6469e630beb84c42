/**
 * `find DIR -name X -exec mv {} {}.bak \;` (and `-exec git mv`, `mv -t`): the `{}` source is
 * judged by what find selects, as `-exec rm {}` is (targets.ts checkMoveSource into checkFound),
 * not by the made-up name standing for it. Before 2026-12-05 that name "may hold" any protected
 * path, so every such move was denied for an agent on a repository with no protected file under
 * DIR (found on a vite clone, docs/FRICTION.md, hunt of 2026-12-05). A protected file find
 * selects is still refused; an ignored file it moves is captured first and a rollback brings it
 * back where it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, useDefaultPolicy, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  commitFiles(t, { '.gitignore': '.env\ndist/\n', 'src/a.js': 'a\n', 'src/lib/b.js': 'b\n', 'docs/x.md': 'x\n', 'db/migrations/001.sql': 'create table t (id int);\n' });
  writeFiles(t, { 'config/.env': ['SECRET=1\n', 0o600], 'dist/app.js': 'built\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

describe('find -exec mv {}: judged by what find selects', () => {
  it('moves of tracked files find selects are allowed; a protected one is refused; by text alone the old answer stands', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ["find src -name '*.js' -exec mv {} {}.bak \\;", "find docs -name '*.md' -exec git mv {} {}.bak \\;", "find src -name '*.js' -exec mv -t docs {} +", "find dist -name '*.js' -exec mv {} {}.old \\;"]) {
        expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      }
      const denied = checkVerdict(t, "find db -name '*.sql' -exec mv {} {}.bak \\;", { asAgent: true });
      expect(denied).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(denied.reason).toContain('db/migrations/001.sql');
      expect(checkVerdict(t, "find . -name '*.sql' -exec git mv {} {}.bak \\;", { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      // Nothing selected: nothing moved.
      expect(checkVerdict(t, "find src -name '*.py' -exec mv {} {}.bak \\;", { asAgent: true })).toMatchObject({ verdict: 'allow' });
    });
  });

  it('an ignored file find selects is captured before the move and comes back where it was', async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = "find config -name '.env' -exec mv {} {}.bak \\;";
      const before = stateWithModes(t, ['config/.env']);
      // The agent's verdict and the capture as the hook journaled them: no check-command or guard log process.
      const hook = hookWithVerdict(t, command);
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo', capturedIgnored: ['config/.env'] });
      expect(hook.snapshotReason).toContain('config/.env');
      shellOk(t, command);
      expect(fs.existsSync(path.join(t.dir, 'config/.env'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, ['config/.env'])).toEqual(before);
    });
  });
});
