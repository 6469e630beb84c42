/**
 * What backups exist on this machine and what each one holds: the registries (registry.ts) of
 * the default store and of any configured store, plus every `*.git` repository found in those
 * stores that the registries do not list. For each backup, the newest snapshot of every chain.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runGit, splitNul } from '../git/run.js';
import { decodeMessage, type Snapshot } from '../snapshot/format.js';
import { GUARD_REF_PREFIX } from '../snapshot/refs.js';
import { defaultStoreDir } from './location.js';
import { readRegistry } from './registry.js';
import { backupRoots, inBackup, isBackupRepo } from './store.js';

export interface ChainInfo {
  ref: string;
  latest: Snapshot;
}

export interface BackupInfo {
  id: string;
  path: string;
  roots: string[];
  chains: ChainInfo[];
  /** Time of the newest snapshot in any chain (ISO), or null when the backup is empty. */
  latest: string | null;
}

/** The newest snapshot on each snapshot chain of a backup (the keep chain is not a snapshot chain). */
export async function readChains(backup: string): Promise<ChainInfo[]> {
  const git = inBackup(backup);
  const heads = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', `${GUARD_REF_PREFIX}main/head`, `${GUARD_REF_PREFIX}worktrees/`], { ...git, okCodes: [128] });
  const chains: ChainInfo[] = [];
  for (const line of heads.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const oid = line.slice(0, line.indexOf(' '));
    const ref = line.slice(line.indexOf(' ') + 1);
    if (!ref.endsWith('/head')) continue;
    const log = await runGit(['log', '-1', '-z', '--format=%H%n%B', oid, '--'], { ...git, okCodes: [128] });
    const [record] = splitNul(log.stdout);
    if (!record) continue;
    const meta = decodeMessage(record.slice(record.indexOf('\n') + 1));
    if (meta) chains.push({ ref, latest: { ...meta, oid } });
  }
  return chains;
}

function storesToScan(extraStores: string[]): string[] {
  return [...new Set([defaultStoreDir(), ...extraStores].map((s) => path.resolve(s)))];
}

/** Every backup this machine knows of, newest first. */
export async function listBackups(extraStores: string[] = []): Promise<BackupInfo[]> {
  const found = new Map<string, { id: string; roots: Set<string> }>();
  for (const store of storesToScan(extraStores)) {
    for (const entry of readRegistry(store)) {
      const known = found.get(entry.path) ?? { id: entry.id, roots: new Set<string>() };
      for (const root of entry.roots) known.roots.add(root);
      found.set(entry.path, known);
    }
    let names: string[] = [];
    try {
      names = fs.readdirSync(store);
    } catch {
      continue;
    }
    for (const name of names) {
      const full = path.join(store, name);
      if (name.endsWith('.git') && !found.has(full) && isBackupRepo(full)) found.set(full, { id: name.slice(0, -4), roots: new Set() });
    }
  }
  const backups: BackupInfo[] = [];
  for (const [backupPath, known] of found) {
    if (!isBackupRepo(backupPath)) continue;
    for (const root of await backupRoots(backupPath)) known.roots.add(root);
    const chains = await readChains(backupPath);
    const latest = chains.map((c) => c.latest.time).sort().pop() ?? null;
    backups.push({ id: known.id, path: backupPath, roots: [...known.roots], chains, latest });
  }
  return backups.sort((a, b) => (b.latest ?? '').localeCompare(a.latest ?? ''));
}

/**
 * The chain to rebuild a directory from: the one whose newest snapshot was taken at `root`, else
 * the main worktree's chain, else the newest.
 */
export function chooseChain(backup: BackupInfo, root: string): ChainInfo | null {
  const byRoot = backup.chains.filter((c) => c.latest.root === root).sort((a, b) => b.latest.time.localeCompare(a.latest.time));
  if (byRoot[0]) return byRoot[0];
  return backup.chains.find((c) => c.ref === `${GUARD_REF_PREFIX}main/head`) ?? [...backup.chains].sort((a, b) => b.latest.time.localeCompare(a.latest.time))[0] ?? null;
}
