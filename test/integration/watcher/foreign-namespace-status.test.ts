/**
 * A watcher started in another pid namespace (a container sharing the repository) writes its pid
 * file as `<pid> host=<name>;pidns=<inode>`. Its pid means nothing here: it may name no process
 * (the old status said "crashed") or an unrelated one (it said "running"). `guard watch status`,
 * its --json and `guard status` say it runs in another pid namespace and cannot be checked from
 * here, and no command (status, start, stop) removes or rewrites its pid file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { deadPid } from '../../helpers/pid-space.js';

const FOREIGN_SPACE = 'host=sandbox-7;pidns=1';

function writeForeignWatcher(repo: TestRepo, pid: number): string {
  const dir = path.join(repo.dir, '.git', 'guard');
  fs.mkdirSync(dir, { recursive: true });
  const now = new Date().toISOString();
  // What that daemon writes: its pid file and its state file, both shared through the repository.
  fs.writeFileSync(path.join(dir, 'watcher.json'), `${JSON.stringify({ pid, state: 'running', mode: 'events', reason: null, startedAt: now, heartbeatAt: now, stoppedAt: null, startedFor: null, watchedDirs: 3, snapshots: { taken: 1, unchanged: 0, failed: 0 }, lastSnapshot: null, lastError: null, protectedRestores: 0, rss: 1 })}\n`);
  const pidFile = path.join(dir, 'watcher.pid');
  fs.writeFileSync(pidFile, `${pid} ${FOREIGN_SPACE}\n`);
  return pidFile;
}

function checkReportedElsewhere(repo: TestRepo, pid: number): void {
  const text = repo.guard(['watch', 'status']);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toContain('running in another pid namespace (host sandbox-7');
  expect(text.stdout).toContain('cannot be checked from here');
  const watchJson = repo.guard(['watch', 'status', '--json']);
  expect(watchJson.code, watchJson.stderr).toBe(0);
  expect(JSON.parse(watchJson.stdout)).toMatchObject({ health: 'elsewhere', alive: false, pid, elsewhere: { host: 'sandbox-7', pid, stale: false } });
  const status = JSON.parse(repo.guard(['status', '--json']).stdout);
  expect(status.watcher).toMatchObject({ health: 'elsewhere', elsewhere: { host: 'sandbox-7', pid } });
  expect(JSON.stringify(status.problems ?? [])).not.toContain('watcher crashed');
}

describe('a watcher in another pid namespace', () => {
  it('is reported as such, whether its pid names no process here or an unrelated one, and its pid file is left alone', async () => {
    await withTestRepo(async (repo) => {
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      // An unrelated live process here whose command line mentions "watch", with the pid the other namespace wrote.
      const unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'watch'], { stdio: 'ignore' });
      try {
        for (const pid of [deadPid(), unrelated.pid as number]) {
          const pidFile = writeForeignWatcher(repo, pid);
          const before = fs.readFileSync(pidFile, 'utf8');
          const then = new Date(Date.now() - 10 * 60 * 1000);
          fs.utimesSync(pidFile, then, then);
          const mtime = fs.statSync(pidFile).mtimeMs;
          checkReportedElsewhere(repo, pid);
          // Starting does not start a second watcher over it, stopping says where to stop it.
          const start = repo.guard(['watch']);
          expect(start.code, start.stderr).toBe(0);
          expect(start.stdout).toContain('another pid namespace');
          const stop = repo.guard(['watch', 'stop']);
          expect(stop.code, stop.stderr).toBe(0);
          expect(stop.stdout).toContain('cannot be stopped from here');
          expect(fs.readFileSync(pidFile, 'utf8')).toBe(before);
          expect(fs.statSync(pidFile).mtimeMs).toBe(mtime);
          expect(unrelated.exitCode).toBeNull();
          fs.rmSync(pidFile);
        }
      } finally {
        unrelated.kill('SIGKILL');
      }
    });
  });
});
