/**
 * Rollback in a sparse checkout (cone mode). guard's read-tree -u over its private index, which
 * mirrors the whole working tree, applied the user's sparse patterns: every entry outside the
 * cone became skip-worktree and its file was deleted, untracked files included, which no plan
 * named, and --undo could not write them back either. Found playing an agent session on a sparse
 * clone (.claude/settings.local.json, outside the cone, vanished with the rollback). Now guard's
 * read-tree ignores the patterns and `git sparse-checkout reapply` restores the sparse state.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';

function snapshot(t: TestRepo): string {
  const r = t.guard(['snapshot', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).id as string;
}

function rollback(t: TestRepo, ...args: string[]): void {
  const r = t.guard(['rollback', ...args, '--yes']);
  expect(r.code, r.stderr).toBe(0);
}

/** Everything captureState compares, plus the skip-worktree bits (`ls-files -t`). */
function state(t: TestRepo): unknown {
  return { ...captureState(t), tags: t.git(['ls-files', '-t', '-z']).split('\0') };
}

/** A repository with lib/ (in the cone) and other/ (outside), the cone set to lib, commits A and B (B changes other/o.txt). */
function setup(t: TestRepo): { a: string; b: string } {
  t.write('lib/a.js', 'a\n');
  t.write('other/o.txt', 'o\n');
  t.write('top.txt', 'top\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'A']);
  const a = t.git(['rev-parse', 'HEAD']).trim();
  t.write('other/o.txt', 'o2\n');
  t.git(['commit', '-q', '-am', 'B']);
  const b = t.git(['rev-parse', 'HEAD']).trim();
  t.git(['sparse-checkout', 'set', '--cone', 'lib']);
  expect(t.exists('other/o.txt')).toBe(false);
  // Untracked work outside the cone, and an edit inside it.
  t.write('notes/n.md', 'my notes\n');
  t.write('lib/a.js', 'a\nwip\n');
  return { a, b };
}

describe('rollback in a sparse checkout', () => {
  it('keeps untracked files outside the cone, byte for byte, through a rollback and its --undo', async () => {
    await withTestRepo((t) => {
      setup(t);
      const before = state(t);
      const id = snapshot(t);
      t.write('lib/a.js', 'a\nwip\nmore\n');
      const changed = state(t);
      rollback(t, id);
      expect(fs.readFileSync(`${t.dir}/notes/n.md`, 'utf8')).toBe('my notes\n');
      expect(state(t)).toEqual(before);
      rollback(t, '--undo');
      expect(state(t)).toEqual(changed);
    });
  });

  it('a tracked file outside the cone that the rollback changes stays skip-worktree and off the disk', async () => {
    await withTestRepo((t) => {
      const { a, b } = setup(t);
      t.git(['stash', '-q']);
      t.git(['reset', '-q', '--hard', a]);
      t.git(['stash', 'pop', '-q']);
      const before = state(t);
      const id = snapshot(t);
      t.git(['reset', '-q', '--hard', b]);
      rollback(t, id);
      expect(t.exists('other/o.txt')).toBe(false);
      expect(state(t)).toEqual(before);
    });
  });
});
