/**
 * The agent hook refuses up front what the git layer would refuse part-way (issue 9): a reset of
 * protected main used to get "snapshot, then allow", then git reset the working tree and only
 * afterwards reference-transaction refused to move main. And for an agent that runs git with the
 * hooks switched off (Gemini CLI: GIT_CONFIG_* sets core.hooksPath to ""), the agent hook is the
 * only layer left: it enforces the same rules from the same evaluation.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARD_BIN } from '../../helpers/git-repo.js';
import { withGitCount } from '../../helpers/git-trace.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFile, dirState, guarded, type Guarded } from './setup.js';

let repo: Guarded | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function claude(t: Guarded, command: string, env: Record<string, string> = {}) {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...env }, input: JSON.stringify(payload), encoding: 'utf8' });
  const out = r.stdout.trim() === '' ? null : JSON.parse(r.stdout).hookSpecificOutput;
  return { code: r.status, decision: (out?.permissionDecision ?? 'allow') as string, reason: (out?.permissionDecisionReason ?? '') as string };
}

function gemini(t: Guarded, command: string, env: Record<string, string> = {}) {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'gemini', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...env }, input: JSON.stringify(payload), encoding: 'utf8' });
  const out = JSON.parse(r.stdout);
  return { code: r.status, decision: (out.decision ?? 'allow') as string, reason: (out.reason ?? '') as string };
}

/** What Gemini CLI puts in the environment of every shell command it runs. */
const GEMINI_SHELL_ENV = { GEMINI_CLI: '1', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '' };

/** Everything a half-done command could have changed: files, the index, HEAD and the refs. */
function state(t: Guarded) {
  // .git is left out: the watcher writes its own files there while the test runs.
  const files = dirState(t.dir, (rel) => rel === '.git');
  return {
    files,
    index: t.git(['ls-files', '-s', '--debug']),
    head: t.git(['symbolic-ref', 'HEAD']),
    refs: t.git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags']),
  };
}

function snapshots(t: Guarded): number {
  return t.journal().filter((e) => e.type === 'allowed-after-snapshot').length;
}

describe('agent hook: no half-done commands on protected branches', () => {
  it('denies git reset --hard HEAD~1 on main before it starts, and leaves the work untouched', () => {
    repo = guarded();
    commitFile(repo, 'src/app.js', 'console.log(2);\n');
    repo.write('src/app.js', 'uncommitted work\n');
    repo.write('notes.txt', 'untracked work\n');
    repo.git(['add', 'notes.txt']);
    const before = state(repo);
    const r = claude(repo, 'git reset --hard HEAD~1');
    expect(r.code).toBe(0);
    expect(r.decision).toBe('deny');
    expect(r.reason).toContain('protected-branch-rewrite');
    expect(r.reason).toContain('move the protected branch main');
    expect(r.reason).toContain('not a fast-forward');
    expect(state(repo)).toEqual(before);
    expect(snapshots(repo)).toBe(0);
    // The same check with the same words as the git layer: reference-transaction refuses the same move.
    const git = repo.run(['reset', '--soft', 'HEAD~1'], { env: { CLAUDECODE: '1' } });
    expect(git.code).not.toBe(0);
    expect(git.stderr).toContain('move the protected branch main');
  });

  it('takes a snapshot and allows the same reset on a feature branch', () => {
    repo = guarded();
    repo.git(['switch', '-q', '-c', 'feature']);
    commitFile(repo, 'src/app.js', 'console.log(2);\n');
    repo.write('src/app.js', 'uncommitted work\n');
    const r = claude(repo, 'git reset --hard HEAD~1');
    expect(r.decision).toBe('allow');
    expect(snapshots(repo)).toBe(1);
  });

  it('allows a reset of main that is a fast-forward, and judges the branch a line switches to', () => {
    repo = guarded();
    repo.git(['branch', 'ahead']);
    repo.git(['switch', '-q', 'ahead']);
    commitFile(repo, 'src/app.js', 'console.log(3);\n');
    repo.git(['switch', '-q', 'main']);
    expect(claude(repo, 'git reset --hard ahead').decision).toBe('allow');
    expect(claude(repo, 'git reset HEAD src/app.js').decision).toBe('allow');
    expect(claude(repo, 'git switch -c tmp && git reset --hard HEAD~1').decision).toBe('allow');
    repo.git(['switch', '-q', 'ahead']);
    expect(claude(repo, 'git checkout main && git reset --soft HEAD~1').decision).toBe('deny');
  });

  it('denies commit --amend, an interactive rebase and renaming main away; allows a rebase that only fast-forwards', () => {
    repo = guarded();
    commitFile(repo, 'src/app.js', 'console.log(2);\n');
    for (const command of ['git commit --amend -m "better message"', 'git rebase -i HEAD~1', 'git branch -m trunk', 'git update-ref HEAD HEAD~1']) {
      const r = claude(repo, command);
      expect(r.decision, command).toBe('deny');
    }
    repo.git(['branch', 'upstream-ahead']);
    repo.git(['switch', '-q', 'upstream-ahead']);
    commitFile(repo, 'src/app.js', 'console.log(4);\n');
    repo.git(['switch', '-q', 'main']);
    expect(claude(repo, 'git rebase upstream-ahead').decision).toBe('allow');
  });

  it('lets a person-approved rewrite through to the git layer, which uses the approval', () => {
    repo = guarded();
    commitFile(repo, 'src/app.js', 'console.log(2);\n');
    // guard approve needs a terminal; write the approval the way it does.
    const approval = { rule: 'protected-branch-rewrite', once: true, createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString(), by: 'test', tty: null };
    repo.write('.git/guard/approvals/protected-branch-rewrite.json', JSON.stringify(approval));
    const tip = repo.rev('main');
    expect(claude(repo, 'git reset --soft HEAD~1').decision).toBe('allow');
    expect(repo.run(['reset', '--soft', 'HEAD~1'], { env: { CLAUDECODE: '1' } }).code).toBe(0);
    expect(repo.rev('main')).not.toBe(tip);
  });
});

describe("agent hook: an abort that moves protected main back to where the person's operation started", () => {
  /** git's state directory of the operation, file by file. */
  const opState = (t: Guarded, dir: string): Record<string, string> => dirState(path.join(t.dir, '.git', dir));

  /**
   * The person's `git am` or `git cherry-pick` of a few commits on main stops on k2's conflict,
   * with k3 left: `applied`, k1 came first and is on main now; otherwise k2 is the first.
   */
  function stopped(t: Guarded, how: 'am' | 'cherry-pick', applied: boolean): void {
    t.git(['switch', '-q', '-c', 'topic']);
    if (applied) commitFile(t, 'k1.txt', 'k1\n', 'k1');
    commitFile(t, 'src/app.js', 'topic\n', 'k2');
    commitFile(t, 'k3.txt', 'k3\n', 'k3');
    t.git(['switch', '-q', 'main']);
    commitFile(t, 'src/app.js', 'main\n', 'main');
    if (how === 'am') {
      const patches = path.join(t.base, 'patches');
      t.git(['format-patch', '-q', '-o', patches, 'main...topic']);
      expect(t.run(['am', '-3', ...fs.readdirSync(patches).sort().map((f) => path.join(patches, f))]).code).not.toBe(0);
    } else expect(t.run(['cherry-pick', 'main..topic']).code).not.toBe(0);
    expect(t.git(['log', '-1', '--format=%s'])).toBe(applied ? 'k1\n' : 'main\n');
  }

  it('denies git am --abort on main after a patch was applied, before git resets anything', () => {
    repo = guarded();
    stopped(repo, 'am', true);
    const before = { ...state(repo), op: opState(repo, 'rebase-apply') };
    const r = claude(repo, 'git am --abort');
    expect(r.decision).toBe('deny');
    expect(r.reason).toContain('protected-branch-rewrite');
    expect(r.reason).toContain('move the protected branch main');
    expect({ ...state(repo), op: opState(repo, 'rebase-apply') }).toEqual(before);
    expect(snapshots(repo)).toBe(0);
    // What the hook spares: git resets the index and files, and only then is main's move refused.
    const git = repo.run(['am', '--abort'], { env: { CLAUDECODE: '1' } });
    expect(git.code).not.toBe(0);
    expect(git.stderr).toContain('move the protected branch main');
    expect(repo.git(['status', '--porcelain'])).not.toBe('');
  });

  it('denies git cherry-pick --abort on main after a pick was committed, and allows it once the person committed the stopped pick themselves (git no longer rewinds)', () => {
    repo = guarded();
    stopped(repo, 'cherry-pick', true);
    const before = { ...state(repo), op: opState(repo, 'sequencer') };
    const r = claude(repo, 'git cherry-pick --abort');
    expect(r.decision).toBe('deny');
    expect(r.reason).toContain('move the protected branch main');
    expect({ ...state(repo), op: opState(repo, 'sequencer') }).toEqual(before);
    expect(snapshots(repo)).toBe(0);
    repo.write('src/app.js', 'resolved\n');
    repo.git(['add', 'src/app.js']);
    repo.git(['commit', '-q', '--no-edit']);
    const tip = repo.rev('main');
    expect(claude(repo, 'git cherry-pick --abort').decision).toBe('allow');
    expect(snapshots(repo)).toBe(1);
    const git = repo.run(['cherry-pick', '--abort'], { env: { CLAUDECODE: '1' } });
    expect(git.stderr).toContain('You seem to have moved HEAD');
    expect(repo.rev('main')).toBe(tip);
  });

  it('allows git cherry-pick --abort after a snapshot when nothing was picked yet: main does not move', () => {
    repo = guarded();
    stopped(repo, 'cherry-pick', false);
    expect(Object.keys(opState(repo, 'sequencer')).length).toBeGreaterThan(0);
    const tip = repo.rev('main');
    expect(claude(repo, 'git cherry-pick --abort').decision).toBe('allow');
    expect(snapshots(repo)).toBe(1);
    const git = repo.run(['cherry-pick', '--abort'], { env: { CLAUDECODE: '1' } });
    expect(git.code, git.stderr).toBe(0);
    expect(repo.rev('main')).toBe(tip);
  });
});

describe('agent hook: agents that switch the git layer off (Gemini CLI)', () => {
  it('git itself lets an amend of main through in the Gemini shell environment, so the hook denies it', () => {
    repo = guarded();
    commitFile(repo, 'src/app.js', 'console.log(2);\n');
    const before = state(repo);
    const r = gemini(repo, 'git commit --amend -m "rewritten"');
    expect(r.code).toBe(0);
    expect(r.decision).toBe('deny');
    expect(r.reason).toContain('move the protected branch main');
    expect(state(repo)).toEqual(before);
    // Proof that the hook is the only layer left: with Gemini's environment git does rewrite main.
    const tip = repo.rev('main');
    const amend = repo.run(['commit', '--amend', '-q', '-m', 'rewritten'], { env: GEMINI_SHELL_ENV });
    expect(amend.code).toBe(0);
    expect(repo.rev('main')).not.toBe(tip);
  });

  it('denies a reset of main and a snapshot copied into a branch, allows the reset on a feature branch', () => {
    repo = guarded();
    commitFile(repo, 'src/app.js', 'console.log(2);\n');
    expect(gemini(repo, 'git reset --hard HEAD~1').decision).toBe('deny');
    expect(gemini(repo, 'git branch x refs/guard/keep/head && git push origin x').decision).toBe('deny');
    repo.git(['switch', '-q', '-c', 'feature']);
    expect(gemini(repo, 'git reset --hard HEAD~1').decision).toBe('allow');
  });
});

describe("agent hook: a commit the pre-commit hook would refuse (Gemini CLI never runs it)", () => {
  /** guarded() commits .guard.yaml, as teams do. */
  const committedGuard = (): Guarded => guarded();

  it('denies `git commit` with protected paths staged as deleted (git rm --cached), for Gemini and Claude, HEAD and index unchanged', () => {
    repo = committedGuard();
    const t = repo;
    // On a branch of its own: an amend of main is refused as a rewrite first.
    t.git(['switch', '-q', '-c', 'feature']);
    // What the agent may now do itself: the files stay on disk.
    for (const answer of [gemini(t, 'git rm -q --cached .guard.yaml .github/workflows/ci.yml'), claude(t, 'git rm -q --cached .guard.yaml .github/workflows/ci.yml')]) expect(answer.decision).toBe('allow');
    t.git(['rm', '-q', '--cached', '.guard.yaml', '.github/workflows/ci.yml']);
    const before = state(t);
    for (const command of ['git commit -m x', 'git commit -q -m x', 'git commit --amend -m x', 'git commit -am x', 'git commit --all -m x', 'git commit -i -m x src/app.js', 'git commit -m x -- .github']) {
      for (const [who, r] of [['gemini', gemini(t, command)], ['claude', claude(t, command)]] as const) {
        expect(r.decision, `${who}: ${command}`).toBe('deny');
        expect(r.reason, `${who}: ${command}`).toContain('protected-path-delete');
        if (command !== 'git commit --amend -m x') expect(r.reason, `${who}: ${command}`).toContain('.github/workflows/ci.yml (deleted)');
      }
    }
    const r = gemini(t, 'git commit -m x');
    expect(r.reason).toContain("commit that deletes or moves away protected paths: .github/workflows/ci.yml (deleted), .guard.yaml (deleted)");
    expect(r.reason).toContain('git restore --source=HEAD --staged --worktree -- .github/workflows/ci.yml .guard.yaml');
    expect(state(t)).toEqual(before);
    // A person is not judged here: their pre-commit hook runs (below) and decides.
    expect(checkVerdict(t, 'git commit -m x')).toMatchObject({ verdict: 'allow' });
    expect(checkVerdict(t, 'git commit -m x', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'protected-path-delete' });
    // The same words as the pre-commit hook, which refuses it for Claude (hooks on).
    const hooked = t.run(['commit', '-q', '-m', 'x'], { env: { CLAUDECODE: '1' } });
    expect(hooked.code).not.toBe(0);
    expect(hooked.stderr).toContain('commit that deletes or moves away protected paths: .github/workflows/ci.yml (deleted), .guard.yaml (deleted)');
    expect(state(t)).toEqual(before);
    // Proof that the agent hook is the only layer left for Gemini: its environment commits the deletion.
    const tip = t.rev('HEAD');
    expect(t.run(['commit', '-q', '-m', 'x'], { env: GEMINI_SHELL_ENV }).code).toBe(0);
    expect(t.rev('HEAD')).not.toBe(tip);
  });

  it('judges what -a and a pathspec commit take from the working tree, and allows a commit that leaves protected paths alone', () => {
    repo = committedGuard();
    const t = repo;
    fs.rmSync(path.join(t.dir, '.github/workflows/ci.yml'));
    t.write('src/app.js', 'console.log(5);\n');
    for (const command of ['git commit -a -m x', 'git commit -m x .github', 'git commit -o -m x -- .github/workflows/ci.yml', 'git commit -m x .']) {
      const r = gemini(t, command);
      expect(r.decision, command).toBe('deny');
      expect(r.reason, command).toContain('.github/workflows/ci.yml (deleted)');
    }
    // Nothing protected in the index, or in the paths named: allowed, and git commits it.
    for (const command of ['git commit -m x', 'git commit -m x src/app.js', 'git commit -m x -- src']) expect(gemini(t, command).decision, command).toBe('allow');
    t.git(['add', 'src/app.js']);
    expect(gemini(t, 'git commit -q -m "normal change"').decision).toBe('allow');
    expect(claude(t, 'git commit -q -m "normal change"').decision).toBe('allow');
    expect(t.run(['commit', '-q', '-m', 'normal change'], { env: GEMINI_SHELL_ENV }).code).toBe(0);
    expect(t.git(['log', '-1', '--format=%s'])).toBe('normal change\n');
    expect(t.git(['ls-tree', '-r', '--name-only', 'HEAD'])).toContain('.github/workflows/ci.yml');
  });

  it('allows the .gitignore cleanup, git rm -r --cached . && git add ., and the commit after it', () => {
    repo = committedGuard();
    const t = repo;
    t.write('.gitignore', 'build/\n');
    t.write('build/out.js', 'generated\n');
    const command = 'git rm -r -q --cached . && git add .';
    expect(gemini(t, command).decision).toBe('allow');
    expect(claude(t, command).decision).toBe('allow');
    const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: { ...t.env, ...GEMINI_SHELL_ENV }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(gemini(t, 'git commit -q -m "apply .gitignore"').decision).toBe('allow');
  });

  it('costs one git process more than a commit it does not judge (--dry-run)', () => {
    repo = committedGuard();
    const t = repo;
    t.write('src/app.js', 'console.log(6);\n');
    t.git(['add', 'src/app.js']);
    const count = (command: string, env: Record<string, string> = {}) => withGitCount(t.base, 'commit', (trace) => claude(t, command, { ...env, ...trace })).count.total;
    // The session's first call starts it (snapshots, journal): not what is measured.
    count('git status');
    const unjudged = count('git commit --dry-run -m x');
    const judged = count('git commit -m x');
    expect(judged).toBe(unjudged + 1);
    expect(count('git commit --dry-run -m x')).toBe(unjudged);
  });
});
