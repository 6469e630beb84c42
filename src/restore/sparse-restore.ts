/**
 * Puts a sparse checkout's view back after guard's own read-tree, which ignores the patterns
 * (rollback.ts NO_SPARSE): the goal's pattern file and settings (sparse-state.ts), and the files
 * that go with them.
 *
 * The files: `git sparse-checkout reapply` over the user's index, just written, whose skip-worktree
 * bits still say which files are off the disk now: git writes the files that enter the view and
 * removes the tracked files that leave it (only those that match the index). It runs in non-cone
 * mode (`-c core.sparseCheckoutCone=false`; cone patterns mean the same there): in cone mode git
 * also deletes every directory leaving the cone that holds only ignored files, build output no
 * snapshot captured (found on a vite clone: packages/vite/dist went with a rollback, and its undo
 * could not bring it back). The same -c settings keep reapply from writing any config. Leaving
 * sparse checkout altogether is a reapply of the pattern `/*` (what `git sparse-checkout disable`
 * does), after which the pattern file and the settings become the goal's.
 *
 * Processes: none when neither state applies patterns; otherwise one rev-parse, one reapply, a
 * cat-file for the goal's patterns when they differ, and one `git config --worktree` per setting
 * that differs.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { checkObjects, readObjects } from '../git/batch-objects.js';
import { knownGitPaths, type Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import { readSparseConfig, sparseOn, type SparseConfig, type SparseState } from '../snapshot/sparse-state.js';

/** reapply under the pattern file as it is, without cone mode's directory cleaning and without writing config. */
const REAPPLY = ['-c', 'core.sparseCheckout=true', '-c', 'core.sparseCheckoutCone=false', 'sparse-checkout', 'reapply'];

const SETTINGS: Array<[keyof SparseConfig, string]> = [
  ['sparseCheckout', 'core.sparseCheckout'],
  ['cone', 'core.sparseCheckoutCone'],
  ['sparseIndex', 'index.sparse'],
];

async function patternFile(repo: Repo): Promise<string> {
  // Known to the process once openRepo asked it (git/repo.ts gitPaths).
  const known = knownGitPaths(repo, ['info/sparse-checkout']);
  if (known) return known[0]!;
  const { stdout } = await runGit(['rev-parse', '--path-format=absolute', '--git-path', 'info/sparse-checkout'], { cwd: repo.root });
  return stdout.toString('utf8').replace(/\n$/, '');
}

async function patternBytes(repo: Repo, oid: string): Promise<Buffer> {
  const [object] = await readObjects(repo, [oid]);
  if (object?.type !== 'blob') throw new GuardError('internal', `the recorded sparse-checkout patterns ${oid.slice(0, 12)} are missing`, { hints: ['Check the repository with `git fsck`.'] });
  return object.content;
}

/** Before anything changes: the goal's pattern blob must be there (K keeps it), or the rollback stops with nothing changed. */
export async function checkSparsePatterns(repo: Repo, goal: SparseState | undefined): Promise<void> {
  if (!goal?.patterns) return;
  const [present] = await checkObjects(repo, [goal.patterns]);
  if (!present) {
    throw new GuardError('internal', `the sparse-checkout patterns recorded in the snapshot (${goal.patterns.slice(0, 12)}) are missing; nothing was changed`, {
      hints: ['Check the repository with `git fsck`.', 'Restore only the files with: guard rollback <snapshot> --files-only'],
    });
  }
}

async function putFile(file: string, content: Buffer | null): Promise<void> {
  if (content === null) {
    await fs.rm(file, { force: true });
    return;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  // A git process never reads half a pattern file.
  await writeFileAtomic(file, content);
}

/** The settings of `goal` where they differ from `now`, in this worktree's config (as `git sparse-checkout` writes them). */
async function putSettings(repo: Repo, now: SparseConfig, goal: SparseConfig): Promise<void> {
  for (const [field, key] of SETTINGS) {
    const want = goal[field];
    if (want === now[field]) continue;
    const args = want === null ? ['config', '--worktree', '--unset-all', key] : ['config', '--worktree', key, String(want)];
    // 5: nothing to unset in this worktree's file (the value came from another).
    await runGit(args, { cwd: repo.root, okCodes: [5] });
  }
}

const UNSET: SparseConfig = { sparseCheckout: null, cone: null, sparseIndex: null };

/**
 * Makes the sparse state `goal` (undefined: a snapshot from before it was recorded, which leaves
 * the state as `now` has it) out of `now` (the pre-rollback snapshot's).
 */
export async function restoreSparse(repo: Repo, now: SparseState | undefined, goal: SparseState | undefined): Promise<void> {
  const current = now ?? (await readNow(repo));
  const target = goal ?? current;
  if (!sparseOn(current) && !sparseOn(target)) return;
  const file = await patternFile(repo);
  const goalPatterns = target.patterns ? (target.patterns === current.patterns ? null : await patternBytes(repo, target.patterns)) : null;
  if (sparseOn(target)) {
    if (goalPatterns) await putFile(file, goalPatterns);
    await runGit(REAPPLY, { cwd: repo.root, okCodes: [1] });
  } else {
    // Out of sparse checkout: every file comes back, then the file is the goal's (or none).
    await putFile(file, Buffer.from('/*\n'));
    await runGit(REAPPLY, { cwd: repo.root, okCodes: [1] });
    await putFile(file, target.patterns ? (goalPatterns ?? (await patternBytes(repo, target.patterns))) : null);
  }
  await putSettings(repo, current.config ?? UNSET, target.config ?? UNSET);
}

/** The state now, for a pre-rollback snapshot that did not record it (none does since it is recorded). */
async function readNow(repo: Repo): Promise<SparseState> {
  const file = await patternFile(repo);
  try {
    await fs.access(file);
  } catch {
    return { patterns: null };
  }
  // A stand-in id: only sparseOn and equality with a recorded goal are asked of it.
  return { patterns: 'unknown', config: await readSparseConfig(repo) };
}
