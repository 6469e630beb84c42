/**
 * guard's own Node processes start without NODE_EXTRA_CA_CERTS, and everything they start gets it
 * back. Node 20 reads and parses that file at every start, before any JavaScript (about 37 ms of
 * CPU for Debian's CA bundle, more than the rest of `node -e 0`), and guard opens no TLS
 * connection; so the sh shims (hooks/agent-hook.sh, hooks/lib.sh guard_run_node) and guard's own
 * spawns (the background backup pusher, the watcher daemon: src/util/own-node-env.ts) hand the
 * value over in GUARD_NODE_EXTRA_CA_CERTS, and bin/guard.js puts it back before it starts anything.
 *
 * Seen without timing: a Node that loads the variable's file at start warns on stderr when the
 * file is missing ("Ignoring extra certs from ..."), so with a missing file each of guard's own
 * Node processes must stay silent, while a git clean filter run under guard must still see the
 * variable exactly as the agent had it (a filter, a credential helper or a chained hook may be a
 * Node program that needs it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { waitForBackgroundPush, waitForWatcher } from '../watcher/helpers.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { guarded } from '../githooks/setup.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The detached backup pusher's environment is what this file checks: the automatic push stays on (test/helpers/env.ts).
realBackupPushInFile();

const WARNING = 'Ignoring extra certs from';
// Node 20 and 21 load the file as they start (checked on 20.20.2): there the warning tells whether
// a process loaded it. A Node that loads it only for its first TLS connection never warns here.
const LOADS_AT_START = Number(process.versions.node.split('.')[0]) < 22;

/** A clean filter on *.rec that appends what it sees of the two variables to `log`, one line a run. */
function recordingFilter(t: TestRepo, log: string): void {
  t.write('.gitattributes', '*.rec filter=rec\n');
  t.git(['config', 'filter.rec.clean', `sh -c 'printf "%s|%s\\n" "\${NODE_EXTRA_CA_CERTS-unset}" "\${GUARD_NODE_EXTRA_CA_CERTS-unset}" >>"$0"; cat' ${JSON.stringify(log)}`]);
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('NODE_EXTRA_CA_CERTS around guard’s own Node', () => {
  it('the agent hook, its backup pusher and its watcher start without it, and git under them sees it as the agent had it', async () => {
    await withTestRepo(async (t) => {
      const filterLog = path.join(t.base, 'filter-env');
      recordingFilter(t, filterLog);
      t.write('notes.rec', 'first\n');
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'first']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      await waitForBackgroundPush(t);

      const certs = path.join(t.base, 'no-such-ca.pem');
      const env = { ...t.env, NODE_EXTRA_CA_CERTS: certs };
      // The detector: guard started directly, as `guard` from a shell is, loads the file and warns.
      const direct = t.guard(['check-command', 'git status'], { env: { NODE_EXTRA_CA_CERTS: certs } });
      expect(direct.code, direct.stderr).toBe(0);
      if (LOADS_AT_START) expect(direct.stderr).toContain(WARNING);

      // An edit to the filtered file, then a command whose hook takes a snapshot (the walk hashes
      // notes.rec through the filter) and starts the session and its watcher.
      t.write('notes.rec', 'second\n');
      fs.rmSync(filterLog, { force: true });
      const payload = { session_id: 'ca', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git reset --hard' } };
      const hook = spawnSync('sh', ['-c', hookCommandFor('claude', 'pre-tool')], { cwd: t.dir, env, input: JSON.stringify(payload), encoding: 'utf8' });
      expect(hook.status, hook.stderr).toBe(0);
      expect(hook.stdout).toBe('');
      expect(hook.stderr).not.toContain(WARNING);
      const snapshots = JSON.parse(t.guard(['list', '--json']).stdout) as unknown[];
      expect(snapshots.length).toBeGreaterThanOrEqual(2);

      // Every filter run under guard's Node saw the agent's value, and nothing of the hand-over.
      const seen = lines(filterLog);
      expect(seen.length).toBeGreaterThan(0);
      expect([...new Set(seen)]).toEqual([`${certs}|unset`]);

      // The session's watcher daemon, once it runs (Node warns before any JavaScript of it).
      await waitForWatcher(t);
      const watcherLog = path.join(t.dir, '.git', 'guard', 'watcher.log');
      expect(fs.readFileSync(watcherLog, 'utf8')).toContain('starting watcher');
      expect(fs.readFileSync(watcherLog, 'utf8')).not.toContain(WARNING);

      // The detached backup pusher a snapshot starts (src/backup/auto-push.ts), here after a
      // `guard snapshot` run directly (which itself loads the file, as the detector did), with
      // the watcher stopped so that this process starts the pusher.
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      await waitForBackgroundPush(t);
      const pushLogFile = path.join(t.dir, '.git', 'guard', 'backup-push.log');
      fs.rmSync(pushLogFile, { force: true });
      t.write('a.txt', 'changed\n');
      const snapshot = t.guard(['snapshot', '--quiet'], { env: { NODE_EXTRA_CA_CERTS: certs } });
      expect(snapshot.code, snapshot.stderr).toBe(0);
      await waitForBackgroundPush(t);
      const pushLog = fs.readFileSync(pushLogFile, 'utf8');
      expect(pushLog).toMatch(/: ok, \d+ refs? updated/);
      expect(pushLog).not.toContain(WARNING);
    });
  });

  it('a session start through the launcher: the hook and the watcher the shim starts itself load nothing either', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'first']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const certs = path.join(t.base, 'no-such-ca.pem');
      const payload = { session_id: 'ca-start', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' };
      const hook = spawnSync('sh', ['-c', hookCommandFor('claude', 'session-start')], { cwd: t.dir, env: { ...t.env, NODE_EXTRA_CA_CERTS: certs }, input: JSON.stringify(payload), encoding: 'utf8' });
      expect(hook.status, hook.stderr).toBe(0);
      expect(hook.stderr).not.toContain(WARNING);
      await waitForWatcher(t);
      const watcherLog = fs.readFileSync(path.join(t.dir, '.git', 'guard', 'watcher.log'), 'utf8');
      // Started by the shim (spawnWatcher would have logged "starting watcher for" first).
      expect(watcherLog).not.toContain('starting watcher for');
      expect(watcherLog).not.toContain(WARNING);
    });
  });

  it('a git hook that asks Node starts it without the variable, and answers the same', () => {
    const repo = guarded({ remote: false });
    try {
      const certs = path.join(repo.base, 'no-such-ca.pem');
      repo.git(['rm', '-q', 'migrations/001_init.sql']);
      const refused = repo.run(['commit', '-q', '-m', 'drop migration'], { env: { NODE_EXTRA_CA_CERTS: certs } });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('guard: refused: commit that deletes or moves away protected paths: migrations/001_init.sql (deleted)');
      expect(refused.stderr).not.toContain(WARNING);
      // The same answer as without the variable.
      const plain = repo.run(['commit', '-q', '-m', 'drop migration']);
      expect({ code: plain.code, stderr: plain.stderr }).toEqual({ code: refused.code, stderr: refused.stderr });
    } finally {
      repo.cleanup();
    }
  });
});
