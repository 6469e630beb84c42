/** The JSON shape of a snapshot in every command's --json output (documented in README.md). */
import type { Snapshot } from '../snapshot/format.js';

export function snapshotJson(snapshot: Snapshot): Record<string, unknown> {
  return {
    id: snapshot.oid.slice(0, 12),
    oid: snapshot.oid,
    time: snapshot.time,
    trigger: snapshot.trigger,
    message: snapshot.message,
    session: snapshot.session,
    agent: snapshot.agent,
    worktree: snapshot.worktree,
    branch: snapshot.head.symbolic,
    head: snapshot.head,
    changes: snapshot.changes,
    refs: snapshot.refs,
    stash: snapshot.stash,
    operation: snapshot.operation,
    // git's files of a merge, cherry-pick or revert in progress (format.ts); null when none was recorded.
    operationState: snapshot.operationState ?? null,
    skipped: snapshot.skipped,
    previous: snapshot.previous,
  };
}
