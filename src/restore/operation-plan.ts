/**
 * What a rollback (or recover) does about git's operation in progress: a snapshot taken during a
 * merge, cherry-pick, revert, rebase or `git am` records git's files of it
 * (snapshot/operation-state.ts, and the directories rebase-merge/, rebase-apply/ and sequencer/:
 * snapshot/operation-dirs.ts; a bisect's BISECT_* files: snapshot/bisect-files.ts), which come
 * back with the files, the index and the refs; a directory too large to record is not, nor
 * anything in a snapshot of an older guard: the plan says so plainly, with what the person can do. Pure data, shown
 * before confirming and in --json.
 */
import type { Operation, OperationState, Snapshot } from '../snapshot/format.js';
import { NEVER_REMOVED, operationFiles, RECORDED_OPERATIONS, sameOperationState } from '../snapshot/operation-state.js';

export interface OperationPlan {
  /** The operation in progress now (only one a rollback wrote back) and in the target. */
  from: Operation | null;
  to: Operation | null;
  /** git's files of the operation written back (`to`), e.g. MERGE_HEAD, MERGE_MSG, MERGE_MODE, rebase-merge/. */
  write: string[];
  /** git's files of the operation now that go (kept in the pre-rollback snapshot). */
  remove: string[];
  /** false when the target was taken during an operation whose state is not restored. */
  restored: boolean;
  /** What the person is told, one line each. */
  notes: string[];
}

const ABORT: Partial<Record<Operation, string>> = { merge: 'git merge --abort', 'cherry-pick': 'git cherry-pick --abort', revert: 'git revert --abort', rebase: 'git rebase --abort', am: 'git am --abort', bisect: 'git bisect reset' };
const FINISH: Partial<Record<Operation, string>> = {
  merge: 'resolve the conflicts, `git add` them and `git commit` to make the merge commit',
  'cherry-pick': 'resolve the conflicts, `git add` them and `git cherry-pick --continue`',
  revert: 'resolve the conflicts, `git add` them and `git revert --continue`',
  rebase: 'resolve any conflicts, `git add` them and `git rebase --continue`',
  am: 'resolve any conflicts, `git add` them and `git am --continue`',
  bisect: 'go on marking commits with `git bisect good` / `git bisect bad` (`git bisect log` shows the steps so far)',
};

/** The directory that holds all of an operation's state: without it nothing of that operation comes back. */
const STATE_DIR: Partial<Record<Operation, 'rebase-apply' | 'bisect'>> = { am: 'rebase-apply', bisect: 'bisect' };

/** What the person can do after getting the files of a snapshot taken mid-operation without the operation. */
const NOT_RESTORED: Record<string, string> = {
  rebase: 'git\'s rebase state (.git/rebase-merge or rebase-apply: the commits left to replay) is not restored (a snapshot of an older guard, or a directory guard could not record whole: over 10,000 files or 16 MiB, or not only plain files); to redo the rebase, commit or stash the files and run `git rebase` again',
  am: 'git\'s `git am` state (.git/rebase-apply: the patches left to apply) is not restored (a snapshot of an older guard, or a directory guard could not record whole: over 10,000 files or 16 MiB, or not only plain files); to go on, commit or stash the files and run `git am` again with the remaining patches',
  bisect: 'git\'s bisect state (BISECT_LOG and the other BISECT_* files) is not restored (a snapshot of an older guard, or files guard could not record whole); start it again with `git bisect start <bad> <good>` (or replay a saved log with `git bisect replay <file>`)',
  merge: 'this snapshot was written by an older guard that did not record git\'s merge state (MERGE_HEAD): `git commit` would make an ordinary commit; to make the merge, run `git merge` again',
  'cherry-pick': 'this snapshot was written by an older guard that did not record CHERRY_PICK_HEAD: run `git cherry-pick` again to pick the commit',
  revert: 'this snapshot was written by an older guard that did not record REVERT_HEAD: run `git revert` again',
};

/**
 * The operation part of a plan from `now` (the pre-rollback snapshot; null for recover, which
 * starts from nothing) to `target`; null when neither was taken during an operation.
 */
export function planOperation(now: Pick<Snapshot, 'operation' | 'operationState'> | null, target: Pick<Snapshot, 'operation' | 'operationState'>): OperationPlan | null {
  const from = now?.operation ?? null;
  const to = target.operation;
  if (!from && !to) return null;
  const fromState: OperationState | undefined = now?.operationState;
  // What is written: the recorded state, only when it is enough to go on with the operation (a
  // REBASE_HEAD without its rebase-merge/ would be a stray file).
  const toState = goalState(target);
  const restored = toState !== undefined;
  const same = sameOperationState(fromState, toState);
  const write = same ? [] : operationFiles(toState);
  const remove = same ? [] : operationFiles(fromState).filter((name) => !operationFiles(toState).includes(name) && !NEVER_REMOVED.includes(name));
  const notes: string[] = [];
  if (to && restored && toState) {
    notes.push(`the snapshot was taken during a ${to} in progress: ${same ? 'git\'s state of it is already as recorded' : `git's state of it comes back (${write.join(', ')})`}; then ${FINISH[to]}, or \`${ABORT[to]}\``);
    if (toState.sequencer && !toState.dirs?.sequencer) notes.push(`the ${to} was one of several commits (.git/sequencer): the commits after this one are not restored; \`git ${to} --continue\` finishes this one, then run \`git ${to}\` again for the rest`);
    else if (toState.dirs?.sequencer && (to === 'cherry-pick' || to === 'revert')) notes.push(`the ${to} was one of several commits: the ones left (.git/sequencer) come back too, and \`git ${to} --continue\` goes on with them`);
    const files = (toState.omitted ?? []).filter((name) => !name.endsWith('/'));
    if (files.length > 0) notes.push(`${files.join(' and ')} ${files.length === 1 ? 'was' : 'were'} too large to record and ${files.length === 1 ? 'is' : 'are'} not restored: git will ask for a commit message`);
  } else if (to) {
    notes.push(`the snapshot was taken during a ${to} in progress: guard restores the files, the index and the refs but not git's ${to} state`);
    notes.push(NOT_RESTORED[to]!);
  }
  if (remove.length > 0 && from) notes.push(`the ${from} in progress now (written back by the last rollback) ends: ${remove.join(', ')} ${remove.length === 1 ? 'is' : 'are'} removed (kept in the pre-rollback snapshot)`);
  return { from, to, write, remove, restored: to === null || restored, notes };
}

/**
 * The operation state a rollback (or recover) puts on disk for `target`: the recorded one when it
 * is enough to go on with the operation, else none (the plan says what is not restored).
 */
export function goalState(target: Pick<Snapshot, 'operation' | 'operationState'>): OperationState | undefined {
  const to = target.operation;
  const recorded = target.operationState;
  return to !== null && RECORDED_OPERATIONS.includes(to) && recorded !== undefined && hasStateDir(to, recorded) ? recorded : undefined;
}

/** Whether the state holds the directory `operation` cannot go on without (a rebase's rebase-merge/ or rebase-apply/). */
function hasStateDir(operation: Operation, state: OperationState): boolean {
  if (operation === 'rebase') return !!(state.dirs?.['rebase-merge'] ?? state.dirs?.['rebase-apply']);
  const dir = STATE_DIR[operation];
  return dir ? !!state.dirs?.[dir] : true;
}

/** Whether applying the plan changes git's operation files. */
export function operationChanges(plan: OperationPlan | null | undefined): boolean {
  return !!plan && (plan.write.length > 0 || plan.remove.length > 0);
}
