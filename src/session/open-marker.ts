/**
 * `<gitDir>/guard/session-open`: "<session id> <agent>" of the innermost open session of this
 * worktree, absent when none is open. Written with sessions.json (under its lock) so that the git
 * hook shims can tell with one builtin `read`, without Node, whether an agent session is open:
 * to put the session id on what they journal, and to open a session for an agent whose own hooks
 * are not running (hooks/lib.sh). Node reads it the same way (githooks attribution).
 */
import fs from 'node:fs';
import { guardPath, type Repo } from '../git/repo.js';

export function openMarkerPath(repo: Repo): string {
  return guardPath(repo, 'session-open');
}

export function writeOpenMarker(repo: Repo, open: { id: string; agent: string | null } | undefined): void {
  const file = openMarkerPath(repo);
  if (!open) {
    fs.rmSync(file, { force: true });
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${open.id} ${open.agent ?? '-'}\n`);
  fs.renameSync(temp, file);
}

/** The open session of this worktree, or null. Never throws: attribution is best effort. */
export function readOpenMarker(repo: Repo): { id: string; agent: string | null } | null {
  try {
    const [id, agent] = fs.readFileSync(openMarkerPath(repo), 'utf8').trim().split(' ');
    if (!id) return null;
    return { id, agent: agent && agent !== '-' ? agent : null };
  } catch {
    return null;
  }
}
