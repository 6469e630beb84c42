/**
 * A branch whose name is not UTF-8 (`git branch $'rel/bad\xff'`), deleted by an agent: snapshots
 * read ref names decoded as UTF-8, so the name became U+FFFD and `guard rollback` created
 * `rel/bad\xef\xbf\xbd` (another branch) while the deleted one stayed gone. Now a ref name is kept
 * as ref-name.ts writes it (`rel/bad\377`) and goes back to git as its bytes. Real git, through the
 * agent hook; refs compared byte for byte, a neighbour differing only in that byte untouched.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

/** Every ref outside guard's own with what it points at, as bytes (hex of for-each-ref's output). */
function refs(t: TestRepo): string {
  const r = spawnSync('git', ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags'], { cwd: t.dir, env: t.env });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout.toString('hex');
}

function bash(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('a branch whose name is not UTF-8', () => {
  it('deleted by an agent, comes back under its own bytes with guard rollback (and goes again with --undo); its neighbour is not touched', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      bash(t, "git branch $'rel/bad\\xff' && git branch $'rel/bad\\xfe' && git tag $'v\\xe9'");
      commitFiles(t, { 'a.txt': 'b\n' }, 'second');
      bash(t, "git branch -f $'rel/bad\\xfe' HEAD");
      const before = refs(t);
      const command = "git branch -D $'rel/bad\\xff'";
      const hook = preToolHook(t, { tool: 'Bash', command });
      expect(hook.decision, hook.reason).not.toBe('deny');
      bash(t, command);
      const deleted = refs(t);
      expect(deleted).not.toBe(before);
      const out = rollbackOk(t);
      expect(out).toContain('refs/heads/rel/bad\\377');
      expect(out).not.toContain('\ufffd');
      expect(refs(t)).toBe(before);
      undoOk(t);
      expect(refs(t)).toBe(deleted);
    });
  });

  it('names that are UTF-8 beyond ASCII (read by the snapshot in one decoding) come back byte for byte too', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      bash(t, "git branch 'rel/ünï' && git tag -a 'v-é' -m 'étiquette' && git branch 'rel/日本'");
      const before = refs(t);
      const command = "git branch -D 'rel/ünï' 'rel/日本' && git tag -d 'v-é'";
      const hook = preToolHook(t, { tool: 'Bash', command });
      expect(hook.decision, hook.reason).not.toBe('deny');
      bash(t, command);
      expect(refs(t)).not.toBe(before);
      const out = rollbackOk(t);
      expect(out).toContain('rel/ünï');
      expect(out).not.toContain('\ufffd');
      expect(refs(t)).toBe(before);
    });
  });
});
