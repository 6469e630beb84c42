/**
 * The agent hook answers within a budget guard controls (issue 9): every agent runs the tool when
 * its hook times out, so a snapshot that cannot finish in time, a command too long to classify
 * and an empty payload are all refused with a reason, never left to the agent's timeout.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function claude(t: TestRepo, input: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...env }, input, encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = r.stdout.trim() === '' ? null : JSON.parse(r.stdout).hookSpecificOutput;
  return { code: r.status, decision: (out?.permissionDecision ?? 'allow') as string, reason: (out?.permissionDecisionReason ?? '') as string };
}

const payload = (t: TestRepo, command: string) =>
  JSON.stringify({ session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });

function journal(t: TestRepo): Array<Record<string, unknown>> {
  return JSON.parse(t.guard(['log', '--json']).stdout).events;
}

describe('agent hook limits', () => {
  it('refuses a destructive command whose snapshot does not finish within snapshot.hookBudgetSeconds', async () => {
    await withTestRepo((t) => {
      t.write('.guard.yaml', 'version: 1\nsnapshot:\n  hookBudgetSeconds: 1\n');
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      t.write('a.txt', 'uncommitted\n');
      const r = claude(t, payload(t, 'git reset --hard'), { GUARD_TEST_BUNDLE: '1', GUARD_TEST_SNAPSHOT_DELAY_MS: '30000' });
      expect(r.code).toBe(0);
      expect(r.decision).toBe('deny');
      expect(r.reason).toContain('did not finish in 1 s (snapshot.hookBudgetSeconds)');
      expect(r.reason).toContain('guard watch');
      expect(t.read('a.txt')).toBe('uncommitted\n');
      expect(journal(t).some((e) => e.type === 'blocked' && e.rule === 'snapshot-too-slow')).toBe(true);
      // Within the budget the same command is snapshotted and allowed.
      expect(claude(t, payload(t, 'git reset --hard')).decision).toBe('allow');
    });
  });

  it('refuses a file tool over an ignored file whose snapshot does not finish within the budget, as for a shell command (one code path)', async () => {
    await withTestRepo((t) => {
      t.write('.guard.yaml', 'version: 1\nsnapshot:\n  hookBudgetSeconds: 1\n');
      t.write('.gitignore', '*.local\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      t.write('.env.local', 'KEY=old\n');
      const write = JSON.stringify({ session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(t.dir, '.env.local'), content: 'KEY=new\n' } });
      const r = claude(t, write, { GUARD_TEST_BUNDLE: '1', GUARD_TEST_SNAPSHOT_DELAY_MS: '30000' });
      expect(r.code).toBe(0);
      expect(r.decision).toBe('deny');
      expect(r.reason).toContain('replaces the ignored .env.local) did not finish in 1 s (snapshot.hookBudgetSeconds)');
      expect(journal(t).filter((e) => e.type === 'blocked')).toEqual([expect.objectContaining({ rule: 'snapshot-too-slow', tool: 'Write' })]);
      // Within the budget it is snapshotted with the file captured, and allowed.
      expect(claude(t, write).decision).toBe('allow');
      expect(journal(t).filter((e) => e.type === 'allowed-after-snapshot')).toEqual([expect.objectContaining({ rule: 'overwrite-ignored', capturedIgnored: ['.env.local'] })]);
    });
  });

  it('refuses a command longer than it classifies, at once', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      const r = claude(t, payload(t, `echo ${'a '.repeat(5 * 1024 * 1024)}`));
      expect(r.decision).toBe('deny');
      expect(r.reason).toMatch(/the command is \d+ KiB long, more than the 128 KiB guard reads/);
    });
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', ' \n\t\n'],
  ])('refuses a tool call whose payload is %s (fail closed)', async (_name, input) => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      const r = claude(t, input);
      expect(r.code).toBe(0);
      expect(r.decision).toBe('deny');
      expect(r.reason).toContain('empty payload');
      // The same through the sh shim the agents run (it hands an empty payload to Node).
      const shim = spawnSync('sh', [path.join(PROJECT_ROOT, 'hooks', 'agent-hook.sh'), 'claude', 'pre-tool'], { cwd: t.dir, env: t.env, input, encoding: 'utf8' });
      expect(JSON.parse(shim.stdout).hookSpecificOutput).toMatchObject({ permissionDecision: 'deny' });
      expect(JSON.parse(shim.stdout).hookSpecificOutput.permissionDecisionReason).toContain('empty payload');
    });
  });
});
