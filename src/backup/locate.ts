/**
 * Is there a backup of this directory? Asked when a command finds no repository (`rm -rf .git`):
 * the answer turns "not a git repository" into "a backup of this directory exists, newest snapshot
 * 2m ago: run `guard recover`". The registries (registry.ts) name the worktree roots each backup
 * served; the directory itself or the nearest one above it that is such a root is the match. Only
 * the matching backup is opened (its chain heads), so the cost does not grow with the backups on
 * the machine.
 */
import path from 'node:path';
import { readChains } from './catalog.js';
import { defaultStoreDir } from './location.js';
import { backupsForRoot, readRegistry } from './registry.js';
import { isBackupRepo } from './store.js';

export interface DirectoryBackup {
  /** The worktree root the backup was made from (the directory or one above it). */
  root: string;
  /** Path of the backup repository. */
  backup: string;
  id: string;
  /** Time of its newest snapshot (ISO), null when it holds none. */
  newest: string | null;
}

/** The backup made from `dir` (or the worktree root above it), or null. Never throws. */
export async function backupForDirectory(dir: string): Promise<DirectoryBackup | null> {
  try {
    const entries = readRegistry(defaultStoreDir());
    for (let at = path.resolve(dir); ; at = path.dirname(at)) {
      const match = backupsForRoot(entries, at).find((entry) => isBackupRepo(entry.path));
      if (match) {
        const chains = await readChains(match.path);
        const newest = chains.map((c) => c.latest.time).sort().pop() ?? null;
        return { root: at, backup: match.path, id: match.id, newest };
      }
      if (path.dirname(at) === at) return null;
    }
  } catch {
    return null;
  }
}
