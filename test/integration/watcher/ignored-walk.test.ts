/**
 * The watcher's first walk asks git which directories are ignored as it finds them (one
 * `check-ignore` conversation, src/git/check-ignore.ts) and watches exactly the others: nested
 * .gitignore files, negated patterns, directory-only patterns, directories under an ignored one,
 * an ignored directory that holds committed or staged files (watched: git reports changes in
 * it), names git would read as pathspec magic, names that are not UTF-8. Real directories, real inotify watches, real git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openIgnoreOracle } from '../../../src/git/check-ignore.js';
import { gitPath, gitPathOf } from '../../../src/git/path.js';
import { openRepo } from '../../../src/git/repo.js';
import { FsEvents } from '../../../src/watcher/fs-events.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { writeFiles } from '../../helpers/repo-steps.js';

describe('the watcher walk', () => {
  it('watches the directories git does not ignore and none that it does', () =>
    withTestRepo(async (repo) => {
      const saved = { ...process.env };
      Object.assign(process.env, repo.env);
      let events: FsEvents | null = null;
      try {
        // x\xffy/ is ignored by its bytes; w\xffz is not.
        repo.write('.gitignore', Buffer.concat([Buffer.from(['node_modules/', 'build/', '/gen*/', '!/gen-keep/', 'trk/', 'stg/', '*.log', '/:(top)hidden/', ''].join('\n')), Buffer.from([0x78, 0xff, 0x79, 0x2f, 0x0a])]));
        // Nested rules: pkg/out is ignored by pkg/.gitignore only; a/b/c lies under an ignored
        // directory, which `!c/` cannot re-include.
        writeFiles(repo, {
          'pkg/.gitignore': 'out/\n',
          'a/.gitignore': 'b/\n!c/\n',
          'src/lib/index.js': 'x\n',
          'pkg/src/main.js': 'x\n',
          ':(glob)z/file.txt': 'x\n',
          'build.txt/file': 'x\n',
          // A committed file in an ignored directory: git reports changes to it, so trk and
          // trk/deep are watched; trk/other holds nothing tracked and stays ignored.
          'trk/deep/kept.txt': 'x\n',
        });
        repo.git(['add', '-A']);
        repo.git(['add', '-f', 'trk/deep/kept.txt']);
        repo.git(['commit', '-q', '-m', 'base']);
        // Staged, not committed, in an ignored directory: watched too (HEAD's tree does not have it).
        repo.write('stg/new/staged.txt', 'x\n');
        repo.git(['add', '-f', 'stg/new/staged.txt']);
        fs.mkdirSync(path.join(repo.dir, 'stg/other'));
        // Untracked, so only the rules decide (gen-keep is re-included by a negated pattern).
        for (const dir of ['node_modules/pkg/lib', 'build/x', 'gen-a/y', 'pkg/out/z', 'a/b/c', 'trk/other', 'x.log', ':(top)hidden/q', 'src/build', 'gen-keep/sub']) {
          fs.mkdirSync(path.join(repo.dir, dir), { recursive: true });
          fs.writeFileSync(path.join(repo.dir, dir, 'f.txt'), 'x\n');
        }
        for (const name of [[0x78, 0xff, 0x79], [0x77, 0xff, 0x7a]]) {
          const dir = Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from(name)]);
          fs.mkdirSync(dir);
          fs.writeFileSync(Buffer.concat([dir, Buffer.from('/f.txt')]), 'x\n');
        }
        events = new FsEvents(await openRepo(repo.dir), { onChange: () => undefined, onLimit: () => undefined, onError: (e) => { throw e; } });
        await events.start();
        expect(events.watchedList()).toEqual(['', ':(glob)z', 'a', 'build.txt', 'gen-keep', 'gen-keep/sub', 'pkg', 'pkg/src', 'src', 'src/lib', 'stg', 'stg/new', 'trk', 'trk/deep', 'w\xffz'].sort());

        // The rules change (build/ is no longer ignored): a rescan asks git again.
        fs.writeFileSync(path.join(repo.dir, '.gitignore'), Buffer.concat([Buffer.from(['node_modules/', '/gen*/', '!/gen-keep/', 'trk/', 'stg/', '*.log', '/:(top)hidden/', ''].join('\n')), Buffer.from([0x78, 0xff, 0x79, 0x2f, 0x0a])]));
        await events.rescan();
        expect(events.watchedList()).toEqual(['', ':(glob)z', 'a', 'build', 'build.txt', 'build/x', 'gen-keep', 'gen-keep/sub', 'pkg', 'pkg/src', 'src', 'src/build', 'src/lib', 'stg', 'stg/new', 'trk', 'trk/deep', 'w\xffz'].sort());
      } finally {
        await events?.close();
        process.env = saved;
      }
    }));

  it('walks to the end when the user has GIT_FLUSH=0 (git would hold its answers until the questions end)', () =>
    withTestRepo(async (repo) => {
      const saved = { ...process.env };
      // GIT_FLUSH=0 makes check-ignore buffer its answers while stdin stays open; the walk waits
      // for each level's answers before it asks about the next, so it waited forever.
      Object.assign(process.env, repo.env, { GIT_FLUSH: '0' });
      let events: FsEvents | null = null;
      try {
        repo.write('.gitignore', 'build/\n');
        for (const dir of ['build/x', 'src/lib']) fs.mkdirSync(path.join(repo.dir, dir), { recursive: true });
        events = new FsEvents(await openRepo(repo.dir), { onChange: () => undefined, onLimit: () => undefined, onError: (e) => { throw e; } });
        await events.start();
        expect(events.watchedList()).toEqual(['', 'src', 'src/lib']);
      } finally {
        await events?.close();
        process.env = saved;
      }
    }), 60_000);

  it('walks an unborn branch, a linked worktree and a submodule, each by its own rules', () =>
    withTestRepo(async (repo) => {
      const saved = { ...process.env };
      Object.assign(process.env, repo.env);
      const walk = async (dir: string): Promise<string[]> => {
        const events = new FsEvents(await openRepo(dir), { onChange: () => undefined, onLimit: () => undefined, onError: (e) => { throw e; } });
        try {
          await events.start();
          return events.watchedList();
        } finally {
          await events.close();
        }
      };
      try {
        // Unborn: no HEAD tree, so every directory is asked about.
        repo.write('.gitignore', 'build/\n');
        for (const dir of ['build/x', 'src/lib']) fs.mkdirSync(path.join(repo.dir, dir), { recursive: true });
        expect(await walk(repo.dir)).toEqual(['', 'src', 'src/lib']);

        // A submodule (its own repository, its own .gitignore) is left to itself by the
        // superproject's walk, and walked by its own rules from its root.
        const sub = path.join(repo.base, 'sub');
        fs.mkdirSync(sub);
        repo.git(['init', '-q', '-b', 'main'], { cwd: sub });
        fs.writeFileSync(path.join(sub, '.gitignore'), 'out/\n');
        fs.mkdirSync(path.join(sub, 'code'));
        fs.writeFileSync(path.join(sub, 'code', 'a.txt'), 'a\n');
        repo.git(['add', '-A'], { cwd: sub });
        repo.git(['commit', '-q', '-m', 'sub'], { cwd: sub });
        repo.write('src/lib/a.ts', 'x\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'base']);
        repo.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'mods/sub']);
        repo.git(['commit', '-q', '-m', 'submodule']);
        for (const dir of ['mods/sub/out/y', 'mods/sub/build/z']) fs.mkdirSync(path.join(repo.dir, dir), { recursive: true });
        expect(await walk(repo.dir)).toEqual(['', 'mods', 'src', 'src/lib']);
        expect(await walk(path.join(repo.dir, 'mods/sub'))).toEqual(['', 'build', 'build/z', 'code']);

        // A linked worktree on a detached HEAD: the same rules, its own directories.
        const linked = path.join(repo.base, 'linked');
        repo.git(['worktree', 'add', '-q', '--detach', linked]);
        for (const dir of ['build/q', 'docs/d']) fs.mkdirSync(path.join(linked, dir), { recursive: true });
        // (mods/sub is not initialised there: an empty directory, watched like any other.)
        expect(await walk(linked)).toEqual(['', 'docs', 'docs/d', 'mods', 'mods/sub', 'src', 'src/lib']);
      } finally {
        process.env = saved;
      }
    }), 60_000);

  it('asks git in bytes: a name that is not UTF-8, negated patterns, several batches in one conversation', () =>
    withTestRepo(async (repo) => {
      const odd = Buffer.from([0x78, 0xff, 0x79]); // "x\xffy"
      repo.write('.gitignore', Buffer.concat([Buffer.from('/gen*/\n!/gen-keep/\n'), odd, Buffer.from('/\n')]));
      for (const dir of ['gen-a', 'gen-keep', 'plain']) fs.mkdirSync(path.join(repo.dir, dir));
      fs.mkdirSync(Buffer.concat([Buffer.from(`${repo.dir}/`), odd]));
      fs.mkdirSync(path.join(repo.dir, 'x\ufffdy'));
      const oracle = openIgnoreOracle(repo.dir);
      try {
        const first = oracle.ask([gitPathOf(odd), gitPath('x\ufffdy'), gitPath('gen-a')]);
        const second = oracle.ask([gitPath('gen-keep'), gitPath('plain'), gitPath('gen-a')]);
        expect(await first).toEqual([true, false, true]);
        expect(await second).toEqual([false, false, true]);
      } finally {
        await oracle.close();
      }
    }));
});
