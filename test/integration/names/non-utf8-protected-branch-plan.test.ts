/**
 * The ref changes a command announces, judged before it starts (src/githooks/planned-refs.ts),
 * for a protected branch whose name is not UTF-8 (`release/caf\xe9` under the default
 * `release/*`). planned-refs read git's names decoded as UTF-8 and resolved the typed name on
 * git's command line as UTF-8: `release/caf\xe9` became `release/caf\uFFFD`, which resolves to
 * nothing, so `git switch $'release/caf\xe9' && git reset --hard HEAD~1` read as a switch to a
 * branch that does not exist followed by a reset of the branch checked out now, and was allowed
 * after a snapshot (found by hand, 2026-12-07, helper bytes3); reference-transaction then refuses
 * the move only after the reset has reset the working tree, and not at all with hooks off
 * (Gemini CLI). Names are now escaped text, resolved by their bytes, matched and shown as the
 * hooks see them (`release/caf\351`). Real git, the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { expectAgentVerdicts } from '../../helpers/verdicts.js';

function bash(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('protected branches whose name is not UTF-8, judged before the command runs', () => {
  it('refuses a reset or an amend after a switch to one, and still lets the same lines through for an unprotected one', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      commitFiles(t, { 'a.txt': 'b\n' }, 'second');
      // The protected branch, a neighbour that differs in its last byte one commit behind, and an unprotected one.
      bash(t, "git branch $'release/caf\\xe9' && git branch $'release/caf\\xe8' HEAD~1 && git branch $'feat/caf\\xe9' && git switch -q -c work");
      expectAgentVerdicts(t, [
        ["git switch $'release/caf\\xe9' && git reset --hard HEAD~1", 'deny', 'protected-branch-rewrite', 'the protected branch release/caf\\351 from'],
        ["git checkout $'release/caf\\xe9' && git commit --amend -m x", 'deny', 'protected-branch-rewrite', 'release/caf\\351'],
        // The move to the neighbour's commit is judged against release/caf\xe9's own tip.
        ["git switch $'release/caf\\xe9' && git reset --hard $'release/caf\\xe8'", 'deny', 'protected-branch-rewrite', 'release/caf\\351'],
        ["git switch $'feat/caf\\xe9' && git reset --hard HEAD~1", 'snapshot', 'git-reset-hard'],
      ]);
      // On the branch itself: HEAD's name read from git.
      bash(t, "git switch -q $'release/caf\\xe9'");
      expectAgentVerdicts(t, [["git reset --hard HEAD~1", 'deny', 'protected-branch-rewrite', 'the protected branch release/caf\\351 from']]);
    });
  });
});
