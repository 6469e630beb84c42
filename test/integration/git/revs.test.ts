/**
 * src/git/revs.ts: the synchronous questions the agent hook asks (planned-refs.ts) and the
 * asynchronous ones the git hooks ask give the same answers, from real git.
 */
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { isAncestor, isAncestorSync, resolveRev, resolveRevSync, resolveRevsSync } from '../../../src/git/revs.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('revisions, synchronously and not', () => {
  it('resolve and compare commits alike', () =>
    withTestRepo(async (repo) => {
      const saved = { ...process.env };
      Object.assign(process.env, repo.env);
      try {
        repo.write('a.txt', '1\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'one']);
        repo.write('a.txt', '2\n');
        repo.git(['commit', '-q', '-am', 'two']);
        repo.git(['branch', 'side', 'HEAD~1']);
        repo.git(['checkout', '-q', 'side']);
        repo.write('b.txt', 'side\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'side']);
        const r = await openRepo(repo.dir);
        const oid = (rev: string): string => repo.git(['rev-parse', rev]).trim();
        const [main, one, side] = [oid('main'), oid('main~1'), oid('side')];

        const revs = ['main', 'main~1', 'side', 'refs/heads/side', 'no-such-branch', 'main:a.txt', '--all'];
        const sync = resolveRevsSync(r, revs);
        const one_by_one = revs.map((rev) => resolveRevSync(r, rev));
        const async = await Promise.all(revs.map((rev) => resolveRev(r, rev)));
        expect(sync.slice(0, 4)).toEqual([main, one, side, side]);
        expect(sync[4]).toBeNull();
        // `--all` is a revision named so, never an option: nothing by that name.
        expect(sync[6]).toBeNull();
        expect(one_by_one).toEqual(sync);
        expect(async).toEqual(sync);
        // A line break cannot be a batch line: each is asked alone, with the same answers.
        expect(resolveRevsSync(r, ['main', 'ma\nin'])).toEqual([main, null]);

        for (const [a, d, want] of [
          [one, main, true],
          [main, one, false],
          [one, side, true],
          [main, side, false],
          [main, main, true],
          ['0'.repeat(40), main, false],
        ] as const) {
          expect(isAncestorSync(r, a, d)).toBe(want);
          expect(await isAncestor(r, a, d)).toBe(want);
        }
      } finally {
        process.env = saved;
      }
    }));
});
