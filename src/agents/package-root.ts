/**
 * Where the installed git-guard package lives. Agent hooks are written as commands that run
 * `<package root>/hooks/agent-hook.sh` by absolute path, resolved once at install time (a bare
 * `guard` on PATH may be missing or another version inside the agent's shell).
 */
import path from 'node:path';
import { packageRoot } from '../util/package-root.js';

export { packageRoot };

export function shimPath(): string {
  return path.join(packageRoot(), 'hooks', 'agent-hook.sh');
}

/** Quotes one word for POSIX sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
