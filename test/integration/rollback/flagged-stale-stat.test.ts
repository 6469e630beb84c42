/**
 * A skip-worktree (or assume-unchanged) file whose local bytes were written in the same second as
 * its index entry's stat data, with the same size: git keeps no watch on a marked entry, so its
 * stat data still "match" the file. The pre-rollback snapshot (a private copy of the index, marks
 * cleared, then update-index) took the file as unchanged and recorded the index's blob, and the
 * rollback's --undo wrote that blob over the local bytes (found by the rollback fuzzer,
 * test/fuzz/rollback-fuzz.test.ts, seed 3080). Now the marked files leave the private index before
 * update-index, which hashes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';

/** The entry's ctime and mtime seconds and size as git recorded them, and the file's now. */
function statMatches(repo: TestRepo, file: string): boolean {
  const debug = repo.git(['ls-files', '--debug', '--', file]);
  const seconds = (field: string): number => Number(new RegExp(`${field}: (\\d+):`).exec(debug)?.[1]);
  const size = Number(/size: (\d+)/.exec(debug)?.[1]);
  const st = fs.lstatSync(path.join(repo.dir, file));
  return seconds('ctime') === Math.floor(st.ctimeMs / 1000) && seconds('mtime') === Math.floor(st.mtimeMs / 1000) && size === st.size;
}

describe('rollback --undo of a marked file whose stat data look unchanged', () => {
  for (const flag of ['--skip-worktree', '--assume-unchanged']) {
    it(`keeps its local bytes (${flag})`, () =>
      withTestRepo((repo) => {
        repo.write('other.txt', 'x\n');
        // Local bytes of the same size within the second of the entry's stat data (retried at a second boundary).
        let same = false;
        for (let i = 0; i < 10 && !same; i++) {
          // A retry takes the mark off first: git add does not update a marked entry.
          if (i > 0) repo.git(['update-index', flag.replace('--', '--no-'), 'config.json']);
          repo.write('config.json', '{"db": "prod"}\n');
          repo.git(['add', '.']);
          repo.git(['update-index', flag, 'config.json']);
          repo.write('config.json', '{"db": "mine"}\n');
          same = statMatches(repo, 'config.json');
        }
        expect(same).toBe(true);
        const id = snapshotId(repo);
        // The index is written again a second later (a commit): the entry is no longer racy for git.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1100);
        repo.git(['commit', '-q', '-m', 'base']);
        const destroyed = byteState(repo);
        expect(repo.read('config.json')).toBe('{"db": "mine"}\n');

        rollbackOk(repo, id);
        undoOk(repo);
        expect(repo.read('config.json')).toBe('{"db": "mine"}\n');
        expect(byteState(repo)).toEqual(destroyed);
      }));
  }
});
