/**
 * Issue 8: at a session start the agent hook's shim (hooks/agent-hook.sh) starts the watcher
 * daemon itself, beside the hook's Node instead of after it, and the hook still returns only once
 * that watcher is ready: one daemon (the one the shim started, taken for the session once it has
 * an id), every change made right after the hook returned recorded. With a watcher already
 * running, or one whose pid file is left, the shim starts none and Node decides as before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { DAEMON_NODE_FLAGS } from '../../../src/watcher/control.js';
import { fastWatchConfig, json, waitForSnapshot, waitForStatus, waitForWatcher } from './helpers.js';

const SHIM = path.join(PROJECT_ROOT, 'hooks', 'agent-hook.sh');
const SH = fs.existsSync('/usr/bin/dash') ? '/usr/bin/dash' : '/bin/sh';

/** The session-start hook as Claude Code runs it: through the shim, in the project's directory. */
function sessionStart(repo: TestRepo, id: string): { code: number | null; stdout: string; stderr: string } {
  const payload = JSON.stringify({ session_id: id, cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' });
  const r = spawnSync(SH, [SHIM, 'claude', 'session-start'], { cwd: repo.dir, env: repo.env, input: payload, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function log(repo: TestRepo): string {
  try {
    return fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'watcher.log'), 'utf8');
  } catch {
    return '';
  }
}

function base(repo: TestRepo): void {
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('src/app.js', 'console.log(1);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  // guard's directory in the git dir, as `guard init` (or any earlier guard command) leaves it.
  expect(repo.guard(['snapshot']).code).toBe(0);
}

describe('a session start through the agent hook\'s shim', () => {
  it('starts the watcher beside the hook, returns once it is ready, and that one watcher records what follows', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const hook = sessionStart(repo, 'conv-shim-watcher');
      expect(hook.code, hook.stderr).toBe(0);
      expect(hook.stdout).not.toContain('Not ready');
      const status = json(repo, ['watch', 'status']);
      expect(status.file.watching).toBe(true);
      const pid: number = status.file.pid;
      // Started by the shim (spawnWatcher logs "starting watcher for" first; the shim does not),
      // with the session to come as its reason to run, and the only daemon (a second one would
      // have logged that it did not start).
      expect(log(repo)).not.toContain('starting watcher for');
      expect(log(repo)).not.toContain('not started');
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toEqual(expect.arrayContaining([...DAEMON_NODE_FLAGS, 'watch', '--daemon', '--session', '+claude']));
      // The bare pid the shim claimed the file with is written again with its pid namespace.
      expect(fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'watcher.pid'), 'utf8')).toMatch(new RegExp(`^${pid} host=[^;]+;pidns=\\S+\\n$`));
      const session = json(repo, ['session', 'list']).sessions.find((s: any) => s.endedAt === null);
      await waitForStatus(repo, 'the watcher to name its session', (s) => s.file.startedFor === session.id);

      // A change right after the hook returned is recorded by that watcher.
      repo.write('src/after-start.js', 'written by the agent\n');
      await waitForSnapshot(repo, 'the watcher to record src/after-start.js', (s, files) => s.trigger === 'watch' && files.includes('src/after-start.js'));
      expect(json(repo, ['watch', 'status']).file.pid).toBe(pid);
      // Its session's end stops it, as it stops a watcher Node started for a session.
      expect(repo.guard(['session', 'end']).code).toBe(0);
      await waitForStatus(repo, 'the watcher to stop with its session', (s) => s.health === 'stopped' || undefined);
    }));

  it('starts none when a watcher runs: the running one is the session\'s', () =>
    withTestRepo(async (repo) => {
      base(repo);
      expect(repo.guard(['watch']).code).toBe(0);
      const running = await waitForWatcher(repo);
      const hook = sessionStart(repo, 'conv-shim-running');
      expect(hook.code, hook.stderr).toBe(0);
      expect(hook.stdout).not.toContain('Not ready');
      expect(json(repo, ['watch', 'status']).file.pid).toBe(running.file.pid);
      // No second daemon was started (it would have found this one and logged so).
      expect(log(repo)).not.toContain('not started');
      expect(log(repo).match(/starting watcher for/g)).toHaveLength(1);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
