/**
 * `guard rollback ID` where ID is a snapshot of another worktree (`git worktree add`: the
 * snapshot refs are shared, and a hash prefix names a snapshot of any worktree). The snapshot
 * records that worktree's HEAD, index and git state: a rollback in the main worktree to a snapshot
 * of a linked worktree stopped in a merge checked out that worktree's branch here too (two
 * worktrees on one branch, which git refuses) and wrote its MERGE_HEAD here (found 2026-12-04).
 * Now the whole rollback is refused with nothing changed, naming the worktree and the command to
 * run there; `--files-only` takes only its files and staged state here; a worktree that is gone is
 * said to be gone.
 *
 * Real git, hermetic repository, through the CLI; compared byte for byte (every path with its
 * kind and bits, index, HEAD, refs, stash, status --ignored) in both worktrees, and git's
 * operation files in both git directories.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';

function commitAll(t: TestRepo, cwd: string, message: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(cwd, name), content);
  t.git(['add', '-A'], { cwd });
  t.git(['commit', '-q', '-m', message], { cwd });
}

/** git's operation files and HEAD in the git directory of the worktree at `cwd`, with their bytes. */
function operationFiles(t: TestRepo, cwd: string): Record<string, string> {
  const dir = t.git(['rev-parse', '--path-format=absolute', '--git-dir'], { cwd }).trim();
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    if (/^(MERGE_|AUTO_MERGE|CHERRY_PICK_HEAD|REVERT_HEAD|REBASE_HEAD|ORIG_HEAD|HEAD$)/.test(name)) out[name] = fs.readFileSync(path.join(dir, name)).toString('base64');
  }
  return out;
}

/** Everything of the worktree at `cwd`: byteState, and git's own files of its git directory. */
function worktreeState(t: TestRepo, cwd: string): unknown {
  return { ...byteState({ ...t, dir: cwd, git: (args, o) => t.git(args, { ...o, cwd }), gitResult: (args, o) => t.gitResult(args, { ...o, cwd }) }), git: operationFiles(t, cwd) };
}

/**
 * main on `main`; a linked worktree `wt` on `feature`, stopped in a conflicted merge of `side`,
 * and a snapshot taken there. Returns the worktree's path and the snapshot's id.
 */
function mergeStoppedInLinkedWorktree(t: TestRepo): { wt: string; id: string } {
  commitAll(t, t.dir, 'base', { 'f.txt': 'base\n', 'g.txt': 'g\n' });
  t.git(['branch', 'feature']);
  const wt = path.join(t.base, 'wt');
  t.git(['worktree', 'add', '-q', wt, 'feature']);
  commitAll(t, wt, 'feature', { 'f.txt': 'feature\n' });
  t.git(['checkout', '-q', '-b', 'side', 'HEAD~1'], { cwd: wt });
  commitAll(t, wt, 'side', { 'f.txt': 'side\n', 's.txt': 's\n' });
  t.git(['checkout', '-q', 'feature'], { cwd: wt });
  expect(t.gitResult(['merge', 'side'], { cwd: wt }).code).toBe(1);
  const snap = t.guard(['snapshot', '--json'], { cwd: wt });
  expect(snap.code, snap.stderr).toBe(0);
  return { wt, id: (JSON.parse(snap.stdout) as { id: string }).id };
}

describe('a rollback to a snapshot of another worktree', () => {
  it('is refused with nothing changed in either worktree, naming the worktree and the command; that command, run there, brings the merge back there', async () => {
    await withTestRepo((t) => {
      const { wt, id } = mergeStoppedInLinkedWorktree(t);
      const during = worktreeState(t, wt);
      t.git(['merge', '--abort'], { cwd: wt });
      commitAll(t, t.dir, 'main moves on', { 'm.txt': 'm\n' });
      const main = worktreeState(t, t.dir);
      const linked = worktreeState(t, wt);

      const refused = t.guard(['rollback', id, '--yes']);
      expect(refused.code, refused.stdout + refused.stderr).toBe(3);
      expect(refused.stderr).toContain(`snapshot ${id} is of the worktree ${wt} (worktrees/wt, feature), not of this one (${t.dir})`);
      expect(refused.stderr).toContain('nothing was changed');
      const command = `cd ${wt} && guard rollback ${id}`;
      expect(refused.stderr).toContain(command);
      expect(refused.stderr).toContain(`guard rollback ${id} --files-only`);
      expect(worktreeState(t, t.dir)).toEqual(main);
      expect(worktreeState(t, wt)).toEqual(linked);
      // --json says the same, with the worktree.
      const json = t.guard(['rollback', id, '--yes', '--json']);
      expect(json.code).toBe(3);
      expect(JSON.stringify(JSON.parse(json.stdout || json.stderr))).toContain('"snapshotRoot"');

      // The command it names, run there: the merge is back in that worktree, this one is untouched.
      const there = t.guard(['rollback', id, '--yes'], { cwd: wt });
      expect(there.code, there.stderr).toBe(0);
      expect(worktreeState(t, wt)).toMatchObject({ git: expect.objectContaining({ MERGE_HEAD: expect.any(String) }) });
      const back = worktreeState(t, wt) as Record<string, unknown> & { git: Record<string, string> };
      const want = during as Record<string, unknown> & { git: Record<string, string> };
      // ORIG_HEAD is git's own note of the abort (not recorded for a merge), AUTO_MERGE is not
      // recorded (docs/snapshot-format.md); main is checked out in the other worktree, so it is
      // left where it is now (skippedRefs).
      const { ORIG_HEAD: _a, AUTO_MERGE: _b, ...backGit } = back.git;
      const { ORIG_HEAD: _d, AUTO_MERGE: _e, ...wantGit } = want.git;
      expect(backGit).toEqual(wantGit);
      const mainNow = t.git(['rev-parse', 'refs/heads/main']).trim();
      const mainThen = t.git(['rev-parse', 'main~1']).trim();
      expect({ ...back, git: null }).toEqual({ ...want, git: null, ':refs': (want[':refs'] as string).replace(`${mainThen} refs/heads/main`, `${mainNow} refs/heads/main`) });
      expect(there.stdout).toContain('left alone: refs/heads/main (checked out in another worktree');
      expect(worktreeState(t, t.dir)).toEqual(main);
    });
  });

  it('--files-only takes its files and staged state here and leaves HEAD, branches and git state; --undo gives this worktree back byte for byte', async () => {
    await withTestRepo((t) => {
      const { wt, id } = mergeStoppedInLinkedWorktree(t);
      const main = worktreeState(t, t.dir);
      const linked = worktreeState(t, wt);
      const head = t.git(['rev-parse', 'HEAD']);
      const r = t.guard(['rollback', id, '--files-only', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const plan = (JSON.parse(r.stdout) as { plan: { refs: unknown[]; head: unknown; operation: unknown } }).plan;
      expect(plan).toMatchObject({ refs: [], head: null, operation: null });
      expect(t.read('s.txt')).toBe('s\n');
      expect(t.read('f.txt')).toContain('<<<<<<<');
      expect(t.git(['symbolic-ref', 'HEAD'])).toBe('refs/heads/main\n');
      expect(t.git(['rev-parse', 'HEAD'])).toBe(head);
      expect(Object.keys(operationFiles(t, t.dir)).filter((n) => n.startsWith('MERGE_'))).toEqual([]);
      expect(worktreeState(t, wt)).toEqual(linked);
      const undo = t.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(worktreeState(t, t.dir)).toEqual(main);
      expect(worktreeState(t, wt)).toEqual(linked);
    });
  });

  it('a worktree that was removed: refused, saying it is gone and how to add it again', async () => {
    await withTestRepo((t) => {
      const { wt, id } = mergeStoppedInLinkedWorktree(t);
      t.git(['worktree', 'remove', '--force', wt]);
      const main = worktreeState(t, t.dir);
      const refused = t.guard(['rollback', id, '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('no longer registered');
      expect(refused.stderr).toContain(`git worktree add ${wt}`);
      expect(worktreeState(t, t.dir)).toEqual(main);
    });
  });
});
