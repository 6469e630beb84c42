/**
 * When `guard rollback` picks its target itself (no id, no session), it takes the newest snapshot
 * that differs from now. With a watcher running during an incident, that can be a snapshot taken
 * in the middle of it: files deleted before it are not in it, and a rollback to it leaves them
 * gone. This finds the snapshots just before the target that also recorded deletions or changes,
 * and the one before that run (the state before the damage began), so the plan can name them.
 * Read from the chain's metadata (each snapshot's `changes` against the one before): one git log.
 */
import type { Repo } from '../git/repo.js';
import { walkChain } from '../snapshot/read.js';
import type { Snapshot } from '../snapshot/format.js';

/** How far back the run is followed: enough for a burst of watcher snapshots, bounded. */
const MAX_RUN = 8;

export interface EarlierTargets {
  /** The target and the snapshots before it that each removed or changed files, newest first. */
  run: Snapshot[];
  /** The snapshot before the run: every file the run removed or changed is there. Null when the run reaches the chain's start or MAX_RUN. */
  before: Snapshot | null;
}

function removedOrChanged(snapshot: Snapshot): boolean {
  return snapshot.changes.deleted > 0 || snapshot.changes.modified > 0;
}

/** Null when the target itself removed and changed nothing (then nothing earlier holds more). */
export async function earlierTargets(repo: Repo, target: Snapshot): Promise<EarlierTargets | null> {
  if (!removedOrChanged(target)) return null;
  const chain = await walkChain(repo, target.oid, MAX_RUN + 1);
  const run: Snapshot[] = [];
  for (const snapshot of chain) {
    if (!removedOrChanged(snapshot)) return { run, before: snapshot };
    if (run.length === MAX_RUN) break;
    run.push(snapshot);
  }
  return { run, before: null };
}
