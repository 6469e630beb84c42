/**
 * A snapshot taken during a rebase, a `git am` or a multi-commit cherry-pick records git's state
 * directory of it (rebase-merge/, rebase-apply/, sequencer/: snapshot/operation-dirs.ts), and
 * rollback, `--undo` and `guard recover` write it back byte for byte, so after an agent's
 * `git rebase --abort` the person goes on with `git rebase --continue` and gets the commits they
 * would have had. The commits those files name outlive the abort and `git gc --prune=now` (the
 * keeper). A rebase in progress that no rollback wrote is never replaced or removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { copyRepoSettled, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { openRepo } from '../../../src/git/repo.js';
import { rollback as rollbackInProcess } from '../../../src/restore/rollback.js';
import { GuardError } from '../../../src/errors.js';
import { realBackupPush } from '../../helpers/env.js';

function snapshot(repo: TestRepo, cwd?: string): any {
  const r = repo.guard(['snapshot', '--json'], cwd ? { cwd } : {});
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function rollback(repo: TestRepo, args: string[], cwd?: string): any {
  const r = repo.guard(['rollback', ...args, '--yes', '--json'], cwd ? { cwd } : {});
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function gitPath(repo: TestRepo, name: string, cwd?: string): string {
  return repo.git(['rev-parse', '--path-format=absolute', '--git-path', name], cwd ? { cwd } : {}).trim();
}

/** Every file of git's state directory `name` (and the loose files beside it), by name: base64 of the bytes; null when absent. */
function stateFiles(repo: TestRepo, dir: string, beside: string[], cwd?: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const where = gitPath(repo, dir, cwd);
  if (fs.existsSync(where)) for (const name of fs.readdirSync(where).sort()) out[`${dir}/${name}`] = fs.readFileSync(path.join(where, name)).toString('base64');
  else out[`${dir}/`] = null;
  for (const name of beside) {
    const file = gitPath(repo, name, cwd);
    out[name] = fs.existsSync(file) ? fs.readFileSync(file).toString('base64') : null;
  }
  return out;
}

const porcelain = (repo: TestRepo, cwd?: string): string => repo.git(['status', '--porcelain=v2', '--branch', '-z'], cwd ? { cwd } : {});

/** Makes what no ref or reflog holds unreachable, and prunes it: only guard's keeper holds it then. */
function pruneUnreachable(repo: TestRepo): void {
  repo.git(['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
  repo.git(['gc', '-q', '--prune=now']);
}

/** A copy of the whole repository as it is now (the person's own, to finish the operation the way they would have). */
function copyRepo(repo: TestRepo, name: string): string {
  const copy = path.join(repo.base, name);
  copyRepoSettled(repo.dir, copy);
  return copy;
}

/** The history a finished operation left: each commit's tree, parents' trees, author and message, newest first. */
function history(repo: TestRepo, cwd: string, range: string): string {
  return repo.git(['log', '--format=%H %T %an %ae %ad%n%B%x00', range], { cwd });
}

function commitAll(repo: TestRepo, message: string, files: Record<string, string>, cwd?: string): string {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(cwd ?? repo.dir, name), content);
  repo.git(['add', '-A'], cwd ? { cwd } : {});
  repo.git(['commit', '-q', '-m', message], cwd ? { cwd } : {});
  return repo.git(['rev-parse', 'HEAD'], cwd ? { cwd } : {}).trim();
}

/**
 * topic (t1..t5 on base; t3 changes a.txt) rebased interactively onto main (which changes a.txt
 * too), with an edited todo: t4 dropped, t5 reworded, a commit of branch `extra` picked at the
 * end, and an `exec`; a dirty b.txt autostashed. Stops on t3's conflict, then the todo is edited
 * again (`git rebase --edit-todo`). Returns the picked commit of `extra`.
 */
function startEditedRebase(repo: TestRepo, cwd?: string): string {
  const at = cwd ?? repo.dir;
  const opts = cwd ? { cwd } : {};
  repo.git(['checkout', '-q', '-b', 'extra'], opts);
  const extra = commitAll(repo, 'extra work', { 'x.txt': 'extra\n' }, at);
  repo.git(['checkout', '-q', 'main'], opts);
  repo.git(['checkout', '-q', '-b', 'topic'], opts);
  for (let i = 1; i <= 5; i++) commitAll(repo, `t${i}\n\nbody of t${i}`, { [`t${i}.txt`]: `t${i}\n`, ...(i === 3 ? { 'a.txt': 'topic\n' } : {}) }, at);
  repo.git(['checkout', '-q', 'main'], opts);
  commitAll(repo, 'main', { 'a.txt': 'main\n' }, at);
  repo.git(['checkout', '-q', 'topic'], opts);
  fs.writeFileSync(path.join(at, 'b.txt'), 'dirty, autostashed\n');
  const editor = path.join(repo.base, 'edit-todo.sh');
  fs.writeFileSync(editor, `#!/bin/sh\nsed -i -e '/ t4$/d' -e 's/^pick \\([0-9a-f]*\\) t5$/reword \\1 t5/' "$1"\necho "pick ${extra} extra work" >> "$1"\necho "exec true" >> "$1"\n`, { mode: 0o755 });
  const reword = path.join(repo.base, 'reword.sh');
  fs.writeFileSync(reword, `#!/bin/sh\ncase "$1" in *COMMIT_EDITMSG) sed -i '1s/$/ (reworded)/' "$1";; esac\n`, { mode: 0o755 });
  const started = repo.gitResult(['rebase', '-i', '--autostash', 'main'], { ...opts, env: { GIT_SEQUENCE_EDITOR: editor, GIT_EDITOR: reword } });
  if (started.code === 0) throw new Error('expected the rebase to stop on t3');
  // Edited again while stopped: one more exec at the end.
  repo.git(['rebase', '--edit-todo'], { ...opts, env: { GIT_SEQUENCE_EDITOR: `sh -c 'echo "exec echo done >/dev/null" >> "$1"' --` } });
  return extra;
}

function base(repo: TestRepo, cwd?: string): void {
  commitAll(repo, 'base', { 'a.txt': 'base\n', 'b.txt': 'b\n' }, cwd);
}

/** Resolves a.txt and finishes the rebase as the person would. */
function continueRebase(repo: TestRepo, cwd: string): void {
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'resolved\n');
  repo.git(['add', 'a.txt'], { cwd });
  repo.git(['rebase', '--continue'], { cwd, env: { GIT_EDITOR: path.join(repo.base, 'reword.sh') } });
}

const REBASE_BESIDE = ['REBASE_HEAD', 'MERGE_MSG'];

describe('rollback of a snapshot taken during an interactive rebase', () => {
  it('after `git rebase --abort` and gc: rebase-merge/ comes back byte for byte, --continue makes the same commits, and --undo goes back and forth', () =>
    withTestRepo((repo) => {
      base(repo);
      const extra = startEditedRebase(repo);
      const during = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), status: porcelain(repo), state: captureState(repo) };
      expect(during.files['rebase-merge/git-rebase-todo']).toBeDefined();
      expect(during.files['rebase-merge/autostash']).toBeDefined();
      expect(Buffer.from(during.files['rebase-merge/git-rebase-todo']!, 'base64').toString()).toContain(`pick ${extra.slice(0, 7)}`);
      const snap = snapshot(repo);
      expect(snap.operation).toBe('rebase');
      expect(Object.keys(snap.operationState.dirs)).toEqual(['rebase-merge']);
      // The person's own way on, from here: a copy finishes the rebase untouched.
      const reference = copyRepo(repo, 'reference');

      // The agent aborts the rebase, and the picked commit's branch is deleted; gc prunes.
      const autostash = Buffer.from(during.files['rebase-merge/autostash']!, 'base64').toString().trim();
      repo.git(['rebase', '--abort']);
      repo.git(['branch', '-D', 'extra']);
      pruneUnreachable(repo);
      // Only the snapshot's keeper holds the picked commit and the autostash commit now.
      expect(repo.gitResult(['cat-file', '-e', `${extra}^{commit}`]).code).toBe(0);
      expect(repo.gitResult(['cat-file', '-e', `${autostash}^{commit}`]).code).toBe(0);
      const aborted = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
      expect(aborted.files['rebase-merge/']).toBeNull();

      const done = rollback(repo, [snap.id]);
      expect(done.plan.operation).toMatchObject({ from: null, to: 'rebase', restored: true, remove: [] });
      expect(done.plan.operation.write).toEqual(['REBASE_HEAD', 'MERGE_MSG', 'rebase-merge/']);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);
      expect(repo.git(['status'])).toContain('interactive rebase in progress');

      // --undo: back to the aborted state, without the rebase; --undo again: the rebase once more.
      const undone = rollback(repo, ['--undo']);
      expect(undone.plan.operation).toMatchObject({ from: 'rebase', to: null, write: [], remove: ['REBASE_HEAD', 'MERGE_MSG', 'rebase-merge/'] });
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(aborted.files);
      expect(captureState(repo)).toEqual(aborted.state);
      expect(repo.git(['status'])).not.toContain('rebase in progress');
      rollback(repo, ['--undo']);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);

      // Finishing it gives what finishing the original gave: same commits (fixed dates: same ids), same files.
      continueRebase(repo, reference);
      continueRebase(repo, repo.dir);
      expect(history(repo, repo.dir, 'main..topic')).toBe(history(repo, reference, 'main..topic'));
      expect(history(repo, repo.dir, 'main..topic')).toContain('t5 (reworded)');
      expect(history(repo, repo.dir, 'main..topic')).toContain('extra work');
      expect(captureState(repo)).toEqual(captureState(repo, reference));
      expect(repo.read('b.txt')).toBe('dirty, autostashed\n');
      expect(fs.existsSync(gitPath(repo, 'rebase-merge'))).toBe(false);
    }));

  it('after `git reset --hard` and `rm -rf .git/rebase-merge` the same, and a rebase the person started since is never replaced', () =>
    withTestRepo((repo) => {
      base(repo);
      startEditedRebase(repo);
      const during = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
      const snap = snapshot(repo);
      repo.git(['reset', '-q', '--hard']);
      fs.rmSync(gitPath(repo, 'rebase-merge'), { recursive: true, force: true });
      repo.git(['checkout', '-q', '-f', 'topic']);
      rollback(repo, [snap.id]);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);

      // The person goes on with the rebase (edits its todo): it is no longer what the rollback
      // wrote, so neither --undo nor another rollback touches it.
      repo.git(['rebase', '--edit-todo'], { env: { GIT_SEQUENCE_EDITOR: `sh -c 'echo "exec echo mine >/dev/null" >> "$1"' --` } });
      const mine = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
      for (const args of [['--undo'], [snap.id]]) {
        const refused = repo.guard(['rollback', ...args, '--yes']);
        expect(refused.code).toBe(3);
        expect(refused.stderr).toContain('a rebase is in progress');
        expect(refused.stderr).toContain('guard snapshot');
        expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(mine.files);
        expect(captureState(repo)).toEqual(mine.state);
      }
    }));
});

describe('from one rebase state to another', () => {
  it('a rollback from a rebase it wrote to another step of it replaces rebase-merge/ whole, and --undo brings the first back', () =>
    withTestRepo((repo) => {
      base(repo);
      startEditedRebase(repo);
      const first = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
      const early = snapshot(repo);
      // A step further: t3 resolved and committed, the rebase stops again at a `break` put first in its todo.
      repo.git(['rebase', '--edit-todo'], { env: { GIT_SEQUENCE_EDITOR: `sed -i '1i break'` } });
      fs.writeFileSync(path.join(repo.dir, 'a.txt'), 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['rebase', '--continue'], { env: { GIT_EDITOR: 'true' } });
      expect(repo.git(['status'])).toContain('interactive rebase in progress');
      const second = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
      expect(second.files).not.toEqual(first.files);
      const later = snapshot(repo);
      repo.git(['rebase', '--abort']);

      rollback(repo, [early.id]);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(first.files);
      const done = rollback(repo, [later.id]);
      expect(done.plan.operation).toMatchObject({ from: 'rebase', to: 'rebase', restored: true });
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(second.files);
      expect(captureState(repo)).toEqual(second.state);
      rollback(repo, ['--undo']);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(first.files);
      expect(captureState(repo)).toEqual(first.state);
    }));

  it('a branch whose name is not UTF-8: head-name comes back byte for byte and --continue updates that branch', () =>
    withTestRepo((repo) => {
      base(repo);
      // git takes any bytes in a branch name; node's arguments cannot hold them, a shell's can.
      const sh = (script: string): string => execFileSync('sh', ['-c', script], { cwd: repo.dir, env: repo.env }).toString('latin1');
      sh(`git checkout -q -b "$(printf 'topic-\\377')"`);
      commitAll(repo, 'topic change', { 'a.txt': 'topic\n' });
      sh(`git checkout -q main`);
      commitAll(repo, 'main', { 'a.txt': 'main\n' });
      sh(`git checkout -q "$(printf 'topic-\\377')"`);
      expect(repo.gitResult(['rebase', 'main']).code).not.toBe(0);
      const headName = fs.readFileSync(path.join(gitPath(repo, 'rebase-merge'), 'head-name'));
      expect(headName).toEqual(Buffer.concat([Buffer.from('refs/heads/topic-'), Buffer.from([0xff]), Buffer.from('\n')]));
      const during = stateFiles(repo, 'rebase-merge', REBASE_BESIDE);
      const snap = snapshot(repo);
      repo.git(['rebase', '--abort']);
      rollback(repo, [snap.id]);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(during);
      fs.writeFileSync(path.join(repo.dir, 'a.txt'), 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['rebase', '--continue'], { env: { GIT_EDITOR: 'true' } });
      expect(sh(`git rev-parse "$(printf 'topic-\\377')~1"`).trim()).toBe(repo.git(['rev-parse', 'main']).trim());
      expect(sh('git symbolic-ref HEAD')).toBe('refs/heads/topic-\xff\n');
    }));
});

describe('rollback of a snapshot taken during `git am`', () => {
  it('rebase-apply/ comes back byte for byte after `git am --abort`, and `git am --continue` applies the rest as it would have', () =>
    withTestRepo((repo) => {
      base(repo);
      repo.git(['checkout', '-q', '-b', 'series']);
      commitAll(repo, 'p1', { 'p1.txt': 'p1\n' });
      commitAll(repo, 'p2 changes a', { 'a.txt': 'series\n' });
      commitAll(repo, 'p3', { 'p3.txt': 'p3\n' });
      commitAll(repo, 'p4', { 'p4.txt': 'p4\n' });
      const patches = path.join(repo.base, 'patches');
      repo.git(['format-patch', '-q', '-o', patches, 'main']);
      repo.git(['checkout', '-q', 'main']);
      repo.git(['branch', '-D', 'series']);
      commitAll(repo, 'main', { 'a.txt': 'main\n' });
      const files = fs.readdirSync(patches).sort().map((f) => path.join(patches, f));
      expect(repo.gitResult(['am', '-3', ...files]).code).not.toBe(0);
      const during = { files: stateFiles(repo, 'rebase-apply', ['MERGE_MSG']), status: porcelain(repo), state: captureState(repo) };
      expect(during.files['rebase-apply/applying']).toBeDefined();
      const snap = snapshot(repo);
      expect(snap.operation).toBe('am');
      const reference = copyRepo(repo, 'reference');

      repo.git(['am', '--abort']);
      fs.rmSync(patches, { recursive: true, force: true });
      pruneUnreachable(repo);
      const done = rollback(repo, [snap.id]);
      expect(done.plan.operation).toMatchObject({ to: 'am', restored: true });
      expect(done.plan.operation.write).toContain('rebase-apply/');
      expect(stateFiles(repo, 'rebase-apply', ['MERGE_MSG'])).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);
      expect(repo.git(['status'])).toContain('You are in the middle of an am session');

      for (const cwd of [reference, repo.dir]) {
        fs.writeFileSync(path.join(cwd, 'a.txt'), 'resolved\n');
        repo.git(['add', 'a.txt'], { cwd });
        repo.git(['am', '--continue'], { cwd });
      }
      expect(history(repo, repo.dir, 'HEAD~4..HEAD')).toBe(history(repo, reference, 'HEAD~4..HEAD'));
      expect(repo.git(['log', '--format=%s', '-4'])).toBe('p4\np3\np2 changes a\np1\n');
    }));
});

describe('rollback of a snapshot taken during a multi-commit cherry-pick', () => {
  it('sequencer/ and CHERRY_PICK_HEAD come back; the picks left are kept through gc and `--continue` applies them', () =>
    withTestRepo((repo) => {
      base(repo);
      repo.git(['checkout', '-q', '-b', 'picks']);
      const first = commitAll(repo, 'k1', { 'k1.txt': 'k1\n' });
      commitAll(repo, 'k2 changes a', { 'a.txt': 'picks\n' });
      commitAll(repo, 'k3', { 'k3.txt': 'k3\n' });
      const last = commitAll(repo, 'k4', { 'k4.txt': 'k4\n' });
      repo.git(['checkout', '-q', 'main']);
      commitAll(repo, 'main', { 'a.txt': 'main\n' });
      expect(repo.gitResult(['cherry-pick', `${first}~1..${last}`]).code).not.toBe(0);
      // The picked commits are on no branch any more: only sequencer/todo names k3 and k4.
      repo.git(['branch', '-D', 'picks']);
      const beside = ['CHERRY_PICK_HEAD', 'MERGE_MSG'];
      const during = { files: stateFiles(repo, 'sequencer', beside), status: porcelain(repo), state: captureState(repo) };
      expect(during.files['sequencer/todo']).toBeDefined();
      const snap = snapshot(repo);
      expect(snap.operation).toBe('cherry-pick');
      expect(snap.operationState.dirs.sequencer).toMatch(/^[0-9a-f]{40}$/);
      const reference = copyRepo(repo, 'reference');

      repo.git(['cherry-pick', '--abort']);
      pruneUnreachable(repo);
      expect(repo.gitResult(['cat-file', '-e', `${last}^{commit}`]).code).toBe(0);
      const done = rollback(repo, [snap.id]);
      expect(done.plan.operation.write).toEqual(['CHERRY_PICK_HEAD', 'MERGE_MSG', 'sequencer/']);
      expect(done.plan.operation.notes.join('\n')).toContain('come back too');
      expect(stateFiles(repo, 'sequencer', beside)).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);

      for (const cwd of [reference, repo.dir]) {
        fs.writeFileSync(path.join(cwd, 'a.txt'), 'resolved\n');
        repo.git(['add', 'a.txt'], { cwd });
        repo.git(['cherry-pick', '--continue'], { cwd, env: { GIT_EDITOR: 'true' } });
      }
      expect(repo.git(['log', '--format=%s', '-5'])).toBe('k4\nk3\nk2 changes a\nk1\nmain\n');
      expect(history(repo, repo.dir, 'HEAD~4..HEAD')).toBe(history(repo, reference, 'HEAD~4..HEAD'));
      expect(fs.existsSync(gitPath(repo, 'sequencer'))).toBe(false);
    }));
});

describe('a cherry-pick of several commits whose stopped pick was committed with `git commit`', () => {
  it('sequencer/ alone is a cherry-pick in progress (as git status says): recorded, and a rollback refuses to go over it', () =>
    withTestRepo((repo) => {
      base(repo);
      repo.git(['checkout', '-q', '-b', 'picks']);
      const first = commitAll(repo, 'k1 changes a', { 'a.txt': 'picks\n' });
      const last = commitAll(repo, 'k2', { 'k2.txt': 'k2\n' });
      repo.git(['checkout', '-q', 'main']);
      const before = snapshot(repo);
      commitAll(repo, 'main', { 'a.txt': 'main\n' });
      expect(repo.gitResult(['cherry-pick', `${first}~1..${last}`]).code).not.toBe(0);
      fs.writeFileSync(path.join(repo.dir, 'a.txt'), 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['commit', '-q', '--no-edit']);
      expect(fs.existsSync(gitPath(repo, 'CHERRY_PICK_HEAD'))).toBe(false);
      expect(repo.git(['status'])).toContain('cherry-pick');
      const during = { files: stateFiles(repo, 'sequencer', []), state: captureState(repo) };
      const snap = snapshot(repo);
      expect(snap.operation).toBe('cherry-pick');
      expect(Object.keys(snap.operationState.dirs)).toEqual(['sequencer']);

      const refused = repo.guard(['rollback', before.id, '--yes']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('a cherry-pick is in progress');
      expect(stateFiles(repo, 'sequencer', [])).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);
    }));
});

describe('a rebase changed while a rollback waits for its confirmation', () => {
  it('`git rebase --edit-todo` meanwhile (HEAD unmoved) stops the --undo before anything changes; the edited rebase stays', async () =>
    withTestRepo(async (repo) => {
      base(repo);
      startEditedRebase(repo);
      const snap = snapshot(repo);
      repo.git(['rebase', '--abort']);
      rollback(repo, [snap.id]);
      // In-process, so the confirmation can run git meanwhile; as hermetic as the CLI.
      for (const key of Object.keys(process.env)) if (key.startsWith('GIT_') || key.startsWith('GUARD_')) delete process.env[key];
      Object.assign(process.env, repo.env);
      let edited: { files: Record<string, string | null>; state: ReturnType<typeof captureState> } | null = null;
      const error = await rollbackInProcess(await openRepo(repo.dir), {
        undo: true,
        confirm: async () => {
          repo.git(['rebase', '--edit-todo'], { env: { GIT_SEQUENCE_EDITOR: `sh -c 'echo "exec echo mine >/dev/null" >> "$1"' --` } });
          edited = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
          return true;
        },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GuardError);
      expect((error as GuardError).message).toContain("git's rebase state changed since the plan");
      expect((error as GuardError).message).toContain('nothing was changed');
      expect(edited).not.toBeNull();
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(edited!.files);
      expect(captureState(repo)).toEqual(edited!.state);
    }));
});

describe('an interrupted rollback to a snapshot taken mid-rebase', () => {
  it('killed before the rebase state was written: --resume writes it, byte for byte', () =>
    withTestRepo((repo) => {
      base(repo);
      startEditedRebase(repo);
      const during = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), state: captureState(repo) };
      const snap = snapshot(repo);
      repo.git(['rebase', '--abort']);
      const killed = repo.guard(['rollback', snap.id, '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: 'index' } });
      expect(killed.code).not.toBe(0);
      expect(fs.existsSync(gitPath(repo, 'rebase-merge'))).toBe(false);
      const resumed = repo.guard(['rollback', '--resume', '--yes']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);
    }));
});

describe('in a linked worktree', () => {
  it("the rebase state goes back into the worktree's own git dir", () =>
    withTestRepo((repo) => {
      base(repo);
      const wt = path.join(repo.base, 'linked');
      repo.git(['worktree', 'add', '-q', '--detach', wt]);
      repo.git(['checkout', '-q', '-b', 'wtmain'], { cwd: wt });
      // startEditedRebase works from `main`: the linked worktree has its own branches for it.
      repo.git(['branch', '-m', 'main', 'first']);
      repo.git(['branch', '-m', 'wtmain', 'main'], { cwd: wt });
      startEditedRebase(repo, wt);
      const own = gitPath(repo, 'rebase-merge', wt);
      expect(own).toContain(`${path.sep}worktrees${path.sep}`);
      const during = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE, wt), state: captureState(repo, wt) };
      const snap = snapshot(repo, wt);
      repo.git(['rebase', '--abort'], { cwd: wt });
      rollback(repo, [snap.id], wt);
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE, wt)).toEqual(during.files);
      expect(captureState(repo, wt)).toEqual(during.state);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'rebase-merge'))).toBe(false);
      expect(repo.git(['status'])).not.toContain('rebase in progress');
      continueRebase(repo, wt);
      expect(repo.git(['log', '--format=%s', '-1'], { cwd: wt })).toBe('extra work\n');
    }));
});

describe('guard recover', () => {
  it('after rm -rf .git during a rebase brings rebase-merge/ back from the backup, and --continue finishes it', () =>
    withTestRepo(async (repo) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(repo);
      base(repo);
      startEditedRebase(repo);
      const during = { files: stateFiles(repo, 'rebase-merge', REBASE_BESIDE), status: porcelain(repo), state: captureState(repo) };
      json(repo, ['snapshot']);
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(repo);
      const reference = copyRepo(repo, 'reference');
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

      const asked = repo.guard(['recover']);
      expect(asked.stdout).toContain('rebase in progress: REBASE_HEAD, MERGE_MSG, rebase-merge/ written back');
      const r = json(repo, ['recover', '--yes']);
      expect(r.operation).toMatchObject({ to: 'rebase', restored: true, write: ['REBASE_HEAD', 'MERGE_MSG', 'rebase-merge/'] });
      expect(stateFiles(repo, 'rebase-merge', REBASE_BESIDE)).toEqual(during.files);
      expect(porcelain(repo)).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);
      continueRebase(repo, reference);
      continueRebase(repo, repo.dir);
      expect(history(repo, repo.dir, 'main..topic')).toBe(history(repo, reference, 'main..topic'));
      expect(captureState(repo)).toEqual(captureState(repo, reference));
    }));
});
