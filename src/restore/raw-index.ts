/**
 * After a conflicted index went back as the raw bytes a snapshot kept (`rawIndex`): its entries'
 * stat data is the snapshot's, of files since rewritten (or, after a recover, of another copy of
 * the repository), so git takes every file for "not up to date". `git sparse-checkout reapply`
 * then leaves the files outside the view on disk without their skip-worktree bit (found on a
 * linked worktree of pallets/flask, 2026-12-07: removed with `git worktree remove --force`, added
 * again, rolled back to its snapshot of a conflicted sparse checkout: 201 files that the snapshot
 * had off the disk stayed), and the first `git status` re-reads every file. One `update-index
 * --refresh` gives the entries whose file holds their blob fresh stat data; it changes no entry's
 * content, and exits 1 for the unmerged ones ("needs merge"), which stay as they are.
 */
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { sparseOn, type SparseState } from '../snapshot/sparse-state.js';

export async function refreshRawIndex(repo: Repo, goal: SparseState | undefined): Promise<void> {
  // A sparse goal: as a sparse checkout, git first clears the skip-worktree bit of the entries whose
  // file is on disk (a skip-worktree entry's stat data is never refreshed), as every git command
  // there does; the config may not say sparse yet (sparse-restore.ts writes it after reapplying).
  const sparse = sparseOn(goal) ? ['-c', 'core.sparseCheckout=true'] : [];
  await runGit([...sparse, 'update-index', '-q', '--refresh'], { cwd: repo.root, okCodes: [1] });
}
