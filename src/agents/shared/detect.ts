/**
 * Presence checks shared by the agents' detect(): a directory in the repository, a directory in
 * the user's home, a binary on PATH. Cheap, synchronous, never throws.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Detection } from '../types.js';

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

export function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

export interface DetectSpec {
  /** Paths relative to the worktree root (a directory or file the agent owns). */
  repoPaths: string[];
  /** Paths relative to the home directory. */
  homePaths: string[];
  binaries: string[];
}

export function detectBy(root: string, env: NodeJS.ProcessEnv, spec: DetectSpec): Detection {
  const evidence: string[] = [];
  for (const p of spec.repoPaths) if (fs.existsSync(path.join(root, p))) evidence.push(`${p} in the repository`);
  const home = homeDir(env);
  for (const p of spec.homePaths) if (fs.existsSync(path.join(home, p))) evidence.push(`~/${p}`);
  for (const b of spec.binaries) if (onPath(b, env)) evidence.push(`${b} on PATH`);
  return { detected: evidence.length > 0, evidence };
}
