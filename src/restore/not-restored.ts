/**
 * A captured ignored file a rollback leaves where it is (captured-ignored.ts says when), and the
 * command that writes its bytes out of the snapshot that holds it. One form for the plan, the
 * output after the rollback, `guard rollback --json` (`plan.capturedNotRestored`) and the event
 * journal's `rollback` line (`guard log`), so the person who reads any of them the next morning
 * finds the same name, reason and command. No git and no fs here: `guard log` imports it.
 */
import { pathFromText, shellArg, type GitPath } from '../git/path.js';

export interface NotRestored {
  /** The name as text (pathText). */
  path: string;
  /** The snapshot whose tree holds it: `git show <snapshot>:<path>` gives its bytes. */
  snapshot: string;
  /** Why it stays out, in words. */
  reason: string;
}

/** `git cat-file blob <snapshot>:<path> > FILE`, the name typed exactly (shellArg: `$'...'` for bytes that are not text). */
export function notRestoredCommand(entry: NotRestored): string {
  return `git cat-file blob ${shellArg(`${entry.snapshot.slice(0, 12)}:${pathFromText(entry.path)}` as GitPath)} > FILE`;
}
