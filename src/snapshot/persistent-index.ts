/**
 * guard's persistent private index (`<gitDir>/guard/worktree-index`): a copy of the index that
 * mirrored the working tree at the last snapshot, plus the tree it produced. Incremental
 * snapshots start from it and re-read only changed paths. It is trusted only while its tree is
 * the tree of the chain's newest snapshot; anything else (another process took a snapshot,
 * the file is missing or damaged) means a full walk.
 */
import fs from 'node:fs/promises';
import type { Repo } from '../git/repo.js';
import { guardPath } from '../git/repo.js';
import type { Snapshot } from './format.js';
import { copyUserIndex, type TempIndex } from './temp-index.js';

const INDEX = 'worktree-index';
const META = 'worktree-index.json';

export async function persistentIndexFor(repo: Repo, previous: Snapshot | null): Promise<TempIndex | null> {
  if (!previous) return null;
  try {
    const meta = JSON.parse(await fs.readFile(guardPath(repo, META), 'utf8')) as { tree?: string };
    if (meta.tree !== previous.tree) return null;
    // copyUserIndex treats a missing file as an empty index; here that would drop every file.
    await fs.access(guardPath(repo, INDEX));
    return await copyUserIndex(repo, guardPath(repo, INDEX));
  } catch {
    return null;
  }
}

export async function savePersistentIndex(repo: Repo, from: TempIndex, tree: string): Promise<void> {
  const target = guardPath(repo, INDEX);
  const tmp = `${target}.${process.pid}.tmp`;
  // Invalidate first: a crash between the two writes must never pair a tree with the wrong index.
  await fs.rm(guardPath(repo, META), { force: true });
  await fs.copyFile(from.file, tmp);
  const stat = await fs.stat(from.file);
  await fs.utimes(tmp, stat.atime, stat.mtime);
  await fs.rename(tmp, target);
  await fs.writeFile(guardPath(repo, META), `${JSON.stringify({ tree })}\n`);
}
