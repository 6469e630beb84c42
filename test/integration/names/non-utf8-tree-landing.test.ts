/**
 * `git switch $'caf\xe9'` (a branch whose name is not UTF-8) writes that branch's tracked files
 * over ignored files here without asking (tree-landing.ts), and where the branch lacks
 * `.guard.yaml` it deletes guard's policy. The landing query handed the name to git's command line
 * as UTF-8, where the byte became U+FFFD and named no revision: the query went unanswered, so the
 * switch was allowed with no snapshot, the ignored file it overwrote was in none, and the policy
 * was not put back (found by hand, 2026-12-07, helper bytes3; `git switch plain` of the same
 * commit got both). Now the revision is resolved by its bytes first. Real git, the real CLI and
 * the agent hook; the files compared byte for byte after the rollback.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { expectAgentVerdicts } from '../../helpers/verdicts.js';

function bash(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('a tree landed from a branch whose name is not UTF-8', () => {
  it('captures the ignored file the switch overwrites (rollback gives it back) and names the policy it deletes', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      // The branch tracks local.env; main does not, and has guard's policy committed since.
      bash(t, "git switch -q -c $'caf\\xe9' && printf 'BRANCH=1\\n' > local.env && git add -f local.env && git commit -qm 'env on the branch' && git branch same-commit && git switch -q main");
      commitFiles(t, { '.guard.yaml': 'version: 1\n' }, 'guard policy');
      // The same commit by a UTF-8 name and by the Latin-1 one: the same verdicts.
      expectAgentVerdicts(t, [
        ['git switch same-commit', 'snapshot', 'guard-policy-put-back', '.guard.yaml (tracked in HEAD, not in same-commit)'],
        ["git switch $'caf\\xe9'", 'snapshot', 'guard-policy-put-back', ".guard.yaml (tracked in HEAD, not in $'caf\\xe9')"],
        // main is protected: a reset of it to the branch is refused by planned-refs before anything else.
        ["git reset --hard $'caf\\xe9'", 'deny', 'protected-branch-rewrite', 'the protected branch main'],
      ]);
      fs.writeFileSync(path.join(t.dir, 'local.env'), 'MINE=secret\n', { mode: 0o600 });
      expectAgentVerdicts(t, [
        ['git switch same-commit', 'snapshot', 'overwrite-ignored', 'the ignored file local.env'],
        ["git switch $'caf\\xe9'", 'snapshot', 'overwrite-ignored', ["$'caf\\xe9''s tracked files", 'the ignored file local.env']],
      ]);

      const command = "git switch -q $'caf\\xe9'";
      const hook = preToolHook(t, { tool: 'Bash', command });
      expect(hook.decision, hook.reason).not.toBe('deny');
      bash(t, command);
      expect(fs.readFileSync(path.join(t.dir, 'local.env'), 'utf8')).toBe('BRANCH=1\n');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'local.env'), 'utf8')).toBe('MINE=secret\n');
      expect(fs.statSync(path.join(t.dir, 'local.env')).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(path.join(t.dir, '.git', 'HEAD'), 'latin1')).toBe('ref: refs/heads/main\n');
    });
  });
});
