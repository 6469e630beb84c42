/**
 * An exclusive lock held across asynchronous work (a `git push`): `open(O_CREAT|O_EXCL)` of a file
 * that holds the owner's pid and pid space (util/pid-file.ts). A lock whose owner is gone is left
 * over from a killed process and is taken over (one written in another pid namespace only once an
 * hour old: its pid means nothing here); a live owner is waited for (polling), up to `waitMs`.
 */
import fs from 'node:fs';
import { GuardError } from '../errors.js';
import { holderGone, pidRecordText, readPidRecord } from './pid-file.js';

function ownerAlive(lockFile: string): boolean {
  if (!fs.existsSync(lockFile)) return false;
  const record = readPidRecord(lockFile);
  // A lock file without a pid yet is being written by its owner right now.
  return record === null || !holderGone(record);
}

export async function withAsyncFileLock<T>(lockFile: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  for (;;) {
    try {
      fs.writeFileSync(lockFile, pidRecordText(), { flag: 'wx' });
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
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
