/**
 * Ignored files the command guard captured into a snapshot because a command was about to delete
 * them, or overwrite them (`ignored` in the snapshot's metadata). Rolling back to an earlier
 * snapshot, which never held them (ignored files are not snapshotted), brings back those that are
 * missing now or whose bytes differ now, from the oldest snapshot after the target that captured
 * each, so `guard rollback` after `git clean -x`, `rm .env` or `cp .env.example .env` returns the
 * file byte for byte. The file there now is captured by the rollback's own snapshot first
 * (rollback.ts), so `guard rollback --undo` gives it back; a directory or symlink there is left
 * alone.
 *
 * Names are recorded as text the way every path is shown (pathText: git-quoted when not UTF-8) and
 * read back to their bytes (pathFromText), so a name that is not UTF-8 comes back too. (Snapshots
 * of older versions recorded such a name decoded, its invalid bytes lost: that one is not found by
 * name, and stays in that snapshot's tree: `git checkout <snapshot> -- <path>`.)
 */
import fs from 'node:fs';
import { coveringPathspecs, fsPath, gitPathsOf, pathFromText, pathText, type GitPath } from '../git/path.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { checkoutPerms, recordedUmask } from '../snapshot/file-modes.js';
import type { Snapshot } from '../snapshot/format.js';
import { listSnapshots } from '../snapshot/read.js';
import type { TempIndex } from '../snapshot/temp-index.js';
import { overlayEntries, type OverlayEntry } from './tree-overlay.js';

export interface CapturedOverlay {
  /** treeGoal with the captured files added. */
  tree: string;
  /** Their names as text (pathText, as every path in --json and the journal), for the plan and the journal. */
  restored: string[];
  /**
   * The permission bits the capturing snapshot recorded for them (its `modes`: a key at 0600),
   * by name as text, for the rollback to give back: the target never held these files.
   */
  modes: Record<string, string>;
}

/**
 * Captured ignored files of snapshots after `target`, each from the oldest
 * snapshot after the target that captured it: the capture closest to the target is the file as
 * it was then (an agent's `cp a .env.local` then `rm .env.local` captured the person's file
 * first, then `a`).
 */
async function capturedSince(repo: Repo, target: Snapshot): Promise<Map<GitPath, Snapshot>> {
  const wanted = new Map<GitPath, Snapshot>();
  // Newest first: an older snapshot's capture replaces a newer one's.
  for (const snapshot of await listSnapshots(repo)) {
    if (snapshot.oid === target.oid) break;
    for (const text of snapshot.ignored ?? []) wanted.set(pathFromText(text), snapshot);
  }
  return wanted;
}

/**
 * Whether the captured blob must be written at `name`: it is missing now, or a regular file is
 * there whose bytes or executable bit differ (a command overwrote the ignored file after the
 * command guard captured it; the rollback's own snapshot captures the file there now first, so
 * --undo gives it back). Anything else there (a directory, a symlink) is left alone.
 */
async function differsOnDisk(repo: Repo, name: GitPath, mode: string, oid: string): Promise<boolean> {
  const stat = await fs.promises.lstat(fsPath(repo.root, name)).catch(() => null);
  if (!stat) return true;
  if (!stat.isFile() || mode === '120000') return false;
  if (((stat.mode & 0o100) !== 0 ? '100755' : '100644') !== mode) return true;
  // hash-object reads one name a line: a name with a line break is compared by its bytes here.
  const bytes = await fs.promises.readFile(fsPath(repo.root, name));
  const hashed = await runGit(['hash-object', '--no-filters', '--stdin'], { cwd: repo.root, input: bytes });
  return hashed.stdout.toString('latin1').trim() !== oid;
}

/**
 * `tree` (what the rollback writes) plus the captured ignored files missing now; the same tree
 * when there are none. The temp index it builds is pushed to `temps` for the caller to dispose.
 */
export async function withCapturedIgnored(repo: Repo, target: Snapshot, tree: string, temps: TempIndex[]): Promise<CapturedOverlay> {
  const wanted = await capturedSince(repo, target);
  if (wanted.size === 0) return { tree, restored: [], modes: {} };
  const entries: OverlayEntry[] = [];
  const restored: string[] = [];
  const modes: Record<string, string> = {};
  const bySnapshot = new Map<Snapshot, GitPath[]>();
  for (const [name, snapshot] of wanted) bySnapshot.set(snapshot, [...(bySnapshot.get(snapshot) ?? []), name]);
  for (const [snapshot, names] of bySnapshot) {
    // A name that is not UTF-8 cannot go on the command line: a directory above it covers it (or
    // the whole tree), and only the exact names asked for are kept.
    const specs = coveringPathspecs(names);
    const asked = new Set<string>(names);
    const listed = await runGit(['ls-tree', '-r', '-z', snapshot.tree, ...(specs ? ['--', ...specs] : [])], { cwd: repo.root });
    for (const record of gitPathsOf(listed.stdout)) {
      // "<mode> <type> <oid>\t<path>"
      const tab = record.indexOf('\t');
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      const name = record.slice(tab + 1) as GitPath;
      if (type !== 'blob' || !asked.has(name)) continue;
      if (!(await differsOnDisk(repo, name, mode!, oid!))) continue;
      entries.push({ mode: mode!, oid: oid!, path: name });
      restored.push(pathText(name));
      const bits = snapshot.modes?.[pathText(name)];
      // No record is the default under the capturing snapshot's umask, which need not be the
      // target's nor ours (a key at 0600 captured under an agent's 077): said explicitly.
      const umask = recordedUmask(snapshot);
      if (bits !== undefined) modes[pathText(name)] = bits;
      else if (umask !== undefined) modes[pathText(name)] = checkoutPerms(mode === '100755', umask).toString(8);
    }
  }
  return { tree: await overlayEntries(repo, tree, entries, temps), restored: restored.sort(), modes };
}
