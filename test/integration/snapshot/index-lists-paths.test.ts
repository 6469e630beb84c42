/**
 * indexListsPaths (src/snapshot/index-file.ts): which paths the index file lists, read without
 * git, for the agent hook to skip asking git whether a tracked file is ignored (path-facts.ts).
 * Only its "listed" is trusted, so it must never list a path git does not: checked against index
 * versions 2, 3 and 4 as git writes them, sha1 and sha256, names that are the tail or the prefix
 * of others, a name of more than 0xfff bytes, a name that is not UTF-8, unmerged entries; a
 * split index lists nothing (git is asked).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitConflictingChanges } from '../../helpers/fixtures.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { indexListsPaths, indexListsPathsOfAnyFormat } from '../../../src/snapshot/index-file.js';

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
