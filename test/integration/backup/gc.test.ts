import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { json, waitForWatcher } from '../watcher/helpers.js';
import { ageChain } from '../../helpers/age-chain.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

/** Test setup only: stops the background pusher and removes the backup, so the next push starts it again. */
function forgetBackup(repo: TestRepo): void {
  stopWatchers(repo.base);
  fs.rmSync(path.join(repo.home, '.local', 'share', 'git-guard'), { recursive: true, force: true });
  for (const file of ['backup.json', 'backup-status.json', 'backup-push.again']) fs.rmSync(path.join(repo.dir, '.git', 'guard', file), { force: true });
}

/** The backup push record (backup-status.json) once `done` holds for it, waiting for a push that runs on in the background (generous bound). */
async function pushRecordWith(repo: TestRepo, done: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | null> {
  const file = path.join(repo.dir, '.git', 'guard', 'backup-status.json');
  for (let waited = 0; waited < 120_000; waited += 100) {
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8')).local as Record<string, unknown> | null;
      if (record && done(record)) return record;
    } catch {
      // not written yet, or being replaced
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

function snapshotWith(repo: TestRepo, file: string, content: string): void {
  repo.write(file, content);
  json(repo, ['snapshot']);
}

describe('guard gc', () => {
  it('drops old snapshots from the chain and the backup, keeps young ones and the latest session, and re-points sessions', () =>
    withTestRepo(async (repo) => {
      repo.write('base.txt', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      snapshotWith(repo, 'old1.txt', 'only in the oldest snapshot '.repeat(50));
      snapshotWith(repo, 'old2.txt', 'only in the second snapshot\n');
      snapshotWith(repo, 'mid.txt', 'ten days old\n');
      snapshotWith(repo, 'recent.txt', 'three days old\n');
      // Snapshots 1-4 get old dates: 40, 40, 10 and 3 days. The backup (filled in the background
      // by each snapshot) holds the chain before this rewrite, which no real chain ever undergoes:
      // start the backup afresh.
      forgetBackup(repo);
      ageChain(repo, [40, 40, 10, 3]);
      // A session now: its start snapshot must survive any retention. Something changed since the
      // last snapshot, so the start writes its own (with nothing changed it reuses the last one).
      repo.write('session.txt', 'at session start\n');
      const { session } = json(repo, ['session', 'start', '--agent', 'test']);
      // This test takes its snapshots by hand.
      await waitForWatcher(repo);
      expect(json(repo, ['watch', 'stop']).stopped).toBe(true);
      snapshotWith(repo, 'now.txt', 'today\n');
      json(repo, ['backup', 'push']);
      const before = json(repo, ['list', '--all']);
      expect(before).toHaveLength(6);

      const dry = json(repo, ['gc', '--dry-run', '--keep-days', '5', '--keep-sessions', '1']);
      expect(dry.dryRun).toBe(true);
      expect(dry.chains[0].dropped).toHaveLength(3);
      expect(dry.reclaimableBytes).toBeGreaterThan(0);
      // The dry run says what happens to the backup too, and changes nothing there either.
      expect(dry.backup).toMatchObject({ chains: 1, snapshots: 3, skipped: [] });
      const backupHead = (): string => repo.git(['--git-dir', json(repo, ['backup', 'status']).path, 'rev-parse', 'refs/guard/main/head']).trim();
      const headBefore = backupHead();
      const dryText = repo.guard(['gc', '--dry-run', '--keep-days', '5', '--keep-sessions', '1']).stdout;
      expect(dryText).toMatch(/Backup .*: would prune 1 chain\(s\) the same way \(3 snapshot\(s\)\)\./);
      expect(dryText).toContain('Nothing was changed. Run without --dry-run to drop them.');
      expect(backupHead()).toBe(headBefore);
      expect(json(repo, ['list', '--all'])).toHaveLength(6);

      const report = json(repo, ['gc', '--keep-days', '5', '--keep-sessions', '1']);
      expect(report.chains[0]).toMatchObject({ ref: 'refs/guard/main/head', before: 6, after: 3, renamed: 3 });
      const after = json(repo, ['list', '--all']);
      expect(after.map((s: any) => s.trigger)).toEqual(['manual', 'session-start', 'manual']);
      // Same trees as the kept snapshots had, newest first; the links say what comes before what.
      expect(after.map((s: any) => repo.git(['rev-parse', `${s.oid}^{tree}`]).trim())).toEqual(before.slice(0, 3).map((s: any) => repo.git(['rev-parse', `${s.oid}^{tree}`]).trim()));
      expect(after[0].previous).toBe(after[1].oid);
      expect(after[2].previous).toBeNull();
      expect(after[2].changes).toEqual({ added: 5, modified: 0, deleted: 0 }); // recounted from the empty tree
      // The session now starts at the re-created snapshot, and rolling back to it still works.
      const sessions = json(repo, ['session', 'list']).sessions;
      expect(sessions.find((s: any) => s.id === session.id).startSnapshot).toBe(after[1].oid);
      expect(json(repo, ['rollback', '--session', session.id, '--dry-run']).target.oid ?? after[1].oid).toBe(after[1].oid);

      // The backup was rewritten the same way and keeps accepting pushes.
      const status = json(repo, ['backup', 'status']);
      expect(status.inSync).toBe(true);
      expect(report.backup).toMatchObject({ chains: 1, snapshots: 3 });
      expect(repo.git(['--git-dir', status.path, 'rev-list', '--count', '--first-parent', 'refs/guard/main/head']).trim()).toBe('4'); // 3 + the chain root
      snapshotWith(repo, 'later.txt', 'after gc\n');
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);

      // Nothing younger than a day goes, whatever the flags say.
      const floor = json(repo, ['gc', '--keep-days', '1', '--keep-sessions', '1']);
      expect(floor.chains[0].dropped).toHaveLength(1); // the 3-day-old one; today's stay
      expect(json(repo, ['list', '--all']).map((s: any) => s.trigger)).toEqual(['manual', 'manual', 'session-start']);
    }));

  it('a chain this repository keeps whole is kept whole in the backup: a pinned snapshot the live chain keeps is not dropped there (the backup would fork and refuse every later push)', () =>
    withTestRepo(async (repo) => {
      repo.write('a.txt', 'one\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const target = json(repo, ['snapshot']).oid;
      repo.write('a.txt', 'two\n');
      const back = repo.guard(['rollback', target, '--yes']);
      expect(back.code, back.stderr).toBe(0);
      forgetBackup(repo);
      // Every snapshot but the newest 40 days old, and the last rollback pointed at the new ids:
      // the rollback's target and pre-rollback snapshot are pinned (`guard rollback --undo`).
      const chain = repo.git(['log', '--first-parent', '--format=%H', 'refs/guard/main/head']).trim().split('\n').reverse().slice(1);
      const aged = ageChain(repo, chain.map((_, i) => (i === chain.length - 1 ? null : 40)));
      const lastFile = path.join(repo.dir, '.git', 'guard', 'last-rollback.json');
      let last = fs.readFileSync(lastFile, 'utf8');
      chain.forEach((oid, i) => (last = last.replaceAll(oid, aged[i]!)));
      fs.writeFileSync(lastFile, last);
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);

      const dry = json(repo, ['gc', '--dry-run', '--keep-days', '5', '--keep-sessions', '1']);
      expect(dry.chains[0].dropped).toEqual([]);
      const report = json(repo, ['gc', '--keep-days', '5', '--keep-sessions', '1']);
      expect(report.chains[0].dropped).toEqual([]);
      expect(report.backup).toMatchObject({ chains: 0, snapshots: 0, skipped: [] });
      const status = json(repo, ['backup', 'status']);
      expect(repo.git(['--git-dir', status.path, 'rev-parse', 'refs/guard/main/head']).trim()).toBe(repo.git(['rev-parse', 'refs/guard/main/head']).trim());
      // The backup still takes this chain's next snapshot.
      snapshotWith(repo, 'later.txt', 'after gc\n');
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
      expect(json(repo, ['backup', 'status']).inSync).toBe(true);

      // A backup an older gc forked that way (the head re-made on the chain root: the pinned snapshots dropped there alone):
      // the next push mends it, since every snapshot it holds is also here, and the backup takes the chain again.
      await backgroundPushDone(repo.dir); // a snapshot's own push runs on in the background
      const inBackup = (args: string[], input?: string): string => repo.git(['--git-dir', status.path, ...args], input === undefined ? undefined : { input }).trim();
      const root = inBackup(['rev-list', '--first-parent', 'refs/guard/main/head']).split('\n').at(-1)!;
      const [head, , ...others] = inBackup(['rev-list', '--no-walk', '--parents', 'refs/guard/main/head']).split(' ');
      const message = inBackup(['log', '-1', '--format=%B', head!]);
      const forked = inBackup(['commit-tree', `${head}^{tree}`, ...[root, ...others].flatMap((p) => ['-p', p!])], message);
      repo.git(['--git-dir', status.path, 'update-ref', 'refs/guard/main/head', forked]);
      const mended = repo.guard(['backup', 'push']);
      expect(mended.code, mended.stderr).toBe(0);
      expect(mended.stdout).toContain("refs/guard/main/head: the backup's chain had been rewritten on its own by an older `guard gc` (1 snapshot, each also here), which refused every push since; it now holds this repository's (3)");
      expect(mended.stdout).toContain(': 1 ref updated.');
      expect(inBackup(['rev-parse', 'refs/guard/main/head'])).toBe(repo.git(['rev-parse', 'refs/guard/main/head']).trim());
      expect(inBackup(['for-each-ref', '--format=%(refname)', 'refs/guard-mend/'])).toBe('');
      // The same through a snapshot's own push, as a session start or the watcher pushes.
      repo.git(['--git-dir', status.path, 'update-ref', 'refs/guard/main/head', forked]);
      snapshotWith(repo, 'later2.txt', 'after the fork\n');
      // Whoever pushes it (the detached pusher, or a watcher serving the snapshot) records the push; wait for that record.
      const record = await pushRecordWith(repo, (r) => (r.mended as Array<{ after: number }> | undefined)?.[0]?.after === 4); // not the explicit push's (3)
      expect(record).toMatchObject({ ok: true, mended: [{ ref: 'refs/guard/main/head', from: forked, before: 1, after: 4 }] });
      expect(inBackup(['rev-parse', 'refs/guard/main/head'])).toBe(repo.git(['rev-parse', 'refs/guard/main/head']).trim());

      // A fork holding a snapshot this repository lacks (another repository's) is not mended: refused, naming the way forward.
      const foreignTree = inBackup(['mktree'], `100644 blob ${inBackup(['hash-object', '-w', '--stdin'], 'not here\n')}\tforeign.txt\n`);
      const foreign = inBackup(['commit-tree', foreignTree, ...[root, ...others].flatMap((p) => ['-p', p!])], message);
      repo.git(['--git-dir', status.path, 'update-ref', 'refs/guard/main/head', foreign]);
      snapshotWith(repo, 'later3.txt', 'after the foreign fork\n');
      await backgroundPushDone(repo.dir);
      const refused = repo.guard(['backup', 'push']);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain('move the backup aside (`guard backup status` shows where; the old one keeps what only it has) and run `guard backup push`');
      expect(inBackup(['rev-parse', 'refs/guard/main/head'])).toBe(foreign);
      fs.renameSync(status.path, `${status.path}.old`);
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
      expect(json(repo, ['backup', 'status']).inSync).toBe(true);
    }));

  it('--auto runs only when the store is past snapshot.retention.maxStoreSize, at most once a day', () =>
    withTestRepo((repo) => {
      repo.write('.guard.yaml', 'version: 1\nsnapshot:\n  retention:\n    keepDays: 2\n    maxStoreSize: 1GB\n');
      repo.write('base.txt', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      snapshotWith(repo, 'old.txt', 'old content\n');
      snapshotWith(repo, 'new.txt', 'new content\n');
      ageChain(repo, [30, null]);
      expect(json(repo, ['gc', '--auto'])).toEqual({ ran: false });
      repo.write('.guard.yaml', 'version: 1\nsnapshot:\n  retention:\n    keepDays: 2\n    maxStoreSize: 1B\n');
      const ran = json(repo, ['gc', '--auto']);
      expect(ran.ran).toBe(true);
      expect(ran.chains[0].dropped).toHaveLength(1);
      expect(json(repo, ['list', '--all'])).toHaveLength(1);
      expect(json(repo, ['gc', '--auto'])).toEqual({ ran: false });
    }));

  it('keeps by hours or not at all: --keep-days 0 and --keep 12h act on snapshots under a day old', () =>
    withTestRepo((repo) => {
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'a']);
      for (let i = 0; i < 6; i++) snapshotWith(repo, `f${i}.txt`, `${i}\n`);
      ageChain(repo, [0.75, 0.75, 0.75, 0.25, 0.25, null]); // oldest first: 18 h, 6 h, now
      expect(json(repo, ['list', '--all'])).toHaveLength(6);
      // Everything but the newest (no sessions here) for --keep-days 0 / --keep 0.
      expect(json(repo, ['gc', '--dry-run', '--keep-days', '0']).chains[0].dropped).toHaveLength(5);
      // 12 hours keeps the newest and the two 6 hours old.
      expect(json(repo, ['gc', '--dry-run', '--keep', '12h']).chains[0].dropped).toHaveLength(3);
      const text = repo.guard(['gc', '--dry-run', '--keep', '12h']);
      expect(text.stdout).toContain('Retention: keep 12h');
      expect(json(repo, ['gc', '--keep', '0']).chains[0].after).toBe(1);
      expect(json(repo, ['list', '--all'])).toHaveLength(1);
    }));

  it('refuses while a rollback is interrupted, and validates its flags', () =>
    withTestRepo((repo) => {
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'a']);
      json(repo, ['snapshot']);
      for (const [args, message] of [
        [['--keep-days', '-1'], '--keep-days needs a number of days (0 or more'],
        [['--keep', '5x'], '--keep needs a duration such as 30m, 12h or 7d'],
        [['--keep', '12'], '--keep needs a duration such as 30m, 12h or 7d'],
        [['--keep', '1h', '--keep-days', '1'], 'give --keep or --keep-days, not both'],
      ] as const) {
        const bad = repo.guard(['gc', ...args]);
        expect(bad.code, args.join(' ')).toBe(1);
        expect(bad.stderr).toContain(message);
      }
      repo.write('.git/guard/rollback-in-progress.json', JSON.stringify({ target: 'x', pre: 'y', filesOnly: false, paths: [], step: 'refs', startedAt: new Date().toISOString(), pid: 1 }));
      const refused = repo.guard(['gc']);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('rollback is in progress');
    }));
});
