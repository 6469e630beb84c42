/**
 * Files the rollback would delete only because a changed `.gitignore` made them untracked.
 *
 * An agent that removes or rewrites a `.gitignore` (`git rm -rf .`, a fresh template without
 * `.env`) turns the files it ignored (`.env`, `node_modules/`) into untracked files, which the
 * next snapshot captures. A rollback to a snapshot from before saw them in the pre-rollback
 * snapshot and not in the target (ignored files are never in a snapshot) and deleted them: the
 * user's `.env` was gone after the rollback, though it was on disk at the target's time, ignored
 * (found on a vite clone). Under the target's ignore rules they are ignored files, which a
 * rollback never touches: they stay where they are.
 *
 * Judged with git's own rules: `check-ignore --no-index` once with the target's `.gitignore` files
 * (written into a temporary directory used as the work tree, with the repository's info/exclude and
 * core.excludesFile) and once in the real work tree, so a file the current rules ignore too (a
 * captured `.env` from snapshot.includeIgnored) is deleted as before. Only when the rollback
 * changes a `.gitignore` file and deletes something: no process otherwise.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { gitPathsOf, type GitPath } from '../git/path.js';
import { readObjects } from '../git/batch-objects.js';
import { runGit } from '../git/run.js';
import type { TempIndex } from '../snapshot/temp-index.js';
import { leavesAt } from '../snapshot/tree-edit.js';
import { overlayEntries, type OverlayEntry } from './tree-overlay.js';
import type { FileChange } from './plan.js';

const isIgnoreFile = (p: string): boolean => p === '.gitignore' || p.endsWith('/.gitignore');

/** The paths of `names` that git's ignore rules in `workTree` ignore (names as bytes). */
async function ignoredIn(repo: Repo, workTree: string, names: GitPath[]): Promise<Set<string>> {
  const result = await runGit(['--work-tree', workTree, 'check-ignore', '--no-index', '-z', '--stdin'], {
    cwd: workTree,
    env: { GIT_DIR: repo.gitDir, GIT_COMMON_DIR: repo.commonDir },
    input: Buffer.from(names.map((n) => `${n}\0`).join(''), 'latin1'),
    okCodes: [1],
  });
  return new Set(gitPathsOf(result.stdout));
}

/** Writes the `.gitignore` files of `tree` under `dir` at their paths; returns every name the tree holds. */
async function writeIgnoreFiles(repo: Repo, tree: string, dir: string): Promise<Set<string>> {
  const listed = await runGit(['ls-tree', '-r', '-z', tree], { cwd: repo.root });
  const files: Array<{ name: string; oid: string }> = [];
  const names = new Set<string>();
  for (const record of gitPathsOf(listed.stdout)) {
    const tab = record.indexOf('\t');
    const name = record.slice(tab + 1);
    names.add(name);
    const [, type, oid] = record.slice(0, tab).split(' ');
    if (type === 'blob' && isIgnoreFile(name)) files.push({ name, oid: oid! });
  }
  // Every .gitignore's content in one `cat-file --batch`, not a process per file.
  const contents = await readObjects(repo, files.map((f) => f.oid));
  for (const [i, { name }] of files.entries()) {
    const at = (p: string): Buffer => Buffer.concat([Buffer.from(`${dir}${path.sep}`, 'utf8'), Buffer.from(p, 'latin1')]);
    await fs.mkdir(at(path.posix.dirname(name)), { recursive: true });
    const blob = contents[i];
    // A missing blob would read as no rules at all: fail rather than delete on a guess.
    if (!blob) throw new Error(`the target's ${name} (${files[i]!.oid}) is missing from the object store`);
    await fs.writeFile(at(name), blob.content);
  }
  return names;
}

/**
 * The names of `names` that the ignore rules of `tree` (its .gitignore files, with the
 * repository's info/exclude and core.excludesFile) ignore: one `ls-tree`, one `cat-file --batch`
 * and one `check-ignore --no-index`.
 */
export async function ignoredByRulesOf(repo: Repo, tree: string, names: GitPath[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'guard-ignore-'));
  try {
    await writeIgnoreFiles(repo, tree, dir);
    return await ignoredIn(repo, dir, names);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A directory above `name` is a file (or link, gitlink) in the tree: `name` cannot stay there. */
function underFileOf(name: string, names: Set<string>): boolean {
  for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) if (names.has(name.slice(0, slash))) return true;
  return false;
}

/**
 * The files a rollback untracks: in the index tree `now`, not in `goal` (byte strings). One
 * `diff-tree` of the two trees, whatever the number of files; none when either is missing (a
 * conflicted index) or they are the same.
 */
export async function filesUntracked(repo: Repo, now: string | null, goal: string | null): Promise<ReadonlySet<string>> {
  if (!now || !goal || now === goal) return new Set();
  const removed = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-only', '--diff-filter=D', now, goal], { cwd: repo.root });
  return new Set<string>(gitPathsOf(removed.stdout));
}

/**
 * `goal` plus the files the plan deletes that the target's ignore rules ignore and the current ones
 * do not (their entries from `preTree`, so read-tree leaves them on disk as they are); `kept` names
 * them. The same tree when there are none.
 *
 * The same holds for a file the rollback untracks (in the index now, not in `index.goal`) that the
 * target's rules ignore, though the rules of now ignore it too: the "apply the new .gitignore"
 * idiom (`git rm -r --cached . && git add -A`) leaves such files on disk, ignored, and no snapshot
 * holds ignored files, so a rollback to a snapshot taken after it (`guard rollback --undo` of the
 * rollback to before it) saw them tracked now and absent at the target, and deleted them (found
 * by the hunt of 2026-12-04; the pre-rollback snapshot kept them, but only another --undo showed
 * that). A file the target lacked for another reason (added with `git add -f` after it) is then
 * left on disk, ignored, rather than deleted: nothing is lost either way.
 */
export async function keepIgnoredAtTarget(repo: Repo, preTree: string, goal: string, files: FileChange[], temps: TempIndex[], index?: { now: string | null; goal: string | null; untracks?: () => Promise<ReadonlySet<string>> }): Promise<{ tree: string; kept: GitPath[] }> {
  const deleted = files.filter((f) => f.action === 'delete' && f.kind !== 'submodule').map((f) => f.path as GitPath);
  if (deleted.length === 0) return { tree: goal, kept: [] };
  const rulesChange = files.some((f) => isIgnoreFile(f.path));
  // What leaves the index: one diff of the two index trees, only when the rollback deletes files and changes the index.
  let untracked = new Set<string>();
  if (index?.now && index.goal && index.now !== index.goal) {
    const names = await (index.untracks ?? (() => filesUntracked(repo, index.now, index.goal)))();
    untracked = new Set(deleted.filter((p) => names.has(p)));
  }
  if (!rulesChange && untracked.size === 0) return { tree: goal, kept: [] };
  const candidates = rulesChange ? deleted : deleted.filter((p) => untracked.has(p));
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'guard-ignore-'));
  let atTarget: Set<string>;
  let inGoal: Set<string>;
  try {
    inGoal = await writeIgnoreFiles(repo, goal, dir);
    atTarget = await ignoredIn(repo, dir, candidates);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  if (atTarget.size === 0) return { tree: goal, kept: [] };
  // git ignores untracked files only: a file the target's index tracks was not ignored there,
  // whatever its rules say (deleted from the worktree, not staged: the rollback deletes it). One
  // `cat-file --batch-check` of those the target's rules match, only when there are some.
  if (index?.goal) {
    const matched = candidates.filter((p) => atTarget.has(p));
    const leaves = await leavesAt(repo, index.goal, matched);
    matched.forEach((p, i) => {
      if (leaves[i]) atTarget.delete(p);
    });
    if (atTarget.size === 0) return { tree: goal, kept: [] };
  }
  // The rules of now are asked only of files that stay untracked: a file the rollback untracks is
  // kept whatever they say (they ignore it too after the idiom above).
  const asked = candidates.filter((p) => atTarget.has(p) && !untracked.has(p));
  const now = asked.length > 0 ? await ignoredIn(repo, repo.root, asked) : new Set<string>();
  // Not where the goal puts a file at a directory above it (`conf/x` kept, `conf` a file at the target).
  const kept = candidates.filter((p) => atTarget.has(p) && !now.has(p) && !underFileOf(p, inGoal));
  if (kept.length === 0) return { tree: goal, kept: [] };
  // Their entries as the pre-rollback snapshot has them (what is on disk now).
  const keep = new Set<string>(kept);
  const listed = await runGit(['ls-tree', '-r', '-z', preTree], { cwd: repo.root });
  const entries: OverlayEntry[] = [];
  for (const record of gitPathsOf(listed.stdout)) {
    const tab = record.indexOf('\t');
    const name = record.slice(tab + 1);
    if (!keep.has(name)) continue;
    const [mode, , oid] = record.slice(0, tab).split(' ');
    entries.push({ mode: mode!, oid: oid!, path: name });
  }
  return { tree: await overlayEntries(repo, goal, entries, temps), kept };
}
