/**
 * Installs guard's hook shims into a hooks directory as a good neighbour: a hook that is already
 * there (a user's script, husky's stub, lefthook's, pre-commit's, simple-git-hooks') is moved to
 * `<name>.guard-chained` with its bytes, mode and symlink-ness intact, and guard's shim runs it
 * (docs/hooks.md). The manifest records exactly what was there. Running it again changes nothing
 * unless something changed: a shim with other content is rewritten in place, and a hook that a
 * manager wrote over guard's shim is chained anew.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { detectManager, type HooksPathSetting } from './hooks-dir.js';
import { readManifest, writeManifest, type HookRecord, type HooksManifest, type PreviousHook } from './manifest.js';
import { CHAINED_SUFFIX, isShim, packageRoot, renderShim, sha256, type HookName } from './shim.js';

export interface InstallTarget {
  /** Where the manifest lives (`<commonDir>/guard`). */
  guardDir: string;
  hooksDir: string;
  inCommonDir: boolean;
  hooksPath: HooksPathSetting | null;
  hooks: readonly HookName[];
  pkg?: string;
  node?: string;
}

export type HookAction = 'installed' | 'chained' | 'updated' | 'unchanged' | 'rechained';

export interface HookChange {
  name: HookName;
  action: HookAction;
  path: string;
  /** The hook guard now runs first-or-after (chained), if any. */
  chained: PreviousHook | null;
  /** A stale chained copy that was kept aside instead of being overwritten. */
  keptAside?: string;
}

export interface InstallResult {
  manifest: HooksManifest;
  changes: HookChange[];
  /** false when nothing on disk changed. */
  changed: boolean;
}

async function lstatOrNull(file: string): Promise<import('node:fs').Stats | null> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Describes the hook at `file` (which must exist) for the manifest. */
export async function describeHook(file: string): Promise<PreviousHook> {
  const stat = await fs.lstat(file);
  if (stat.isSymbolicLink()) {
    const target = await fs.readlink(file);
    const content = await fs.readFile(file, 'utf8').catch(() => '');
    return { kind: 'symlink', sha256: sha256(target), mode: stat.mode & 0o7777, linkTarget: target, manager: detectManager(content) };
  }
  const bytes = await fs.readFile(file);
  return { kind: 'file', sha256: sha256(bytes), mode: stat.mode & 0o7777, manager: detectManager(bytes.toString('utf8')) };
}

/** Writes a file atomically (temp + rename): git never runs half a hook. */
export async function writeExecutable(file: string, content: string, mode = 0o755): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.guard-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(temp, content, { mode });
  await fs.chmod(temp, mode); // the umask must not drop the exec bits
  await fs.rename(temp, file);
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

async function installOne(target: InstallTarget, name: HookName, old: HookRecord | undefined): Promise<{ record: HookRecord; change: HookChange; changed: boolean }> {
  const file = path.join(target.hooksDir, name);
  const chainedFile = `${file}${CHAINED_SUFFIX}`;
  const shim = await renderShim(name, { pkg: target.pkg, node: target.node, inCommonDir: target.inCommonDir });
  const shimSha = sha256(shim);
  const existing = await lstatOrNull(file);
  const chainedStat = await lstatOrNull(chainedFile);
  // What guard chains to: recorded before, or found next to the hook (a lost manifest).
  let previous: PreviousHook | null = old?.previous ?? (chainedStat ? await describeHook(chainedFile) : null);

  if (existing && !existing.isSymbolicLink() && existing.isFile()) {
    const content = await fs.readFile(file, 'utf8');
    if (isShim(content)) {
      const same = content === shim && (existing.mode & 0o111) !== 0;
      if (!same) await writeExecutable(file, shim, existing.mode & 0o7777 || 0o755);
      const record = { name, path: file, shimSha256: shimSha, previous };
      return { record, changed: !same, change: { name, action: same ? 'unchanged' : 'updated', path: file, chained: previous } };
    }
  }

  let action: HookAction = 'installed';
  let keptAside: string | undefined;
  if (existing) {
    // Someone else's hook is in place. If guard chained one before (a manager has since written
    // over guard's shim), that older copy is kept aside, never overwritten.
    if (chainedStat) {
      action = 'rechained';
      const [stale, fresh] = await Promise.all([describeHook(chainedFile), describeHook(file)]);
      if (stale.sha256 === fresh.sha256 && stale.kind === fresh.kind) {
        // The manager wrote the same hook again: the old copy holds nothing the new one lacks.
        await fs.rm(chainedFile);
      } else {
        keptAside = `${file}.guard-replaced-${stamp()}`;
        await fs.rename(chainedFile, keptAside);
      }
    } else {
      action = 'chained';
    }
    previous = await describeHook(file);
    // rename keeps bytes, mode, owner and symlink-ness exactly.
    await fs.rename(file, chainedFile);
  }
  await writeExecutable(file, shim);
  const record = { name, path: file, shimSha256: shimSha, previous };
  return { record, changed: true, change: { name, action, path: file, chained: previous, ...(keptAside ? { keptAside } : {}) } };
}

export async function installShims(target: InstallTarget): Promise<InstallResult> {
  const oldManifest = await readManifest(target.guardDir);
  const dirExisted = (await lstatOrNull(target.hooksDir)) !== null;
  if (!dirExisted) await fs.mkdir(target.hooksDir, { recursive: true });
  const records: HookRecord[] = [];
  const changes: HookChange[] = [];
  let changed = !dirExisted;
  for (const name of target.hooks) {
    const old = oldManifest?.hooksDir === target.hooksDir ? oldManifest.hooks.find((h) => h.name === name) : undefined;
    const result = await installOne(target, name, old);
    records.push(result.record);
    changes.push(result.change);
    changed ||= result.changed;
  }
  const sameDir = oldManifest?.hooksDir === target.hooksDir;
  const manifest: HooksManifest = {
    version: 1,
    installedAt: sameDir && oldManifest ? oldManifest.installedAt : new Date().toISOString(),
    commonDir: path.dirname(path.resolve(target.guardDir)),
    hooksDir: target.hooksDir,
    hooksDirCreated: sameDir && oldManifest ? oldManifest.hooksDirCreated : !dirExisted,
    hooksPath: target.hooksPath,
    package: target.pkg ?? packageRoot(),
    node: target.node ?? process.execPath,
    // Hooks installed earlier into another directory stay listed until uninstall handles them.
    hooks: [...records, ...(oldManifest && !sameDir ? oldManifest.hooks.filter((h) => !records.some((r) => r.path === h.path)) : [])],
  };
  if (changed || JSON.stringify(manifest) !== JSON.stringify(oldManifest)) {
    await writeManifest(target.guardDir, manifest);
    changed = true;
  }
  return { manifest, changes, changed };
}
