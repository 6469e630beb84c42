/**
 * An agent that removes or rewrites a `.gitignore` turns the files it ignored into untracked files,
 * which the next snapshot captures. A rollback to a snapshot from before deleted them (in the
 * pre-rollback snapshot, not in the target, where they were ignored): the user's `.env` and build
 * output were gone after the rollback, though they were on disk, ignored, at the target's time.
 * Found on a vite clone (`git checkout --orphan` + `git rm -rf .`).
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { captureState, perms, stateWithModes } from '../../helpers/state.js';
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

  it('leaves their permission bits too: a 0600 .env stays 0600, through --undo as well', async () => {
    // Found by the command-guard fuzzer (test/fuzz/command-guard.test.ts: `curl -s -o .gitignore
    // file://...`): the state before the rollback recorded the untracked .env at 0600, the target
    // records no bits for it (ignored there), so the rollback set the checkout default: 0644.
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '.env\n', 'app.js': 'app\n' }, 'base');
      writeFiles(t, { '.env': ['TOKEN=secret\n', 0o600], 'sub/.env': ['SUB=1\n', 0o600], 'notes.txt': 'untracked\n' });
      const modes = (): unknown => stateWithModes(t, ['.env', 'sub/.env']);
      const before = modes();
      const id = snapshotId(t);
      t.write('.gitignore', 'node_modules/\n');
      const rewritten = modes();
      rollbackOk(t, id);
      expect(perms(t, '.env')).toBe('600');
      expect(modes()).toEqual(before);
      undoOk(t);
      expect(modes()).toEqual(rewritten);
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
