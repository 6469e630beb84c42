/**
 * A file git tracks inside a directory its rules exclude (vite: fixtures under
 * `playground/**\/node_modules/`, `dist/`) has a watch like any tracked file, also when the index
 * gains it after the watcher classified the directory as ignored: `git add -f`, a switch to a
 * branch that tracks it. Before, the directory had no watch: an edit of the file had no event,
 * every later incremental snapshot kept the bytes it was added with, and a rollback to one of
 * them (after the agent's `git checkout -- file`) gave back the wrong version. Real git, real
 * inotify watches, the installed CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, json, waitForSnapshot, waitForStatus, waitForWatcher } from './helpers.js';

function baseRepo(repo: TestRepo): void {
  repo.write('.gitignore', 'dist/\nnode_modules/\n');
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('src/app.js', 'console.log(1);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  // Build output and installed packages: ignored, never walked.
  for (const file of ['dist/sub/a.js', 'dist/other/b.js', 'node_modules/dep/index.js', 'node_modules/dep/lib/x.js']) repo.write(file, 'generated\n');
}

function blobAt(repo: TestRepo, oid: string, file: string): string | null {
  const r = repo.gitResult(['show', `${oid}:${file}`]);
  return r.code === 0 ? r.stdout : null;
}

/** A snapshot taken now through the watcher (served: every event before it is handled first). */
function servedSnapshot(repo: TestRepo): string {
  return json(repo, ['snapshot', '-m', 'now']).oid;
}

/**
 * `git add -f dist/sub/a.js` (v1, waited for in a watcher snapshot), then the agent's edit (v2):
 * the snapshot served next holds v2, which needs the watch the index's new entry brought.
 */
async function addForcedThenEdit(repo: TestRepo): Promise<string> {
  repo.write('dist/sub/a.js', 'v1 staged\n');
  repo.git(['add', '-f', 'dist/sub/a.js']);
  await waitForSnapshot(repo, 'the watcher snapshot of the staged file', (s) => s.trigger === 'watch' && blobAt(repo, s.oid, 'dist/sub/a.js') === 'v1 staged\n');
  repo.write('dist/sub/a.js', 'v2 the agent\'s edit\n');
  const edited = servedSnapshot(repo);
  expect(blobAt(repo, edited, 'dist/sub/a.js')).toBe('v2 the agent\'s edit\n');
  return edited;
}

// Concurrent: each test has its own repository, HOME and watcher, and spends most of its time
// waiting (async) for the daemon's 5 s heartbeat to count the new watches; the waits overlap
// (issue 8: the suite's time). A test's time then includes the others' calls: 240 s.
describe.concurrent('tracked files inside ignored directories', { timeout: 240_000 }, () => {
  it('an edit of a file force-added under an ignored directory is in the next watcher snapshot, and a rollback gives its bytes back', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      expect(repo.guard(['watch']).code).toBe(0);
      const before = (await waitForWatcher(repo)).file.watchedDirs;

      const edited = await addForcedThenEdit(repo);
      expect(blobAt(repo, edited, 'dist/other/b.js')).toBeNull();
      expect(blobAt(repo, edited, 'node_modules/dep/index.js')).toBeNull();
      // dist and dist/sub got their watch; dist/other and node_modules stay unwatched.
      await waitForStatus(repo, 'the heartbeat to count dist and dist/sub', (s) => s.file.watchedDirs === before + 2);

      // The agent throws the edit away; the rollback to the snapshot brings back its bytes.
      repo.git(['checkout', '--', 'dist/sub/a.js']);
      expect(repo.read('dist/sub/a.js')).toBe('v1 staged\n');
      const r = repo.guard(['rollback', edited.slice(0, 12), '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.read('dist/sub/a.js')).toBe('v2 the agent\'s edit\n');
      expect(json(repo, ['watch', 'status']).file.watchedDirs).toBe(before + 2);
    }));

  it('a switch to a branch that tracks files under node_modules/ watches their directories: a later edit is recorded', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      // The branch vendors a patched package (committed with add -f).
      repo.git(['switch', '-q', '-c', 'vendored']);
      fs.rmSync(path.join(repo.dir, 'node_modules/dep/lib'), { recursive: true });
      repo.write('node_modules/dep/lib/patched.js', 'patched v1\n');
      repo.git(['add', '-f', 'node_modules/dep/lib/patched.js']);
      repo.git(['commit', '-q', '-m', 'vendor the patched dep']);
      repo.git(['switch', '-q', 'main']);
      expect(fs.existsSync(path.join(repo.dir, 'node_modules/dep/lib/patched.js'))).toBe(false);
      expect(repo.guard(['watch']).code).toBe(0);
      const before = (await waitForWatcher(repo)).file.watchedDirs;

      repo.git(['switch', '-q', 'vendored']);
      await waitForSnapshot(repo, 'the watcher snapshot after the switch', (s) => s.trigger === 'watch' && blobAt(repo, s.oid, 'node_modules/dep/lib/patched.js') === 'patched v1\n');
      repo.write('node_modules/dep/lib/patched.js', 'patched v2\n');
      const edited = servedSnapshot(repo);
      expect(blobAt(repo, edited, 'node_modules/dep/lib/patched.js')).toBe('patched v2\n');
      expect(blobAt(repo, edited, 'node_modules/dep/index.js')).toBeNull();
      // node_modules, dep and lib: not dep's other directories.
      await waitForStatus(repo, 'the heartbeat to count node_modules, dep and lib', (s) => s.file.watchedDirs === before + 3);
    }));

  it('a rollback to a snapshot whose index tracks a file under node_modules/ watches it: a later edit is recorded', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      repo.write('node_modules/dep/lib/patched.js', 'patched v1\n');
      repo.git(['add', '-f', 'node_modules/dep/lib/patched.js']);
      repo.git(['commit', '-q', '-m', 'vendor the patched dep']);
      const vendored = json(repo, ['snapshot', '-m', 'vendored']).oid as string;
      // Untracked again (still on disk, ignored): the watcher classifies node_modules as ignored.
      repo.git(['rm', '-q', '--cached', 'node_modules/dep/lib/patched.js']);
      repo.git(['commit', '-q', '-m', 'unvendor']);
      expect(repo.guard(['watch']).code).toBe(0);
      const before = (await waitForWatcher(repo)).file.watchedDirs;

      // The rollback writes its own snapshots while the watcher holds still: the watcher's next
      // one compares the index with the tree it last looked at itself.
      const r = repo.guard(['rollback', vendored.slice(0, 12), '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.git(['ls-files', 'node_modules'])).toBe('node_modules/dep/lib/patched.js\n');
      await waitForStatus(repo, 'the heartbeat to count node_modules, dep and lib', (s) => s.file.watchedDirs === before + 3);

      repo.write('node_modules/dep/lib/patched.js', 'patched v2\n');
      const edited = servedSnapshot(repo);
      expect(blobAt(repo, edited, 'node_modules/dep/lib/patched.js')).toBe('patched v2\n');
    }));

  it('a full snapshot (a captured .env changed too) that records a file force-added under an ignored directory watches it: a later edit is recorded', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      repo.write('.guard.yaml', fastWatchConfig('snapshot:\n  includeIgnored: [".env"]\n'));
      repo.write('.gitignore', 'dist/\nnode_modules/\n.env\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'capture .env']);
      expect(repo.guard(['watch']).code).toBe(0);
      const before = (await waitForWatcher(repo)).file.watchedDirs;

      // In one batch: a change to the captured .env makes the watcher's snapshot a full walk,
      // which compares no index trees; the watcher compares them itself (one diff-tree).
      repo.write('.env', 'TOKEN=1\n');
      await addForcedThenEdit(repo);
      await waitForStatus(repo, 'the heartbeat to count dist and dist/sub', (s) => s.file.watchedDirs === before + 2);
    }));
});
