/** `guard run`: a session around any command, the command's exit code and signals preserved. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo } from '../../helpers/git-repo.js';

describe('guard run', () => {
  it('runs the command with the terminal passed through and exits with its code', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'a']);
      const r = t.guard(['run', '--agent', 'aider', '--', 'sh', '-c', 'cat; echo "session=$GUARD_SESSION agent=$GUARD_AGENT"; echo new > b.txt; exit 7'], { input: 'from stdin\n' });
      expect(r.code).toBe(7);
      expect(r.stdout).toMatch(/^from stdin\nsession=aider-[0-9a-f]{6} agent=aider\n$/);
      expect(r.stderr).toContain('(sh exited with 7)');
      expect(r.stderr).toContain('files: 1 added, 0 modified, 0 deleted');
      const id = /session=(\S+)/.exec(r.stdout)?.[1] as string;
      expect(r.stderr).toContain(`guard rollback --session ${id}`);
      const { sessions } = JSON.parse(t.guard(['session', 'list', '--json']).stdout);
      expect(sessions[0]).toMatchObject({ id, agent: 'aider' });
      expect(sessions[0].endedAt).not.toBeNull();
    });
  });

  it('exits 0 for a command that succeeds and 127 for one that does not exist, still ending the session', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      expect(t.guard(['run', '--', 'true']).code).toBe(0);
      const missing = t.guard(['run', '--', 'no-such-command-guard-test']);
      expect(missing.code).toBe(127);
      expect(missing.stderr).toContain('could not start no-such-command-guard-test');
      const { sessions } = JSON.parse(t.guard(['session', 'list', '--json']).stdout);
      expect(sessions).toHaveLength(2);
      expect(sessions.every((s: any) => s.endedAt !== null)).toBe(true);
    });
  });

  it('forwards SIGTERM to the command and keeps its exit code', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      const child = spawn(process.execPath, [GUARD_BIN, 'run', '--', 'sh', '-c', 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'], {
        cwd: t.dir,
        env: t.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) resolve();
        });
      });
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(42);
      expect(stderr).toContain('(sh exited with 42)');
    });
  });

  it('needs a command', async () => {
    await withTestRepo((t) => {
      const r = t.guard(['run']);
      expect(r.code).toBe(2);
    });
  });
});
