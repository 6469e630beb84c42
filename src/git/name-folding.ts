/**
 * How the file system folds names, as git found out when it made the repository:
 * - core.ignoreCase: git sets it at `git init`/`git clone` where the file system folds case
 *   (macOS's default APFS and HFS+, a FAT or exFAT volume). There a command that names `.ENV`
 *   reaches the file `.env`.
 * - core.precomposeUnicode: git sets it at `git init` where a name written in one Unicode
 *   normalization is found under the other (its probe: create "\u00e4", look up "a\u0308"): APFS,
 *   case-sensitive APFS included, and HFS+. There `rm café` typed precomposed (NFC) deletes the
 *   `café` a zip or an HFS+ volume left decomposed (NFD).
 * The command guard then looks up the name the directory holds (path-facts.ts, spelledOnDisk).
 *
 * Asked without a git process where no config file git reads by default, and nothing in the
 * environment, mentions `ignorecase`, `precomposeunicode` or an `include`: both are then false
 * (their default on Linux), the common case there. Otherwise one `git config --type=bool
 * --get-regexp` of both keys, git reading its own format (includes, the last value winning). A
 * value git cannot read makes every git command die, but not the agent's `rm`: both count as
 * true, which only makes guard look at more names.
 *
 * On macOS `git init` writes `ignorecase = true` and `precomposeunicode = true` into every
 * repository's config, so that process would run for every agent tool call that names a path
 * (each Edit and Write). git's answer is kept in `<gitDir>/guard/name-folding.json` with the lstat
 * data (size, mtime, inode) of the files it was read from; while they are the same, no process (git writes its config through a lock file
 * renamed over it: a new inode each time). Settings in the environment, and config files with an
 * `include` (the included file's changes would not show in the stamp), are asked every time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configFiles, configInEnvironment, configMentions, configStamp } from './config-files.js';
import type { Repo } from './repo.js';
import { runGitSync } from './run.js';

/** A config file's bytes mention a key or an include (either may set it); case-insensitive, as git's keys are. */
const MENTION = /ignorecase|precomposeunicode|include/i;

/** What the file system treats as the same name. */
export interface NameFolding {
  /** Names that differ only in case are one (core.ignoreCase). */
  case: boolean;
  /** Names that differ only in Unicode normalization are one (core.precomposeUnicode). */
  unicode: boolean;
}

const NONE: NameFolding = { case: false, unicode: false };

function mentioned(file: string): boolean {
  return configMentions(file, MENTION);
}

/** Does the file system fold anything at all (a readdir per part of each path a command names)? */
export function foldsNames(folding: NameFolding): boolean {
  return folding.case || folding.unicode;
}

function includes(file: string): boolean {
  return configMentions(file, /include/i);
}

function cacheFile(repo: Pick<Repo, 'gitDir'>): string {
  return path.join(repo.gitDir, 'guard', 'name-folding.json');
}

function cached(repo: Pick<Repo, 'gitDir'>, stamp: string): NameFolding | null {
  try {
    const record = JSON.parse(fs.readFileSync(cacheFile(repo), 'utf8')) as { stamp?: unknown; case?: unknown; unicode?: unknown };
    return record.stamp === stamp && typeof record.case === 'boolean' && typeof record.unicode === 'boolean' ? { case: record.case, unicode: record.unicode } : null;
  } catch {
    return null;
  }
}

function remember(repo: Pick<Repo, 'gitDir'>, stamp: string, folding: NameFolding): void {
  const file = cacheFile(repo);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify({ stamp, ...folding })}\n`);
    fs.renameSync(temp, file);
  } catch {
    // No guard directory (not set up here) or not writable: asked again next time.
    fs.rmSync(temp, { force: true });
  }
}

function askGit(repo: Pick<Repo, 'root'>): NameFolding {
  const read = runGitSync(['config', '--type=bool', '--get-regexp', '^core\\.(ignorecase|precomposeunicode)$'], { cwd: repo.root, okCodes: [1, 128] });
  if (read.code === 128) return { case: true, unicode: true };
  const folding = { ...NONE };
  // `core.ignorecase true`, one line per value in the order git reads them: the last one wins.
  for (const line of read.stdout.toString('utf8').split('\n')) {
    const [key, value] = line.split(' ');
    if (key === 'core.ignorecase') folding.case = value === 'true';
    else if (key === 'core.precomposeunicode') folding.unicode = value === 'true';
  }
  return folding;
}

export function nameFolding(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>): NameFolding {
  if (configInEnvironment()) return askGit(repo);
  const files = configFiles(repo);
  if (!files.some(mentioned)) return NONE;
  if (files.some(includes)) return askGit(repo);
  const stamp = configStamp(files);
  const known = cached(repo, stamp);
  if (known !== null) return known;
  const answer = askGit(repo);
  remember(repo, stamp, answer);
  return answer;
}
