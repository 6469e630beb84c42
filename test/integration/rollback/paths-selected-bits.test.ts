/**
 * `guard rollback ID --paths GLOB` gives every file it selects the permission bits the snapshot
 * records for it, also one whose bytes it does not have to write. An agent's `chmod 644` of an
 * untracked key at 0600 changes no byte, and the restore of that path left it 0644: only the files
 * it wrote got their recorded bits (found by the rollback fuzzer's wider states, seed 5108: an
 * empty untracked file at 0600 under the selected directory). And the other way: a file the
 * snapshot has at git's default that only the state before recorded narrower gets the default back,
 * as a whole rollback does. Compared as bytes with permission bits, through --undo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { byteState, perms } from '../../helpers/state.js';

describe('rollback --paths and the bits of the files it selects', () => {
  it('a key the agent widened with chmod (same bytes) comes back 0600; a file it narrowed comes back 0644; nothing outside the paths moves', () =>
    withTestRepo((repo) => {
      repo.write('app.js', 'console.log(1);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('keys/deploy.key', 'secret\n', 0o600);
      repo.write('keys/public.txt', 'public\n');
      repo.write('other/key', 'outside\n', 0o600);
      const id = snapshotId(repo);
      const target = byteState(repo);
      fs.chmodSync(path.join(repo.dir, 'keys/deploy.key'), 0o644);
      fs.chmodSync(path.join(repo.dir, 'keys/public.txt'), 0o600);
      fs.chmodSync(path.join(repo.dir, 'other/key'), 0o644);
      const before = byteState(repo);
      rollbackOk(repo, id, '--paths', 'keys/**');
      expect(perms(repo, 'keys/deploy.key')).toBe('600');
      expect(perms(repo, 'keys/public.txt')).toBe('644');
      expect(perms(repo, 'other/key')).toBe('644');
      expect(byteState(repo)).toEqual({ ...before, 'keys/deploy.key': target['keys/deploy.key'], 'keys/public.txt': target['keys/public.txt'] });
      undoOk(repo);
      expect(byteState(repo)).toEqual(before);
    }));
});
