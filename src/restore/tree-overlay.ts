/**
 * A tree with some entries laid over it: what a rollback writes when it keeps files the goal
 * tree does not hold (captured ignored files, files ignored at the target). One private index,
 * three git processes whatever the number of entries.
 */
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { emptyTempIndex, type TempIndex } from '../snapshot/temp-index.js';

/** One `ls-tree -r` record's entry, `<mode> <oid>\t<path>` for `update-index --index-info` (path as bytes, latin1). */
export interface OverlayEntry {
  mode: string;
  oid: string;
  path: string;
}

/** `tree` with `entries` added or replaced; `tree` itself when there are none. */
export async function overlayEntries(repo: Repo, tree: string, entries: OverlayEntry[], temps: TempIndex[]): Promise<string> {
  if (entries.length === 0) return tree;
  const index = await emptyTempIndex(repo);
  temps.push(index);
  const env = { GIT_INDEX_FILE: index.file };
  await runGit(['read-tree', tree], { cwd: repo.root, env });
  const records = entries.map((e) => `${e.mode} ${e.oid}\t${e.path}\0`).join('');
  await runGit(['update-index', '-z', '--index-info'], { cwd: repo.root, env, input: Buffer.from(records, 'latin1') });
  return (await runGit(['write-tree'], { cwd: repo.root, env })).stdout.toString('utf8').trim();
}
