/**
 * git's state directories of an operation in progress (format.ts `operationState.dirs`;
 * docs/snapshot-format.md owns the layout): rebase-merge/ (`git rebase`, interactive or not),
 * rebase-apply/ (`git am`, and the apply backend of `git rebase`) and sequencer/ (a multi-commit
 * cherry-pick or revert). They hold what no other file does: the todo list (maybe edited), the
 * commits done, onto, orig-head, the message and author of the stopped pick, the patches left to
 * apply. Without them a rollback after an agent's `git rebase --abort` brought back the files,
 * the index and HEAD, and the person had to redo the rebase by hand.
 *
 * Each directory is recorded as a tree of its files' bytes (all regular files, 100644), kept in
 * the keeper's tree as `operation-<name>` so it lives as long as the snapshot and goes to the
 * backup with it. The tree's id is computed here, without git (blob and tree ids are hashes of
 * the bytes), so a snapshot compares it with the previous one's and writes objects only when the
 * directory changed: reading a directory that does not exist is the whole cost otherwise.
 *
 * The commits the files name (onto, orig-head, the todo's picks, stopped-sha, rewritten-list,
 * autostash, abort-safety...) must outlive an abort and a `git gc --prune=now`: every hex word of
 * 7 to 64 digits in the files (the numbered patches of `git am` aside) is asked of git in one
 * `cat-file --batch-check` (short ids included: the todo may hold them), and of the commits found,
 * the ones no other reaches (`merge-base --independent`, usually orig-head and HEAD) become
 * parents of the keeper, as MERGE_HEAD's commits are.
 *
 * git's own lock files (`*.lock`) are left out: they exist only while a git process writes.
 * Bounded: at most MAX_DIR_FILES files and MAX_DIR_BYTES bytes per directory, only regular files;
 * a directory beyond that is not recorded (named in `omitted`), and the plan says it is not
 * restored.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { readObjects, writeObjects } from '../git/batch-objects.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import type { TreeEntry } from '../git/objects.js';
import type { OperationState } from './format.js';
import { parseTree, treeContent, treeId } from './tree-edit.js';
import { pidSpaceTag } from '../util/process-alive.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';

export const OPERATION_DIRS = ['rebase-merge', 'rebase-apply', 'sequencer'] as const;
export type OperationDir = (typeof OPERATION_DIRS)[number];
/**
 * What is recorded as a tree: a state directory, or `bisect`: the BISECT_* files of this
 * worktree's git directory (BISECT_LOG, BISECT_START, BISECT_TERMS, BISECT_EXPECTED_REV, ...),
 * which git keeps beside HEAD rather than in a directory of their own (bisect-files.ts).
 */
export type RecordedDir = OperationDir | 'bisect';

/** A rebase of thousands of commits has a todo of a few hundred KiB; a long `git am` series some MiB. */
export const MAX_DIR_BYTES = 16 * 1024 * 1024;
export const MAX_DIR_FILES = 10_000;
/** Files read for commit ids: the rebase's own small files, not patches. */
const MAX_SCANNED_BYTES = 1024 * 1024;
const MAX_TOKENS = 50_000;

export interface DirFile {
  /** The file's name as bytes (latin1). */
  name: string;
  content: Buffer;
  oid: string;
}

/** A directory as read: its files and the id of the tree git gives them. */
export interface DirCapture {
  dir: RecordedDir;
  tree: string;
  files: DirFile[];
}

export type DirRead = DirCapture | { dir: RecordedDir; omitted: string };

export type HashName = 'sha1' | 'sha256';

function objectId(type: 'blob', content: Buffer, hash: HashName): string {
  return createHash(hash).update(`${type} ${content.length}\0`).update(content).digest('hex');
}

function gone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `where/name` with the name as bytes (a name need not be UTF-8). */
export function childPath(where: string, name: string): Buffer {
  return Buffer.concat([Buffer.from(where + path.sep), Buffer.from(name, 'latin1')]);
}

/**
 * The directory at `where` as a tree of its files (only those `only` names, when given); null when
 * there is none. Only `fs`.
 */
export async function readOperationDir(dir: RecordedDir, where: string, hash: HashName, only?: (name: string) => boolean): Promise<DirRead | null> {
  let entries;
  try {
    entries = await fs.readdir(where, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    if (gone(error)) return null;
    throw error;
  }
  if (only) entries = entries.filter((entry) => only(entry.name.toString('latin1')));
  if (entries.length > MAX_DIR_FILES) return { dir, omitted: `${dir}/ has ${entries.length} files (more than ${MAX_DIR_FILES})` };
  const files: DirFile[] = [];
  let total = 0;
  for (const entry of entries) {
    const name = entry.name.toString('latin1');
    // A lock file of git's (git-rebase-todo.lock while git rewrites the todo) is there only while
    // a git process runs; written back, it would stop every later git command on that file.
    if (name.endsWith('.lock')) continue;
    if (!entry.isFile()) return { dir, omitted: `${dir}/ holds ${JSON.stringify(entry.name.toString('utf8'))}, which is not a regular file` };
    const file = childPath(where, name);
    let content: Buffer;
    try {
      const stat = await fs.lstat(file);
      total += stat.size;
      if (total > MAX_DIR_BYTES) return { dir, omitted: `${dir}/ holds more than ${MAX_DIR_BYTES / 1024 / 1024} MiB` };
      content = await fs.readFile(file);
    } catch (error) {
      // git removed it meanwhile (a step of the operation ran): the next snapshot sees the rest.
      if (gone(error)) continue;
      throw error;
    }
    files.push({ name, content, oid: objectId('blob', content, hash) });
  }
  const tree = treeId(new Map(files.map((f) => [f.name, { mode: '100644', oid: f.oid }])), hash);
  return { dir, tree, files };
}

/** The hash of a repository whose objects have ids like `sample` (64 hex digits: sha256). */
export function hashOf(sample: string | null | undefined): HashName {
  return sample?.length === 64 ? 'sha256' : 'sha1';
}

/** Writes the blobs and trees of `captures` (two `hash-object`), checking git's ids against the computed ones. */
async function writeDirObjects(repo: Repo, captures: DirCapture[]): Promise<void> {
  const blobs = new Map<string, Buffer>();
  for (const capture of captures) for (const file of capture.files) blobs.set(file.oid, file.content);
  const trees = captures.map((c) => treeContent(new Map(c.files.map((f) => [f.name, { mode: '100644', oid: f.oid }]))));
  const [blobIds, treeIds] = await Promise.all([writeObjects(repo, 'blob', [...blobs.values()]), writeObjects(repo, 'tree', trees)]);
  const expected = [...blobs.keys(), ...captures.map((c) => c.tree)];
  const got = [...blobIds, ...treeIds];
  expected.forEach((oid, i) => {
    if (got[i] !== oid) throw new GuardError('internal', `git wrote ${got[i]} for the operation object computed as ${oid}`);
  });
}

/** Every hex word of 7 to 64 digits in the files that are not patches. */
function hexWords(captures: DirCapture[]): string[] {
  const words = new Set<string>();
  for (const capture of captures) {
    for (const file of capture.files) {
      // rebase-apply's numbered files are the patches (mails) themselves, not commits to keep.
      if ((capture.dir === 'rebase-apply' && /^\d+$/.test(file.name)) || file.content.length > MAX_SCANNED_BYTES) continue;
      for (const m of file.content.toString('latin1').matchAll(/(?<![0-9A-Za-z])[0-9a-f]{7,64}(?![0-9A-Za-z])/g)) {
        words.add(m[0]);
        if (words.size >= MAX_TOKENS) return [...words];
      }
    }
  }
  return [...words];
}

/**
 * The commits the files name, reduced to those no other of them reaches: one `cat-file
 * --batch-check` (a short id resolves as git resolves it; an ambiguous or missing one, or a blob
 * id in a patch, is left out) and, for more than one commit, one `merge-base --independent`.
 */
async function namedCommits(repo: Repo, captures: DirCapture[]): Promise<string[]> {
  const words = hexWords(captures);
  if (words.length === 0) return [];
  const { stdout } = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo.root, input: words.map((w) => `${w}\n`).join('') });
  const commits = new Set<string>();
  for (const line of stdout.toString('latin1').split('\n')) {
    const [oid, type] = line.split(' ');
    if (type === 'commit' && oid && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid)) commits.add(oid);
  }
  if (commits.size <= 1) return [...commits];
  const independent = await runGit(['merge-base', '--independent', ...commits], { cwd: repo.root });
  return independent.stdout.toString('latin1').split('\n').filter(Boolean).sort();
}

/**
 * The state a snapshot records, from what readOperationState read: the directories' trees
 * written and the commits they name added (`dirCommits`). When `previous` recorded the same
 * directories, its objects and commits are taken as they are: no git process.
 */
export async function recordOperationDirs(repo: Repo, state: OperationState | null, captures: DirCapture[], previous: OperationState | null | undefined): Promise<OperationState | null> {
  if (!state?.dirs || captures.length === 0) return state;
  if (previous?.dirs && JSON.stringify(previous.dirs) === JSON.stringify(state.dirs) && previous.dirCommits) return { ...state, dirCommits: previous.dirCommits };
  const [, commits] = await Promise.all([writeDirObjects(repo, captures), namedCommits(repo, captures)]);
  return { ...state, dirCommits: commits };
}

/** The entries of the keeper's tree that keep the directories' trees: `operation-<name>`. */
export function operationDirEntries(state: OperationState | null | undefined): TreeEntry[] {
  return Object.entries(state?.dirs ?? {}).map(([dir, oid]) => ({ mode: '040000', type: 'tree', oid: oid!, name: `operation-${dir}` }));
}

/** The files of a recorded directory: one `cat-file --batch` for the tree, one for its blobs. */
export async function readDirTree(repo: Repo, tree: string): Promise<Array<{ name: string; content: Buffer }>> {
  const [object] = await readObjects(repo, [tree]);
  if (object?.type !== 'tree') throw new GuardError('internal', `the recorded operation directory ${tree.slice(0, 12)} is missing`, { hints: ['Check the repository with `git fsck`.'] });
  const entries = [...parseTree(object.content, object.oid.length / 2)];
  const blobs = await readObjects(repo, entries.map(([, e]) => e.oid));
  return entries.map(([name, e], i) => {
    const blob = blobs[i];
    if (blob?.type !== 'blob') throw new GuardError('internal', `a file of the recorded operation directory ${tree.slice(0, 12)} is missing (${e.oid.slice(0, 12)})`, { hints: ['Check the repository with `git fsck`.'] });
    return { name, content: blob.content };
  });
}

/**
 * A name next to `where` for guard's own use, which git never reads: with this process's pid and
 * pid-space tag, so one left by a killed guard is removed by the next snapshot or write-back
 * (removeStaleOperationTemps, snapshot/temp-index.ts).
 */
function sibling(where: string, tag: 'new' | 'old'): string {
  return path.join(path.dirname(where), `.${path.basename(where)}.guard-${tag}-${process.pid}.${pidSpaceTag()}`);
}

/**
 * Puts the directory at `where` (present or not) to hold exactly `files`: built under a name git
 * does not read, then renamed into place, so git sees the old directory, no directory (for the
 * moment between two renames when one is replaced) or the whole new one, never part of it.
 */
export async function putOperationDir(where: string, files: Array<{ name: string; content: Buffer }>): Promise<void> {
  const fresh = sibling(where, 'new');
  await fs.rm(fresh, { recursive: true, force: true });
  await fs.mkdir(fresh);
  for (const file of files) await fs.writeFile(childPath(fresh, file.name), file.content);
  // Test-only (compiled out of the product): killed with the new directory built, not yet in place.
  if (TEST_FAULTS && testFault('GUARD_TEST_KILL_IN_OPERATION_DIR') !== undefined) process.kill(process.pid, 'SIGKILL');
  const old = sibling(where, 'old');
  await fs.rm(old, { recursive: true, force: true });
  let replaced = false;
  try {
    await fs.rename(where, old);
    replaced = true;
  } catch (error) {
    if (!gone(error)) throw error;
  }
  await fs.rename(fresh, where);
  if (replaced) await fs.rm(old, { recursive: true, force: true });
}

/** Removes the directory at `where`: renamed away first, so git never sees part of it. */
export async function removeOperationDir(where: string): Promise<void> {
  const old = sibling(where, 'old');
  await fs.rm(old, { recursive: true, force: true });
  try {
    await fs.rename(where, old);
  } catch (error) {
    if (gone(error)) return;
    throw error;
  }
  await fs.rm(old, { recursive: true, force: true });
}
