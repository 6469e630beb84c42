/**
 * A merge, rebase, pull, cherry-pick, `git am`, `git revert` or `git stash pop` by an agent that
 * takes in a deletion of `.guard.yaml` made on the other side (a branch that deleted it since the
 * merge base, the commit picked, the patch, the stash) deleted guard's policy without a word, and
 * guard ran on its defaults from then on: the person's protected paths and branches gone. Now the
 * agent hook keeps a copy of the policy's bytes before such a command and puts it back after it
 * where it is gone (the post-tool hook of that command; for an agent without one, its next hook
 * event), saying what git has of it and what to do. A person's own merge is theirs: nothing put
 * back. Real git, the installed launcher, bytes compared.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook, installedHookGitProcesses, loggedEvents } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { evaluateCommand } from '../../../src/cli/command-state.js';
import { readPolicy } from '../../../src/config/compile.js';
import { openRepo } from '../../../src/git/repo.js';
import { detectActor } from '../../../src/policy/actor.js';

const POLICY = '.guard.yaml';
const bytes = (t: TestRepo): Buffer => fs.readFileSync(path.join(t.dir, POLICY));

/**
 * `main` tracks the person's policy (added alone in the commit tagged `policy`, with a protected
 * path of theirs); `gone` deleted it since (committed where guard's hooks did not run: --no-verify)
 * and adds g.txt; `old` was made before `guard init` (never had it). HEAD: `work`, one commit past main.
 */
function setup(t: TestRepo, agents = 'claude'): Buffer {
  t.write('src/a.py', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.git(['branch', 'old']);
  const r = t.guard(['init', '--yes', '--agents', agents]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const file = path.join(t.dir, POLICY);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace(/^( {4}- \.guard\.yaml # this policy.*\n)/m, '$1    - src/secret.py # the person\'s\n'));
  t.git(['add', POLICY]);
  t.git(['commit', '-q', '-m', 'policy']);
  t.git(['tag', 'policy']);
  t.git(['checkout', '-q', '-b', 'gone']);
  t.git(['rm', '-q', POLICY]);
  t.git(['commit', '-q', '--no-verify', '-m', 'drop the policy']);
  commitFiles(t, { 'g.txt': 'g\n' }, 'g');
  t.git(['checkout', '-q', '-b', 'work', 'main']);
  commitFiles(t, { 'w.txt': 'w\n' }, 'w');
  return bytes(t);
}

/** setup(t) for Claude Code built once for the file, each test on a copy (repo-template.ts); the policy's bytes as setup left them. */
const template = fileTemplate((t) => void setup(t));

function hookEvent(t: TestRepo, agent: string, event: 'pre-tool' | 'post-tool', command: string): string {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: event === 'pre-tool' ? 'PreToolUse' : 'PostToolUse', tool_name: 'Bash', tool_input: { command }, tool_response: { stdout: '', stderr: '', interrupted: false } };
  const r = spawnSync('sh', ['-c', hookCommandFor(agent, event)], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout + r.stderr;
}

function run(t: TestRepo, command: string, code = 0): void {
  const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr + r.stdout).toBe(code);
}

/** guard runs on the person's policy, not its defaults: their protected path is refused to an agent. */
function personsPolicyHolds(t: TestRepo): void {
  const edit = JSON.parse(t.guard(['check-command', '--json', 'echo x > src/secret.py'], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string };
  expect(edit).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
}

/** The command, and any setup it needs (a remote, a patch file, a stash), given the repository of setup(). */
const PATHS: Array<[string, (t: TestRepo) => string]> = [
  ['git merge', () => 'git merge --no-edit gone'],
  ['git rebase', () => 'git rebase gone'],
  [
    'git pull',
    (t) => {
      t.git(['clone', '-q', '--bare', t.dir, path.join(t.base, 'up.git')]);
      t.git(['remote', 'add', 'origin', path.join(t.base, 'up.git')]);
      t.git(['fetch', '-q', 'origin']);
      return 'git pull --no-rebase --no-edit origin gone';
    },
  ],
  ['git cherry-pick', () => 'git cherry-pick gone~1'],
  ['git revert', () => 'git revert --no-edit policy'],
  [
    'git am',
    (t) => {
      fs.writeFileSync(path.join(t.base, 'drop.patch'), t.git(['format-patch', '-1', '--stdout', 'gone~1']));
      return `git am ${path.join(t.base, 'drop.patch')}`;
    },
  ],
];

describe('an agent command that takes in a deletion of .guard.yaml made on the other side: put back after it', () => {
  it.each(PATHS)('%s (Claude Code): allowed, the policy back byte for byte after the post-tool hook, untracked, the way to keep it named; the person\'s protected path refused again', async (_name, prepare) => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      const command = prepare(t);
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.exists(POLICY)).toBe(false);
      expect(t.git(['ls-tree', 'HEAD', '--', POLICY])).toBe('');
      const said = hookEvent(t, 'claude', 'post-tool', command);
      expect(said).toContain(`took in a deletion of ${POLICY}`);
      expect(said).toContain(`git add ${POLICY} && git commit`);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe(`?? ${POLICY}\n`);
      expect(loggedEvents(t, 'put-back').at(-1)).toMatchObject({ putBack: [POLICY], command });
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
      personsPolicyHolds(t);
      // The way the message names keeps it tracked on this branch, same bytes.
      run(t, `git add ${POLICY} && git commit -q -m keep`);
      expect(t.git(['show', `HEAD:${POLICY}`])).toBe(policy.toString('utf8'));
    });
  });

  it('a rebase that stops part-way: the copy waits until the rebase ends, so a later pick that changes .guard.yaml does not stop at an untracked copy', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      t.git(['checkout', '-q', 'gone']);
      commitFiles(t, { 'src/a.py': 'gone\n' }, 'gone edits a');
      t.git(['checkout', '-q', 'work']);
      commitFiles(t, { 'src/a.py': 'work\n' }, 'work edits a');
      const edited = Buffer.concat([policy, Buffer.from('# edited on work\n')]);
      t.write(POLICY, edited);
      t.git(['commit', '-q', '-am', 'work edits the policy']);
      expect(installedClaudeHook(t, 'git rebase gone').decision).toBe('allow');
      run(t, 'git rebase gone', 1);
      expect(t.exists('.git/rebase-merge')).toBe(true);
      // The stop at src/a.py: the policy absent (gone's), nothing written back yet.
      hookEvent(t, 'claude', 'post-tool', 'git rebase gone');
      expect(t.exists(POLICY)).toBe(false);
      expect(t.exists('.git/guard/put-back.json')).toBe(true);
      t.write('src/a.py', 'both\n');
      t.git(['add', 'src/a.py']);
      // The next stop is git's modify/delete conflict on the policy, not an untracked copy in the way.
      const next = spawnSync('sh', ['-c', 'GIT_EDITOR=true git rebase --continue'], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(next.stdout + next.stderr).not.toContain('would be overwritten');
      expect(next.stdout + next.stderr).toContain(`CONFLICT (modify/delete): ${POLICY}`);
      run(t, `git add ${POLICY} && GIT_EDITOR=true git rebase --continue`);
      expect(t.exists('.git/rebase-merge')).toBe(false);
      expect(t.git(['show', `HEAD:${POLICY}`])).toBe(edited.toString('utf8'));
      // The rebase over: the watch is answered (the file is there) and forgotten.
      hookEvent(t, 'claude', 'post-tool', 'git rebase gone');
      expect(bytes(t).equals(edited)).toBe(true);
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
    });
  });

  it('a rebase that stopped and then ends (`git rebase --continue`, `--abort`): the post-tool hook of that command answers the watch; guard status right after reads the person\'s policy', async () => {
    await withTestRepo((t) => {
      const policy = setup(t);
      t.git(['checkout', '-q', 'gone']);
      commitFiles(t, { 'src/a.py': 'gone\n' }, 'gone edits a');
      t.git(['checkout', '-q', 'work']);
      commitFiles(t, { 'src/a.py': 'work\n' }, 'work edits a');
      const stop = (): void => {
        expect(installedClaudeHook(t, 'git rebase gone').decision).toBe('allow');
        run(t, 'git rebase gone', 1);
        hookEvent(t, 'claude', 'post-tool', 'git rebase gone');
        expect(t.exists(POLICY)).toBe(false);
        expect(t.exists('.git/guard/put-back.json')).toBe(true);
      };
      // --continue ends it without the policy (gone's tree): the --continue's own post-tool hook puts it back.
      stop();
      t.write('src/a.py', 'both\n');
      t.git(['add', 'src/a.py']);
      const cont = 'GIT_EDITOR=true git rebase --continue';
      expect(installedClaudeHook(t, cont).decision).toBe('allow');
      run(t, cont);
      expect(t.exists('.git/rebase-merge')).toBe(false);
      const said = hookEvent(t, 'claude', 'post-tool', cont);
      expect(said).toContain(`took in a deletion of ${POLICY}`);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
      personsPolicyHolds(t);

      // --abort: git brings the branch's policy back itself; the watch is answered and forgotten at the --abort's post-tool hook.
      t.git(['reset', '-q', '--hard', 'ORIG_HEAD']);
      fs.rmSync(path.join(t.dir, POLICY));
      t.git(['checkout', '-q', '--', POLICY]);
      stop();
      run(t, 'git rebase --abort');
      hookEvent(t, 'claude', 'post-tool', 'git rebase --abort');
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe('');

      // guard status right after the end (no agent event between): puts it back before it reads the policy.
      stop();
      t.write('src/a.py', 'both\n');
      t.git(['add', 'src/a.py']);
      run(t, cont);
      const status = t.guard(['status']);
      expect(status.stdout).toContain(`took in a deletion of ${POLICY}`);
      expect(status.stdout).not.toContain('no .guard.yaml');
      expect(bytes(t).equals(policy)).toBe(true);
      personsPolicyHolds(t);
    });
  });

  it('a cherry-pick of several commits that stops part-way: the copy waits until the sequence ends, as after a rebase', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      t.git(['checkout', '-q', '-b', 'side', 'main']);
      commitFiles(t, { 'src/a.py': 'side\n' }, 'side edits a');
      const edited = Buffer.concat([policy, Buffer.from('# edited on side\n')]);
      t.write(POLICY, edited);
      t.git(['commit', '-q', '-am', 'side edits the policy']);
      t.git(['checkout', '-q', 'work']);
      commitFiles(t, { 'src/a.py': 'work\n' }, 'work edits a');
      // The first pick drops the policy, the second stops at src/a.py, the third edits the policy.
      const picks = 'git cherry-pick gone~1 side~1 side';
      expect(installedClaudeHook(t, picks).decision).toBe('allow');
      run(t, picks, 1);
      expect(t.exists('.git/sequencer')).toBe(true);
      hookEvent(t, 'claude', 'post-tool', picks);
      expect(t.exists(POLICY)).toBe(false);
      t.write('src/a.py', 'both\n');
      t.git(['add', 'src/a.py']);
      const next = spawnSync('sh', ['-c', 'GIT_EDITOR=true git cherry-pick --continue'], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(next.stdout + next.stderr).not.toContain('would be overwritten');
      expect(next.stdout + next.stderr).toContain(`CONFLICT (modify/delete): ${POLICY}`);
      run(t, `git add ${POLICY} && GIT_EDITOR=true git cherry-pick --continue`);
      expect(t.exists('.git/sequencer')).toBe(false);
      expect(t.git(['show', `HEAD:${POLICY}`])).toBe(edited.toString('utf8'));
      hookEvent(t, 'claude', 'post-tool', picks);
      expect(bytes(t).equals(edited)).toBe(true);
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
    });
  });

  it('git stash pop of the person\'s stash that deleted it: put back, tracked as HEAD has it', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      fs.rmSync(path.join(t.dir, POLICY));
      t.write('w.txt', 'changed\n');
      t.git(['stash', '-q']);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(installedClaudeHook(t, 'git stash pop').decision).toBe('allow');
      // The session's watcher (the hook's session started it) restores a protected path deleted
      // while HEAD and the index keep it, as a stash pop leaves it (protected-restore.ts), with the
      // same bytes, racing the hook: stopped, this test is about the hook's put-back.
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      run(t, 'git stash pop');
      expect(t.exists(POLICY)).toBe(false);
      expect(hookEvent(t, 'claude', 'post-tool', 'git stash pop')).toContain(`took in a deletion of ${POLICY}`);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe('');
      personsPolicyHolds(t);
    });
  });

  it('a merge that stops at a conflict elsewhere: put back, the index still deletes it, and `git add .guard.yaml`, which the message names, keeps it in the merge commit', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      t.git(['checkout', '-q', '-b', 'gone2', 'gone']);
      t.write('src/a.py', 'theirs\n');
      t.git(['commit', '-q', '-am', 'theirs']);
      t.git(['checkout', '-q', 'work']);
      t.write('src/a.py', 'ours\n');
      t.git(['commit', '-q', '-am', 'ours']);
      const command = 'git merge --no-edit gone2';
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      run(t, command, 1);
      expect(t.exists(POLICY)).toBe(false);
      const said = hookEvent(t, 'claude', 'post-tool', command);
      expect(said).toContain(`the index still deletes ${POLICY}`);
      expect(said).toContain(`\`git add ${POLICY}\``);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe(`D  ${POLICY}\n?? ${POLICY}\n`);
      personsPolicyHolds(t);
      t.write('src/a.py', 'both\n');
      run(t, `git add ${POLICY} src/a.py && git commit -q --no-edit`);
      expect(t.git(['show', `HEAD:${POLICY}`])).toBe(policy.toString('utf8'));
      expect(t.git(['rev-parse', '-q', '--verify', 'MERGE_HEAD'], { allowFail: true })).toBe('');
    });
  });

  it('a merge whose verdict is a snapshot (it writes over an ignored file): the watch is noted once the snapshot is taken, the policy back after it', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      fs.appendFileSync(path.join(t.dir, '.git', 'info', 'exclude'), 'g.txt\n');
      t.write('g.txt', 'local\n');
      const command = 'git merge --no-edit gone';
      const check = JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string; watchPolicy?: boolean };
      expect(check).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored', watchPolicy: true });
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.exists(POLICY)).toBe(false);
      expect(hookEvent(t, 'claude', 'post-tool', command)).toContain(`took in a deletion of ${POLICY}`);
      expect(bytes(t).equals(policy)).toBe(true);
      personsPolicyHolds(t);
    });
  });

  it("another tool call's post-tool hook (Claude Code runs calls in parallel) leaves the watch for the merge's own", async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      const command = 'git merge --no-edit gone';
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      expect(hookEvent(t, 'claude', 'post-tool', 'ls')).not.toContain('deletion');
      run(t, command);
      expect(installedClaudeHook(t, 'git status').decision).toBe('allow');
      expect(t.exists(POLICY)).toBe(false);
      expect(hookEvent(t, 'claude', 'post-tool', command)).toContain(`took in a deletion of ${POLICY}`);
      expect(bytes(t).equals(policy)).toBe(true);
    });
  });

  it('a merge that keeps it (a branch made before `guard init`, which never had it): nothing put back, nothing said, nothing journaled, the watch gone', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      const command = 'git merge --no-edit old';
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      expect(t.exists('.git/guard/put-back.json')).toBe(true);
      run(t, command);
      expect(hookEvent(t, 'claude', 'post-tool', command)).not.toContain(POLICY);
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
      expect(loggedEvents(t, 'put-back')).toEqual([]);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe('');
    });
  });

  it('an agent without a post-tool hook (Codex): its next hook event puts it back, before that call is judged', async () => {
    await withTestRepo((t) => {
      const policy = setup(t, 'codex');
      const command = 'git merge --no-edit gone';
      expect(hookEvent(t, 'codex', 'pre-tool', command)).not.toContain('deny');
      run(t, command);
      expect(t.exists(POLICY)).toBe(false);
      expect(hookEvent(t, 'codex', 'pre-tool', 'git status')).toContain(`took in a deletion of ${POLICY}`);
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe(`?? ${POLICY}\n`);
      personsPolicyHolds(t);
    });
  });

  it("a person's own merge (no agent hook, git's hooks alone) is theirs: nothing put back, not by `guard status` nor by an agent's next hook event", async () => {
    await template.withCopy((t) => {
      run(t, 'git merge --no-edit gone');
      expect(t.exists(POLICY)).toBe(false);
      expect(t.guard(['status']).stdout).not.toContain('put it back');
      expect(installedClaudeHook(t, 'git status').decision).toBe('allow');
      expect(t.exists(POLICY)).toBe(false);
      expect(loggedEvents(t, 'put-back')).toEqual([]);
    });
  });

  it('the verdict carries the watch from the text alone (check-command, Claude Code), for an agent only; `git stash pop` and an alias too', async () => {
    await template.withCopy((t) => {
      const check = (command: string, env: Record<string, string> = { CLAUDECODE: '1' }): { verdict: string; watchPolicy?: boolean } => JSON.parse(t.guard(['check-command', '--json', command], { env }).stdout) as { verdict: string; watchPolicy?: boolean };
      for (const command of ['git merge gone', 'git rebase gone', 'git pull', 'git pull --rebase', 'git cherry-pick gone~1', 'git revert policy', 'git am x.patch', 'git stash pop', 'git stash apply', 'git -C . merge gone']) {
        expect(check(command), command).toMatchObject({ verdict: 'allow', watchPolicy: true });
      }
      t.git(['config', 'alias.mg', 'merge --no-edit']);
      expect(check('git mg gone').watchPolicy).toBe(true);
      for (const command of ['git status', 'git log', 'git stash list', 'git commit -m x', 'git fetch']) expect(check(command).watchPolicy, command).toBeUndefined();
      expect(check('git merge gone', {}).watchPolicy).toBeUndefined();
    });
  });

  it('other git commands run from a subdirectory ask nothing for the watch: their answer is still kept from text and files', async () => {
    await template.withCopy(async (t) => {
      t.write('src/deep/er/f.txt', 'x\n');
      const cwd = path.join(t.dir, 'src/deep/er');
      const saved = process.env;
      process.env = { ...t.env, CLAUDECODE: '1' };
      try {
        const repo = await openRepo(cwd);
        const policy = await readPolicy(repo, { persist: false });
        const evaluate = (command: string) => evaluateCommand(command, { cwd, repo, policy, actor: detectActor(process.env), home: t.home });
        // (innerRepository's look at each directory up to the root was noted for every git command before its name was checked)
        for (const command of ['git status', 'git log -1', 'git diff --stat']) expect((await evaluate(command)).readFiles, command).toBeDefined();
        expect(await evaluate('git merge gone')).toMatchObject({ verdict: 'allow', watchPolicy: true });
      } finally {
        process.env = saved;
      }
    });
  });

  it('git processes of the installed pre-tool hook for `git merge X`, `git pull`, `git rebase X`: the same with 300 more branches and files (the watch asks git nothing)', async () => {
    await template.withCopy((t) => {
      installedClaudeHook(t, 'git status');
      const count = (): number[] => ['git merge gone', 'git pull', 'git rebase gone'].map((command) => installedHookGitProcesses(t, command));
      const small = count();
      const refs = Array.from({ length: 300 }, (_, i) => `create refs/heads/b${i} HEAD\n`).join('');
      t.git(['update-ref', '--stdin'], { input: refs });
      for (let i = 0; i < 300; i++) t.write(`many/f${i}.txt`, `${i}\n`);
      t.git(['add', 'many']);
      t.git(['commit', '-q', '-m', 'many']);
      const large = count();
      // Printed for docs/BENCHMARKS.md.
      console.log(`git processes (installed Claude pre-tool hook), merge/pull/rebase: ${small.join('/')}; with 300 more branches and files: ${large.join('/')}`);
      expect(large).toEqual(small);
    });
  });
});
