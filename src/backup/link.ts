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
import { GuardError } from '../errors.js';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { newBackupId, storeDir } from './location.js';

export interface BackupLink {
  id: string;
  /** Absolute path of the bare backup repository. */
  path: string;
  /**
   * The common git directory the link was made for. A repository copied with `cp -a` carries this
   * file along: the copy sees another git directory here, finds the original still linked to the
   * same backup, and gets a backup of its own instead of pushing into (and diverging from) the
   * original's. A moved repository (the original is gone) keeps its backup.
   */
  commonDir?: string;
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
  // Never re-create a git directory that was removed (rm -rf .git while a push ran): recover would find debris.
  if (!fs.existsSync(repo.commonDir)) throw new GuardError('user', `the repository is gone (${repo.commonDir} no longer exists)`, { hints: ['Rebuild it from the backup with: guard recover'] });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(link, null, 2)}\n`);
  fs.renameSync(temp, file);
}

/** The backup this repository mirrors into (creating the link, not the repository). */
export function resolveLink(repo: Repo, configuredDir: string | null): BackupLink & { store: string } {
  const store = storeDir(configuredDir);
  const existing = readLink(repo);
  if (existing && existing.commonDir !== undefined && existing.commonDir !== repo.commonDir && isCopyOf(existing)) {
    // A copy: a backup of its own (the copied link is replaced, unless another process did that first).
    const link = { id: newBackupId(repo.root, randomBytes(4).toString('hex')), path: '', commonDir: repo.commonDir };
    link.path = path.join(store, `${link.id}.git`);
    const now = readLink(repo);
    if (now && now.id !== existing.id) return resolveLink(repo, configuredDir);
    writeLink(repo, link);
    return { ...link, store };
  }
  if (existing && path.dirname(existing.path) === store && existing.commonDir === repo.commonDir) return { ...existing, store };
  if (existing) {
    // backup.dir changed, the repository moved, or a link from before roots were recorded: same id.
    const link = { id: existing.id, path: path.join(store, `${existing.id}.git`), commonDir: repo.commonDir };
    writeLink(repo, link);
    return { ...link, store };
  }
  const link = { id: newBackupId(repo.root, randomBytes(4).toString('hex')), path: '', commonDir: repo.commonDir };
  link.path = path.join(store, `${link.id}.git`);
  // Created exclusively: two pushes starting at once (a snapshot's background push and `guard
  // backup push`) must agree on one backup, not make one each.
  if (!createLinkExclusively(repo, link)) {
    const winner = readLink(repo);
    if (winner) return resolveLink(repo, configuredDir);
  }
  return { ...link, store };
}

/** The link was copied along with the repository: the original git directory is still there and linked to the same backup. */
function isCopyOf(link: BackupLink): boolean {
  if (!link.commonDir) return false;
  try {
    const original = JSON.parse(fs.readFileSync(path.join(link.commonDir, 'guard', 'backup.json'), 'utf8')) as BackupLink;
    return original.id === link.id;
  } catch {
    // The original is gone: the repository was moved.
    return false;
  }
}

function createLinkExclusively(repo: Repo, link: BackupLink): boolean {
  const file = linkPath(repo);
  if (!fs.existsSync(repo.commonDir)) throw new GuardError('user', `the repository is gone (${repo.commonDir} no longer exists)`, { hints: ['Rebuild it from the backup with: guard recover'] });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(link, null, 2)}\n`);
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
