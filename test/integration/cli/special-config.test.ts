/**
 * A .guard.yaml that is not a regular file (a FIFO: reading it blocks until someone writes) must
 * not hang guard or the hooks: it is refused with a clear message, and the hooks fail closed.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN } from '../../helpers/git-repo.js';
import { guarded } from '../githooks/setup.js';

describe('.guard.yaml that is a FIFO', () => {
  it('config check, snapshot, status, the agent hook and git hooks answer instead of hanging', () => {
    const repo = guarded({ remote: false });
    try {
      repo.remove('.guard.yaml');
      expect(spawnSync('mkfifo', [`${repo.dir}/.guard.yaml`]).status).toBe(0);
      // A hang would be killed by the timeout and show as an error here.
      const guard = (args: string[], input = '') => {
        const r = spawnSync(process.execPath, [GUARD_BIN, ...args], { cwd: repo.dir, env: repo.env, input, encoding: 'utf8', timeout: 30_000 });
        expect(r.error, args.join(' ')).toBeUndefined();
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      const check = guard(['config', 'check']);
      expect(check.code).toBe(1);
      expect(`${check.stdout}${check.stderr}`).toContain('is a FIFO (named pipe), not a regular file');
      expect(guard(['snapshot']).code).toBe(0);
      expect(guard(['status']).stdout).toContain('guard status');
      const deny = guard(['agent-hook', 'claude', 'pre-tool'], JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'git push --force origin main' } }));
      expect(deny.stdout).toContain('"permissionDecision":"deny"');
      // Fail closed: with no readable policy every branch counts as protected.
      repo.git(['checkout', '-q', '-b', 'side']);
      const delMain = spawnSync('git', ['branch', '-D', 'main'], { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 30_000 });
      expect(delMain.error).toBeUndefined();
      expect(delMain.status).not.toBe(0);
      expect(repo.rev('main')).not.toBeNull();
    } finally {
      repo.cleanup();
    }
  });
});
