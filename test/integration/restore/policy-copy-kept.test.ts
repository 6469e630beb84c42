/**
 * A policy watch whose put-back fails (the file system refuses the write) must not lose the copy:
 * it is the only one of an uncommitted `.guard.yaml`. The entry stays due (tried again at the next
 * hook event or `guard status`), the copy is saved beside put-back.json, and the warning names the
 * `cp` that brings it back. Real git and a real repository; the write failure alone is injected
 * (a root test cannot make a directory unwritable).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { openRepo } from '../../../src/git/repo.js';
import { notePolicyWatch, putBackDue, putBackMessage, putBackOwnFiles } from '../../../src/restore/own-files.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a policy copy guard could not write back", () => {
  it('stays due, is saved beside put-back.json, the warning names the cp, and the next try puts it back byte for byte', async () => {
    await withTestRepo(async (t) => {
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: t.home });
      commitFiles(t, { 'app.txt': 'a\n' }, 'base');
      // Uncommitted: no commit holds these bytes, only guard's copy.
      const policy = 'protect:\n  paths:\n    - secrets/**   # the person\'s, not committed\n';
      t.write('.guard.yaml', policy);
      const repo = await openRepo(t.dir);
      const file = path.join(t.dir, '.guard.yaml');
      expect(notePolicyWatch(repo, file, 'git merge gone')).toBe(true);
      fs.rmSync(file);

      const link = vi.spyOn(fs, 'linkSync').mockImplementation(() => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      });
      const failed = await putBackOwnFiles(repo, 'test');
      expect(failed).toHaveLength(1);
      expect(failed![0]!.failed.map((f) => f.path)).toEqual(['.guard.yaml']);
      expect(fs.existsSync(file)).toBe(false);
      const kept = failed![0]!.keptAt!;
      expect(fs.readFileSync(kept, 'utf8')).toBe(policy);
      expect(putBackDue(repo)).toBe(true);
      const message = putBackMessage(failed);
      expect(message).toContain(`cp '${kept}' .guard.yaml`);
      expect(message).toContain('tries again at the next hook event or `guard status`');

      link.mockRestore();
      const again = await putBackOwnFiles(repo, 'test');
      expect(again![0]!.putBack).toEqual(['.guard.yaml']);
      expect(fs.readFileSync(file, 'utf8')).toBe(policy);
      expect(putBackDue(repo)).toBe(false);
    });
  });
});
