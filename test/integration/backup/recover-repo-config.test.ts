/**
 * `guard recover` after `rm -rf .git` of a sparse checkout puts the sparse settings where `git
 * sparse-checkout` keeps them: this worktree's `config.worktree`, with extensions.worktreeConfig
 * in the shared config. Before 2026-12-07 recover left extensions.worktreeConfig out (a "layout"
 * key), so its `git config --worktree` wrote core.sparseCheckout and core.sparseCheckoutCone into
 * the shared .git/config, where every worktree added later read them (found on a sparse clone of
 * pallets/flask, helper rbaudit). And `.git/info/exclude` (the person's own ignore rules, `.env`
 * and `*.db` on that clone) comes back from the backup's copy: before, the recovered repository
 * had git's template there and showed `.env` as untracked. Compared: both config files' keys,
 * info/exclude's bytes, the index with its skip-worktree flags, and the files on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

realBackupPushInFile();

describe('recover of a sparse checkout', () => {
  it('puts core.sparseCheckout back in config.worktree, not in the shared config, and info/exclude back', async () => {
    await withTestRepo(async (t) => {
      for (const dir of ['src', 'docs', 'tests']) t.write(`${dir}/a.txt`, `${dir}\n`);
      t.write('top.txt', 'top\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['sparse-checkout', 'set', 'src', 'docs']);
      t.git(['config', 'branch.main.description', 'the main line']);
      // The person's own ignore rules: a recovered repository must keep ignoring .env.
      fs.appendFileSync(path.join(t.dir, '.git', 'info', 'exclude'), '.env\n*.db\n');
      const exclude = (): string => fs.readFileSync(path.join(t.dir, '.git', 'info', 'exclude'), 'utf8');
      const shared = (): string => t.gitResult(['config', '--file', path.join(t.dir, '.git', 'config'), '-z', '--list']).stdout.split('\0').map((l) => l.toLowerCase()).sort().join('\n');
      const own = (): string => t.gitResult(['config', '--file', path.join(t.dir, '.git', 'config.worktree'), '-z', '--list']).stdout.split('\0').sort().join('\n');
      const before = { ...byteState(t), flags: t.git(['ls-files', '-s', '-t']), shared: shared(), own: own(), exclude: exclude() };
      expect(before.own).toContain('core.sparsecheckout\ntrue');
      expect(json(t, ['snapshot'])).toBeTruthy();
      expect(json(t, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(t);

      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });
      const r = t.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      const after = { ...byteState(t), flags: t.git(['ls-files', '-s', '-t']), shared: shared(), own: own(), exclude: exclude() };
      // guard's own keys and hooks that recover sets again are not the point here.
      const drop = (s: string): string => s.split('\n').filter((l) => !l.startsWith('guard.') && !l.startsWith('core.hookspath')).join('\n');
      expect({ ...after, shared: drop(after.shared) }).toEqual({ ...before, shared: drop(before.shared) });
      t.write('.env', 'TOKEN=1\n');
      expect(t.gitResult(['check-ignore', '-q', '.env']).code).toBe(0);
    });
  });
});
