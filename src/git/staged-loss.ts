/**
 * Which index entries hold a staged version that is neither HEAD's nor the working tree's (after
 * `git add -p`, or an edit after `git add`): a command that sets the index entry to another
 * version or removes it (`git reset [-- <paths>]`, `git read-tree HEAD`, `git rm --cached`,
 * `git update-index --force-remove`, `git apply --cached`) leaves that blob unreachable, and only a
 * snapshot taken first brings it back. An entry equal to HEAD's is in a commit, one equal to the
 * working tree's is on disk: nothing of either is lost. Checked with real git 2.39.
 *
 * Two steps, so that what is not staged costs no look at the working tree: `git diff-index
 * --cached --name-only HEAD` over the command's pathspecs lists the staged entries (no stat of the
 * working tree; where HEAD is unborn it fails, and everything is looked at as below); only where
 * there are some, `git status --porcelain=v2 -z --untracked-files=no --ignore-submodules=all
 * --no-renames` over those entries alone gives, for each, X (HEAD against the index) and Y (the
 * index against the working tree, stat data refreshed in memory; GIT_OPTIONAL_LOCKS=0 leaves the
 * index file as it is): an entry with both set is such a version. An intent-to-add entry (`.A`)
 * holds nothing staged; an unmerged one (`u`) holds the merge's stages, which come from commits
 * and `git checkout -m` recreates; submodules stage a commit of their own repository.
 */
import { commandLinePathspecs, exactPathspecs, type GitPath } from './path.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';

/**
 * The entries (root-relative, git's bytes as latin1) under the pathspecs (relative to `cwd`;
 * none: every entry) whose staged version differs from both HEAD and the working tree (`gone`:
 * only those whose file is gone from the working tree); null where git cannot say. `fromHead`:
 * every entry whose staged version differs from HEAD's (`git apply --index`, which overwrites the
 * file too): the first step's answer alone, one process (where HEAD is unborn: null).
 */
export function stagedVersionsLost(repo: Repo, cwd: string, typed: readonly string[], gone = false, fromHead = false): string[] | null {
  const asked = commandLinePathspecs(repo.root, cwd, typed);
  if (!asked) return null;
  const staged = runGitSync(['diff-index', '--cached', '--name-only', '-z', '--no-renames', '--ignore-submodules=all', 'HEAD', '--', ...asked.pathspecs], { cwd, okCodes: [128] });
  let where = cwd;
  let pathspecs = asked.pathspecs;
  let names: Set<string> | null = null;
  if (fromHead) return staged.code === 0 ? splitNulBytes(staged.stdout).filter(asked.keep) : null;
  if (staged.code === 0) {
    names = new Set(splitNulBytes(staged.stdout).filter(asked.keep));
    if (names.size === 0) return [];
    // Those entries alone (root-relative), where they can go on the command line.
    if (names.size <= STAGED_NAMED) {
      where = repo.root;
      pathspecs = [...names].flatMap((n) => exactPathspecs(n as GitPath));
    }
  }
  const listed = runGitSync(['status', '--porcelain=v2', '-z', '--untracked-files=no', '--ignore-submodules=all', '--no-renames', '--', ...pathspecs], { cwd: where, okCodes: [128] });
  if (listed.code !== 0) return null;
  const found: string[] = [];
  for (const record of splitNulBytes(listed.stdout)) {
    // 1 XY sub mH mI mW hH hI path (no `2` records with --no-renames; `u` and `?` left aside).
    if (!record.startsWith('1 ')) continue;
    const x = record[2];
    const y = record[3];
    if (x === '.' || y === '.' || (gone && y !== 'D')) continue;
    const name = record.split(' ').slice(8).join(' ');
    if (names === null ? asked.keep(name) : names.has(name)) found.push(name);
  }
  return found;
}

/** How many staged entries the second step names one by one; past it, it looks at the command's own pathspecs. */
const STAGED_NAMED = 1000;
