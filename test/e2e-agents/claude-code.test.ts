/**
 * End to end with the real Claude Code CLI (pinned, installed by the suite into a cache outside
 * the package), headless (`claude -p`, --dangerously-skip-permissions, IS_SANDBOX=1 for root),
 * against a scripted model server on 127.0.0.1 that makes one tool call per turn. One agent
 * session runs the scenario of scenario.ts; each step is checked in what the model was told, and
 * the outcome in the repository, the remote, guard's journal, sessions and rollback.
 *
 * Skips (with the reason) when the npm registry is unreachable and the CLI is not cached yet, or
 * with GUARD_E2E_AGENTS=0. Run alone: `npx vitest run test/e2e-agents` (README.md there).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { runClaudeScripted, type ToolCall, type ToolResult } from './anthropic-server.js';
import { checkOutcome, COMMANDS, prepare } from './scenario.js';
import { commitFiles } from '../helpers/repo-steps.js';
import { loggedEvents } from '../helpers/guard-steps.js';

const AGENT = PINNED.claude;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Claude Code ${AGENT.version} skipped: ${skip}`);

describe.skipIf(skip !== null)(`Claude Code ${AGENT.version} (real CLI)`, () => {
  it('hooks fire, denies hold in bypass mode, snapshots precede destructive commands, rollback and undo are byte-exact', { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      const prepared = prepare(t, 'claude');
      const yaml = path.join(t.dir, '.guard.yaml');
      const bash = (command: string): ToolCall => ({ name: 'Bash', input: { command, description: command } });
      const script: ToolCall[] = [
        bash(COMMANDS.benign),
        bash(COMMANDS.forcePush),
        bash(COMMANDS.rmProtected),
        // Claude Code's Write refuses a file it has not read (before any hook runs): read it first.
        { name: 'Read', input: { file_path: yaml } },
        { name: 'Write', input: { file_path: yaml, content: 'protect: {}\n' } },
        bash(COMMANDS.branchDelete),
        bash(COMMANDS.reset),
      ];
      const result = await runClaudeScripted(bin, script, 'Work on this repository.', t.dir, t.env);
      expect(result.code, result.stderr).toBe(0);
      const results = result.results;
      expect(results).toHaveLength(script.length);
      const [benign, push, rmProtected, read, write, branchDelete, reset] = results as ToolResult[];
      // What the model was told: output, or guard's reason with what to do instead.
      expect(benign).toMatchObject({ isError: false, content: expect.stringContaining('a.txt') });
      // Claude Code 2.1.2xx gave the model guard's reason as it is; 2.1.332 puts "PreToolUse:Bash hook
      // error: " before it (its wording for any hook's deny, the decision itself unchanged).
      expect(push).toMatchObject({ isError: true, content: expect.stringMatching(/^(PreToolUse:Bash hook error: )?git-guard blocked this \(rule git-push-force\).*Instead:/s) });
      expect(rmProtected).toMatchObject({ isError: true, content: expect.stringContaining('(rule protected-path)') });
      expect(read).toMatchObject({ isError: false });
      expect(write).toMatchObject({ isError: true, content: expect.stringContaining('rule hooks-disable') });
      expect(branchDelete).toMatchObject({ isError: false });
      expect(reset).toMatchObject({ isError: false });
      checkOutcome(t, prepared, 'claude', (JSON.parse(result.stdout) as { session_id: string }).session_id, 'end');
    });
  });

  // `git clean -fdx` deletes the hook settings guard wrote (.claude/settings.local.json, ignored
  // since init): a snapshot holds them, and guard's PostToolUse hook puts them back; the next tool
  // call is still judged (the session keeps its hooks), and the file is there for the next session.
  it('git clean -fdx runs, guard puts its hook settings back byte for byte, and the next call is still judged', { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      commitFiles(t, { 'a.txt': 'committed\n', '.gitignore': '.env\n' });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitFiles(t, { '.guard.yaml': t.read('.guard.yaml') });
      const settings = path.join(t.dir, '.claude', 'settings.local.json');
      fs.chmodSync(settings, 0o600);
      const before = fs.readFileSync(settings);
      t.write('scratch.txt', 'junk\n');
      t.write('.env', 'SECRET=1\n', 0o600);
      const bash = (command: string): ToolCall => ({ name: 'Bash', input: { command, description: command } });
      const result = await runClaudeScripted(bin, [bash('git clean -fdx'), bash(COMMANDS.forcePush)], 'Clean this repository.', t.dir, t.env);
      expect(result.code, result.stderr).toBe(0);
      const [clean, push] = result.results;
      expect(clean).toMatchObject({ isError: false });
      expect(push).toMatchObject({ isError: true, content: expect.stringContaining('git-push-force') });
      expect(t.exists('scratch.txt')).toBe(false);
      expect(t.exists('.env')).toBe(false);
      expect(fs.readFileSync(settings).equals(before)).toBe(true);
      expect(fs.statSync(settings).mode & 0o777).toBe(0o600);
      // Put back by guard (the post-tool hook, or the session's watcher restoring a protected path).
      const restored = [...loggedEvents<{ putBack?: string[] }>(t, 'put-back').flatMap((e) => e.putBack ?? []), ...loggedEvents<{ path?: string }>(t, 'protected-restore').map((e) => e.path)];
      expect(restored).toContain('.claude/settings.local.json');
      t.guard(['watch', 'stop']);
    });
  });
});
