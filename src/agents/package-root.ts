/**
 * Where the installed git-guard package lives. Agent hooks are written as commands that run
 * `<package root>/hooks/agent-hook.sh` by absolute path, resolved once at install time (a bare
 * `guard` on PATH may be missing or another version inside the agent's shell).
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

export function shimPath(): string {
  return path.join(packageRoot(), 'hooks', 'agent-hook.sh');
}

/** Quotes one word for POSIX sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
