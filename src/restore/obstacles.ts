/**
 * Files in the way of a rollback that no snapshot holds. `git read-tree -u` overwrites ignored
 * files without a word, so before changing anything we look for what the plan would overwrite
 * that the pre-rollback snapshot did not capture (ignored files, skipped large or unreadable
 * files): those would be lost, so the rollback stops instead.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import type { FileChange } from './plan.js';

async function exists(full: string): Promise<{ dir: boolean } | null> {
  try {
    const stat = await fs.lstat(full);
    return { dir: stat.isDirectory() };
  } catch {
    return null;
  }
}

export async function uncapturedObstacles(repo: Repo, files: FileChange[]): Promise<string[]> {
  // Paths the pre-rollback snapshot holds (written or deleted by the plan) are safe to replace.
  const captured = new Set(files.filter((f) => f.action !== 'create').map((f) => f.path));
  const obstacles = new Set<string>();
  const parentsChecked = new Set<string>();
  for (const file of files) {
    if (file.action !== 'create') continue;
    const found = await exists(path.join(repo.root, file.path));
    // Something exists where a new file goes: not captured, or the plan would have listed it.
    if (found) obstacles.add(file.path);
    // A file where the target needs a directory.
    let parent = path.posix.dirname(file.path);
    while (parent !== '.' && !parentsChecked.has(parent)) {
      parentsChecked.add(parent);
      const p = await exists(path.join(repo.root, parent));
      if (p && !p.dir && !captured.has(parent)) obstacles.add(parent);
      parent = path.posix.dirname(parent);
    }
  }
  return [...obstacles].sort();
}
