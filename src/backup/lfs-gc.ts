/**
 * The backup's Git LFS objects in `guard gc` and `guard backup status` (lfs-objects.ts keeps them).
 *
 * gc drops a backup object only when nothing can want it any more: it is gone from this
 * repository's `.git/lfs/objects` (`git lfs prune` deleted it; one still there would be copied
 * back by the next push anyway), and no LFS pointer among the objects of the backup or of this
 * repository names it (after the backup's own gc, what is left there is what the kept snapshots
 * reach, plus unreachable objects younger than the prune cutoff: kept too). The pointers are
 * found without walking snapshots or refs: one `cat-file --batch-all-objects --batch-check` lists
 * every object with its size, one `cat-file --batch` reads the blobs a pointer's size can have
 * (119 to 1024 bytes), per object store: four git processes whatever the number of snapshots,
 * refs or chains, and none when every backup object is still in this repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from '../git/run.js';
import { listLfsObjects, lfsObjectsDir, lfsPointerOid } from './lfs-objects.js';

interface GitCtx {
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** The smallest blob lfsPointerOid can take: the version line and an oid line. */
const POINTER_MIN = 'version https://git-lfs.github.com/spec/v1\noid sha256:\n'.length + 64;

/** The LFS oids the pointers among every object of one object store name (two git processes). */
export async function pointerOidsIn(ctx: GitCtx): Promise<Set<string>> {
  const named = new Set<string>();
  const { stdout } = await runGit(['cat-file', '--batch-all-objects', '--unordered', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], ctx);
  const small: string[] = [];
  for (const line of stdout.toString('latin1').split('\n')) {
    const [oid, type, size] = line.split(' ');
    if (type === 'blob' && Number(size) >= POINTER_MIN && Number(size) <= 1024) small.push(oid!);
  }
  if (small.length === 0) return named;
  const { stdout: blobs } = await runGit(['cat-file', '--batch'], { ...ctx, input: Buffer.from(`${small.join('\n')}\n`, 'latin1') });
  // "<oid> blob <size>\n<content>\n" for each.
  for (let at = 0; at < blobs.length; ) {
    const eol = blobs.indexOf(0x0a, at);
    if (eol < 0) break;
    const size = Number(/ (\d+)$/.exec(blobs.toString('latin1', at, eol))?.[1] ?? NaN);
    if (!Number.isFinite(size)) {
      at = eol + 1; // "<oid> missing"
      continue;
    }
    const oid = lfsPointerOid(blobs.subarray(eol + 1, eol + 1 + size));
    if (oid) named.add(oid);
    at = eol + 1 + size + 1;
  }
  return named;
}

export interface LfsStoreCount {
  objects: number;
  bytes: number;
}

/** How many LFS objects an objects directory holds, and their bytes (a stat each); null when it holds none. */
export function countLfsObjects(objectsDir: string): LfsStoreCount | null {
  const all = listLfsObjects(objectsDir);
  if (all.length === 0) return null;
  let bytes = 0;
  for (const rel of all) {
    try {
      bytes += fs.statSync(path.join(objectsDir, rel)).size;
    } catch {
      // removed meanwhile
    }
  }
  return { objects: all.length, bytes };
}

export interface LfsDrop {
  /** Objects dropped (or that would be, dryRun). */
  dropped: number;
  bytes: number;
  /** Objects left in the backup. */
  kept: number;
}

/**
 * Drops from the backup the LFS objects this repository no longer has and no pointer in either
 * object store names. null when the backup holds no LFS object (no git process then, one readdir).
 */
export async function dropUnnamedLfsObjects(backup: GitCtx & { dir: string }, live: GitCtx & { objects: string }, dryRun: boolean): Promise<LfsDrop | null> {
  const stored = lfsObjectsDir(backup.dir);
  const all = listLfsObjects(stored);
  if (all.length === 0) return null;
  const local = live.objects;
  const gone = all.filter((rel) => !fs.existsSync(path.join(local, rel)));
  const result: LfsDrop = { dropped: 0, bytes: 0, kept: all.length };
  if (gone.length === 0) return result;
  const [inBackup, inLive] = await Promise.all([pointerOidsIn(backup), pointerOidsIn(live)]);
  for (const rel of gone) {
    const oid = path.basename(rel);
    if (inBackup.has(oid) || inLive.has(oid)) continue;
    const file = path.join(stored, rel);
    let size = 0;
    try {
      size = fs.statSync(file).size;
      if (!dryRun) fs.rmSync(file);
    } catch {
      continue;
    }
    result.dropped++;
    result.bytes += size;
    result.kept--;
  }
  return result;
}
