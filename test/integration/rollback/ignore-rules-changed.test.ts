/**
 * An agent that removes or rewrites a `.gitignore` turns the files it ignored into untracked files,
 * which the next snapshot captures. A rollback to a snapshot from before deleted them (in the
 * pre-rollback snapshot, not in the target, where they were ignored): the user's `.env` and build
 * output were gone after the rollback, though they were on disk, ignored, at the target's time.
 * Found on a vite clone (`git checkout --orphan` + `git rm -rf .`).
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { guardOk, rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';

describe('rollback after the ignore rules changed', () => {
  it('leaves the files the target ignored where they are, and --undo brings back the agent state', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '.env\ndist/\n', 'app.js': 'app\n' }, 'base');
      writeFiles(t, { '.env': 'TOKEN=secret\n', 'dist/out.js': 'built\n', 'notes.txt': 'untracked work\n' });
      const before = captureState(t);
      const id = snapshotId(t);

      // A fresh .gitignore from a template that knows nothing of .env or dist/.
      t.write('.gitignore', 'node_modules/\n');
      t.remove('notes.txt');
      guardOk(t, ['snapshot', '--json']);
      const destroyed = captureState(t);

      rollbackOk(t, id);
      expect(t.read('.env')).toBe('TOKEN=secret\n');
      expect(captureState(t)).toEqual(before);

      undoOk(t);
      expect(captureState(t)).toEqual(destroyed);
    });
  });

  it('still deletes a file both rule sets ignore that only a later snapshot captured', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '.env\n', 'app.js': 'app\n' }, 'base');
      t.write('.guard.yaml', 'snapshot:\n  includeIgnored: [".env"]\n');
      const before = captureState(t);
      const id = snapshotId(t);
      t.write('.gitignore', '.env\n*.log\n');
      t.write('.env', 'created by the agent\n');
      rollbackOk(t, id);
      expect(captureState(t)).toEqual(before);
    });
  });
});
