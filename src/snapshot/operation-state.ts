/**
 * git's own state of a merge, cherry-pick or revert in progress (format.ts `operationState`;
 * docs/snapshot-format.md owns the field and lists the files git writes that are not recorded,
 * AUTO_MERGE among them): the commits in MERGE_HEAD (one per line, several for an octopus),
 * CHERRY_PICK_HEAD, REVERT_HEAD and MERGE_AUTOSTASH (a `merge --autostash`'s stash of the person's
 * changes, applied when the merge ends), and the bytes of MERGE_MSG and MERGE_MODE.
 * Without them a rollback to a snapshot taken mid-merge brought back the conflicted index but no
 * merge: `git commit` after resolving made an ordinary commit and the merge's second parent was
 * silently lost.
 *
 * The files are found with `git rev-parse --git-path` (a linked worktree has its own; git/repo.ts
 * gitPaths, asked once per process), read only
 * when a snapshot sees such an operation (so an ordinary snapshot pays nothing), and written back
 * by rollback and recover. A rebase or `git am` keeps its state in a directory (rebase-merge/,
 * rebase-apply/), a multi-commit cherry-pick or revert in sequencer/, with REBASE_HEAD and
 * MERGE_MSG beside: operation-dirs.ts records those directories and writes them back. A bisect
 * keeps its state in the BISECT_* files (bisect-files.ts) and the refs/bisect/* refs (recorded
 * with the other refs: repo-state.ts).
 *
 * Ref formats: MERGE_HEAD (and FETCH_HEAD) are files in the git dir whatever the ref format, as
 * are MERGE_MSG and MERGE_MODE. CHERRY_PICK_HEAD, REVERT_HEAD (and MERGE_AUTOSTASH, which git
 * writes through the ref API since 2.44 as far as we know: not checked, git 2.39 here) are ordinary pseudo-refs written
 * through the ref backend: loose files with the files backend, but entries of the reftable stack
 * in a reftable repository (`git init --ref-format=reftable`, git >= 2.45), where no such file
 * exists. There they are read with one `cat-file --batch-check` and written with one
 * `update-ref --stdin`; `rev-parse --show-ref-format` (asked along with HEAD by repo-state.ts, and
 * echoed back as is by a git before 2.45, which only has the files backend) says which.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { gitPaths, type Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { GuardError } from '../errors.js';
import type { Operation, OperationState } from './format.js';
import { pidSpaceTag } from '../util/process-alive.js';
import { OPERATION_DIRS, putOperationDir, readDirTree, readOperationDir, removeOperationDir, type DirCapture, type HashName } from './operation-dirs.js';
import { BISECT_LABEL, readBisectFiles, writeBisectFiles } from './bisect-files.js';

/** The operations whose state a snapshot records: a few small files, and rebase-merge/, rebase-apply/ or sequencer/ (operation-dirs.ts). */
export const RECORDED_OPERATIONS: readonly Operation[] = ['merge', 'cherry-pick', 'revert', 'rebase', 'am', 'bisect'];

/** MERGE_MSG (and MERGE_MODE) larger than this are not recorded, and listed in `omitted`. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** The files guard records and writes back, in the order their paths are asked for. */
const HEAD_FILES = { mergeHead: 'MERGE_HEAD', cherryPickHead: 'CHERRY_PICK_HEAD', revertHead: 'REVERT_HEAD', rebaseHead: 'REBASE_HEAD', origHead: 'ORIG_HEAD', mergeAutostash: 'MERGE_AUTOSTASH' } as const;
const BYTE_FILES = { mergeMsg: 'MERGE_MSG', mergeMode: 'MERGE_MODE' } as const;
const NAMES = [...Object.values(HEAD_FILES), ...Object.values(BYTE_FILES), ...OPERATION_DIRS] as const;
type Name = (typeof NAMES)[number];

const OID_LINE = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The pseudo-refs that live in the ref backend (a reftable's stack), not in files there. */
const BACKEND_HEADS = ['CHERRY_PICK_HEAD', 'REVERT_HEAD', 'REBASE_HEAD', 'ORIG_HEAD', 'MERGE_AUTOSTASH'] as const;

/**
 * ORIG_HEAD is recorded only during a `git am`, whose --abort resets to it: with rebase-apply/
 * back but ORIG_HEAD missing (a recover after `rm -rf .git`) or moved (a `git reset` since),
 * `git am --abort` empties the index and deletes the branch, or goes back somewhere else. It is
 * written back but never removed: git leaves it after a reset, a merge, a rebase.
 */
const ORIG_HEAD_OPERATIONS: readonly Operation[] = ['am'];
export const NEVER_REMOVED: readonly string[] = ['ORIG_HEAD'];

interface Where {
  paths: Record<Name, string>;
  /** CHERRY_PICK_HEAD, REVERT_HEAD and REBASE_HEAD are reftable entries, not files. */
  reftable: boolean;
  /** The object ids' hash, for the directories' tree ids computed without git. */
  hash: HashName;
}

/**
 * Where git keeps each of the files for this worktree (git/repo.ts gitPaths: known to the process
 * once openRepo asked them), its hash, and its ref format: `reftable` when the caller read it
 * along with something else (repo-state.ts, with HEAD), else one `rev-parse --show-ref-format`
 * (never remembered: `git refs migrate` changes it under a long-lived process).
 */
async function gitPathsOf(repo: Repo, reftable?: boolean): Promise<Where> {
  const [{ paths, objectFormat }, format] = await Promise.all([
    gitPaths(repo, NAMES),
    reftable !== undefined ? Promise.resolve(reftable) : runGit(['rev-parse', '--show-ref-format'], { cwd: repo.root }).then((r) => isReftable(r.stdout.toString('utf8'))),
  ]);
  return {
    paths: Object.fromEntries(NAMES.map((name, i) => [name, paths[i]!])) as Record<Name, string>,
    hash: objectFormat,
    reftable: format,
  };
}

/** `rev-parse --show-ref-format`'s line: "files" or "reftable" (git >= 2.45), the option echoed back before. */
export function isReftable(line: string | undefined): boolean {
  return line?.trim() === 'reftable';
}

/**
 * CHERRY_PICK_HEAD, REVERT_HEAD and REBASE_HEAD of a reftable repository (this worktree's), from the ref
 * backend in one `cat-file --batch-check`; a missing one is left out.
 */
export async function readBackendHeads(repo: Repo): Promise<Partial<Record<(typeof BACKEND_HEADS)[number], string>>> {
  const { stdout } = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo.root, input: Buffer.from(BACKEND_HEADS.map((name) => `${name}\n`).join('')) });
  const lines = stdout.toString('utf8').split('\n');
  const out: Partial<Record<(typeof BACKEND_HEADS)[number], string>> = {};
  BACKEND_HEADS.forEach((name, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    if (type === 'commit' && oid && OID_LINE.test(oid)) out[name] = oid;
  });
  return out;
}

async function readOptional(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** The oids of a *_HEAD file: one per line (git writes `<oid>\n` for each); anything else is left out. */
function oidLines(content: Buffer): string[] {
  return content
    .toString('latin1')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => OID_LINE.test(line));
}

/** What a snapshot records of the operation: the state, and the directories' files to write as objects. */
export interface OperationRead {
  state: OperationState | null;
  dirs: DirCapture[];
}

/**
 * git's state of `operation` as it is on disk now, or null when `operation` is not one whose
 * state is recorded (or none of its files is there). One `rev-parse` and a few small reads.
 */
export async function readOperationState(repo: Repo, operation: Operation | null): Promise<OperationState | null> {
  return (await readOperationFiles(repo, operation)).state;
}

/** readOperationState, with the files of the directories read (operation-dirs.ts). */
export async function readOperationFiles(repo: Repo, operation: Operation | null, knownReftable?: boolean): Promise<OperationRead> {
  if (!operation || !RECORDED_OPERATIONS.includes(operation)) return { state: null, dirs: [] };
  const { paths: where, reftable, hash } = await gitPathsOf(repo, knownReftable);
  if (operation === 'bisect') return readBisect(where, hash);
  const state: OperationState = {};
  const omitted: string[] = [];
  const backend = reftable ? await readBackendHeads(repo) : {};
  for (const [key, name] of Object.entries(HEAD_FILES) as Array<[keyof typeof HEAD_FILES, Name]>) {
    if (key === 'origHead' && !ORIG_HEAD_OPERATIONS.includes(operation)) continue;
    if (reftable && key !== 'mergeHead') {
      const oid = backend[name as (typeof BACKEND_HEADS)[number]];
      if (oid) state[key] = oid;
      continue;
    }
    const content = await readOptional(where[name]);
    if (content === null) continue;
    const oids = oidLines(content);
    if (oids.length === 0) continue;
    if (key === 'mergeHead') state.mergeHead = oids;
    else state[key] = oids[0]!;
  }
  for (const [key, name] of Object.entries(BYTE_FILES) as Array<[keyof typeof BYTE_FILES, Name]>) {
    const content = await readOptional(where[name]);
    if (content === null) continue;
    if (content.length > MAX_MESSAGE_BYTES) omitted.push(name);
    else state[key] = content.toString('base64');
  }
  if (await exists(where.sequencer)) state.sequencer = true;
  const captures: DirCapture[] = [];
  for (const dir of OPERATION_DIRS) {
    const read = await readOperationDir(dir, where[dir], hash);
    if (!read) continue;
    if ('omitted' in read) omitted.push(`${dir}/`);
    else {
      (state.dirs ??= {})[dir] = read.tree;
      captures.push(read);
    }
  }
  if (omitted.length > 0) state.omitted = omitted;
  return { state: Object.keys(state).length > 0 ? state : null, dirs: captures };
}

/** A bisect's state: its BISECT_* files, in this worktree's git directory (where MERGE_HEAD would be). */
async function readBisect(where: Where['paths'], hash: HashName): Promise<OperationRead> {
  const read = await readBisectFiles(path.dirname(where.MERGE_HEAD), hash);
  if (!read) return { state: null, dirs: [] };
  if ('omitted' in read) return { state: { omitted: [BISECT_LABEL] }, dirs: [] };
  return { state: { dirs: { bisect: read.tree } }, dirs: [read] };
}

/** The commits the state names, which the keeper keeps reachable as long as the snapshot. */
export function operationCommits(state: OperationState | null | undefined): string[] {
  if (!state) return [];
  const heads = [state.cherryPickHead, state.revertHead, state.rebaseHead, state.origHead, state.mergeAutostash].filter((oid): oid is string => !!oid);
  return [...new Set([...(state.mergeHead ?? []), ...heads, ...(state.dirCommits ?? [])])];
}

/**
 * Same recorded state (absent and null are the same: no state). `dirCommits` is left out: it
 * follows from the directories' trees, and a state read from disk (rollback's checks) has none.
 */
export function sameOperationState(a: OperationState | null | undefined, b: OperationState | null | undefined): boolean {
  const bare = (s: OperationState | null | undefined): string => {
    if (!s) return 'null';
    const { dirCommits: _, ...rest } = s;
    return JSON.stringify(rest);
  };
  return bare(a) === bare(b);
}

/** The file names a state holds (for people: "MERGE_HEAD, MERGE_MSG, MERGE_MODE", "rebase-merge/"). */
export function operationFiles(state: OperationState | null | undefined): string[] {
  if (!state) return [];
  const names: string[] = [];
  for (const [key, name] of Object.entries({ ...HEAD_FILES, ...BYTE_FILES })) if ((state as Record<string, unknown>)[key] !== undefined) names.push(name);
  for (const dir of OPERATION_DIRS) if (state.dirs?.[dir]) names.push(`${dir}/`);
  if (state.dirs?.bisect) names.push(BISECT_LABEL);
  return names;
}

/** Each file's bytes as git writes them; null for a file the state does not hold. */
function contentsOf(state: OperationState | null | undefined): Record<string, Buffer | null> {
  const out: Record<string, Buffer | null> = {};
  out.MERGE_HEAD = state?.mergeHead ? Buffer.from(state.mergeHead.map((oid) => `${oid}\n`).join('')) : null;
  out.CHERRY_PICK_HEAD = state?.cherryPickHead ? Buffer.from(`${state.cherryPickHead}\n`) : null;
  out.REVERT_HEAD = state?.revertHead ? Buffer.from(`${state.revertHead}\n`) : null;
  out.REBASE_HEAD = state?.rebaseHead ? Buffer.from(`${state.rebaseHead}\n`) : null;
  out.ORIG_HEAD = state?.origHead ? Buffer.from(`${state.origHead}\n`) : null;
  out.MERGE_AUTOSTASH = state?.mergeAutostash ? Buffer.from(`${state.mergeAutostash}\n`) : null;
  out.MERGE_MSG = state?.mergeMsg !== undefined ? Buffer.from(state.mergeMsg, 'base64') : null;
  out.MERGE_MODE = state?.mergeMode !== undefined ? Buffer.from(state.mergeMode, 'base64') : null;
  return out;
}

/**
 * Puts git's operation state from `from` (what is on disk now, as recorded) to `to`: writes each
 * file `to` holds (temp name, then rename) and each directory (built under a temp name, then
 * renamed into place: operation-dirs.ts), and removes each file and directory `from` held that
 * `to` does not. A file no snapshot holds is never removed, and a directory is replaced or removed
 * only when it is still exactly what `from` recorded (compare-and-swap: otherwise nothing is
 * written and this throws). The heads are written last, so an interruption leaves at worst a
 * message file or a directory, and no head git would act on; removal goes the other way round.
 */
export async function writeOperationState(repo: Repo, from: OperationState | null | undefined, to: OperationState | null | undefined, env?: Record<string, string>): Promise<void> {
  if (!from && !to) return;
  const { paths: where, reftable, hash } = await gitPathsOf(repo);
  const now = contentsOf(from);
  const goal = contentsOf(to);
  const dirs = await plannedDirs(repo, where, hash, from, to);
  // The BISECT_* files (never together with another operation's): written or removed whole, checked against `from` first.
  const bisectFrom = from?.dirs?.bisect ?? null;
  const bisectTo = to?.dirs?.bisect ?? null;
  if (bisectFrom !== bisectTo) await writeBisectFiles(path.dirname(where.MERGE_HEAD), hash, bisectFrom, bisectTo ? await readDirTree(repo, bisectTo) : null);
  // MERGE_AUTOSTASH is written before MERGE_HEAD and removed after it: git never sees the merge without it.
  const heads = ['MERGE_AUTOSTASH', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'REBASE_HEAD', 'ORIG_HEAD'] as const;
  const messages = ['MERGE_MSG', 'MERGE_MODE'] as const;
  type FileName = (typeof heads)[number] | (typeof messages)[number];
  const inBackend = (name: FileName): boolean => reftable && (BACKEND_HEADS as readonly string[]).includes(name);
  const put = async (name: FileName): Promise<void> => {
    const file = where[name];
    const content = goal[name];
    if (content && !inBackend(name)) {
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.guard-${process.pid}.${pidSpaceTag()}`);
      await fs.writeFile(tmp, content);
      await fs.rename(tmp, file);
    }
  };
  for (const name of messages) await put(name);
  for (const { dir, files } of dirs) if (files) await putOperationDir(where[dir], files);
  for (const name of heads) await put(name);
  // A reftable's CHERRY_PICK_HEAD, REVERT_HEAD and REBASE_HEAD: set and deleted in one transaction, after the files.
  const commands = reftable
    ? BACKEND_HEADS.flatMap((name) => (goal[name] ? [`update ${name} ${goal[name]!.toString('utf8').trim()}\n`] : now[name] && !NEVER_REMOVED.includes(name) ? [`delete ${name}\n`] : []))
    : [];
  if (commands.length > 0) {
    await runGit(['update-ref', '-m', 'guard: rollback', '--no-deref', '--stdin'], { cwd: repo.root, input: Buffer.from(commands.join('')), ...(env ? { env } : {}) });
  }
  // Removed directories first (once rebase-merge/ is gone git sees no rebase), then the heads
  // (once MERGE_HEAD is gone git sees no merge), whatever message is left.
  for (const { dir, files } of dirs) if (!files) await removeOperationDir(where[dir]);
  for (const name of [...heads].reverse()) if (!goal[name] && now[name] && !inBackend(name) && !NEVER_REMOVED.includes(name)) await fs.rm(where[name], { force: true });
  for (const name of [...messages].reverse()) if (!goal[name] && now[name]) await fs.rm(where[name], { force: true });
}

/**
 * The directories to change, each with the files it gets (null: removed), after checking that
 * each is on disk what `from` recorded (absent when `from` has none): a rebase the person started
 * since, or one guard could not record, is never replaced or removed.
 */
async function plannedDirs(repo: Repo, where: Where['paths'], hash: HashName, from: OperationState | null | undefined, to: OperationState | null | undefined): Promise<Array<{ dir: (typeof OPERATION_DIRS)[number]; files: Array<{ name: string; content: Buffer }> | null }>> {
  const out: Array<{ dir: (typeof OPERATION_DIRS)[number]; files: Array<{ name: string; content: Buffer }> | null }> = [];
  for (const dir of OPERATION_DIRS) {
    const want = to?.dirs?.[dir] ?? null;
    const had = from?.dirs?.[dir] ?? null;
    if (want === had) continue;
    const disk = await readOperationDir(dir, where[dir], hash);
    const onDisk = disk === null ? null : 'tree' in disk ? disk.tree : 'unrecorded';
    if (onDisk !== had) {
      throw new GuardError('refused', `git's ${dir}/ (${where[dir]}) is not what the rollback planned from (${onDisk === null ? 'it is gone' : had === null ? 'one was made meanwhile' : 'it changed meanwhile'}); git's operation state was left as it is`, {
        hints: ['Finish or abort the operation in progress, then run the rollback again: it plans from the new state.'],
      });
    }
    out.push({ dir, files: want ? await readDirTree(repo, want) : null });
  }
  return out;
}
