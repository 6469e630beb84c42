/**
 * core.ignoreCase: git sets it at `git init`/`git clone` where the file system folds case (macOS's
 * default APFS and HFS+, a FAT or exFAT volume). There a command that names `.ENV` reaches the
 * file `.env`: the command guard then looks up the name the directory holds (path-facts.ts,
 * spelledOnDisk).
 *
 * Asked without a git process where no config file git reads by default, and nothing in the
 * environment, mentions `ignorecase` or an `include`: the setting is then false (its default), and
 * that is the common case on Linux. Otherwise one `git config --type=bool --get core.ignoreCase`,
 * git reading its own format (includes, the last value winning). A value git cannot read makes
 * every git command die, but not the agent's `rm`: it counts as true, which only makes guard look
 * at more names.
 *
 * On macOS `git init` writes `ignorecase = true` into every repository's config, so that process
 * would run for every agent tool call that names a path (each Edit and Write). git's answer is kept
 * in `<gitDir>/guard/ignore-case.json` with the lstat data (size, mtime, inode) of the files it was
 * read from; while they are the same, no process (git writes its config through a lock file
 * renamed over it: a new inode each time). Settings in the environment, and config files with an
 * `include` (the included file's changes would not show in the stamp), are asked every time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configFiles } from './config-files.js';
import type { Repo } from './repo.js';
import { runGitSync } from './run.js';

/** A config file's bytes mention the key or an include (either may set it); case-insensitive, as git's keys are. */
const MENTION = /ignorecase|include/i;

function mentioned(file: string): boolean {
  try {
    return MENTION.test(fs.readFileSync(file).toString('latin1'));
  } catch {
    return false;
  }
}

function includes(file: string): boolean {
  try {
    return /include/i.test(fs.readFileSync(file).toString('latin1'));
  } catch {
    return false;
  }
}

/** Settings given on a command line above this process (`git -c core.ignoreCase=true`, GIT_CONFIG_COUNT). */
function setInEnvironment(): boolean {
  return Object.keys(process.env).some((key) => key === 'GIT_CONFIG_PARAMETERS' || key === 'GIT_CONFIG_COUNT');
}

/** The config files' lstat data, in order ('-' for one that is not there). */
function stampOf(files: string[]): string {
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

function cacheFile(repo: Pick<Repo, 'gitDir'>): string {
  return path.join(repo.gitDir, 'guard', 'ignore-case.json');
}

function cached(repo: Pick<Repo, 'gitDir'>, stamp: string): boolean | null {
  try {
    const record = JSON.parse(fs.readFileSync(cacheFile(repo), 'utf8')) as { stamp?: unknown; ignoreCase?: unknown };
    return record.stamp === stamp && typeof record.ignoreCase === 'boolean' ? record.ignoreCase : null;
  } catch {
    return null;
  }
}

function remember(repo: Pick<Repo, 'gitDir'>, stamp: string, ignoreCase: boolean): void {
  const file = cacheFile(repo);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify({ stamp, ignoreCase })}\n`);
    fs.renameSync(temp, file);
  } catch {
    // No guard directory (not set up here) or not writable: asked again next time.
    fs.rmSync(temp, { force: true });
  }
}

function askGit(repo: Pick<Repo, 'root'>): boolean {
  const read = runGitSync(['config', '--type=bool', '--get', 'core.ignorecase'], { cwd: repo.root, okCodes: [1, 128] });
  return read.code === 128 || (read.code === 0 && read.stdout.toString('utf8').trim() === 'true');
}

export function ignoresCase(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>): boolean {
  if (setInEnvironment()) return askGit(repo);
  const files = configFiles(repo);
  if (!files.some(mentioned)) return false;
  if (files.some(includes)) return askGit(repo);
  const stamp = stampOf(files);
  const known = cached(repo, stamp);
  if (known !== null) return known;
  const answer = askGit(repo);
  remember(repo, stamp, answer);
  return answer;
}
