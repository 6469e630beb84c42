/**
 * The config files git reads by default for a repository: the repository's, the worktree's, the
 * global and the system one, as the environment names them (GIT_CONFIG_GLOBAL, XDG_CONFIG_HOME,
 * GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM). Files pulled in by `[include]` are not among them.
 */
import os from 'node:os';
import path from 'node:path';
import type { Repo } from './repo.js';

export function configFiles(repo: Pick<Repo, 'commonDir' | 'gitDir'>): string[] {
  const home = os.homedir();
  const files = [path.join(repo.commonDir, 'config'), path.join(repo.gitDir, 'config.worktree')];
  if (process.env.GIT_CONFIG_GLOBAL) files.push(process.env.GIT_CONFIG_GLOBAL);
  else files.push(path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'config'), path.join(home, '.gitconfig'));
  if (!process.env.GIT_CONFIG_NOSYSTEM) files.push(process.env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
  return files;
}
