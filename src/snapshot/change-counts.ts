/**
 * What a snapshot's `changes` counts (format.ts `ChangeCounts`, shown by `guard list`): the files
 * that differ between the previous snapshot's tree and this one's, as
 * `git diff-tree -r -z --no-renames --name-status` lists them (tree-diff.ts reads them so through
 * the snapshot's running cat-file; a large difference is one diff-tree).
 *
 * Ignored files a snapshot captured (its `ignored`: the session start's, or before a command
 * deletes or replaces them) are in that snapshot's tree only, never in the next one's, which
 * records what a walk records. Counted as the trees differ, every session start in a repository
 * with a `.env` said "+3" and the next snapshot "-3", although nobody added or deleted a file. So
 * a captured file that appears is not counted, and one that leaves the tree is counted as deleted
 * only when it is gone (`gone`), not merely no longer recorded. A captured file whose bytes
 * changed between two captures counts as modified, as any file.
 */
import type { ChangeCounts } from './format.js';
import { pathFromText } from '../git/path.js';

export interface CapturedNames {
  /** This snapshot's captures (`ignored`, as text). */
  now: readonly string[] | undefined;
  /** The previous snapshot's captures (`ignored`, as text). */
  before: readonly string[] | undefined;
  /** Of `before`, those gone from disk (as bytes: a latin1 string, as diff-tree's names are read). */
  gone: ReadonlySet<string>;
}

export function hasCaptures(captured: Pick<CapturedNames, 'now' | 'before'>): boolean {
  return (captured.now?.length ?? 0) > 0 || (captured.before?.length ?? 0) > 0;
}

/** `diff-tree --name-status -z` output (read as latin1) tallied, captured files as above. */
export function tallyChanges(nameStatus: string, captured?: CapturedNames): ChangeCounts {
  const counts = { added: 0, modified: 0, deleted: 0 };
  const now = new Set((captured?.now ?? []).map((text) => pathFromText(text) as string));
  const before = new Set((captured?.before ?? []).map((text) => pathFromText(text) as string));
  const parts = nameStatus.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i];
    const name = parts[i + 1]!;
    if (status === 'A') {
      if (!now.has(name)) counts.added++;
    } else if (status === 'D') {
      if (!before.has(name) || captured?.gone.has(name)) counts.deleted++;
    } else counts.modified++;
  }
  return counts;
}
