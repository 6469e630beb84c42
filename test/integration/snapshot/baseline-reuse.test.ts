/**
 * A session start with nothing changed since the last snapshot hands that snapshot back as its
 * baseline instead of writing one (createSnapshot's reuseSame), and the watcher's start-up walk
 * right after a session start writes nothing when the only difference is the session start's own
 * captures (onlyStartCaptures). Both must be proved from the state: every change a rollback would
 * put back (a mode, an untracked file, its bits, the index, a ref, the stash, a captured file)
 * gives a new snapshot, and a previous snapshot whose captures a rollback treats otherwise (a
 * command's) is not reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { openRepo, type Repo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { gitPath } from '../../../src/git/path.js';
import { backupHoldsAll, pushBackup } from '../../../src/backup/mirror.js';

/** A file's times set back, so that its capture is signed (RACY_MS: unchanged for 2 s when read). */
function age(t: TestRepo, name: string): void {
  const past = new Date(Date.now() - 10_000);
  fs.utimesSync(path.join(t.dir, name), past, past);
}

/** The repository every case starts from: a commit, an untracked file, a captured 0600 `.env`, all aged. */
function seed(t: TestRepo): void {
  t.write('.gitignore', '.env\n');
  t.write('a.txt', 'a\n');
  t.write('run.sh', 'echo hi\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  t.write('notes.txt', 'untracked\n');
  t.write('.env', 'KEY=1\n', 0o600);
  for (const name of ['.env', 'notes.txt', 'a.txt', 'run.sh']) age(t, name);
}

// A capture is signed (held) only for a file whose inode changed more than RACY_MS before, and a
// ctime cannot be set back: the repositories are seeded together and the 2 s are waited out once
// for all of them, not once per case (24 cases x 2.1 s was most of this file's time).
const RACY_WAIT_MS = 2100;
const POOL_SIZE = 24;
const pool: TestRepo[] = [];
const waitRacy = () => new Promise((resolve) => setTimeout(resolve, RACY_WAIT_MS));

beforeAll(async () => {
  for (let i = 0; i < POOL_SIZE; i++) {
    const t = createTestRepo();
    pool.push(t);
    seed(t);
  }
  await waitRacy();
});

afterAll(() => {
  for (const t of pool.splice(0)) t.cleanup();
});

/** Runs `fn` on a seeded repository whose captures are signed (from the pool; seeded and waited for here once it is empty), then cleans up. */
async function withSeeded(fn: (t: TestRepo, r: Repo) => Promise<void>): Promise<void> {
  let t = pool.pop();
  if (!t) {
    t = createTestRepo();
    seed(t);
    await waitRacy();
  }
  try {
    Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: t.home });
    await fn(t, await openRepo(t.dir));
  } finally {
    t.cleanup();
  }
}

const start = (r: Repo) => createSnapshot(r, { trigger: 'session-start', force: true, reuseSame: true, captureIgnored: [gitPath('.env')] });

describe("a session start's baseline: the previous snapshot when the state is the same", () => {
  it('hands back the previous session start of the same state, and takes a new one once a capture is out of date', async () => {
    await withSeeded(async (t, r) => {
      const first = await start(r);
      expect(first.created).toBe(true);
      const again = await start(r);
      expect(again.created).toBe(false);
      expect(again.snapshot.oid).toBe(first.snapshot.oid);
      // Without reuseSame (force alone) a new one, as before.
      expect((await createSnapshot(r, { trigger: 'session-start', force: true, captureIgnored: [gitPath('.env')] })).created).toBe(true);
    });
  });

  const changes: Array<[string, (t: TestRepo) => void]> = [
    ['only a tracked file gained its executable bit', (t) => fs.chmodSync(path.join(t.dir, 'run.sh'), 0o755)],
    ["only an untracked file's bytes (same size)", (t) => fs.writeFileSync(path.join(t.dir, 'notes.txt'), 'UNTRACKED\n')],
    ["only an untracked file's permission bits", (t) => fs.chmodSync(path.join(t.dir, 'notes.txt'), 0o600)],
    ['only a new untracked file', (t) => t.write('more.txt', 'more\n')],
    ['only the index (an untracked file staged)', (t) => t.git(['add', 'notes.txt'])],
    ['only a branch created', (t) => t.git(['branch', 'topic'])],
    ['only the stash (a change stashed: the working tree is as before)', (t) => {
      t.write('a.txt', 'a2\n');
      t.git(['stash', 'push', '-q', '--', 'a.txt']);
    }],
    ["only the captured .env's bytes (same size)", (t) => fs.writeFileSync(path.join(t.dir, '.env'), 'KEY=2\n')],
  ];

  it.each(changes)('takes a new baseline when %s', async (_, change) => {
    await withSeeded(async (t, r) => {
      const first = await start(r);
      expect((await start(r)).created).toBe(false);
      change(t);
      const next = await start(r);
      expect(next.created).toBe(true);
      expect(next.snapshot.oid).not.toBe(first.snapshot.oid);
    });
  });

  it("does not stand a command's capture of the same state in for a session start's (a rollback brings the two back differently)", async () => {
    await withSeeded(async (t, r) => {
      const hook = await createSnapshot(r, { trigger: 'hook', captureIgnored: [gitPath('.env')] });
      expect(hook.snapshot.ignored).toEqual(['.env']);
      const next = await start(r);
      expect(next.created).toBe(true);
      expect(next.snapshot.trigger).toBe('session-start');
      // A snapshot with no capture stands in for a session start that captures nothing.
      fs.rmSync(path.join(t.dir, '.env'));
      const plain = await createSnapshot(r, { trigger: 'manual' });
      const bare = await createSnapshot(r, { trigger: 'session-start', force: true, reuseSame: true });
      expect(bare.created).toBe(false);
      expect(bare.snapshot.oid).toBe(plain.snapshot.oid);
    });
  });
});

describe.each([
  ['a full walk', false],
  ['an incremental snapshot', true],
])("the watcher's start-up snapshot after a session start, %s", (_, incremental) => {
  const watch = (r: Repo, paths: string[]) => createSnapshot(r, { trigger: 'watch', ...(incremental ? { changedPaths: paths.map(gitPath) } : {}) });

  it('writes none when only the start captures differ, and one as soon as anything else does', async () => {
    await withSeeded(async (t, r) => {
      const s = await start(r);
      expect(s.snapshot.ignored).toEqual(['.env']);
      expect(s.snapshot.heldIgnored?.['.env']).toBeDefined();
      expect(s.snapshot.modes?.['.env']).toBe('600');
      const w = await watch(r, []);
      expect(w.created).toBe(false);
      expect(w.snapshot.oid).toBe(s.snapshot.oid);
      t.write('more.txt', 'more\n');
      const later = await watch(r, ['more.txt']);
      expect(later.created).toBe(true);
      expect(later.snapshot.ignored).toBeUndefined();
      expect(later.snapshot.heldIgnored?.['.env']?.in).toBe(s.snapshot.oid);
    });
  });

  const changes: Array<[string, (t: TestRepo) => void, string[]]> = [
    ["the captured .env's bytes changed (same size)", (t) => fs.writeFileSync(path.join(t.dir, '.env'), 'KEY=2\n'), ['.env']],
    ['the captured .env deleted', (t) => fs.rmSync(path.join(t.dir, '.env')), ['.env']],
    ['a tracked file gained its executable bit', (t) => fs.chmodSync(path.join(t.dir, 'run.sh'), 0o755), ['run.sh']],
    ["an untracked file's bytes changed (same size)", (t) => fs.writeFileSync(path.join(t.dir, 'notes.txt'), 'UNTRACKED\n'), ['notes.txt']],
    ['a branch created', (t) => t.git(['branch', 'topic']), []],
  ];

  it.each(changes)('writes one when %s', async (_, change, paths) => {
    await withSeeded(async (t, r) => {
      const s = await start(r);
      change(t);
      const w = await watch(r, paths);
      expect(w.created).toBe(true);
      expect(w.snapshot.oid).not.toBe(s.snapshot.oid);
    });
  });
});

describe('the backup push when the backup holds every chain already', () => {
  it('is answered from the ref files, packed or loose; a new snapshot means a push', async () => {
    await withSeeded(async (t, r) => {
      await createSnapshot(r);
      const settings = { backup: { dir: path.join(t.home, 'backups'), remote: null } };
      const link = await pushBackup(r, settings);
      expect(link.ok).toBe(true);
      expect(backupHoldsAll(r, link.target)).toBe(true);
      const again = await pushBackup(r, settings);
      expect(again).toMatchObject({ ok: true, updated: 0 });
      t.write('more.txt', 'more\n');
      await createSnapshot(r);
      expect(backupHoldsAll(r, link.target)).toBe(false);
      expect((await pushBackup(r, settings)).updated).toBe(1);
      expect(backupHoldsAll(r, link.target)).toBe(true);
      // Packed refs are read as git reads them (a backup's receive-pack runs gc --auto; git gc packs
      // every ref here): packed in the backup, the chain is still held; packed here, a loose ref
      // written later overrides the packed line, and a chain ahead of the backup means a push.
      t.git(['--git-dir', link.target, 'pack-refs', '--all']);
      expect(backupHoldsAll(r, link.target)).toBe(true);
      t.git(['pack-refs', '--all']);
      expect(backupHoldsAll(r, link.target)).toBe(true);
      t.write('even-more.txt', 'more\n');
      await createSnapshot(r);
      expect(backupHoldsAll(r, link.target)).toBe(false);
      expect((await pushBackup(r, settings)).updated).toBe(1);
      expect(backupHoldsAll(r, link.target)).toBe(true);
    });
  });

  it("does not take a chain packed here (gc) as one the backup holds: another worktree's chain alone up to date is not enough", async () => {
    await withSeeded(async (t, r) => {
      await createSnapshot(r);
      const settings = { backup: { dir: path.join(t.home, 'backups'), remote: null } };
      const link = await pushBackup(r, settings);
      t.write('more.txt', 'more\n');
      await createSnapshot(r);
      // This worktree's chain is now only in packed-refs, one snapshot ahead of the backup.
      t.git(['pack-refs', '--all']);
      const other = path.join(t.home, 'wt2');
      t.git(['worktree', 'add', '-q', '--detach', other]);
      const r2 = await openRepo(other);
      await createSnapshot(r2);
      const loose = t.git(['for-each-ref', '--format=%(refname)', 'refs/guard/']).split('\n').filter((ref) => ref && fs.existsSync(path.join(t.dir, '.git', ref)));
      expect(loose).toHaveLength(1);
      t.git(['push', '-q', link.target, `${loose[0]}:${loose[0]}`]);
      expect(backupHoldsAll(r, link.target)).toBe(false);
      expect((await pushBackup(r, settings)).updated).toBe(1);
    });
  });
});
