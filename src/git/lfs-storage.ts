/**
 * Where git-lfs keeps this repository's objects: `<commonDir>/lfs`, or where `lfs.storage` says
 * (git-lfs-config(5): a path relative to the git directory, or absolute; objects under
 * `<storage>/objects/<aa>/<bb>/<oid>`). git-lfs reads it from git's config files only, never
 * from `.lfsconfig`.
 *
 * Asked without a git process where no config file git reads by default, nor one they include
 * (followed here, every condition taken as true), mentions `storage`, and nothing in the
 * environment sets config: the default then, the common case (a global config that includes
 * another pays no process either). Otherwise one `git config --type=path --get lfs.storage`, git
 * reading its own format; the answer is kept in `<gitDir>/guard/lfs-storage.json` with the lstat
 * data of those files, so a repository that sets it pays that process once per change of its
 * config, not once per push or rollback (as name-folding.ts keeps core.ignoreCase). Settings in
 * the environment, and an include path this cannot tell, are asked every time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { configFiles, configInEnvironment, configMentions, configStamp, includedConfigFiles } from './config-files.js';
import type { Repo } from './repo.js';
import { runGitSync } from './run.js';

function cacheFile(repo: Pick<Repo, 'gitDir'>): string {
  return path.join(repo.gitDir, 'guard', 'lfs-storage.json');
}

function cached(repo: Pick<Repo, 'gitDir'>, stamp: string): string | null | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(cacheFile(repo), 'utf8')) as { stamp?: unknown; storage?: unknown };
    if (record.stamp !== stamp) return undefined;
    return typeof record.storage === 'string' || record.storage === null ? record.storage : undefined;
  } catch {
    return undefined;
  }
}

function remember(repo: Pick<Repo, 'gitDir'>, stamp: string, storage: string | null): void {
  const file = cacheFile(repo);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify({ stamp, storage })}\n`);
    fs.renameSync(temp, file);
  } catch {
    // No guard directory (not set up here, a repository recover is making) or not writable.
    fs.rmSync(temp, { force: true });
  }
}

/** `lfs.storage` as git reads it (null when unset). */
function askGit(repo: Pick<Repo, 'root'>): string | null {
  const read = runGitSync(['config', '--type=path', '--get', 'lfs.storage'], { cwd: repo.root, okCodes: [1] });
  const value = read.stdout.toString('utf8').replace(/\n$/, '');
  return read.code === 0 && value !== '' ? value : null;
}

function storageSetting(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>): string | null {
  if (configInEnvironment()) return askGit(repo);
  const own = configFiles(repo);
  // The files an include pulls in count too (every condition taken as true); a path that
  // cannot be told sends the question to git every time.
  const included = includedConfigFiles(own);
  if (included === null) return askGit(repo);
  const files = [...own, ...included];
  if (!files.some((file) => configMentions(file, /storage/i))) return null;
  const stamp = configStamp(files);
  const known = cached(repo, stamp);
  if (known !== undefined) return known;
  const answer = askGit(repo);
  remember(repo, stamp, answer);
  return answer;
}

/** git-lfs's directory for this repository (its objects are under `objects/`). */
export function lfsDir(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>): string {
  const storage = storageSetting(repo);
  return storage === null ? path.join(repo.commonDir, 'lfs') : path.resolve(repo.commonDir, storage);
}
