/**
 * `guard session end` stops the session's watcher at once (issue 11): before, it ran until its
 * next heartbeat (5 s) and snapshotted changes made after the session.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, json, snapshots, treeFiles, waitForWatcher } from './helpers.js';

/** Running (an exited process not yet reaped by its new parent is a zombie, not alive). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('a session end', () => {
  it('stops the watcher the session started before it returns, so nothing after the session is recorded', () =>
    withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('README.md', '# project\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const { session } = json(repo, ['session', 'start', '--agent', 'test']);
      const running = await waitForWatcher(repo);
      json(repo, ['session', 'end', '--id', session.id]);
      // No waiting: the watcher is gone when `session end` returns.
      expect(alive(running.file.pid)).toBe(false);
      const status = json(repo, ['watch', 'status']);
      expect(status.health).toBe('stopped');
      expect(status.file.reason).toBe('the session ended');
      // A change after the session is in no snapshot (no watcher is left to take one).
      const count = snapshots(repo).length;
      repo.write('after-the-session.txt', 'not part of the session\n');
      expect(snapshots(repo).length).toBe(count);
      for (const s of snapshots(repo)) expect(treeFiles(repo, s.oid)).not.toContain('after-the-session.txt');
    }));

  it('leaves a watcher started by hand (`guard watch`) running', () =>
    withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('README.md', '# project\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      expect(repo.guard(['watch']).code).toBe(0);
      const running = await waitForWatcher(repo);
      const { session } = json(repo, ['session', 'start', '--agent', 'test']);
      json(repo, ['session', 'end', '--id', session.id]);
      expect(alive(running.file.pid)).toBe(true);
    }));
});
