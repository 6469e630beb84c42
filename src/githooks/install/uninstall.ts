/**
 * Removes guard's shims and puts back, byte for byte, what the manifest says was there: each
 * chained hook is renamed back (bytes, mode and symlink-ness intact). A shim that something else
 * has since replaced is left alone (that tool's file is the newer truth), and so is anything guard
 * cannot identify; every such case is reported instead of guessed.
 */
import fs from 'node:fs/promises';
import { readManifest, removeManifest, type HookRecord } from './manifest.js';
import { describeHook } from './install.js';
import { CHAINED_SUFFIX, isShim, type HookName } from './shim.js';

export type UninstallAction = 'restored' | 'removed' | 'left-replaced' | 'already-gone';

export interface UninstallChange {
  name: HookName;
  path: string;
  action: UninstallAction;
  /** Something to tell the person (a mismatch, a file left in place). */
  note?: string;
}

export interface UninstallResult {
  installed: boolean;
  changes: UninstallChange[];
  removedDir: string | null;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

async function isOurShim(file: string): Promise<boolean> {
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile()) return false;
    return isShim(await fs.readFile(file, 'utf8'));
  } catch {
    return false;
  }
}

async function uninstallOne(record: HookRecord): Promise<UninstallChange> {
  const chained = `${record.path}${CHAINED_SUFFIX}`;
  const hasChained = await exists(chained);
  const base = { name: record.name, path: record.path };
  if (await exists(record.path)) {
    if (!(await isOurShim(record.path))) {
      return {
        ...base,
        action: 'left-replaced',
        note: hasChained
          ? `${record.name} was replaced after guard installed it; left as it is. The hook guard had chained is still at ${chained}`
          : `${record.name} was replaced after guard installed it; left as it is`,
      };
    }
    await fs.rm(record.path);
  }
  if (!hasChained) return { ...base, action: record.previous ? 'already-gone' : 'removed', ...(record.previous ? { note: `the hook guard had chained (${chained}) is gone; nothing to put back` } : {}) };
  await fs.rename(chained, record.path);
  let note: string | undefined;
  if (record.previous) {
    const now = await describeHook(record.path);
    if (now.sha256 !== record.previous.sha256 || now.mode !== record.previous.mode) {
      note = `${record.name} was put back, but it changed while guard chained it (content or mode differs from when guard installed)`;
    }
  }
  return { ...base, action: 'restored', ...(note ? { note } : {}) };
}

export async function uninstallShims(guardDir: string): Promise<UninstallResult> {
  const manifest = await readManifest(guardDir);
  if (!manifest) return { installed: false, changes: [], removedDir: null };
  const changes: UninstallChange[] = [];
  for (const record of manifest.hooks) changes.push(await uninstallOne(record));
  let removedDir: string | null = null;
  if (manifest.hooksDirCreated) {
    try {
      // rmdir only succeeds on an empty directory: anything someone added since stays.
      await fs.rmdir(manifest.hooksDir);
      removedDir = manifest.hooksDir;
    } catch {
      // not empty, or gone: leave it
    }
  }
  await removeManifest(guardDir);
  return { installed: true, changes, removedDir };
}

