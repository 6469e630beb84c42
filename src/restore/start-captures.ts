/**
 * The ignored files a session-start snapshot captured (src/session/start-capture.ts) are a
 * backstop against their loss, not part of the state a rollback puts back: a rollback to that
 * snapshot brings such a file back only where it is gone. One that is on disk now, whatever its
 * bytes (a person's edit to `.env` during the session), is left as it is, as a rollback leaves
 * every ignored file no capture was taken for; `guard rollback <start> --paths .env` takes the
 * snapshot's bytes anyway (a selection is not filtered). Only files the plan would create count:
 * one the state before the rollback holds (tracked or untracked now) is restored as any file is,
 * and so is one a later snapshot captured (a hook's capture before its command overwrote it).
 * No git process: an lstat per captured file the plan creates.
 */
import fs from 'node:fs';
import { fsPath, pathFromText, type GitPath } from '../git/path.js';
import type { Repo } from '../git/repo.js';
import type { Snapshot } from '../snapshot/format.js';
import type { FileChange } from './plan.js';
import type { OverlayEntry } from './tree-overlay.js';

/** Removal entries (overlayEntries) for the captured files the plan creates that are on disk now. */
export function presentStartCaptures(repo: Repo, target: Pick<Snapshot, 'oid' | 'trigger' | 'ignored'>, files: FileChange[], laterCaptures: readonly string[]): OverlayEntry[] {
  if (target.trigger !== 'session-start' || !target.ignored || target.ignored.length === 0) return [];
  // A later capture (a hook's, before its command overwrote the file) comes back as it does.
  const later = new Set(laterCaptures);
  const captured = new Set<string>(target.ignored.filter((text) => !later.has(text)).map((text) => pathFromText(text)));
  const present: OverlayEntry[] = [];
  for (const file of files) {
    if (file.action !== 'create' || !captured.has(file.path)) continue;
    if (there(fsPath(repo.root, file.path as GitPath))) present.push({ mode: '0', oid: '0'.repeat(target.oid.length), path: file.path });
  }
  return present;
}

/** Something that is not a directory at the path (a directory where the file was: the file is gone). */
function there(full: Buffer): boolean {
  try {
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    return stat !== undefined && !stat.isDirectory();
  } catch {
    return false;
  }
}
