/**
 * A snapshot's `changes` (what `guard list` shows as +A ~M -D) counts the person's files, not
 * guard's captures of ignored ones (src/snapshot/change-counts.ts). A session start capturing
 * `.env` said "+1" and the next snapshot "-1" with no file added or deleted. Now a captured file
 * that appears is not counted, one that leaves the tree counts as deleted only when it is gone
 * from disk, and one whose bytes changed between two captures is modified. Full walks and
 * incremental snapshots (a hook's, the watcher's) count alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { gitPath, gitPathOf } from '../../../src/git/path.js';

describe.each([
  ['full walks', false],
  ['incremental snapshots', true],
])("a snapshot's change counts leave guard's captures out, %s", (_, incremental) => {
  it('counts a capture neither as added nor, while on disk, as deleted; a captured file deleted is deleted', async () => {
    await withTestRepo(async (repo) => {
      repo.write('.gitignore', '*.env\nlocal/\n');
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('.env', 'KEY=1\n', 0o600);
      const bad = gitPathOf(Buffer.from('local/db\xff.sqlite', 'latin1'));
      fs.mkdirSync(path.join(repo.dir, 'local'));
      fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from(bad, 'latin1')]), Buffer.from([1, 2, 3]));
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const capture = [gitPath('.env'), bad];
      const look = (paths: string[]): object => (incremental ? { changedPaths: paths.map(gitPath) } : { force: true });

      await createSnapshot(r);
      // A session start's capture: the tree differs by the captured files only.
      const start = await createSnapshot(r, { trigger: 'session-start', captureIgnored: capture, force: true });
      expect(start.snapshot.ignored).toEqual(['"local/db\\377.sqlite"', '.env']);
      expect(start.snapshot.changes).toEqual({ added: 0, modified: 0, deleted: 0 });

      // The next snapshot records what a walk records (no ignored file): nothing deleted, b.txt added.
      repo.write('b.txt', 'b\n');
      const next = await createSnapshot(r, { trigger: 'watch', ...look(['b.txt']) });
      expect(next.snapshot.ignored).toBeUndefined();
      expect(next.snapshot.changes).toEqual({ added: 1, modified: 0, deleted: 0 });

      // A hook's capture, then its command deletes .env and edits a.txt: one deleted, one modified.
      const hook = await createSnapshot(r, { trigger: 'hook', captureIgnored: capture, ...look([]) });
      expect(hook.created).toBe(true);
      expect(hook.snapshot.changes).toEqual({ added: 0, modified: 0, deleted: 0 });
      repo.remove('.env');
      repo.write('a.txt', 'a2\n');
      const after = await createSnapshot(r, { trigger: 'watch', ...look(['.env', 'a.txt']) });
      expect(after.snapshot.changes).toEqual({ added: 0, modified: 1, deleted: 1 });
    });
  });
});
