/**
 * A rollback that writes Git LFS pointers needs the objects they name in `.git/lfs/objects`, or
 * git-lfs's smudge fails and the rollback stops halfway. `git lfs prune` deletes the objects no
 * recent commit names, and it does not know refs/guard/*: an edit only a snapshot holds loses its
 * object (found on 2026-12-05 with git-lfs 3.3.0, `git lfs prune --recent`). The backup keeps a
 * copy of every object (backup/lfs-objects.ts): the ones the rollback's files name and this
 * repository lacks are copied back from there before git's checkout.
 *
 * Cost: nothing (one failed stat, no git process) in a repository without `<commonDir>/lfs`; with
 * it, one `cat-file --batch-check` of the files the rollback writes and one `cat-file --batch` of
 * those small enough to be pointers (at most 1024 bytes, as git-lfs's own limit).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readObjects } from '../git/batch-objects.js';
import type { Repo } from '../git/repo.js';
import { leavesAt } from '../snapshot/tree-edit.js';
import { readLink } from '../backup/link.js';
import { copyLfsObjects, lfsObjectsDir, lfsPointerOid } from '../backup/lfs-objects.js';

/** Copies from the backup the LFS objects that `tree`'s blobs at `paths` point at and this repository lacks. */
export async function restoreLfsObjects(repo: Repo, tree: string, paths: readonly string[]): Promise<number> {
  if (paths.length === 0 || !fs.existsSync(path.join(repo.commonDir, 'lfs'))) return 0;
  const link = readLink(repo);
  if (!link) return 0;
  const stored = lfsObjectsDir(link.path);
  if (!fs.existsSync(stored)) return 0;
  const leaves = await leavesAt(repo, tree, paths);
  const small = leaves.filter((leaf) => leaf && leaf.type === 'blob' && (leaf.size === undefined || leaf.size <= 1024)).map((leaf) => leaf!.oid);
  if (small.length === 0) return 0;
  const local = lfsObjectsDir(repo.commonDir);
  const wanted = new Set<string>();
  for (const blob of await readObjects(repo, [...new Set(small)])) {
    const oid = blob ? lfsPointerOid(blob.content) : null;
    if (oid && !fs.existsSync(path.join(local, oid.slice(0, 2), oid.slice(2, 4), oid))) wanted.add(oid);
  }
  if (wanted.size === 0) return 0;
  return copyLfsObjects(stored, local, { only: wanted }).copied;
}

/**
 * Of `paths` in `tree`, those whose blob is an LFS pointer to an object this repository does not
 * have (as bytes). For `guard recover` when git-lfs's smudge failed: a backup made before it kept
 * LFS objects, or a snapshot whose push had not run when `git lfs prune` deleted one. One
 * `cat-file --batch-check` and one `cat-file --batch` of the blobs small enough to be pointers.
 */
export async function pointersWithoutObject(repo: Repo, tree: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const leaves = await leavesAt(repo, tree, paths);
  const small = paths.map((p, i) => ({ path: p, leaf: leaves[i] })).filter(({ leaf }) => leaf && leaf.type === 'blob' && (leaf.size === undefined || leaf.size <= 1024));
  if (small.length === 0) return [];
  const blobs = await readObjects(repo, small.map(({ leaf }) => leaf!.oid));
  const local = lfsObjectsDir(repo.commonDir);
  return small
    .filter((_, i) => {
      const oid = blobs[i] ? lfsPointerOid(blobs[i]!.content) : null;
      return oid !== null && !fs.existsSync(path.join(local, oid.slice(0, 2), oid.slice(2, 4), oid));
    })
    .map(({ path: p }) => p);
}
