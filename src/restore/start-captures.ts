/**
 * The ignored files a session-start snapshot captured (src/session/start-capture.ts) are a
 * backstop against their loss, not part of the state a rollback puts back. A rollback to that
 * snapshot plans as if its tree did not hold them (as before they were captured: a later
 * snapshot's capture, a hook's before its command deleted or overwrote the file, comes back by
 * captured-ignored.ts's rules), then brings back those that are gone now: nothing at the name, or
 * a directory where the file was. One on disk, whatever its bytes (a person's edit to `.env`
 * during the session), is left as it is, as a rollback leaves every ignored file no capture was
 * taken for. `guard rollback <start> --paths .env` takes the snapshot's bytes anyway: a selection
 * is planned from the snapshot's tree as it is. A database's log (`app.db-wal`: the start's rows not
 * yet checkpointed into the file) goes with its database instead (database-side-files.ts,
 * startCaptureComesBack): over the one there now beside a tracked database, and only with its
 * database where that is a capture too. Cost: an lstat per captured file, and one
 * `ls-tree` and two overlays of the goal tree only when the target is such a snapshot.
 */
import fs from 'node:fs';
import { coveringPathspecs, fsPath, gitPathsOf, pathFromText, pathText, type GitPath } from '../git/path.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import type { Snapshot } from '../snapshot/format.js';
import type { TempIndex } from '../snapshot/temp-index.js';
import { startCaptureComesBack } from './database-side-files.js';
import { overlayEntries, type OverlayEntry } from './tree-overlay.js';

export interface StartCaptures {
  /** The goal tree without the captured files. */
  tree: string;
  /** The captured files gone from disk now, with their entries in the target's tree. */
  missing: OverlayEntry[];
}

/** The target's start captures taken out of `tree`; null when the target has none. */
export async function withoutStartCaptures(repo: Repo, target: Snapshot, tree: string, temps: TempIndex[]): Promise<StartCaptures | null> {
  if (target.trigger !== 'session-start' || !target.ignored || target.ignored.length === 0) return null;
  const names = target.ignored.map((text) => pathFromText(text));
  const asked = new Set<string>(names);
  const specs = coveringPathspecs(names);
  const listed = await runGit(['ls-tree', '-r', '-z', target.tree, ...(specs ? ['--', ...specs] : [])], { cwd: repo.root });
  const entries: OverlayEntry[] = [];
  for (const record of gitPathsOf(listed.stdout)) {
    // "<mode> <type> <oid>\t<path>"
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    const name = record.slice(tab + 1);
    if (type === 'blob' && asked.has(name)) entries.push({ mode: mode!, oid: oid!, path: name });
  }
  if (entries.length === 0) return null;
  const zero = '0'.repeat(target.oid.length);
  const stripped = await overlayEntries(repo, tree, entries.map((e) => ({ mode: '0', oid: zero, path: e.path })), temps);
  // A database's log is the database's state, not a backstop: it goes with its database.
  const captured = new Set<string>(entries.map((e) => e.path));
  const gone = (name: string): boolean => startCaptureGone(repo, name as GitPath);
  return { tree: stripped, missing: entries.filter((e) => startCaptureComesBack(e.path, captured, gone)) };
}

/**
 * `tree` with the missing start captures put back, but for those a later capture brings back
 * (`restored`, as text): that one is closer to what was destroyed.
 */
export async function withMissingStartCaptures(repo: Repo, tree: string, captures: StartCaptures, restored: readonly string[], temps: TempIndex[]): Promise<{ tree: string; names: string[] }> {
  const later = new Set(restored);
  const back = captures.missing.filter((e) => !later.has(pathText(e.path as GitPath)));
  return { tree: await overlayEntries(repo, tree, back, temps), names: back.map((e) => pathText(e.path as GitPath)) };
}

/**
 * Nothing at the name, or a directory where the file was (the file is gone either way). Also for
 * a later snapshot's `heldIgnored` record of a session start's capture (captured-ignored.ts).
 */
export function startCaptureGone(repo: Pick<Repo, 'root'>, name: GitPath): boolean {
  try {
    const stat = fs.lstatSync(fsPath(repo.root, name), { throwIfNoEntry: false });
    return stat === undefined || stat.isDirectory();
  } catch (error) {
    // ENOTDIR: a file where a directory above it was: the file is gone.
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}
