/**
 * Which snapshot an agent session started from, for `guard rollback --session ID` and for the
 * default rollback target (the most recent session of this worktree). The session store
 * (src/session/store.ts) owns that record; retention keeps it pointing at the right snapshot.
 */
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import type { Snapshot } from '../snapshot/format.js';
import { readSnapshot } from '../snapshot/read.js';
import { findSession, listSessions } from '../session/store.js';

export async function sessionStartSnapshot(repo: Repo, id?: string): Promise<Snapshot | null> {
  const session = findSession(repo, id);
  if (!session) {
    if (id === undefined) return null;
    const known = listSessions(repo)
      .slice(0, 8)
      .map((s) => `  ${s.id}${s.agent ? ` (${s.agent})` : ''}  started ${s.startedAt}`);
    throw new GuardError('user', `no session "${id}" in this worktree`, {
      hints: known.length > 0 ? ['Known sessions (guard session list):', ...known] : ['No agent session has started in this worktree yet.'],
    });
  }
  return readSnapshot(repo, session.startSnapshot);
}
