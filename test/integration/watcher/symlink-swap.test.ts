/**
 * A symlink never makes the watcher watch outside its worktree, and a directory that becomes a
 * symlink or a file while the watcher walks or watches it does not crash it: the path is then
 * recorded as what it now is. The race of the start-up walk is made deterministic by the test
 * bundle's pause (GUARD_TEST_WALK_PAUSE_AT, src/util/test-faults.ts), and an edit made while the
 * rescan retried after it runs by the rescan's pause (GUARD_TEST_RESCAN_PAUSE_AT); what the OS really watches
 * is read from /proc (inotify fdinfo).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, inotifyWatchedInodes, json, waitFor, waitForStatus, waitForWatcher, waitForWatcherToMatchFullWalk } from './helpers.js';

function inode(file: string): number {
  return fs.statSync(file).ino;
}

/** A directory tree outside the repository (in the test's temp dir). */
function outsideTree(repo: TestRepo, name: string): string {
  const dir = path.join(repo.base, name);
  for (const sub of ['x', 'sub', 'sub/deeper']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'x', 'o.txt'), 'outside\n');
  return dir;
}

function outsideInodes(dir: string): number[] {
  return [dir, path.join(dir, 'x'), path.join(dir, 'sub'), path.join(dir, 'sub', 'deeper')].map(inode);
}

/** `guard watch`, not waited for (it returns once the watcher is ready): its exit code and stderr. */
function startWatchInBackground(repo: TestRepo, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [GUARD_BIN, 'watch'], { cwd: repo.dir, env: { ...repo.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

function watcherPid(repo: TestRepo): number {
  return json(repo, ['watch', 'status']).pid;
}

function modeAndTarget(repo: TestRepo, tree: string, file: string): string {
  return repo.git(['ls-tree', tree, file]).split(/\s/)[0] + ' ' + repo.git(['cat-file', 'blob', `${tree}:${file}`]);
}

describe('the watcher and symlinks', () => {
  it('never watches through a symlink to a directory outside the repository', () =>
    withTestRepo(async (repo) => {
      const outside = outsideTree(repo, 'outside');
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('src/app.js', 'console.log(1);\n');
      repo.symlink('link', '../outside');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      expect(repo.guard(['watch']).code).toBe(0);
      await waitForWatcher(repo);
      // One made while it runs, too.
      repo.symlink('src/later', '../../outside/sub');
      await waitForWatcherToMatchFullWalk(repo, 'src/later in a watcher snapshot');
      const watched = inotifyWatchedInodes(watcherPid(repo));
      expect(watched.has(inode(path.join(repo.dir, 'src')))).toBe(true);
      for (const ino of outsideInodes(outside)) expect(watched.has(ino)).toBe(false);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('a directory swapped for a symlink out of the repository while the start-up walk reaches it: no crash, no watch through it, recorded as the symlink', () =>
    withTestRepo(async (repo) => {
      const outside = outsideTree(repo, 'outside');
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('src/app.js', 'console.log(1);\n');
      repo.write('a/x/f.txt', 'committed under a/x\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      // Not in HEAD: the walk asks git about it once it has listed a/.
      repo.write('a/sub/u.txt', 'untracked\n');
      const paused = path.join(repo.dir, '.git', 'guard', 'test-walk-paused');
      // The rescan retried after the walk that did not finish will hold before it lists src/.
      const rescanPaused = path.join(repo.dir, '.git', 'guard', 'test-rescan-paused');
      fs.mkdirSync(path.dirname(paused), { recursive: true });
      fs.writeFileSync(path.join(repo.dir, '.git', 'guard', 'test-rescan-pause'), '');
      // The walk stops before it lists a/x: a/ has been listed (a/x and a/sub seen as directories).
      const starting = startWatchInBackground(repo, { GUARD_TEST_BUNDLE: '1', GUARD_TEST_WALK_PAUSE_AT: 'a/x', GUARD_TEST_RESCAN_PAUSE_AT: 'src' });
      await waitFor('the walk to pause at a/x', () => fs.existsSync(paused));
      fs.renameSync(path.join(repo.dir, 'a'), path.join(repo.base, 'a-moved'));
      fs.symlinkSync('../outside', path.join(repo.dir, 'a'));
      fs.rmSync(paused);
      const started = await starting;
      expect(started.code, started.stderr).toBe(0);
      await waitForWatcher(repo);
      const tree = await waitForWatcherToMatchFullWalk(repo, 'a recorded as the symlink it now is');
      expect(modeAndTarget(repo, tree, 'a')).toBe('120000 ../outside');
      const pid = watcherPid(repo);
      const watched = inotifyWatchedInodes(pid);
      for (const ino of outsideInodes(outside)) expect(watched.has(ino)).toBe(false);
      expect(watched.has(inode(path.join(repo.dir, 'src')))).toBe(true);
      // Still the same process, and it records what follows: an edit made while its retried
      // rescan runs (held before it lists src/, the directory edited), and one made after it.
      await waitFor('the retried rescan to hold', () => fs.existsSync(rescanPaused), 60_000, 20);
      expect(json(repo, ['watch', 'status']).watchesIncomplete).toBe(true);
      repo.write('src/app.js', 'console.log(2);\n');
      await waitForWatcherToMatchFullWalk(repo, 'src/app.js edited during the retried rescan');
      repo.write('src/app.js', 'console.log(3);\n');
      fs.rmSync(rescanPaused);
      await waitForStatus(repo, 'the watches to be whole again', (s) => s.watchesIncomplete === false || undefined);
      await waitForWatcherToMatchFullWalk(repo, 'src/app.js edited as the retried rescan went on');
      repo.write('src/app.js', 'console.log(4);\n');
      await waitForWatcherToMatchFullWalk(repo, 'src/app.js after the swap');
      expect(watcherPid(repo)).toBe(pid);
      expect(json(repo, ['watch', 'status']).health).toBe('running');
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('a watched directory replaced at once by a file or by a symlink does not crash it', () =>
    withTestRepo(async (repo) => {
      const outside = outsideTree(repo, 'outside');
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('src/app.js', 'console.log(1);\n');
      repo.write('d1/e/f.txt', 'one\n');
      repo.write('d2/e/f.txt', 'two\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      expect(repo.guard(['watch']).code).toBe(0);
      await waitForWatcher(repo);
      const pid = watcherPid(repo);
      // The watcher handles the events of the removal once the names already lead through a file
      // or a symlink: it is held (SIGSTOP) while the kernel queues them.
      process.kill(pid, 'SIGSTOP');
      try {
        fs.rmSync(path.join(repo.dir, 'd1'), { recursive: true });
        fs.writeFileSync(path.join(repo.dir, 'd1'), 'a file now\n');
        fs.rmSync(path.join(repo.dir, 'd2'), { recursive: true });
        fs.symlinkSync('../outside', path.join(repo.dir, 'd2'));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      const tree = await waitForWatcherToMatchFullWalk(repo, 'd1 as a file and d2 as a symlink');
      expect(modeAndTarget(repo, tree, 'd1')).toBe('100644 a file now\n');
      expect(modeAndTarget(repo, tree, 'd2')).toBe('120000 ../outside');
      expect(json(repo, ['watch', 'status']).health).toBe('running');
      expect(watcherPid(repo)).toBe(pid);
      for (const ino of outsideInodes(outside)) expect(inotifyWatchedInodes(pid).has(ino)).toBe(false);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
