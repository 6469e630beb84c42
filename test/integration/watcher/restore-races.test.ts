/**
 * The watcher's protected restore (src/watcher/protected-restore.ts) against git and the user
 * acting on the same file while it runs. Each interleaving is made exact with the test bundle's
 * hold (GUARD_TEST_RESTORE_HOLD): armed empty, the restore holds before it reads HEAD and the
 * index (the snapshot's side, the file's bytes and index entry, is read ahead for the batch);
 * armed `write`, after those reads, right before its last checks and the write.
 * The test acts while it is held, releases it and reads what it did (`test-restore-done`).
 * Real git, the real watcher daemon, no timing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, json, waitFor, waitForWatcher } from './helpers.js';

const HOLD = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_RESTORE_HOLD: '1' };
const CI = '.github/workflows/ci.yml';

const bases: string[] = [];
afterEach(() => {
  for (const base of bases.splice(0)) stopWatchers(base);
});

function guardFile(repo: TestRepo, name: string): string {
  return path.join(repo.dir, '.git', 'guard', name);
}

/** A committed project with a protected file and a session (its watcher started with the hold). */
async function setUp(repo: TestRepo): Promise<void> {
  bases.push(repo.base);
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write(CI, 'on: push\njobs: {}\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  const started = repo.guard(['session', 'start', '--agent', 'test', '--json'], { env: HOLD });
  expect(started.code, started.stderr).toBe(0);
  await waitForWatcher(repo);
}

/** Arms the hold at `at`, deletes ci.yml with a plain rm, and waits until its restore is held. */
async function deleteHeld(repo: TestRepo, at: '' | 'write'): Promise<void> {
  fs.writeFileSync(guardFile(repo, 'test-restore-hold'), at);
  fs.rmSync(path.join(repo.dir, CI));
  await waitFor('the watcher restore of ci.yml to be due and held', () => fs.existsSync(guardFile(repo, 'test-restore-held')), 60_000, 20);
}

/** Releases the held restore; what it did. */
async function release(repo: TestRepo): Promise<string> {
  fs.rmSync(guardFile(repo, 'test-restore-done'), { force: true });
  fs.rmSync(guardFile(repo, 'test-restore-held'));
  // Read until it holds a word: writeFileSync creates the file before it writes.
  return waitFor('the held restore to finish', () => (fs.existsSync(guardFile(repo, 'test-restore-done')) && fs.readFileSync(guardFile(repo, 'test-restore-done'), 'utf8')) || undefined, 60_000, 20);
}

function restores(repo: TestRepo): any[] {
  return json(repo, ['log']).events.filter((e: any) => e.type === 'protected-restore');
}

describe('the watcher restore of a protected file while git or the user acts on it', () => {
  it('git rm of the file while the restore was due: left as git staged it (HEAD and the index are read after the wait, not before)', () =>
    withTestRepo(async (repo) => {
      await setUp(repo);
      await deleteHeld(repo, '');
      repo.git(['rm', '-q', CI]);
      // Before: 'written', the index read before the hold: ci.yml back on disk, untracked.
      expect(await release(repo)).toBe('staged');
      expect(fs.existsSync(path.join(repo.dir, CI))).toBe(false);
      expect(repo.git(['ls-files', '--', CI])).toBe('');
      expect(restores(repo)).toEqual([]);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('a branch switch while the restore was due: the file of the old branch is not written into the new one', () =>
    withTestRepo(async (repo) => {
      await setUp(repo);
      repo.git(['switch', '-q', '-c', 'other']);
      repo.git(['rm', '-q', CI]);
      repo.git(['commit', '-q', '-m', 'no ci']);
      repo.git(['switch', '-q', 'main']);
      await waitFor('the watcher to see main with ci.yml', () => json(repo, ['list', '--all'])[0]?.head?.oid === repo.git(['rev-parse', 'HEAD']).trim() || undefined);
      await deleteHeld(repo, '');
      repo.git(['switch', '-q', 'other']);
      // Before: 'written', HEAD read before the hold: main's ci.yml in other's worktree, untracked.
      expect(await release(repo)).toBe('head');
      expect(fs.existsSync(path.join(repo.dir, CI))).toBe(false);
      expect(repo.git(['status', '--porcelain'])).toBe('');
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('the user writes the file again between the restore\'s last reads and its write: the user\'s bytes stay', () =>
    withTestRepo(async (repo) => {
      await setUp(repo);
      await deleteHeld(repo, 'write');
      repo.write(CI, 'on: pull_request\n');
      // Before: 'written', the rename put the snapshot's bytes over the user's.
      expect(await release(repo)).toBe('back');
      expect(repo.read(CI)).toBe('on: pull_request\n');
      expect(restores(repo)).toEqual([]);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('git rm between the restore\'s last reads and its write: not written (the index moved), looked at again, then left as git staged it', () =>
    withTestRepo(async (repo) => {
      await setUp(repo);
      await deleteHeld(repo, 'write');
      repo.git(['rm', '-q', CI]);
      // The look again, held too, to see what it decides.
      fs.writeFileSync(guardFile(repo, 'test-restore-hold'), '');
      // Before: 'written', ci.yml back on disk while the index had lost it.
      expect(await release(repo)).toBe('moved');
      expect(fs.existsSync(path.join(repo.dir, CI))).toBe(false);
      await waitFor('the restore looked at again to be held', () => fs.existsSync(guardFile(repo, 'test-restore-held')), 60_000, 20);
      expect(await release(repo)).toBe('staged');
      expect(fs.existsSync(path.join(repo.dir, CI))).toBe(false);
      expect(repo.git(['ls-files', '--', CI])).toBe('');
      expect(restores(repo)).toEqual([]);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('a git command holding index.lock at the write: not written, and the file comes back once it is done', () =>
    withTestRepo(async (repo) => {
      await setUp(repo);
      await deleteHeld(repo, 'write');
      const lock = path.join(repo.dir, '.git', 'index.lock');
      fs.writeFileSync(lock, '');
      expect(await release(repo)).toBe('moved');
      expect(fs.existsSync(path.join(repo.dir, CI))).toBe(false);
      fs.rmSync(lock);
      await waitFor('ci.yml to come back', () => (fs.existsSync(path.join(repo.dir, CI)) && repo.read(CI) === 'on: push\njobs: {}\n') || undefined);
      // The journal line follows the write (the daemon's: the file can be seen first).
      await waitFor('the restore in the journal', () => restores(repo).length > 0 || undefined);
      expect(restores(repo).map((e: any) => [e.path, e.reason])).toEqual([[CI, 'deleted']]);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
