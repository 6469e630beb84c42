/**
 * What a rollback will change, computed before anything is touched: files to write, create and
 * delete; refs to move, create and delete; HEAD; the stash list. Pure data, shown to the person
 * (and in --json) before they confirm.
 */
import type { Repo } from '../git/repo.js';
import { runGit, splitNul } from '../git/run.js';
import type { HeadState, Snapshot, StashEntry } from '../snapshot/format.js';

export interface FileChange {
  path: string;
  action: 'write' | 'create' | 'delete';
}

export interface RefChange {
  ref: string;
  /** null: the ref does not exist now (it will be created). */
  from: string | null;
  /** null: the ref will be deleted (it lives on in the pre-rollback snapshot). */
  to: string | null;
}

export interface SkippedRef {
  ref: string;
  reason: string;
}

export interface RollbackPlan {
  target: string;
  files: FileChange[];
  indexChanges: boolean;
  refs: RefChange[];
  skippedRefs: SkippedRef[];
  head: { from: HeadState; to: HeadState } | null;
  stash: { from: StashEntry[]; to: StashEntry[] } | null;
}

export async function diffTrees(repo: Repo, from: string, to: string, pathspecs: string[] = []): Promise<FileChange[]> {
  if (from === to) return [];
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to, '--', ...pathspecs], { cwd: repo.root });
  const parts = splitNul(stdout);
  const changes: FileChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!;
    changes.push({ path: parts[i + 1]!, action: status === 'A' ? 'create' : status === 'D' ? 'delete' : 'write' });
  }
  return changes;
}

/** Branches checked out in other worktrees: moving them would pull the rug from under those. */
async function branchesOfOtherWorktrees(repo: Repo): Promise<Set<string>> {
  const { stdout } = await runGit(['worktree', 'list', '--porcelain', '-z'], { cwd: repo.root });
  const result = new Set<string>();
  let current: { path?: string; branch?: string } = {};
  const flush = (): void => {
    if (current.branch && current.path && current.path !== repo.root) result.add(current.branch);
    current = {};
  };
  for (const field of splitNul(stdout)) {
    if (field === '') flush();
    else if (field.startsWith('worktree ')) {
      flush();
      current.path = field.slice('worktree '.length);
    } else if (field.startsWith('branch ')) current.branch = field.slice('branch '.length);
  }
  flush();
  return result;
}

export async function planRefs(repo: Repo, now: Snapshot, target: Snapshot): Promise<Pick<RollbackPlan, 'refs' | 'skippedRefs' | 'head' | 'stash'>> {
  const others = await branchesOfOtherWorktrees(repo);
  const refs: RefChange[] = [];
  const skippedRefs: SkippedRef[] = [];
  const names = new Set([...Object.keys(now.refs), ...Object.keys(target.refs)]);
  for (const ref of [...names].sort()) {
    const from = now.refs[ref] ?? null;
    const to = target.refs[ref] ?? null;
    if (from === to) continue;
    if (others.has(ref)) {
      skippedRefs.push({ ref, reason: 'checked out in another worktree; roll back that worktree to move it' });
      continue;
    }
    refs.push({ ref, from, to });
  }
  const headChanged = now.head.symbolic !== target.head.symbolic || (target.head.symbolic === null && now.head.oid !== target.head.oid);
  const stashChanged = JSON.stringify(now.stash) !== JSON.stringify(target.stash);
  return {
    refs,
    skippedRefs,
    head: headChanged ? { from: now.head, to: target.head } : null,
    stash: stashChanged ? { from: now.stash, to: target.stash } : null,
  };
}
