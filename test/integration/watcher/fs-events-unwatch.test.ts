/**
 * FsEvents keeps its watches right when a watched tree is removed (each directory's own removal
 * arrives deepest first) and made again: no watch is left on a directory that is gone, and the
 * tree made again is watched anew. Real directories, real inotify watches, real git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { FsEvents, type FsChange } from '../../../src/watcher/fs-events.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { waitFor } from './helpers.js';

describe('FsEvents watches', () => {
  it('are taken off a removed tree (deepest first) and a moved one (its top only), and placed on the tree under its new name', () =>
    withTestRepo(async (repo) => {
      const saved = { ...process.env };
      Object.assign(process.env, repo.env);
      const changes: FsChange[] = [];
      let events: FsEvents | null = null;
      try {
        repo.write('README.md', 'x\n');
        const deep = ['t/a/b/c', 't/a/d', 't/e/f/g'];
        for (const d of deep) repo.write(`${d}/file.txt`, 'x\n');
        repo.write('keep/k.txt', 'x\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'base']);
        events = new FsEvents(await openRepo(repo.dir), { onChange: (c) => changes.push(c), onLimit: () => undefined, onError: (e) => { throw e; } });
        await events.start();
        const all = events.watchedDirs;
        // '', t, t/a, t/a/b, t/a/b/c, t/a/d, t/e, t/e/f, t/e/f/g, keep
        expect(all).toBe(10);
        fs.rmSync(path.join(repo.dir, 't'), { recursive: true });
        const live = events;
        await waitFor('the watches of the removed tree to go', () => live.watchedDirs === 2);
        fs.mkdirSync(path.join(repo.dir, 't/a/b/c'), { recursive: true });
        await waitFor('the tree made again to be watched', () => live.watchedDirs === 6);
        changes.length = 0;
        fs.writeFileSync(path.join(repo.dir, 't/a/b/c/new.txt'), 'new\n');
        await waitFor('the event of a file in the new tree', () => changes.some((c) => c.kind === 'path' && c.rel === 't/a/b/c/new.txt'));
        // Moved: only the top directory's event names it; the watches under it go with it.
        fs.renameSync(path.join(repo.dir, 't'), path.join(repo.dir, 'u'));
        // (A watch left on the old tree's directories would make it 9: 3 stale, never 6.)
        await waitFor('the moved tree to be watched under its new name only', () => live.watchedDirs === 6 && changes.some((c) => c.kind === 'path' && c.rel === 'u'));
        changes.length = 0;
        fs.writeFileSync(path.join(repo.dir, 'u/a/b/c/after.txt'), 'after\n');
        await waitFor('the event of a file in the moved tree', () => changes.some((c) => c.kind === 'path' && c.rel === 'u/a/b/c/after.txt'));
        expect(changes.some((c) => c.kind === 'path' && c.rel.startsWith('t/'))).toBe(false);
      } finally {
        await events?.close();
        process.env = saved;
      }
    }));
});
