/**
 * The scan memo (src/snapshot/scan-memo.ts) lets a full walk that finds the same differing paths
 * with the same lstat data, under the same index file, reuse the previous tree. A same-size edit
 * made in the clock tick of the last look at a file leaves its lstat data as they were ("racily
 * clean", as git calls it): such an edit must still be recorded. Waiting for an edit to fall in
 * the same tick depends on the machine's speed (a snapshot under load takes longer than a tick),
 * so the tests make those lstat data themselves: the same size and inode (an edit in place, or the
 * index's bytes written into its old inode), and the same times, set with utimesSync; a file's
 * ctime, which no one can set, the test bundle signs as its mtime (GUARD_TEST_CTIME_AS_MTIME,
 * src/util/test-faults.ts). The times set lie in the future, so they are within RACY_MS of every
 * snapshot whatever the clock does, as a just-made edit is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { decodeMessage } from '../../../src/snapshot/format.js';

const COARSE = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_STAT_SECONDS: '1', GUARD_TEST_CTIME_AS_MTIME: '1' };
const HOUR = 3_600_000;

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

function base(repo: TestRepo): void {
  repo.write('a.txt', 'committed\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

/** Sets a file's times to `at` (whole seconds, as the coarse clock reads them anyway). */
function stamp(file: string, at: number): void {
  const when = new Date(Math.floor(at / 1000) * 1000);
  fs.utimesSync(file, when, when);
}

describe('a racily clean edit and the scan memo', () => {
  it('a same-size edit of a file in the tick the previous snapshot read it is recorded by the next full walk', () =>
    withTestRepo((repo) => {
      base(repo);
      // The index is older than the memo's window (RACY_MS), so the memo is kept for it: only the file is racy.
      stamp(path.join(repo.dir, '.git', 'index'), Date.now() - HOUR);
      const notes = path.join(repo.dir, 'notes.txt');
      const tick = Date.now() + HOUR;
      repo.write('notes.txt', 'draft 1\n');
      stamp(notes, tick);
      const signed = fs.statSync(notes);
      expect(blob(repo, `${snapshot(repo).oid}:notes.txt`)).toBe('draft 1\n');
      repo.write('notes.txt', 'draft 2\n');
      stamp(notes, tick);
      // The lstat data the snapshot signed are the edited file's.
      const edited = fs.statSync(notes);
      expect([edited.ino, edited.size, edited.mtimeMs, edited.mode]).toEqual([signed.ino, signed.size, signed.mtimeMs, signed.mode]);
      const next = snapshot(repo);
      expect(next.created).toBe(true);
      expect(blob(repo, `${next.oid}:notes.txt`)).toBe('draft 2\n');
      // Once the file is old enough the memo vouches for it again: nothing changed, nothing new.
      stamp(notes, Date.now() - HOUR);
      expect(snapshot(repo).created).toBe(false);
      expect(JSON.parse(fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'scan-memo.json'), 'utf8')).scan).toMatch(/^[0-9a-f]{40}$/);
      repo.write('notes.txt', 'draft 3\n');
      expect(blob(repo, `${snapshot(repo).oid}:notes.txt`)).toBe('draft 3\n');
    }), 60_000);

  it('a file staged again in the tick the previous snapshot read the index (same size, the same inode again) is recorded as staged', () =>
    withTestRepo((repo) => {
      base(repo);
      const index = path.join(repo.dir, '.git', 'index');
      const tick = Date.now() + HOUR;
      repo.write('a.txt', 'staged 1\n');
      repo.git(['add', 'a.txt']);
      stamp(index, tick);
      const before = fs.statSync(index);
      expect(blob(repo, `${snapshot(repo).oid}^2:a.txt`)).toBe('staged 1\n');
      // git writes a new index file each time; a file system can hand the inode it freed back, and
      // in one tick the new file then has the old one's stamp: the new bytes go into the old inode.
      const keep = `${index}.keep`;
      fs.linkSync(index, keep);
      // git itself re-reads a.txt only when its entry is not older than the index file (git's own
      // racy check): the index's time goes back for git's add, and forward again after.
      stamp(index, Date.now() - HOUR);
      repo.write('a.txt', 'staged 2\n');
      repo.git(['add', 'a.txt']);
      fs.writeFileSync(keep, fs.readFileSync(index));
      stamp(keep, tick);
      fs.renameSync(keep, index);
      const now = fs.statSync(index);
      expect([now.ino, now.size, now.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
      expect(repo.git(['cat-file', 'blob', ':a.txt'])).toBe('staged 2\n');
      const next = snapshot(repo);
      expect(next.created).toBe(true);
      expect(blob(repo, `${next.oid}^2:a.txt`)).toBe('staged 2\n');
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
