/**
 * A snapshot taken during a merge, cherry-pick or revert brings git's state of it back on rollback
 * (MERGE_HEAD, MERGE_MSG, MERGE_MODE, CHERRY_PICK_HEAD), so finishing it makes the commit git would
 * have made (a merge keeps all its parents); `--undo` removes the state again. A rebase's state
 * (rebase-merge/) is tested in rebase-state.test.ts; a snapshot of an older guard, which did not
 * record it, brings back the files without the rebase, and the plan says so. The commits named by
 * that state stay reachable (the keeper).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { startConflictedMerge, startConflictedRebase } from '../../helpers/fixtures.js';
import { captureState } from '../../helpers/state.js';

const MERGE_FILES = ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE'];

function snapshot(repo: TestRepo): any {
  const r = repo.guard(['snapshot', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function rollback(repo: TestRepo, args: string[]): any {
  const r = repo.guard(['rollback', ...args, '--yes', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function base(repo: TestRepo): void {
  repo.write('a.txt', 'base\n');
  repo.write('b.txt', 'b\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

/** The git-dir files of an operation, by name: their bytes, or null when absent. */
function opFiles(repo: TestRepo, names: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of names) {
    const file = repo.git(['rev-parse', '--path-format=absolute', '--git-path', name]).trim();
    out[name] = fs.existsSync(file) ? fs.readFileSync(file).toString('base64') : null;
  }
  return out;
}

/**
 * The same snapshot as an older guard wrote it (the metadata without operationState), made the
 * newest of the chain; returns its short id.
 */
function asOlderGuard(repo: TestRepo, snap: any): string {
  const raw = repo.git(['cat-file', 'commit', snap.oid]);
  const [headers, ...rest] = raw.split('\n\n');
  const message = rest.join('\n\n');
  const at = message.indexOf('{');
  const meta = JSON.parse(message.slice(at));
  delete meta.operationState;
  const parents = [...headers!.matchAll(/^parent (\S+)$/gm)].map((m) => m[1]!);
  const file = path.join(repo.base, 'old-message');
  fs.writeFileSync(file, `${message.slice(0, at)}${JSON.stringify(meta)}\n`);
  const old = repo.git(['commit-tree', repo.git(['rev-parse', `${snap.oid}^{tree}`]).trim(), ...parents.flatMap((p) => ['-p', p]), '-F', file]).trim();
  repo.git(['update-ref', 'refs/guard/main/head', old]);
  return old.slice(0, 12);
}

const porcelain = (repo: TestRepo): string => repo.git(['status', '--porcelain=v2', '--branch', '-z']);

/** Makes the commits only a deleted branch held unreachable, and prunes them: only guard's keeper holds them then. */
function pruneUnreachable(repo: TestRepo): void {
  repo.git(['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
  repo.git(['gc', '-q', '--prune=now']);
}

describe('rollback of a snapshot taken during a merge, cherry-pick or revert', () => {
  it('brings the merge back byte for byte; finishing it makes a two-parent merge commit; --undo removes it again', () =>
    withTestRepo((repo) => {
      base(repo);
      startConflictedMerge(repo); // main and other both change a.txt
      const other = repo.git(['rev-parse', 'other']).trim();
      const main = repo.git(['rev-parse', 'main']).trim();
      // The merged commit is on no branch: only MERGE_HEAD names it (as when merging origin/x).
      repo.git(['branch', '-D', 'other']);
      const during = { files: opFiles(repo, MERGE_FILES), status: porcelain(repo), state: captureState(repo) };
      expect(Object.values(during.files).every((v) => v !== null)).toBe(true);
      const snap = snapshot(repo);
      expect(snap.operation).toBe('merge');
      expect(snap.operationState.mergeHead).toEqual([other]);

      repo.git(['merge', '--abort']);
      // Pruned: only the snapshot's keeper holds the merged commit now.
      pruneUnreachable(repo);
      expect(repo.gitResult(['cat-file', '-e', other]).code).toBe(0);
      const aborted = { files: opFiles(repo, MERGE_FILES), state: captureState(repo) };
      expect(aborted.files.MERGE_HEAD).toBeNull();

      const done = rollback(repo, [snap.id]);
      expect(done.plan.operation).toMatchObject({ from: null, to: 'merge', write: MERGE_FILES, remove: [], restored: true });
      expect(opFiles(repo, MERGE_FILES)).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      const state = captureState(repo);
      expect(state).toEqual(during.state);
      expect(repo.git(['status'])).toContain('You have unmerged paths');

      // --undo: back to the aborted state, without the merge.
      rollback(repo, ['--undo']);
      expect(opFiles(repo, MERGE_FILES)).toEqual(aborted.files);
      expect(captureState(repo)).toEqual(aborted.state);
      expect(repo.git(['status'])).not.toContain('unmerged');

      // Undoing the undo brings the merge back; resolving and committing makes the merge.
      rollback(repo, ['--undo']);
      expect(opFiles(repo, MERGE_FILES)).toEqual(during.files);
      repo.write('a.txt', 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['commit', '-q', '--no-edit']);
      expect(repo.git(['log', '-1', '--format=%P']).trim()).toBe(`${main} ${other}`);
      expect(repo.git(['log', '-1', '--format=%s'])).toBe("Merge branch 'other'\n");
    }));

  it('an octopus merge (MERGE_HEAD with several commits) keeps every parent', () =>
    withTestRepo((repo) => {
      base(repo);
      for (const name of ['one', 'two']) {
        repo.git(['checkout', '-q', '-b', name, 'main']);
        repo.write(`${name}.txt`, `${name}\n`);
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', name]);
      }
      repo.git(['checkout', '-q', 'main']);
      repo.git(['merge', '-q', '--no-commit', '--no-ff', 'one', 'two']);
      const heads = [repo.git(['rev-parse', 'one']).trim(), repo.git(['rev-parse', 'two']).trim()];
      repo.git(['branch', '-D', 'one', 'two']);
      const during = { files: opFiles(repo, MERGE_FILES), status: porcelain(repo), state: captureState(repo) };
      const snap = snapshot(repo);
      expect(snap.operationState.mergeHead).toEqual(heads);
      repo.git(['merge', '--abort']);
      pruneUnreachable(repo);

      rollback(repo, [snap.id]);
      expect(opFiles(repo, MERGE_FILES)).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);
      repo.git(['commit', '-q', '--no-edit']);
      expect(repo.git(['log', '-1', '--format=%P']).trim().split(' ')).toEqual([repo.git(['rev-parse', 'HEAD^1']).trim(), ...heads]);
    }));

  it('a cherry-pick comes back: CHERRY_PICK_HEAD and MERGE_MSG byte-equal, and --continue commits the pick', () =>
    withTestRepo((repo) => {
      base(repo);
      repo.git(['checkout', '-q', '-b', 'pick']);
      repo.write('a.txt', 'picked\n');
      repo.git(['commit', '-q', '-am', 'the picked change', '-m', 'with a body']);
      const picked = repo.git(['rev-parse', 'HEAD']).trim();
      repo.git(['checkout', '-q', 'main']);
      repo.write('a.txt', 'main\n');
      repo.git(['commit', '-q', '-am', 'main']);
      expect(repo.gitResult(['cherry-pick', picked]).code).not.toBe(0);
      repo.git(['branch', '-D', 'pick']);
      const names = ['CHERRY_PICK_HEAD', ...MERGE_FILES];
      const during = { files: opFiles(repo, names), status: porcelain(repo), state: captureState(repo) };
      expect(during.files.CHERRY_PICK_HEAD).not.toBeNull();
      const snap = snapshot(repo);
      expect(snap.operation).toBe('cherry-pick');
      expect(snap.operationState.cherryPickHead).toBe(picked);
      repo.git(['cherry-pick', '--abort']);
      pruneUnreachable(repo);

      const done = rollback(repo, [snap.id]);
      expect(done.plan.operation.write).toEqual(['CHERRY_PICK_HEAD', 'MERGE_MSG']);
      expect(opFiles(repo, names)).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);
      repo.write('a.txt', 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['cherry-pick', '--continue'], { env: { GIT_EDITOR: 'true' } });
      expect(repo.git(['log', '-1', '--format=%B']).trim()).toBe('the picked change\n\nwith a body');
      expect(repo.git(['log', '-1', '--format=%P']).trim().split(' ')).toHaveLength(1);
      expect(opFiles(repo, ['CHERRY_PICK_HEAD']).CHERRY_PICK_HEAD).toBeNull();
    }));

  it('a changed MERGE_MSG is a new snapshot (the operation state is part of the state)', () =>
    withTestRepo((repo) => {
      base(repo);
      startConflictedMerge(repo);
      const first = snapshot(repo);
      expect(snapshot(repo).created).toBe(false);
      const msg = repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_MSG']).trim();
      fs.appendFileSync(msg, 'edited message\n');
      const second = snapshot(repo);
      expect(second.created).toBe(true);
      expect(second.oid).not.toBe(first.oid);
      expect(Buffer.from(second.operationState.mergeMsg, 'base64').toString()).toContain('edited message');
    }));

  it('a snapshot of an older guard taken during a rebase: files, index and refs come back, and the plan says the rebase does not', () =>
    withTestRepo((repo) => {
      base(repo);
      startConflictedRebase(repo);
      const during = captureState(repo);
      const snap = snapshot(repo);
      expect(snap.operation).toBe('rebase');
      expect(Object.keys(snap.operationState.dirs)).toEqual(['rebase-merge']);
      repo.git(['rebase', '--abort']);
      const old = asOlderGuard(repo, snap);

      const dry = repo.guard(['rollback', old, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      const plan = JSON.parse(dry.stdout).plan;
      expect(plan.operation).toMatchObject({ from: null, to: 'rebase', write: [], remove: [], restored: false });
      expect(plan.operation.notes.join('\n')).toContain("guard restores the files, the index and the refs but not git's rebase state");

      const r = repo.guard(['rollback', old, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('the snapshot was taken during a rebase in progress');
      expect(r.stdout).toContain("not git's rebase state");
      expect(r.stdout).toContain('git rebase');
      expect(captureState(repo)).toEqual(during);
      const rebaseDir = repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'rebase-merge']).trim();
      expect(fs.existsSync(rebaseDir)).toBe(false);
    }));

  it('an older snapshot without the field rolls back as before, and says the merge is not restored', () =>
    withTestRepo((repo) => {
      base(repo);
      startConflictedMerge(repo);
      const during = captureState(repo);
      const snap = snapshot(repo);
      repo.git(['merge', '--abort']);
      const done = rollback(repo, [asOlderGuard(repo, snap)]);
      expect(done.plan.operation).toMatchObject({ to: 'merge', write: [], restored: false });
      expect(done.plan.operation.notes.join('\n')).toContain('older guard');
      expect(captureState(repo)).toEqual(during);
      expect(opFiles(repo, ['MERGE_HEAD']).MERGE_HEAD).toBeNull();
    }));
});

describe('what stops a rollback to a snapshot taken mid-merge', () => {
  it('refuses, changing nothing, when a merged commit is missing; a merge the last rollback did not write is refused as before', () =>
    withTestRepo((repo) => {
      base(repo);
      startConflictedMerge(repo);
      const other = repo.git(['rev-parse', 'other']).trim();
      repo.git(['branch', '-D', 'other']);
      const snap = snapshot(repo);
      repo.git(['merge', '--abort']);
      // A corrupt object store: the merged commit's (loose) object is gone.
      const loose = path.join(repo.dir, '.git', 'objects', other.slice(0, 2), other.slice(2));
      expect(fs.existsSync(loose)).toBe(true);
      const saved = fs.readFileSync(loose);
      fs.rmSync(loose, { force: true });
      const before = { state: captureState(repo), files: opFiles(repo, MERGE_FILES) };
      const refused = repo.guard(['rollback', snap.id, '--yes']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('are missing');
      expect(refused.stderr).toContain('nothing was changed');
      expect(captureState(repo)).toEqual(before.state);
      expect(opFiles(repo, MERGE_FILES)).toEqual(before.files);
      fs.writeFileSync(loose, saved);

      // Rolled back to the merge, then the person starts another merge of their own: refused as always.
      rollback(repo, [snap.id]);
      repo.git(['merge', '--abort']);
      repo.git(['checkout', '-q', '-b', 'third', 'main~1']);
      repo.write('a.txt', 'third\n');
      repo.git(['commit', '-q', '-am', 'third']);
      repo.git(['checkout', '-q', 'main']);
      expect(repo.gitResult(['merge', 'third']).code).not.toBe(0);
      const merging = repo.guard(['rollback', '--undo', '--yes']);
      expect(merging.code).toBe(3);
      expect(merging.stderr).toContain('a merge is in progress');
    }));
});

describe('in a linked worktree', () => {
  it("the merge state goes back into the worktree's own git dir, not the main one's", () =>
    withTestRepo((repo) => {
      base(repo);
      repo.git(['branch', 'other']);
      const wt = path.join(repo.base, 'linked');
      repo.git(['worktree', 'add', '-q', wt, '-b', 'linked']);
      fs.writeFileSync(path.join(wt, 'a.txt'), 'linked\n');
      repo.git(['commit', '-q', '-am', 'linked'], { cwd: wt });
      repo.git(['checkout', '-q', 'other'], { cwd: wt });
      fs.writeFileSync(path.join(wt, 'a.txt'), 'other\n');
      repo.git(['commit', '-q', '-am', 'other'], { cwd: wt });
      repo.git(['checkout', '-q', 'linked'], { cwd: wt });
      expect(repo.gitResult(['merge', 'other'], { cwd: wt }).code).not.toBe(0);
      const own = repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD'], { cwd: wt }).trim();
      expect(own).toContain(`${path.sep}worktrees${path.sep}`);
      const during = fs.readFileSync(own);
      const r = repo.guard(['snapshot', '--json'], { cwd: wt });
      expect(r.code, r.stderr).toBe(0);
      const id = JSON.parse(r.stdout).id;
      repo.git(['merge', '--abort'], { cwd: wt });
      const done = repo.guard(['rollback', id, '--yes'], { cwd: wt });
      expect(done.code, done.stderr).toBe(0);
      expect(fs.readFileSync(own)).toEqual(during);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'MERGE_HEAD'))).toBe(false);
      expect(repo.git(['status'], { cwd: wt })).toContain('You have unmerged paths');
      expect(repo.git(['status'])).not.toContain('unmerged');
    }));
});
