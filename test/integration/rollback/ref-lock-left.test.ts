/**
 * A ref's lock file left by a git process that was killed while holding it (the rollback fuzzer's
 * seed 204: an interrupted rollback's own `git update-ref` killed with its process group left
 * refs/tags/v1.1.lock). git then refuses every update of that ref; the rollback said "refs changed
 * while the rollback was prepared" and "run the rollback again", which fails the same way for as
 * long as the file is there. Now it names the lock file and the way forward, changes nothing, and
 * once the file is removed the same command gives every byte and ref back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { snapshotId } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';

describe('a lock file git left on a ref the rollback moves', () => {
  it('is named with the way forward, nothing changes; removed, the same rollback is exact', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n' }, 'base');
      repo.git(['tag', 'v1']);
      repo.write('a.txt', 'edited, not committed\n');
      const before = byteState(repo);
      const id = snapshotId(repo);
      commitFiles(repo, { 'a.txt': 'second\n' }, 'second');
      repo.git(['tag', '-f', 'v1']);
      // Where git keeps the ref's lock, as git says (never found by hand).
      const lock = path.resolve(repo.dir, repo.git(['rev-parse', '--git-path', 'refs/tags/v1.lock']).trim());
      fs.writeFileSync(lock, '');
      const destroyed = byteState(repo);

      const refused = repo.guard(['rollback', id, '--yes']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`git's lock file ${lock} is in the way`);
      expect(refused.stderr).toContain(`If no git command is running in this repository, remove it (rm '${lock}') and run the same guard command again.`);
      expect(refused.stderr).not.toContain('refs changed while the rollback was prepared');
      expect(byteState(repo)).toEqual(destroyed);

      fs.rmSync(lock);
      const again = repo.guard(['rollback', id, '--yes']);
      expect(again.code, again.stderr).toBe(0);
      expect(byteState(repo)).toEqual(before);
    }));
});
