/**
 * An ignored file whose name is not UTF-8 (`$'k\xff.env'`), deleted by an agent's rm: the hook's
 * snapshot must capture it, as it does `plain.env`. The targets went to git as text pathspecs,
 * where the escaped byte became U+FFFD and matched nothing: the snapshot was taken without the
 * file, and no rollback could give it back. Real git, through the agent hook, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const nameBytes = (dir: string, byte: number): Buffer => Buffer.concat([Buffer.from(`${dir}/k`), Buffer.of(byte), Buffer.from('.env')]);

describe('an ignored file whose name is not UTF-8', () => {
  it('is captured before an agent rm deletes it, and guard rollback gives it back byte for byte; its neighbour is not touched', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      const target = nameBytes(t.dir, 0xff);
      const neighbour = nameBytes(t.dir, 0xfe);
      fs.writeFileSync(target, 'SECRET=1\n', { mode: 0o600 });
      fs.writeFileSync(neighbour, 'OTHER=2\n', { mode: 0o600 });
      const command = "rm -f $'k\\xff.env'";
      const hook = preToolHook(t, { tool: 'Bash', command });
      expect(hook.decision).not.toBe('deny');
      const rm = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(rm.status, rm.stderr).toBe(0);
      expect(fs.existsSync(target)).toBe(false);
      rollbackOk(t);
      expect(fs.readFileSync(target, 'utf8')).toBe('SECRET=1\n');
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(neighbour, 'utf8')).toBe('OTHER=2\n');
    });
  });
});
