/**
 * A backup push that fails names its cause and the way forward (issue 11), not a bare
 * "unpacker error" next to advice about reinstalling hooks.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneFromUpstream } from '../../helpers/fixtures.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { pidRecordText } from '../../../src/util/pid-file.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

/** A session start through Claude Code's hook, every git process traced: its message and its git argv. */
async function tracedSessionStart(repo: TestRepo, id: string): Promise<{ message: string; argv: string[][]; packs: number }> {
  const trace = path.join(repo.base, `trace-${id}.json`);
  const start = repo.guard(['agent-hook', 'claude', 'session-start'], { input: JSON.stringify({ session_id: id, cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' }), env: traceEnv(trace) });
  expect(start.code, start.stderr).toBe(0);
  repo.guard(['session', 'end']);
  await waitForBackgroundPush(repo);
  repo.guard(['watch', 'stop']);
  const packs = countGitProcesses(trace).byCommand.find(([name]) => name === 'pack-objects')?.[1] ?? 0;
  return { message: start.stdout + start.stderr, argv: tracedArgv(trace), packs };
}

/**
 * A damaged clone: a blob of the history is gone (HEAD's tree does not need it, so status works),
 * so every push of the history fails on it. The blob's id.
 */
function damagedClone(repo: TestRepo): string {
  repo.write('README.md', '# project\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  repo.write('gone.txt', 'an old file\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'add']);
  repo.git(['rm', '-q', 'gone.txt']);
  repo.git(['commit', '-q', '-m', 'remove']);
  const blob = repo.git(['rev-parse', 'HEAD~:gone.txt']).trim();
  fs.rmSync(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
  return blob;
}

describe('a failed backup push', () => {
  it('an object missing from a clone that is not partial: one failed push, then session starts report it at once without packing until the object is back', () =>
    withTestRepo(async (repo) => {
      const blob = damagedClone(repo);

      // The first session start packs, fails, and says why.
      const first = await tracedSessionStart(repo, 'first');
      expect(first.message).toContain('the session-start snapshot is NOT in the backup');
      expect(first.message).toContain(blob);
      expect(first.packs).toBeGreaterThan(0);
      expect(json(repo, ['backup', 'status']).lastPush).toMatchObject({ ok: false, missing: [blob] });

      // The next one checks the object (one cat-file), packs nothing and says the same, at once.
      const second = await tracedSessionStart(repo, 'second');
      expect(second.packs).toBe(0);
      expect(second.argv.filter((a) => a.includes('push'))).toEqual([]);
      expect(second.message).toContain('the session-start snapshot is NOT in the backup');
      expect(second.message).toContain('git fsck --full');
      expect(second.message).toContain(`not retried: ${blob} is still missing`);

      // A person's guard backup push always tries (and fails the same way).
      const asked = repo.guard(['backup', 'push']);
      expect(asked.code).toBe(1);
      expect(asked.stderr).toContain(`fatal: unable to read ${blob}`);

      // The object written back (as the fix says): the next session start pushes, and the backup has its snapshot.
      const back = path.join(repo.base, 'gone.txt');
      fs.writeFileSync(back, 'an old file\n');
      expect(repo.git(['hash-object', '-w', '--', back]).trim()).toBe(blob);
      const third = await tracedSessionStart(repo, 'third');
      expect(third.message).not.toContain('NOT in the backup');
      expect(third.packs).toBeGreaterThan(0);
      expect(json(repo, ['backup', 'status'])).toMatchObject({ inSync: true, lastPush: { ok: true } });
      expect(json(repo, ['backup', 'status']).lastPush.missing).toBeUndefined();

      // Healthy again: no memo, so no object check.
      const fourth = await tracedSessionStart(repo, 'fourth');
      expect(fourth.argv.filter((a) => a.includes('--batch-check=%(objectname)'))).toEqual([]);
      expect(fourth.message).not.toContain('NOT in the backup');
    }));

  it('a session start while an earlier push holds the backup (init\'s first push): that push\'s missing-object memo is read after the wait, no second pack of the history', () =>
    withTestRepo(async (repo) => {
      const blob = damagedClone(repo);
      // A first snapshot and its push, which fails for the object and leaves the memo.
      expect(repo.guard(['snapshot']).code).toBe(0);
      await waitForBackgroundPush(repo);
      const statusFile = path.join(repo.dir, '.git', 'guard', 'backup-status.json');
      const memo = fs.readFileSync(statusFile, 'utf8');
      expect(JSON.parse(memo).local).toMatchObject({ ok: false, missing: [blob] });
      const backup = JSON.parse(fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'backup.json'), 'utf8')).path as string;

      // Back to the moment the first session starts on babel: the first push (init's) still runs,
      // holding the backup's push lock, and has written no outcome yet.
      fs.rmSync(statusFile);
      const lock = `${backup}.push-lock`;
      fs.writeFileSync(lock, pidRecordText());
      const trace = path.join(repo.base, 'trace-waiting.json');
      const hook = spawn(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: repo.dir, env: { ...repo.env, ...traceEnv(trace) }, stdio: ['pipe', 'pipe', 'pipe'] });
      let said = '';
      hook.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
      hook.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => hook.on('close', resolve));
      hook.stdin.end(JSON.stringify({ session_id: 'waiting', cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' }));
      // The hook reaches its push: it read the push record (none: the memo is not there) before
      // the partial-clone check, which comes right before the lock, so from here only a read after
      // the wait can find the memo written below, whenever the hook gets to the lock.
      const deadline = Date.now() + 60_000;
      while (!tracedArgv(trace).some((a) => a.includes('--get-regexp') && a.some((x) => x.includes('partialclone')))) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The first push ends as it did: failed for the object; it releases the lock.
      fs.writeFileSync(statusFile, memo);
      fs.rmSync(lock);
      expect(await exited, said).toBe(0);
      repo.guard(['session', 'end']);
      await waitForBackgroundPush(repo);
      repo.guard(['watch', 'stop']);

      // Told at once, from the memo; nothing packed the history again (the hook, its watcher, their pushes).
      expect(said).toContain('the session-start snapshot is NOT in the backup');
      expect(said).toContain(`not retried: ${blob} is still missing`);
      expect(countGitProcesses(trace).byCommand.find(([name]) => name === 'pack-objects')?.[1] ?? 0).toBe(0);
      expect(tracedArgv(trace).filter((a) => a.includes('push'))).toEqual([]);
    }));

  it('an object missing from history: says so, names the object and suggests git fsck (push, backup status, status)', () =>
    withTestRepo(async (repo) => {
      repo.write('README.md', '# project\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('notes.txt', 'only in the snapshot\n');
      json(repo, ['snapshot']);
      await waitForBackgroundPush(repo);
      // Start the backup afresh, then damage the object store: the untracked file's blob is gone.
      fs.rmSync(path.join(repo.home, '.local', 'share', 'git-guard'), { recursive: true, force: true });
      for (const file of ['backup.json', 'backup-status.json']) fs.rmSync(path.join(repo.dir, '.git', 'guard', file), { force: true });
      const blob = repo.git(['hash-object', 'notes.txt']).trim();
      fs.rmSync(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));

      const push = repo.guard(['backup', 'push']);
      expect(push.code).toBe(1);
      expect(push.stderr).toContain(`an object the snapshots need is missing from this repository's history (${blob})`);
      expect(push.stderr).toContain('git fsck --full');
      expect(push.stderr).toContain(`fatal: unable to read ${blob}`);
      const asJson = JSON.parse(repo.guard(['backup', 'push', '--json']).stdout);
      expect(asJson.local).toMatchObject({ ok: false, cause: expect.stringContaining(blob), fix: expect.stringContaining('git fsck') });

      const status = repo.guard(['status']);
      expect(status.stderr).toContain('the last push to the backup failed (an object the snapshots need is missing');
      expect(status.stderr).toMatch(/fix: run `git fsck --full`/);
      expect(status.stderr).not.toMatch(/push to the backup failed[^\n]*\n\s*fix: `guard init` reinstalls/);
      expect(repo.guard(['backup', 'status']).stdout).toContain('cause: an object the snapshots need is missing');
    }));
  it('a shallow clone and a remote backup that refuses shallow updates: says the clone is shallow and how to go on', () =>
    withTestRepo(
      async (repo) => {
        cloneFromUpstream(repo, 2, ['--depth', '1']);
        // A remote backup guard does not own keeps git's default: no shallow updates.
        const remote = path.join(repo.base, 'remote.git');
        repo.git(['init', '-q', '--bare', remote]);
        repo.write('.guard.yaml', `version: 1\nbackup:\n  remote: ${remote}\n`);
        json(repo, ['snapshot']);
        await waitForBackgroundPush(repo);

        const push = JSON.parse(repo.guard(['backup', 'push', '--json']).stdout);
        // The local backup takes the shallow history; the remote one says why it does not.
        expect(push.local.ok).toBe(true);
        expect(push.remote).toMatchObject({ ok: false, cause: expect.stringContaining('this clone is shallow'), fix: expect.stringContaining('git fetch --unshallow') });
      },
      { init: false },
    ));
  it('a partial clone: no automatic push downloads its history; guard backup push does, once, and automatic pushes go on from there', () =>
    withTestRepo(
      async (repo) => {
        cloneFromUpstream(repo, 3, ['--filter=blob:none']);
        // The blobs of older versions stay on the promisor remote (listing them fetches nothing).
        const missing = (): number => repo.git(['rev-list', '--objects', '--missing=print', '--all']).split('\n').filter((l) => l.startsWith('?')).length;
        expect(missing()).toBe(2);

        // A snapshot's automatic push: not made, said plainly, nothing downloaded.
        json(repo, ['snapshot']);
        await waitForBackgroundPush(repo);
        expect(missing()).toBe(2);
        const skipped = json(repo, ['backup', 'status']).lastPush;
        expect(skipped).toMatchObject({ ok: false, skipped: 'partial-clone', cause: expect.stringContaining('this clone is partial'), fix: expect.stringContaining('guard backup push') });
        const status = repo.guard(['status']);
        expect(status.stdout + status.stderr).toContain('there is no backup yet (this clone is partial');
        expect(repo.guard(['backup', 'status']).stdout).toContain('not made');

        // A session start says so too, and does not wait for a download.
        const start = repo.guard(['agent-hook', 'claude', 'session-start'], { input: JSON.stringify({ session_id: 'partial', cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' }) });
        expect(start.stdout).toContain('NOT in a backup: this clone is partial');
        expect(missing()).toBe(2);
        repo.guard(['session', 'end']);
        repo.guard(['watch', 'stop']);

        // Asked for: the history comes down once and the backup is made.
        const push = repo.guard(['backup', 'push', '--json']);
        expect(push.stderr).toContain('this is a partial clone');
        expect(JSON.parse(push.stdout).local).toMatchObject({ ok: true });
        expect(missing()).toBe(0);

        // From then on the automatic pushes go.
        repo.write('later.txt', 'later\n');
        json(repo, ['snapshot']);
        await waitForBackgroundPush(repo);
        expect(json(repo, ['backup', 'status'])).toMatchObject({ inSync: true, lastPush: { ok: true } });
      },
      { init: false },
    ));
});
