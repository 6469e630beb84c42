/**
 * The files that differ between two trees, as `git diff-tree -r --no-renames --name-status -z`
 * lists them, read here through `cat-file --batch` (batch-objects.ts; a snapshot keeps one running:
 * object-pipes.ts) instead of a `diff-tree` process of its own: a snapshot after a commit started
 * it after its tree was written, in series, for the `changes` its commit records (change-counts.ts).
 *
 * Only subtrees whose ids differ are read, a depth at a time (one request per depth); past
 * MAX_TREES of them (a branch switch, a first snapshot) git's own diff-tree is the cheaper reader,
 * and this gives up (null). What git reports, and so what this gives:
 *  - a path in one tree only: `A` or `D` (a whole directory: each file under it);
 *  - the same name as a tree on one side and anything else on the other (a file that became a
 *    directory): not the same entry for git (a tree sorts as `name/`), so `D` of the one and `A`
 *    of each file under the other;
 *  - two non-trees that differ in id or mode: `M` (git says `T` when the kind changed, a link that
 *    became a file: tallied as modified either way; change-counts.ts).
 * Names are byte strings (latin1), as diff-tree's output is read.
 */
import { readObjects } from '../git/batch-objects.js';
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import { parseTree } from './tree-edit.js';

const isTree = (mode: string): boolean => mode === '40000' || mode === '040000';

interface Pending {
  /** Path of this directory, with a trailing slash ('' at the root). */
  prefix: string;
  from: string | null;
  to: string | null;
}

/** Trees read before git's diff-tree is left to do it (parsing in Node costs more than in git). */
export const MAX_TREES = 200;

/**
 * `diff-tree --name-status -z` records ("<status>\0<path>\0" each) for `from` -> `to` (null: the
 * empty tree); null when that takes more than MAX_TREES trees to read.
 */
export async function treeChanges(repo: Repo, from: string | null, to: string): Promise<string | null> {
  if (from === to) return '';
  const oidBytes = to.length / 2;
  const out: string[] = [];
  let level: Pending[] = [{ prefix: '', from, to }];
  let read = 0;
  while (level.length > 0) {
    const wanted = [...new Set(level.flatMap((p) => [p.from, p.to]).filter((oid): oid is string => oid !== null))];
    read += wanted.length;
    if (read > MAX_TREES) return null;
    const objects = await readObjects(repo, wanted);
    const trees = new Map<string, Map<string, { mode: string; oid: string }>>();
    objects.forEach((object, i) => {
      if (object?.type !== 'tree') throw new GuardError('git', `the tree ${wanted[i]} could not be read`);
      trees.set(wanted[i]!, parseTree(object.content, oidBytes));
    });
    const next: Pending[] = [];
    for (const { prefix, from: a, to: b } of level) {
      const left = a === null ? new Map() : trees.get(a)!;
      const right = b === null ? new Map() : trees.get(b)!;
      for (const [name, entry] of left) {
        const other = right.get(name);
        const tree = isTree(entry.mode);
        if (other && isTree(other.mode) === tree) {
          if (other.oid === entry.oid && (tree || other.mode === entry.mode)) continue;
          if (tree) next.push({ prefix: `${prefix}${name}/`, from: entry.oid, to: other.oid });
          else out.push('M', `${prefix}${name}`);
          continue;
        }
        // Gone, or another kind under the same name (its side is listed from `right` below).
        if (tree) next.push({ prefix: `${prefix}${name}/`, from: entry.oid, to: null });
        else out.push('D', `${prefix}${name}`);
      }
      for (const [name, entry] of right) {
        const other = left.get(name);
        const tree = isTree(entry.mode);
        if (other && isTree(other.mode) === tree) continue;
        if (tree) next.push({ prefix: `${prefix}${name}/`, from: null, to: entry.oid });
        else out.push('A', `${prefix}${name}`);
      }
    }
    level = next;
  }
  return out.length === 0 ? '' : `${out.join('\0')}\0`;
}
