/**
 * A clone in node_modules that an install would prune. `npm install` (any form: a named package,
 * --no-save, --ignore-scripts), `npm prune`, `uninstall`, `update` and `dedupe` remove every
 * package of node_modules that no dependency reaches, and yarn 1 does so whenever it links
 * (checked 2026-12-06 with npm 11.6 and yarn 1.22 offline: a `git init`ed node_modules/foo with a
 * local commit, named by no package.json, was gone, .git and all; pnpm 9's install, add and
 * --force left it in place). A dependency cloned into node_modules/foo and patched there, then
 * taken out of package.json, or a repository put there by hand, goes with its unpublished work.
 *
 * Cheap where nothing is at stake: the walk for a `.git` is nested-work.ts's (file system only),
 * and only where it finds one is the dependency tree read (package.json files, from the package's
 * own dependencies down, resolved as Node resolves them) and git asked about that repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MAX_CHECKED, nestedRepositories, unpublishedWork, type WalkRecord } from './nested-work.js';
import type { NestedWork } from '../policy/command/state.js';

/** Package directories the reachability read visits at most; past it, every clone found counts as pruned. */
const MAX_PACKAGES = 5000;

/** The dependency fields an installer installs for a package; devDependencies only for the root and linked (workspace) packages. */
const FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

/** The names a package.json at `dir` depends on; null where it cannot be read or parsed. */
function dependencyNames(dir: string, dev: boolean): { names: string[]; workspaces: boolean } | null {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const record = json as Record<string, unknown>;
  const names = new Set<string>();
  for (const field of dev ? [...FIELDS, 'devDependencies'] : FIELDS) {
    const deps = record[field];
    if (deps !== null && typeof deps === 'object' && !Array.isArray(deps)) for (const name of Object.keys(deps)) names.add(name);
  }
  return { names: [...names], workspaces: record.workspaces !== undefined };
}

/** Whether `abs` is a symbolic link (a workspace member or a `file:` dependency, as npm links them). */
function isLink(abs: string): boolean {
  try {
    return fs.lstatSync(abs, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return false;
  }
}

/** Where Node finds `name` from a package at `from` (absolute): the nearest `node_modules/name` at or above it, within `root`. */
function resolve(root: string, from: string, name: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(candidate)) return candidate;
    }
    if (dir === root || dir === path.dirname(dir)) break;
    // A linked package outside the root resolves from its own node_modules, then from the root's.
    if (!(dir + path.sep).startsWith(root + path.sep)) dir = path.join(root, 'x');
  }
  return null;
}

/**
 * The package directories (absolute) the installer keeps: those the root's dependencies reach,
 * through each reached package's own, resolved as Node does; with workspaces, every linked
 * top-level entry too (npm links the members into node_modules). Null past MAX_PACKAGES.
 */
function kept(root: string, drop: string[]): Set<string> | null {
  const reached = new Set<string>();
  const rootDeps = dependencyNames(root, true);
  if (!rootDeps) return null;
  const queue: { at: string; names: string[] }[] = [{ at: root, names: drop.includes('*') ? [] : rootDeps.names.filter((name) => !drop.includes(name)) }];
  if (rootDeps.workspaces) {
    const top = path.join(root, 'node_modules');
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(top, { withFileTypes: true });
    } catch {
      entries = [];
    }
    const links = entries.flatMap((entry) => {
      if (entry.isSymbolicLink()) return [entry.name];
      if (!entry.isDirectory() || !entry.name.startsWith('@')) return [];
      try {
        return fs.readdirSync(path.join(top, entry.name), { withFileTypes: true }).filter((e) => e.isSymbolicLink()).map((e) => `${entry.name}/${e.name}`);
      } catch {
        return [];
      }
    });
    queue.push({ at: root, names: links });
  }
  for (let i = 0; i < queue.length; i++) {
    const { at, names } = queue[i] as { at: string; names: string[] };
    for (const name of names) {
      const found = resolve(root, at, name);
      if (found === null || reached.has(found)) continue;
      if (reached.size >= MAX_PACKAGES) return null;
      reached.add(found);
      const linked = isLink(found);
      let real = found;
      if (linked) {
        try {
          real = fs.realpathSync(found);
        } catch {
          continue;
        }
      }
      const deps = dependencyNames(real, linked);
      if (deps) queue.push({ at: linked ? real : found, names: deps.names });
    }
  }
  return reached;
}

/**
 * The first repository in `root`'s node_modules (at nested-work.ts's places) that an install
 * prunes, no dependency reaching it once the root's `drop` (the packages uninstalled; '*' any of them) are gone, and that holds work no remote holds (unpublishedWork); null
 * where there is none. `root` is the package's directory; the path returned is relative to it.
 */
export function prunedCloneWork(root: string, drop: string[] = []): NestedWork | null {
  const found = nestedRepositories(root, ['node_modules']).found.filter((rel) => rel !== 'node_modules');
  if (found.length === 0) return null;
  const keep = kept(root, drop);
  const pruned = keep === null ? found : found.filter((rel) => !keep.has(path.join(root, rel)));
  for (const [i, rel] of pruned.entries()) {
    if (i >= MAX_CHECKED) return { path: rel, work: `work guard did not read: it is one of ${pruned.length} nested repositories the install prunes, and guard reads at most ${MAX_CHECKED}` };
    const work = unpublishedWork(root, rel);
    if (work) return { path: rel, work };
  }
  return null;
}

/**
 * The directories (absolute) the walk for a `.git` in `root`'s node_modules looked at, where it
 * found none and finished (no git process, no package.json read): the install prunes no clone
 * while none of them changes (prunedCloneWork's answer, null, for the same tree). Null where it
 * found one (git is asked: prunedCloneWork), ran out of budget, or met a name that is not ASCII.
 * For the agent hook's kept allow of `npm install` (src/agents/answer-cache.ts): a `.git` made in
 * a package's directory, or a package put where there was none, changes a directory listed here.
 */
export function installPruneWalk(root: string): string[] | null {
  const looked: WalkRecord = { dirs: new Set(), plain: true };
  const walk = nestedRepositories(root, ['node_modules'], looked);
  if (walk.found.length > 0 || !walk.complete || !looked.plain) return null;
  return [...looked.dirs];
}
