/**
 * `git merge --autostash` that stops on a conflict keeps the person's uncommitted changes as a
 * stash commit named only by `.git/MERGE_AUTOSTASH`; `git commit` (or `git merge --abort`) applies
 * it when the merge ends. A snapshot recorded MERGE_HEAD, MERGE_MSG and MERGE_MODE but not that
 * file: after an agent's `git reset --hard` (git moves the autostash into the stash list) a
 * rollback to the snapshot brought the merge back, and the stash list as it was, without the
 * autostash: the merge then ended without the person's changes, their commit named by no ref
 * (found 2026-12-04, reading which files a stopped operation needs). Now MERGE_AUTOSTASH is part
 * of `operationState` (`mergeAutostash`), its commit a parent of the keeper.
 *
 * Real git through the CLI in a hermetic repository: the git-dir files byte for byte, the work
 * tree, index, HEAD, refs and stash list after rollback, --undo and rollback again; then, with
 * everything unreachable pruned, resolving and `git commit` brings the stashed changes back.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';

const FILES = ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'MERGE_AUTOSTASH'];

/** The git-dir files of the merge, by name: their bytes, or null when absent. */
function opFiles(t: TestRepo): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of FILES) {
    const file = t.git(['rev-parse', '--path-format=absolute', '--git-path', name]).trim();
    out[name] = fs.existsSync(file) ? fs.readFileSync(file).toString('base64') : null;
  }
  return out;
}

function state(t: TestRepo): unknown {
  return { ...byteState(t), git: opFiles(t) };
}

function guardOk(t: TestRepo, args: string[]): string {
  const r = t.guard(args);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

/** main and other both change a.txt; b.txt has the person's uncommitted change; `git merge --autostash other` stops on a.txt. */
function startAutostashMerge(t: TestRepo): void {
  t.write('a.txt', 'base\n');
  t.write('b.txt', 'b\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  t.git(['checkout', '-q', '-b', 'other']);
  t.write('a.txt', 'other\n');
  t.git(['commit', '-q', '-am', 'other']);
  t.git(['checkout', '-q', 'main']);
  t.write('a.txt', 'main\n');
  t.git(['commit', '-q', '-am', 'main']);
  // The person's uncommitted change, which --autostash puts aside.
  t.write('b.txt', 'b\nmine\n');
  expect(t.gitResult(['merge', '--autostash', 'other']).code).toBe(1);
  expect(t.read('b.txt')).toBe('b\n');
}

describe('a merge --autostash stopped on a conflict', () => {
  it('comes back with MERGE_AUTOSTASH: rollback and --undo byte for byte, and git commit then applies the stashed changes', async () => {
    await withTestRepo((t) => {
      startAutostashMerge(t);
      const during = state(t) as { git: Record<string, string | null> };
      expect(during.git.MERGE_AUTOSTASH).not.toBeNull();
      const snap = JSON.parse(guardOk(t, ['snapshot', '--json'])) as { id: string; oid: string };

      // The agent's reset: git moves the autostash into the stash list and ends the merge.
      t.git(['reset', '-q', '--hard']);
      expect(t.git(['stash', 'list', '--format=%gs'])).toBe('autostash\n');
      const after = state(t);

      guardOk(t, ['rollback', snap.id, '--yes']);
      expect(state(t)).toEqual(during);
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(after);
      guardOk(t, ['rollback', snap.id, '--yes']);
      expect(state(t)).toEqual(during);

      // Only guard's keeper holds the autostash commit now (the stash list is as it was, empty).
      t.git(['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
      t.git(['gc', '-q', '--prune=now']);
      t.write('a.txt', 'resolved\n');
      t.git(['add', 'a.txt']);
      t.git(['commit', '-q', '--no-edit']);
      expect(t.read('b.txt')).toBe('b\nmine\n');
      expect(t.git(['log', '-1', '--format=%P']).trim().split(' ')).toHaveLength(2);
      expect(t.git(['stash', 'list'])).toBe('');
    });
  });

  it('the autostash dropped after the reset: only the snapshot keeps its commit, and the merge brought back still ends with the changes', async () => {
    await withTestRepo((t) => {
      startAutostashMerge(t);
      const during = state(t);
      const snap = JSON.parse(guardOk(t, ['snapshot', '--json'])) as { id: string };
      t.git(['reset', '-q', '--hard']);
      t.git(['stash', 'drop', '-q']);
      guardOk(t, ['rollback', snap.id, '--yes']);
      expect(state(t)).toEqual(during);
      t.git(['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
      t.git(['gc', '-q', '--prune=now']);
      t.write('a.txt', 'resolved\n');
      t.git(['add', 'a.txt']);
      t.git(['commit', '-q', '--no-edit']);
      expect(t.read('b.txt')).toBe('b\nmine\n');
    });
  });
});
