/**
 * indexListsPaths (src/snapshot/index-file.ts): which paths the index file lists, read without
 * git, for the agent hook to skip asking git whether a tracked file is ignored (path-facts.ts).
 * Only its "listed" is trusted, so it must never list a path git does not: checked against index
 * versions 2, 3 and 4 as git writes them, sha1 and sha256, names that are the tail or the prefix
 * of others, a name of more than 0xfff bytes, a name that is not UTF-8, unmerged entries; a
 * split index lists nothing (git is asked).
 *
 * indexedPaths, which answers a deletion's tracked listing without git (path-facts.ts known()),
 * must say what `git ls-files -t --stage --cached -- :(literal)P` says of P: its -t letters (M
 * unmerged, S skip-worktree, H otherwise: intent-to-add, assume-unchanged), whether it is a
 * gitlink, and nothing at all for a P git lists entries under (a sparse index's `d/`, a directory).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitConflictingChanges } from '../../helpers/fixtures.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { indexedPathsOfAnyFormat, indexListsPaths, indexListsPathsOfAnyFormat, type IndexedPath } from '../../../src/snapshot/index-file.js';

const LONG = `${'d/'.repeat(2100)}long.txt`;
const NOT_UTF8 = Buffer.from([0x6e, 0xff, 0x2e, 0x74]).toString('latin1');
const TRACKED = ['app.ts', 'src/app.ts', 'src/app.tsx', 'src/a', LONG, NOT_UTF8];
const NOT_TRACKED = ['pp.ts', 'src', 'src/', 'src/ap', 'x/app.ts', 'src/app.t', `${LONG}x`, Buffer.from([0x6e, 0xfe, 0x2e, 0x74]).toString('latin1'), 'zzz'];

function addEntries(t: TestRepo, dir: string): void {
  const oid = t.git(['hash-object', '-w', '--stdin'], { cwd: dir, input: 'x\n' }).trim();
  // --index-info takes NUL-terminated records with -z: any byte in a name, no file needed.
  const input = Buffer.concat(TRACKED.map((p) => Buffer.concat([Buffer.from(`100644 ${oid}\t`), Buffer.from(p, 'latin1'), Buffer.of(0)])));
  const r = spawnSync('git', ['update-index', '-z', '--index-info'], { cwd: dir, env: t.env, input });
  expect(r.status, r.stderr.toString()).toBe(0);
}

function listed(file: string, oidBytes: number): string[] | null {
  const found = indexListsPaths(fs.readFileSync(file), oidBytes, [...TRACKED, ...NOT_TRACKED]);
  return found && [...found].sort();
}

describe('indexListsPaths', () => {
  it('lists exactly the paths the index holds, in index versions 2, 3 and 4, sha1 and sha256', async () => {
    await withTestRepo((t) => {
      for (const format of ['sha1', 'sha256'] as const) {
        const dir = path.join(t.base, `repo-${format}`);
        t.git(['init', '-q', `--object-format=${format}`, dir]);
        addEntries(t, dir);
        const index = path.join(dir, '.git', 'index');
        const oidBytes = format === 'sha1' ? 20 : 32;
        for (const version of ['2', '3', '4']) {
          // An extended flag (skip-worktree) is what keeps git from writing version 3 as 2.
          if (version === '3') t.git(['update-index', '--skip-worktree', 'src/app.ts'], { cwd: dir });
          t.git(['update-index', '--index-version', version], { cwd: dir });
          expect(fs.readFileSync(index).readUInt32BE(4)).toBe(Number(version));
          expect(listed(index, oidBytes), `${format} v${version}`).toEqual([...TRACKED].sort());
          expect([...(indexListsPathsOfAnyFormat(fs.readFileSync(index), NOT_TRACKED) ?? ['unreadable'])], `${format} v${version}`).toEqual([]);
        }
      }
    });
  });

  it('lists an unmerged path; a split index lists nothing', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'c.txt': 'base\n' }, 'base');
      commitConflictingChanges(t, 'c.txt', 'other');
      t.gitResult(['merge', '-q', 'other']);
      const index = path.join(t.dir, '.git', 'index');
      expect(t.git(['ls-files', '-u'])).toContain('c.txt');
      expect([...(indexListsPathsOfAnyFormat(fs.readFileSync(index), ['c.txt', 'd.txt']) ?? [])]).toEqual(['c.txt']);
      t.git(['merge', '--abort']);
      t.git(['update-index', '--split-index']);
      expect([...(indexListsPathsOfAnyFormat(fs.readFileSync(index), ['c.txt']) ?? [])]).toEqual([]);
    });
  });
});

/** What git's listing says of each path, in indexedPaths' terms (absent: it lists P not alone, or not at all). */
function gitSays(t: TestRepo, dir: string, paths: string[]): Map<string, IndexedPath> {
  const out = new Map<string, IndexedPath>();
  for (const p of paths) {
    const r = spawnSync('git', ['ls-files', '-z', '-t', '--stage', '--cached', '--', `:(literal)${p}`], { cwd: dir, env: t.env });
    expect(r.status, r.stderr.toString()).toBe(0);
    const lines = r.stdout.toString('latin1').split('\0').filter(Boolean);
    const at = lines.filter((line) => line.slice(line.indexOf('\t') + 1) === p);
    if (at.length === 0 || at.length !== lines.length) continue;
    out.set(p, { letters: [...new Set(at.map((line) => line.slice(0, 1)))], gitlink: at.some((line) => line.slice(2).startsWith('160000 ')) });
  }
  return out;
}

describe('indexedPaths', () => {
  it("says of each path what git's tracked listing says: letters, gitlinks, nothing where entries lie under it; index versions 2, 3 and 4, sha1 and sha256", async () => {
    await withTestRepo((t) => {
      for (const format of ['sha1', 'sha256'] as const) {
        const dir = path.join(t.base, `indexed-${format}`);
        t.git(['init', '-q', `--object-format=${format}`, dir]);
        const oid = t.git(['hash-object', '-w', '--stdin'], { cwd: dir, input: 'x\n' }).trim();
        // `mode oid stage<TAB>path`: c.txt unmerged (stages 1-3), sub a gitlink, d and e directories;
        // df a file in stage 1 and a directory in stage 2 (a directory/file conflict of a merge).
        const records: Array<[string, number, string]> = [
          ['100644', 0, 'a.txt'],
          ['100644', 0, 'b.txt'],
          ['100644', 1, 'c.txt'],
          ['100644', 2, 'c.txt'],
          ['100644', 3, 'c.txt'],
          ['100755', 0, 'kept.txt'],
          ['120000', 0, 'link'],
          ['100644', 0, 'd/x.txt'],
          ['100644', 0, 'd/y.txt'],
          ['100644', 0, 'e/deep/z.txt'],
          ['160000', 0, 'sub'],
          ['100644', 1, 'df'],
          ['100644', 2, 'df/x'],
        ];
        const input = Buffer.concat(records.map(([mode, stage, p]) => Buffer.from(`${mode} ${oid} ${stage}\t${p}\0`)));
        const r = spawnSync('git', ['update-index', '-z', '--index-info'], { cwd: dir, env: t.env, input });
        expect(r.status, r.stderr.toString()).toBe(0);
        t.git(['update-index', '--skip-worktree', 'b.txt'], { cwd: dir });
        t.git(['update-index', '--assume-unchanged', 'kept.txt'], { cwd: dir });
        fs.writeFileSync(path.join(dir, 'n.txt'), 'n\n');
        t.git(['add', '-N', 'n.txt'], { cwd: dir });
        const paths = ['a.txt', 'b.txt', 'c.txt', 'kept.txt', 'link', 'n.txt', 'sub', 'd', 'd/x.txt', 'e', 'e/deep', 'e/deep/z.txt', 'zzz', 'a.tx', 'd/', 'df', 'df/x'];
        const index = path.join(dir, '.git', 'index');
        for (const version of ['2', '3', '4']) {
          t.git(['update-index', '--index-version', version], { cwd: dir });
          // Extended flags (skip-worktree, intent-to-add) need version 3: git writes 3 when asked for 2.
          expect(fs.readFileSync(index).readUInt32BE(4)).toBe(version === '2' ? 3 : Number(version));
          const expected = gitSays(t, dir, paths);
          // The cases this is about are all there: M, S, H, a gitlink, and paths git lists entries under.
          expect([...expected.keys()].sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd/x.txt', 'df/x', 'e/deep/z.txt', 'kept.txt', 'link', 'n.txt', 'sub']);
          expect(expected.get('c.txt')).toEqual({ letters: ['M'], gitlink: false });
          expect(expected.get('b.txt')).toEqual({ letters: ['S'], gitlink: false });
          expect(expected.get('sub')).toEqual({ letters: ['H'], gitlink: true });
          expect(indexedPathsOfAnyFormat(fs.readFileSync(index), paths), `${format} v${version}`).toEqual(expected);
        }
        t.git(['update-index', '--split-index'], { cwd: dir });
        expect(indexedPathsOfAnyFormat(fs.readFileSync(index), ['a.txt']), `${format} split`).toBeNull();
      }
    });
  });

  it("leaves out a path under which a sparse index holds a directory entry, as git lists that directory's files", async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'top.txt': 't\n', 'in/a.txt': 'a\n', 'out/b.txt': 'b\n' });
      t.git(['sparse-checkout', 'set', '--cone', '--sparse-index', 'in']);
      const index = fs.readFileSync(path.join(t.dir, '.git', 'index'));
      // The sparse directory entry `out/` is in the file (git 2.39 writes it whole in version 2/3).
      expect(index.includes(Buffer.from('out/\0'))).toBe(true);
      const paths = ['top.txt', 'in/a.txt', 'out', 'out/b.txt'];
      const answered = indexedPathsOfAnyFormat(index, paths);
      // out/b.txt is not in the file (git expands `out/` to list it): not answered, so git is asked.
      expect([...(answered?.keys() ?? [])].sort()).toEqual(['in/a.txt', 'top.txt']);
      const git = gitSays(t, t.dir, paths);
      expect(git.get('out/b.txt')).toEqual({ letters: ['S'], gitlink: false });
      for (const [p, said] of answered ?? []) expect(said, p).toEqual(git.get(p));
    });
  });
});
