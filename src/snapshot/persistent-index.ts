/**
 * guard's persistent private index: the index that mirrored the working tree at the last
 * snapshot, kept with fresh stat data, so the next snapshot's walk only has to look at what
 * changed since, and a snapshot where nothing changed needs no index write at all.
 *
 * Layout under `<gitDir>/guard/`: `worktree-index.json` names one `worktree-index.<id>` file and
 * records what it is known to produce:
 *   tree       the tree of that index (the working tree at that snapshot)
 *   userIndex  size/mtime/inode of the user's index at that snapshot, with its indexTree/rawIndex,
 *              so an unchanged user index is not read again (git replaces the index file on every
 *              write, so a new inode or mtime means new content)
 *   scan       the signature of the full walk (differing paths and their lstat data): the same
 *              user index and the same signature give the same tree, with nothing to write
 * The JSON is replaced atomically and points at an index file that is never rewritten, so a
 * reader always gets a matching pair, even with several guard processes at once.
 *
 * Full walks always judge tracked/untracked/ignored against the user's index; the persistent
 * index is only the base of incremental (watcher) snapshots and rollback's working-tree mirror.
 *
 * Incremental snapshots write it as a split index (only the changed entries are rewritten); git
 * keeps the shared part as `<gitDir>/sharedindex.<sha>`. guard records which of those files it
 * created and removes them once its index no longer links to them, so they do not pile up; it
 * never touches a shared index it did not create (the user may use split indexes too).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { guardPath } from '../git/repo.js';
import { copyUserIndex, type TempIndex } from './temp-index.js';

const META = 'worktree-index.json';
const PREFIX = 'worktree-index.';

export interface IndexStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface PersistentMeta {
  file: string;
  tree: string;
  userIndex: { stamp: IndexStamp; indexTree: string | null; rawIndex: string | null } | null;
  /** Signature of the full-walk scan that produced `tree` on top of that user index (null after an incremental one). */
  scan: string | null;
  /** `sharedindex.*` files in the git dir that guard's split index created (guard removes only these). */
  sharedIndexes?: string[];
}

export async function statIndex(file: string): Promise<IndexStamp | null> {
  try {
    const stat = await fs.stat(file);
    return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
  } catch {
    return null;
  }
}

export function sameStamp(a: IndexStamp | null | undefined, b: IndexStamp | null | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

export async function readPersistentMeta(repo: Repo): Promise<PersistentMeta | null> {
  try {
    const meta = JSON.parse(await fs.readFile(guardPath(repo, META), 'utf8')) as PersistentMeta;
    if (typeof meta.tree !== 'string' || typeof meta.file !== 'string' || !meta.file.startsWith(PREFIX)) return null;
    return meta;
  } catch {
    return null;
  }
}

/** A private copy of the persistent index, or null when it is gone. */
export async function copyPersistentIndex(repo: Repo, meta: PersistentMeta): Promise<TempIndex | null> {
  const file = guardPath(repo, meta.file);
  // copyUserIndex treats a missing file as an empty index; here that would drop every file.
  try {
    await fs.access(file);
    return await copyUserIndex(repo, file);
  } catch {
    return null;
  }
}

/**
 * Records `from` (a private index mirroring `tree`) as the new persistent index. With
 * `consume`, the temp file is moved into place instead of copied.
 */
const SHARED = 'sharedindex.';

/** Names of the `sharedindex.*` files in this worktree's git dir. */
export async function listSharedIndexes(repo: Repo): Promise<Set<string>> {
  try {
    return new Set((await fs.readdir(repo.gitDir)).filter((n) => n.startsWith(SHARED)));
  } catch {
    return new Set();
  }
}

/**
 * Claims the newly created shared indexes that `indexFile` links to (a file some other git
 * process created meanwhile is not linked, so never claimed), and removes the ones guard claimed
 * before that it no longer links to. Returns what guard owns now.
 */
async function pruneSharedIndexes(repo: Repo, indexFile: string, owned: string[], created: string[]): Promise<string[]> {
  if (owned.length === 0 && created.length === 0) return [];
  const content = await fs.readFile(indexFile);
  // The split index's link extension holds the shared index's id as raw bytes.
  const linked = (name: string): boolean => {
    const sha = name.slice(SHARED.length);
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) && content.includes(Buffer.from(sha, 'hex'));
  };
  const kept: string[] = [];
  for (const name of owned) {
    if (linked(name)) kept.push(name);
    else await fs.rm(path.join(repo.gitDir, name), { force: true });
  }
  for (const name of created) if (!kept.includes(name) && linked(name)) kept.push(name);
  return kept;
}

export async function savePersistentIndex(repo: Repo, from: TempIndex, meta: Omit<PersistentMeta, 'file'>, consume: boolean, createdSharedIndexes: string[] = []): Promise<void> {
  const dir = guardPath(repo);
  const name = `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const target = path.join(dir, name);
  if (consume) await fs.rename(from.file, target);
  else {
    await fs.copyFile(from.file, target);
    const stat = await fs.stat(from.file);
    await fs.utimes(target, stat.atime, stat.mtime);
  }
  const sharedIndexes = await pruneSharedIndexes(repo, target, meta.sharedIndexes ?? [], createdSharedIndexes);
  const metaFile = guardPath(repo, META);
  const tmp = `${metaFile}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify({ ...meta, sharedIndexes, file: name })}\n`);
  await fs.rename(tmp, metaFile);
  // Older index files are no longer named by the meta file; a reader that already copied one is done with it.
  const names = await fs.readdir(dir);
  await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== name && n !== META && !n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}
