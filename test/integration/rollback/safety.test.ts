/**
 * Rollback keeps its promise in the cases real users hit (issue 11): a directory replaced by a
 * file, files in the way that no snapshot holds, stale stat data, a glob that matches nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSubmodule } from '../../helpers/fixtures.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { loggedEvents, rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { captureState } from '../../helpers/state.js';

describe('rollback: files and directories that trade places', () => {
  it('restores a tracked directory that was replaced by a file, and --undo brings the file back', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'd/e/f': '1\n', 'keep.txt': 'k\n' }, 'base');
      snapshotId(repo);
      const before = captureState(repo);
      repo.remove('d');
      repo.write('d', 'x\n');
      const replaced = captureState(repo);
      rollbackOk(repo);
      expect(captureState(repo)).toEqual(before);
      undoOk(repo);
      expect(captureState(repo)).toEqual(replaced);
    }));

  it('restores a tracked file that was replaced by a directory', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { d: 'file\n' }, 'base');
      snapshotId(repo);
      const before = captureState(repo);
      repo.remove('d');
      repo.write('d/e/f', 'now a dir\n');
      rollbackOk(repo);
      expect(captureState(repo)).toEqual(before);
    }));

  // Until 2026-12-04 these two refused, naming the file; now the pre-rollback snapshot captures
  // what is in the way (rollback.ts, UncapturedInTheWay), so the rollback goes through and
  // --undo gives the ignored file back byte for byte.
  it('an ignored file no snapshot holds where the target needs a directory: captured first, --undo gives it back', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n', 'conf/x': 'tracked\n' }, 'base');
      snapshotId(repo);
      const atTarget = captureState(repo);
      repo.git(['rm', '-q', '-r', 'conf']);
      repo.git(['commit', '-q', '-m', 'drop conf']);
      repo.write('.git/info/exclude', '/conf\n');
      repo.write('conf', 'precious, ignored, never captured\n');
      const before = captureState(repo);
      rollbackOk(repo);
      expect(captureState(repo)).toEqual(atTarget);
      undoOk(repo);
      expect(repo.read('conf')).toBe('precious, ignored, never captured\n');
      expect(captureState(repo)).toEqual(before);
    }));
});

describe('rollback: a directory where the target has a file', () => {
  it('that directory holds an ignored file no snapshot has: captured first, --undo gives it back', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { d: 'file\n', '.gitignore': '*.log\n' }, 'base');
      snapshotId(repo);
      const atTarget = captureState(repo);
      repo.remove('d');
      repo.write('d/kept.txt', 'captured\n');
      repo.write('d/secret.log', 'ignored, never captured\n');
      const before = captureState(repo);
      rollbackOk(repo);
      expect(captureState(repo)).toEqual(atTarget);
      undoOk(repo);
      expect(captureState(repo)).toEqual(before);
    }));
});

describe('rollback --resume and index.lock', () => {
  it('removes the index.lock the interrupted rollback created, never one another git process holds', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n' }, 'base');
      repo.git(['branch', 'feature']);
      snapshotId(repo);
      repo.git(['branch', '-D', 'feature']);
      repo.write('a.txt', 'agent\n');
      const killed = repo.guard(['rollback', '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: 'refs' } });
      expect(killed.code).not.toBe(0);
      const lock = path.join(repo.dir, '.git', 'index.lock');
      expect(fs.existsSync(lock)).toBe(true);

      // Someone cleaned up guard's lock, and another git process took the index since.
      fs.rmSync(lock);
      fs.writeFileSync(lock, 'DIRC another git process is writing this index');
      const refused = repo.guard(['rollback', '--resume', '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('another git process holds');
      expect(fs.readFileSync(lock, 'utf8')).toBe('DIRC another git process is writing this index');

      // That process finished: the resume goes through.
      fs.rmSync(lock);
      rollbackOk(repo, '--resume');
      expect(repo.read('a.txt')).toBe('a\n');
      expect(fs.existsSync(lock)).toBe(false);
    }));
});

describe('rollback with stale stat data in the index', () => {
  it('after touch, a copy with cp -a semantics or a re-save, rollback, --undo and --resume go through', () =>
    withTestRepo((repo) => {
      commitFiles(repo, Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`f${i}.txt`, `v1 ${i}\n`])), 'base');
      repo.git(['branch', 'feature']);
      snapshotId(repo);
      const before = captureState(repo);
      for (let i = 0; i < 5; i++) repo.write(`f${i}.txt`, `v2 ${i}\n`);
      repo.git(['commit', '-q', '-am', 'agent rewrote everything']);
      repo.git(['branch', '-D', 'feature']);
      const incident = captureState(repo);
      // Same content, new stat data: the index no longer matches what lstat says.
      const later = new Date(Date.now() + 5_000);
      const touchAll = (): void => {
        for (let i = 0; i < 5; i++) fs.utimesSync(path.join(repo.dir, `f${i}.txt`), later, later);
        // An editor's re-save: same bytes, a new inode.
        const f0 = path.join(repo.dir, 'f0.txt');
        fs.copyFileSync(f0, `${f0}.tmp`);
        fs.renameSync(`${f0}.tmp`, f0);
      };
      touchAll();
      rollbackOk(repo);
      expect(captureState(repo)).toEqual(before);

      touchAll();
      undoOk(repo);
      expect(captureState(repo)).toEqual(incident);

      // A killed rollback leaves files rewritten behind the index's back; then stat data is stale.
      const killed = repo.guard(['rollback', 'latest~2', '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: 'worktree' } });
      expect(killed.code).not.toBe(0);
      touchAll();
      rollbackOk(repo, '--resume');
      expect(captureState(repo)).toEqual(before);
    }));
});

describe('rollback --paths', () => {
  it('a glob that matches nothing exits 1, says so, and changes nothing', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'src/one.js': '1\n' }, 'base');
      const id = snapshotId(repo);
      repo.write('src/one.js', 'changed\n');
      const before = captureState(repo);
      const r = repo.guard(['rollback', id, '--paths', 'scr/**', '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("no file matches --paths 'scr/**'");
      expect(captureState(repo)).toEqual(before);
      // Several globs, none matching anything: the same.
      const same = repo.guard(['rollback', id, '--paths', 'src/two.js', 'src/*.md', '--yes']);
      expect(same.code).toBe(1);
      repo.write('src/two.js', '2\n');
      const unchanged = repo.guard(['rollback', id, '--paths', 'src/one.js', '--yes']);
      expect(unchanged.code, unchanged.stderr).toBe(0);
      expect(repo.read('src/one.js')).toBe('1\n');
      // A glob that matches a file already as in the snapshot is no typo: nothing to change, exit 0.
      const nothing = repo.guard(['rollback', id, '--paths', 'src/one.js', '--yes']);
      expect(nothing.code, nothing.stderr).toBe(0);
      expect(nothing.stdout).toContain('nothing to change');
    }));
});

describe('rollback and submodules', () => {
  it('a removed submodule: the plan says the gitlink comes back as an empty directory and what to run', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n' }, 'base');
      addSubmodule(repo, 'lib');
      const id = snapshotId(repo);
      repo.git(['rm', '-q', 'lib']);
      repo.git(['commit', '-q', '-m', 'drop lib']);

      const dry = repo.guard(['rollback', id, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      const planned = JSON.parse(dry.stdout).plan.files;
      expect(planned).toContainEqual({ path: 'lib', action: 'create', kind: 'submodule', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
      const out = rollbackOk(repo, id);
      expect(out).toMatch(/submodule lib: restore its gitlink at [0-9a-f]+ as an empty directory; then run: git submodule update --init -- lib/);
      expect(out).not.toMatch(/create: \d+ file/);
      expect(out).toContain('Fill the restored submodules with: git submodule update --init -- lib');
      expect(repo.git(['ls-files', '-s', 'lib'])).toMatch(/^160000 /);
      expect(fs.readdirSync(path.join(repo.dir, 'lib'))).toEqual([]);
      // What the plan said to run fills it.
      repo.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init', '--', 'lib']);
      expect(repo.read('lib/lib.txt')).toBe('library\n');
    }));
});

describe('rollback and a submodule whose checked-out commit is not staged', () => {
  // Found playing an agent session: a submodule with a commit made inside it and not yet
  // `git add`ed here came back, and the printed `git submodule update --init` checked out the
  // staged commit, not the one the plan named. The plan now names both and the checkout to run.
  it('names the staged commit and the checkout that brings back the recorded one', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n' }, 'base');
      addSubmodule(repo, 'lib');
      const staged = repo.git(['rev-parse', 'HEAD:lib']).trim();
      repo.write('lib/new.txt', 'unpushed\n');
      repo.git(['add', 'new.txt'], { cwd: path.join(repo.dir, 'lib') });
      repo.git(['commit', '-q', '-m', 'unpushed'], { cwd: path.join(repo.dir, 'lib') });
      const recorded = repo.git(['rev-parse', 'HEAD'], { cwd: path.join(repo.dir, 'lib') }).trim();
      const id = snapshotId(repo);
      repo.git(['submodule', 'deinit', '-q', '-f', 'lib']);
      repo.git(['rm', '-q', 'lib']);

      const dry = repo.guard(['rollback', id, '--dry-run', '--json']);
      expect(JSON.parse(dry.stdout).plan.files).toContainEqual({ path: 'lib', action: 'create', kind: 'submodule', commit: recorded, staged });
      const out = rollbackOk(repo, id);
      expect(out).toContain(`then run: git submodule update --init -- lib && git -C lib checkout ${recorded}`);
      expect(out).toContain(`git -C lib checkout ${recorded}`);
      // What the plan said to run puts the recorded commit back.
      repo.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init', '--', 'lib']);
      repo.git(['checkout', '-q', recorded], { cwd: path.join(repo.dir, 'lib') });
      expect(repo.read('lib/new.txt')).toBe('unpushed\n');
      expect(repo.git(['ls-files', '-s', 'lib']).split(' ')[1]).toBe(staged);
    }));
});

describe('rollbacks in the event journal', () => {
  it('rollback, --undo and --resume each leave one entry that guard log shows', () =>
    withTestRepo((repo) => {
      commitFiles(repo, { 'a.txt': 'a\n' }, 'base');
      const id = snapshotId(repo);
      repo.write('a.txt', 'agent\n');
      repo.write('new.txt', 'new\n');
      rollbackOk(repo, id);
      undoOk(repo);
      const killed = repo.guard(['rollback', id, '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: 'worktree' } });
      expect(killed.code).not.toBe(0);
      rollbackOk(repo, '--resume');

      const events = loggedEvents<{ mode: string; snapshot: string; preRollbackSnapshot: string }>(repo, 'rollback');
      expect(events.map((e) => e.mode)).toEqual(['rollback', 'undo', 'resume']);
      expect(events[0]).toMatchObject({ type: 'rollback', snapshot: expect.stringMatching(new RegExp(`^${id}`)), files: { write: 1, create: 0, delete: 1 } });
      expect(events[1]?.snapshot).toBe(events[0]?.preRollbackSnapshot);
      const text = repo.guard(['log']);
      expect(text.stdout).toMatch(/rollback .*rollback to snapshot [0-9a-f]{12}: 1 restored, 0 created, 1 deleted/);
      expect(text.stdout).toMatch(/undo to snapshot/);
    }));
});
