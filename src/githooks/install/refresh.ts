/**
 * After an upgrade of this install (`npm install -g git-guard@newer`: the same package root, new
 * files), each clone's hook shims still hold the old hooks/lib.sh and hooks/<name>.sh, run against
 * the new Node code. A shim is rewritten with this version's text only when it is guard's own,
 * unmodified copy for this package root: the manifest names this package root, and the file's
 * bytes still hash to what `guard init` recorded. A shim someone edited, a file a hook manager
 * wrote over it, and the chained hooks (`<name>.guard-chained`) are never touched; an edited shim
 * is reported back so the caller can say so. The manifest follows the new hashes, so `guard
 * status` keeps telling guard's copies from edited ones.
 *
 * File reads only, no git process: the hooks directory is the manifest's (where guard installed);
 * a changed core.hooksPath is `guard status`'s to report and `guard init`'s to follow.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../../git/repo.js';
import { writeExecutable } from './install.js';
import { readManifest, writeManifest, type HookRecord } from './manifest.js';
import { isShim, packageRoot, renderShim, sha256, type HookName } from './shim.js';

export interface ShimRefresh {
  /** Shims rewritten with this version's text. */
  refreshed: HookName[];
  /** Stale shims left as they are: edited after `guard init`. */
  edited: HookName[];
}

export async function refreshShims(repo: Repo): Promise<ShimRefresh> {
  const result: ShimRefresh = { refreshed: [], edited: [] };
  const guardDir = guardCommonPath(repo);
  const manifest = await readManifest(guardDir);
  // Another install's shims (another package root) are that install's to update.
  if (!manifest || path.resolve(manifest.package) !== packageRoot()) return result;
  const hooksDir = path.resolve(manifest.hooksDir);
  // As hooksLocation decides it at install (without asking git again): the shims in
  // <commonDir>/hooks find the common dir from $0.
  const inCommonDir = hooksDir === path.resolve(repo.commonDir, 'hooks');
  const hooks: HookRecord[] = [];
  for (const record of manifest.hooks) {
    hooks.push(record);
    // Hooks installed earlier into another directory stay as they are, until `guard init` or uninstall.
    if (path.dirname(path.resolve(record.path)) !== hooksDir) continue;
    let content: string;
    let mode: number;
    try {
      const stat = await fs.lstat(record.path);
      if (!stat.isFile()) continue;
      mode = stat.mode & 0o7777;
      content = await fs.readFile(record.path, 'utf8');
    } catch {
      continue;
    }
    const fresh = await renderShim(record.name, { pkg: manifest.package, node: manifest.node, inCommonDir });
    if (content === fresh) continue;
    if (!isShim(content)) continue; // replaced by someone else's hook: status reports it
    if (sha256(content) !== record.shimSha256) {
      result.edited.push(record.name);
      continue;
    }
    await writeExecutable(record.path, fresh, mode & 0o111 ? mode : 0o755);
    hooks[hooks.length - 1] = { ...record, shimSha256: sha256(fresh) };
    result.refreshed.push(record.name);
  }
  if (result.refreshed.length > 0) await writeManifest(guardDir, { ...manifest, hooks });
  return result;
}
