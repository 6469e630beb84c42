/**
 * An exclusive lock held across asynchronous work (a `git push`): `open(O_CREAT|O_EXCL)` of a file
 * that holds the owner's pid. A lock whose owner is dead is left over from a killed process and
 * is taken over; a live owner is waited for (polling), up to `waitMs`.
 */
import fs from 'node:fs';
import { GuardError } from '../errors.js';
import { isProcessAlive } from './process-alive.js';

function ownerAlive(lockFile: string): boolean {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
    // A lock file without a pid yet is being written by its owner right now.
    return !(Number.isInteger(pid) && pid > 0) || isProcessAlive(pid);
  } catch {
    return false;
  }
}

export async function withAsyncFileLock<T>(lockFile: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
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
