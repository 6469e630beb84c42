/**
 * The watcher's backup pushes (issue 8): each asked git first whether refs/guard/ held anything
 * to push (`for-each-ref --count=1 refs/guard/`, mirror.ts hasGuardRefs), one process more after
 * every agent commit the watcher snapshots, though the snapshot's own ref was written a moment
 * before. Now that question is answered by the chain head's loose ref file when there is one
 * (git's files backend writes every ref update so): no process, at the start-up push and after a
 * commit alike. Counted with trace2: the daemon inherits the trace file from `guard watch`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { tracedArgv, traceEnv } from '../../helpers/git-trace.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';
import { fastWatchConfig, waitFor, waitForWatcher } from '../watcher/helpers.js';

// The watcher pushes into the backup as users run it (test/helpers/env.ts).
realBackupPushInFile();

/** When the last push into the local backup was recorded (backup-status.json), or null. */
function lastPushTime(t: TestRepo): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(t.dir, '.git', 'guard', 'backup-status.json'), 'utf8')) as { local?: { time?: string } }).local?.time ?? null;
  } catch {
    return null;
  }
}

const isGuardRefsProbe = (argv: string[]): boolean => argv.includes('for-each-ref') && argv.includes('--count=1') && argv.includes('refs/guard/');

describe("the watcher's pushes (issue 8)", () => {
  it('ask git no for-each-ref first: the chain head is there to push', async () => {
    await withTestRepo(async (t) => {
      t.write('.guard.yaml', fastWatchConfig());
      t.write('a.txt', 'one\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'start']);
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      await backgroundPushDone(t.dir);
      const pushedAtInit = lastPushTime(t);

      const trace = path.join(t.base, 'trace-watch.json');
      expect(t.guard(['watch'], { env: traceEnv(trace) }).code).toBe(0);
      await waitForWatcher(t);
      // The daemon's start-up push is recorded, and asked nothing before it either.
      await waitFor('the start-up push', () => lastPushTime(t) !== pushedAtInit, 30_000);
      expect(tracedArgv(trace).filter(isGuardRefsProbe)).toEqual([]);
      const seen = tracedArgv(trace).length;
      const head = t.git(['rev-parse', 'refs/guard/main/head']).trim();
      const pushed = lastPushTime(t);

      // An agent's commit: the watcher snapshots it and pushes the snapshot.
      t.write('a.txt', 'two\n');
      t.git(['commit', '-q', '-am', 'by the agent']);
      await waitFor('the snapshot of the commit', () => t.git(['rev-parse', 'refs/guard/main/head']).trim() !== head, 30_000);
      await waitFor('its push', () => lastPushTime(t) !== pushed, 30_000);
      expect(t.guard(['watch', 'stop']).code).toBe(0);

      const after = tracedArgv(trace).slice(seen);
      const shown = after.map((a) => a.slice(1).join(' ').slice(0, 120)).join('\n');
      expect(after.some((a) => a.includes('push')), shown).toBe(true);
      expect(after.filter(isGuardRefsProbe), shown).toEqual([]);
      // The backup holds the watcher's snapshot of the commit.
      const snapshot = t.git(['rev-parse', 'refs/guard/main/head']).trim();
      const backup = (JSON.parse(fs.readFileSync(path.join(t.dir, '.git', 'guard', 'backup-status.json'), 'utf8')) as { local: { target: string } }).local.target;
      expect(t.gitResult(['--git-dir', backup, 'merge-base', '--is-ancestor', head, 'refs/guard/main/head']).code).toBe(0);
      expect(t.gitResult(['--git-dir', backup, 'cat-file', '-e', `${snapshot}^{commit}`]).code).toBe(0);
    });
  }, 120_000);
});
