/**
 * The watcher snapshots when git's operation files that a snapshot records change (MERGE_MSG,
 * MERGE_MODE, like MERGE_HEAD and CHERRY_PICK_HEAD): a merge message edited mid-merge (before
 * `git commit` takes it) is recorded, so a rollback brings back the message as it was.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startConflictedMerge } from '../../helpers/fixtures.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, waitForSnapshot, waitForWatcher } from './helpers.js';

function gitFile(repo: TestRepo, name: string): string {
  return repo.git(['rev-parse', '--path-format=absolute', '--git-path', name]).trim();
}

describe('the watcher and git operation files', () => {
  it('snapshots a change to MERGE_MSG or MERGE_MODE alone', () =>
    withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('a.txt', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const started = repo.guard(['watch']);
      expect(started.code, started.stderr).toBe(0);
      await waitForWatcher(repo);
      startConflictedMerge(repo);
      await waitForSnapshot(repo, 'a watch snapshot of the merge', (s) => s.trigger === 'watch' && s.operation === 'merge');

      const edited = Buffer.from('Merge branch other, with the reason written down\n');
      fs.writeFileSync(gitFile(repo, 'MERGE_MSG'), edited);
      const msg = await waitForSnapshot(repo, 'a watch snapshot with the edited MERGE_MSG', (s) => s.trigger === 'watch' && s.operationState?.mergeMsg === edited.toString('base64'));
      expect(msg.operation).toBe('merge');

      // MERGE_MODE: what `git merge --no-ff` leaves for the commit.
      fs.writeFileSync(gitFile(repo, 'MERGE_MODE'), 'no-ff');
      await waitForSnapshot(repo, 'a watch snapshot with MERGE_MODE', (s) => s.trigger === 'watch' && s.operationState?.mergeMode === Buffer.from('no-ff').toString('base64'));
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
