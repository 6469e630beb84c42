/**
 * Ignored files the command guard captured into a snapshot because a command was about to delete
 * them (`ignored` in the snapshot's metadata). Rolling back to an earlier snapshot, which never
 * held them (ignored files are not snapshotted), brings back those that are missing now, from the
 * newest snapshot that captured each, so `guard rollback` after `git clean -x` or `rm .env`
 * returns the file byte for byte. A file that exists now is left alone.
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
import type { Snapshot } from '../snapshot/format.js';
import { listSnapshots } from '../snapshot/read.js';
import type { TempIndex } from '../snapshot/temp-index.js';
import { overlayEntries, type OverlayEntry } from './tree-overlay.js';

export interface CapturedOverlay {
  /** treeGoal with the captured files added. */
  tree: string;
  /** Their names as text (pathText, as every path in --json and the journal), for the plan and the journal. */
  restored: string[];
}

/** Captured ignored files of snapshots after `target` that are neither in `tree` nor on disk now (names as bytes). */
async function missingCaptures(repo: Repo, target: Snapshot): Promise<Map<GitPath, Snapshot>> {
  const wanted = new Map<GitPath, Snapshot>();
  for (const snapshot of await listSnapshots(repo)) {
    if (snapshot.oid === target.oid) break;
    for (const text of snapshot.ignored ?? []) {
      const name = pathFromText(text);
      if (wanted.has(name)) continue;
      if (fs.existsSync(fsPath(repo.root, name))) continue;
      wanted.set(name, snapshot);
    }
  }
  return wanted;
}

/**
 * `tree` (what the rollback writes) plus the captured ignored files missing now; the same tree
 * when there are none. The temp index it builds is pushed to `temps` for the caller to dispose.
 */
export async function withCapturedIgnored(repo: Repo, target: Snapshot, tree: string, temps: TempIndex[]): Promise<CapturedOverlay> {
  const wanted = await missingCaptures(repo, target);
  if (wanted.size === 0) return { tree, restored: [] };
  const entries: OverlayEntry[] = [];
  const restored: string[] = [];
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
      entries.push({ mode: mode!, oid: oid!, path: name });
      restored.push(pathText(name));
    }
  }
  return { tree: await overlayEntries(repo, tree, entries, temps), restored: restored.sort() };
}
