/**
 * Index entries whose state no tree can hold: `git update-index --assume-unchanged` and
 * `--skip-worktree` (the "keep my local override of a tracked config file" trick) and `git add
 * -N` (intent to add). git status does not look at the first two, so a snapshot that only asked
 * git status never held the local bytes: an agent's `rm` (or `--no-skip-worktree` and `checkout`)
 * lost them for good, and rollback brought back neither the bytes nor the bits. An
 * intent-to-add entry came back as an untracked file. Found playing agent incidents on a vite
 * clone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { guardOk, snapshotId } from '../../helpers/guard-steps.js';
import { waitForBackgroundPush } from '../watcher/helpers.js';
import { openRepo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { gitPath } from '../../../src/git/path.js';
import { realBackupPush } from '../../helpers/env.js';

/** The index with every entry's flags (assume-unchanged, skip-worktree, intent-to-add), stat data left out. */
function indexWithFlags(t: TestRepo): string {
  const debug = t.git(['ls-files', '-s', '--debug']).split('\n').filter((l) => !/^\s+(ctime|mtime|dev|uid):/.test(l));
  return `${debug.map((l) => l.replace(/^\s+size: \d+\s+/, '  ')).join('\n')}\n${t.git(['ls-files', '-v', '-t'])}`;
}

function state(t: TestRepo): unknown {
  return { ...captureState(t), flags: indexWithFlags(t), status: t.git(['status', '--porcelain=v2', '--untracked-files=all']) };
}

function setUp(t: TestRepo): void {
  t.write('config.json', '{"db": "prod"}\n');
  t.write('local.cfg', 'shared = 1\n');
  t.write('app.js', 'app\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  // The local overrides git is told not to look at.
  t.write('config.json', '{"db": "my local one"}\n');
  t.git(['update-index', '--skip-worktree', 'config.json']);
  t.write('local.cfg', 'shared = 1\nmine = 2\n');
  t.git(['update-index', '--assume-unchanged', 'local.cfg']);
  // A new file announced to git with intent to add.
  t.write('new.js', 'new work\n');
  t.git(['add', '-N', 'new.js']);
}

describe('rollback and index entries no tree can hold', () => {
  it('keeps the local bytes of skip-worktree and assume-unchanged files, and the bits, after rm', async () => {
    await withTestRepo((t) => {
      setUp(t);
      const before = state(t);
      const id = snapshotId(t);

      fs.rmSync(path.join(t.dir, 'config.json'));
      fs.rmSync(path.join(t.dir, 'local.cfg'));
      const destroyed = state(t);

      guardOk(t, ['rollback', id, '--yes']);
      expect(t.read('config.json')).toBe('{"db": "my local one"}\n');
      expect(t.read('local.cfg')).toBe('shared = 1\nmine = 2\n');
      expect(state(t)).toEqual(before);

      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(destroyed);
    });
  });

  it('brings back the bits, the local bytes and the intent-to-add entry after the agent clears them and discards the files', async () => {
    await withTestRepo((t) => {
      setUp(t);
      const before = state(t);
      const id = snapshotId(t);

      t.git(['update-index', '--no-skip-worktree', 'config.json']);
      t.git(['update-index', '--no-assume-unchanged', 'local.cfg']);
      t.git(['reset', '-q']); // new.js is untracked now
      t.git(['checkout', '--', '.']);
      t.write('new.js', 'the agent rewrote it\n');
      const destroyed = state(t);

      guardOk(t, ['rollback', id, '--yes']);
      expect(state(t)).toEqual(before);

      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(destroyed);
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(before);
    });
  });

  it('records a bit set or cleared alone as a new snapshot, and rolls it back', async () => {
    await withTestRepo((t) => {
      t.write('app.js', 'app\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      expect(t.guard(['snapshot']).code).toBe(0);
      t.git(['update-index', '--assume-unchanged', 'app.js']);
      const before = state(t);
      expect(JSON.parse(guardOk(t, ['snapshot', '--json']).stdout).created).toBe(true);
      t.git(['update-index', '--no-assume-unchanged', 'app.js']);
      guardOk(t, ['rollback', '--yes']);
      expect(state(t)).toEqual(before);
    });
  });

  it('guard recover after rm -rf .git gives back the local bytes and the bits', async () => {
    await withTestRepo(async (t) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(t);
      setUp(t);
      const before = state(t);
      guardOk(t, ['snapshot']);
      guardOk(t, ['backup', 'push']);
      await waitForBackgroundPush(t);
      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });
      fs.rmSync(path.join(t.dir, 'config.json'));
      guardOk(t, ['recover', '--yes']);
      expect(state(t)).toEqual(before);
    });
  });

  it('an incremental snapshot (the watcher) reads the marked files as a full walk does', async () => {
    await withTestRepo(async (t) => {
      setUp(t);
      // In-process snapshots: the process environment must be hermetic too.
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: t.home });
      const r = await openRepo(t.dir);
      await createSnapshot(r);
      t.write('config.json', 'edited again\n');
      t.write('local.cfg', 'edited too\n');
      const incremental = await createSnapshot(r, { trigger: 'watch', changedPaths: [gitPath('config.json'), gitPath('local.cfg')] });
      expect(incremental.created).toBe(true);
      expect(t.git(['show', `${incremental.snapshot.oid}:config.json`])).toBe('edited again\n');
      expect(t.git(['show', `${incremental.snapshot.oid}:local.cfg`])).toBe('edited too\n');
      const full = await createSnapshot(r, { force: true });
      expect(incremental.snapshot.tree).toBe(full.snapshot.tree);
    });
  });
});
