/**
 * The watcher's start-up reads the chain head once (issue 8): one `git log -1` beside its walk.
 * It read it a second time after its start-up snapshot, only to list the protected files the
 * restores know of from the head's tree; that tree is the start-up snapshot's own (new or not).
 * A session's watcher defers its start-up snapshot: it lists the protected files of the head read
 * beside the walk, and again from its first snapshot when that tree is another, so a protected
 * file made after the last snapshot and before the watcher started is known (and restored after
 * its directory was moved away), which the second read did not give either.
 * Counted with trace2: the daemon inherits the trace file from `guard watch`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { tracedArgv, traceEnv } from '../../helpers/git-trace.js';
import { fastWatchConfig, json, treeFiles, waitFor, waitForWatcher } from './helpers.js';

function baseRepo(repo: TestRepo): void {
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('README.md', '# project\n');
  repo.write('db/migrate/001_init.sh', '#!/bin/sh\necho init\n', 0o755);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

const isLog = (argv: string[]): boolean => argv[1] === 'log';
const isTreeListing = (argv: string[]): boolean => argv[1] === 'ls-tree' && argv.includes('--full-tree');

describe("the watcher's start-up", () => {
  it('reads the chain head with one git log, and lists the protected files once', async () => {
    await withTestRepo(async (t) => {
      baseRepo(t);
      expect(t.guard(['snapshot', '-m', 'before the watcher']).code).toBe(0);
      t.write('notes.txt', 'changed before the watcher\n');
      const trace = path.join(t.base, 'trace-watch.json');
      expect(t.guard(['watch'], { env: traceEnv(trace) }).code).toBe(0);
      // Running: its start-up snapshot is taken and the protected files are listed.
      const status = await waitForWatcher(t);
      expect(status.file.lastSnapshot).not.toBeNull();
      const argv = tracedArgv(trace);
      const shown = argv.map((a) => a.slice(1).join(' ').slice(0, 120)).join('\n');
      expect(argv.filter(isLog).length, shown).toBe(1);
      expect(argv.filter(isTreeListing).length, shown).toBe(1);
      expect(t.guard(['watch', 'stop']).code).toBe(0);
    });
  }, 120_000);

  it("of a session knows a protected file made before it started, from its first snapshot: moving its directory away brings it back", async () => {
    await withTestRepo(async (t) => {
      baseRepo(t);
      const session = json(t, ['session', 'start', '--agent', 'test']).session;
      await waitForWatcher(t);
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      // After the last snapshot, before the session's watcher starts: the chain head lacks it.
      t.write('db/migrate/002_more.sh', '#!/bin/sh\necho more\n', 0o755);
      const head = t.git(['rev-parse', 'refs/guard/main/head']).trim();
      expect(treeFiles(t, head)).not.toContain('db/migrate/002_more.sh');

      // The session's watcher as a session start spawns it (control.ts spawnWatcher).
      const trace = path.join(t.base, 'trace-daemon.json');
      const child = spawn(process.execPath, [GUARD_BIN, 'watch', '--daemon', '--session', session.id], { cwd: t.dir, env: { ...t.env, ...traceEnv(trace) }, detached: true, stdio: 'ignore' });
      child.unref();
      try {
        await waitForWatcher(t);
        // Its deferred start-up snapshot (the state file is written after the list is renewed).
        const taken = await waitFor('the start-up snapshot holding 002', () => {
          const s = json(t, ['watch', 'status']).file?.lastSnapshot;
          return s && treeFiles(t, s.oid).includes('db/migrate/002_more.sh') ? s : undefined;
        });
        expect(taken.paths).toBe('all');
        const argv = tracedArgv(trace);
        expect(argv.filter(isLog).length, argv.map((a) => a.slice(1).join(' ').slice(0, 120)).join('\n')).toBe(1);

        // Moved away whole: one event names `db`, none its files; what comes back is what the
        // restores know lies under it.
        fs.renameSync(path.join(t.dir, 'db'), path.join(t.base, 'db-moved-away'));
        await waitFor('both migrations to come back', () => t.exists('db/migrate/001_init.sh') && t.exists('db/migrate/002_more.sh'), 20_000);
        expect(t.read('db/migrate/002_more.sh')).toBe('#!/bin/sh\necho more\n');
      } finally {
        t.guard(['watch', 'stop']);
      }
    });
  }, 120_000);
});
