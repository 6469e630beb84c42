/**
 * guard's messages where the agent's non-interactive mode shows no hook output (`codex exec`,
 * `copilot -p`): the hook finds the agent's process among its ancestors and appends the message to
 * that process's stderr when it is a terminal or a pipe; an interactive run (its TUI) is left
 * alone. Real processes: a stand-in named `codex` that runs the real `guard agent-hook`.
 * (With the real CLIs: test/e2e-agents/agent-output.test.ts.)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/** `<base>/bin/codex`: a shell script (so it stays the hook's parent) that runs guard's Stop hook. */
function standIn(t: TestRepo): string {
  const file = path.join(t.base, 'bin', 'codex');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const payload = JSON.stringify({ session_id: 'thr-1', turn_id: 't', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' });
  fs.writeFileSync(file, `#!/bin/sh\nprintf '%s' '${payload}' | '${process.execPath}' '${GUARD_BIN}' agent-hook codex session-start >/dev/null 2>&1\necho done\n`, { mode: 0o755 });
  return file;
}

/** Runs `codex ARGS` with its stderr a pipe (to cat) and returns what came out. */
function runCodex(t: TestRepo, args: string[]): string {
  const r = spawnSync('sh', ['-c', `"$0" "$@" 2>&1 | cat`, standIn(t), ...args], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe.runIf(process.platform === 'linux')("headless agents: guard's message on the agent's stderr", () => {
  it('`codex exec`: the session start and its undo command reach the stderr of the codex process', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
      const out = runCodex(t, ['exec', 'Work.']);
      expect(out).toMatch(/^git-guard: session \S+ \(codex\) started at snapshot \w+\. Undo everything this session does: guard rollback --session \S+\n/m);
      expect(out).toMatch(/done\n$/);
    });
  });

  it('a named pipe whose reader is gone does not hold the hook: the message is dropped, the session starts', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
      // `codex exec ... 2>FIFO` whose reader went away before the hook opens codex's stderr (the
      // sleep): an open for writing of a named pipe without a reader waits for one, here forever.
      const file = standIn(t);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('#!/bin/sh\n', '#!/bin/sh\nsleep 1\n'));
      const fifo = path.join(t.base, 'codex-stderr');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const writer = fs.openSync(fifo, 'w');
      const child = spawn(file, ['exec', 'Work.'], { cwd: t.dir, env: t.env, stdio: ['ignore', 'ignore', writer] });
      fs.closeSync(writer);
      fs.closeSync(reader);
      const exited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 30_000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (!exited) spawnSync('pkill', ['-f', `${GUARD_BIN} agent-hook codex`]);
      expect(exited, 'the hook hung opening the pipe').toBe(true);
      expect(JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions).toHaveLength(1);
    });
  }, 60_000);

  it('an interactive codex (no exec) is left alone: nothing is written into its terminal', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
      expect(runCodex(t, ['Work.'])).toBe('done\n');
    });
  });
});

/**
 * Elsewhere than Linux (macOS) there is no /proc: the hook says nothing on the agent's stderr and
 * goes on (docs/agents.md, "What the person and the model see"). The real hook, with
 * process.platform reading `darwin` (a preload), under the same stand-in as above.
 */
describe.runIf(process.platform === 'linux')('headless agents on macOS (no /proc)', () => {
  it('`codex exec`: the session starts, nothing is written to the agent, the hook neither blocks nor fails', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
      const preload = path.join(t.base, 'darwin.mjs');
      fs.writeFileSync(preload, "Object.defineProperty(process, 'platform', { value: 'darwin' });\n");
      const file = standIn(t);
      // The stand-in's hook line, with its exit code kept instead of its output.
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('>/dev/null 2>&1\n', '>/dev/null 2>&1; echo "hook exit $?"\n'));
      const r = spawnSync('sh', ['-c', `"$0" exec Work. 2>&1 | cat`, file], { cwd: t.dir, env: { ...t.env, NODE_OPTIONS: `--import=${preload}` }, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('hook exit 0\ndone\n');
      expect(JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions).toHaveLength(1);
    });
  }, 60_000);
});
