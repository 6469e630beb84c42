/**
 * The scan memo (src/snapshot/scan-memo.ts) lets a full walk that finds the same differing paths
 * with the same lstat data, under the same index file, reuse the previous tree. A same-size edit
 * made in the clock tick of the last look at a file leaves its lstat data as they were ("racily
 * clean", as git calls it): such an edit must still be recorded. The file system here stamps
 * changes in nanoseconds, so the test bundle reads file and index times in whole seconds
 * (GUARD_TEST_STAT_SECONDS, src/util/test-faults.ts), as a file system whose clock moves in
 * seconds gives them, and the edits are made within one second.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { decodeMessage } from '../../../src/snapshot/format.js';

const COARSE = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_STAT_SECONDS: '1' };
const second = (ms: number): number => Math.floor(ms / 1000);

function snapshot(repo: TestRepo): { oid: string; created: boolean } {
  const r = repo.guard(['snapshot', '--json'], { env: COARSE });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** The bytes of `spec` (`<commit-ish>:<path>`), or null. */
function blob(repo: TestRepo, spec: string): string | null {
  const r = spawnSync('git', ['cat-file', 'blob', spec], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

/** Runs `steps` from the start of a wall-clock second, again (at most five times) until `oneSecond` holds. */
async function withinOneSecond(steps: () => void, oneSecond: () => boolean): Promise<void> {
  for (let tries = 0; tries < 5; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
    steps();
    if (oneSecond()) return;
  }
  throw new Error('could not make the edits within one second in five tries');
}

function base(repo: TestRepo): void {
  repo.write('a.txt', 'committed\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

describe('a racily clean edit and the scan memo', () => {
  it('a same-size edit of a file in the second the previous snapshot read it is recorded by the next full walk', () =>
    withTestRepo(async (repo) => {
      base(repo);
      // The index is older than the memo's window (RACY_MS), so the memo is kept for it: only the file is racy.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const notes = path.join(repo.dir, 'notes.txt');
      let ctimes: number[] = [];
      await withinOneSecond(
        () => {
          repo.write('notes.txt', 'draft 1\n');
          ctimes = [fs.statSync(notes).ctimeMs];
          expect(blob(repo, `${snapshot(repo).oid}:notes.txt`)).toBe('draft 1\n');
          repo.write('notes.txt', 'draft 2\n');
          ctimes.push(fs.statSync(notes).ctimeMs);
        },
        // In whole seconds the lstat data the snapshot signed are the edited file's.
        () => second(ctimes[0]!) === second(ctimes[1]!),
      );
      const next = snapshot(repo);
      expect(next.created).toBe(true);
      expect(blob(repo, `${next.oid}:notes.txt`)).toBe('draft 2\n');
      // Once the file is old enough the memo vouches for it again: nothing changed, nothing new.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect(snapshot(repo).created).toBe(false);
      expect(JSON.parse(fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'scan-memo.json'), 'utf8')).scan).toMatch(/^[0-9a-f]{40}$/);
      repo.write('notes.txt', 'draft 3\n');
      expect(blob(repo, `${snapshot(repo).oid}:notes.txt`)).toBe('draft 3\n');
    }), 60_000);

  it('a file staged again in the second the previous snapshot read the index (same size, the same inode again) is recorded as staged', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const index = path.join(repo.dir, '.git', 'index');
      let before: fs.Stats | null = null;
      await withinOneSecond(
        () => {
          repo.write('a.txt', 'staged 1\n');
          repo.git(['add', 'a.txt']);
          before = fs.statSync(index);
          expect(blob(repo, `${snapshot(repo).oid}^2:a.txt`)).toBe('staged 1\n');
          // git writes a new index file each time; the file system hands the inode it freed back
          // (one write later on ext4): add until the index has its old inode, size and second again.
          for (let i = 2; i <= 5; i++) {
            repo.write('a.txt', `staged ${i}\n`);
            repo.git(['add', 'a.txt']);
            if (fs.statSync(index).ino === before.ino) break;
          }
        },
        () => {
          const now = fs.statSync(index);
          return before !== null && now.ino === before.ino && now.size === before.size && second(now.mtimeMs) === second(before.mtimeMs);
        },
      );
      const staged = repo.git(['cat-file', 'blob', ':a.txt']);
      expect(staged).not.toBe('staged 1\n');
      const next = snapshot(repo);
      expect(next.created).toBe(true);
      expect(blob(repo, `${next.oid}^2:a.txt`)).toBe(staged);
    }), 60_000);
});

describe('a racily clean index and the memo of .gitattributes files', () => {
  /** The paths a snapshot kept raw bytes for (none: []). */
  function rawPaths(repo: TestRepo, oid: string): string[] {
    const meta = decodeMessage(repo.git(['log', '-1', '--format=%B', oid]));
    if (!meta?.rawFiles) return [];
    return repo.git(['ls-tree', '-r', '-z', '--name-only', meta.rawFiles.tree]).split('\0').filter(Boolean);
  }

  // The memo keeps the list of tracked .gitattributes files by the index file's stat data. An
  // index rewritten in the clock tick the snapshot read it can carry the same size, inode and
  // mtime ("racily clean"): here `git mv .gitattributez .gitattributes` (same name length, same
  // blob: the same size) written back into the old index file's inode with its old mtime, set
  // with utimesSync rather than waited for. The index file's time lies in the future, so it is
  // within RACY_MS of every snapshot whatever the clock does.
  it('a tracked .gitattributes staged under the same index stamp is read, and the raw bytes it calls for are kept', () =>
    withTestRepo((repo) => {
      repo.write('.gitattributez', '* text\n');
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const index = path.join(repo.dir, '.git', 'index');
      const future = new Date(Date.now() + 3_600_000);
      fs.utimesSync(index, future, future);
      const stamp = fs.statSync(index);
      repo.write('new.txt', 'x\r\ny\r\n');
      // No conversion here yet: nothing is kept raw.
      expect(rawPaths(repo, snapshot(repo).oid)).toEqual([]);

      // Keep the index file's inode, let git write the renamed entry, and put its bytes there.
      const keep = `${index}.keep`;
      fs.linkSync(index, keep);
      repo.git(['mv', '.gitattributez', '.gitattributes']);
      // The cache tree as before (git mv drops it; write-tree puts it back): the same size again.
      repo.git(['write-tree']);
      const renamed = fs.readFileSync(index);
      expect(renamed.length).toBe(stamp.size);
      fs.writeFileSync(keep, renamed);
      fs.utimesSync(keep, future, future);
      fs.renameSync(keep, index);
      const now = fs.statSync(index);
      expect([now.ino, now.size, now.mtimeMs]).toEqual([stamp.ino, stamp.size, stamp.mtimeMs]);
      expect(repo.git(['ls-files'])).toBe('.gitattributes\na.txt\n');

      // `* text` now holds: git's checkout writes new.txt with LF, so its CRLF bytes are kept raw.
      const next = snapshot(repo);
      expect(next.created).toBe(true);
      expect(rawPaths(repo, next.oid)).toEqual(['new.txt']);
      repo.write('new.txt', 'changed\n');
      const rolled = repo.guard(['rollback', next.oid, '--yes']);
      expect(rolled.code, rolled.stderr).toBe(0);
      expect(fs.readFileSync(path.join(repo.dir, 'new.txt')).toString('hex')).toBe(Buffer.from('x\r\ny\r\n').toString('hex'));
    }), 60_000);
});
