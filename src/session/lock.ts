/**
 * A small exclusive lock for guard's own read-modify-write files (the session store): agent hooks
 * run in parallel, so two of them must not both read the old file and write their own copy.
 * `open(O_CREAT|O_EXCL)` is the lock; a lock older than STALE_MS is left over from a killed process
 * and is taken over. The critical sections it guards are a few milliseconds long.
 */
import fs from 'node:fs';
import { GuardError } from '../errors.js';

const STALE_MS = 30_000;
const WAIT_MS = 10_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function withFileLock<T>(lockFile: string, fn: () => T): T {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lockFile, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(lockFile).mtimeMs > STALE_MS) fs.rmSync(lockFile, { force: true });
      } catch {
        // removed by its owner meanwhile: try again
      }
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
