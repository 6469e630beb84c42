/**
 * A hard link between two files of the working tree (`ln -f src/app.js src/config.local.js`, or
 * between two tracked files) stopped `guard rollback` half done: its worktree step rewrote one of
 * the pair (git unlinks and writes anew), which changed the other's link count and so its ctime;
 * the index step then ran `git read-tree -m` on a copy of the working-tree index whose stat data
 * for that file was older, and where the merge changed its entry (a staged change differing from
 * the worktree) git refused: "Entry 'src/app.js' not uptodate. Cannot merge." Found by the
 * command-guard fuzzer (test/fuzz/command-guard.test.ts). The index step computes the index
 * alone, after the worktree is written: it now runs `read-tree -i -m` (no look at the worktree).
 * git compares ctime to the second here, so each case waits for the next second after the link,
 * as any slower rollback does: no time is asserted.
 */
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, snapshotsBefore, undoOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setup(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '*.local.js\n', 'src/app.js': 'app v1\n', 'src/util.js': 'util v1\n', 'README.md': '# r\n' });
  // A staged change differing from the worktree: the index step changes this entry.
  writeFiles(t, { 'src/app.js': 'app v2, staged\n', 'src/util.js': 'util v2, staged\n' });
  t.git(['add', 'src/app.js', 'src/util.js']);
  writeFiles(t, { 'src/app.js': 'app v3, worktree\n', 'src/util.js': 'util v3, worktree\n', 'src/config.local.js': ['local config\n', 0o600] });
}

/** Waits until the clock is in the next second (git compares a file's ctime to the second). */
function nextSecond(): void {
  const now = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === now) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
}

/** The snapshot the agent hook allowed COMMAND after (its own, or the watcher's when that held the state already). */
function hookSnapshot(t: TestRepo, command: string): string {
  const [found] = snapshotsBefore(t, command);
  expect(found, `a snapshot before ${command}`).toBeDefined();
  return found!;
}

describe('rollback after a hard link between working-tree files', () => {
  for (const command of ['ln -f src/app.js src/config.local.js', 'ln -f src/app.js README.md', 'ln -f src/util.js src/app.js']) {
    it(`${command}: the rollback finishes and gives every byte back; --undo too`, async () => {
      await withTestRepo((t) => {
        setup(t);
        expect(agentVerdict(t, 'git status')).toMatchObject({ decision: 'allow' });
        const state = (): unknown => stateWithModes(t, ['src/config.local.js', 'src/app.js', 'README.md']);
        const before = state();
        expect(agentVerdict(t, command)).toMatchObject({ decision: 'allow' });
        const id = command.includes('local.js') ? hookSnapshot(t, command) : JSON.parse(t.guard(['list', '--json', '-n', '1']).stdout)[0].id;
        shellOk(t, command);
        const linked = state();
        nextSecond();
        rollbackOk(t, id);
        expect(state()).toEqual(before);
        undoOk(t);
        expect(state()).toEqual(linked);
      });
    });
  }
});
