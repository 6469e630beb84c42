/**
 * Which backup a live repository mirrors into: `<commonDir>/guard/backup.json` ({id, path}).
 *
 * A repository gets a new id the first time it is backed up (the directory name plus random
 * hex), never one derived from its path alone: a different repository created later at the same
 * path must not push into (and be refused by) the old one's backup. `guard recover` writes this
 * file for the repository it rebuilds, so the recovered repository keeps mirroring into the
 * backup it came from. When `backup.dir` changes, the same id is used in the new store.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { newBackupId, storeDir } from './location.js';

export interface BackupLink {
  id: string;
  /** Absolute path of the bare backup repository. */
  path: string;
}

export function linkPath(repo: Repo): string {
  return guardCommonPath(repo, 'backup.json');
}

export function readLink(repo: Repo): BackupLink | null {
  try {
    const data = JSON.parse(fs.readFileSync(linkPath(repo), 'utf8')) as BackupLink;
    if (data && typeof data.id === 'string' && typeof data.path === 'string') return data;
  } catch {
    // missing or unreadable: a new link is made
  }
  return null;
}

export function writeLink(repo: Repo, link: BackupLink): void {
  const file = linkPath(repo);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(link, null, 2)}\n`);
  fs.renameSync(temp, file);
}

/** The backup this repository mirrors into (creating the link, not the repository). */
export function resolveLink(repo: Repo, configuredDir: string | null): BackupLink & { store: string } {
  const store = storeDir(configuredDir);
  const existing = readLink(repo);
  if (existing && path.dirname(existing.path) === store) return { ...existing, store };
  const id = existing?.id ?? newBackupId(repo.root, randomBytes(4).toString('hex'));
  const link = { id, path: path.join(store, `${id}.git`) };
  writeLink(repo, link);
  return { ...link, store };
}
