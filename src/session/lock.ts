/**
 * A small exclusive lock for guard's own read-modify-write files (the session store, the backup
 * index, the push status): agent hooks run in parallel, so two of them must not both read the old
 * file and write their own copy. `open(O_CREAT|O_EXCL)` is the lock and the file holds the owner's
 * pid and where that pid means something (`<pid> host=<name>;pidns=<inode>`, util/process-alive.ts).
 * The critical sections it guards are a few milliseconds long, so a lock is taken over when its
 * owner is dead (a watcher killed with SIGKILL inside the section leaves its lock behind, and
 * `guard recover` right after must not wait for it), or when it is older than STALE_MS (the owner's
 * pid was reused by another process, or the lock was written by a guard without pids). A dead
 * owner is judged only by a process of the owner's pid namespace on the owner's host: a process in
 * a container sharing a bind-mounted repository writes a pid that may name no process here while
 * it is alive, so its lock is only taken over once stale. (A lock of an older guard, a bare pid,
 * is judged by its pid as before.) A take-over is itself done under a lock (takeOver), so two
 * waiters cannot both take one over.
 */
import fs from 'node:fs';
import { GuardError } from '../errors.js';
import { isProcessAlive, pidSpaceId } from '../util/process-alive.js';

const STALE_MS = 30_000;
const WAIT_MS = 10_000;
/** A take-over's own lock is held for microseconds; one this old was left by a process that died in it. */
const BREAK_STALE_MS = 5_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether a lock someone else holds is left over: its owner is gone, or it is too old to be live. */
function isLeftOver(lockFile: string): boolean {
  try {
    const stat = fs.statSync(lockFile);
    if (Date.now() - stat.mtimeMs > STALE_MS) return true;
    const text = fs.readFileSync(lockFile, 'utf8');
    // Written in one write, its newline last: without it, the owner is writing it right now.
    if (!text.endsWith('\n')) return false;
    const [pidText, space] = text.trim().split(' ');
    const pid = Number(pidText);
    if (!(Number.isInteger(pid) && pid > 0)) return false;
    // Its pid names nothing we can look at: only staleness says the owner is gone.
    if (space !== undefined && space !== pidSpaceId()) return false;
    return !isProcessAlive(pid);
  } catch {
    // Removed by its owner meanwhile: not left over, simply free; the next attempt takes it.
    return false;
  }
}

/**
 * Removes a left-over lock, one waiter at a time. Two waiters may both judge the same dead
 * owner's lock left over; if each then removed "the lock", the second would remove the one the
 * first had just created, and both would run their critical sections at once. So the removal
 * happens under `<lock>.break` (O_EXCL too), after judging the lock again there: by then it may
 * be gone or a live owner's. false when another waiter holds `<lock>.break`.
 */
function takeOver(lockFile: string): boolean {
  const breaker = `${lockFile}.break`;
  try {
    fs.writeFileSync(breaker, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > BREAK_STALE_MS) fs.rmSync(breaker, { force: true });
    } catch {
      // removed by its owner meanwhile
    }
    return false;
  }
  try {
    if (isLeftOver(lockFile)) fs.rmSync(lockFile, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
  return true;
}

export function withFileLock<T>(lockFile: string, fn: () => T, options: { waitMs?: number } = {}): T {
  const deadline = Date.now() + (options.waitMs ?? WAIT_MS);
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid} ${pidSpaceId()}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A take-over another waiter is doing: wait like for a live owner (no busy loop).
      if (isLeftOver(lockFile) && takeOver(lockFile)) continue;
      if (Date.now() > deadline) {
        throw new GuardError('refused', `${lockFile} is held by another guard process`, {
          hints: [`If no guard process is running, remove ${lockFile} and try again.`],
        });
      }
      sleepSync(15);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
