/**
 * A snapshot moves guard's own ref without running any reference-transaction hook: the hook ran
 * twice per snapshot only to let guard's write pass (issue 8: cost per snapshot). The user's ref
 * updates still run it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe("a snapshot's own ref update", () => {
  it('runs no reference-transaction hook; a branch made by the user does', () =>
    withTestRepo(async (repo) => {
      const saved = { ...process.env };
      Object.assign(process.env, repo.env);
      try {
        repo.write('a.txt', 'a\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'base']);
        const log = path.join(repo.dir, '.git', 'hook.log');
        const hook = path.join(repo.dir, '.git', 'hooks', 'reference-transaction');
        fs.mkdirSync(path.dirname(hook), { recursive: true });
        fs.writeFileSync(hook, `#!/bin/sh\n{ echo "$1"; cat; } >> '${log}'\n`, { mode: 0o755 });
        const r = await openRepo(repo.dir);
        const first = await createSnapshot(r);
        repo.write('a.txt', 'changed\n');
        const second = await createSnapshot(r);
        expect(first.created && second.created).toBe(true);
        expect(repo.git(['rev-parse', 'refs/guard/main/head']).trim()).toBe(second.snapshot.oid);
        expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').not.toContain('refs/guard/');
        repo.git(['branch', 'user-branch']);
        expect(fs.readFileSync(log, 'utf8')).toContain('refs/heads/user-branch');
      } finally {
        process.env = saved;
      }
    }));
});
