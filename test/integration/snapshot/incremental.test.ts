import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot, currentWorktreeTree } from '../../../src/snapshot/create.js';
import { gitPath, gitPathOf } from '../../../src/git/path.js';
import { keepObjectPipes } from '../../../src/git/object-pipes.js';
import type { Repo } from '../../../src/git/repo.js';

/**
 * Every case runs twice: with a git process per batch (guard's commands), and with the object
 * reads and writes going to long-lived processes (the watcher daemon, src/git/object-pipes.ts),
 * whose trees must be the same bytes. With those the trees are also checked against one that
 * reaches them in no way: git's own update-index and write-tree on a copy of the user's index.
 */
describe.each([
  ['one git process per batch', false],
  ["the watcher daemon's long-lived git processes", true],
])('incremental snapshots (changedPaths), %s', (_, longLived) => {
  const keep = (r: Repo): { close(): Promise<void> } => (longLived ? keepObjectPipes(r) : { close: async () => undefined });
  const byGit = async (r: Repo, tree: string, maxFileSize?: number): Promise<void> => {
    if (longLived) expect(tree).toBe(await currentWorktreeTree(r, maxFileSize === undefined ? {} : { maxFileSize }));
  };

  it('produce the same tree as a full walk while reading only the changed paths', async () => {
    await withTestRepo(async (repo) => {
      for (let i = 0; i < 30; i++) repo.write(`dir${i % 3}/file${i}.txt`, `${i}\n`);
      repo.write('.gitignore', 'node_modules/\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('untracked-before.txt', 'u\n');
      // Process env must be hermetic for in-process git calls too.
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const kept = keep(r);
      const first = await createSnapshot(r);

      repo.write('dir0/file0.txt', 'changed\n');
      repo.remove('dir1');
      repo.write('new-dir/deep/new.txt', 'new\n');
      repo.write('node_modules/pkg/index.js', 'ignored\n');
      repo.remove('untracked-before.txt');
      fs.chmodSync(path.join(repo.dir, 'dir2/file2.txt'), 0o755);
      const changed = ['dir0/file0.txt', 'dir1', 'new-dir', 'node_modules/pkg/index.js', 'untracked-before.txt', 'dir2/file2.txt'];
      const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths: changed.map((p) => gitPath(p)) });
      expect(incremental.created).toBe(true);
      expect(incremental.snapshot.previous).toBe(first.snapshot.oid);
      const full = await createSnapshot(r, { force: true });
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
      await byGit(r, incremental.snapshot.tree);
      expect(repo.git(['ls-tree', '-r', '--name-only', incremental.snapshot.oid])).not.toContain('node_modules');

      // A change the watcher did not report is not seen by an incremental snapshot (that is the
      // contract; the watcher reports every change); the next full walk sees it.
      repo.write('dir0/file3.txt', 'unreported\n');
      const unseen = await createSnapshot(r, { trigger: 'watch', changedPaths: [gitPath('dir0/file0.txt')] });
      expect(unseen.created).toBe(false);
      const walked = await createSnapshot(r);
      expect(repo.git(['show', `${walked.snapshot.oid}:dir0/file3.txt`])).toBe('unreported\n');
      // Incremental and full scans judge "tracked" against the user's index: a big file the user
      // staged is captured, a file that became ignored leaves the snapshot.
      repo.write('big.bin', Buffer.alloc(2048, 1));
      repo.git(['add', 'big.bin']);
      repo.write('.gitignore', 'node_modules/\ndir2/file2.txt\n');
      repo.git(['rm', '-q', '--cached', 'dir2/file2.txt']);
      const mixed = await createSnapshot(r, { trigger: 'watch', maxFileSize: 1024, changedPaths: ['big.bin', '.gitignore', 'dir2/file2.txt'].map((p) => gitPath(p)) });
      const mixedFull = await createSnapshot(r, { force: true, maxFileSize: 1024 });
      expect(mixed.snapshot.tree).toBe(mixedFull.snapshot.tree);
      await byGit(r, mixed.snapshot.tree, 1024);
      expect(repo.git(['ls-tree', '--name-only', '-r', mixed.snapshot.oid])).toContain('big.bin');
      expect(repo.git(['ls-tree', '--name-only', '-r', mixed.snapshot.oid])).not.toContain('dir2/file2.txt');

      // No changed paths: only git state changed; the new branch is recorded, no file is read.
      repo.git(['branch', 'made-by-agent']);
      const refsOnly = await createSnapshot(r, { trigger: 'watch', changedPaths: [] });
      expect(refsOnly.created).toBe(true);
      expect(refsOnly.snapshot.tree).toBe(mixedFull.snapshot.tree);
      expect(Object.keys(refsOnly.snapshot.refs)).toContain('refs/heads/made-by-agent');

      // Older versions kept a whole private index (and split-index shared files): removed when found.
      const guardDir = path.join(repo.dir, '.git', 'guard');
      fs.rmSync(path.join(guardDir, 'scan-memo.json'));
      fs.writeFileSync(path.join(guardDir, 'worktree-index.json'), JSON.stringify({ file: 'worktree-index.1-ab', tree: 'x', sharedIndexes: ['sharedindex.0123456789abcdef0123456789abcdef01234567'] }));
      fs.writeFileSync(path.join(guardDir, 'worktree-index.1-ab'), 'old');
      fs.writeFileSync(path.join(repo.dir, '.git', 'sharedindex.0123456789abcdef0123456789abcdef01234567'), 'old');
      fs.writeFileSync(path.join(repo.dir, '.git', 'sharedindex.fedcba9876543210fedcba9876543210fedcba98'), 'the user\'s own');
      await createSnapshot(r);
      expect(fs.readdirSync(guardDir).filter((n) => n.startsWith('worktree-index'))).toEqual([]);
      expect(fs.readdirSync(path.join(repo.dir, '.git')).filter((n) => n.startsWith('sharedindex.'))).toEqual(['sharedindex.fedcba9876543210fedcba9876543210fedcba98']);
      await kept.close();
    });
  });

  it('record a tracked directory replaced by a symlink out of the worktree as the symlink, never what lies behind it', async () => {
    await withTestRepo(async (repo) => {
      repo.write('d/e/f.txt', 'tracked, in the worktree\n');
      repo.write('g/e/f.txt', 'tracked too\n');
      repo.write('keep.txt', 'k\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      // Behind d, a file at the same path (it must never be read); behind g, nothing there: git
      // calls g/e/f.txt "beyond a symbolic link" and refuses to add or --remove it.
      const outside = path.join(repo.base, 'outside');
      fs.mkdirSync(path.join(outside, 'e'), { recursive: true });
      fs.writeFileSync(path.join(outside, 'e', 'f.txt'), 'OUTSIDE\n');
      fs.mkdirSync(path.join(repo.base, 'empty'));
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      await createSnapshot(r);
      for (const [dir, target] of [['d', '../outside'], ['g', '../empty']] as const) {
        fs.rmSync(path.join(repo.dir, dir), { recursive: true });
        fs.symlinkSync(target, path.join(repo.dir, dir));
      }
      // The watcher names the directories and the files under them (their events came first).
      const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths: ['d/e/f.txt', 'd', 'g/e/f.txt', 'g'].map((p) => gitPath(p)) });
      const full = await createSnapshot(r, { force: true });
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
      const blob = (text: string): string => repo.git(['hash-object', '--stdin'], { input: text }).trim();
      expect(repo.git(['ls-tree', '-r', full.snapshot.tree])).toBe(`120000 blob ${blob('../outside')}\td\n120000 blob ${blob('../empty')}\tg\n100644 blob ${blob('k\n')}\tkeep.txt\n`);
    });
  });

  it('produce the same tree as a full walk in a sha256 repository', async () => {
    await withTestRepo(async (repo) => {
      const dir = path.join(repo.base, 'sha256');
      repo.git(['init', '-q', '--object-format=sha256', '-b', 'main', dir]);
      for (let i = 0; i < 6; i++) fs.mkdirSync(path.join(dir, `d${i % 2}`, 'e'), { recursive: true });
      for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(dir, `d${i % 2}`, 'e', `f${i}.txt`), `${i}\n`);
      repo.git(['add', '-A'], { cwd: dir });
      repo.git(['commit', '-q', '-m', 'base'], { cwd: dir });
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(dir);
      const kept = keep(r);
      await createSnapshot(r);
      fs.writeFileSync(path.join(dir, 'd0', 'e', 'f0.txt'), 'changed\n');
      fs.mkdirSync(path.join(dir, 'new', 'deep'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'new', 'deep', 'g.txt'), 'new\n');
      fs.rmSync(path.join(dir, 'd1'), { recursive: true });
      const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths: ['d0/e/f0.txt', 'new', 'd1'].map((p) => gitPath(p)) });
      expect(incremental.snapshot.tree).toHaveLength(64);
      const full = await createSnapshot(r, { force: true });
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
      await byGit(r, incremental.snapshot.tree);
      await kept.close();
    });
  });

  it('match a full walk through file/directory swaps, links, modes, removals and skipped files', async () => {
    await withTestRepo(async (repo) => {
      repo.write('swap-to-dir', 'a file that becomes a directory\n');
      repo.write('swap-to-file/inner/x.txt', 'a directory that becomes a file\n');
      repo.write('keep/a.txt', 'a\n');
      repo.write('keep/deeper/b.txt', 'b\n');
      repo.write('tool.sh', '#!/bin/sh\n');
      fs.chmodSync(path.join(repo.dir, 'tool.sh'), 0o755);
      fs.symlinkSync('keep/a.txt', path.join(repo.dir, 'link'));
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const kept = keep(r);
      repo.write('huge.bin', Buffer.alloc(4096, 7));
      const first = await createSnapshot(r, { maxFileSize: 1024 });
      expect(first.snapshot.skipped.map((s) => s.path)).toEqual(['huge.bin']);

      // Text names, or bytes (a Buffer) for names that are not UTF-8.
      const same = async (changed: Array<string | Buffer>): Promise<void> => {
        const changedPaths = changed.map((p) => (typeof p === 'string' ? gitPath(p) : gitPathOf(p)));
        const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths, maxFileSize: 1024 });
        const full = await createSnapshot(r, { force: true, maxFileSize: 1024 });
        // Its change counts are those of a diff against the snapshot before it.
        const diff = repo.git(['diff-tree', '-r', '--no-renames', '--name-status', '-z', `${incremental.snapshot.oid}^`, incremental.snapshot.oid]).split('\0');
        const statuses = diff.filter((_, i) => i % 2 === 0 && i + 1 < diff.length);
        expect(incremental.snapshot.changes).toEqual({
          added: statuses.filter((x) => x === 'A').length,
          modified: statuses.filter((x) => x !== 'A' && x !== 'D').length,
          deleted: statuses.filter((x) => x === 'D').length,
        });
        expect(repo.git(['ls-tree', '-r', incremental.snapshot.tree])).toBe(repo.git(['ls-tree', '-r', full.snapshot.tree]));
        expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
        await byGit(r, incremental.snapshot.tree, 1024);
        // Paths it did not look at keep their skipped entries.
        expect(incremental.snapshot.skipped).toEqual(full.snapshot.skipped);
      };

      repo.remove('swap-to-dir');
      repo.write('swap-to-dir/now/inside.txt', 'inside\n');
      repo.remove('swap-to-file');
      repo.write('swap-to-file', 'now a file\n');
      await same(['swap-to-dir', 'swap-to-file']);

      fs.chmodSync(path.join(repo.dir, 'tool.sh'), 0o644);
      fs.rmSync(path.join(repo.dir, 'link'));
      fs.symlinkSync('keep/deeper/b.txt', path.join(repo.dir, 'link'));
      repo.write('odd name\twith tab.txt', 'odd\n');
      // Names git's line-based inputs would read as other names: a trailing CR, a leading quote.
      repo.write('cr', 'plain\n');
      repo.write('cr\r', 'with a carriage return\n');
      repo.write('q', 'plain q\n');
      repo.write('"q"', 'quoted q\n');
      await same(['tool.sh', 'link', 'odd name\twith tab.txt', 'cr', 'cr\r', 'q', '"q"']);
      expect(repo.git(['cat-file', 'blob', 'refs/guard/main/head:cr\r'])).toBe('with a carriage return\n');
      expect(repo.git(['cat-file', 'blob', 'refs/guard/main/head:"q"'])).toBe('quoted q\n');

      // Directory names with spaces and newlines (the second can only be read level by level).
      repo.write('dir with space/a b/f.txt', 'spaced\n');
      await same(['dir with space']);
      repo.write('dir with space/new\nline/g.txt', 'newline\n');
      await same(['dir with space/new\nline']);
      // A directory whose name ends in CR next to one without: cat-file would read the other.
      repo.write('crdir/f.txt', 'plain dir\n');
      repo.write('crdir/g.txt', 'only in the plain dir\n');
      await same(['crdir']);
      repo.write('crdir\r/f.txt', 'cr dir\n');
      await same(['crdir\r']);
      expect(repo.git(['cat-file', 'blob', 'refs/guard/main/head:crdir\r/f.txt'])).toBe('cr dir\n');

      // Names that are not UTF-8 (byte 0xff), given by their bytes: a file, a directory and what
      // is under it, a file next to a plain one it must not be confused with; then changed and
      // removed. (A top-level one cannot be named to git on the command line: that one walks.)
      const bytes = (name: string): Buffer => Buffer.from(name, 'latin1');
      const writeBytes = (name: string, data: string): void => {
        fs.mkdirSync(Buffer.concat([Buffer.from(`${repo.dir}/`), bytes(path.posix.dirname(name))]), { recursive: true });
        fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/`), bytes(name)]), data);
      };
      writeBytes('odd/bad\xff.txt', 'a file named with 0xff\n');
      writeBytes('odd/bad.txt', 'the plain one\n');
      writeBytes('odd/dir\xff/sub/f.txt', 'under a directory named with 0xff\n');
      await same([bytes('odd/bad\xff.txt'), bytes('odd/bad.txt'), bytes('odd/dir\xff')]);
      writeBytes('odd/dir\xff/sub/f.txt', 'changed\n');
      writeBytes('odd/dir\xff/g.txt', 'new\n');
      fs.rmSync(Buffer.concat([Buffer.from(`${repo.dir}/`), bytes('odd/bad\xff.txt')]));
      await same([bytes('odd/dir\xff/sub/f.txt'), bytes('odd/dir\xff/g.txt'), bytes('odd/bad\xff.txt')]);
      writeBytes('\xfftop/h.txt', 'top level\n');
      await same([bytes('\xfftop')]);
      // A top-level one is read alone too, not by a walk: a change nobody reported stays unseen.
      writeBytes('\xfftop/h.txt', 'top level, changed\n');
      repo.write('unreported.txt', 'not reported\n');
      const alone = await createSnapshot(r, { trigger: 'watch', changedPaths: [gitPathOf(bytes('\xfftop/h.txt'))], maxFileSize: 1024 });
      const listed = repo.git(['ls-tree', '-r', '--name-only', alone.snapshot.tree]);
      expect(listed).not.toContain('unreported.txt');
      // (Its name cannot go on git's command line: found in ls-tree's bytes.)
      const entries = spawnSync('git', ['ls-tree', '-r', '-z', alone.snapshot.tree], { cwd: repo.dir, env: repo.env }).stdout.toString('latin1').split('\0');
      const entry = entries.find((e) => e.endsWith('\t\xfftop/h.txt'));
      expect(repo.git(['cat-file', 'blob', entry!.split(/\s/)[2]!])).toBe('top level, changed\n');
      fs.rmSync(path.join(repo.dir, 'unreported.txt'));
      await same([bytes('\xfftop'), 'unreported.txt']);
      expect(repo.git(['ls-tree', '-r', '-z', '--name-only', 'refs/guard/main/head']).split('\0')).toEqual(
        expect.arrayContaining([bytes('odd/dir\xff/g.txt').toString('utf8'), bytes('\xfftop/h.txt').toString('utf8')]),
      );
      // Everything under a directory goes, and the directory with it.
      repo.remove('keep');
      await same(['keep']);

      // Without a trusted executable bit (core.fileMode=false) a file keeps the mode the user's
      // index records (100755 from the commit), whatever its mode on disk or in the last snapshot.
      repo.git(['config', 'core.fileMode', 'false']);
      fs.chmodSync(path.join(repo.dir, 'tool.sh'), 0o644);
      repo.write('tool.sh', '#!/bin/sh\necho changed\n');
      await same(['tool.sh']);
      expect(repo.git(['ls-tree', 'refs/guard/main/head', 'tool.sh'])).toMatch(/^100755 /);
      await kept.close();
    });
  });

  it('read the ignored files a command captures (captureIgnored) as a full walk does, and drop one that is gone', async () => {
    await withTestRepo(async (repo) => {
      repo.write('.gitignore', 'build/\n*.env\n');
      repo.write('src/a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const kept = keep(r);
      await createSnapshot(r);

      // Ignored files no event names (the watcher does not follow them), a tracked change it does.
      const bad = gitPathOf(Buffer.from('build/deep/bad\xff.bin', 'latin1'));
      repo.write('build/out.txt', 'build output\n');
      fs.mkdirSync(path.join(repo.dir, 'build', 'deep'), { recursive: true });
      fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from(bad, 'latin1')]), Buffer.from([0, 1, 2, 255]));
      repo.symlink('build/link', 'out.txt');
      repo.write('conf/local.env', 'KEY=1\n');
      repo.write('src/a.txt', 'changed\n');
      const capture = [gitPath('build/out.txt'), bad, gitPath('build/link'), gitPath('conf/local.env')];
      const incremental = await createSnapshot(r, { trigger: 'hook', changedPaths: [gitPath('src/a.txt')], captureIgnored: capture });
      const full = await createSnapshot(r, { force: true, captureIgnored: capture });
      expect(incremental.created).toBe(true);
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
      expect(incremental.snapshot.ignored).toEqual(full.snapshot.ignored);
      expect(incremental.snapshot.ignored).toEqual(['"build/deep/bad\\377.bin"', 'build/link', 'build/out.txt', 'conf/local.env']);
      if (longLived) expect(incremental.snapshot.tree).toBe(await currentWorktreeTree(r, { captureIgnored: capture }));
      expect(repo.git(['ls-tree', '-r', incremental.snapshot.oid, 'build/link'])).toMatch(/^120000 /);

      // On top of a tree that holds them: one is gone now, one changed, nothing names either.
      repo.remove('build/out.txt');
      repo.write('conf/local.env', 'KEY=2\n');
      const again = await createSnapshot(r, { trigger: 'hook', changedPaths: [], captureIgnored: capture });
      const againFull = await createSnapshot(r, { force: true, captureIgnored: capture });
      expect(again.created).toBe(true);
      expect(again.snapshot.tree).toBe(againFull.snapshot.tree);
      expect(again.snapshot.ignored).toEqual(againFull.snapshot.ignored);
      // Counted as a full walk counts them (diff-tree): one deleted, one modified, the rest unchanged.
      expect(again.snapshot.changes).toEqual({ added: 0, modified: 1, deleted: 1 });
      const files = repo.git(['ls-tree', '-r', '--name-only', again.snapshot.oid]);
      expect(files).not.toContain('build/out.txt');
      expect(repo.git(['show', `${again.snapshot.oid}:conf/local.env`])).toBe('KEY=2\n');

      // The next snapshot that captures nothing (the watcher's, after the command ran or was
      // refused) records what a walk records: the ignored files are no longer in it, whether
      // still on disk (conf/local.env, build/link) or not. Before, they were carried from the
      // previous tree, and a rollback to it brought back a build output the user had removed.
      repo.write('src/a.txt', 'changed again\n');
      const after = await createSnapshot(r, { trigger: 'watch', changedPaths: [gitPath('src/a.txt')] });
      const afterFull = await createSnapshot(r, { force: true });
      expect(after.created).toBe(true);
      expect(after.snapshot.tree).toBe(afterFull.snapshot.tree);
      expect(after.snapshot.ignored).toBeUndefined();
      expect(repo.git(['ls-tree', '-r', '--name-only', after.snapshot.oid])).toBe('.gitignore\nsrc/a.txt\n');
      await byGit(r, after.snapshot.tree);
      await kept.close();
    });
  });
});
