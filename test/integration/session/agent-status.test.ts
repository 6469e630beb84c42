/**
 * `guard status` checks the agent hooks as it checks git hooks: the launcher, guard's entries in
 * each agent's hook file, and whether the agent will load them (its trust records, in the test's
 * own HOME); each problem names its own fix. `guard init` says per agent whether its hooks load.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSubmodule } from '../../helpers/fixtures.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { hookCommandFor } from '../../../src/agents/launcher.js';

function trustEverything(t: TestRepo): void {
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  write(path.join(t.home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [t.dir] }));
  write(path.join(t.home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [t.dir]: 'TRUST_FOLDER' }));
}

describe('guard status: agent hooks', () => {
  it('says per agent whether its hooks load and the one step that makes them load', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      const init = t.guard(['init', '--yes', '--agents', 'copilot,gemini']);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toMatch(/GitHub Copilot CLI:[\s\S]*its hooks will NOT load yet: .*not one in[\s\S]*to make them load: start `copilot` in/);
      const before = t.guard(['status', '--json']);
      expect(before.code).toBe(1);
      const json = JSON.parse(before.stdout);
      expect(json.agents.launcher.state).toBe('ok');
      expect(json.agents.list.map((a: any) => [a.agent, a.file.state, a.trust.state])).toEqual([
        ['copilot', 'ok', 'blocked'],
        ['gemini', 'ok', 'blocked'],
      ]);
      expect(json.fixes.map((f: any) => f.fix).join('\n')).toMatch(/GEMINI_CLI_TRUST_WORKSPACE=true/);

      trustEverything(t);
      const after = t.guard(['status']);
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout).toMatch(/ok +GitHub Copilot CLI +guard's hooks in \.github\/hooks\/git-guard\.json are intact; loads/);
      expect(after.stdout).toContain('protection: ok');
    });
  });

  it('Gemini CLI trusted only by GEMINI_CLI_TRUST_WORKSPACE in the shell it ran in: status, from a shell without it, says so rather than FAIL', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'a']);
      expect(t.guard(['init', '--yes', '--agents', 'gemini']).code).toBe(0);
      expect(t.guard(['status']).stdout).toMatch(/FAIL +Gemini CLI .*does NOT load/);
      // In the shell that sets it: loads, through the variable, that shell only.
      const here = t.guard(['status'], { env: { GEMINI_CLI_TRUST_WORKSPACE: 'true' } });
      expect(here.stdout).toMatch(/ok +Gemini CLI .*loads \(trusted through GEMINI_CLI_TRUST_WORKSPACE=true \(this shell only/);
      // gemini started with it runs guard's session-start hook (the installed command, gemini's environment) ...
      const r = spawnSync('sh', ['-c', hookCommandFor('gemini', 'session-start')], { cwd: t.dir, env: { ...t.env, GEMINI_CLI_TRUST_WORKSPACE: 'true' }, input: JSON.stringify({ session_id: 'g1', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' }), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // ... so status in another shell reads the same input the CLI read.
      const other = t.guard(['status']);
      expect(other.stdout).not.toMatch(/FAIL +Gemini CLI/);
      expect(other.stdout).toMatch(/ok +Gemini CLI .*load state unknown: trusted through GEMINI_CLI_TRUST_WORKSPACE=true in the shell Gemini CLI ran in .*that shell only/);
      // GEMINI_RESTRICTED_MODE distrusts the folder whatever else says, as Gemini CLI reads it.
      expect(t.guard(['status'], { env: { GEMINI_CLI_TRUST_WORKSPACE: 'true', GEMINI_RESTRICTED_MODE: 'true' } }).stdout).toMatch(/FAIL +Gemini CLI .*not trusted \(GEMINI_RESTRICTED_MODE=true\)/);
    });
  });

  it('with submodules, names the agents that run unchecked when started inside one (status and session start)', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'a']);
      expect(t.guard(['init', '--yes', '--agents', 'claude,cursor,gemini']).code).toBe(0);
      const sessionStart = () => {
        const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: t.dir, env: t.env, input: JSON.stringify({ session_id: 's1', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' }), encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout + r.stderr;
      };
      // No submodule: no note.
      expect(JSON.parse(t.guard(['status', '--json']).stdout).agents.unguardedInSubmodules).toEqual([]);
      expect(t.guard(['status']).stdout).not.toContain('submodule');
      expect(sessionStart()).not.toContain('submodule');

      addSubmodule(t, 'vendor/lib');
      expect(JSON.parse(t.guard(['status', '--json']).stdout).agents.unguardedInSubmodules).toEqual(['Claude Code', 'Gemini CLI']);
      const status = t.guard(['status']);
      expect(status.stdout).toContain('note: started inside a submodule of this repository, Claude Code and Gemini CLI load no hook of this repository and nothing run there is checked: start them in the superproject instead');
      // Cursor is not checked (not named); the note is no problem of its own.
      expect(status.stdout).not.toMatch(/note:.*Cursor/);
      expect(status.stderr).not.toContain('submodule');
      expect(sessionStart()).toContain('git-guard: note: started inside a submodule of this repository, Claude Code loads no hook of this repository and nothing run there is checked: start it in the superproject instead');
    });
  });

  it('says which installed agents run git with hooks off (Gemini CLI), where only the agent hook checks their commands', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'a']);
      const claudeInit = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(claudeInit.code).toBe(0);
      expect(claudeInit.stdout).not.toContain('hooks off');
      expect(JSON.parse(t.guard(['status', '--json']).stdout).agents.gitHooksOff).toEqual([]);
      expect(t.guard(['status']).stdout).not.toContain('hooks off');
      // guard init says it too, under the agent, before its "pre-commit: runs (self-test passed)"
      // lines (true for git, not for Gemini's commands).
      const init = t.guard(['init', '--yes', '--agents', 'claude,gemini']);
      expect(init.code).toBe(0);
      expect(init.stdout).toMatch(/\nGemini CLI: created \.gemini\/settings\.json\n(?: {2}.*\n)* {2}note: Gemini CLI runs every git command with git's hooks off \(core\.hooksPath=""\), so guard's git hooks never run for its commands: only the agent hook checks them/);
      expect(init.stdout.match(/note: Gemini CLI runs every git command/g)).toHaveLength(1);
      const json = JSON.parse(t.guard(['init', '--yes', '--json', '--agents', 'claude,gemini']).stdout);
      expect(json.agents.map((a: { agent: string; gitHooksOff: boolean }) => [a.agent, a.gitHooksOff])).toEqual([['claude', false], ['gemini', true]]);
      expect(JSON.parse(t.guard(['status', '--json']).stdout).agents.gitHooksOff).toEqual(['Gemini CLI']);
      const status = t.guard(['status']);
      expect(status.stdout).toContain('note: Gemini CLI runs every git command with git\'s hooks off (core.hooksPath=""), so guard\'s git hooks never run for its commands: only the agent hook checks them');
      expect(status.stdout).toContain('docs/hooks.md, "Agents that run git with hooks off"');
    });
  });

  it('notices a deleted hook file (an agent ran git clean) and names the fix', async () => {
    await withTestRepo(async (t) => {
      expect(t.guard(['init', '--yes', '--agents', 'copilot']).code).toBe(0);
      trustEverything(t);
      t.remove('.github');
      const r = t.guard(['status']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/problem: GitHub Copilot CLI: \.github\/hooks\/git-guard\.json is missing\n {2}fix: `guard init --agents copilot` writes/);
      expect(r.stdout).not.toContain('protection: ok');
      fs.rmSync(path.join(t.dir, '.git', 'guard', 'agent-hook.sh'));
      expect(t.guard(['status']).stderr).toMatch(/launcher .* is missing[^\n]*\n {2}fix: `guard init` writes it again/);
    });
  });

  it('a broken config names its own fix, not a hook reinstall', async () => {
    await withTestRepo(async (t) => {
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      t.write('.guard.yaml', 'protect: [\n');
      const r = t.guard(['status']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/config is broken[^\n]*\n {2}fix: `guard config check` shows the error/);
      expect(r.stderr).not.toContain('reinstalls the hooks');
    });
  });
});
