/**
 * Holding the index the way git does: create `index.lock` exclusively (so we never race another
 * git process) and keep it from the start of a rollback's changes to its end, so no git command
 * sees a half-restored state. The new index goes in through a temp file renamed over `index`,
 * and only then is the lock removed.
 *
 * The lock we create holds a marker line with a random token (git never writes one like it), and
 * the rollback journal records the token: `--resume` after a crash removes index.lock only when it
 * still holds that marker, never a lock another git process took since.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';

export interface IndexLock {
  readonly path: string;
  /** Identifies this lock's content (the journal keeps it, see ownsIndexLock). */
  readonly token: string;
  /** Installs `content` as the new index and releases the lock. */
  commit(content: Buffer): Promise<void>;
  /** Releases the lock without changing the index. */
  release(): Promise<void>;
}

function marker(token: string): string {
  return `git-guard rollback lock ${token}\n`;
}

/** A new lock's token: the rollback journals it before it takes the lock (rollback.ts). */
export function newLockToken(): string {
  return randomBytes(12).toString('hex');
}

/**
 * Takes `<indexFile>.lock` holding the marker of `token`, in one step: the marker is written to
 * `tempFile` (in guard's temp directory, which the next guard run sweeps of ended processes'
 * files) and hard-linked to the lock's name, which fails when the name exists, as git's exclusive
 * create does. A lock created empty and then written could be left without its marker by a
 * SIGKILL between the two, and `--resume` would not know it as its own.
 */
export async function lockIndex(indexFile: string, token: string, tempFile: string): Promise<IndexLock> {
  const lockPath = `${indexFile}.lock`;
  await fs.mkdir(path.dirname(tempFile), { recursive: true });
  const handle = await fs.open(tempFile, 'w');
  try {
    await handle.writeFile(marker(token));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    try {
      await fs.link(tempFile, lockPath);
    } catch (error) {
      // A file system without hard links: create exclusively, then write (the old way).
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      const lock = await fs.open(lockPath, 'wx');
      try {
        await lock.writeFile(marker(token));
        await lock.sync();
      } finally {
        await lock.close();
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new GuardError('refused', `another git process is using the index (${lockPath} exists); nothing was changed`, {
        hints: ['Wait for the other git command (or editor integration) to finish, then run the rollback again.', `If no git process is running, the lock is stale: remove ${lockPath} and retry.`],
      });
    }
    throw error;
  } finally {
    await fs.rm(tempFile, { force: true });
  }
  let held = true;
  const release = async (): Promise<void> => {
    if (!held) return;
    held = false;
    await fs.rm(lockPath, { force: true });
  };
  return {
    path: lockPath,
    token,
    async commit(content) {
      const temp = `${indexFile}.guard-${process.pid}-${token}`;
      const out = await fs.open(temp, 'w');
      try {
        await out.writeFile(content);
        await out.sync();
      } finally {
        await out.close();
      }
      await fs.rename(temp, indexFile);
      await release();
    },
    release,
  };
}

/** True when `<indexFile>.lock` is the lock a rollback with this token created (and nobody else's). */
export async function ownsIndexLock(indexFile: string, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  try {
    const handle = await fs.open(`${indexFile}.lock`, 'r');
    try {
      const expected = Buffer.from(marker(token));
      const buffer = Buffer.alloc(expected.length + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return bytesRead === expected.length && buffer.subarray(0, bytesRead).equals(expected);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
