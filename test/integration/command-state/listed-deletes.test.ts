/**
 * A deletion of the names a listing prints (`find . -name '*.tmp' | xargs rm -f`, `git ls-files
 * -z '*.orig' | xargs -0 rm`, `grep -rl X docs | xargs rm`) is judged as deleting the set the
 * listing can print (listings.ts checkListedDelete), as `find -delete` is: before 2026-12-05 it
 * was `ask` whatever the set (docs/FRICTION.md: a Claude prompt, a refusal for an agent without
 * one), also where it matched nothing. Nothing guard keeps: allow; tracked or untracked files:
 * a snapshot; an ignored file that is not regenerable output: captured first; a protected path,
 * or a walk into .git: refused; a name xargs would split: still ask, naming it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, expectAgentVerdicts, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, useDefaultPolicy, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const LOG = Buffer.from('boot\u0000 failed\r\n', 'latin1');

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  commitFiles(t, { '.gitignore': '*.log\ndist/\n', 'src/a.js': 'a\n', 'docs/old.md': 'TODO\n', 'db/migrations/001.sql': 'create table t (id int);\n' });
  writeFiles(t, { 'logs/debug.log': [LOG, 0o600], 'dist/out.js': 'built\n', 'src/scratch.tmp': 'tmp\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

describe('xargs rm of a listing: judged by the set it can print', () => {
  it('allow where it lists nothing guard keeps, snapshot over files, deny over a protected path or .git, ask over a name xargs splits', async () => {
    await withTestRepo((t) => {
      setup(t);
      const cases: Array<[string, string, string]> = [
        ["find . -name '*.orig' | xargs rm -f", 'allow', 'no-risk'],
        ["find . -name '*.orig' -print0 | xargs -0 rm -f", 'allow', 'no-risk'],
        ["git ls-files -z '*.orig' | xargs -0 rm", 'allow', 'no-risk'],
        ["find dist -name '*.js' | xargs rm -f", 'allow', 'no-risk'],
        ["find . -name '*.tmp' | xargs rm -f", 'snapshot', 'rm-in-repo'],
        ['grep -rl TODO docs | xargs rm', 'snapshot', 'rm-in-repo'],
        ["find db -name '*.sql' | xargs rm", 'deny', 'protected-path'],
        ['find . -type f | xargs rm', 'deny', 'git-dir-write'],
        ['cat list | xargs rm', 'ask', 'rm-unknown-target'],
      ];
      expectAgentVerdicts(t, cases);
      writeFiles(t, { 'src/two words.tmp': 'x\n' });
      const split = checkVerdict(t, "find . -name '*.tmp' | xargs rm -f", { asAgent: true });
      expect(split).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
      expect(split.reason).toContain('src/two words.tmp');
      expect(split.instead).toContain('xargs -0');
      expect(checkVerdict(t, "find . -name '*.tmp' -print0 | xargs -0 rm -f", { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('an ignored log the listing holds is captured through the installed hook; the rollback gives its bytes and mode back', async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = "find . -name '*.log' -not -path './.git/*' | xargs rm -f";
      const before = stateWithModes(t, ['logs/debug.log']);
      // The agent's verdict and the capture as the hook journaled them: no check-command or guard log process.
      const hook = hookWithVerdict(t, command);
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo', capturedIgnored: ['logs/debug.log'] });
      expect(hook.snapshotReason).toContain('logs/debug.log');
      shellOk(t, command);
      expect(fs.existsSync(path.join(t.dir, 'logs/debug.log'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, ['logs/debug.log'])).toEqual(before);
    });
  });
});
