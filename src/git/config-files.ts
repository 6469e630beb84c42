/**
 * The config files git reads by default for a repository: the repository's, the worktree's, the
 * global and the system one, as the environment names them (GIT_CONFIG_GLOBAL, XDG_CONFIG_HOME,
 * HOME, GIT_CONFIG_SYSTEM, GIT_CONFIG_NOSYSTEM). Files pulled in by `[include]` are not among them.
 *
 * The global ones under $HOME, as git finds them (not the password database's home directory:
 * and `node:os` stays off the agent hook's path, test session/agent-hook-builtins).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from './repo.js';

export function configFiles(repo: Pick<Repo, 'commonDir' | 'gitDir'>): string[] {
  const home = process.env.HOME;
  const files = [path.join(repo.commonDir, 'config'), path.join(repo.gitDir, 'config.worktree')];
  if (process.env.GIT_CONFIG_GLOBAL) files.push(process.env.GIT_CONFIG_GLOBAL);
  else {
    const xdg = process.env.XDG_CONFIG_HOME || (home ? path.join(home, '.config') : null);
    if (xdg) files.push(path.join(xdg, 'git', 'config'));
    if (home) files.push(path.join(home, '.gitconfig'));
  }
  if (!process.env.GIT_CONFIG_NOSYSTEM) files.push(process.env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
  return files;
}

/** Settings given on a command line above this process (`git -c key=value`, GIT_CONFIG_COUNT): only git can say what they set. */
export function configInEnvironment(): boolean {
  return Object.keys(process.env).some((key) => key === 'GIT_CONFIG_PARAMETERS' || key === 'GIT_CONFIG_COUNT');
}

/** Does a config file's text match (case-insensitive keys: give an /i pattern)? false for a file that is not there. */
export function configMentions(file: string, pattern: RegExp): boolean {
  try {
    return pattern.test(fs.readFileSync(file).toString('latin1'));
  } catch {
    return false;
  }
}

/**
 * The config files' lstat data, in order ('-' for one that is not there): an answer git gave is
 * kept while it is the same (git writes its config through a lock file renamed over it: a new
 * inode each time).
 */
export function configStamp(files: string[]): string {
  return files
    .map((file) => {
      try {
        const st = fs.statSync(file, { bigint: true });
        return `${st.size}:${st.mtimeNs}:${st.ino}`;
      } catch {
        return '-';
      }
    })
    .join(' ');
}

/**
 * The config files `files` pull in with `[include]` and `[includeIf …]` (`path = …`), followed
 * as git does for the paths (relative to the including file, `~/` under $HOME), every condition
 * taken as true: a superset of what git reads. null when a path cannot be told (a value with
 * quotes or escapes git would unfold, too deep a chain): ask git then.
 */
export function includedConfigFiles(files: string[]): string[] | null {
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (file: string, depth: number): boolean => {
    if (seen.has(file)) return true;
    seen.add(file);
    let text: string;
    try {
      text = fs.readFileSync(file).toString('latin1');
    } catch {
      return true; // not there: nothing pulled in
    }
    if (!/include/i.test(text)) return true;
    if (depth >= 10) return false;
    let inInclude = false;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      const section = /^\[([^\]]*)\]/.exec(line);
      if (section) {
        inInclude = /^include(if\b|\s*$)/i.test(section[1]!.trim());
        if (line.slice(section[0].length).trim() !== '' && !/^[#;]/.test(line.slice(section[0].length).trim())) return false;
        continue;
      }
      if (!inInclude) continue;
      const setting = /^path\s*=\s*(.*)$/i.exec(line);
      if (!setting) continue;
      const value = setting[1]!.replace(/\s+[#;].*$/, '').trim();
      if (value === '' || /["\\]/.test(value)) return false;
      const home = process.env.HOME;
      const target = value.startsWith('~/') ? (home ? path.join(home, value.slice(2)) : null) : path.resolve(path.dirname(file), value);
      if (target === null) return false;
      out.push(target);
      if (!visit(target, depth + 1)) return false;
    }
    return true;
  };
  for (const file of files) if (!visit(file, 0)) return null;
  return out;
}
