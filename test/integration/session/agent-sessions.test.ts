/** Sessions driven by an agent's hooks: one baseline per agent session, resumes, summaries. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function claude(t: TestRepo, event: string, payload: object) {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', event], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

const base = (t: TestRepo, session: string, event: string) => ({ session_id: session, transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: event });

describe('agent sessions through hooks', () => {
  it('takes one baseline per agent session: a resume, a new turn after Stop and a tool call reuse it', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'a']);
      claude(t, 'session-start', { ...base(t, 'conv-1', 'SessionStart'), source: 'startup' });
      const [first] = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      t.write('a.txt', 'changed\n');
      claude(t, 'stop', { ...base(t, 'conv-1', 'Stop'), stop_hook_active: false });
      // Stop is a turn's end (Claude Code also reports SessionEnd): the session stays open, and
      // the next turn's tool call and a resumed conversation continue it.
      claude(t, 'pre-tool', { ...base(t, 'conv-1', 'PreToolUse'), tool_name: 'Bash', tool_input: { command: 'git push --force origin main' } });
      const resumed = claude(t, 'session-start', { ...base(t, 'conv-1', 'SessionStart'), source: 'resume' });
      expect(JSON.parse(resumed.stdout).systemMessage).toContain(`session ${first.id} (claude) resumed`);
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ id: first.id, agentSession: 'conv-1', startSnapshot: first.startSnapshot, endedAt: null, resumes: 0 });
      // A different conversation is a different session, nested in the open one.
      claude(t, 'session-start', { ...base(t, 'conv-2', 'SessionStart'), source: 'startup' });
      const two = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(two).toHaveLength(2);
      expect(two[0]).toMatchObject({ agentSession: 'conv-2', parent: first.id });

      const end = claude(t, 'session-end', { ...base(t, 'conv-1', 'SessionEnd'), reason: 'exit' });
      const summary = JSON.parse(end.stdout).systemMessage as string;
      expect(summary).toContain('files: 0 added, 1 modified, 0 deleted');
      expect(summary).toContain('commands blocked: 1');
      expect(summary).toContain('git push --force origin main  (git-push-force)');
      expect(summary).toContain(`guard rollback --session ${first.id}`);
    });
  });

  it('stays quiet at Stop when the turn changed nothing', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      claude(t, 'session-start', { ...base(t, 'conv-9', 'SessionStart'), source: 'startup' });
      expect(claude(t, 'stop', { ...base(t, 'conv-9', 'Stop'), stop_hook_active: false })).toEqual({ stdout: '', stderr: '', code: 0 });
    });
  });

  it('a tool call without a prior SessionStart still gets a baseline first', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      claude(t, 'pre-tool', { ...base(t, 'late', 'PreToolUse'), tool_name: 'Bash', tool_input: { command: 'rm -rf node_modules' } });
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ agent: 'claude', agentSession: 'late' });
    });
  });
});
