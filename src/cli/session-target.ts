/** Resolves `--session ID` to the snapshot that session started from. */
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import type { Snapshot } from '../snapshot/format.js';
import { listSnapshots } from '../snapshot/read.js';

export async function sessionStartSnapshot(repo: Repo, id: string): Promise<Snapshot> {
  const snapshots = await listSnapshots(repo);
  const start = snapshots.filter((s) => s.trigger === 'session-start' && s.session === id).pop();
  if (!start) {
    const sessions = [...new Set(snapshots.filter((s) => s.session).map((s) => s.session!))].slice(0, 8);
    throw new GuardError('user', `no session "${id}" in this worktree's snapshots`, {
      hints: sessions.length > 0 ? ['Known sessions:', ...sessions.map((s) => `  ${s}`)] : ['No agent session has started in this worktree yet.'],
    });
  }
  return start;
}
