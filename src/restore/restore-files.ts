/**
 * `guard restore PATH… [--before SESSION|STEP]`: files as they were before the agent touched
 * them, without picking snapshot ids. The target is the snapshot before a step (`SESSION:N`), the
 * start of a session (`SESSION`), or by default the start of the newest session; the files are
 * put back by the rollback machinery restricted to those paths, so a pre-restore snapshot is
 * taken first and `guard rollback --undo` undoes the restore.
 */
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import { readSnapshot } from '../snapshot/read.js';
import type { Snapshot } from '../snapshot/format.js';
import { findStep } from '../session/timeline.js';
import { findSession, listSessions } from '../session/store.js';
import { literalGlob } from './undo-step.js';

export interface RestoreTarget {
  /** What the target is, for people: "before step S:3", "start of session S". */
  label: string;
  snapshot: Snapshot;
  session: string;
  step: string | null;
}

export async function restoreTarget(repo: Repo, before: string | undefined): Promise<RestoreTarget> {
  if (before !== undefined && /^(?:.+:)?\d+$/.test(before) && !findSession(repo, before)) {
    const { step } = await findStep(repo, before);
    if (!step.before) throw new GuardError('user', `step ${step.id} has no snapshot before it`, { hints: [`Use the session start instead: guard restore --before ${step.session} …`] });
    return { label: `before step ${step.id}`, snapshot: await readSnapshot(repo, step.before), session: step.session, step: step.id };
  }
  const session = before !== undefined ? findSession(repo, before) : (listSessions(repo)[0] ?? null);
  if (!session) {
    throw new GuardError('user', before !== undefined ? `no session or step "${before}" in this worktree` : 'there are no agent sessions in this worktree to restore from', {
      hints: ['See the sessions with `guard session list` and their steps with `guard timeline`; any snapshot works with `guard rollback ID --paths …`.'],
    });
  }
  return { label: `start of session ${session.id}`, snapshot: await readSnapshot(repo, session.startSnapshot), session: session.id, step: null };
}

/** The paths as typed (relative to cwd) as exact-match globs relative to the worktree root. */
export function pathGlobs(repo: Repo, cwd: string, paths: string[]): string[] {
  return paths.map((p) => {
    const relative = path.relative(repo.root, path.resolve(cwd, p)).split(path.sep).join('/');
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new GuardError('user', `${p} is outside this worktree (${repo.root}); nothing was changed`);
    if (relative === '') throw new GuardError('user', 'restore takes files or directories, not the whole worktree; nothing was changed', { hints: ['For everything, use: guard rollback --session ID'] });
    return literalGlob(relative);
  });
}
