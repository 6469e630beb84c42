/**
 * End to end with the real Claude Code CLI (pinned, installed by the suite into a cache outside
 * the package), headless (`claude -p`, --dangerously-skip-permissions, IS_SANDBOX=1 for root),
 * against a scripted model server on 127.0.0.1 that makes one tool call per turn. One agent
 * session runs the scenarios in order, and each is checked where it matters: in the
 * repository and the remote, in what the model was told, and in guard's journal, sessions and
 * snapshots; then `guard rollback --yes` and `--undo --yes` are compared byte for byte.
 *
 * Skips (with the reason) when the npm registry is unreachable and the CLI is not cached yet, or
 * with GUARD_E2E_AGENTS=0. Run alone: `npx vitest run test/e2e-agents` (test/e2e-agents/README.md).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { startAnthropicServer, type ToolCall, type ToolResult } from './anthropic-server.js';

const AGENT = PINNED.claude;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Claude Code ${AGENT.version} skipped: ${skip}`);

function runClaude(t: TestRepo, bin: string, url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['-p', 'Work on this repository.', '--dangerously-skip-permissions', '--output-format', 'json'], {
      cwd: t.dir,
      env: {
        ...t.env,
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_API_KEY: 'sk-ant-e2e-test',
        IS_SANDBOX: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const journal = (t: TestRepo): Array<Record<string, any>> =>
  fs
    .readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe.skipIf(skip !== null)(`Claude Code ${AGENT.version} (real CLI)`, () => {
  it('runs the scenarios: hooks fire, denies hold in bypass mode, snapshots precede destructive commands, rollback and undo are byte-exact', { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      // A repository with a remote, a protected path, a side branch and uncommitted work.
      t.write('a.txt', 'committed\n');
      t.write('.github/workflows/ci.yml', 'on: push\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      t.git(['branch', 'feature']);
      const remote = path.join(t.base, 'remote.git');
      t.git(['init', '-q', '--bare', remote]);
      t.git(['remote', 'add', 'origin', remote]);
      t.git(['push', '-q', 'origin', 'main']);
      const remoteMain = t.git(['ls-remote', remote, 'refs/heads/main']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      // main rewritten locally (so a force push would drop the remote's commit).
      t.git(['commit', '-q', '--amend', '-m', 'rewritten']);
      const featureTip = t.git(['rev-parse', 'feature']).trim();
      t.write('a.txt', 'work in progress\n');
      const guardYaml = t.read('.guard.yaml');

      const script: ToolCall[] = [
        { name: 'Bash', input: { command: 'ls -la', description: 'benign' } },
        { name: 'Bash', input: { command: 'git push --force origin main', description: 'force-push rewritten main' } },
        { name: 'Bash', input: { command: 'rm -rf .github/workflows', description: 'delete a protected path' } },
        // Claude Code's Write refuses a file it has not read (before any hook runs), so read it first.
        { name: 'Read', input: { file_path: path.join(t.dir, '.guard.yaml') } },
        { name: 'Write', input: { file_path: path.join(t.dir, '.guard.yaml'), content: 'protect: {}\n' } },
        { name: 'Bash', input: { command: 'git branch -D feature', description: 'delete a branch' } },
        { name: 'Bash', input: { command: 'git reset --hard', description: 'reset with uncommitted work' } },
      ];
      const server = await startAnthropicServer(script);
      let run;
      try {
        run = await runClaude(t, bin, server.url);
      } finally {
        await server.close();
      }
      expect(run.code, run.stderr).toBe(0);
      const output = JSON.parse(run.stdout) as { session_id: string; num_turns: number };
      const results = server.results();
      expect(results).toHaveLength(script.length);
      const [benign, push, rmProtected, readYaml, writeYaml, branchDelete, reset] = results as ToolResult[];
      expect(readYaml).toMatchObject({ isError: false });

      // 1. Benign: answered by the shim's fast path, and it ran.
      expect(benign).toMatchObject({ isError: false });
      expect(benign?.content).toContain('a.txt');
      // 2. Force push of a rewritten main: denied, the reason reached the model, the remote is untouched.
      expect(push).toMatchObject({ isError: true });
      expect(push?.content).toMatch(/^git-guard blocked this \(rule git-push-force\).*Instead:/s);
      expect(t.git(['ls-remote', remote, 'refs/heads/main'])).toBe(remoteMain);
      // 3. Delete of a protected path: denied, the files are there.
      expect(rmProtected?.content).toMatch(/git-guard blocked this \(rule protected-path\)/);
      expect(t.read('.github/workflows/ci.yml')).toBe('on: push\n');
      // 4. Edit of .guard.yaml through the file tool: denied, byte-identical.
      expect(writeYaml).toMatchObject({ isError: true });
      expect(writeYaml?.content).toMatch(/rule hooks-disable/);
      expect(t.read('.guard.yaml')).toBe(guardYaml);
      // 5. git branch -D: snapshot first, then it ran.
      expect(branchDelete).toMatchObject({ isError: false });
      expect(t.gitResult(['rev-parse', '--verify', '-q', 'refs/heads/feature']).code).not.toBe(0);
      // 6. git reset --hard with uncommitted work: snapshot first, then it ran.
      expect(reset).toMatchObject({ isError: false });
      expect(t.read('a.txt')).toBe('committed\n');

      // The session: opened by SessionStart with Claude's own id, ended once at SessionEnd.
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions).toHaveLength(1);
      const session = sessions[0];
      expect(session).toMatchObject({ agent: 'claude', agentSession: output.session_id, endedBy: 'end' });
      const events = journal(t).filter((e) => e.session === session.id);
      const types = events.map((e) => e.type);
      expect(types.filter((x) => x === 'session-start')).toHaveLength(1);
      expect(types.filter((x) => x === 'session-end')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'blocked').map((e) => e.rule)).toEqual(['git-push-force', 'protected-path', 'hooks-disable']);
      expect(events.filter((e) => e.type === 'allowed-after-snapshot').map((e) => e.command)).toEqual(['git branch -D feature', 'git reset --hard']);
      expect(events.find((e) => e.type === 'session-end')).toMatchObject({ blocked: 3 });
      // The session-start snapshot holds the uncommitted work and the branch.
      const start = JSON.parse(t.guard(['show', session.startSnapshot, '--json']).stdout);
      expect(start.refs['refs/heads/feature']).toBe(featureTip);

      // Rollback to the session start brings back the uncommitted work and the branch, byte for byte; undo returns.
      const back = t.guard(['rollback', '--yes']);
      expect(back.code, back.stderr).toBe(0);
      expect(t.read('a.txt')).toBe('work in progress\n');
      expect(t.git(['rev-parse', 'feature']).trim()).toBe(featureTip);
      const undo = t.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(t.read('a.txt')).toBe('committed\n');
      expect(t.gitResult(['rev-parse', '--verify', '-q', 'refs/heads/feature']).code).not.toBe(0);
    });
  });
});
