/**
 * An allow the agent hook decided by the command's text and the files it read (a package
 * script's package.json, the package.json files of a workspace) is kept for the hook's sh shim
 * (src/agents/answer-cache.ts, hooks/agent-hook.sh guard_kept_allow): the same call again is
 * answered without Node, at the cost of the fast path (the launcher's `git rev-parse`, then one
 * find), until one of those files changes. Through the installed Claude Code hook; git processes
 * counted with git's trace (1: the shim answered; Node adds the shim's own rev-parse at least).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY_WINDOW_MS } from '../../../src/agents/answer-cache.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { spawnSync } from 'node:child_process';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { commitGuardFiles, installedClaudeHook, installedHookGitProcesses } from '../../helpers/guard-steps.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

/**
 * Waits until everything written so far is older than the window within which the hook keeps
 * nothing (and the second it rounds to). Asynchronously: the tests run concurrently, so one
 * test's waits (5 s each, 8 in the file) pass while another runs its hooks (issue 8).
 */
async function pastRacyWindow(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, RACY_WINDOW_MS + 1200));
}

/**
 * Rewrites `file` with `to` for `from`, the same number of bytes, and puts its mtime back: size
 * and mtime (to the second) are as before, as after `cp -p` or an edit in the clock tick of the
 * last look. Only the change time tells.
 */
function sameSizeEdit(t: TestRepo, file: string, from: string, to: string): void {
  const abs = path.join(t.dir, file);
  const before = fs.statSync(abs);
  const text = fs.readFileSync(abs, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  fs.writeFileSync(abs, next);
  fs.utimesSync(abs, before.atime, before.mtime);
  const after = fs.statSync(abs);
  expect(after.size).toBe(before.size);
  expect(Math.floor(after.mtimeMs / 1000)).toBe(Math.floor(before.mtimeMs / 1000));
}

/** The kept entries that name `command` (answer-cache.ts: one line `=<command>`). */
function keptFor(t: TestRepo, command: string): string[] {
  const dir = path.join(t.dir, '.git', 'guard', 'answers');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n').includes(`=${command}`));
}

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env\nnode_modules/\ndist/\n',
    'package.json': `${JSON.stringify({ name: 'app', private: true, scripts: { test: 'tsc -b .', lint: 'eslint .', clean: 'rm -rf dist', build: "pnpm -r --filter './packages/*' run build", each: 'for f in tools/*.sh; do sh "$f"; done' } }, null, 2)}\n`,
    'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'apps/**'\n",
    'packages/a/package.json': JSON.stringify({ name: 'a', scripts: { build: 'tsc -b .' } }),
    'packages/b/package.json': JSON.stringify({ name: 'b', scripts: { build: 'vite build' } }),
    // In the workspace, outside the root's filter: `pnpm build` never runs it, `pnpm -r build` does.
    'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { build: 'rm -rf ~' } }),
    'src/index.ts': 'export {};\n',
    'tools/README.md': 'scripts go here\n',
  });
  writeFiles(t, { '.env': 'API_KEY=1\n', 'dist/a.js': 'x\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  commitGuardFiles(t);
}

/**
 * setup built once for the file, each test on a copy (repo-template.ts: the hook's settings and
 * guard's files name the copy's paths). cp keeps mtimes, not change times: each test still waits
 * out the racy window after its copy, as after its setup before.
 */
const template = fileTemplate(setup);

// Concurrent: each test has a repository of its own (a copy, or its own build); only the waits
// overlap, since every hook and git call is synchronous (spawnSync) and runs to the next wait whole.
// A test's time then includes the others' calls between its waits: 60 s ran out at load 20.
describe.concurrent('an allow decided by package.json alone is answered by the hook without Node', { timeout: 240_000 }, () => {
  it('on the next call, until package.json or a workspace package.json changes (same size, same second); a state-dependent script never', async () => {
    await template.withCopy(async (t) => {
      await pastRacyWindow();
      for (const command of ['npm test', 'pnpm lint', 'pnpm build']) {
        expect(installedHookGitProcesses(t, command, { kept: true }), command).toBeGreaterThan(1);
        expect(installedHookGitProcesses(t, command, { kept: true }), command).toBe(1);
        expect(keptFor(t, command), command).toHaveLength(1);
      }
      // Another cwd is another call: Node first (the nearest package.json from there), then kept too.
      const sub = path.join(t.dir, 'src');
      expect(installedHookGitProcesses(t, 'npm test', { kept: true, cwd: sub })).toBeGreaterThan(1);
      expect(installedHookGitProcesses(t, 'npm test', { kept: true, cwd: sub })).toBe(1);
      expect(keptFor(t, 'npm test')).toHaveLength(2);
      // The filter './packages/*' selects nothing under apps/; without a filter, all of the workspace.
      expect(installedClaudeHook(t, 'pnpm -r build')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('apps/web/package.json') });
      // rm -rf dist depends on what dist holds: judged by Node every time, never kept.
      expect(installedHookGitProcesses(t, 'npm run clean', { kept: true })).toBeGreaterThan(1);
      expect(installedHookGitProcesses(t, 'npm run clean', { kept: true })).toBeGreaterThan(1);
      expect(keptFor(t, 'npm run clean')).toEqual([]);
      // A loop's glob is expanded from the directory (nothing matches yet): never kept either. The
      // script it then reads is one guard could not have named before, under a directory no read listed.
      expect(installedHookGitProcesses(t, 'npm run each', { kept: true })).toBeGreaterThan(1);
      expect(installedHookGitProcesses(t, 'npm run each', { kept: true })).toBeGreaterThan(1);
      expect(keptFor(t, 'npm run each')).toEqual([]);
      fs.writeFileSync(path.join(t.dir, 'tools', 'nuke.sh'), 'rm -rf ~\n');
      expect(installedClaudeHook(t, 'npm run each')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('tools/nuke.sh') });
      // A workspace package's build script turns destructive: same size, same mtime second. Judged
      // again under `pnpm build`, refused; `npm test` (package.json alone) is still answered in sh.
      sameSizeEdit(t, 'packages/a/package.json', '"build":"tsc -b ."', '"build":"rm -rf ~"');
      expect(installedClaudeHook(t, 'pnpm build')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('packages/a/package.json') });
      expect(installedHookGitProcesses(t, 'npm test', { kept: true })).toBe(1);
      // The test script likewise.
      sameSizeEdit(t, 'package.json', '"test": "tsc -b ."', '"test": "rm -rf ~"');
      expect(installedClaudeHook(t, 'npm test')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('script "test" of package.json') });
    });
  });

  it("a script that finds a directory with `$(cd DIR && pwd)` or writes to /dev/null (gradlew's `cd -P ... > /dev/null`): kept until the directory is swapped", async () => {
    await template.withCopy(async (t) => {
      commitFiles(t, {
        'tools/gen.sh': 'echo generated\n',
        'gradlew': '#!/bin/sh\nAPP_HOME=$( cd -P "${0%/*}" > /dev/null && printf \'%s\\n\' "$PWD" ) || exit\necho "$APP_HOME"\n',
        'scripts/gen.sh': '#!/bin/sh\nTOOLS=$(cd "$(dirname "$0")/../tools" && pwd)\ncd "$TOOLS"\nsh ./gen.sh\n',
      });
      fs.chmodSync(path.join(t.dir, 'gradlew'), 0o755);
      fs.chmodSync(path.join(t.dir, 'scripts', 'gen.sh'), 0o755);
      await pastRacyWindow();
      for (const command of ['./gradlew build', './scripts/gen.sh']) {
        expect(installedHookGitProcesses(t, command, { kept: true }), command).toBeGreaterThan(1);
        expect(installedHookGitProcesses(t, command, { kept: true }), command).toBe(1);
        expect(keptFor(t, command), command).toHaveLength(1);
      }
      // tools swapped for a directory elsewhere whose gen.sh deletes the home directory: judged again.
      fs.mkdirSync(path.join(t.base, 'evil'));
      fs.writeFileSync(path.join(t.base, 'evil', 'gen.sh'), 'rm -rf ~\n');
      fs.renameSync(path.join(t.dir, 'tools'), path.join(t.base, 'tools.old'));
      fs.symlinkSync(path.join(t.base, 'evil'), path.join(t.dir, 'tools'));
      expect(installedClaudeHook(t, './scripts/gen.sh')).toMatchObject({ decision: 'deny' });
    });
  });

  it('keeps nothing judged from a file changed within the window, so an edit in the same tick is not missed', async () => {
    await template.withCopy(async (t) => {
      await pastRacyWindow();
      // As on a file system whose times lag the clock by up to 2 s (whole seconds, FAT's two).
      const lagging = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_ANSWER_CLOCK_AHEAD_MS: '2000' };
      sameSizeEdit(t, 'package.json', '"test": "tsc -b ."', '"test": "tsc -p ."');
      expect(installedHookGitProcesses(t, 'npm test', { kept: true, env: lagging })).toBeGreaterThan(1);
      sameSizeEdit(t, 'package.json', '"test": "tsc -p ."', '"test": "rm -rf ~"');
      expect(installedClaudeHook(t, 'npm test', { env: lagging })).toMatchObject({ decision: 'deny', reason: expect.stringContaining('script "test" of package.json') });
      expect(keptFor(t, 'npm test')).toEqual([]);
    });
  });

  it('a task of an included Taskfile (taskfile-includes.ts): kept until the root or the included Taskfile changes (same size, same second) or an optional include appears', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, {
        '.gitignore': '.env\n',
        'Taskfile.yml': "version: '3'\nincludes:\n  db: ./taskfiles/db.yml\n  opt:\n    taskfile: ./extra/opt.yml\n    optional: true\ntasks:\n  build: echo build\n",
        'taskfiles/db.yml': "version: '3'\ntasks:\n  migrate: echo ok!\n",
        // The optional include's directory, which no read lists: only the entry's absent path tells it came.
        'extra/README.md': 'extra Taskfiles\n',
      });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      await pastRacyWindow();
      const kept = (): void => {
        expect(installedHookGitProcesses(t, 'task db:migrate', { kept: true })).toBeGreaterThan(1);
        expect(installedHookGitProcesses(t, 'task db:migrate', { kept: true })).toBe(1);
      };
      kept();
      // The optional include comes to exist: its globals could change what db:migrate runs. Node again.
      fs.writeFileSync(path.join(t.dir, 'extra', 'opt.yml'), "version: '3'\ntasks:\n  x: echo x\n");
      await pastRacyWindow();
      kept();
      // The root Taskfile (same size): Node again.
      sameSizeEdit(t, 'Taskfile.yml', 'echo build', 'echo built');
      await pastRacyWindow();
      kept();
      // The included task turns destructive, same size and mtime: refused, not answered from the entry.
      sameSizeEdit(t, 'taskfiles/db.yml', 'echo ok!', 'rm -rf ~');
      expect(installedClaudeHook(t, 'task db:migrate')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('taskfiles/db.yml') });
    });
  });

  it('for Gemini CLI, Cursor, Copilot CLI and OpenCode too, keyed by the cwd their payload sends; a Gemini call with dir_path is always Node\'s', async () => {
    await template.withCopy(async (t) => {
      // A package of its own under tools/, whose test script deletes: where Gemini's dir_path leads.
      t.write('tools/package.json', `${JSON.stringify({ name: 'tools', scripts: { test: 'rm -rf ~' } })}\n`);
      await pastRacyWindow();
      for (const agent of Object.keys(OTHER_AGENTS)) {
        const first = otherAgentHook(t, agent, 'npm test');
        expect(first.decision, agent).toBe('allow');
        expect(first.git, agent).toBeGreaterThan(1);
        expect(otherAgentHook(t, agent, 'npm test'), agent).toEqual({ decision: 'allow', git: 1 });
      }
      expect(keptFor(t, 'npm test')).toHaveLength(4);
      // Gemini with dir_path tools: run in tools/, whose test script is refused, never the root's kept allow.
      expect(otherAgentHook(t, 'gemini', 'npm test', { dir_path: 'tools' }).decision).toBe('deny');
      expect(otherAgentHook(t, 'gemini', 'npm test', { dir_path: 'tools' }).decision).toBe('deny');
      // The root's test script turns destructive (same size, same second): every agent's entry is stale.
      sameSizeEdit(t, 'package.json', '"test": "tsc -b ."', '"test": "rm -rf ~"');
      for (const agent of Object.keys(OTHER_AGENTS)) expect(otherAgentHook(t, agent, 'npm test').decision, agent).toBe('deny');
    });
  });
});

/** The pre-tool payload of each agent's shell tool (src/agents/<agent>), in the repository. */
const OTHER_AGENTS: Record<string, (command: string, cwd: string, input: Record<string, string>) => unknown> = {
  gemini: (command, cwd, input) => ({ session_id: 's', cwd, hook_event_name: 'BeforeTool', timestamp: '2026-01-01T00:00:00Z', tool_name: 'run_shell_command', tool_input: { command, description: 'x', ...input } }),
  cursor: (command, cwd) => ({ conversation_id: 'c', generation_id: 'g', hook_event_name: 'beforeShellExecution', workspace_roots: [cwd], command, cwd }),
  // Copilot CLI's toolArgs as a JSON string (older releases): the shim reads the cwd from the payload.
  copilot: (command, cwd) => ({ sessionId: 's', timestamp: 1, cwd, toolName: 'bash', toolArgs: JSON.stringify({ command, description: 'x' }) }),
  opencode: (command, cwd) => ({ sessionID: 's', tool: 'bash', args: { command }, cwd }),
};

/** The installed hook of `agent` for a shell call: allow or deny (any agent's spelling), and its git processes. */
function otherAgentHook(t: TestRepo, agent: string, command: string, input: Record<string, string> = {}): { decision: string; git: number } {
  const file = path.join(t.base, `trace-${agent}-${Math.random().toString(36).slice(2)}.json`);
  const payload = (OTHER_AGENTS[agent] as (c: string, d: string, i: Record<string, string>) => unknown)(command, t.dir, input);
  const r = spawnSync('sh', ['-c', hookCommandFor(agent, 'pre-tool')], { cwd: t.dir, env: { ...t.env, ...traceEnv(file) }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const denied = /"(?:decision|permission|permissionDecision)":\s*"deny"/.test(r.stdout);
  return { decision: denied ? 'deny' : 'allow', git: countGitProcesses(file).total };
}
