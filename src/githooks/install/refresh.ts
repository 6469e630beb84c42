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
 * The shim copies a hook manager's guard entry runs (`<commonDir>/guard/managed-hooks/<hook>`,
 * src/githooks/managers/apply.ts) are guard's private files, like the launcher: rewritten when
 * their GUARD_PKG line names this package root, with the node they name.
 *
 * File reads only, no git process: the hooks directory is the manifest's (where guard installed);
 * a changed core.hooksPath is `guard status`'s to report and `guard init`'s to follow.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { shQuote } from '../../config/policy-sh.js';
import { guardCommonPath, type Repo } from '../../git/repo.js';
import { MANAGED_HOOKS, MANAGED_SHIMS_DIR } from '../managers/entry.js';
import { writeExecutable } from './install.js';
import { readManifest, writeManifest, type HookRecord } from './manifest.js';
import { isShim, packageRoot, renderShim, sha256, type HookName } from './shim.js';

export interface ShimRefresh {
  /** Shims rewritten with this version's text. */
  refreshed: HookName[];
  /** Stale shims left as they are: edited after `guard init`. */
  edited: HookName[];
  /** Shim copies a hook manager's guard entry runs, rewritten (`managed-hooks/<hook>`). */
  managed: HookName[];
}

/** The value of a `NAME='...'` line of a shim's header, as shQuote wrote it; null when absent or not so quoted. */
function headerValue(content: string, name: string): string | null {
  const line = content.split('\n', 12).find((l) => l.startsWith(`${name}=`));
  const quoted = line?.slice(name.length + 1);
  if (!quoted || !/^'(?:[^']|'\\'')*'$/.test(quoted)) return null;
  return quoted.slice(1, -1).split(`'\\''`).join("'");
}

async function refreshManaged(repo: Repo): Promise<HookName[]> {
  const refreshed: HookName[] = [];
  for (const hook of MANAGED_HOOKS) {
    const file = guardCommonPath(repo, MANAGED_SHIMS_DIR, hook);
    let content: string;
    try {
      content = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    if (!isShim(content) || headerValue(content, 'GUARD_PKG') !== packageRoot()) continue;
    const node = headerValue(content, 'GUARD_NODE');
    if (node === null) continue;
    const fresh = await renderShim(hook, { node, inCommonDir: false });
    if (content === fresh || !fresh.includes(`\nGUARD_NODE=${shQuote(node)}\n`)) continue;
    await writeExecutable(file, fresh);
    refreshed.push(hook);
  }
  return refreshed;
}

export async function refreshShims(repo: Repo): Promise<ShimRefresh> {
  const result: ShimRefresh = { refreshed: [], edited: [], managed: await refreshManaged(repo) };
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
