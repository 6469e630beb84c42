/**
 * Session lifecycle and attribution as the real agents drive it (issue 10): one end per session
 * (Stop then SessionEnd), no reopening after the end, git-hook refusals and remote deletions
 * carried by the session, "and N more" in the summary, one agent id everywhere, and a session
 * opened by a git hook for an agent whose own hooks did not run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function hook(t: TestRepo, agent: string, event: string, payload: object) {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', agent, event], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}
const claude = (t: TestRepo, session: string, event: string, extra: object = {}) => ({ session_id: session, cwd: t.dir, hook_event_name: event, ...extra });
const sessions = (t: TestRepo): any[] => JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
const journal = (t: TestRepo): any[] =>
  fs
    .readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

function committed(t: TestRepo): void {
  t.write('a.txt', 'a\n');
  t.git(['add', '.']);
  t.git(['commit', '-q', '-m', 'a']);
}

describe('one end per session, no reopening after it', () => {
  it('Claude Code: Stop then SessionEnd ends once with one summary; a later tool call does not reopen it', async () => {
    await withTestRepo((t) => {
      committed(t);
      hook(t, 'claude', 'session-start', claude(t, 's1', 'SessionStart', { source: 'startup' }));
      t.write('a.txt', 'changed\n');
      expect(hook(t, 'claude', 'stop', claude(t, 's1', 'Stop')).stdout).toBe('');
      expect(sessions(t)[0].endedAt).toBeNull();
      const end = hook(t, 'claude', 'session-end', claude(t, 's1', 'SessionEnd'));
      expect(JSON.parse(end.stdout).systemMessage).toContain('files: 0 added, 1 modified');
      expect(hook(t, 'claude', 'session-end', claude(t, 's1', 'SessionEnd')).stdout).toBe('');
      expect(journal(t).filter((e) => e.type === 'session-end')).toHaveLength(1);
      hook(t, 'claude', 'pre-tool', claude(t, 's1', 'PreToolUse', { tool_name: 'Bash', tool_input: { command: 'git push --force' } }));
      const [s] = sessions(t);
      expect(s.endedAt).not.toBeNull();
      expect(s.resumes).toBe(0);
      // The straggler is still recorded against the session it belongs to.
      expect(journal(t).filter((e) => e.type === 'blocked' && e.session === s.id)).toHaveLength(1);
    });
  });

  it('Codex (no SessionEnd hook): Stop ends the session and the next turn resumes it', async () => {
    await withTestRepo((t) => {
      committed(t);
      hook(t, 'codex', 'session-start', claude(t, 'c1', 'SessionStart'));
      t.write('a.txt', 'x\n');
      expect(JSON.parse(hook(t, 'codex', 'stop', claude(t, 'c1', 'Stop')).stdout).systemMessage).toContain('ended');
      expect(sessions(t)[0].endedAt).not.toBeNull();
      hook(t, 'codex', 'pre-tool', claude(t, 'c1', 'PreToolUse', { tool_name: 'Bash', tool_input: { command: 'rm -rf build' } }));
      expect(sessions(t)[0]).toMatchObject({ endedAt: null, resumes: 1 });
    });
  });
});

describe('attribution', () => {
  it('git-hook refusals and remote deletions during a session carry its id; the summary counts them, with "and N more"', async () => {
    await withTestRepo((t) => {
      committed(t);
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      const remote = path.join(t.base, 'remote.git');
      t.git(['init', '-q', '--bare', remote]);
      t.git(['remote', 'add', 'origin', remote]);
      t.git(['switch', '-q', '-c', 'feature']);
      t.git(['push', '-q', 'origin', 'main', 'feature']);
      hook(t, 'claude', 'session-start', claude(t, 's2', 'SessionStart', { source: 'startup' }));
      const [s] = sessions(t);
      const agentEnv = { CLAUDECODE: '1' };
      // Refused by the git hook (an agent deleting a protected branch).
      expect(t.gitResult(['branch', '-D', 'main'], { env: agentEnv }).code).not.toBe(0);
      const blocked = journal(t).filter((e) => e.type === 'blocked');
      expect(blocked.at(-1)).toMatchObject({ session: s.id, agent: 'claude' });
      // A branch deleted on the remote.
      expect(t.gitResult(['push', '-q', 'origin', '--delete', 'feature'], { env: agentEnv }).code).toBe(0);
      for (let i = 0; i < 6; i++) hook(t, 'claude', 'pre-tool', claude(t, 's2', 'PreToolUse', { tool_name: 'Bash', tool_input: { command: `git push --force origin main # ${i}` } }));
      const end = JSON.parse(hook(t, 'claude', 'session-end', claude(t, 's2', 'SessionEnd')).stdout).systemMessage as string;
      expect(end).toContain('commands blocked: 7');
      expect(end).toContain(`… 2 more (guard log --session ${s.id})`);
      expect(end).toMatch(/refs moved: 1\n {4}refs\/remotes\/origin\/feature deleted/);
      expect(t.guard(['log', '--session', s.id, '--json']).stdout).toContain('refs/remotes/origin/feature');
    });
  });
});

describe('self-healing when the agent hooks are not on', () => {
  it('a git command with an agent marker and no session opens one for that agent, once, and status shows it', async () => {
    await withTestRepo((t) => {
      committed(t);
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      // A person: nothing happens.
      t.write('b.txt', 'b\n');
      t.git(['add', 'b.txt']);
      t.git(['commit', '-q', '-m', 'b']);
      expect(sessions(t)).toHaveLength(0);
      // An agent whose hooks did not run (Gemini CLI turns git hooks off only for its own shells; here the marker reaches them).
      t.write('c.txt', 'c\n');
      t.git(['add', 'c.txt']);
      t.git(['commit', '-q', '-m', 'c'], { env: { CODEX_THREAD_ID: 'thread-1' } });
      const [s] = sessions(t);
      expect(s).toMatchObject({ agent: 'codex', withoutAgentHooks: true, endedAt: null });
      // Its baseline is the state before the commit.
      expect(t.git(['ls-tree', '--name-only', s.startSnapshot])).toContain('c.txt');
      const missing = journal(t).filter((e) => e.type === 'agent-hooks-missing');
      expect(missing).toHaveLength(1);
      expect(missing[0].message).toMatch(/codex runs git here without guard's agent hooks.*Fix: `guard init --agents codex` installs its hooks/);
      t.write('d.txt', 'd\n');
      t.git(['add', 'd.txt']);
      t.git(['commit', '-q', '-m', 'd'], { env: { CODEX_THREAD_ID: 'thread-1' } });
      expect(sessions(t)).toHaveLength(1);
      const status = t.guard(['status']);
      expect(status.code).toBe(1);
      expect(status.stderr).toContain(`codex runs git here without guard's agent hooks: a git hook opened session ${s.id}`);
    });
  });
});
