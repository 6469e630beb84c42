import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { editTree, treeId } from '../../../src/snapshot/tree-edit.js';

// Names whose order in a tree is easy to get wrong: git sorts a directory as if its name ended
// in "/", so "a-b" < "a.b" < "a/" (the directory a) < "a0"; bytes over 0x7f sort last.
const TRICKY = ['a-b', 'a.b', 'a/x', 'a0', 'a/b-c', 'a/b/c', 'a/b.c', 'Z', 'é', 'b c', 'tab\there', 'new\nline/f'];

describe('tree editing', () => {
  it('writes the trees git writes, in git\'s order, from a single hash-object call', async () => {
    await withTestRepo(async (repo) => {
      for (const name of TRICKY) repo.write(name, `${name}\n`);
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'tricky names']);
      process.env.GIT_CONFIG_GLOBAL = '/dev/null';
      const r = await openRepo(repo.dir);
      const gitBytes = (args: string[]): string => execFileSync('git', args, { cwd: repo.dir, env: repo.env }).toString('latin1');
      const listed = gitBytes(['ls-files', '-s', '-z']).split('\0').filter(Boolean);
      const changes = listed.map((record) => {
        const [mode, oid] = record.slice(0, record.indexOf('\t')).split(' ');
        return { path: record.slice(record.indexOf('\t') + 1), entry: { mode: mode!, oid: oid! } };
      });
      const empty = repo.git(['mktree'], { input: '' }).trim();
      const { tree, counts } = await editTree(r, empty, changes);
      expect(tree).toBe(repo.git(['rev-parse', 'HEAD^{tree}']).trim());
      expect(counts).toEqual({ added: TRICKY.length, modified: 0, deleted: 0 });

      // The id computed in Node is git's for every directory (so no second, conversing write is needed).
      for (const dir of ['', 'a', 'a/b']) {
        const raw = gitBytes(['ls-tree', '-z', dir ? `HEAD:${dir}` : 'HEAD']).split('\0').filter(Boolean);
        const entries = new Map(raw.map((line) => {
          const [meta, name] = [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1)];
          const [mode, , oid] = meta.split(' ');
          return [name, { mode: mode === '040000' ? '40000' : mode!, oid: oid! }];
        }));
        expect(treeId(entries, 'sha1')).toBe(repo.git(['rev-parse', dir ? `HEAD:${dir}` : 'HEAD^{tree}']).trim());
      }

      // The fallback writer (a conversation with mktree, taking git's ids, used if hash-object's
      // ids ever differ from the computed ones or git refuses a tree) writes the same trees.
      const conversed = await editTree(r, empty, changes, undefined, undefined, false);
      expect(conversed.tree).toBe(tree);

      // Removing every file leaves the empty tree.
      const gone = await editTree(r, tree, changes.map((c) => ({ path: c.path, entry: null })));
      expect(gone.tree).toBe(empty);
    });
  });
});
