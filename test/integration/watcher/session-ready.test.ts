/**
 * Issue 8: the agent does not start while the watcher is still doing its first scan. A session
 * start (the agent's session-start hook, `guard session start`) returns only once the watcher it
 * started is ready (its watches in place: every change from then on is seen), and says so; a
 * change made right after it is recorded by the watcher.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, json, snapshots, waitFor } from './helpers.js';

describe('a session start and its watcher', () => {
  it('returns once the watcher is ready (its first scan done), and says so', async () => {
    await withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'a']);

      const payload = JSON.stringify({ session_id: 'conv-ready', cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' });
      const hook = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: repo.dir, env: repo.env, input: payload, encoding: 'utf8' });
      expect(hook.status, hook.stderr).toBe(0);
      expect(hook.stdout).not.toContain('Not ready');
      // No waiting here: the hook returned after the watcher's watches were in place (its
      // start-up snapshot of what changed before may still run).
      const status = json(repo, ['watch', 'status']);
      expect(['starting', 'running']).toContain(status.health);
      expect(status.file.watching).toBe(true);

      // A change right after the session start is recorded by the watcher.
      repo.write('b.txt', 'written by the agent\n');
      await waitFor('the watcher records b.txt', () => snapshots(repo).some((s: any) => s.trigger === 'watch' && s.changes.added >= 1));
      json(repo, ['watch', 'stop']);

      const started = json(repo, ['session', 'start', '--agent', 'test']);
      expect(started.watcher.ready).toBe(true);
      expect(json(repo, ['watch', 'status']).file.watching).toBe(true);
      json(repo, ['watch', 'stop']);
    });
  });
});
