/**
 * An exclusive lock held across asynchronous work (a `git push`): `open(O_CREAT|O_EXCL)` of a file
 * that holds the owner's pid and pid space (util/pid-file.ts). A lock whose owner is gone is left
 * over from a killed process and is taken over (one written in another pid namespace only once an
 * hour old: its pid means nothing here); a live owner is waited for (polling), up to `waitMs`.
 * While held, the owner refreshes the file's time every few minutes (an unref'd timer): a push
 * that runs longer than the hour (a big repository, a slow disk) is not judged stale by a guard
 * in another pid namespace, which can only go by that time.
 */
import fs from 'node:fs';
import { GuardError } from '../errors.js';
import { FOREIGN_STALE_MS, holderGone, pidRecordText, readPidRecord } from './pid-file.js';

/** How often a held lock's time is refreshed: well inside FOREIGN_STALE_MS. */
export const LOCK_REFRESH_MS = FOREIGN_STALE_MS / 12;

function ownerAlive(lockFile: string): boolean {
  if (!fs.existsSync(lockFile)) return false;
  const record = readPidRecord(lockFile);
  // A lock file without a pid yet is being written by its owner right now.
  return record === null || !holderGone(record);
}

/** Whether the lock file still holds this process's record (it was not taken over). */
function stillOurs(lockFile: string, record: string): boolean {
  try {
    return fs.readFileSync(lockFile, 'utf8') === record;
  } catch {
    return false;
  }
}

export async function withAsyncFileLock<T>(lockFile: string, fn: () => Promise<T>, options: { waitMs?: number; refreshMs?: number } = {}): Promise<T> {
  const record = pidRecordText();
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  for (;;) {
    try {
      fs.writeFileSync(lockFile, record, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!ownerAlive(lockFile)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new GuardError('refused', `${lockFile} is held by another guard process`, {
        hints: [`If no guard process is running, remove ${lockFile} and try again.`],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const refresh = setInterval(() => {
    try {
      if (!stillOurs(lockFile, record)) return;
      const now = new Date();
      fs.utimesSync(lockFile, now, now);
    } catch {
      // gone: the finally below finds out
    }
  }, options.refreshMs ?? LOCK_REFRESH_MS);
  refresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    // Only our own lock: one taken over from us (judged stale after all) is the new owner's.
    if (stillOurs(lockFile, record)) fs.rmSync(lockFile, { force: true });
  }
}
