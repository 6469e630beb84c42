/**
 * core.fileMode and core.symlinks: how git turns a file's lstat into a mode (tree-edit.ts). Both
 * are true on Linux and macOS unless a repository says otherwise (`git init` writes
 * core.filemode into the repository's config after probing the file system).
 *
 * Asking `git config` costs a process start per snapshot, which is a large part of a watcher
 * snapshot, so the answer is kept (in this process and in the scan memo) together with the stat
 * data of every config file git reads by default: the repository's, the worktree's, the global
 * and the system one. Any of them changing means asking again. Files pulled in by `[include]`
 * are not followed: a mode rule that only such a file sets is picked up when one of the others
 * changes, or at the next full `guard snapshot` after 24 hours.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit, splitNulBytes } from '../git/run.js';
import type { ModeRules } from './tree-edit.js';

export interface KnownModeRules {
  /** Stat data of the config files when `rules` were read. */
  stamp: string;
  /** When they were read (ms since the epoch). */
  at: number;
  rules: ModeRules;
}

const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const inProcess = new Map<string, KnownModeRules>();

function configFiles(repo: Repo): string[] {
  const home = os.homedir();
  const files = [path.join(repo.commonDir, 'config'), path.join(repo.gitDir, 'config.worktree')];
  if (process.env.GIT_CONFIG_GLOBAL) files.push(process.env.GIT_CONFIG_GLOBAL);
  else files.push(path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'config'), path.join(home, '.gitconfig'));
  if (!process.env.GIT_CONFIG_NOSYSTEM) files.push(process.env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
  return files;
}

async function configStamp(repo: Repo): Promise<string> {
  const stats = await Promise.all(
    configFiles(repo).map(async (file) => {
      try {
        const st = await fs.stat(file);
        return `${file}:${st.size}:${st.mtimeMs}:${st.ino}`;
      } catch {
        return `${file}:-`;
      }
    }),
  );
  return stats.join('|');
}

async function askGit(repo: Repo): Promise<ModeRules> {
  const result = await runGit(['config', '-z', '--type=bool', '--get-regexp', '^core\\.(filemode|symlinks)$'], { cwd: repo.root, okCodes: [1] });
  const rules: ModeRules = { trustExecutableBit: true, hasSymlinks: true };
  for (const record of splitNulBytes(result.stdout)) {
    const [key, value] = record.split('\n');
    if (key === 'core.filemode') rules.trustExecutableBit = value === 'true';
    if (key === 'core.symlinks') rules.hasSymlinks = value === 'true';
  }
  return rules;
}

/** The rules, from what this process or the scan memo (`known`) already knows when still valid. */
export async function readModeRules(repo: Repo, known: KnownModeRules | null | undefined): Promise<KnownModeRules> {
  const stamp = await configStamp(repo);
  const fresh = (k: KnownModeRules | null | undefined): k is KnownModeRules => !!k && k.stamp === stamp && Date.now() - k.at < MAX_AGE_MS;
  const mine = inProcess.get(repo.gitDir);
  if (fresh(mine)) return mine;
  if (fresh(known)) {
    inProcess.set(repo.gitDir, known);
    return known;
  }
  const read: KnownModeRules = { stamp, at: Date.now(), rules: await askGit(repo) };
  inProcess.set(repo.gitDir, read);
  return read;
}
