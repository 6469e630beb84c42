/**
 * An agent's `git clean -fdx` deletes `.claude/settings.local.json` (ignored since `guard init`),
 * the file that holds Claude Code's hooks: it was refused for that in every repository with
 * guard's Claude hooks. Claude Code runs guard's post-tool hook after every Bash call, so the
 * clean is now a snapshot that holds the file, and guard puts it back right after the command,
 * byte for byte with its permission bits (src/restore/own-files.ts); if the post-tool hook did
 * not run, the next hook event does (the sh fast path sends it to Node while a put-back is due).
 * Agents without a post-tool hook keep the refusal.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { installedClaudeHook, loggedEvents } from '../../helpers/guard-steps.js';

const LOCAL = '.claude/settings.local.json';

function setup(t: TestRepo, commitPolicy = true): Buffer {
  t.write('.gitignore', '.env\ndist/\n');
  t.write('src/a.ts', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  if (commitPolicy) {
    t.git(['add', '.guard.yaml']);
    t.git(['commit', '-q', '-m', 'policy']);
  }
  // The person's own settings beside guard's hooks, private to them.
  const settings = JSON.parse(t.read(LOCAL)) as Record<string, unknown>;
  const mine = Buffer.from(`${JSON.stringify({ permissions: { allow: ['Bash(npm test)'] }, ...settings }, null, 2)}\n`);
  t.write(LOCAL, mine, 0o600);
  t.write('.env', 'SECRET=1\n', 0o600);
  t.write('dist/out.js', 'built\n');
  t.write('scratch.txt', 'junk\n');
  return mine;
}

/** A hook event through the command `guard init` wrote (launcher, sh fast path, Node), as Claude Code runs it. */
function installedHook(t: TestRepo, event: 'pre-tool' | 'post-tool', command: string): { stdout: string } {
  const payload = {
    session_id: 's',
    cwd: t.dir,
    hook_event_name: event === 'pre-tool' ? 'PreToolUse' : 'PostToolUse',
    tool_name: 'Bash',
    tool_input: { command },
    ...(event === 'post-tool' ? { tool_response: { stdout: '', stderr: '', interrupted: false } } : {}),
  };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', event)], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout };
}

function mode(t: TestRepo, file: string): number {
  return fs.statSync(path.join(t.dir, file)).mode & 0o777;
}

const putBackFile = (t: TestRepo): string => path.join(t.dir, '.git', 'guard', 'put-back.json');

/**
 * The agent's pre-tool hook for `command`, which must allow it, then the session's watcher (the
 * hook's session started it) stopped: it restores deleted protected paths by itself, and these
 * tests are about the hooks' put-back (the last one is about the watcher's).
 */
function allowedWithoutWatcher(t: TestRepo, command: string): void {
  expect(installedClaudeHook(t, command).decision).toBe('allow');
  const r = t.guard(['watch', 'stop']);
  expect(r.code, r.stderr).toBe(0);
}

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

describe("git clean and guard's own files, put back after the command", () => {
  it("an agent's git clean -fdx runs; the post-tool hook puts the hook settings back byte for byte, 0600; .env stays captured for a rollback", async () => {
    await template.withCopy((t) => {
      const mine = fs.readFileSync(path.join(t.dir, LOCAL));
      const check = JSON.parse(t.guard(['check-command', '--json', 'git clean -fdx'], { env: { CLAUDECODE: '1' } }).stdout);
      expect(check).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(check.reason).toContain(`puts it back right after the command`);
      expect(check.reason).toContain(LOCAL);
      expect(check.reason).toContain('.env');
      allowedWithoutWatcher(t, 'git clean -fdx');
      expect(fs.existsSync(putBackFile(t))).toBe(true);
      t.git(['clean', '-fdx']);
      expect(t.exists(LOCAL)).toBe(false);
      expect(t.exists('.env')).toBe(false);
      const after = installedHook(t, 'post-tool', 'git clean -fdx');
      expect(JSON.parse(after.stdout).systemMessage).toContain(`put back ${LOCAL}`);
      expect(fs.readFileSync(path.join(t.dir, LOCAL)).equals(mine)).toBe(true);
      expect(mode(t, LOCAL)).toBe(0o600);
      expect(fs.existsSync(putBackFile(t))).toBe(false);
      // Only guard's own files come back by themselves; what the person cleaned stays cleaned.
      expect(t.exists('.env')).toBe(false);
      expect(t.exists('scratch.txt')).toBe(false);
      expect(loggedEvents(t, 'put-back')).toMatchObject([{ putBack: [LOCAL], command: 'git clean -fdx', by: 'claude post-tool' }]);
      // The next command an agent types is answered by the sh fast path again (no Node: no output).
      expect(installedHook(t, 'pre-tool', 'ls').stdout).toBe('');
    });
  });

  it('when the post-tool hook did not run, the next hook event puts the file back, even one the sh fast path would answer', async () => {
    await template.withCopy((t) => {
      const mine = fs.readFileSync(path.join(t.dir, LOCAL));
      allowedWithoutWatcher(t, 'git clean -fdx');
      t.git(['clean', '-fdx']);
      const next = installedHook(t, 'pre-tool', 'ls');
      expect(JSON.parse(next.stdout).systemMessage).toContain(`put back ${LOCAL}`);
      expect(fs.readFileSync(path.join(t.dir, LOCAL)).equals(mine)).toBe(true);
      expect(mode(t, LOCAL)).toBe(0o600);
      expect(fs.existsSync(putBackFile(t))).toBe(false);
    });
  });

  it('a file that is there again is left as it is; an untracked .guard.yaml comes back too', async () => {
    await withTestRepo((t) => {
      setup(t, false);
      const policy = fs.readFileSync(path.join(t.dir, '.guard.yaml'));
      const check = JSON.parse(t.guard(['check-command', '--json', 'git clean -fdx'], { env: { CLAUDECODE: '1' } }).stdout);
      expect(check.reason).toContain('.guard.yaml');
      allowedWithoutWatcher(t, 'git clean -fdx');
      t.git(['clean', '-fdx']);
      t.write(LOCAL, '{"written":"again"}\n');
      installedHook(t, 'post-tool', 'git clean -fdx');
      expect(t.read(LOCAL)).toBe('{"written":"again"}\n');
      expect(fs.readFileSync(path.join(t.dir, '.guard.yaml')).equals(policy)).toBe(true);
      expect(loggedEvents(t, 'put-back')).toMatchObject([{ putBack: ['.guard.yaml'], present: [LOCAL] }]);
    });
  });

  it("with the session's watcher running, the file comes back by itself, with its 0600, before the post-tool hook looks", async () => {
    await template.withCopy(async (t) => {
      const mine = fs.readFileSync(path.join(t.dir, LOCAL));
      expect(installedClaudeHook(t, 'git clean -fdx').decision).toBe('allow');
      t.git(['clean', '-fdx']);
      const file = path.join(t.dir, LOCAL);
      for (let waited = 0; !fs.existsSync(file) && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
      expect(fs.readFileSync(file).equals(mine)).toBe(true);
      expect(mode(t, LOCAL)).toBe(0o600);
      installedHook(t, 'post-tool', 'git clean -fdx');
      expect(fs.readFileSync(file).equals(mine)).toBe(true);
      expect(fs.existsSync(putBackFile(t))).toBe(false);
      t.guard(['watch', 'stop']);
    });
  });

  it('a put-back file that cannot be read, or names a worktree that is gone, is dropped: the sh fast path answers again', async () => {
    await template.withCopy((t) => {
      for (const text of ['not json\n', JSON.stringify([{ gitDir: path.join(t.base, 'gone', '.git'), root: path.join(t.base, 'gone'), snapshot: 'a'.repeat(40), paths: [LOCAL], command: 'git clean -fdx', time: '2026-12-05T00:00:00Z' }])]) {
        fs.writeFileSync(putBackFile(t), text);
        // The sh fast path steps aside while the file is there; Node drops it.
        installedHook(t, 'pre-tool', 'ls');
        expect(fs.existsSync(putBackFile(t)), text).toBe(false);
        expect(t.read(LOCAL)).toContain('hooks');
      }
    });
  });

  it('an agent without a post-tool hook (Codex) is still refused the clean', async () => {
    await template.withCopy((t) => {
      const codex = JSON.parse(t.guard(['check-command', '--json', 'git clean -fdx'], { env: { CODEX_THREAD_ID: 't1' } }).stdout);
      expect(codex.verdict).toBe('deny');
      expect(codex.reason).toContain(LOCAL);
    });
  });
});
