/**
 * A branch's config section (`branch.<name>.*`) whose name or values are not UTF-8: snapshots left
 * out every key whose name or value was not UTF-8 (mode-rules.ts), and the restore could only
 * name a branch by UTF-8 text on git's command line, so after an agent's `git branch -D
 * $'caf\xe9'` a rollback brought the branch back without its upstream and description (found by
 * hand in a hermetic repository, 2026-12-07, helper bytes3). Now the name is kept as ref-name.ts
 * writes it (`caf\351`, as the refs are), values as escaped text, and both go back to git as
 * their bytes. Real git through the agent hook and the CLI; the config's bytes compared.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

function bash(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/** Every local `branch.*` key with its value as bytes (hex), sorted (a section's place in the file is git's business). */
function branchConfig(t: TestRepo): string[] {
  const r = spawnSync('git', ['config', '--local', '-z', '--get-regexp', '^branch\\.'], { cwd: t.dir, env: t.env });
  expect([0, 1]).toContain(r.status);
  return r.stdout.toString('latin1').split('\0').filter(Boolean).map((record) => Buffer.from(record, 'latin1').toString('hex')).sort();
}

function refs(t: TestRepo): string {
  const r = spawnSync('git', ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads'], { cwd: t.dir, env: t.env });
  return r.stdout.toString('hex');
}

describe('branch config sections by their bytes', () => {
  it('a deleted branch named in Latin-1 (and one with a leading quote) gets its upstream and description back, values with Latin-1, a backslash, a line break, a tab and a leading quote byte for byte; --undo goes back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      bash(t, [
        "git branch $'caf\\xe9' && git branch $'caf\\xe8' && git branch '\"quoted' && git branch plain",
        "git config $'branch.caf\\xe9.remote' . && git config $'branch.caf\\xe9.merge' $'refs/heads/caf\\xe8'",
        "git config $'branch.caf\\xe9.description' $'\"d\\xe9j\\xe0 vu\\\\n\\n\\tsecond line'",
        "git config $'branch.caf\\xe8.description' 'the neighbour'",
        "git config 'branch.\"quoted.description' $'\\'x\\\\y\\xff'",
        "git config branch.plain.description $'\\xfe'",
      ].join(' && '));
      const before = { refs: refs(t), config: branchConfig(t) };
      expect(before.config.length).toBe(6);
      const command = "git branch -D $'caf\\xe9' '\"quoted' plain";
      const hook = preToolHook(t, { tool: 'Bash', command });
      expect(hook.decision, hook.reason).not.toBe('deny');
      bash(t, command);
      const deleted = { refs: refs(t), config: branchConfig(t) };
      expect(deleted.config.length).toBe(1);

      const out = rollbackOk(t);
      expect(out).toContain("refs/heads/caf\\351: upstream . $'refs/heads/caf\\xe8' (was none)");
      expect(out).not.toContain('\ufffd');
      expect({ refs: refs(t), config: branchConfig(t) }).toEqual(before);

      undoOk(t);
      expect({ refs: refs(t), config: branchConfig(t) }).toEqual(deleted);
    });
  });
});
