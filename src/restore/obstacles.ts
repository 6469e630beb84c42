/**
 * Files in the way of a rollback that no snapshot holds. `git read-tree -u` overwrites ignored
 * files without a word (and removes a directory in the way with everything in it), so before
 * changing anything we look for what the plan would overwrite or remove that the pre-rollback
 * snapshot did not capture (ignored files, skipped large or unreadable files): those would be
 * lost, so the rollback stops instead and names each of them.
 *
 * Every name stays bytes (GitPath): an ignored `bad\377.log` is found under its own name.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { fsPath, gitPathOf, gitPathsOf, type GitPath } from '../git/path.js';
import { runGit } from '../git/run.js';
import type { FileChange } from './plan.js';

async function lstat(full: Buffer): Promise<{ dir: boolean } | null> {
  try {
    const stat = await fs.lstat(full);
    return { dir: stat.isDirectory() };
  } catch {
    return null;
  }
}

/** Every file (not directory) under `dir`, as GitPaths. */
async function filesUnder(repo: Repo, dir: GitPath, out: GitPath[]): Promise<void> {
  let names: Buffer[];
  try {
    names = await fs.readdir(fsPath(repo.root, dir), { encoding: 'buffer' });
  } catch {
    return;
  }
  for (const name of names) {
    const child = `${dir}/${gitPathOf(name)}` as GitPath;
    const found = await lstat(fsPath(repo.root, child));
    if (found?.dir) await filesUnder(repo, child, out);
    else if (found) out.push(child);
  }
}

export async function uncapturedObstacles(repo: Repo, files: FileChange[], goal?: string): Promise<GitPath[]> {
  // Paths the pre-rollback snapshot holds (written or deleted by the plan) are safe to replace.
  const captured = new Set<string>(files.filter((f) => f.action !== 'create').map((f) => f.path));
  const obstacles = new Set<GitPath>();
  const parentsChecked = new Set<string>();
  for (const file of files) {
    if (file.action !== 'create') continue;
    const found = await lstat(fsPath(repo.root, file.path));
    if (found?.dir && file.kind !== 'submodule') {
      // A directory where a file goes: git removes it with its contents. Fine for what the plan
      // deletes (the snapshot holds it); anything else in it would be lost.
      const inside: GitPath[] = [];
      await filesUnder(repo, file.path, inside);
      for (const p of inside) if (!captured.has(p)) obstacles.add(p);
    } else if (found && !found.dir) {
      // A file where a new file goes: not captured, or the plan would have listed it.
      obstacles.add(file.path);
    }
    // A file where the target needs a directory.
    let parent = path.posix.dirname(file.path) as GitPath;
    while (parent !== '.' && !parentsChecked.has(parent)) {
      parentsChecked.add(parent);
      const p = await lstat(fsPath(repo.root, parent));
      if (p && !p.dir && !captured.has(parent)) obstacles.add(parent);
      parent = path.posix.dirname(parent) as GitPath;
    }
  }
  return (await sameAsGoal(repo, [...obstacles], goal)).sort();
}

/**
 * The obstacles whose bytes and executable bit are exactly what the goal tree writes there are
 * none: nothing is lost (the undo of a rollback that left an ignored `.env` in place finds it there
 * as an ignored file, the very file it would create). One ls-tree and one hash-object, only when
 * there are obstacles.
 */
async function sameAsGoal(repo: Repo, obstacles: GitPath[], goal: string | undefined): Promise<GitPath[]> {
  if (obstacles.length === 0 || !goal) return obstacles;
  // hash-object reads one name a line: names with a line break (or starting with a quote) stay obstacles.
  const regular: GitPath[] = [];
  for (const p of obstacles) {
    if (/[\n\r]/.test(p) || p.startsWith('"')) continue;
    const stat = await fs.lstat(fsPath(repo.root, p)).catch(() => null);
    if (stat?.isFile()) regular.push(p);
  }
  if (regular.length === 0) return obstacles;
  const listed = await runGit(['ls-tree', '-r', '-z', goal], { cwd: repo.root });
  const inGoal = new Map<string, { mode: string; oid: string }>();
  const wanted = new Set<string>(regular);
  for (const record of gitPathsOf(listed.stdout)) {
    const tab = record.indexOf('\t');
    const name = record.slice(tab + 1);
    if (!wanted.has(name)) continue;
    const [mode, , oid] = record.slice(0, tab).split(' ');
    inGoal.set(name, { mode: mode!, oid: oid! });
  }
  const hashed = await runGit(['hash-object', '--no-filters', '--stdin-paths'], { cwd: repo.root, input: Buffer.from(regular.map((p) => `${p}\n`).join(''), 'latin1') });
  const ids = hashed.stdout.toString('latin1').split('\n');
  const harmless = new Set<string>();
  for (const [i, p] of regular.entries()) {
    const entry = inGoal.get(p);
    const stat = await fs.lstat(fsPath(repo.root, p));
    const mode = (stat.mode & 0o100) !== 0 ? '100755' : '100644';
    if (entry && entry.oid === ids[i] && entry.mode === mode) harmless.add(p);
  }
  return obstacles.filter((p) => !harmless.has(p));
}
