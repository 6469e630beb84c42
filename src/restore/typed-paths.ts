/**
 * Paths people type (`guard restore`, `guard blame`) as the byte names git knows (GitPath).
 *
 * Node hands the command line over as UTF-8 text and turns every byte that is not UTF-8 into
 * U+FFFD, so `bad\377.log`, typed as `$'bad\377.log'` (what guard's suggested commands print),
 * arrives as "bad\uFFFD.log". Text without U+FFFD is the name's exact bytes; text with it is
 * matched against the names the repository has (their matchText, which decodes the same way),
 * so the file is found by its real bytes. Two names that differ only in such bytes cannot be
 * told apart from the command line: the caller refuses and says so.
 */
import path from 'node:path';
import { GuardError } from '../errors.js';
import { gitPath, matchText, type GitPath } from '../git/path.js';
import type { Repo } from '../git/repo.js';

const REPLACEMENT = '\uFFFD';

/** The path as typed (relative to cwd) relative to the worktree root, as text with '/'. */
export function typedRelative(repo: Repo, cwd: string, typed: string, what: string): string {
  const relative = path.relative(repo.root, path.resolve(cwd, typed)).split(path.sep).join('/');
  const unchanged = what === 'restore' ? '; nothing was changed' : '';
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new GuardError('user', `${typed} is outside this worktree (${repo.root})${unchanged}`);
  if (relative === '') throw new GuardError('user', `${what} takes files or directories, not the whole worktree${unchanged}`, { hints: ['For everything, use: guard rollback --session ID'] });
  return relative;
}

/** True when the text lost bytes on its way through the command line (see above). */
export function lostBytes(relative: string): boolean {
  return relative.includes(REPLACEMENT);
}

/**
 * The directory above the first component that lost bytes ('' for the top): git can be asked
 * for the names under it on its command line.
 */
export function exactParent(relative: string): string {
  const at = relative.indexOf(REPLACEMENT);
  if (at < 0) return relative;
  const slash = relative.lastIndexOf('/', at);
  return slash < 0 ? '' : relative.slice(0, slash);
}

/**
 * The names `relative` stands for among `names`: itself when it lost no bytes; else each distinct
 * name (or directory above names) whose text is `relative`, byte-exact.
 */
export function namesFor(relative: string, names: Iterable<GitPath>): GitPath[] {
  if (!lostBytes(relative)) return [gitPath(relative)];
  const depth = relative.split('/').length;
  const found = new Set<GitPath>();
  for (const name of names) {
    const parts = name.split('/');
    if (parts.length < depth) continue;
    const candidate = parts.slice(0, depth).join('/') as GitPath;
    if (matchText(candidate) === relative) found.add(candidate);
  }
  return [...found].sort();
}
