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
import { isProcessAlive, pidSpaceTag } from '../util/process-alive.js';

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
  const file = path.join(dir, `index-${process.pid}.${pidSpaceTag()}-${randomBytes(6).toString('hex')}`);
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

/**
 * A pid-named file whose writer's namespace is unknown (no tag, another tag, the hook's notes) is
 * left alone this long after its last change, whether its pid runs here or not: a guard or git in
 * a container sharing the repository writes pids that name no process here while it runs. Far
 * longer than a snapshot or a ref transaction takes; a crash's leftovers wait that long.
 */
const FOREIGN_STALE_MS = 60 * 60 * 1000;

/**
 * Removes temp files left by guard (and git) processes that no longer run (a crash, a SIGKILL).
 * A file is removed when its pid runs no process here and either its name carries our pid-space
 * tag (written where that pid means what it means here) or it has not changed for
 * FOREIGN_STALE_MS. `now` is for tests.
 */
export async function removeStaleTempFiles(repo: Repo, now: number = Date.now()): Promise<void> {
  await Promise.all([
    // index-<pid>.<tag>-*: a private index; objects-<pid>.<tag>-*: files for hash-object
    // (git/batch-objects.ts); undo-<pid>.<tag>-*: the three versions `guard undo` merges
    // (restore/undo-step.ts); a guard before the tag wrote index-<pid>-* and undo-<pid>-*. Their
    // age is the inode's change time: a private index keeps the user's index's mtime (copyUserIndex).
    removeFilesOfEndedProcesses(tempDir(repo), /^(?:index|objects|undo)-(\d+)(?:\.([0-9a-f]{8}))?-/, 'ctimeMs', now),
    // deleting.<git's pid>: old values the reference-transaction hook noted for a deletion, left
    // behind when git aborted the transaction (hooks/reference-transaction.sh). The hook cannot
    // tell its namespace cheaply, so only the age says it is not a live git's elsewhere; it
    // only appends, so mtime is its last change.
    removeFilesOfEndedProcesses(guardCommonPath(repo), /^deleting\.(\d+)$/, 'mtimeMs', now),
    removeStaleOperationTemps(repo, now),
  ]);
}

/**
 * guard's own temp names beside git's operation state in a worktree's git dir, which a rollback or
 * recover killed while writing it back leaves: `.rebase-merge.guard-new-<pid>.<tag>` (a directory
 * being built) and `.rebase-merge.guard-old-<pid>.<tag>` (one renamed aside; also rebase-apply,
 * sequencer: snapshot/operation-dirs.ts), `.MERGE_MSG.guard-<pid>.<tag>` (a head or message file:
 * operation-state.ts); a guard before the tag wrote them without it. git never reads these names;
 * only they are removed, by the rules above, and never a name of git's or the person's.
 */
const OPERATION_TEMP = /^\.(?:(?:rebase-merge|rebase-apply|sequencer)\.guard-(?:new|old)|(?:MERGE_HEAD|CHERRY_PICK_HEAD|REVERT_HEAD|REBASE_HEAD|ORIG_HEAD|MERGE_MSG|MERGE_MODE)\.guard)-(\d+)(?:\.([0-9a-f]{8}))?$/;

/**
 * The operation temp names of processes that no longer run. Every snapshot sweeps them, and so
 * every rollback (its pre-rollback snapshot; --resume and --undo too) and every recover (the
 * snapshot of the state it made).
 */
async function removeStaleOperationTemps(repo: Repo, now: number = Date.now()): Promise<void> {
  // Their age is the inode's change time: a directory's changes with each file written into it.
  await removeFilesOfEndedProcesses(repo.gitDir, OPERATION_TEMP, 'ctimeMs', now);
}

async function removeFilesOfEndedProcesses(dir: string, pattern: RegExp, clock: 'ctimeMs' | 'mtimeMs', now: number): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const ourTag = pidSpaceTag();
  await Promise.all(
    names.map(async (name) => {
      const match = pattern.exec(name);
      const pid = Number(match?.[1]);
      if (!pid || pid === process.pid || isProcessAlive(pid)) return;
      const file = path.join(dir, name);
      if (match?.[2] !== ourTag) {
        try {
          const stat = await fs.lstat(file);
          if (now - stat[clock] <= FOREIGN_STALE_MS) return;
        } catch {
          return; // removed by its owner meanwhile
        }
      }
      await fs.rm(file, { recursive: true, force: true });
    }),
  );
}


/** A private index that starts empty (git treats a missing index file as an empty index). */
export async function emptyTempIndex(repo: Repo): Promise<TempIndex> {
  return copyUserIndex(repo, path.join(tempDir(repo), `absent-${process.pid}-${randomBytes(6).toString('hex')}`));
}
