/**
 * The stable hook command guard writes into (committable) agent settings: the same text on every
 * machine, it finds this clone's launcher through git and runs it. Driven through real sh with
 * real git: a guarded clone answers in the agent's protocol (fast path and Node), a teammate's
 * clone without `guard init` lets the agent go on with a visible message, and a launcher whose
 * package has gone denies (fails closed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { installAgents } from '../../../src/agents/install.js';
import { hookCommandFor, launcherContent, launcherPath, launcherState } from '../../../src/agents/launcher.js';
import { readEvents } from '../../../src/session/journal.js';
import { addSubmodule } from '../../helpers/fixtures.js';
import { PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { copyPackage } from '../../helpers/package-copy.js';

const claudePayload = (command: string): string => JSON.stringify({ session_id: 's1', cwd: '', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });

function runHook(t: TestRepo, agent: string, command: string, payload: string, cwd = t.dir): { stdout: string; stderr: string; code: number } {
  const r = spawnSync('sh', ['-c', command], { cwd, input: payload, encoding: 'utf8', env: t.env });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

describe('the stable agent hook command', () => {
  it('holds no machine-specific path and is the same text for every install', () => {
    const command = hookCommandFor('codex', 'pre-tool');
    expect(command).not.toContain(PROJECT_ROOT);
    expect(command).toMatch(/^sh -c '.*' git-guard codex pre-tool$/);
    expect(hookCommandFor('codex', 'pre-tool')).toBe(command);
  });

  it('runs the launcher guard init wrote: the fast path answers benign commands, Node denies a force push, from a sub-directory too', async () => {
    await withTestRepo(async (t) => {
      t.write('sub/a.txt', 'a\n');
      const repo = await openRepo(t.dir);
      await installAgents(repo, { agents: ['claude'] });
      expect(launcherState(repo)).toBe('ok');
      const command = hookCommandFor('claude', 'pre-tool');
      expect(runHook(t, 'claude', command, claudePayload('ls -la'))).toEqual({ stdout: '', stderr: '', code: 0 });
      const denied = runHook(t, 'claude', command, claudePayload('git push --force origin main'), path.join(t.dir, 'sub'));
      expect(denied.code).toBe(0);
      expect(JSON.parse(denied.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
    });
  });

  it("from inside a submodule: finds the superproject's launcher and judges there (the submodule's own files are in no snapshot)", async () => {
    await withTestRepo(async (t) => {
      addSubmodule(t, 'vendor/lib');
      const sub = path.join(t.dir, 'vendor/lib');
      t.write('vendor/lib/lib.txt', 'local work\n');
      t.write('vendor/lib/notes.txt', 'untracked\n');
      const command = hookCommandFor('claude', 'pre-tool');
      const inSub = (cmd: string): string => JSON.stringify({ session_id: 's1', cwd: sub, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: cmd } });
      // Before guard init the submodule is a teammate's clone like any other: not set up, visible.
      expect(runHook(t, 'claude', command, inSub('git reset --hard'), sub)).toMatchObject({ code: 1, stdout: '' });
      await installAgents(await openRepo(t.dir), { agents: ['claude'] });
      for (const cmd of ['git reset --hard', 'git clean -fdx', 'git checkout -- .', 'rm -rf .']) {
        const r = runHook(t, 'claude', command, inSub(cmd), sub);
        expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
        const out = r.stdout ? JSON.parse(r.stdout).hookSpecificOutput : { permissionDecision: 'allow (no answer)' };
        expect({ cmd, decision: out.permissionDecision }).toEqual({ cmd, decision: 'deny' });
        expect(out.permissionDecisionReason).toMatch(/another git repository|submodule/);
      }
      expect(runHook(t, 'claude', command, inSub('ls -la'), sub)).toEqual({ stdout: '', stderr: '', code: 0 });
      expect(runHook(t, 'claude', command, inSub('git status'), sub).stdout).not.toMatch(/deny/);
      // Nothing was written into the submodule's git dir, and its work is as it was.
      expect(fs.existsSync(path.join(t.dir, '.git/modules/vendor/lib/guard'))).toBe(false);
      expect([t.read('vendor/lib/lib.txt'), t.read('vendor/lib/notes.txt')]).toEqual(['local work\n', 'untracked\n']);
    });
  });

  it("in a teammate's clone without guard init: exits 1 with the fix on stderr (Claude, Codex, Gemini), 0 where non-zero would block (Copilot, Cursor)", async () => {
    await withTestRepo(async (t) => {
      for (const agent of ['claude', 'codex', 'gemini']) {
        const r = runHook(t, agent, hookCommandFor(agent, 'pre-tool'), claudePayload('git push --force'));
        expect(r).toMatchObject({ stdout: '', code: 1 });
        expect(r.stderr).toMatch(/git-guard is not set up in this clone.*run guard init/);
      }
      for (const agent of ['copilot', 'cursor']) {
        const r = runHook(t, agent, hookCommandFor(agent, 'pre-tool'), '{}');
        expect(r).toMatchObject({ stdout: '', code: 0 });
        expect(r.stderr).toMatch(/not set up/);
      }
      // Outside any repository: the same.
      const outside = path.join(t.base, 'outside');
      fs.mkdirSync(outside);
      expect(runHook(t, 'claude', hookCommandFor('claude', 'pre-tool'), '{}', outside).code).toBe(1);
    });
  });

  it('a launcher whose package is gone denies risky calls in the agent protocol', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      await installAgents(repo, { agents: ['claude'] });
      const moved = launcherContent().replace(/^guard_pkg_installed=.*$/m, `guard_pkg_installed='${path.join(t.base, 'gone')}'`);
      fs.writeFileSync(launcherPath(repo), moved);
      expect(launcherState(repo)).toBe('stale');
      const r = runHook(t, 'claude', hookCommandFor('claude', 'pre-tool'), claudePayload('git push --force'));
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('deny');
      expect(r.stderr).toMatch(/package is missing/);
    });
  });
});

describe('a package upgraded under a running session (the launcher compares stamps at every call)', () => {
  it("hands the next call to Node, which rewrites the launcher: the new version's risky word is refused; a downgrade counts too; a missing stamp file sends nothing to Node for ever", async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      const pkg = copyPackage(t);
      const shimFile = path.join(pkg, 'hooks', 'agent-hook.sh');
      const stampFile = path.join(pkg, 'dist', 'hooks.stamp');
      const newSh = fs.readFileSync(shimFile, 'utf8');
      const newStamp = fs.readFileSync(stampFile, 'utf8');
      // The older version: its fast path did not know psql yet, and it had its own stamp.
      const oldSh = newSh.replace('|[pP][sS][qQ][lL]|', '|');
      expect(oldSh).not.toBe(newSh);
      const oldStamp = 'old0000000000001\n';
      // An upgrade or downgrade writes the files in place (same package root), as npm does.
      const install = (sh: string, stamp: string | null): void => {
        fs.writeFileSync(shimFile, sh);
        if (stamp === null) fs.rmSync(stampFile);
        else fs.writeFileSync(stampFile, stamp);
      };
      install(oldSh, oldStamp);
      const init = spawnSync(process.execPath, [path.join(pkg, 'bin', 'guard.js'), 'init', '-y', '--agents', 'claude'], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(init.status, init.stderr).toBe(0);
      const launcher = path.join(t.dir, '.git', 'guard', 'agent-hook.sh');
      const launcherOf = (sh: string, stamp: string): string => sh.replace(/^guard_pkg_installed=$/m, `guard_pkg_installed=${pkg}`).replace(/^guard_stamp_installed=$/m, `guard_stamp_installed=${stamp}`);
      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherOf(oldSh, 'old0000000000001'));

      const repo = await openRepo(t.dir);
      const command = hookCommandFor('claude', 'pre-tool');
      const drop = claudePayload("psql -c 'DROP TABLE users'");
      // Node journals a step for every pre-tool call it answers; the sh fast path answers none.
      const nodeCalls = async (): Promise<number> => (await readEvents(repo)).filter((e) => e.type === 'step-start').length;
      const refreshes = async (): Promise<any[]> => (await readEvents(repo)).filter((e) => e.type === 'install-refreshed');
      const decision = (r: { stdout: string }): string => (r.stdout ? JSON.parse(r.stdout).hookSpecificOutput.permissionDecision : 'allow');
      // The premise: the older launcher answers the new risky word in sh.
      expect(decision(runHook(t, 'claude', command, drop))).toBe('allow');
      expect(await nodeCalls()).toBe(0);

      install(newSh, newStamp);
      const refused = runHook(t, 'claude', command, drop);
      expect(decision(refused)).toBe('deny');
      expect(await nodeCalls()).toBe(1);
      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherOf(newSh, newStamp.trim()));
      expect(await refreshes()).toMatchObject([{ by: 'pre-tool', package: pkg, launcher }]);
      // Once: the rewritten launcher answers in sh again, and refuses the word itself.
      expect(runHook(t, 'claude', command, claudePayload('ls -la'))).toEqual({ stdout: '', stderr: '', code: 0 });
      expect(decision(runHook(t, 'claude', command, drop))).toBe('deny');
      expect(await nodeCalls()).toBe(2);
      expect(await refreshes()).toHaveLength(1);

      // A downgrade is a change too: the older launcher comes back, from the next call on.
      install(oldSh, oldStamp);
      expect(runHook(t, 'claude', command, claudePayload('ls -la')).code).toBe(0);
      expect(await nodeCalls()).toBe(3);
      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherOf(oldSh, 'old0000000000001'));

      // A package with no stamp file (older than the stamp, or broken): one call to Node, which
      // writes `-`, and then the fast path again; no deny, no call to Node each time.
      install(newSh, null);
      expect(runHook(t, 'claude', command, claudePayload('ls -la')).code).toBe(0);
      expect(await nodeCalls()).toBe(4);
      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherOf(newSh, '-'));
      expect(runHook(t, 'claude', command, claudePayload('ls -la'))).toEqual({ stdout: '', stderr: '', code: 0 });
      expect(await nodeCalls()).toBe(4);
      expect(await refreshes()).toHaveLength(3);

      // The package gone altogether (stamp file and all): benign calls still pass in sh, the rest is denied.
      install(newSh, newStamp);
      expect(runHook(t, 'claude', command, claudePayload('ls -la')).code).toBe(0);
      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherOf(newSh, newStamp.trim()));
      fs.rmSync(path.join(pkg, 'bin'), { recursive: true });
      fs.rmSync(stampFile);
      expect(runHook(t, 'claude', command, claudePayload('ls -la'))).toEqual({ stdout: '', stderr: '', code: 0 });
      const gone = runHook(t, 'claude', command, drop);
      expect(decision(gone)).toBe('deny');
      expect(gone.stderr).toMatch(/package is missing/);
    });
  });
});
