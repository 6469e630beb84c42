/**
 * The backup push lock (util/async-lock.ts) and the background pusher's pid file
 * (backup/auto-push.ts) record `<pid> host=<name>;pidns=<inode>`. A holder is judged dead by its
 * pid only when it wrote in our pid namespace (or is an older guard's bare pid): a process in a
 * container sharing the repository writes a pid that names no process here while it runs, so its
 * file is kept until it is an hour unchanged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pusherFiles, runBackgroundPusher } from '../../../src/backup/auto-push.js';
import type { Repo } from '../../../src/git/repo.js';
import { withAsyncFileLock } from '../../../src/util/async-lock.js';
import { holderGone, readPidRecord } from '../../../src/util/pid-file.js';
import { deadPid, ourPidSpace } from '../../helpers/pid-space.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-pidfile-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});



function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
}

const HOUR = 60 * 60 * 1000;

describe('withAsyncFileLock (the backup push lock)', () => {
  it('records its pid and pid space while held', async () => {
    const lock = path.join(dir, 'backup.push-lock');
    expect(await withAsyncFileLock(lock, async () => fs.readFileSync(lock, 'utf8'))).toBe(`${process.pid} ${ourPidSpace()}\n`);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over a lock of a dead pid written in our pid namespace, or by an older guard', async () => {
    const lock = path.join(dir, 'backup.push-lock');
    fs.writeFileSync(lock, `${deadPid()} ${ourPidSpace()}\n`);
    expect(await withAsyncFileLock(lock, async () => 'ran', { waitMs: 0 })).toBe('ran');
    fs.writeFileSync(lock, `${deadPid()}\n`);
    expect(await withAsyncFileLock(lock, async () => 'ran', { waitMs: 0 })).toBe('ran');
  });

  it('keeps a fresh lock written in another pid namespace or on another host, even with a pid dead here', async () => {
    const lock = path.join(dir, 'backup.push-lock');
    for (const foreign of [`${deadPid()} host=${encodeURIComponent(os.hostname())};pidns=1\n`, `${deadPid()} host=sandbox-7;pidns=${ourPidSpace().split('pidns=')[1]}\n`]) {
      fs.writeFileSync(lock, foreign);
      await expect(withAsyncFileLock(lock, async () => 'ran', { waitMs: 200 })).rejects.toThrow(/is held by another guard process/);
      expect(fs.readFileSync(lock, 'utf8')).toBe(foreign);
    }
    age(lock, 2 * HOUR);
    expect(await withAsyncFileLock(lock, async () => 'ran', { waitMs: 0 })).toBe('ran');
  });
});

describe('a long push keeps its lock', () => {
  async function until(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('refreshes a held lock, so one older than the stale age whose holder is alive is not taken, here or from another pid namespace', async () => {
    const lock = path.join(dir, 'backup.push-lock');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const held = withAsyncFileLock(lock, async () => {
      entered();
      await gate;
      return 'pushed';
    }, { refreshMs: 20 });
    await inside;
    // The push has run past the hour: its lock was taken longer ago than a foreign guard waits.
    age(lock, 2 * HOUR);
    await until('the holder to refresh its lock', () => Date.now() - fs.statSync(lock).mtimeMs < HOUR);
    // A guard in another pid namespace, which can only go by the file's time, keeps it...
    const record = readPidRecord(lock);
    expect(record).not.toBeNull();
    expect(holderGone({ ...record!, here: false })).toBe(false);
    // ...and one here waits for the live holder.
    await expect(withAsyncFileLock(lock, async () => 'taken', { waitMs: 100 })).rejects.toThrow(/is held by another guard process/);
    release();
    expect(await held).toBe('pushed');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('does not remove a lock that is no longer its own when done', async () => {
    const lock = path.join(dir, 'backup.push-lock');
    const other = `${process.pid + 1} host=sandbox-7;pidns=1\n`;
    await withAsyncFileLock(lock, async () => {
      // Taken over meanwhile (judged stale by another guard): the new owner's lock stays.
      fs.writeFileSync(lock, other);
    });
    expect(fs.readFileSync(lock, 'utf8')).toBe(other);
  });
});

describe('the background pusher claim (backup-push.pid)', () => {
  const repoAt = (): Repo => {
    fs.mkdirSync(path.join(dir, 'guard'), { recursive: true });
    return { commonDir: dir, gitDir: dir } as Repo;
  };
  const noSettings = async (): Promise<never> => {
    throw new Error('no round was asked for');
  };

  it('takes over the pid file of a dead pusher of our pid namespace (no round asked: it claims and releases)', async () => {
    const repo = repoAt();
    fs.writeFileSync(pusherFiles(repo).pid, `${deadPid()} ${ourPidSpace()}\n`);
    await runBackgroundPusher(repo, noSettings);
    expect(fs.existsSync(pusherFiles(repo).pid)).toBe(false);
  });

  it('leaves a fresh pid file of a pusher in another pid namespace alone, and takes it over once an hour old', async () => {
    const repo = repoAt();
    const foreign = `${deadPid()} host=sandbox-7;pidns=1\n`;
    fs.writeFileSync(pusherFiles(repo).pid, foreign);
    expect((await runBackgroundPusher(repo, noSettings)).rounds).toBe(0);
    expect(fs.readFileSync(pusherFiles(repo).pid, 'utf8')).toBe(foreign);
    age(pusherFiles(repo).pid, 2 * HOUR);
    await runBackgroundPusher(repo, noSettings);
    expect(fs.existsSync(pusherFiles(repo).pid)).toBe(false);
  });
});
