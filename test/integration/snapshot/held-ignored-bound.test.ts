/**
 * `heldIgnored` (format.ts) is bounded: a command may capture up to 10,000 ignored files, and
 * every later snapshot carried a record of each one still on disk (about 130 bytes in its message
 * and one lstat each), for as long as they stayed unchanged. Now at most HELD_IGNORED_MAX, the
 * snapshot's own captures first.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { gitPath } from '../../../src/git/path.js';
import { HELD_IGNORED_MAX } from '../../../src/snapshot/format.js';

describe('heldIgnored records', () => {
  it(`are at most ${HELD_IGNORED_MAX} per snapshot, the snapshot's own captures first`, async () => {
    await withTestRepo(async (repo) => {
      repo.write('.gitignore', 'cache/\n.env\n');
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const names = Array.from({ length: HELD_IGNORED_MAX + 5 }, (_, i) => `cache/f${String(i).padStart(5, '0')}`);
      for (const name of names) repo.write(name, `${name}\n`);
      repo.write('.env', 'KEY=1\n', 0o600);
      // A capture is signed only for a file unchanged for two seconds when it was read (RACY_MS).
      await new Promise((resolve) => setTimeout(resolve, 2100));
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      await createSnapshot(r);

      const big = await createSnapshot(r, { trigger: 'hook', captureIgnored: names.map(gitPath) });
      expect(big.snapshot.ignored).toHaveLength(names.length);
      expect(Object.keys(big.snapshot.heldIgnored ?? {})).toHaveLength(HELD_IGNORED_MAX);

      // A later capture of .env is its own record and comes first; the carried ones fill the rest.
      const env = await createSnapshot(r, { trigger: 'hook', captureIgnored: [gitPath('.env')] });
      const held = env.snapshot.heldIgnored ?? {};
      expect(Object.keys(held)).toHaveLength(HELD_IGNORED_MAX);
      expect(held['.env']).toEqual({ sign: expect.any(String) });
      expect(Object.values(held).filter((record) => record.in === big.snapshot.oid)).toHaveLength(HELD_IGNORED_MAX - 1);
    });
  });
});
