/**
 * The rollback journal, per worktree, under `<gitDir>/guard/`:
 *   rollback-in-progress.json  written before the first change, updated after each step and
 *                              removed when the rollback finished; if it exists, a rollback was
 *                              interrupted and `guard rollback --resume` or `--undo` finishes or
 *                              reverses it.
 *   last-rollback.json         the pre-rollback snapshot of the latest finished rollback, so
 *                              `guard rollback --undo` knows where to go back to.
 * Both are written atomically (write to a temp name, then rename).
 */
import fs from 'node:fs/promises';
import type { Repo } from '../git/repo.js';
import { guardPath } from '../git/repo.js';

export type RollbackStep = 'planned' | 'refs' | 'head' | 'stash' | 'worktree' | 'index' | 'operation' | 'done';

export interface RollbackRecord {
  /** Snapshot being restored. */
  target: string;
  /** Snapshot taken just before, the way back. */
  pre: string;
  filesOnly: boolean;
  paths: string[];
  /**
   * Exact names (GitPath byte strings: one char per byte, which JSON keeps as is), for restores
   * and undos that name files byte for byte; absent in records written before it existed.
   */
  exactPaths?: string[];
  /** Last step completed. */
  step: RollbackStep;
  startedAt: string;
  /** pid of the guard process holding index.lock, so a stale lock can be told from a live one. */
  pid: number;
  /**
   * Where that pid means something (pidSpaceId(): host and pid namespace); absent in records
   * written before it existed, whose pid is judged as is. A rollback run in a container sharing
   * the repository has a pid that names no process here while it runs.
   */
  pidSpace?: string;
  /** Asked with --lfs-pointers (LFS files whose object is nowhere written as pointers): --resume does the same. */
  lfsPointers?: true;
  /** Token written into the index.lock this rollback created: --resume removes only that lock. */
  lockToken?: string;
  /**
   * Files this rollback untracked and gave the target's default bits, with the bits they had
   * (pathText -> octal) where the pre-rollback snapshot knew none (a tracked file narrowed by a
   * chmod no git command saw since): --undo gives those back. Absent when there were none.
   */
  untrackedModes?: Record<string, string>;
}

const IN_PROGRESS = 'rollback-in-progress.json';
const LAST = 'last-rollback.json';

async function writeAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.mkdir(file.slice(0, file.lastIndexOf('/')), { recursive: true });
  await fs.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await fs.rename(tmp, file);
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function readInProgress(repo: Repo): Promise<RollbackRecord | null> {
  return readJson<RollbackRecord>(guardPath(repo, IN_PROGRESS));
}

export function writeInProgress(repo: Repo, record: RollbackRecord): Promise<void> {
  return writeAtomic(guardPath(repo, IN_PROGRESS), record);
}

export async function clearInProgress(repo: Repo): Promise<void> {
  await fs.rm(guardPath(repo, IN_PROGRESS), { force: true });
}

export function readLastRollback(repo: Repo): Promise<RollbackRecord | null> {
  return readJson<RollbackRecord>(guardPath(repo, LAST));
}

export function writeLastRollback(repo: Repo, record: RollbackRecord): Promise<void> {
  return writeAtomic(guardPath(repo, LAST), record);
}
