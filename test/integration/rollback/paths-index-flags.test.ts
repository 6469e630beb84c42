/**
 * `guard rollback ID --paths GLOB` leaves the index entries it does not restore as they were,
 * their assume-unchanged, skip-worktree and intent-to-add bits too; the entries it takes from the
 * snapshot take the snapshot's. The index is rebuilt from a tree, which holds none of these bits:
 * a restore of `docs/**` dropped the assume-unchanged bit of a config file with local bytes
 * elsewhere (its local override then showed as a change, one `git commit -a` from being committed)
 * and the `git add -N` entry of another file (found by the rollback fuzzer's wider states, seeds
 * 5109 and 6009). Compared with `ls-files --debug`-level flags (`-v`, `-t`) and bytes, through --undo.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';

/** Each index entry with git's letters for its bits: lowercase = assume-unchanged (-v), S = skip-worktree (-t); plus the intent-to-add entries. */
function flags(repo: TestRepo): string {
  return [repo.git(['ls-files', '-v']), repo.git(['ls-files', '-t']), repo.git(['diff', '--name-only', '--diff-filter=A'])].join('--\n');
}

describe('rollback --paths and the index bits', () => {
  it('keeps assume-unchanged, skip-worktree and intent-to-add of the entries outside the paths', () =>
    withTestRepo((repo) => {
      repo.write('config.json', '{"db": "shared"}\n');
      repo.write('local.json', '{"x": 1}\n');
      repo.write('docs/a.md', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const id = snapshotId(repo);
      // After the snapshot: the person's local overrides and a planned file; the agent breaks docs/.
      repo.git(['update-index', '--assume-unchanged', 'config.json']);
      repo.write('config.json', '{"db": "mine"}\n');
      repo.git(['update-index', '--skip-worktree', 'local.json']);
      repo.write('local.json', '{"x": 2}\n');
      repo.write('plan.md', 'planned\n');
      repo.git(['add', '-N', 'plan.md']);
      repo.write('docs/a.md', 'broken\n');
      repo.git(['add', 'docs/a.md']);
      const before = { bytes: byteState(repo), flags: flags(repo) };
      expect(before.flags).toContain('h config.json');
      expect(before.flags).toContain('S local.json');
      expect(before.flags).toContain('plan.md');
      rollbackOk(repo, id, '--paths', 'docs/**');
      expect(repo.read('docs/a.md')).toBe('a\n');
      expect(repo.git(['diff', '--cached', '--name-only'])).toBe('');
      expect(flags(repo)).toEqual(before.flags);
      expect(repo.read('config.json')).toBe('{"db": "mine"}\n');
      expect(repo.git(['status', '--porcelain'])).not.toContain('config.json');
      undoOk(repo);
      expect({ bytes: byteState(repo), flags: flags(repo) }).toEqual(before);
    }));
});
