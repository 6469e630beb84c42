/**
 * guard's short file lock: a lock left by a process that died inside its critical section (a
 * watcher killed with SIGKILL) is taken over at once, so `guard recover` right after such a kill
 * is not refused; a live owner's lock is still respected, and so is a lock written in another pid
 * namespace (a container sharing the repository), whose pid means nothing here, until it is stale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withFileLock } from '../../../src/session/lock.js';
import { deadPid, ourPidSpace } from '../../helpers/pid-space.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-lock-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});



describe('withFileLock', () => {
  it('takes over a fresh lock of an older guard (a bare pid) whose owner is dead, without waiting for it to go stale', () => {
    const lock = path.join(dir, 'index.json.lock');
    fs.writeFileSync(lock, `${deadPid()}\n`);
    // No wait at all: a lock that is waited for (as a live owner's is) is refused at once, so
    // only the take-over lets this run. No clock is read.
    expect(withFileLock(lock, () => 'ran', { waitMs: 0 })).toBe('ran');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('records its own pid, host and pid namespace while held and removes the lock after', () => {
    const lock = path.join(dir, 'store.lock');
    const seen = withFileLock(lock, () => fs.readFileSync(lock, 'utf8'));
    expect(seen).toBe(`${process.pid} ${ourPidSpace()}\n`);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('does not take over at once a fresh lock written in another pid namespace, even with a pid dead here', () => {
    const lock = path.join(dir, 'foreign.lock');
    // A live process in a container writes a pid of its own namespace: here it names no process.
    const foreign = `${deadPid()} host=${encodeURIComponent(os.hostname())};pidns=1\n`;
    fs.writeFileSync(lock, foreign);
    expect(() => withFileLock(lock, () => 'ran', { waitMs: 300 })).toThrow(/is held by another guard process/);
    expect(fs.readFileSync(lock, 'utf8')).toBe(foreign);
    // Another host, same namespace inode: not ours either.
    const otherHost = `${deadPid()} host=sandbox-7;pidns=${ourPidSpace().split('pidns=')[1]}\n`;
    fs.writeFileSync(lock, otherHost);
    expect(() => withFileLock(lock, () => 'ran', { waitMs: 300 })).toThrow(/is held by another guard process/);
    expect(fs.readFileSync(lock, 'utf8')).toBe(otherHost);
  });

  it('takes over at once a fresh lock written in our pid namespace whose owner is dead', () => {
    const lock = path.join(dir, 'ours.lock');
    fs.writeFileSync(lock, `${deadPid()} ${ourPidSpace()}\n`);
    expect(withFileLock(lock, () => 'ran', { waitMs: 0 })).toBe('ran');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over a foreign lock once it is stale', () => {
    const lock = path.join(dir, 'foreign-stale.lock');
    fs.writeFileSync(lock, `${deadPid()} host=sandbox-7;pidns=1\n`);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lock, old, old);
    expect(withFileLock(lock, () => 'ran', { waitMs: 0 })).toBe('ran');
  });

  it('refuses, naming the lock file and the way out, while a live owner holds it', () => {
    const lock = path.join(dir, 'held.lock');
    // This test process is alive: its pid in the lock is a live owner.
    fs.writeFileSync(lock, `${process.pid}\n`);
    expect(() => withFileLock(lock, () => 'ran', { waitMs: 300 })).toThrow(/is held by another guard process/);
    expect(fs.readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
  });
  it('does not remove a live lock that another waiter took over just after this one judged the old owner dead', () => {
    const lock = path.join(dir, 'race.lock');
    fs.writeFileSync(lock, `${deadPid()}\n`);
    // Two waiters saw the dead owner's lock. The other one wins: between this waiter's reading
    // of the dead pid and its removal of the lock, it removed the dead lock and wrote its own
    // (a live pid: this test process). Removing the file then would remove the winner's lock.
    const realRead = fs.readFileSync;
    let raced = false;
    vi.spyOn(fs, 'readFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
      const content = realRead(file, options as BufferEncoding);
      if (!raced && file === lock) {
        raced = true;
        fs.rmSync(lock);
        fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      }
      return content;
    }) as typeof fs.readFileSync);
    expect(() => withFileLock(lock, () => 'ran', { waitMs: 300 })).toThrow(/is held by another guard process/);
    expect(raced).toBe(true);
    expect(realRead(lock, 'utf8').trim()).toBe(String(process.pid));
  });
});
