/**
 * When the rescan that follows an ignore-rule change does not finish (its check-ignore dies), the
 * directories that became un-ignored have no watch, so no event names what changes in them. The
 * watcher says its watches are incomplete, takes every snapshot as a full walk meanwhile (its own
 * and the ones `guard snapshot` asks it for), and retries the rescan until it finishes. The death
 * is real git dying, injected in the test bundle only (GUARD_TEST_CHECK_IGNORE_DIES_WHILE,
 * src/util/test-faults.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, fullWalkTree, json, snapshots, waitFor, waitForStatus, waitForWatcher, waitForWatcherToMatchFullWalk } from './helpers.js';

function treeOf(repo: TestRepo, oid: string): string {
  return repo.git(['rev-parse', `${oid}^{tree}`]).trim();
}

/** The bytes a snapshot recorded for `file` (null when it has none), read as bytes. */
function blobIn(repo: TestRepo, oid: string, file: string): Buffer | null {
  const r = spawnSync('git', ['cat-file', 'blob', `${oid}:${file}`], { cwd: repo.dir, env: repo.env });
  return r.status === 0 ? r.stdout : null;
}

describe('the watcher when a rescan of the ignore rules fails', () => {
  it('takes full walks while its watches are incomplete, says so, and retries until they are whole', () =>
    withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('.gitignore', 'build/\n*.tmp\n');
      repo.write('src/app.js', 'console.log(1);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('build/old.txt', 'ignored until now\n');
      const dies = path.join(repo.base, 'check-ignore-dies');
      const env = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_CHECK_IGNORE_DIES_WHILE: dies };
      const started = repo.guard(['watch'], { env });
      expect(started.code, started.stderr).toBe(0);
      await waitForWatcher(repo);

      // From here every check-ignore of a walk dies; build/ stops being ignored.
      fs.writeFileSync(dies, '');
      repo.write('.gitignore', '*.tmp\n');
      await waitForStatus(repo, 'the rescan to fail', (s) => s.file.lastError?.message.includes('pathspec magic'));
      // The full snapshot a rules change asks for, whatever its rescan did.
      await waitForWatcherToMatchFullWalk(repo, 'build/old.txt in a watcher snapshot');

      // build/ has no watch: nothing but a full walk sees this file.
      const bytes = Buffer.from('\x00\xff binary, not text\r\n', 'latin1');
      repo.write('build/new.bin', bytes);
      const served = json(repo, ['snapshot']);
      expect(served.takenBy).toBe('watcher');
      expect(blobIn(repo, served.oid, 'build/new.bin')).toEqual(bytes);
      expect(treeOf(repo, served.oid)).toBe(fullWalkTree(repo));

      // The watcher's own snapshot, set off by an event elsewhere, is a full walk too.
      repo.write('build/second.txt', 'second\n');
      repo.write('src/app.js', 'console.log(2);\n');
      const own = await waitFor('the watcher\'s snapshot of src/app.js', () =>
        snapshots(repo).find((s) => s.trigger === 'watch' && blobIn(repo, s.oid, 'src/app.js')?.toString() === 'console.log(2);\n'),
      );
      expect(blobIn(repo, own.oid, 'build/second.txt')?.toString()).toBe('second\n');
      expect(treeOf(repo, own.oid)).toBe(fullWalkTree(repo));

      const status = json(repo, ['watch', 'status']);
      expect(status.health).toBe('running');
      expect(status.watchesIncomplete).toBe(true);
      expect(status.file.watchesIncomplete).toBe(true);
      expect(status.file.watchesIncompleteReason).toContain('pathspec magic');
      expect(status.summary).toContain('watches are INCOMPLETE');
      expect(status.summary).toContain('every snapshot is a full walk');
      expect(repo.guard(['watch', 'status']).stdout).toContain('every snapshot is a full walk');

      // git answers again: a retry finishes the rescan, build/ is watched and events do the rest.
      fs.rmSync(dies);
      await waitForStatus(repo, 'a retried rescan to finish', (s) => s.file.watchesIncomplete === false, 90_000);
      repo.write('build/third.txt', 'third\n');
      await waitForWatcherToMatchFullWalk(repo, 'build/third.txt in a snapshot');
      // The full snapshot that follows the rescan has been taken by now: this one is from its event.
      repo.write('build/fourth.txt', 'fourth\n');
      const tree = await waitForWatcherToMatchFullWalk(repo, 'build/fourth.txt by its event');
      expect(repo.git(['ls-tree', '-r', '--name-only', tree])).toContain('build/fourth.txt');
      const after = json(repo, ['watch', 'status']);
      expect(after.watchesIncomplete).toBe(false);
      expect(after.file.lastSnapshot.paths).not.toBe('all');
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }), 150_000);
});
