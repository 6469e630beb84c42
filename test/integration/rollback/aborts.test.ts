/**
 * An agent ending the person's stopped operation (`git am --abort`, `git cherry-pick --skip`,
 * `git rebase --quit` ...) gets a snapshot first, through the path an installed agent hook takes
 * (the command `guard init` writes for the agent, the launcher in .git/guard, the sh fast path,
 * Node), and `guard rollback` to that snapshot gives the stopped operation back byte for byte
 * (git's state directory, the files with the person's edits, the index, HEAD), after which the
 * person's `--continue` makes the commits it would have made without the agent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { copyRepoSettled, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPush } from '../../helpers/env.js';

function journal(repo: TestRepo): Array<Record<string, unknown>> {
  const file = path.join(repo.dir, '.git', 'guard', 'journal.jsonl');
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

const gitPath = (repo: TestRepo, name: string, cwd = repo.dir): string => repo.git(['rev-parse', '--path-format=absolute', '--git-path', name], { cwd }).trim();

/** git's state directory `dir` and the files beside it, by name: base64 of the bytes; null when absent. */
function stateFiles(repo: TestRepo, dir: string, beside: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const where = gitPath(repo, dir);
  if (fs.existsSync(where)) for (const name of fs.readdirSync(where).sort()) out[`${dir}/${name}`] = fs.readFileSync(path.join(where, name)).toString('base64');
  else out[`${dir}/`] = null;
  for (const name of beside) {
    const file = gitPath(repo, name);
    out[name] = fs.existsSync(file) ? fs.readFileSync(file).toString('base64') : null;
  }
  return out;
}

function commitAll(repo: TestRepo, message: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) repo.write(name, content);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', message]);
  return repo.git(['rev-parse', 'HEAD']).trim();
}

/** The person's copy goes on without guard's hooks (they would journal into the copy). */
const NO_HOOKS = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '/dev/null' };

interface Case {
  /** The agent's command. */
  command: string;
  /** git's state directory of the operation, and the files beside it. */
  dir: string;
  beside: string[];
  /** Starts the person's operation, which stops on a.txt's conflict (on the branch `work`). */
  start(repo: TestRepo): void;
  /** What the person runs after resolving a.txt. */
  next: string[];
}

/** work (from base) and topic (k1..k4, k2 changing a.txt as work does). */
function branches(repo: TestRepo): string[] {
  commitAll(repo, 'base', { 'a.txt': 'base\n', 'b.txt': 'b\n' });
  repo.git(['checkout', '-q', '-b', 'topic']);
  const picks = [commitAll(repo, 'k1', { 'k1.txt': 'k1\n' }), commitAll(repo, 'k2 changes a', { 'a.txt': 'topic\n' }), commitAll(repo, 'k3', { 'k3.txt': 'k3\n' }), commitAll(repo, 'k4', { 'k4.txt': 'k4\n' })];
  repo.git(['checkout', '-q', '-b', 'work', 'main']);
  commitAll(repo, 'work', { 'a.txt': 'work\n' });
  return picks;
}

function amSeries(repo: TestRepo): void {
  branches(repo);
  const patches = path.join(repo.base, 'patches');
  repo.git(['format-patch', '-q', '-o', patches, 'main..topic']);
  // The series exists only as the patches, which go once the am has read them.
  repo.git(['branch', '-D', 'topic']);
  const files = fs.readdirSync(patches).sort().map((f) => path.join(patches, f));
  expect(repo.gitResult(['am', '-3', ...files]).code).not.toBe(0);
  fs.rmSync(patches, { recursive: true });
}

function cherryPicks(repo: TestRepo): void {
  const picks = branches(repo);
  expect(repo.gitResult(['cherry-pick', `${picks[0]}~1..${picks[3]}`]).code).not.toBe(0);
  // The commits left to pick are on no branch any more: only sequencer/todo names them.
  repo.git(['branch', '-D', 'topic']);
}

function rebase(repo: TestRepo): void {
  branches(repo);
  repo.git(['checkout', '-q', 'topic']);
  expect(repo.gitResult(['rebase', 'work']).code).not.toBe(0);
}

// One case per state directory (each takes some seconds); the corpus (test/unit/policy/command)
// holds every spelling, --skip and --quit of each command included.
const CASES: Case[] = [
  // `git am --abort` goes back to ORIG_HEAD: it must be as the stopped am left it.
  { command: 'git am --abort', dir: 'rebase-apply', beside: ['ORIG_HEAD'], start: amSeries, next: ['am', '--continue'] },
  { command: 'git cherry-pick --skip', dir: 'sequencer', beside: ['CHERRY_PICK_HEAD', 'MERGE_MSG'], start: cherryPicks, next: ['cherry-pick', '--continue'] },
  { command: 'git rebase --quit', dir: 'rebase-merge', beside: ['REBASE_HEAD', 'MERGE_MSG'], start: rebase, next: ['rebase', '--continue'] },
];

describe("an agent's --abort / --skip / --quit of the person's stopped operation", () => {
  it.each(CASES.map((c) => [c.command, c] as const))('%s: snapshot first, and the rollback gives the stopped operation back for --continue', (_name, c) =>
    withTestRepo((repo) => {
      c.start(repo);
      // Installed now (before, each of the set-up's commits runs guard's git hooks: seconds).
      const init = repo.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      // The person's work since it stopped: a half-done resolution, an edit, a new file.
      repo.write('a.txt', 'resolving...\n');
      repo.write('b.txt', 'b, edited meanwhile\n');
      repo.write('notes.txt', 'notes\n');
      const during = { files: stateFiles(repo, c.dir, c.beside), state: captureState(repo) };
      expect(Object.keys(during.files).length).toBeGreaterThan(1 + c.beside.length);
      // The person's own way on, from here, in a copy.
      const reference = path.join(repo.base, 'reference');
      copyRepoSettled(repo.dir, reference);

      const hook = installedClaudeHook(repo, c.command);
      expect(hook.decision).toBe('allow');
      const allowed = journal(repo).filter((e) => e.type === 'allowed-after-snapshot');
      expect(allowed).toHaveLength(1);
      expect(allowed[0]).toMatchObject({ command: c.command, rule: c.command.endsWith('--quit') ? 'git-operation-quit' : 'git-reset-hard' });
      const snap = allowed[0]!.snapshot as string;

      // The agent runs it; the operation's state is gone.
      const ran = repo.gitResult(c.command.split(' ').slice(1), { env: { CLAUDECODE: '1' } });
      expect(ran.code, ran.stderr).toBe(0);
      expect(fs.existsSync(gitPath(repo, c.dir))).toBe(false);

      const back = repo.guard(['rollback', snap.slice(0, 12), '--yes', '--json']);
      expect(back.code, back.stderr).toBe(0);
      expect(JSON.parse(back.stdout).plan.operation).toMatchObject({ restored: true, write: expect.arrayContaining([`${c.dir}/`]) });
      expect(stateFiles(repo, c.dir, c.beside)).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);

      for (const [cwd, env] of [[reference, NO_HOOKS], [repo.dir, {}]] as const) {
        fs.writeFileSync(path.join(cwd, 'a.txt'), 'resolved\n');
        // With the edits (a rebase goes on only without unstaged changes).
        repo.git(['add', '-A'], { cwd, env });
        repo.git(c.next, { cwd, env: { ...env, GIT_EDITOR: 'true' } });
      }
      const log = (cwd: string): string => repo.git(['log', '--format=%H %T %s', 'HEAD~4..HEAD'], { cwd });
      expect(log(repo.dir)).toBe(log(reference));
      expect(repo.git(['log', '--format=%s', '-5'])).toBe('k4\nk3\nk2 changes a\nk1\nwork\n');
      expect(repo.read('a.txt')).toBe('resolved\n');
      expect(fs.existsSync(gitPath(repo, c.dir))).toBe(false);
    }),
  );
});

describe('ORIG_HEAD of a stopped `git am`, which its --abort goes back to', () => {
  /** The series stopped on `work`, where it started (work's tip then). */
  function stoppedAm(repo: TestRepo): string {
    amSeries(repo);
    const started = repo.git(['rev-parse', 'ORIG_HEAD']).trim();
    expect(repo.git(['rev-parse', 'work~1']).trim()).toBe(started);
    return started;
  }

  it('comes back with `guard recover` after rm -rf .git: `git am --abort` then goes back to where the am started, not to an empty branch', () =>
    withTestRepo(async (repo) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(repo);
      const started = stoppedAm(repo);
      const during = { files: stateFiles(repo, 'rebase-apply', ['ORIG_HEAD']), state: captureState(repo) };
      const snap = json(repo, ['snapshot']);
      expect(snap.operationState.origHead).toBe(started);
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(repo);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

      const r = json(repo, ['recover', '--yes']);
      expect(r.operation).toMatchObject({ to: 'am', restored: true, write: ['ORIG_HEAD', 'rebase-apply/'] });
      expect(stateFiles(repo, 'rebase-apply', ['ORIG_HEAD'])).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);
      // What the recover's note offers: without ORIG_HEAD git would empty the index and delete `work`.
      repo.git(['am', '--abort']);
      expect(repo.git(['symbolic-ref', 'HEAD'])).toBe('refs/heads/work\n');
      expect(repo.git(['rev-parse', 'work']).trim()).toBe(started);
      expect(repo.git(['status', '--porcelain'])).toBe('');
      expect(repo.read('a.txt')).toBe('work\n');
    }));

  // In a reftable repository (git >= 2.45) ORIG_HEAD is an entry of the ref backend, not a file.
  const version = /git version (\d+)\.(\d+)/.exec(spawnSync('git', ['version'], { encoding: 'utf8' }).stdout ?? '');
  const reftable = Number(version?.[1]) > 2 || (Number(version?.[1]) === 2 && Number(version?.[2]) >= 45);
  it.each([['files'], ...(reftable ? [['reftable']] : [])])('comes back with a rollback after a `git reset` moved it, and is left in place when rolling back to no am (%s refs)', (format) =>
    withTestRepo((repo) => {
      repo.git(['init', '-q', '-b', 'main', ...(format === 'reftable' ? ['--ref-format=reftable'] : [])]);
      repo.git(['config', 'gc.auto', '0']);
      if (format === 'reftable') expect(repo.git(['rev-parse', '--show-ref-format']).trim()).toBe('reftable');
      expect(fs.existsSync(gitPath(repo, 'ORIG_HEAD'))).toBe(false);
      const started = stoppedAm(repo);
      expect(fs.existsSync(gitPath(repo, 'ORIG_HEAD'))).toBe(format === 'files');
      const before = json(repo, ['snapshot']);
      // Moves ORIG_HEAD (a reset records where HEAD was), then ends the am.
      repo.git(['reset', '-q', '--hard', 'main']);
      repo.git(['am', '--quit']);
      const moved = repo.git(['rev-parse', 'ORIG_HEAD']).trim();
      expect(moved).not.toBe(started);
      const back = json(repo, ['rollback', before.id, '--yes']);
      expect(back.plan.operation.write).toContain('ORIG_HEAD');
      expect(repo.git(['rev-parse', 'ORIG_HEAD']).trim()).toBe(started);
      // Back to the state without the am: rebase-apply/ goes, ORIG_HEAD stays (git leaves it too).
      const undone = json(repo, ['rollback', '--undo', '--yes']);
      expect(undone.plan.operation.remove).toEqual(['rebase-apply/']);
      expect(fs.existsSync(gitPath(repo, 'rebase-apply'))).toBe(false);
      expect(repo.git(['rev-parse', 'ORIG_HEAD']).trim()).toBe(started);
      json(repo, ['rollback', '--undo', '--yes']);
      repo.git(['am', '--abort']);
      expect(repo.git(['rev-parse', 'work']).trim()).toBe(started);
    }, { init: false }),
  );
});

describe('a write-back of rebase-apply/ killed midway', () => {
  const temp = /^\.rebase-apply\.guard-new-(\d+)\.([0-9a-f]{8})$/;
  const leftovers = (repo: TestRepo): string[] => fs.readdirSync(path.join(repo.dir, '.git')).filter((name) => name.includes('.guard-')).sort();

  it("leaves guard's temp directory, which the next rollback (--resume) removes, and never a name of git's, the person's or a live guard's", () =>
    withTestRepo((repo) => {
      amSeries(repo);
      const during = { files: stateFiles(repo, 'rebase-apply', ['ORIG_HEAD']), state: captureState(repo) };
      const snap = json(repo, ['snapshot']);
      repo.git(['am', '--abort']);
      const killed = repo.guard(['rollback', snap.id, '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_IN_OPERATION_DIR: '1' } });
      expect(killed.code).not.toBe(0);
      expect(fs.existsSync(gitPath(repo, 'rebase-apply'))).toBe(false);
      const [left, ...more] = leftovers(repo);
      expect(more).toEqual([]);
      const [, , tag] = temp.exec(left ?? '') ?? [];
      expect(tag).toBeDefined();
      // A live guard's (this test's parent runs), and names that are not guard's.
      const others = [`.rebase-apply.guard-new-${process.ppid}.${tag}`, '.rebase-apply.mine', 'rebase-apply.guard-new-1.x'];
      for (const name of others) fs.mkdirSync(path.join(repo.dir, '.git', name));

      const resumed = repo.guard(['rollback', '--resume', '--yes']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(stateFiles(repo, 'rebase-apply', ['ORIG_HEAD'])).toEqual(during.files);
      expect(captureState(repo)).toEqual(during.state);
      expect(leftovers(repo)).toEqual([`.rebase-apply.guard-new-${process.ppid}.${tag}`, 'rebase-apply.guard-new-1.x'].sort());
      for (const name of others) expect(fs.existsSync(path.join(repo.dir, '.git', name))).toBe(true);
      repo.write('a.txt', 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['am', '--continue']);
      expect(repo.git(['log', '--format=%s', '-5'])).toBe('k4\nk3\nk2 changes a\nk1\nwork\n');
    }));
});
