/**
 * Every push into the backup first makes sure the backup still refuses deletions and rewrites
 * (its config: receive.deny*, core.hooksPath to guard's own update hook, ...; src/backup/store.ts).
 * That was a `git config --local --list` in the backup before every push, in series: on the
 * session start's path too. Now the config file's bytes that git last found complete are
 * remembered (a hash, with the worktree root), and git is asked only when the file changed. A
 * changed config is still checked and repaired: a hooks path taken away, a setting unset, an
 * edit by hand, another root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { json } from '../watcher/helpers.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();



/** `guard backup push`, traced: how many times it listed the backup's config (the check). */
function push(t: TestRepo, label: string): number {
  const trace = path.join(t.base, `trace-${label}.json`);
  const r = t.guard(['backup', 'push', '--local-only'], { env: traceEnv(trace) });
  expect(r.code, r.stderr).toBe(0);
  // The check's `config --local -z --list` (a push also asks the live repository's config other things).
  return countGitProcesses(trace).argv.filter((a) => a.includes('config') && a.includes('--list')).length;
}

describe("the backup's config check", () => {
  it('asks git only when the config file changed, and repairs what was changed', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      json(t, ['snapshot']);
      await backgroundPushDone(t.dir);
      const backup: string = json(t, ['backup', 'status']).path;
      const config = (key: string): string => t.gitResult(['--git-dir', backup, 'config', '--local', key]).stdout.trim();
      const hooks = config('core.hookspath');
      expect(hooks).toBe(path.join(backup, 'guard', 'hooks'));

      // Checked once (the first push after the snapshot's may or may not have been the one), then remembered.
      push(t, 'first');
      expect(push(t, 'unchanged')).toBe(0);

      // Each way of weakening the backup is seen at the next push and undone.
      const weaken: Array<[string, () => void, string, string]> = [
        ['hooks path unset', () => t.git(['--git-dir', backup, 'config', '--unset', 'core.hooksPath']), 'core.hookspath', hooks],
        ['a deny turned off', () => t.git(['--git-dir', backup, 'config', 'receive.denyNonFastForwards', 'false']), 'receive.denynonfastforwards', 'true'],
        [
          'an edit by hand, same size',
          () => {
            const file = path.join(backup, 'config');
            const text = fs.readFileSync(file, 'utf8');
            expect(text).toContain('denyDeletes = true');
            fs.writeFileSync(file, text.replace('denyDeletes = true', 'denyDeletes = fals'));
          },
          'receive.denydeletes',
          'true',
        ],
      ];
      for (const [what, change, key, value] of weaken) {
        change();
        expect(config(key), what).not.toBe(value);
        expect(push(t, what.replace(/\W+/g, '-')), what).toBeGreaterThan(0);
        expect(config(key), what).toBe(value);
        expect(push(t, `${what.replace(/\W+/g, '-')}-again`), what).toBe(0);
      }
      // Still refuses a rewrite.
      const older = t.git(['rev-parse', 'refs/guard/main/head^']).trim();
      expect(t.gitResult(['push', '--no-verify', '--force', backup, `${older}:refs/guard/main/head`]).code).not.toBe(0);
    });
  });
});
