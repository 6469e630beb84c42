/**
 * An edit made while the watcher rescans its directories (after an ignore-rule change, or a retry
 * while its watches are incomplete) is recorded: its event goes to the pending paths, and every
 * snapshot while the watches are incomplete is a full walk. The rescan is held open at a chosen
 * directory by the test bundle's pause (GUARD_TEST_RESCAN_PAUSE_AT, src/util/test-faults.ts), so
 * the edit lands inside it every run, not by timing. Edits keep their file's size (the racily
 * clean case: only the content tells them apart).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, json, latestTree, waitFor, waitForStatus, waitForWatcher, waitForWatcherToMatchFullWalk } from './helpers.js';

function guardFile(repo: TestRepo, name: string): string {
  return path.join(repo.dir, '.git', 'guard', name);
}

/** Arms the rescan pause and waits until a rescan has reached its directory and holds there. */
async function holdNextRescan(repo: TestRepo): Promise<() => void> {
  fs.writeFileSync(guardFile(repo, 'test-rescan-pause'), '');
  const paused = guardFile(repo, 'test-rescan-paused');
  await waitFor('a rescan to hold at the chosen directory', () => fs.existsSync(paused), 90_000, 20);
  return () => fs.rmSync(paused, { force: true });
}

/** The bytes the newest watcher snapshot holds for `file`, or null. */
function recorded(repo: TestRepo, file: string): string | null {
  const r = spawnSync('git', ['cat-file', 'blob', `refs/guard/main/head:${file}`], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

/**
 * Runs `steps` early in a wall-clock second, again (at most five times) until `oneSecond` says all
 * it did fell into one second: the racily clean case, whatever the machine's load.
 */
async function withinOneSecond(steps: () => void, oneSecond: () => boolean): Promise<void> {
  for (let tries = 0; tries < 5; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    steps();
    if (oneSecond()) return;
  }
  throw new Error('could not make the edits within one second in five tries');
}

const second = (ms: number): number => Math.floor(ms / 1000);

function setUp(repo: TestRepo): void {
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('.gitignore', 'build/\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write('src/deep/lib.js', 'export const v = 1;\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  repo.write('build/old.txt', 'ignored until now\n');
}

describe('an edit made while the watcher rescans', () => {
  // '' holds the rescan right after it forgot every classification, before it lists anything;
  // 'src/deep' holds it after it has been through src/ and before the edited directory itself.
  for (const at of ['', 'src/deep']) {
    it(`is recorded when the rescan after an ignore-rule change is held at '${at}'`, () =>
      withTestRepo(async (repo) => {
        setUp(repo);
        const started = repo.guard(['watch'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_RESCAN_PAUSE_AT: at } });
        expect(started.code, started.stderr).toBe(0);
        await waitForWatcher(repo);
        await waitForWatcherToMatchFullWalk(repo, 'the first snapshot');

        fs.writeFileSync(guardFile(repo, 'test-rescan-pause'), '');
        repo.write('.gitignore', 'build/\n*.tmp\n');
        await waitFor('the rescan to hold', () => fs.existsSync(guardFile(repo, 'test-rescan-paused')), 60_000, 20);
        // Inside the rescan: same-size edits of a tracked file at each depth, a new file.
        repo.write('src/app.js', 'console.log(2);\n');
        repo.write('src/deep/lib.js', 'export const v = 2;\n');
        repo.write('src/deep/new.js', 'new\n');
        await waitForWatcherToMatchFullWalk(repo, 'the edits made while the rescan is held');
        // And once more just before it goes on, so no snapshot runs between the edit and the end of the rescan.
        repo.write('src/deep/lib.js', 'export const v = 3;\n');
        fs.rmSync(guardFile(repo, 'test-rescan-paused'));
        await waitForWatcherToMatchFullWalk(repo, 'the edit made at the end of the held rescan');
        expect(recorded(repo, 'src/app.js')).toBe('console.log(2);\n');
        expect(recorded(repo, 'src/deep/lib.js')).toBe('export const v = 3;\n');
        expect(json(repo, ['watch', 'status']).watchesIncomplete).toBe(false);
        // After the rescan, by its event.
        repo.write('src/app.js', 'console.log(3);\n');
        await waitForWatcherToMatchFullWalk(repo, 'an edit after the rescan');
        expect(repo.guard(['watch', 'stop']).code).toBe(0);
      }), 150_000);

    it(`is recorded when a retried rescan of incomplete watches is held at '${at}'`, () =>
      withTestRepo(async (repo) => {
        setUp(repo);
        const dies = path.join(repo.base, 'check-ignore-dies');
        const started = repo.guard(['watch'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_CHECK_IGNORE_DIES_WHILE: dies, GUARD_TEST_RESCAN_PAUSE_AT: at } });
        expect(started.code, started.stderr).toBe(0);
        await waitForWatcher(repo);
        await waitForWatcherToMatchFullWalk(repo, 'the first snapshot');

        // The rescan of a rules change dies: build/ is no longer ignored and has no watch.
        fs.writeFileSync(dies, '');
        repo.write('.gitignore', '*.tmp\n');
        await waitForStatus(repo, 'the watches to be incomplete', (s) => s.watchesIncomplete === true, 60_000);
        await waitForWatcherToMatchFullWalk(repo, 'build/old.txt by a full walk');
        // The next retry finishes, held at the chosen directory.
        fs.rmSync(dies);
        const release = await holdNextRescan(repo);
        expect(json(repo, ['watch', 'status']).watchesIncomplete).toBe(true);
        repo.write('src/app.js', 'console.log(2);\n');
        repo.write('src/deep/lib.js', 'export const v = 2;\n');
        repo.write('build/new.txt', 'in a directory without a watch\n');
        await waitForWatcherToMatchFullWalk(repo, 'the edits made while the retried rescan is held');
        repo.write('src/deep/lib.js', 'export const v = 3;\n');
        repo.write('build/new.txt', 'in a directory without a watch, again\n');
        release();
        await waitForStatus(repo, 'the watches to be whole again', (s) => s.watchesIncomplete === false, 60_000);
        const tree = await waitForWatcherToMatchFullWalk(repo, 'the edits made at the end of the held rescan');
        expect(tree).toBe(latestTree(repo));
        expect(recorded(repo, 'src/app.js')).toBe('console.log(2);\n');
        expect(recorded(repo, 'src/deep/lib.js')).toBe('export const v = 3;\n');
        expect(recorded(repo, 'build/new.txt')).toBe('in a directory without a watch, again\n');
        repo.write('build/new.txt', 'in a directory without a watch, AGAIN\n');
        await waitForWatcherToMatchFullWalk(repo, 'an edit in build/ by its event, now watched');
        expect(repo.guard(['watch', 'stop']).code).toBe(0);
      }), 180_000);
  }
});

describe('a racily clean edit (same size, same second)', () => {
  it('staged and edited again within the second the index was written: recorded by the watcher, by its first full walk and by a full walk', () =>
    withTestRepo(async (repo) => {
      setUp(repo);
      expect(repo.guard(['watch']).code).toBe(0);
      await waitForWatcher(repo);
      await waitForWatcherToMatchFullWalk(repo, 'the first snapshot');
      const app = path.join(repo.dir, 'src', 'app.js');
      const index = path.join(repo.dir, '.git', 'index');
      // git compares whole seconds: the index entry of src/app.js then matches the edited file's
      // stat, and only the index file's own mtime (not older than the entry) says to read it.
      const stageAndEdit = (staged: string, edited: string) =>
        withinOneSecond(
          () => {
            repo.write('src/app.js', staged);
            repo.git(['add', 'src/app.js']);
            repo.write('src/app.js', edited);
          },
          () => {
            const file = fs.statSync(app);
            return second(file.mtimeMs) === second(fs.statSync(index).mtimeMs) && second(file.ctimeMs) === second(file.mtimeMs);
          },
        );
      await stageAndEdit('console.log(5);\n', 'console.log(6);\n');
      await waitFor('the watcher to record the edit', () => recorded(repo, 'src/app.js') === 'console.log(6);\n');
      // Compared in a later second, when a copy of the index with a fresh mtime would no longer
      // make git read the file (test/integration/watcher/helpers.ts fullWalkTree keeps the mtime).
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
      await waitForWatcherToMatchFullWalk(repo, 'the edit made in the second the index was written');
      expect(repo.git(['cat-file', 'blob', ':src/app.js'])).toBe('console.log(5);\n');

      // The same while no watcher runs: the next one's first snapshot, a full walk, is taken in a later second.
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
      await stageAndEdit('console.log(7);\n', 'console.log(8);\n');
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
      expect(repo.guard(['watch']).code).toBe(0);
      await waitForWatcher(repo);
      await waitForWatcherToMatchFullWalk(repo, 'the edit made while no watcher ran');
      expect(recorded(repo, 'src/app.js')).toBe('console.log(8);\n');
      expect(repo.git(['cat-file', 'blob', ':src/app.js'])).toBe('console.log(7);\n');
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }), 120_000);
});
