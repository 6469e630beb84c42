/**
 * A full disk is not a bug: guard says "no space left on device" (exit 1), not "internal error"
 * with a stack trace. Shown on a tiny tmpfs, where the test may mount one (root in a container that
 * allows it). Here git is the first to hit the full disk (its message reaches the user through the
 * git error path); guard's own writes that fail with ENOSPC are mapped by src/errors.ts fromErrno,
 * which test/unit/cli/errno.test.ts checks with a real ENOSPC from /dev/full.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestRepo, stopWatchers } from '../../helpers/git-repo.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// A full disk under the backup pusher a snapshot starts, as users run it: the automatic push stays on (test/helpers/env.ts).
realBackupPushInFile();

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync('/tmp/guard-mount-probe-');
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status !== 0) return false;
    spawnSync('umount', [probe]);
    return true;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

describe.runIf(canMount())('a full disk', () => {
  it('snapshot says "no space left on device" with exit 1', () => {
    const repo = createTestRepo();
    const small = path.join(repo.base, 'small');
    fs.mkdirSync(small);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]).status).toBe(0);
    try {
      repo.git(['init', '-q', '-b', 'main', small]);
      fs.writeFileSync(path.join(small, 'a.txt'), 'a\n');
      repo.git(['add', '-A'], { cwd: small });
      repo.git(['commit', '-q', '-m', 'base'], { cwd: small });
      expect(repo.guard(['snapshot'], { cwd: small }).code).toBe(0);
      // New content to record, then fill the disk to the last block.
      fs.writeFileSync(path.join(small, 'new.txt'), 'x'.repeat(300_000));
      spawnSync('dd', ['if=/dev/urandom', `of=${path.join(small, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
      const r = repo.guard(['snapshot'], { cwd: small });
      expect(r.stderr).not.toContain('internal error');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.toLowerCase()).toContain('no space left on device');
    } finally {
      // The background backup pusher a snapshot starts must go before its repository does.
      stopWatchers(repo.base);
      spawnSync('umount', ['-l', small]);
      repo.cleanup();
    }
  });
});
