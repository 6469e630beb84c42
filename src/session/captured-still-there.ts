/**
 * A session-start snapshot captures ignored files (start-capture.ts) that later snapshots do not
 * record (a snapshot's tree is what a full walk records: no ignored file it was not asked for).
 * Compared with any later snapshot such a file looks deleted. It is a deletion only when the file
 * is gone: the session summary and the timeline drop the `D` of a file the session-start snapshot
 * captured that is still on disk. (A hook's capture is left as it is: its command deleted the file,
 * and a rollback may have brought it back since.)
 */
import fs from 'node:fs';
import { fsPath, pathFromText, type GitPath } from '../git/path.js';
import type { Snapshot } from '../snapshot/format.js';

export function startCaptureStillThere(root: string, before: Pick<Snapshot, 'trigger' | 'ignored'> | undefined, bytes: GitPath): boolean {
  if (before?.trigger !== 'session-start' || !before.ignored || before.ignored.length === 0) return false;
  if (!before.ignored.some((text) => pathFromText(text) === bytes)) return false;
  try {
    return fs.lstatSync(fsPath(root, bytes), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}
