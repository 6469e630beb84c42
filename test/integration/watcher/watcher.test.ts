import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { fastWatchConfig, json, snapshots, treeFiles, waitFor, waitForSnapshot, waitForStatus, waitForWatcher } from './helpers.js';

function baseRepo(repo: TestRepo, config = fastWatchConfig()): void {
  repo.write('.gitignore', 'node_modules/\n.env\n*.log\n');
  repo.write('.guard.yaml', config);
  repo.write('README.md', '# project\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write('src/lib/util.js', 'export const x = 1;\n');
  repo.write('.github/workflows/ci.yml', 'on: push\n');
  repo.write('db/migrate/001_init.sh', '#!/bin/sh\necho init\n', 0o755);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

function startSession(repo: TestRepo): any {
  return json(repo, ['session', 'start', '--agent', 'test']).session;
}

// Concurrent: each test has its own repository, HOME and watcher daemon, and spends most of its
// time waiting (async) for that daemon; the waits overlap (issue 8: the suite's time). Every
// step between two waits is synchronous, so a test's own burst of writes stays one burst. A
// test's time then includes the others' calls: 240 s.
describe.concurrent('the watcher', { timeout: 240_000 }, () => {
  it('records changes during a session, ignores node_modules churn, and a rollback undoes rm -rf of the worktree', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      startSession(repo);
      const status = await waitForWatcher(repo);
      expect(status.file.startedFor).toMatch(/^test-/);

      repo.write('src/new.js', 'new file\n');
      const recorded = await waitForSnapshot(repo, 'a watch snapshot with src/new.js', (s, files) => s.trigger === 'watch' && files.includes('src/new.js'));
      expect(recorded.session).toMatch(/^test-/);

      // An install of many files into an ignored directory: watched directories stay the same and
      // no snapshot records anything from it.
      const dirsBefore = json(repo, ['watch', 'status']).file.watchedDirs;
      const countBefore = snapshots(repo).length;
      for (let d = 0; d < 20; d++) for (let f = 0; f < 25; f++) repo.write(`node_modules/pkg${d}/lib/f${f}.js`, `module.exports = ${f};\n`);
      repo.write('marker.txt', 'after the install\n');
      await waitForSnapshot(repo, 'the marker after the install', (_s, files) => files.includes('marker.txt'));
      const after = snapshots(repo);
      // The marker's snapshot, plus at most one for the install's top-level directory event.
      expect(after.length - countBefore).toBeLessThanOrEqual(2);
      for (const s of after) expect(treeFiles(repo, s.oid).some((f) => f.startsWith('node_modules/'))).toBe(false);
      expect(json(repo, ['watch', 'status']).file.watchedDirs).toBe(dirsBefore);
      repo.remove('node_modules');

      const before = captureState(repo);
      const good = await waitForSnapshot(repo, 'the state before the deletion', (_s, files) => files.includes('src/new.js') && files.includes('marker.txt') && !files.some((f) => f.startsWith('node_modules/')));
      for (const name of fs.readdirSync(repo.dir)) if (name !== '.git') fs.rmSync(path.join(repo.dir, name), { recursive: true, force: true });
      await waitForSnapshot(repo, 'a snapshot recording the deletion', (_s, files) => !files.includes('src/app.js'));

      const r = repo.guard(['rollback', good.id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
    }));

  it('watches directories created later, all the way down, but never an ignored one (nested .gitignore too)', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      startSession(repo);
      const before = (await waitForWatcher(repo)).file.watchedDirs;
      repo.write('pkg/sub/deep/x.txt', 'one\n');
      repo.write('pkg/.gitignore', 'generated/\n');
      repo.write('pkg/generated/out.txt', 'generated output\n');
      repo.write('pkg/node_modules/dep/index.js', 'dep\n');
      await waitForSnapshot(repo, 'the new tree', (_s, files) => files.includes('pkg/sub/deep/x.txt'));
      // The deepest new directory got its own watch: a later edit there is recorded too.
      await waitForStatus(repo, 'the new directories to be watched', (s) => s.file.watchedDirs === before + 3);
      repo.write('pkg/sub/deep/x.txt', 'two\n');
      const edited = await waitForSnapshot(repo, 'the edit in the new directory', (s) => repo.git(['show', `${s.oid}:pkg/sub/deep/x.txt`], { allowFail: true }) === 'two\n');
      expect(treeFiles(repo, edited.oid).filter((f) => f.includes('generated/') || f.includes('node_modules/'))).toEqual([]);
      expect(json(repo, ['watch', 'status']).file.watchedDirs).toBe(before + 3);
    }));

  it('keeps watching a directory that was moved, or removed and made again under the same name', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      startSession(repo);
      await waitForWatcher(repo);
      // Removed and made again at once: the old watch belongs to a directory that is gone.
      fs.rmSync(path.join(repo.dir, 'src/lib'), { recursive: true });
      fs.mkdirSync(path.join(repo.dir, 'src/lib'));
      await waitForSnapshot(repo, 'the emptied src/lib', (_s, files) => files.includes('src/app.js') && !files.includes('src/lib/util.js'));
      repo.write('src/lib/later.js', 'written after the directory was made again\n');
      await waitForSnapshot(repo, 'a file written into the new src/lib', (_s, files) => files.includes('src/lib/later.js'));
      // Moved: events under the new name must be recorded under the new name.
      fs.renameSync(path.join(repo.dir, 'src/lib'), path.join(repo.dir, 'src/moved'));
      await waitForSnapshot(repo, 'the move', (_s, files) => files.includes('src/moved/later.js') && !files.includes('src/lib/later.js'));
      repo.write('src/moved/after-move.js', 'after the move\n');
      await waitForSnapshot(repo, 'a file written into the moved directory', (_s, files) => files.includes('src/moved/after-move.js'));
    }));

  it('records git state that no file shows: a new branch, a dropped stash', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      const first = repo.git(['rev-parse', 'HEAD']).trim();
      repo.git(['commit', '-q', '--allow-empty', '-m', 'second']);
      repo.write('README.md', '# stashed change\n');
      repo.git(['stash', 'push', '-q', '-m', 'work in progress']);
      startSession(repo);
      await waitForWatcher(repo);
      repo.git(['branch', 'feature']);
      await waitForSnapshot(repo, 'a snapshot with the new branch', (s) => s.trigger === 'watch' && 'refs/heads/feature' in s.refs);
      repo.git(['stash', 'drop', '-q']);
      await waitForSnapshot(repo, 'a snapshot after the stash drop', (s) => s.trigger === 'watch' && s.stash.length === 0);
      // A ref directory that git removes with its last branch and makes again: watched again, so
      // a branch in it that moves (nothing else changes) is recorded.
      repo.git(['branch', 'team/a']);
      await waitForSnapshot(repo, 'team/a', (s) => 'refs/heads/team/a' in s.refs);
      repo.git(['branch', '-D', '-q', 'team/a']);
      await waitForSnapshot(repo, 'team/a gone', (s) => !('refs/heads/team/a' in s.refs) && 'refs/heads/feature' in s.refs);
      repo.git(['branch', 'team/b']);
      await waitForSnapshot(repo, 'team/b', (s) => 'refs/heads/team/b' in s.refs);
      repo.git(['update-ref', 'refs/heads/team/b', first]);
      await waitForSnapshot(repo, 'team/b moved back', (s) => s.refs['refs/heads/team/b'] === first);
    }));

  it('keeps a .env listed in snapshot.includeIgnored through git clean -fdx', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo, fastWatchConfig('snapshot:\n  includeIgnored: [".env"]\n'));
      startSession(repo);
      await waitForWatcher(repo);
      repo.write('.env', 'SECRET=1\n');
      repo.write('scratch/notes.txt', 'untracked notes\n');
      const held = await waitForSnapshot(repo, 'a snapshot holding .env', (_s, files) => files.includes('.env') && files.includes('scratch/notes.txt'));
      repo.git(['clean', '-q', '-fdx']);
      expect(repo.exists('.env')).toBe(false);
      await waitForSnapshot(repo, 'a snapshot recording the clean', (_s, files) => !files.includes('.env'));

      const r = repo.guard(['rollback', held.id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.read('.env')).toBe('SECRET=1\n');
      expect(repo.read('scratch/notes.txt')).toBe('untracked notes\n');
    }));

  it('brings back a protected file deleted by a plain rm, or emptied, and journals it for the session', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      const session = startSession(repo);
      await waitForWatcher(repo);
      fs.rmSync(path.join(repo.dir, '.github/workflows/ci.yml'));
      await waitFor('ci.yml to come back', () => repo.exists('.github/workflows/ci.yml'));
      expect(repo.read('.github/workflows/ci.yml')).toBe('on: push\n');

      fs.rmSync(path.join(repo.dir, 'db'), { recursive: true });
      await waitFor('the migration to come back', () => repo.exists('db/migrate/001_init.sh'));
      expect(repo.read('db/migrate/001_init.sh')).toBe('#!/bin/sh\necho init\n');
      expect(fs.statSync(path.join(repo.dir, 'db/migrate/001_init.sh')).mode & 0o777).toBe(0o755);

      fs.writeFileSync(path.join(repo.dir, '.guard.yaml'), '');
      await waitFor('.guard.yaml to be refilled', () => repo.read('.guard.yaml') !== '');
      expect(repo.read('.guard.yaml')).toBe(fastWatchConfig());

      const events = await waitFor('three protected-restore events', () => {
        const found = json(repo, ['log', '--session', session.id]).events.filter((e: any) => e.type === 'protected-restore');
        return found.length >= 3 ? found : undefined;
      });
      expect(events.map((e: any) => [e.path, e.reason]).sort()).toEqual([
        ['.github/workflows/ci.yml', 'deleted'],
        ['.guard.yaml', 'emptied'],
        ['db/migrate/001_init.sh', 'deleted'],
      ]);
      // The work tree ends up as it started: nothing but the restores happened.
      expect(repo.git(['status', '--porcelain'])).toBe('');
      // The session summary lists the restores.
      const ended = repo.guard(['session', 'end', '--id', session.id]);
      expect(ended.code, ended.stderr).toBe(0);
      expect(ended.stdout).toContain('protected paths restored by the watcher: 3');
      expect(ended.stdout).toContain('.github/workflows/ci.yml (deleted)');
    }));

  it('leaves a protected file a sparse checkout took off the disk: it left the view, it was not deleted', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      const session = startSession(repo);
      await waitForWatcher(repo);
      repo.git(['sparse-checkout', 'set', 'db']);
      expect(repo.exists('.github/workflows/ci.yml')).toBe(false);
      // A deletion after it, which the watcher does restore: once it is back, the sparse one was seen too.
      fs.writeFileSync(path.join(repo.dir, '.guard.yaml'), '');
      await waitFor('.guard.yaml to be refilled', () => repo.read('.guard.yaml') !== '');
      // The journal line follows the write (another process: the file can be seen first).
      const events = await waitFor('its restore in the journal', () => {
        const found = json(repo, ['log', '--session', session.id]).events.filter((e: any) => e.type === 'protected-restore');
        return found.length > 0 ? found : undefined;
      });
      expect(events.map((e: any) => e.path)).toEqual(['.guard.yaml']);
      expect(repo.exists('.github/workflows/ci.yml')).toBe(false);
      expect(repo.git(['ls-files', '-t', '.github/workflows/ci.yml'])).toBe('S .github/workflows/ci.yml\n');
    }));

  // Files git converts: the snapshot's tree holds git's clean blob (LF), which is neither what the
  // file held nor, under eol=crlf, what git's checkout writes. The restore writes the raw bytes the
  // snapshot kept (raw-files.ts), else git's checkout of the blob.
  it('brings back a protected file git converts with its exact bytes: the raw ones the snapshot kept, else git\'s checkout', () =>
    withTestRepo(async (repo) => {
      repo.write('.gitattributes', '*.sh text eol=lf\n*.yml text eol=crlf\n');
      baseRepo(repo);
      // Kept raw: git's checkout would write LF. Not kept raw: the CRLF git's checkout writes too.
      const migration = Buffer.from('#!/bin/sh\r\necho changed\r\n');
      const ci = Buffer.from('on: pull\r\n');
      fs.writeFileSync(path.join(repo.dir, 'db/migrate/001_init.sh'), migration);
      fs.writeFileSync(path.join(repo.dir, '.github/workflows/ci.yml'), ci);
      startSession(repo);
      await waitForWatcher(repo);
      await waitForSnapshot(repo, 'a snapshot with both edits', (_s, files) => files.includes('db/migrate/001_init.sh'));
      const hex = (file: string): string => fs.readFileSync(path.join(repo.dir, file)).toString('hex');
      fs.rmSync(path.join(repo.dir, 'db'), { recursive: true });
      fs.rmSync(path.join(repo.dir, '.github/workflows/ci.yml'));
      await waitFor('both files to come back', () => repo.exists('db/migrate/001_init.sh') && repo.exists('.github/workflows/ci.yml'));
      expect(hex('db/migrate/001_init.sh')).toBe(migration.toString('hex'));
      expect(fs.statSync(path.join(repo.dir, 'db/migrate/001_init.sh')).mode & 0o777).toBe(0o755);
      expect(hex('.github/workflows/ci.yml')).toBe(ci.toString('hex'));
    }));

  // The restore reads git's checkout of a whole batch in one `cat-file --batch --filters`, which a
  // smudge filter that fails stops for every file: then each file is asked about alone, so only
  // the one whose filter fails is written as its blob.
  it('restores a deleted directory whose files include one with a smudge filter that fails: the others still as git\'s checkout writes them', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'filter.broken.clean', 'cat']);
      repo.git(['config', 'filter.broken.smudge', 'false']);
      repo.git(['config', 'filter.broken.required', 'true']);
      repo.write('.gitattributes', 'db/migrate/*.yml text eol=crlf\ndb/migrate/*.bin filter=broken\n');
      baseRepo(repo);
      repo.write('db/migrate/002_seed.yml', 'seed: 1\r\nrows: 2\r\n');
      repo.write('db/migrate/003_blob.bin', 'kept as its blob\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'seed and blob']);
      startSession(repo);
      await waitForWatcher(repo);
      fs.rmSync(path.join(repo.dir, 'db'), { recursive: true });
      await waitFor('the three migrations to come back', () => ['001_init.sh', '002_seed.yml', '003_blob.bin'].every((f) => repo.exists(`db/migrate/${f}`)));
      // Before the one-by-one retry: the whole batch fell back to the blobs, LF for the eol=crlf file.
      expect(fs.readFileSync(path.join(repo.dir, 'db/migrate/002_seed.yml')).toString('hex')).toBe(Buffer.from('seed: 1\r\nrows: 2\r\n').toString('hex'));
      expect(repo.read('db/migrate/003_blob.bin')).toBe('kept as its blob\n');
      expect(repo.read('db/migrate/001_init.sh')).toBe('#!/bin/sh\necho init\n');
    }));

  it('shows a killed watcher as crashed, and a restarted one records changes again', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      startSession(repo);
      const first = await waitForWatcher(repo);
      process.kill(first.pid, 'SIGKILL');
      const crashed = await waitForWatcher(repo, ['crashed']);
      expect(crashed.summary).toContain('CRASHED');
      expect(repo.guard(['watch', 'status']).code).toBe(1);
      // guard status reports it as a problem.
      const overall = repo.guard(['status', '--json']);
      expect(overall.code).toBe(1);
      const report = JSON.parse(overall.stdout);
      expect(report.watcher.health).toBe('crashed');
      expect(report.problems.some((p: string) => p.includes('the watcher crashed'))).toBe(true);

      const restart = repo.guard(['watch']);
      expect(restart.code, restart.stderr).toBe(0);
      expect(restart.stdout).toContain('Watching');
      const started = await waitForWatcher(repo);
      expect(started.pid).not.toBe(first.pid);
      repo.write('src/after-restart.js', 'recorded\n');
      await waitForSnapshot(repo, 'a snapshot after the restart', (s, files) => s.trigger === 'watch' && files.includes('src/after-restart.js'));
      // The pid file says where its pid means something (a guard in another pid namespace must
      // not read a bare pid as a dead process and start a second watcher).
      expect(repo.read('.git/guard/watcher.pid')).toMatch(new RegExp(`^${started.pid} host=[^;]+;pidns=\\S+\\n$`));
      // A second start finds the running one.
      expect(repo.guard(['watch']).stdout).toContain(`Already watching ${repo.dir} (pid ${started.pid})`);
      const stopped = json(repo, ['watch', 'stop']);
      expect(stopped).toEqual({ pid: started.pid, stopped: true });
      expect(json(repo, ['watch', 'status']).health).toBe('stopped');
    }));

  it('runs one watcher per worktree, linked worktrees included', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      const linked = path.join(repo.base, 'linked');
      repo.git(['worktree', 'add', '-q', linked, '-b', 'side']);
      const inLinked = { cwd: linked };
      const r = repo.guard(['session', 'start', '--agent', 'test', '--json'], inLinked);
      expect(r.code, r.stderr).toBe(0);
      await waitFor('the linked worktree watcher', () => JSON.parse(repo.guard(['watch', 'status', '--json'], inLinked).stdout).health === 'running');
      expect(json(repo, ['watch', 'status']).health).toBe('not-started');
      fs.writeFileSync(path.join(linked, 'linked-only.txt'), 'in the linked worktree\n');
      await waitFor('a snapshot of the linked worktree', () => {
        const list = JSON.parse(repo.guard(['list', '--json'], inLinked).stdout);
        return list.find((s: any) => s.trigger === 'watch' && s.worktree.startsWith('worktrees/') && treeFiles(repo, s.oid).includes('linked-only.txt'));
      });
      // The main worktree's chain is untouched.
      expect(snapshots(repo)).toEqual([]);
    }));

  it('stops by itself when the session that started it ends', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      const session = startSession(repo);
      await waitForWatcher(repo);
      json(repo, ['session', 'end', '--id', session.id]);
      const stopped = await waitForWatcher(repo, ['stopped']);
      expect(stopped.file.reason).toBe('the session ended');
    }));

  it('says so and falls back to periodic snapshots when the OS watch limit is reached', () =>
    withTestRepo(async (repo) => {
      baseRepo(repo);
      // Fault injection: behave as if the OS refused a watch beyond the second directory.
      const env = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_FAKE_WATCH_LIMIT: '2' };
      startSessionWithEnv(repo, env);
      const status = await waitForWatcher(repo, ['polling']);
      expect(status.summary).toContain('periodic full snapshots');
      expect(status.file.reason).toContain('limit on file watches');
      repo.write('src/lib/polled.js', 'seen by polling\n');
      await waitForSnapshot(repo, 'a polling snapshot', (s, files) => s.trigger === 'watch' && files.includes('src/lib/polled.js'));
      // Protected paths are still checked every second.
      fs.rmSync(path.join(repo.dir, '.github/workflows/ci.yml'));
      await waitFor('ci.yml to come back while polling', () => repo.exists('.github/workflows/ci.yml'));
    }));
});

function startSessionWithEnv(repo: TestRepo, env: Record<string, string>): void {
  const r = repo.guard(['session', 'start', '--agent', 'test', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
}
