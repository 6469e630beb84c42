/**
 * In a reftable repository (`git init --ref-format=reftable`, git >= 2.45) every ref lives in
 * `.git/reftable/` (refs/ is a stub and HEAD a fixed file): the watcher follows that ref stack, so
 * a branch made, moved or deleted without touching the index (`git branch`, `git update-ref`) is
 * recorded like in a files repository. Skipped, saying why, where git cannot make one.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, waitForSnapshot, waitForWatcher } from './helpers.js';

const version = /git version (\d+)\.(\d+)/.exec(spawnSync('git', ['version'], { encoding: 'utf8' }).stdout ?? '');
const major = Number(version?.[1] ?? 0);
const minor = Number(version?.[2] ?? 0);
const hasReftable = major > 2 || (major === 2 && minor >= 45);
const why = hasReftable ? '' : ` (SKIPPED: git ${major}.${minor} here; reftable repositories need git 2.45 or newer)`;

describe('the watcher in a reftable repository', () => {
  it.skipIf(!hasReftable)(`records ref changes that touch no file it otherwise watches${why}`, () =>
    withTestRepo(
      async (repo) => {
        repo.git(['init', '-q', '-b', 'main', '--ref-format=reftable']);
        repo.write('.guard.yaml', fastWatchConfig());
        repo.write('a.txt', 'a\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'base']);
        const started = repo.guard(['watch']);
        expect(started.code, started.stderr).toBe(0);
        await waitForWatcher(repo);
        const head = repo.git(['rev-parse', 'HEAD']).trim();
        repo.git(['branch', 'feature']);
        const made = await waitForSnapshot(repo, 'a watch snapshot with refs/heads/feature', (s) => s.trigger === 'watch' && s.refs?.['refs/heads/feature'] === head);
        repo.git(['update-ref', '-d', 'refs/heads/feature']);
        await waitForSnapshot(repo, 'a later watch snapshot without refs/heads/feature', (s) => s.trigger === 'watch' && s.time > made.time && s.refs?.['refs/heads/feature'] === undefined);
        expect(repo.guard(['watch', 'stop']).code).toBe(0);
      },
      { init: false },
    ));
});
