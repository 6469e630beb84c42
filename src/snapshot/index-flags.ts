/**
 * Index entries whose state no tree can hold, kept beside the snapshot's trees:
 *  - assume-unchanged (`git update-index --assume-unchanged`) and skip-worktree
 *    (`--skip-worktree`): people mark a tracked file so to keep a local override of it (a config
 *    file with their own database). git status does not look at such a file, so its local bytes
 *    were in no snapshot: a capture asks for them by name (capture-worktree.ts), and the bits are
 *    recorded so rollback sets them again;
 *  - intent-to-add (`git add -N`): the entry is in no tree (write-tree leaves it out), so rollback
 *    gave the file back untracked.
 * In a sparse checkout skip-worktree marks everything outside the cone (most of the index):
 * those entries are left to git's own `sparse-checkout reapply`, as before.
 *
 * Paths are byte strings (latin1) in memory and git-quoted text (pathText) in the metadata, the
 * way every recorded path is.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { pathFromText, pathText, type GitPath } from '../git/path.js';
import { indexFlagsOfAnyFormat, isSplitIndex, type IndexFlags } from './index-file.js';
import { copyUserIndex, tempDir } from './temp-index.js';
import { pidSpaceTag } from '../util/process-alive.js';

/** What a snapshot records (SnapshotMeta.indexFlags): each list only when not empty. */
export interface IndexFlagsMeta {
  assumeUnchanged?: string[];
  skipWorktree?: string[];
  intentToAdd?: string[];
}

export const NO_FLAGS: IndexFlags = { assumeUnchanged: [], skipWorktree: [], intentToAdd: [], metaChanged: [] };

/**
 * The flags of a split index (`core.splitIndex`): its own file holds only the entries changed since
 * its shared index was written, the rest are in `sharedindex.<oid>`, so the bytes alone say
 * nothing. A private copy is written whole by git (one `update-index --no-split-index`, only in a
 * repository with a split index) and read. Before 2026-12-07 a split index read as having no
 * flags: an intent-to-add entry, an assume-unchanged or a skip-worktree bit was not recorded, and a
 * rollback after `git reset --hard` gave `git add -N`'s file back untracked (found on a helix
 * clone with core.splitIndex, helper rbaudit).
 */
async function wholeIndexFlags(repo: Repo): Promise<IndexFlags | null> {
  const temp = await copyUserIndex(repo);
  try {
    const written = await runGit(['-c', 'core.splitIndex=false', 'update-index', '--no-split-index'], { cwd: repo.root, env: { GIT_INDEX_FILE: temp.file }, okCodes: [128] });
    if (written.code !== 0) return null;
    return indexFlagsOfAnyFormat(await fs.readFile(temp.file));
  } finally {
    await temp.dispose();
  }
}

/** A sparse checkout's patterns file exists (this worktree's): skip-worktree is the cone's business then. */
export async function isSparseCheckout(repo: Repo): Promise<boolean> {
  return fs.access(path.join(repo.gitDir, 'info', 'sparse-checkout')).then(
    () => true,
    () => false,
  );
}

/** The flagged entries of the user's index file (its bytes), skip-worktree ones left out in a sparse checkout. */
export async function readIndexFlags(repo: Repo, data: Buffer | null): Promise<IndexFlags> {
  const flags = indexFlagsOfAnyFormat(data) ?? (data && (isSplitIndex(data, 20) || isSplitIndex(data, 32)) ? await wholeIndexFlags(repo) : null);
  if (!flags) return NO_FLAGS;
  if (flags.skipWorktree.length > 0 && (await isSparseCheckout(repo))) return { ...flags, skipWorktree: [] };
  return flags;
}

export function hasFlags(flags: IndexFlags): boolean {
  return flags.assumeUnchanged.length > 0 || flags.skipWorktree.length > 0 || flags.intentToAdd.length > 0;
}

/** The metadata field, absent (undefined) when no entry is flagged. */
export function flagsMeta(flags: IndexFlags): IndexFlagsMeta | undefined {
  if (!hasFlags(flags)) return undefined;
  const text = (list: string[]): string[] => list.map((p) => pathText(p as GitPath));
  return {
    ...(flags.assumeUnchanged.length > 0 ? { assumeUnchanged: text(flags.assumeUnchanged) } : {}),
    ...(flags.skipWorktree.length > 0 ? { skipWorktree: text(flags.skipWorktree) } : {}),
    ...(flags.intentToAdd.length > 0 ? { intentToAdd: text(flags.intentToAdd) } : {}),
  };
}

const nulList = (paths: GitPath[]): Buffer => Buffer.concat(paths.map((p) => Buffer.from(`${p}\0`, 'latin1')));

/**
 * Takes the assume-unchanged and skip-worktree bits off `paths` in a private index (so that
 * update-index records their bytes, and read-tree -u writes and removes their files: git does
 * neither for a flagged entry). Each list must name entries the index has with that bit.
 */
export async function clearFlags(repo: Repo, indexFile: string, flags: Pick<IndexFlags, 'assumeUnchanged' | 'skipWorktree'>): Promise<void> {
  const env = { GIT_INDEX_FILE: indexFile };
  // update-index applies only the first of two marking options: one call each.
  if (flags.assumeUnchanged.length > 0) await runGit(['update-index', '--no-assume-unchanged', '-z', '--stdin'], { cwd: repo.root, env, input: nulList(flags.assumeUnchanged as GitPath[]) });
  if (flags.skipWorktree.length > 0) await runGit(['update-index', '--no-skip-worktree', '-z', '--stdin'], { cwd: repo.root, env, input: nulList(flags.skipWorktree as GitPath[]) });
}

/**
 * Sets a snapshot's recorded bits on the index `indexFile` built from its index tree (rollback),
 * once the working tree holds the snapshot's files: intent-to-add entries first (`git add -N`
 * needs the file), then the two marks on entries the index has.
 */
export async function applyFlags(repo: Repo, indexFile: string, meta: IndexFlagsMeta | undefined): Promise<void> {
  if (!meta) return;
  const env = { GIT_INDEX_FILE: indexFile };
  const paths = (list: string[] | undefined): GitPath[] => (list ?? []).map(pathFromText);
  // `git add -N` needs a file by each name. Those on disk are added here; an intent-to-add entry
  // whose file was gone at the snapshot (`git add -N x && rm x`, kept by git as added-then-deleted)
  // is added from an empty file of that name in a private temp work tree, so the work tree gets no
  // file it did not have (the rollback fuzzer found these entries dropped, seed 1075). A refusal
  // leaves the index as read-tree made it (the bits are not worth stopping a rollback half-way for).
  const all = paths(meta.intentToAdd);
  const onDisk = await Promise.all(all.map(async (p) => ((await fs.lstat(Buffer.concat([Buffer.from(`${repo.root}${path.sep}`, 'utf8'), Buffer.from(p, 'latin1')])).then(() => true, () => false)) ? p : null)));
  const intentToAdd = onDisk.filter((p): p is GitPath => p !== null);
  const missing = all.filter((_, i) => onDisk[i] === null);
  // Names as given, glob characters included; -f: an ignored file may have been added so.
  // Sparse rules off: git add refuses a path outside the sparse definition of now, and a rollback
  // adds the entries before it writes the target's definition back (a root file left out by the
  // view an agent set: the fuzzer's seed 1062).
  const addN = ['-c', 'core.sparseCheckout=false', '--literal-pathspecs', 'add', '-f', '-N', '--pathspec-from-file=-', '--pathspec-file-nul'];
  if (intentToAdd.length > 0) await runGit(addN, { cwd: repo.root, env, input: nulList(intentToAdd), okCodes: [1, 128] });
  if (missing.length > 0) {
    const tree = path.join(tempDir(repo), `index-${process.pid}.${pidSpaceTag()}-intent-${randomBytes(6).toString('hex')}`);
    try {
      const base = Buffer.from(`${tree}${path.sep}`, 'utf8');
      for (const p of missing) {
        const rel = Buffer.from(p, 'latin1');
        const slash = rel.lastIndexOf(0x2f);
        await fs.mkdir(slash > 0 ? Buffer.concat([base, rel.subarray(0, slash)]) : tree, { recursive: true });
        await fs.writeFile(Buffer.concat([base, rel]), '');
      }
      // The repository's git dir with the temp work tree.
      await runGit(addN, { cwd: tree, env: { ...env, GIT_DIR: repo.gitDir, GIT_WORK_TREE: tree }, input: nulList(missing), okCodes: [1, 128] });
    } finally {
      await fs.rm(tree, { recursive: true, force: true });
    }
  }
  const present = new Set<string>();
  const marked = [...paths(meta.assumeUnchanged), ...paths(meta.skipWorktree)];
  if (marked.length > 0) {
    // Only entries the index has can be marked (update-index stops at any other).
    const listed = await runGit(['ls-files', '-z', '--cached'], { cwd: repo.root, env });
    for (const p of listed.stdout.toString('latin1').split('\0')) if (p) present.add(p);
  }
  const mark = async (option: string, list: GitPath[]): Promise<void> => {
    const have = list.filter((p) => present.has(p));
    if (have.length > 0) await runGit(['update-index', option, '-z', '--stdin'], { cwd: repo.root, env, input: nulList(have) });
  };
  await mark('--assume-unchanged', paths(meta.assumeUnchanged));
  await mark('--skip-worktree', paths(meta.skipWorktree));
}
