/**
 * `git repack -a -d` writes one pack of what is reachable (refs, reflogs, the index) and deletes
 * the old packs: the unreachable objects in them go at once, as with `git gc --prune=now`, which
 * is denied (git-gc-prune). It was allowed (a "safe look-alike" row of the corpus) until
 * 2026-12-07 (helper recdata: git 2.39, run). Now denied the same way; `-A -d` (loosens them, the
 * next gc keeps them two weeks), `-k` and `--cruft` stay free. Real git: the commit a deleted
 * branch alone held, packed, is gone after `-a -d` and still there after `-A -d`.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';

/** A commit no ref or reflog reaches, in a pack (a branch packed, then deleted with its reflog, as a person may). */
function packedUnreachable(t: TestRepo): string {
  commitFiles(t, { 'a.txt': 'a\n' }, 'a');
  t.git(['checkout', '-q', '-b', 'x']);
  commitFiles(t, { 'b.txt': 'b\n' }, 'b');
  const lost = t.git(['rev-parse', 'HEAD']).trim();
  t.git(['checkout', '-q', 'main']);
  t.git(['repack', '-q', '-a', '-d']);
  t.git(['branch', '-q', '-D', 'x']);
  t.git(['reflog', 'expire', '--expire=now', '--all']);
  return lost;
}

const exists = (t: TestRepo, oid: string): boolean => t.gitResult(['cat-file', '-e', oid]).code === 0;

describe('git repack -a -d', () => {
  it('is denied like git gc --prune=now (the unreachable objects of the old packs go at once); -A -d, which keeps them, stays free', async () => {
    await withTestRepo((t) => {
      const lost = packedUnreachable(t);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      for (const command of ['git repack -a -d', 'git repack -adf --depth=250 --window=250', 'git repack -Ad --unpack-unreachable=now']) {
        const verdict = installedClaudeHook(t, command);
        expect(verdict.decision, command).toBe('deny');
        expect(verdict.reason, command).toContain('with no grace period');
      }
      expect(checkVerdict(t, 'git repack -a -d', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'git-gc-prune' });
      for (const command of ['git repack -A -d', 'git repack -a -d -k', 'git repack --cruft -d', 'git repack -a']) expect(installedClaudeHook(t, command).decision, command).toBe('allow');
      // What the denied command does to the commit only the old pack held.
      expect(exists(t, lost)).toBe(true);
      t.git(['repack', '-q', '-a', '-d']);
      expect(exists(t, lost)).toBe(false);
    });
  });

  it('-A -d, which stays free, keeps that commit (loose, for gc.pruneExpire)', async () => {
    await withTestRepo((t) => {
      const lost = packedUnreachable(t);
      t.git(['repack', '-q', '-A', '-d']);
      expect(exists(t, lost)).toBe(true);
    });
  });
});
