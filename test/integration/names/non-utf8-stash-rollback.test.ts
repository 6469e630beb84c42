/**
 * Stash entries whose reflog message is not UTF-8: `git stash` on a Latin-1 branch (`WIP on
 * caf\xe9: ...`), or `git stash push -m` with a Latin-1 message. The messages were read as UTF-8
 * text (U+FFFD) and written back so, by update-ref and by the reflog written in one go
 * (stash-reflog.ts): after `git stash clear` and a rollback, `git stash list` showed other bytes.
 * Real git, guard snapshot and rollback; the reflog's subjects compared byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

/** `git` with arguments given as bytes (latin1 strings: bash's printf rebuilds them). */
function gitBytes(t: TestRepo, ...args: string[]): Buffer {
  const quoted = args.map((a) => `"$(printf '${[...Buffer.from(a, 'latin1')].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}')"`);
  const r = spawnSync('bash', ['-c', `git ${quoted.join(' ')}`], { cwd: t.dir, env: t.env });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

/** The stash reflog's entries: commit and subject (latin1 byte strings). */
const stashLog = (t: TestRepo): string => gitBytes(t, 'log', '-g', '-z', '--format=%H %gs', 'refs/stash', '--').toString('latin1');

describe('stash entries whose message is not UTF-8', () => {
  it.each([
    ['two entries (the reflog written in one go)', 1],
    ['one entry (written by update-ref)', 0],
  ])('come back byte for byte after git stash clear: %s', async (_, count) => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      gitBytes(t, 'switch', '-q', '-c', 'caf\xe9');
      for (let i = 0; i < count; i++) {
        t.write('a.txt', `change ${i}\n`);
        gitBytes(t, 'stash', 'push', '-q', '-m', `stash \xe8 ${i}`);
      }
      t.write('a.txt', 'change last\n');
      gitBytes(t, 'stash', '-q');
      const before = stashLog(t);
      expect(before).toContain('WIP on caf\xe9');
      snapshotId(t);
      gitBytes(t, 'stash', 'clear');
      rollbackOk(t);
      expect(stashLog(t)).toBe(before);
    });
  });
});
