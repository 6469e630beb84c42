/**
 * `guard restore PATH… [--before SESSION|STEP]`: files as they were before the agent touched
 * them, without picking snapshot ids. The target is the snapshot before a step (`SESSION:N`), the
 * start of a session (`SESSION`), or by default the start of the newest session; the files are
 * put back by the rollback machinery restricted to those paths, so a pre-restore snapshot is
 * taken first and `guard rollback --undo` undoes the restore.
 */
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { gitPath, gitPathsOf, pathText, shellArg, type GitPath } from '../git/path.js';
import { GuardError } from '../errors.js';
import { readSnapshot } from '../snapshot/read.js';
import type { Snapshot } from '../snapshot/format.js';
import { findStep } from '../session/timeline.js';
import { findSession, listSessions } from '../session/store.js';
import { exactParent, lostBytes, namesFor, typedRelative } from './typed-paths.js';

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

/**
 * The paths as typed (relative to cwd) as exact names relative to the worktree root. A name that
 * lost bytes on the command line (typed as `$'bad\377.log'`) is looked up among the names the
 * target snapshot and the worktree have now (typed-paths.ts). All such names are looked up
 * together: two git processes whatever their number (one listing of the target's tree, one of
 * the worktree's names, each under the directories that hold them).
 */
export async function restorePaths(repo: Repo, cwd: string, typed: string[], target: Snapshot): Promise<GitPath[]> {
  const relatives = typed.map((text) => typedRelative(repo, cwd, text, 'restore'));
  const known = await namesAround(repo, target, relatives.filter(lostBytes).map(exactParent));
  return relatives.map((relative, i) => {
    if (!lostBytes(relative)) return namesFor(relative, [])[0]!;
    const names = namesFor(relative, known);
    if (names.length > 1) {
      const parent = exactParent(relative);
      throw new GuardError('user', `${typed[i]} names ${names.length} files whose names differ only in bytes that are not UTF-8, which the command line cannot tell apart; nothing was changed`, {
        hints: [...names.map((n) => `  ${pathText(n)}`), `Restore the directory that holds them instead${parent === '' ? ' (or use guard rollback ID --paths GLOB)' : `: guard restore ${shellArg(gitPath(parent))}`}`],
      });
    }
    return names[0] ?? gitPath(relative);
  });
}

/**
 * Every name under `parents` (text, '' for the whole tree) in the target snapshot's tree and in
 * the worktree now (tracked, or untracked and not ignored). Nothing to ask when `parents` is empty.
 */
async function namesAround(repo: Repo, target: Snapshot, parents: string[]): Promise<GitPath[]> {
  if (parents.length === 0) return [];
  const unique = [...new Set(parents)];
  // Each parent lies above the first component that lost bytes (exactParent): its text is its exact bytes.
  const scope = unique.includes('') ? [] : ['--', ...unique.map((p) => `:(literal)${p}`)];
  const [inTarget, now] = await Promise.all([
    runGit(['ls-tree', '-r', '-z', '--name-only', target.tree, ...scope], { cwd: repo.root }),
    runGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard', ...scope], { cwd: repo.root }),
  ]);
  return [...gitPathsOf(inTarget.stdout), ...gitPathsOf(now.stdout)];
}
