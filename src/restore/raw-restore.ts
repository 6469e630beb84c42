/**
 * Writes back the raw bytes a snapshot kept for files git converts (snapshot/raw-files.ts, format.ts
 * `rawFiles`), after git's checkout (`read-tree -u`, `checkout-index`) wrote its smudged version.
 *
 * What the goal's bytes of a file are: the target's raw blob when it kept one, else git's checkout
 * of the goal's blob. What the file holds after git's checkout: git's checkout when git wrote it,
 * else what it held before (the pre-rollback snapshot's raw blob, or git's checkout). Only where
 * the two differ is a file written, by Node, without git's filters; then the index that mirrors
 * the working tree re-reads those files (`update-index`), so its stat data fits the new bytes and
 * `git status` stays clean. Each step is one git process for all files. The written paths are
 * noted for the next snapshot (raw-files.ts), which would not read them otherwise.
 */
import fs from 'node:fs/promises';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { fsPath, nulInput, type GitPath } from '../git/path.js';
import { readCheckedOut, readObjects } from '../git/batch-objects.js';
import { listRawFiles, noteRawWrites } from '../snapshot/raw-files.js';
import type { Snapshot } from '../snapshot/format.js';
import { leavesAt, type TreeLeaf } from '../snapshot/tree-edit.js';
import type { FileChange } from './plan.js';

/** A file to write after git's checkout: the raw blob, or (null) git's checkout of the goal's blob. */
export interface RawWrite {
  path: GitPath;
  blob: string | null;
}

/** Paths of a raw tree inside what is restored (all of them without a selection). */
export type RawSelection = (tree: string) => Promise<ReadonlySet<string>>;

async function rawEntries(repo: Repo, snapshot: Snapshot, select: RawSelection | null): Promise<Map<string, TreeLeaf>> {
  if (!snapshot.rawFiles) return new Map();
  const all = await listRawFiles(repo, snapshot.rawFiles.tree);
  if (!select) return all;
  const chosen = await select(snapshot.rawFiles.tree);
  return new Map([...all].filter(([p]) => chosen.has(p)));
}

/**
 * The files whose bytes git's checkout from `pre` to the goal leaves wrong. `files` is the plan
 * (what git writes, creates and deletes); `select` restricts to the restored paths.
 */
export async function planRawWrites(repo: Repo, pre: Snapshot, target: Snapshot, files: readonly FileChange[], select: RawSelection | null): Promise<RawWrite[]> {
  if (!pre.rawFiles && !target.rawFiles) return [];
  const [want, had] = await Promise.all([rawEntries(repo, target, select), rawEntries(repo, pre, select)]);
  const action = new Map(files.map((f) => [f.path as string, f.action]));
  const writes: RawWrite[] = [];
  for (const p of new Set([...want.keys(), ...had.keys()])) {
    const act = action.get(p);
    if (act === 'delete') continue;
    // git writes its checkout of the goal's blob where it writes; elsewhere the file keeps its bytes.
    const after = act === 'write' || act === 'create' ? null : (had.get(p)?.oid ?? null);
    const goal = want.get(p)?.oid ?? null;
    if (goal !== after) writes.push({ path: p as GitPath, blob: goal });
  }
  return writes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Writes each file's bytes (raw blob, or git's checkout of `goalTree`'s blob at its path), then
 * has `indexFile` (the index that mirrors the working tree) read them again. Returns the paths written.
 */
export async function applyRawWrites(repo: Repo, writes: readonly RawWrite[], goalTree: string, indexFile: string): Promise<GitPath[]> {
  if (writes.length === 0) return [];
  const raw = writes.filter((w) => w.blob !== null);
  const smudged = writes.filter((w) => w.blob === null);
  const [rawObjects, goalBlobs] = await Promise.all([readObjects(repo, raw.map((w) => w.blob!)), leavesAt(repo, goalTree, smudged.map((w) => w.path))]);
  const checkedOut = smudged.map((w, i) => ({ oid: goalBlobs[i]?.type === 'blob' ? goalBlobs[i]!.oid : null, path: w.path }));
  const present = checkedOut.filter((c): c is { oid: string; path: GitPath } => c.oid !== null);
  const smudgedBytes = await readCheckedOut(repo, present);
  const contents = new Map<GitPath, Buffer>();
  raw.forEach((w, i) => {
    if (rawObjects[i]?.type === 'blob') contents.set(w.path, rawObjects[i]!.content);
  });
  // (A smudge filter that fails: those files keep what git's checkout or the rollback left.)
  present.forEach((c, i) => {
    const bytes = smudgedBytes?.[i];
    if (bytes) contents.set(c.path, bytes);
  });
  const written: GitPath[] = [];
  for (const [p, content] of contents) {
    const file = fsPath(repo.root, p);
    // git's checkout made a regular file here; anything else (a link) is not written through.
    const stat = await fs.lstat(file).catch(() => null);
    if (!stat?.isFile()) continue;
    // In place: the file keeps the mode git's checkout gave it.
    await fs.writeFile(file, content);
    written.push(p);
  }
  if (written.length > 0) {
    // New bytes, new size: the entries' stat data must be read again or `git status` would call
    // them modified. update-index hashes each (git's clean side gives the blob the entry has).
    await runGit(['update-index', '-z', '--stdin'], { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile }, input: nulInput(written) });
    // git sees them unchanged now: the next snapshot is told to look at them (raw-files.ts).
    await noteRawWrites(repo, written);
  }
  return written;
}
