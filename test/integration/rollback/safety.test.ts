/**
 * Rollback keeps its promise in the cases real users hit (issue 11): a directory replaced by a
 * file, files in the way that no snapshot holds, stale stat data, a glob that matches nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';

function snapshot(repo: TestRepo): string {
  const r = repo.guard(['snapshot', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).id;
}

function commitAll(repo: TestRepo, message = 'base'): void {
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', message]);
}

describe('rollback: files and directories that trade places', () => {
  it('restores a tracked directory that was replaced by a file, and --undo brings the file back', () =>
    withTestRepo((repo) => {
      repo.write('d/e/f', '1\n');
      repo.write('keep.txt', 'k\n');
      commitAll(repo);
      snapshot(repo);
      const before = captureState(repo);
      repo.remove('d');
      repo.write('d', 'x\n');
      const replaced = captureState(repo);
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(captureState(repo)).toEqual(replaced);
    }));

  it('restores a tracked file that was replaced by a directory', () =>
    withTestRepo((repo) => {
      repo.write('d', 'file\n');
      commitAll(repo);
      snapshot(repo);
      const before = captureState(repo);
      repo.remove('d');
      repo.write('d/e/f', 'now a dir\n');
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
    }));

  it('refuses when an ignored file no snapshot holds sits where the target needs a directory, naming it', () =>
    withTestRepo((repo) => {
      repo.write('a.txt', 'a\n');
      repo.write('conf/x', 'tracked\n');
      commitAll(repo);
      snapshot(repo);
      repo.git(['rm', '-q', '-r', 'conf']);
      repo.git(['commit', '-q', '-m', 'drop conf']);
      repo.write('.git/info/exclude', '/conf\n');
      repo.write('conf', 'precious, ignored, never captured\n');
      const before = captureState(repo);
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('conf');
      expect(repo.read('conf')).toBe('precious, ignored, never captured\n');
      expect(captureState(repo)).toEqual(before);
    }));
});

describe('rollback: a directory where the target has a file', () => {
  it('refuses when that directory holds an ignored file no snapshot has, naming it', () =>
    withTestRepo((repo) => {
      repo.write('d', 'file\n');
      repo.write('.gitignore', '*.log\n');
      commitAll(repo);
      snapshot(repo);
      repo.remove('d');
      repo.write('d/kept.txt', 'captured\n');
      repo.write('d/secret.log', 'ignored, never captured\n');
      const before = captureState(repo);
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('d/secret.log');
      expect(r.stderr).not.toContain('d/kept.txt');
      expect(captureState(repo)).toEqual(before);
    }));
});
