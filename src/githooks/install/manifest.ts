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
  /**
   * The git directory the manifest was written in (`<this>/guard/hooks-manifest.json`). The file
   * travels with a copied or moved repository; read there, every path below that lay in the old
   * repository is taken to the same place in this one (readManifest), so `guard uninstall` in a
   * copy never touches the original's hooks.
   */
  commonDir?: string;
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
  let parsed: HooksManifest;
  try {
    parsed = JSON.parse(await fs.readFile(path.join(guardDir, MANIFEST_FILE), 'utf8')) as HooksManifest;
  } catch {
    return null;
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.hooks)) return null;
  return relocate(parsed, path.dirname(path.resolve(guardDir)));
}

/**
 * Where the manifest was written: its own record, or (a manifest from before that record) the
 * directory holding the hooks directory when that is a git directory named like this one
 * (`<old>/.git/hooks` read in `<new>/.git`).
 */
function writtenIn(manifest: HooksManifest, commonDir: string): string | null {
  if (manifest.commonDir) return path.resolve(manifest.commonDir);
  const parent = path.dirname(path.resolve(manifest.hooksDir));
  return path.basename(manifest.hooksDir) === 'hooks' && path.basename(parent) === path.basename(commonDir) ? parent : null;
}

/** Maps `file` from inside `from` to the same place inside `to`; other paths stay as they are. */
function moveInto(file: string, from: string, to: string): string {
  const rel = path.relative(from, path.resolve(file));
  return rel === '' ? to : rel.startsWith('..') || path.isAbsolute(rel) ? file : path.join(to, rel);
}

/**
 * A manifest read in another git directory than the one it was written in (the repository was
 * copied or moved): the paths inside the old git directory, and inside the old working tree
 * (`core.hooksPath=.husky/_`) for the usual `<root>/.git` layout, are taken to this repository.
 * Paths elsewhere (a hooks directory shared by many repositories) are left as they are.
 */
function relocate(manifest: HooksManifest, commonDir: string): HooksManifest {
  const from = writtenIn(manifest, commonDir);
  if (!from || from === commonDir) return { ...manifest, commonDir };
  const bases: Array<[string, string]> = [[from, commonDir]];
  if (path.basename(from) === '.git' && path.basename(commonDir) === '.git') bases.push([path.dirname(from), path.dirname(commonDir)]);
  const move = (file: string): string => {
    for (const [a, b] of bases) {
      const moved = moveInto(file, a, b);
      if (moved !== file) return moved;
    }
    return file;
  };
  return { ...manifest, commonDir, hooksDir: move(manifest.hooksDir), hooks: manifest.hooks.map((h) => ({ ...h, path: move(h.path) })) };
}

export async function writeManifest(guardDir: string, manifest: HooksManifest): Promise<void> {
  await fs.mkdir(guardDir, { recursive: true });
  const file = path.join(guardDir, MANIFEST_FILE);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify({ ...manifest, commonDir: path.dirname(path.resolve(guardDir)) }, null, 2)}\n`);
  await fs.rename(temp, file);
}

export async function removeManifest(guardDir: string): Promise<void> {
  await fs.rm(path.join(guardDir, MANIFEST_FILE), { force: true });
}
