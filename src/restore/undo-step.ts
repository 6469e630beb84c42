/**
 * `guard undo STEP`: reverts what one step changed and keeps everything after it. Per file the
 * step changed (B = before the step, A = after it, N = now):
 *   N is A          the file was not touched since: it goes back to B (content, mode, or absence);
 *   N is B          already as before the step: nothing to do;
 *   otherwise       a later step (or the person) changed it too: a three-way merge, `git merge-file`
 *                   with ours = N, base = A, theirs = B, which removes the step's hunks and keeps the
 *                   later ones. Overlapping hunks are a conflict: the file is left alone and
 *                   reported, unless asked (`force`: take B; `markers`: write the merge with
 *                   conflict markers). Adds, deletes, symlinks and binary files cannot be merged:
 *                   a later change to them is a conflict too.
 * The index follows where it still holds the step's version of a path (a `git rm` is undone too).
 * The result is applied by the rollback machinery (rollback.ts with the undone paths), so a
 * pre-undo snapshot is taken first and `guard rollback --undo` undoes the undo.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { gitPathsOf, pathText, type GitPath } from '../git/path.js';
import { commitTree, emptyTree, zeroOid } from '../git/objects.js';
import { GuardError } from '../errors.js';
import { createSnapshot } from '../snapshot/create.js';
import { startCaptureStillThere } from '../session/captured-still-there.js';
import type { Snapshot } from '../snapshot/format.js';
import { readSnapshots } from '../snapshot/read.js';
import { emptyTempIndex, tempDir } from '../snapshot/temp-index.js';
import { pidSpaceTag } from '../util/process-alive.js';
import type { Step } from '../session/timeline.js';
import { rollback, type RollbackResult } from './rollback.js';
import { listRawFiles } from '../snapshot/raw-files.js';
import { editTree as editTreeOnto, treeId, type PathChange } from '../snapshot/tree-edit.js';
import type { RollbackPlan } from './plan.js';

export interface Entry {
  mode: string;
  oid: string;
}

export type UndoAction = 'revert' | 'merged' | 'unchanged' | 'conflict' | 'forced' | 'markers';

export interface UndoFile {
  /** Display text of the path (pathText). */
  path: string;
  /** The path byte-exact. */
  bytes: GitPath;
  action: UndoAction;
  /** Why a file is a conflict (or was forced / written with markers). */
  reason?: string;
}

export interface UndoPlan {
  step: string;
  files: UndoFile[];
  /** The worktree and index trees the undo leads to. */
  goal: { tree: string; indexTree: string };
  now: Snapshot;
}

export interface UndoOptions {
  conflicts?: 'skip' | 'markers';
  force?: boolean;
  dryRun?: boolean;
  confirm: (plan: RollbackPlan, undo: UndoPlan) => Promise<boolean>;
  snapshot?: { maxFileSize?: number; includeIgnored?: string[] };
  /** The confirmation waits on a person: the watcher is paused only once confirmed (rollback.ts). */
  asks?: boolean;
}

export interface UndoResult {
  plan: UndoPlan;
  applied: boolean;
  rollback: RollbackResult | null;
}

/** `git diff-tree -r -z --raw from to`: path (bytes) -> [old entry | null, new entry | null]. */
async function rawDiff(repo: Repo, from: string, to: string): Promise<Map<GitPath, [Entry | null, Entry | null]>> {
  const out = new Map<GitPath, [Entry | null, Entry | null]>();
  if (from === to) return out;
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', from, to], { cwd: repo.root });
  const parts = gitPathsOf(stdout);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [oldMode, newMode, oldOid, newOid] = parts[i]!.slice(1).split(' ') as [string, string, string, string];
    const entry = (mode: string, oid: string): Entry | null => (/^0+$/.test(mode) ? null : { mode, oid });
    out.set(parts[i + 1]!, [entry(oldMode, oldOid), entry(newMode, newOid)]);
  }
  return out;
}

const same = (a: Entry | null, b: Entry | null): boolean => (a === null ? b === null : b !== null && a.mode === b.mode && a.oid === b.oid);
const regular = (e: Entry | null): e is Entry => e !== null && (e.mode === '100644' || e.mode === '100755');

async function blob(repo: Repo, oid: string): Promise<Buffer> {
  return (await runGit(['cat-file', 'blob', oid], { cwd: repo.root })).stdout;
}

/** ours = now, base = after the step, theirs = before it; the merged bytes and whether they conflict. */
async function mergeFile(repo: Repo, ours: Entry, base: Entry, theirs: Entry): Promise<{ merged: Buffer; conflict: boolean } | null> {
  // Named like the private indexes (pid and pid-space tag): one a killed undo leaves behind is
  // swept by the next snapshot (removeStaleTempFiles), a rollback's included.
  const dir = await fs.mkdtemp(path.join(tempDir(repo), `undo-${process.pid}.${pidSpaceTag()}-`));
  try {
    const files = ['now', 'after-step', 'before-step'].map((name) => path.join(dir, name));
    const contents = await Promise.all([ours, base, theirs].map((e) => blob(repo, e.oid)));
    await Promise.all(files.map((f, i) => fs.writeFile(f, contents[i]!)));
    // -p: the result on stdout; the exit code is the number of conflicts (capped at 127), or
    // 255 when git cannot merge (binary files).
    const result = await runGit(['merge-file', '-p', '-L', 'now', '-L', 'after the step', '-L', 'before the step', ...files], {
      cwd: repo.root,
      okCodes: Array.from({ length: 256 }, (_, i) => i),
    });
    if (result.code < 0 || result.code > 127) return null;
    return { merged: result.stdout, conflict: result.code !== 0 };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function writeBlob(repo: Repo, content: Buffer): Promise<string> {
  return (await runGit(['hash-object', '-w', '-t', 'blob', '--stdin'], { cwd: repo.root, input: content })).stdout.toString('utf8').trim();
}

/** `tree` with entries replaced (null: removed), through a private index; paths stay bytes. */
async function editTree(repo: Repo, tree: string, edits: Map<GitPath, Entry | null>, sample: string): Promise<string> {
  if (edits.size === 0) return tree;
  const index = await emptyTempIndex(repo);
  try {
    const env = { GIT_INDEX_FILE: index.file };
    await runGit(['read-tree', tree], { cwd: repo.root, env });
    const zero = zeroOid(sample);
    const records = [...edits].map(([p, e]) => (e ? `${e.mode} ${e.oid}\t${p}\0` : `0 ${zero}\t${p}\0`));
    await runGit(['update-index', '-z', '--index-info'], { cwd: repo.root, env, input: Buffer.from(records.join(''), 'latin1') });
    return (await runGit(['write-tree'], { cwd: repo.root, env })).stdout.toString('utf8').trim();
  } finally {
    await index.dispose();
  }
}

export async function planUndo(repo: Repo, step: Step, options: Pick<UndoOptions, 'conflicts' | 'force' | 'snapshot'>): Promise<UndoPlan> {
  if (!step.before || !step.after || step.before === step.after || step.files.length === 0) {
    throw new GuardError('user', `step ${step.id} changed no file; there is nothing to undo`, {
      hints: step.refs.length > 0 ? [`It moved refs; put them back with: guard rollback ${step.before?.slice(0, 12) ?? ''} (that restores the whole state before the step)`] : [],
    });
  }
  const { snapshot: now } = await createSnapshot(repo, { trigger: 'manual', message: `before undoing step ${step.id}`, ...options.snapshot });
  if (now.indexTree === null) {
    throw new GuardError('refused', 'the index has conflicts (a merge is in progress); undo changed nothing', { hints: ['Finish or abort the merge, then run the undo again.'] });
  }
  const snaps = await readSnapshots(repo, [step.before, step.after]);
  const before = snaps.get(step.before);
  const after = snaps.get(step.after);
  if (!before || !after) {
    throw new GuardError('user', `the snapshots of step ${step.id} are gone (retention dropped them); undo changed nothing`, { hints: ['See what is kept with `guard list`.'] });
  }
  const empty = await emptyTree(repo);
  const [stepDiff, laterDiff, stepIndex, laterIndex] = await Promise.all([
    rawDiff(repo, before.tree, after.tree),
    rawDiff(repo, after.tree, now.tree),
    rawDiff(repo, before.indexTree ?? empty, after.indexTree ?? empty),
    rawDiff(repo, after.indexTree ?? empty, now.indexTree),
  ]);

  const files: UndoFile[] = [];
  const treeEdits = new Map<GitPath, Entry | null>();
  const indexEdits = new Map<GitPath, Entry | null>();
  for (const [bytes, [b, a]] of stepDiff) {
    // An ignored file the session-start snapshot captured is in its tree only: compared with the
    // next snapshot it looks deleted. The step deleted nothing while the file is on disk (the
    // timeline shows no such change either); "reverting" it wrote the session start's copy over
    // the file (found: timeline test, a step right after the session start, under load).
    if (b !== null && a === null && startCaptureStillThere(repo.root, before, bytes)) continue;
    const n = laterDiff.has(bytes) ? laterDiff.get(bytes)![1] : a;
    const file: UndoFile = { path: pathText(bytes), bytes, action: 'revert' };
    let goal: Entry | null | undefined;
    if (same(n, a)) goal = b;
    else if (same(n, b)) file.action = 'unchanged';
    else {
      const merged = regular(n) && regular(a) && regular(b) ? await mergeFile(repo, n, a, b) : null;
      const mode = n && a && b && a.mode !== b.mode && n.mode === a.mode ? b.mode : (n?.mode ?? '100644');
      if (merged && !merged.conflict) {
        file.action = 'merged';
        goal = { mode, oid: await writeBlob(repo, merged.merged) };
      } else {
        file.reason = merged ? 'a later change overlaps what this step changed' : n === null ? 'deleted after this step' : a === null ? 'this step created it and it changed after' : b === null ? 'it did not exist before this step and changed after' : 'not a text file that can be merged (binary, symlink or mode change)';
        if (options.force) {
          file.action = 'forced';
          goal = b;
        } else if (options.conflicts === 'markers' && merged) {
          file.action = 'markers';
          goal = { mode, oid: await writeBlob(repo, merged.merged) };
        } else file.action = 'conflict';
      }
    }
    files.push(file);
    if (goal === undefined) continue;
    treeEdits.set(bytes, goal);
    // The index follows when it still holds what the step left there.
    const [ib, ia] = stepIndex.get(bytes) ?? [null, null];
    const inow = laterIndex.has(bytes) ? laterIndex.get(bytes)![1] : ia;
    if (stepIndex.has(bytes) && same(inow, ia)) indexEdits.set(bytes, ib);
  }
  const [tree, indexTree] = await Promise.all([editTree(repo, now.tree, treeEdits, now.oid), editTree(repo, now.indexTree, indexEdits, now.oid)]);
  return { step: step.id, files, goal: { tree, indexTree }, now };
}

/**
 * The raw tree R of the undo's goal (snapshot/raw-files.ts): now's, where a file the undo puts
 * back to the step's before takes that snapshot's raw bytes, and a merged file has none (its
 * bytes are git's checkout of the merge). null: no file needs raw bytes.
 */
async function undoRawTree(repo: Repo, now: Snapshot, beforeOid: string, changing: UndoFile[]): Promise<string | null> {
  const before = (await readSnapshots(repo, [beforeOid])).get(beforeOid);
  if (!now.rawFiles && !before?.rawFiles) return null;
  const [nowRaw, beforeRaw] = await Promise.all([now.rawFiles ? listRawFiles(repo, now.rawFiles.tree) : new Map(), before?.rawFiles ? listRawFiles(repo, before.rawFiles.tree) : new Map()]);
  const changes: PathChange[] = [];
  for (const f of changing) {
    const back = f.action === 'revert' || f.action === 'forced' ? beforeRaw.get(f.bytes) : undefined;
    if (back) changes.push({ path: f.bytes, entry: back });
    else if (nowRaw.has(f.bytes)) changes.push({ path: f.bytes, entry: null });
  }
  const empty = treeId(new Map(), now.tree.length === 64 ? 'sha256' : 'sha1');
  const tree = changes.length === 0 ? (now.rawFiles?.tree ?? empty) : (await editTreeOnto(repo, now.rawFiles?.tree ?? empty, changes)).tree;
  return tree === empty ? null : tree;
}

export async function undoStep(repo: Repo, step: Step, options: UndoOptions): Promise<UndoResult> {
  const plan = await planUndo(repo, step, options);
  const changing = plan.files.filter((f) => f.action === 'revert' || f.action === 'merged' || f.action === 'forced' || f.action === 'markers');
  if (options.dryRun || changing.length === 0) return { plan, applied: false, rollback: null };
  const oid = await commitTree(repo, plan.goal.tree, [plan.now.oid], `guard undo of step ${step.id}\n`);
  // The goal's raw bytes: now's R would write now's bytes over the files the undo reverts.
  const { rawFiles: _nowRaw, ...now } = plan.now;
  const rawTree = await undoRawTree(repo, plan.now, step.before!, changing);
  const target: Snapshot = { ...now, oid, tree: plan.goal.tree, indexTree: plan.goal.indexTree, rawIndex: null, message: `undo of step ${step.id}`, ...(rawTree ? { rawFiles: { tree: rawTree, commit: oid } } : {}) };
  const result = await rollback(repo, {
    target,
    // Byte for byte: a name that is not UTF-8 (or holds a newline) is undone like any other.
    exactPaths: changing.map((f) => f.bytes),
    filesOnly: true,
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(options.asks ? { asks: true } : {}),
    confirm: (rollbackPlan) => options.confirm(rollbackPlan, plan),
  });
  return { plan, applied: result.applied, rollback: result };
}
