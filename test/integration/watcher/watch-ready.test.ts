/**
 * Issue 8: `guard watch` returns once the watcher is ready, which is once every directory that is
 * not ignored has its watch (every change from then on is recorded), not later: its start-up
 * snapshot of what changed before may still run then. A `guard snapshot` asked right after is
 * taken by the watcher (after that start-up snapshot) and records a change made right after
 * `guard watch` returned. And the start-up costs no git process it does not need: the daemon
 * takes the repository its starter already asked git for (unless the starter's git environment
 * shaped it), and asks `check-ignore` nothing when every directory is in HEAD's tree.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { fastWatchConfig, fullWalkTree, json, waitFor, waitForSnapshot, waitForWatcher } from './helpers.js';

/** `guard watch` (or other guard arguments), not waited for: its exit code and output once it returns. */
function startWatch(repo: TestRepo, env: Record<string, string> = {}, args = ['watch']): { done: () => boolean; result: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [GUARD_BIN, ...args], { cwd: repo.dir, env: { ...repo.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let finished = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      finished = true;
      resolve({ code, stdout, stderr });
    }),
  );
  return { done: () => finished, result };
}

function stateFile(repo: TestRepo): any {
  try {
    return JSON.parse(fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'watcher.json'), 'utf8'));
  } catch {
    return null;
  }
}

function commit(repo: TestRepo): void {
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('a/x/f.txt', 'a/x\n');
  repo.write('z/deep/last/f.txt', 'the deepest directory, walked last\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

describe('guard watch', () => {
  it('returns only once every directory is watched; a change made right after is recorded, and guard snapshot is served', () =>
    withTestRepo(async (repo) => {
      commit(repo);
      const paused = path.join(repo.dir, '.git', 'guard', 'test-walk-paused');
      fs.mkdirSync(path.dirname(paused), { recursive: true });
      // The start-up walk holds before it lists the directory it reaches last.
      const watch = startWatch(repo, { GUARD_TEST_BUNDLE: '1', GUARD_TEST_WALK_PAUSE_AT: 'z/deep/last' });
      await waitFor('the walk to pause at z/deep/last', () => fs.existsSync(paused));
      // Not ready while a directory has no watch yet: the state file does not say so, and
      // `guard watch` waits (the walk stays held until the test lets it go).
      expect(stateFile(repo)?.watching).not.toBe(true);
      expect(watch.done()).toBe(false);
      fs.rmSync(paused);
      const started = await watch.result;
      expect(started.code, started.stderr).toBe(0);
      expect(started.stdout).toContain(`Watching ${repo.dir}`);
      expect(stateFile(repo).watching).toBe(true);

      // Right after it returned: in the directory watched last, and an edit elsewhere.
      repo.write('z/deep/last/new.txt', 'written right after guard watch returned\n');
      repo.write('a/x/f.txt', 'a/x edited\n');
      const served = json(repo, ['snapshot']);
      expect(served.takenBy).toBe('watcher');
      expect(repo.git(['rev-parse', `${served.oid}^{tree}`]).trim()).toBe(fullWalkTree(repo));
      expect(repo.git(['show', `${served.oid}:z/deep/last/new.txt`])).toBe('written right after guard watch returned\n');

      // And the watcher records by itself what follows.
      await waitForWatcher(repo);
      repo.write('z/deep/last/later.txt', 'later\n');
      await waitForSnapshot(repo, 'the watcher to record z/deep/last/later.txt', (s, files) => s.trigger === 'watch' && files.includes('z/deep/last/later.txt'));
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('started for a session, records what changed before its watches were in place (its start-up snapshot, after the debounce)', () =>
    withTestRepo(async (repo) => {
      commit(repo);
      const paused = path.join(repo.dir, '.git', 'guard', 'test-walk-paused');
      fs.mkdirSync(path.dirname(paused), { recursive: true });
      const start = startWatch(repo, { GUARD_TEST_BUNDLE: '1', GUARD_TEST_WALK_PAUSE_AT: 'z/deep/last' }, ['session', 'start', '--agent', 'test', '--json']);
      await waitFor('the walk to pause at z/deep/last', () => fs.existsSync(paused));
      // The session-start snapshot is taken beside the walk: once it is, a change in the
      // directory not watched yet is seen by neither it nor any event.
      await waitFor('the session-start snapshot', () => json(repo, ['list', '--all']).some((s: any) => s.trigger === 'session-start'));
      repo.write('z/deep/last/f.txt', 'changed before its watch was placed\n');
      fs.rmSync(paused);
      const started = await start.result;
      expect(started.code, started.stderr).toBe(0);
      expect(JSON.parse(started.stdout).watcher.ready).toBe(true);
      await waitForSnapshot(repo, 'the watcher\'s start-up snapshot to record z/deep/last/f.txt', (s) => s.trigger === 'watch' && repo.git(['show', `${s.oid}:z/deep/last/f.txt`]) === 'changed before its watch was placed\n');
      expect(repo.guard(['session', 'end']).code).toBe(0);
    }));

  it('starts no git process it does not need: one rev-parse (the daemon takes its starter\'s), no check-ignore when every directory is in HEAD', () =>
    withTestRepo(async (repo) => {
      commit(repo);
      const revParses = (file: string): number => tracedArgv(file).filter((argv) => argv.includes('rev-parse') && argv.includes('--show-toplevel')).length;
      const checkIgnores = (file: string): number => tracedArgv(file).filter((argv) => argv.includes('check-ignore')).length;

      const plain = path.join(repo.base, 'trace-plain.json');
      expect(repo.guard(['watch'], { env: traceEnv(plain) }).code).toBe(0);
      await waitForWatcher(repo);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
      expect(revParses(plain)).toBe(1);
      expect(checkIgnores(plain)).toBe(0);

      // A starter whose git environment shaped its repository (a hook's temporary index) does
      // not hand it over: the daemon asks git itself, without that environment.
      const index = path.join(repo.base, 'temporary-index');
      fs.copyFileSync(path.join(repo.dir, '.git', 'index'), index);
      const shaped = path.join(repo.base, 'trace-shaped.json');
      expect(repo.guard(['watch'], { env: { ...traceEnv(shaped), GIT_INDEX_FILE: index } }).code).toBe(0);
      await waitForWatcher(repo);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
      expect(revParses(shaped)).toBe(2);

      // A directory outside HEAD's tree is asked about (and an ignored one is not watched).
      repo.write('.git/info/exclude', 'node_modules/\n');
      repo.write('node_modules/pkg/index.js', 'ignored\n');
      repo.write('fresh/new.txt', 'untracked\n');
      const asked = path.join(repo.base, 'trace-asked.json');
      expect(repo.guard(['watch'], { env: traceEnv(asked) }).code).toBe(0);
      const status = await waitForWatcher(repo);
      expect(checkIgnores(asked)).toBe(1);
      // The root, a, a/x, z, z/deep, z/deep/last and fresh; not node_modules.
      expect(status.file.watchedDirs).toBe(7);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
