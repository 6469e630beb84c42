/**
 * guard's short file lock: a lock left by a process that died inside its critical section (a
 * watcher killed with SIGKILL) is taken over at once, so `guard recover` right after such a kill
 * is not refused; a live owner's lock is still respected.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../src/session/lock.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('withFileLock', () => {
  it('takes over a fresh lock whose owner is dead, without waiting for it to go stale', () => {
    const lock = path.join(dir, 'index.json.lock');
    fs.writeFileSync(lock, `${deadPid()}\n`);
    const started = Date.now();
    expect(withFileLock(lock, () => 'ran')).toBe('ran');
    // The wait for a live owner is 10 s; a take-over is immediate. Not a timing assertion on
    // speed, only on which branch ran: anything near the wait means the lock was waited out.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('records its own pid while held and removes the lock after', () => {
    const lock = path.join(dir, 'store.lock');
    const seen = withFileLock(lock, () => fs.readFileSync(lock, 'utf8').trim());
    expect(seen).toBe(String(process.pid));
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('refuses, naming the lock file and the way out, while a live owner holds it', () => {
    const lock = path.join(dir, 'held.lock');
    // This test process is alive: its pid in the lock is a live owner.
    fs.writeFileSync(lock, `${process.pid}\n`);
    expect(() => withFileLock(lock, () => 'ran', { waitMs: 300 })).toThrow(/is held by another guard process/);
    expect(fs.readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
  });
});
