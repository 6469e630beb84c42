/**
 * The bits no tree holds (intent-to-add, assume-unchanged, skip-worktree) in a repository with a
 * split index (`core.splitIndex=true`): the index file holds only the entries changed since its
 * shared index was written, so reading the bits from its bytes found none, the snapshot recorded
 * none, and a rollback after `git reset --hard` gave `git add -N`'s file back untracked and the
 * assume-unchanged bit lost (found on a helix clone with core.splitIndex, 2026-12-07, helper
 * rbaudit). Compared: `ls-files -s -v` (stage, id, and the lower-case tag of assume-unchanged),
 * `ls-files -t` (S for skip-worktree), the flags of `ls-files --debug`, and the files' bytes.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { snapshotId, rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';

/**
 * The bits of `ls-files --debug`'s flags an index file keeps (assume-unchanged 0x8000, extended
 * 0x4000, the stage, intent-to-add 1<<29, skip-worktree 1<<30), without git's in-memory ones (a
 * split index marks entries CE_UPDATE_IN_BASE, 1<<27, as it last wrote them).
 */
const KEPT_FLAGS = 0x6000f000;

function indexState(t: TestRepo): Record<string, string> {
  const debugFlags = t
    .git(['ls-files', '--debug'])
    .split('\n')
    .filter((l) => !/^\s/.test(l) || /flags: /.test(l))
    .map((l) => l.replace(/^\s+size: \d+\s+flags: ([0-9a-f]+)$/, (_m, hex: string) => `flags: ${(parseInt(hex, 16) & KEPT_FLAGS).toString(16)}`));
  return { ...byteState(t), v: t.git(['ls-files', '-s', '-v', '-z']), tags: t.git(['ls-files', '-t', '-z']), debug: debugFlags.join('\n') };
}

describe('rollback with a split index', () => {
  it('keeps an intent-to-add entry, an assume-unchanged and a skip-worktree bit through rollback and --undo', () =>
    withTestRepo((t) => {
      t.git(['config', 'core.splitIndex', 'true']);
      commitFiles(t, { 'a.txt': 'a\n', 'local.conf': 'shared\n', 'pinned.conf': 'pinned\n' }, 'base');
      t.write('local.conf', 'mine\n');
      t.git(['update-index', '--assume-unchanged', 'local.conf']);
      t.git(['update-index', '--skip-worktree', 'pinned.conf']);
      t.write('new.txt', 'new\n');
      t.git(['add', '-N', 'new.txt']);
      const before = indexState(t);
      expect(before.v).toContain('h 100644');
      expect(before.tags).toContain('S pinned.conf');
      const id = snapshotId(t);

      // The incident: the bits cleared and a hard reset (the intent-to-add entry goes, its file stays untracked).
      t.git(['update-index', '--no-assume-unchanged', 'local.conf']);
      t.git(['update-index', '--no-skip-worktree', 'pinned.conf']);
      t.git(['reset', '-q', '--hard']);
      const incident = indexState(t);
      expect(incident.v).not.toContain('new.txt');

      rollbackOk(t, id);
      expect(indexState(t)).toEqual(before);
      undoOk(t);
      expect(indexState(t)).toEqual(incident);
    }));
});
