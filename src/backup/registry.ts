/**
 * The backup index: `<store>/index.json` maps worktree paths to backups, so `guard recover` run
 * in a directory whose `.git` is gone finds that directory's backup by itself. The default store's
 * index lists every backup on the machine (also those kept in a configured `backup.dir`, which
 * gets an index of its own too, so the backup can be found from either place).
 *
 * The file is rewritten under a lock (concurrent pushes from a watcher and a session start) and
 * atomically (temp + rename). It is a convenience, never the only record: every backup repository
 * also carries its source paths in its own config (`guard.root`), and `--list` scans the store for
 * repositories the index does not know.
 */
import fs from 'node:fs';
import path from 'node:path';
import { withFileLock } from '../session/lock.js';

export interface BackupEntry {
  id: string;
  /** Absolute path of the bare backup repository. */
  path: string;
  /** Worktree roots this backup has received snapshots from (newest last). */
  roots: string[];
  created: string;
  updated: string;
}

interface RegistryFile {
  version: 1;
  backups: BackupEntry[];
}

export function registryPath(store: string): string {
  return path.join(store, 'index.json');
}

export function readRegistry(store: string): BackupEntry[] {
  try {
    const data = JSON.parse(fs.readFileSync(registryPath(store), 'utf8')) as RegistryFile;
    if (data && data.version === 1 && Array.isArray(data.backups)) return data.backups.filter((b) => b && typeof b.path === 'string' && Array.isArray(b.roots));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  return [];
}

/** Adds or refreshes an entry (by backup path) and records `root` as one of its sources. */
export function recordBackup(store: string, entry: { id: string; path: string; root: string }): void {
  fs.mkdirSync(store, { recursive: true, mode: 0o700 });
  const file = registryPath(store);
  withFileLock(`${file}.lock`, () => {
    const backups = readRegistry(store);
    const now = new Date().toISOString();
    let found = backups.find((b) => b.path === entry.path);
    if (!found) {
      found = { id: entry.id, path: entry.path, roots: [], created: now, updated: now };
      backups.push(found);
    }
    const before = found.roots.join('\0');
    found.roots = [...found.roots.filter((r) => r !== entry.root), entry.root];
    if (found.roots.join('\0') === before) return;
    found.updated = now;
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify({ version: 1, backups } satisfies RegistryFile, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, file);
  });
}

/** Backups that received snapshots from `root`, the most recently used first. */
export function backupsForRoot(entries: BackupEntry[], root: string): BackupEntry[] {
  return entries.filter((b) => b.roots.includes(root)).sort((a, b) => b.updated.localeCompare(a.updated));
}
