/**
 * The per-worktree refs and files of an operation: `git rebase -r` keeps its labels as
 * refs/rewritten/* (a stopped `rebase -r` whose labels are lost cannot `--continue`: "could not
 * resolve 'refs/rewritten/...'"), `git bisect` its terms as refs/bisect/* and its log and start
 * in BISECT_* files, and refs/worktree/* are the person's own per-worktree refs. A snapshot
 * records this worktree's, and rollback and `--undo` put them back, so after an agent's
 * `git rebase --abort` or `git bisect reset` the person goes on as if nothing happened. A linked
 * worktree has its own: a snapshot of one neither records nor clobbers another's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyRepoSettled, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { snapshotId } from '../../helpers/guard-steps.js';
import { openRepo } from '../../../src/git/repo.js';
import { planRefs } from '../../../src/restore/plan.js';
import type { Snapshot } from '../../../src/snapshot/format.js';
import { readSnapshot, resolveSnapshot } from '../../../src/snapshot/read.js';

function rollback(repo: TestRepo, args: string[], cwd?: string): any {
  const r = repo.guard(['rollback', ...args, '--yes', '--json'], cwd ? { cwd } : {});
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** This worktree's per-worktree refs (git lists the current worktree's own). */
function ownRefs(repo: TestRepo, cwd: string = repo.dir): string {
  return repo.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/rewritten', 'refs/bisect', 'refs/worktree'], { cwd });
}

/** The BISECT_* files of the worktree at `cwd` (its own git directory), by name: their bytes as text. */
function bisectFiles(repo: TestRepo, cwd: string = repo.dir): Record<string, string> {
  const dir = path.dirname(repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'BISECT_LOG'], { cwd }).trim());
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) if (name.startsWith('BISECT_')) out[name] = fs.readFileSync(path.join(dir, name), 'latin1');
  return out;
}

function commitAll(repo: TestRepo, message: string, files: Record<string, string>, cwd: string = repo.dir): void {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(cwd, name), content);
  repo.git(['add', '-A'], { cwd });
  repo.git(['commit', '-q', '-m', message], { cwd });
}

/** The history a finished operation left: each commit's tree, parents and message, newest first. */
function history(repo: TestRepo, cwd: string, range: string): string {
  return repo.git(['log', '--format=%H %T %P %an %ad%n%B%x00', range], { cwd });
}

/**
 * topic: t1, a merge of side (s1), then t2 changing a.txt; main changes a.txt too. `git rebase -r
 * main` replays the merge through labels (refs/rewritten/*) and stops on t2's conflict.
 */
function startRebaseMerges(repo: TestRepo): void {
  commitAll(repo, 'base', { 'a.txt': 'base\n' });
  repo.git(['checkout', '-q', '-b', 'side']);
  commitAll(repo, 's1', { 's.txt': 's\n' });
  repo.git(['checkout', '-q', 'main']);
  repo.git(['checkout', '-q', '-b', 'topic']);
  commitAll(repo, 't1', { 't.txt': 't\n' });
  repo.git(['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
  commitAll(repo, 't2', { 'a.txt': 'topic\n' });
  repo.git(['checkout', '-q', 'main']);
  commitAll(repo, 'main', { 'a.txt': 'main\n' });
  repo.git(['checkout', '-q', 'topic']);
  const started = repo.gitResult(['rebase', '-r', 'main']);
  if (started.code === 0) throw new Error('expected the rebase to stop on t2');
}

function continueRebase(repo: TestRepo, cwd: string): void {
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'resolved\n');
  repo.git(['add', 'a.txt'], { cwd });
  repo.git(['rebase', '--continue'], { cwd, env: { GIT_EDITOR: 'true' } });
}

function copyRepo(repo: TestRepo, name: string): string {
  const copy = path.join(repo.base, name);
  copyRepoSettled(repo.dir, copy);
  return copy;
}

describe('rollback of a snapshot taken during `git rebase -r` (labels in refs/rewritten/*)', () => {
  it('after `git rebase --abort`: the labels come back, --continue makes the same commits, and --undo goes back and forth', () =>
    withTestRepo((repo) => {
      startRebaseMerges(repo);
      const labels = ownRefs(repo);
      expect(labels).toContain('refs/rewritten/onto');
      const snap = snapshotId(repo);
      const reference = copyRepo(repo, 'reference');

      repo.git(['rebase', '--abort']);
      expect(ownRefs(repo)).toBe('');
      const done = rollback(repo, [snap]);
      expect(done.plan.refs.map((c: { ref: string }) => c.ref)).toContain('refs/rewritten/onto');
      expect(ownRefs(repo)).toBe(labels);

      rollback(repo, ['--undo']);
      expect(ownRefs(repo)).toBe('');
      expect(repo.git(['status'])).not.toContain('rebase in progress');
      rollback(repo, ['--undo']);
      expect(ownRefs(repo)).toBe(labels);

      continueRebase(repo, reference);
      continueRebase(repo, repo.dir);
      expect(history(repo, repo.dir, 'main..topic')).toBe(history(repo, reference, 'main..topic'));
      expect(history(repo, repo.dir, 'main..topic')).toContain('merge side');
      expect(ownRefs(repo)).toBe('');
    }));

  it('after `git reset --hard`, the labels deleted and rebase-merge/ removed by hand: the same', () =>
    withTestRepo((repo) => {
      startRebaseMerges(repo);
      const labels = ownRefs(repo);
      const snap = snapshotId(repo);
      const reference = copyRepo(repo, 'reference');
      repo.git(['reset', '-q', '--hard']);
      for (const line of labels.trim().split('\n')) repo.git(['update-ref', '-d', line.split(' ')[1]!]);
      fs.rmSync(path.join(repo.dir, '.git', 'rebase-merge'), { recursive: true, force: true });
      repo.git(['checkout', '-q', '-f', 'topic']);
      rollback(repo, [snap]);
      expect(ownRefs(repo)).toBe(labels);
      continueRebase(repo, reference);
      continueRebase(repo, repo.dir);
      expect(history(repo, repo.dir, 'main..topic')).toBe(history(repo, reference, 'main..topic'));
    }));
});

/** c1..c6 on main, c4 introducing the "bug"; a bisect started with c6 bad and c1 good, one step marked good. */
function startBisect(repo: TestRepo, cwd: string = repo.dir): void {
  for (let i = 1; i <= 6; i++) commitAll(repo, `c${i}`, { 'n.txt': `${i}\n`, ...(i >= 4 ? { 'bug.txt': 'bug\n' } : {}) }, cwd);
  repo.git(['bisect', 'start', 'HEAD', 'HEAD~5'], { cwd });
  // Marks the commit bisect checked out by whether it has the bug.
  const step = (): void => {
    repo.git(['bisect', fs.existsSync(path.join(cwd, 'bug.txt')) ? 'bad' : 'good'], { cwd });
  };
  step();
}

function finishBisect(repo: TestRepo, cwd: string): string {
  for (let i = 0; i < 10; i++) {
    const r = repo.gitResult(['bisect', fs.existsSync(path.join(cwd, 'bug.txt')) ? 'bad' : 'good'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    if (r.stdout.includes('is the first bad commit')) return r.stdout.split('\n')[0]!;
  }
  throw new Error('bisect did not end');
}

describe('rollback of a snapshot taken during `git bisect`', () => {
  it('after `git bisect reset`: BISECT_* and refs/bisect/* come back, `git bisect log` is the same, and the bisect ends where it would have', () =>
    withTestRepo((repo) => {
      startBisect(repo);
      const during = { log: repo.git(['bisect', 'log']), files: bisectFiles(repo), refs: ownRefs(repo), head: repo.git(['rev-parse', 'HEAD']) };
      expect(during.refs).toContain('refs/bisect/bad');
      expect(Object.keys(during.files)).toContain('BISECT_START');
      const snap = snapshotId(repo);
      const reference = copyRepo(repo, 'reference');

      repo.git(['bisect', 'reset']);
      expect(bisectFiles(repo)).toEqual({});
      const done = rollback(repo, [snap]);
      expect(done.plan.operation).toMatchObject({ from: null, to: 'bisect', restored: true });
      expect(repo.git(['bisect', 'log'])).toBe(during.log);
      expect(bisectFiles(repo)).toEqual(during.files);
      expect(ownRefs(repo)).toBe(during.refs);
      expect(repo.git(['rev-parse', 'HEAD'])).toBe(during.head);

      rollback(repo, ['--undo']);
      expect(bisectFiles(repo)).toEqual({});
      expect(ownRefs(repo)).toBe('');
      rollback(repo, ['--undo']);
      expect(repo.git(['bisect', 'log'])).toBe(during.log);

      expect(finishBisect(repo, repo.dir)).toBe(finishBisect(repo, reference));
    }));
});

describe('per-worktree refs of a linked worktree', () => {
  it('a snapshot of one worktree records its own bisect and refs/worktree/*, and its rollback leaves the other worktree\'s alone', () =>
    withTestRepo((repo) => {
      commitAll(repo, 'root', { 'r.txt': 'r\n' });
      const wt = path.join(repo.base, 'wt');
      repo.git(['worktree', 'add', '-q', '--detach', wt]);
      startBisect(repo, wt);
      repo.git(['update-ref', 'refs/worktree/mark', 'HEAD'], { cwd: wt });
      // The main worktree has a bisect and a refs/worktree/ ref of its own.
      repo.git(['update-ref', 'refs/worktree/mine', 'HEAD']);
      repo.git(['bisect', 'start', 'HEAD', 'HEAD~1']);
      const main = { refs: ownRefs(repo), files: bisectFiles(repo), log: repo.git(['bisect', 'log']) };
      const during = { refs: ownRefs(repo, wt), files: bisectFiles(repo, wt), log: repo.git(['bisect', 'log'], { cwd: wt }) };
      expect(during.refs).toContain('refs/worktree/mark');
      expect(during.refs).not.toContain('refs/worktree/mine');

      const snap = repo.guard(['snapshot', '--json'], { cwd: wt });
      expect(snap.code, snap.stderr).toBe(0);
      const recorded = JSON.parse(repo.guard(['show', JSON.parse(snap.stdout).id, '--json'], { cwd: wt }).stdout);
      expect(Object.keys(recorded.refs)).toContain('refs/worktree/mark');
      expect(Object.keys(recorded.refs)).not.toContain('refs/worktree/mine');
      const mainSnap = snapshotId(repo);
      const mainRecorded = JSON.parse(repo.guard(['show', mainSnap, '--json']).stdout);
      expect(Object.keys(mainRecorded.refs)).toContain('refs/worktree/mine');
      expect(Object.keys(mainRecorded.refs)).not.toContain('refs/worktree/mark');

      repo.git(['bisect', 'reset'], { cwd: wt });
      repo.git(['update-ref', '-d', 'refs/worktree/mark'], { cwd: wt });
      rollback(repo, [JSON.parse(snap.stdout).id], wt);
      expect(ownRefs(repo, wt)).toBe(during.refs);
      expect(bisectFiles(repo, wt)).toEqual(during.files);
      expect(repo.git(['bisect', 'log'], { cwd: wt })).toBe(during.log);
      // The main worktree's own are as they were.
      expect(ownRefs(repo)).toBe(main.refs);
      expect(bisectFiles(repo)).toEqual(main.files);
      expect(repo.git(['bisect', 'log'])).toBe(main.log);
    }));

  it('a rollback to another worktree\'s snapshot neither writes that worktree\'s own refs here nor deletes this one\'s', () =>
    withTestRepo(async (repo) => {
      commitAll(repo, 'root', { 'r.txt': 'r\n' });
      const wt = path.join(repo.base, 'wt');
      repo.git(['worktree', 'add', '-q', '--detach', wt]);
      repo.git(['update-ref', 'refs/worktree/mark', 'HEAD'], { cwd: wt });
      repo.git(['update-ref', 'refs/worktree/mine', 'HEAD']);
      const theirs = repo.guard(['snapshot', '--json'], { cwd: wt });
      expect(theirs.code, theirs.stderr).toBe(0);
      const mine = ownRefs(repo);
      // The whole rollback is refused (rollback/other-worktree); --files-only moves no ref.
      const refused = repo.guard(['rollback', JSON.parse(theirs.stdout).id, '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`cd ${wt} && guard rollback`);
      const done = rollback(repo, [JSON.parse(theirs.stdout).id, '--files-only']);
      expect(done.plan.refs).toEqual([]);
      expect(ownRefs(repo)).toBe(mine);
      expect(ownRefs(repo, wt)).toContain('refs/worktree/mark');
      // The plan's own rule, for a caller that plans across worktrees: that worktree's refs are skipped, this one's kept.
      const opened = await openRepo(repo.dir);
      const plan = await planRefs(opened, await resolveSnapshot(opened, snapshotId(repo)), await resolveSnapshot(opened, JSON.parse(theirs.stdout).id));
      expect(plan.refs).toEqual([]);
      expect(plan.skippedRefs).toEqual([{ ref: 'refs/worktree/mark', reason: expect.stringContaining('roll back that worktree') }]);
    }));

  it('a rollback to a snapshot written before per-worktree refs were recorded leaves them as they are', () =>
    withTestRepo(async (repo) => {
      commitAll(repo, 'root', { 'r.txt': 'r\n' });
      const head = repo.git(['rev-parse', 'HEAD']).trim();
      repo.git(['update-ref', 'refs/worktree/mine', head]);
      const opened = await openRepo(repo.dir);
      const now = await readSnapshot(opened, snapshotId(repo));
      expect(now.worktreeRefs).toBe(true);
      expect(now.refs['refs/worktree/mine']).toBe(head);
      const { worktreeRefs: _, ...older } = { ...now, refs: { 'refs/heads/main': head } };
      const plan = await planRefs(opened, now, older as Snapshot);
      expect(plan.refs).toEqual([]);
      expect(plan.skippedRefs).toEqual([]);
      // The same snapshot with the mark: it says the ref was not there, so the rollback deletes it.
      expect((await planRefs(opened, now, { ...older, worktreeRefs: true } as Snapshot)).refs).toEqual([{ ref: 'refs/worktree/mine', from: head, to: null }]);
    }));
});
