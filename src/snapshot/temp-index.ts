/**
 * guard's private copies of the index. The user's index is only ever read: it is copied to a
 * unique temp file (keeping its mtime, see below) and git works on the copy through
 * GIT_INDEX_FILE, so the user's index, index.lock, stash and reflogs are never touched.
 *
 * Why keep the mtime: git treats an entry whose file mtime is not older than the index file as
 * "racily clean" and re-reads its content. A copy with a fresh mtime would make git trust stale
 * stat data and record old content for a file edited in the same second as the index was written.
 * Rounding the copy's mtime down (Date has millisecond precision) only makes more entries racy,
 * which is safe.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { guardCommonPath, guardPath } from '../git/repo.js';
import { isProcessAlive } from '../util/process-alive.js';

export interface TempIndex {
  file: string;
  /** Removes the temp index and any lock git left next to it. */
  dispose(): Promise<void>;
}

export function tempDir(repo: Repo): string {
  return guardPath(repo, 'tmp');
}

export async function copyUserIndex(repo: Repo, from: string = repo.indexFile): Promise<TempIndex> {
  const dir = tempDir(repo);
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `index-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.copyFile(from, file);
    const stat = await fs.stat(from);
    await fs.utimes(file, stat.atime, stat.mtime);
  } catch (error) {
    // No index yet (a fresh repository): git treats a missing index file as empty.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return {
    file,
    async dispose() {
      await Promise.all([fs.rm(file, { force: true }), fs.rm(`${file}.lock`, { force: true })]);
    },
  };
}

/** Removes temp indexes left by guard processes that no longer run (a crash, a SIGKILL). */
export async function removeStaleTempFiles(repo: Repo): Promise<void> {
  await Promise.all([
    // index-<pid>-*: a private index; objects-<pid>-*: files for hash-object (git/batch-objects.ts).
    removeFilesOfEndedProcesses(tempDir(repo), /^(?:index|objects)-(\d+)-/),
    // deleting.<git's pid>: old values the reference-transaction hook noted for a deletion, left
    // behind when git aborted the transaction (hooks/reference-transaction.sh).
    removeFilesOfEndedProcesses(guardCommonPath(repo), /^deleting\.(\d+)$/),
  ]);
}

async function removeFilesOfEndedProcesses(dir: string, pattern: RegExp): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(pattern.exec(name)?.[1]);
      if (!pid || pid === process.pid || isProcessAlive(pid)) return;
      await fs.rm(path.join(dir, name), { recursive: true, force: true });
    }),
  );
}


/** A private index that starts empty (git treats a missing index file as an empty index). */
export async function emptyTempIndex(repo: Repo): Promise<TempIndex> {
  return copyUserIndex(repo, path.join(tempDir(repo), `absent-${process.pid}-${randomBytes(6).toString('hex')}`));
}
