/**
 * An intent-to-add entry whose file is gone (`git add -N x && rm x`: git keeps the entry, `git
 * status` says added and deleted) was dropped by a rollback to a snapshot holding it: rollback sets
 * the bit with `git add -N`, which needs the file, and only files on disk were added (found by the
 * rollback fuzzer, test/fuzz/rollback-fuzz.test.ts, seed 1075). Now such an entry is added from an
 * empty file in a private temp work tree: the index gets the entry, the work tree no file.
 * And in a sparse checkout whose definition an agent changed, `git add -N` refused an entry
 * outside the definition of the moment (seed 1062): it runs with the sparse rules off now, before
 * the rollback writes the target's definition back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { snapshotId, undoOk, rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';

const flags = (debug: string): string[] => debug.split('\0').filter((line) => /flags: /.test(line)).map((line) => line.slice(line.indexOf('flags: ')));

describe('rollback of an intent-to-add entry whose file is gone', () => {
  it('gives the entry back (and no file), byte for byte through rollback and --undo', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n' }, 'base');
      const bad = Buffer.concat([Buffer.from(`${repo.dir}/sub/bad`), Buffer.from([0xff]), Buffer.from('.txt')]);
      fs.mkdirSync(path.join(repo.dir, 'sub'));
      fs.writeFileSync(bad, 'x\n');
      repo.write('gone.txt', 'y\n');
      repo.write('kept.txt', 'z\n');
      repo.git(['add', '-N', 'sub', 'gone.txt', 'kept.txt']);
      fs.rmSync(path.join(repo.dir, 'sub'), { recursive: true });
      fs.rmSync(path.join(repo.dir, 'gone.txt'));
      const before = byteState(repo);
      const beforeFlags = flags(repo.git(['ls-files', '--debug', '-z']));
      expect(beforeFlags.filter((f) => f.includes('20004000'))).toHaveLength(3);
      const id = snapshotId(repo);

      repo.git(['reset', '-q', '--hard']);
      repo.write('a.txt', 'changed\n');
      const destroyed = byteState(repo);

      rollbackOk(repo, id);
      expect(byteState(repo)).toEqual(before);
      expect(flags(repo.git(['ls-files', '--debug', '-z']))).toEqual(beforeFlags);
      expect(fs.readdirSync(path.join(repo.dir, '.git', 'guard', 'tmp')).filter((n) => n.includes('-intent-'))).toEqual([]);
      undoOk(repo);
      expect(byteState(repo)).toEqual(destroyed);
    }));

  it('gives the entry back when the sparse definition of now leaves its path out', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n', 'docs/d.md': 'd\n', 'dist/x.js': 'x\n' }, 'base');
      repo.git(['sparse-checkout', 'set', '--no-cone', '/*', '!/dist/']);
      repo.write('intent.txt', 'new\n');
      repo.git(['add', '-N', 'intent.txt']);
      const patterns = (): string => repo.read('.git/info/sparse-checkout');
      const before = { ...byteState(repo), patterns: patterns() };
      const beforeFlags = flags(repo.git(['ls-files', '--debug', '-z']));
      const id = snapshotId(repo);

      repo.git(['rm', '-q', '--cached', 'intent.txt']);
      repo.git(['sparse-checkout', 'set', '--no-cone', 'docs']);
      repo.git(['clean', '-q', '-fd']);
      const destroyed = { ...byteState(repo), patterns: patterns() };

      rollbackOk(repo, id);
      expect({ ...byteState(repo), patterns: patterns() }).toEqual(before);
      expect(flags(repo.git(['ls-files', '--debug', '-z']))).toEqual(beforeFlags);
      undoOk(repo);
      expect({ ...byteState(repo), patterns: patterns() }).toEqual(destroyed);
    }));
});
