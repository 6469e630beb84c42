/**
 * Installing a new index the way git does: create `index.lock` exclusively (so we never race
 * another git process), write the new content into it, then rename it over `index`. Held from
 * the start of a rollback's changes to its end, so no git command sees a half-restored state.
 */
import fs from 'node:fs/promises';
import { GuardError } from '../errors.js';

export interface IndexLock {
  readonly path: string;
  /** Writes `content` as the new index and releases the lock (rename over the index). */
  commit(content: Buffer): Promise<void>;
  /** Releases the lock without changing the index. */
  release(): Promise<void>;
}

export async function lockIndex(indexFile: string): Promise<IndexLock> {
  const lockPath = `${indexFile}.lock`;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new GuardError('refused', `another git process is using the index (${lockPath} exists); nothing was changed`, {
        hints: ['Wait for the other git command (or editor integration) to finish, then run the rollback again.', `If no git process is running, the lock is stale: remove ${lockPath} and retry.`],
      });
    }
    throw error;
  }
  let open = true;
  return {
    path: lockPath,
    async commit(content) {
      await handle.writeFile(content);
      await handle.sync();
      await handle.close();
      open = false;
      await fs.rename(lockPath, indexFile);
    },
    async release() {
      if (open) await handle.close();
      open = false;
      await fs.rm(lockPath, { force: true });
    },
  };
}
