/**
 * Where this git-guard installation lives: the directory whose package.json is named git-guard,
 * found by walking up from this module (the bundles in dist/ and the sources in src/ both sit
 * below it). Hooks, agent hooks and the watcher daemon are started from files in it by absolute
 * path, so a `guard` on PATH that is missing or another version does not matter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuardError } from '../errors.js';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'git-guard') {
        cached = dir;
        return dir;
      }
    } catch {
      // no package.json here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new GuardError('internal', 'cannot find the git-guard package root (package.json named git-guard)');
    dir = parent;
  }
}

/** The package's stamp file, relative to its root (scripts/build.mjs writes it). */
export const STAMP_FILE = 'dist/hooks.stamp';

/**
 * The stamp each per-clone copy of the package's sh bakes in (the agent hook launcher, src/agents/launcher.ts;
 * the git hook shims, src/githooks/install/shim.ts) and compares, at every run, to the first line of
 * <package>/dist/hooks.stamp (a hash of hooks/ and the fast path's word lists, written at build):
 * another line there means the package was upgraded or downgraded under the copy, which then
 * has Node refresh it (src/cli/commands/agent-hook.ts, `guard hook refresh-copies`). The file's first
 * line as sh's `read -r` takes it; `-` when the file is missing, which the copy
 * reads as `-` too (an install without one matches, so it does not send every call to Node); ''
 * (the copy's check off) for a line sh could not compare exactly (NUL, CR, another
 * character, too long).
 */
export function packageStamp(): string {
  let text: string;
  try {
    text = fs.readFileSync(path.join(packageRoot(), STAMP_FILE), 'latin1');
  } catch {
    return '-';
  }
  const line = text.split('\n')[0]!;
  return /^[0-9A-Za-z._+-]{1,64}$/.test(line) && line !== '-' ? line : '';
}
