/**
 * Which index entries hold a staged version that is neither HEAD's nor the working tree's (after
 * `git add -p`, or an edit after `git add`): a command that sets the index entry to another
 * version or removes it (`git reset [-- <paths>]`, `git read-tree HEAD`, `git rm --cached`,
 * `git update-index --force-remove`, `git apply --cached`) leaves that blob unreachable, and only a
 * snapshot taken first brings it back. An entry equal to HEAD's is in a commit, one equal to the
 * working tree's is on disk: nothing of either is lost. Checked with real git 2.39.
 *
 * One `git status --porcelain=v2 -z --untracked-files=no --ignore-submodules=all --no-renames`
 * over the command's pathspecs: for each changed entry, X (HEAD against the index) and Y (the
 * index against the working tree, stat data refreshed in memory, GIT_OPTIONAL_LOCKS=0 so the
 * index is not rewritten); an entry with both set is such a version. An intent-to-add entry
 * (`.A`) holds nothing staged; an unmerged one (`u`) holds the merge's stages, which come from
 * commits and `git checkout -m` recreates; submodules stage a commit of their own repository.
 */
import { commandLinePathspecs } from './path.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';

/**
 * The entries (root-relative, git's bytes as latin1) under the pathspecs (relative to `cwd`;
 * none: every entry) whose staged version differs from both HEAD and the working tree (`gone`:
 * only those whose file is gone from the working tree); null where git cannot say.
 */
export function stagedVersionsLost(repo: Repo, cwd: string, typed: readonly string[], gone = false): string[] | null {
  const asked = commandLinePathspecs(repo.root, cwd, typed);
  if (!asked) return null;
  const listed = runGitSync(['status', '--porcelain=v2', '-z', '--untracked-files=no', '--ignore-submodules=all', '--no-renames', '--', ...asked.pathspecs], { cwd, okCodes: [128] });
  if (listed.code !== 0) return null;
  const found: string[] = [];
  for (const record of splitNulBytes(listed.stdout)) {
    // 1 XY sub mH mI mW hH hI path (no `2` records with --no-renames; `u` and `?` left aside).
    if (!record.startsWith('1 ')) continue;
    const x = record[2];
    const y = record[3];
    if (x === '.' || y === '.' || (gone && y !== 'D')) continue;
    const parts = record.split(' ');
    found.push(parts.slice(8).join(' '));
  }
  return found.filter(asked.keep);
}
