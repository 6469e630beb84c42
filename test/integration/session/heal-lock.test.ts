/**
 * Self-healing when an agent's hooks are not on (hooks/lib.sh guard_heal_session): the healer's
 * lock names its holder, and a lock whose holder is gone is taken over. Codex ended the process
 * group of the command whose reference-transaction hook had started the healer in the background,
 * which killed it before it removed the lock: no session was ever opened in that clone again, and
 * nothing said so (with the real CLI: test/e2e-agents/hooks-off.test.ts). Also: the agent's git
 * command says, on its stderr, that the agent hooks are off and what fixes it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const AGENT = { CODEX_THREAD_ID: 'thread-1' };

function sessions(t: TestRepo): Array<Record<string, unknown>> {
  return JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
}

function setup(t: TestRepo, holder: number): string {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
  const lock = path.join(t.dir, '.git', 'guard', 'session-heal.lock');
  fs.mkdirSync(lock);
  fs.writeFileSync(path.join(lock, 'pid'), `${holder}\n`);
  t.write('b.txt', 'b\n');
  t.git(['add', 'b.txt']);
  return lock;
}

describe('the session healer lock', () => {
  it("a lock left by a healer that is gone is taken over: the agent's commit opens the session and says why", async () => {
    await withTestRepo((t) => {
      // A pid that has exited.
      const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
      const lock = setup(t, Number(gone));
      const r = t.gitResult(['commit', '-q', '-m', 'b'], { env: AGENT });
      expect(r.code, r.stderr).toBe(0);
      const [s] = sessions(t);
      expect(s).toMatchObject({ agent: 'codex', withoutAgentHooks: true });
      expect(r.stderr).toMatch(new RegExp(`git-guard: codex runs git here without guard's agent hooks .*session ${s?.id}.*Fix: `));
      expect(fs.existsSync(lock)).toBe(false);
    });
  });

  it('a lock whose healer still runs is left to it: nothing opened twice, nothing said', async () => {
    await withTestRepo((t) => {
      const lock = setup(t, process.pid);
      const r = t.gitResult(['commit', '-q', '-m', 'b'], { env: AGENT });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/git-guard/);
      expect(sessions(t)).toHaveLength(0);
      expect(fs.readFileSync(path.join(lock, 'pid'), 'utf8')).toBe(`${process.pid}\n`);
    });
  });

  it('the healer run after another opened the session says nothing (the hook prints its output on the git command\'s stderr)', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      expect(t.guard(['init', '--yes', '--agents', 'codex']).code).toBe(0);
      expect(t.guard(['session', 'start', '--agent', 'codex']).code).toBe(0);
      const r = t.guard(['session', 'start', '--agent', 'codex', '--without-agent-hooks']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(sessions(t)).toHaveLength(1);
    });
  });
});
