/**
 * Files in the way of a rollback that no snapshot holds. `git read-tree -u` overwrites ignored
 * files without a word (and removes a directory in the way with everything in it), so before
 * changing anything we look for what the plan would overwrite or remove that the pre-rollback
 * snapshot did not capture (ignored files, skipped large or unreadable files): those would be
 * lost, so the rollback stops instead and names each of them.
 *
 * Every name stays bytes (GitPath): an ignored `bad\377.log` is found under its own name.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { fsPath, gitPathOf, type GitPath } from '../git/path.js';
import type { FileChange } from './plan.js';

async function lstat(full: Buffer): Promise<{ dir: boolean } | null> {
  try {
    const stat = await fs.lstat(full);
    return { dir: stat.isDirectory() };
  } catch {
    return null;
  }
}

/** Every file (not directory) under `dir`, as GitPaths. */
async function filesUnder(repo: Repo, dir: GitPath, out: GitPath[]): Promise<void> {
  let names: Buffer[];
  try {
    names = await fs.readdir(fsPath(repo.root, dir), { encoding: 'buffer' });
  } catch {
    return;
  }
  for (const name of names) {
    const child = `${dir}/${gitPathOf(name)}` as GitPath;
    const found = await lstat(fsPath(repo.root, child));
    if (found?.dir) await filesUnder(repo, child, out);
    else if (found) out.push(child);
  }
}

export async function uncapturedObstacles(repo: Repo, files: FileChange[]): Promise<GitPath[]> {
  // Paths the pre-rollback snapshot holds (written or deleted by the plan) are safe to replace.
  const captured = new Set<string>(files.filter((f) => f.action !== 'create').map((f) => f.path));
  const obstacles = new Set<GitPath>();
  const parentsChecked = new Set<string>();
  for (const file of files) {
    if (file.action !== 'create') continue;
    const found = await lstat(fsPath(repo.root, file.path));
    if (found?.dir && file.kind !== 'submodule') {
      // A directory where a file goes: git removes it with its contents. Fine for what the plan
      // deletes (the snapshot holds it); anything else in it would be lost.
      const inside: GitPath[] = [];
      await filesUnder(repo, file.path, inside);
      for (const p of inside) if (!captured.has(p)) obstacles.add(p);
    } else if (found && !found.dir) {
      // A file where a new file goes: not captured, or the plan would have listed it.
      obstacles.add(file.path);
    }
    // A file where the target needs a directory.
    let parent = path.posix.dirname(file.path) as GitPath;
    while (parent !== '.' && !parentsChecked.has(parent)) {
      parentsChecked.add(parent);
      const p = await lstat(fsPath(repo.root, parent));
      if (p && !p.dir && !captured.has(parent)) obstacles.add(parent);
      parent = path.posix.dirname(parent) as GitPath;
    }
  }
  return [...obstacles].sort();
}
