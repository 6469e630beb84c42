/**
 * A file git converts, changed between the snapshot's hash of it into the tree W and the read of
 * its raw bytes into R (src/snapshot/raw-files.ts): R must hold only bytes W's blob was cleaned
 * from, and the file is read again by the next snapshot even where git then sees it unchanged.
 * Deterministic through the test bundle's hold (GUARD_TEST_SNAPSHOT_HOLD armed `raw`): `guard
 * snapshot` stops once W is written, before R's read; the test changes the file there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { heldSnapshot } from './held-snapshot.js';
import { decodeMessage } from '../../../src/snapshot/format.js';

/** `guard snapshot --json` held at `at` (before its raw files' read, or after it) while `step` runs; the snapshot. */
function snapshotAround(repo: TestRepo, step: () => void, at: 'raw' | 'memo' = 'raw'): Promise<any> {
  return heldSnapshot(repo, at, [step]);
}

/** The raw tree's bytes of `file` in a snapshot (commit id), null when R does not hold it. */
function rawBytes(repo: TestRepo, oid: string, file: string): string | null {
  const commit = repo.git(['cat-file', 'commit', oid]);
  const tree = decodeMessage(commit.slice(commit.indexOf('\n\n') + 2))?.rawFiles?.tree;
  if (!tree) return null;
  const r = repo.gitResult(['cat-file', 'blob', `${tree}:${file}`]);
  return r.code === 0 ? r.stdout : null;
}

describe('raw files of a file changed between W and R', () => {
  it('R never holds bytes W was not cleaned from; the next snapshot reads the file again though git sees it unchanged', () =>
    withTestRepo(async (repo) => {
      repo.write('.gitattributes', '*.sh text eol=lf\n');
      // Committed from CRLF on its first line: the index records the file's size on disk.
      repo.write('run.sh', 'echo a\r\necho b\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      expect(repo.guard(['snapshot']).code).toBe(0);
      repo.write('run.sh', 'echo x\r\n');
      // W gets `echo x`; then, before R's read, the file gets the committed content with the CR on
      // its second line: the same size, and git's clean of it is the index's blob, so git status
      // calls it unchanged from then on.
      const first = await snapshotAround(repo, () => repo.write('run.sh', 'echo a\necho b\r\n'));
      expect(repo.git(['cat-file', 'blob', `${first.oid}:run.sh`])).toBe('echo x\n');
      // Before: R held `echo a\necho b\r\n` under W's `echo x` (a rollback wrote it, and git took
      // the file for W's blob).
      expect(rawBytes(repo, first.oid, 'run.sh')).toBeNull();
      expect(repo.git(['status', '--porcelain', '--', 'run.sh'])).toBe('');
      // The next snapshot reads it again (noted): W the index's blob, R the bytes on disk.
      // Without the note nothing read it (unchanged for git, not in the previous R).
      const second = JSON.parse(repo.guard(['snapshot', '--json']).stdout);
      expect(second.oid).not.toBe(first.oid);
      expect(repo.git(['cat-file', 'blob', `${second.oid}:run.sh`])).toBe('echo a\necho b\n');
      expect(rawBytes(repo, second.oid, 'run.sh')).toBe('echo a\necho b\r\n');
    }));

  it('the scan memo signs R\'s files as R\'s read found them: a change after the read is read at the next snapshot', () =>
    withTestRepo(async (repo) => {
      repo.write('.gitattributes', '*.sh text eol=lf\n');
      repo.write('run.sh', 'echo a\r\necho b\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      // Read while it differs from the index: R keeps its CRLF bytes.
      repo.write('run.sh', 'echo x\r\n');
      expect(repo.guard(['snapshot']).code).toBe(0);
      // Back to the committed content (git sees it unchanged): read again as the previous R's file.
      repo.write('run.sh', 'echo a\r\necho b\n');
      expect(repo.git(['status', '--porcelain'])).toBe('');
      // An index file older than RACY_MS: the memo may vouch for it (no waiting).
      const past = new Date(Date.now() - 10_000);
      fs.utimesSync(path.join(repo.dir, '.git', 'index'), past, past);
      // Changed after R's read, before the memo signs it: the same size, still unchanged for git.
      const first = await snapshotAround(repo, () => repo.write('run.sh', 'echo a\necho b\r\n'), 'memo');
      expect(rawBytes(repo, first.oid, 'run.sh')).toBe('echo a\r\necho b\n');
      // Before: the memo signed the file as it was after the change, the next snapshot found the
      // same scan and the same lstat, kept R (the old bytes) and recorded nothing new.
      const second = JSON.parse(repo.guard(['snapshot', '--json']).stdout);
      expect(second.oid).not.toBe(first.oid);
      expect(rawBytes(repo, second.oid, 'run.sh')).toBe('echo a\necho b\r\n');
    }));
});
