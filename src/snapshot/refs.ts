/**
 * The hidden-ref layout. This file owns every ref name guard writes; nothing else spells
 * `refs/guard/`.
 *
 *   refs/guard/main/head               newest snapshot of the main worktree
 *   refs/guard/worktrees/<name>/head   newest snapshot of a linked worktree (<name> as in .git/worktrees)
 *   refs/guard/keep/head               tips left behind by ref moves, kept reachable (KEEP_REF)
 *
 * One ref per worktree, never one per snapshot: the history is the first-parent chain of snapshot
 * commits (an operation log, like jj's), which ends at a fixed, empty "chain root" commit so that
 * walking it never wanders into the user's history. Refs under refs/ are shared by all worktrees,
 * so each worktree's chain is visible (and restorable) from every other one.
 *
 * Why refs/guard and not refs/worktree: refs/guard is kept by `git gc` like any ref, is not fetched
 * by a plain clone, and can be mirrored to the backup store; pre-push keeps it off other remotes.
 */
import type { Repo } from '../git/repo.js';
import path from 'node:path';

export const GUARD_REF_PREFIX = 'refs/guard/';

/** A stable, ref-safe name for this worktree's chain. */
export function worktreeId(repo: Repo): string {
  if (!repo.isLinkedWorktree) return 'main';
  return `worktrees/${refSafe(path.basename(repo.gitDir))}`;
}

export function headRef(repo: Repo): string {
  return `${GUARD_REF_PREFIX}${worktreeId(repo)}/head`;
}

/**
 * The keep chain (owned by src/githooks/keep.ts): one ref for the whole repository whose commits
 * have an empty tree and, as parents, the previous keep commit plus tips that a ref move left
 * behind (the old tip of a protected branch moved non-fast-forward or deleted with approval; the
 * remote tip a push overwrote). It keeps them reachable, so gc never prunes them, without one ref
 * per tip. Not a snapshot chain: `ALL_CHAIN_HEADS` does not match it.
 */
export const KEEP_REF = `${GUARD_REF_PREFIX}keep/head`;

/**
 * The keep chain's head as this process last saw it (the snapshot's for-each-ref lists KEEP_REF
 * with the branches and tags, repo-state.ts; a keep or a gc of this process writes it): null when
 * there was no chain. `guard rollback` asks the chain for pruned remote-tracking refs only when
 * one was there (keep.ts prunedRemotesSince): no `cat-file --batch` in a repository without one.
 */
const keepHeads = new Map<string, string | null>();

export function noteKeepHead(repo: Repo, oid: string | null): void {
  keepHeads.set(repo.commonDir, oid);
}

/** undefined: not seen in this process. */
export function seenKeepHead(repo: Repo): string | null | undefined {
  return keepHeads.get(repo.commonDir);
}

/** Pattern for `git for-each-ref` listing every chain head of every worktree. */
export const ALL_CHAIN_HEADS = [`${GUARD_REF_PREFIX}main/head`, `${GUARD_REF_PREFIX}worktrees/*/head`];

/** Percent-encodes what git forbids in a ref component (check-ref-format rules). */
function refSafe(name: string): string {
  const encoded = name.replace(/[\x00-\x20\x7f~^:?*[\\%]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return encoded.replace(/\.\.|@\{|^\.|\.lock$|\.$/g, (m) => m.split('').map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')) || '%00';
}
