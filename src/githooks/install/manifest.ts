/**
 * What guard installed and what was there before, so that `guard uninstall` restores the
 * previous state byte for byte and `guard status` can tell when something changed guard's hooks
 * behind its back. Stored as `<commonDir>/guard/hooks-manifest.json` (a bare repository: in its
 * `guard/` directory). Its existence is also how the shims know guard is set up in a repository
 * that shares a hooks directory with others.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HooksPathSetting } from './hooks-dir.js';
import type { HookName } from './shim.js';

export interface PreviousHook {
  /** A symlink is moved as a symlink (its target stays as it was). */
  kind: 'file' | 'symlink';
  /** sha256 of the file's bytes (of the link target string for a symlink). */
  sha256: string;
  /** Permission bits, e.g. 0o755. */
  mode: number;
  linkTarget?: string;
  /** A recognised hook manager that wrote it (husky, lefthook, pre-commit, simple-git-hooks). */
  manager: string | null;
}

export interface HookRecord {
  name: HookName;
  /** Absolute path of the hook file guard wrote. */
  path: string;
  /** sha256 of the shim guard wrote. */
  shimSha256: string;
  /** The hook that was there before, now at `<path>.guard-chained`; null when there was none. */
  previous: PreviousHook | null;
}

export interface HooksManifest {
  version: 1;
  installedAt: string;
  /** Absolute hooks directory guard installed into. */
  hooksDir: string;
  /** guard created the directory (it did not exist): uninstall removes it if it is empty. */
  hooksDirCreated: boolean;
  /** core.hooksPath when guard installed (guard never changes it). */
  hooksPath: HooksPathSetting | null;
  /** Package root and node binary baked into the shims. */
  package: string;
  node: string;
  hooks: HookRecord[];
}

export const MANIFEST_FILE = 'hooks-manifest.json';

export async function readManifest(guardDir: string): Promise<HooksManifest | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(guardDir, MANIFEST_FILE), 'utf8')) as HooksManifest;
    return parsed.version === 1 && Array.isArray(parsed.hooks) ? parsed : null;
  } catch {
    return null;
  }
}

export async function writeManifest(guardDir: string, manifest: HooksManifest): Promise<void> {
  await fs.mkdir(guardDir, { recursive: true });
  const file = path.join(guardDir, MANIFEST_FILE);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await fs.rename(temp, file);
}

export async function removeManifest(guardDir: string): Promise<void> {
  await fs.rm(path.join(guardDir, MANIFEST_FILE), { force: true });
}
