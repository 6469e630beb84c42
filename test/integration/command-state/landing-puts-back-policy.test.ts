/**
 * `.guard.yaml` tracked in HEAD and not in the tree a command lands: `git add -A && git commit`
 * takes it in (only a warning), then `git reset --hard HEAD~1`, `git checkout OTHER` or `git
 * switch OTHER` deleted it after a snapshot, and guard ran on its defaults from then on (the
 * person's protected paths and branches gone) without a word (found through the real Claude CLI
 * on a djangoproject.com clone, 2026-12-07). Now the installed hook notes it for the put-back with
 * the snapshot taken first, and the post-tool hook (or `guard status`) writes it back, byte for
 * byte, untracked; an agent without a post-tool hook is refused (guard-self). Real git, the
 * installed launcher, bytes compared.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook, loggedEvents } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const POLICY = '.guard.yaml';
const bytes = (t: TestRepo): Buffer => fs.readFileSync(path.join(t.dir, POLICY));

/** A branch `other` without the policy; `feat` (not protected) where the agent committed it, with a protected path of the person's. */
function setup(t: TestRepo): Buffer {
  t.write('src/a.py', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.git(['branch', 'other']);
  t.git(['checkout', '-q', '-b', 'feat']);
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  // The person's own protection, which the defaults do not have.
  const file = path.join(t.dir, POLICY);
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain('    - .guard.yaml # this policy');
  fs.writeFileSync(file, text.replace(/^( {4}- \.guard\.yaml # this policy.*\n)/m, '$1    - src/secret.py # the person\'s\n'));
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'x']);
  expect(t.git(['ls-files', '--', POLICY])).toBe(`${POLICY}\n`);
  return bytes(t);
}

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

function postTool(t: TestRepo, command: string): string {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command }, tool_response: { stdout: '', stderr: '', interrupted: false } };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'post-tool')], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

function run(t: TestRepo, command: string): void {
  const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('.guard.yaml tracked in HEAD, not in the tree a command lands: put back after it', () => {
  it.each([['git reset --hard HEAD~1'], ['git checkout other'], ['git switch other'], ['git checkout -q -b x other']])('%s: allowed after a snapshot, the policy back byte for byte (untracked), the agent told', async (command) => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.exists(POLICY)).toBe(false);
      const said = postTool(t, command);
      expect(said).toContain(`put back ${POLICY}`);
      expect(said).toContain('git checkout -f BRANCH');
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe(`?? ${POLICY}\n`);
      expect(loggedEvents(t, 'put-back').at(-1)).toMatchObject({ putBack: [POLICY] });
      // guard runs on the person's policy again, not its defaults: their protected path holds.
      const edit = JSON.parse(t.guard(['check-command', '--json', 'echo x > src/secret.py'], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string };
      expect(edit).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(t.guard(['status']).stdout).not.toContain('put back');
    });
  });

  it('back to the branch that tracks it: git stops a plain checkout at the untracked copy; `git checkout -f feat`, the way the message names, runs after a snapshot and leaves it tracked, same bytes', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      expect(installedClaudeHook(t, 'git checkout other').decision).toBe('allow');
      run(t, 'git checkout other');
      postTool(t, 'git checkout other');
      expect(spawnSync('git', ['checkout', 'feat'], { cwd: t.dir, env: t.env, encoding: 'utf8' }).status).not.toBe(0);
      expect(installedClaudeHook(t, 'git checkout -f feat').decision).toBe('allow');
      run(t, 'git checkout -f feat');
      expect(postTool(t, 'git checkout -f feat')).not.toContain('put back');
      expect(bytes(t).equals(policy)).toBe(true);
      expect(t.git(['status', '--porcelain', '--', POLICY])).toBe('');
    });
  });

  it('the verdict names it (check-command, Claude Code), and `git merge other` (which keeps it) is not touched', async () => {
    await template.withCopy((t) => {
      const check = JSON.parse(t.guard(['check-command', '--json', 'git checkout other'], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string; reason: string };
      expect(check).toMatchObject({ verdict: 'snapshot', rule: 'guard-policy-put-back' });
      expect(check.reason).toContain(`deletes ${POLICY} (tracked in HEAD, not in other)`);
      const merge = JSON.parse(t.guard(['check-command', '--json', 'git merge other'], { env: { CLAUDECODE: '1' } }).stdout) as { rule: string };
      expect(merge.rule).not.toBe('guard-policy-put-back');
      // A person is not an agent: their checkout is theirs.
      const person = JSON.parse(t.guard(['check-command', '--json', 'git checkout other']).stdout) as { rule: string };
      expect(person.rule).not.toBe('guard-policy-put-back');
    });
  });

  it('where the post-tool hook did not run, `guard status` puts it back and says so', async () => {
    await template.withCopy((t) => {
      const policy = bytes(t);
      expect(installedClaudeHook(t, 'git reset --hard HEAD~1').decision).toBe('allow');
      run(t, 'git reset --hard HEAD~1');
      const status = t.guard(['status']);
      expect(status.stdout).toContain(`put back ${POLICY}`);
      expect(bytes(t).equals(policy)).toBe(true);
    });
  });

  it('an agent without a post-tool hook (Codex) is refused (guard-self), and nothing is noted', async () => {
    await template.withCopy((t) => {
      for (const command of ['git reset --hard HEAD~1', 'git checkout other', 'git switch other']) {
        const codex = JSON.parse(t.guard(['check-command', '--json', command], { env: { CODEX_THREAD_ID: 't1' } }).stdout) as { verdict: string; rule: string; reason: string; instead: string };
        expect(codex, command).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
        expect(codex.reason).toContain(`deletes ${POLICY}`);
        expect(codex.instead).toContain('Ask the person');
      }
    });
  });

  it('the policy untracked (the usual) or the target tracking it: no put-back, no record (the common reset and checkout unchanged)', async () => {
    await withTestRepo((t) => {
      t.write('src/a.py', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.git(['branch', 'other']);
      t.git(['checkout', '-q', '-b', 'feat']);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      t.write('src/a.py', 'b\n');
      t.git(['commit', '-q', '-am', 'b']);
      for (const command of ['git reset --hard HEAD~1', 'git checkout other']) {
        const check = JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' } }).stdout) as { rule: string };
        expect(check.rule, command).not.toBe('guard-policy-put-back');
      }
      // Tracked on both sides.
      t.git(['add', POLICY]);
      t.git(['commit', '-q', '-m', 'policy']);
      t.git(['branch', 'both']);
      t.write('src/a.py', 'c\n');
      t.git(['commit', '-q', '-am', 'c']);
      for (const command of ['git reset --hard HEAD~1', 'git checkout both']) {
        const check = JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' } }).stdout) as { rule: string };
        expect(check.rule, command).not.toBe('guard-policy-put-back');
      }
      expect(installedClaudeHook(t, 'git checkout both').decision).toBe('allow');
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
    });
  });
});
