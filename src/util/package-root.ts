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
