/**
 * A project that TRACKS the file guard writes Claude Code's hooks into (ardalis/CleanArchitecture
 * tracks `.claude/settings.local.json`): after `guard init`, guard's entries are an uncommitted
 * change of it. `git checkout -- .` / `git restore .` are refused for that (guard-self), but
 * `git reset --hard`, `git checkout -f BRANCH` and `git switch --discard-changes BRANCH` (snapshot
 * verdicts) reverted the file without a word, and the agent's next session ran without guard.
 * Now the installed hook notes the tracked hook file before such a command and writes guard's
 * entries back after it (the post-tool hook), the rest of the file as the command left it
 * (src/agents/rehook.ts). Real git, the installed launcher, bytes compared.
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
const PROJECT = `${JSON.stringify({ permissions: { allow: ['Bash(dotnet build:*)'] } }, null, 2)}\n`;
const bytes = (t: TestRepo, file: string): Buffer => fs.readFileSync(path.join(t.dir, file));
const OTHER = `${JSON.stringify({ permissions: { allow: ['Bash(dotnet test:*)'] } }, null, 2)}\n`;

/** The CleanArchitecture shape: the settings file tracked, a branch `other` whose copy differs. */
function setup(t: TestRepo): Buffer {
  t.write(LOCAL, PROJECT);
  t.write('src/a.cs', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.git(['checkout', '-q', '-b', 'other']);
  t.write(LOCAL, OTHER);
  t.git(['commit', '-q', '-am', 'other settings']);
  t.git(['checkout', '-q', 'main']);
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  t.git(['add', '.guard.yaml']);
  t.git(['commit', '-q', '-m', 'policy']);
  // guard's entries are an uncommitted change of the tracked file.
  expect(t.git(['status', '--porcelain', '--', LOCAL])).toBe(` M ${LOCAL}\n`);
  return bytes(t, LOCAL);
}

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

function postTool(t: TestRepo, command: string): string {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command }, tool_response: { stdout: '', stderr: '', interrupted: false } };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'post-tool')], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** As Claude Code runs it: the pre-tool hook (must let it run), the command, the post-tool hook. */
function agentRuns(t: TestRepo, command: string): string {
  expect(installedClaudeHook(t, command).decision).toBe('allow');
  const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return postTool(t, command);
}

describe("a tracked agent settings file: guard's hook entries written back after a command reverts it", () => {
  it.each([['git reset --hard'], ['git reset --hard HEAD']])("%s: the file comes back byte for byte as guard left it, and the agent is told", async (command) => {
    await template.withCopy((t) => {
      const guarded = bytes(t, LOCAL);
      t.write('src/a.cs', 'changed\n');
      const said = agentRuns(t, command);
      expect(t.read('src/a.cs')).toBe('a\n');
      expect(bytes(t, LOCAL).equals(guarded)).toBe(true);
      expect(said).toContain(`reverted ${LOCAL}`);
      expect(said).toContain("wrote guard's hook entries back");
      expect(loggedEvents(t, 'put-back').at(-1)).toMatchObject({ rehooked: [LOCAL] });
      expect(t.guard(['status']).stdout).not.toMatch(/Claude Code: .*(missing|changed)/);
    });
  });

  it.each([['git checkout -f other'], ['git switch --discard-changes other']])("%s: guard's entries go into the other branch's copy, which keeps its own", async (command) => {
    await template.withCopy((t) => {
      agentRuns(t, command);
      expect(t.git(['branch', '--show-current']).trim()).toBe('other');
      const now = JSON.parse(t.read(LOCAL)) as { permissions: unknown; hooks?: unknown };
      expect(now.permissions).toEqual({ allow: ['Bash(dotnet test:*)'] });
      expect(now.hooks).toBeDefined();
      // The same entries guard init writes into that copy.
      const after = bytes(t, LOCAL);
      t.git(['checkout', '-q', '-f', '--', LOCAL]);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      expect(bytes(t, LOCAL).equals(after)).toBe(true);
    });
  });

  it("another tool call's pre-tool hook between the command's pre-tool and the command (parallel calls) leaves the write-back due", async () => {
    await template.withCopy((t) => {
      const guarded = bytes(t, LOCAL);
      expect(installedClaudeHook(t, 'git reset --hard').decision).toBe('allow');
      expect(installedClaudeHook(t, 'git status').decision).toBe('allow');
      t.git(['reset', '-q', '--hard']);
      expect(postTool(t, 'git reset --hard')).toContain(`reverted ${LOCAL}`);
      expect(bytes(t, LOCAL).equals(guarded)).toBe(true);
    });
  });

  it('where the post-tool hook did not run, `guard status` writes them back and says so', async () => {
    await template.withCopy((t) => {
      const guarded = bytes(t, LOCAL);
      expect(installedClaudeHook(t, 'git reset --hard').decision).toBe('allow');
      t.git(['reset', '-q', '--hard']);
      expect(t.read(LOCAL)).toBe(PROJECT);
      const status = t.guard(['status']);
      expect(status.stdout).toContain(`reverted ${LOCAL}`);
      expect(bytes(t, LOCAL).equals(guarded)).toBe(true);
    });
  });

  it('an untracked hook file is not noted (no write-back entry, the sh fast path keeps the post-tool hook)', async () => {
    await withTestRepo((t) => {
      t.write('src/a.cs', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      expect(installedClaudeHook(t, 'git reset --hard').decision).toBe('allow');
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
    });
  });

  it("guard's entries committed in the tracked file (a reset keeps them), or staged: noted only where HEAD's copy lacks them", async () => {
    await template.withCopy((t) => {
      // Staged, not committed: a reset --hard would revert them; noted.
      t.git(['add', LOCAL]);
      expect(installedClaudeHook(t, 'git reset --hard').decision).toBe('allow');
      expect(t.exists('.git/guard/put-back.json')).toBe(true);
      postTool(t, 'git reset --hard');
      // Committed: nothing to write back, so no record (it would send the agent's next commands
      // through Node until a post-tool hook: script-files.test.ts counts the shim's Node starts).
      t.git(['commit', '-q', '-m', "guard's hooks"]);
      t.write('src/a.cs', 'changed\n');
      expect(installedClaudeHook(t, 'git reset --hard').decision).toBe('allow');
      expect(t.exists('.git/guard/put-back.json')).toBe(false);
    });
  });

  it("git stash is judged as `git checkout -- .` is (guard-self): guard could not write its entries back without breaking the pop; the way it names runs and keeps the file", async () => {
    await template.withCopy((t) => {
      const guarded = bytes(t, LOCAL);
      t.write('src/a.cs', 'changed\n');
      for (const command of ['git stash', 'git stash push -m wip', 'git stash save wip', 'git stash -u', 'git stash push -- .claude']) {
        const verdict = installedClaudeHook(t, command);
        expect(verdict, command).toMatchObject({ decision: 'deny' });
        expect(verdict.reason, command).toContain(`git stash takes the uncommitted changes of ${LOCAL}`);
      }
      const check = JSON.parse(t.guard(['check-command', '--json', 'git stash'], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string; instead: string };
      expect(check).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
      const instead = `git stash push -- . ':!${LOCAL}'`;
      expect(check.instead).toContain(instead);
      agentRuns(t, instead);
      expect(t.read('src/a.cs')).toBe('a\n');
      expect(bytes(t, LOCAL).equals(guarded)).toBe(true);
      agentRuns(t, 'git stash pop');
      expect(t.read('src/a.cs')).toBe('changed\n');
      expect(bytes(t, LOCAL).equals(guarded)).toBe(true);
      // A person's git stash is theirs to run.
      expect(JSON.parse(t.guard(['check-command', '--json', 'git stash']).stdout)).toMatchObject({ verdict: 'allow' });
    });
  });

  it('where the hook file is not tracked (guard keeps it out of git), git stash stays free', async () => {
    await withTestRepo((t) => {
      t.write('src/a.cs', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      t.git(['add', '.guard.yaml']);
      t.git(['commit', '-q', '-m', 'policy']);
      t.write('src/a.cs', 'changed\n');
      expect(installedClaudeHook(t, 'git stash').decision).toBe('allow');
    });
  });

  it("Codex's tracked .codex/hooks.json (no post-tool hook): the next pre-tool hook after the command writes guard's entries back", async () => {
    await withTestRepo((t) => {
      const CODEX = '.codex/hooks.json';
      t.write(CODEX, `${JSON.stringify({ hooks: {} }, null, 2)}\n`);
      t.write('src/a.cs', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
      t.git(['add', '.guard.yaml']);
      t.git(['commit', '-q', '-m', 'policy']);
      const guarded = bytes(t, CODEX);
      const codexPreTool = (command: string): string => {
        const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
        const r = spawnSync('sh', ['-c', hookCommandFor('codex', 'pre-tool')], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout + r.stderr;
      };
      codexPreTool('git reset --hard');
      t.git(['reset', '-q', '--hard']);
      expect(bytes(t, CODEX).equals(guarded)).toBe(false);
      expect(codexPreTool('git status')).toContain(`reverted ${CODEX}`);
      expect(bytes(t, CODEX).equals(guarded)).toBe(true);
    });
  });
});
