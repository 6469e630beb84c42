/**
 * What `git submodule deinit <pathspec>` (or `--all`) and `git rm <pathspec>` without --force
 * delete that no snapshot holds. Both first ask git whether each submodule they match is clean
 * (`git rm -qn`: nothing modified, staged or untracked that its rules do not ignore, its HEAD at
 * the recorded commit, its own submodules clean too) and refuse otherwise; then they delete the
 * submodule's whole working tree, its ignored files (`.env`, a local database) with it. Its
 * tracked files are in its git dir (kept under the common git dir's `modules/`), its ignored
 * ones nowhere: a snapshot records only the submodule's commit. Checked with real git 2.39.
 *
 * Which submodules: one `git ls-files --stage` over the command's pathspecs (git's own matching,
 * wildcards and `.` included), the gitlinks it lists whose working tree is there (a `.git`). Then
 * one `ls-files --others --ignored --directory` in each, run in that repository (its own git dir
 * and rules, none of this one's), and where it has submodules of its own (a `.gitmodules`), one
 * `ls-files --stage` there to find them, checked the same way: their trees go with it. A
 * repository without submodules (no `.gitmodules`, no `modules/` in the common git dir, where
 * `git rm` and deinit cannot name one either) costs two lstat calls and no git process, and so
 * does a `git rm` of plain names none of which is a directory (`git rm src/app.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapedBytes } from '../util/escaped-text.js';
import { commandLinePathspecs } from './path.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';
import { hasSubmodules } from './submodule-recurse.js';
import { withTextPaths } from './text-paths.js';

/** A checked-out submodule the command removes, and what git lists as ignored in it. */
export interface RemovedSubmodule {
  /** From the superproject's root (git's bytes as a latin1 string). */
  path: string;
  /** Its ignored entries relative to its own root (`dir/` for a wholly ignored directory); null where git failed there. */
  ignored: string[] | null;
  /** A submodule of one the command names, whose tree goes with that one's. */
  nested?: true;
}

/** The other repository's own git dir, index and work tree: none of the superproject's. */
const OWN_REPOSITORY = { GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_COMMON_DIR: undefined, GIT_OBJECT_DIRECTORY: undefined, GIT_NAMESPACE: undefined };

/** Submodules below this many levels (a submodule of a submodule of ...) are not looked into: null. */
const MAX_DEPTH = 8;

function exists(p: Buffer): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(abs: string): boolean {
  try {
    return fs.lstatSync(escapedBytes(abs)).isDirectory();
  } catch {
    return false;
  }
}

function under(root: Buffer, rel: string): Buffer {
  return Buffer.concat([root, Buffer.from('/'), Buffer.from(rel, 'latin1')]);
}

/** The gitlinks (`160000` entries) among `ls-files --stage` output, as latin1 strings. */
function gitlinksOf(stdout: Buffer): string[] {
  const out: string[] = [];
  for (const line of splitNulBytes(stdout)) {
    const tab = line.indexOf('\t');
    if (tab > 0 && line.startsWith('160000 ')) out.push(line.slice(tab + 1));
  }
  return [...new Set(out)];
}

/**
 * The checked-out submodules at the gitlinks `links` of the repository whose working tree is
 * `root` (bytes), with their ignored entries, and theirs within them; `prefix` is `root`'s path
 * from the superproject's root. Null where one could not be looked into (too deep).
 */
function look(root: Buffer, prefix: string, links: string[], depth: number): RemovedSubmodule[] | null {
  const found: RemovedSubmodule[] = [];
  for (const link of links) {
    const dir = under(root, link);
    if (!exists(under(dir, '.git'))) continue;
    if (depth > MAX_DEPTH) return null;
    const inner = withTextPaths([dir], ([cwd]) => {
      const listed = runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--no-empty-directory'], { cwd: cwd as string, env: OWN_REPOSITORY, okCodes: [128] });
      const ignored = listed.code === 0 ? [...new Set(splitNulBytes(listed.stdout))] : null;
      // Its own submodules go with its tree (git rm checks they are clean, as for it).
      let nested: string[] = [];
      if (ignored !== null && exists(under(dir, '.gitmodules'))) {
        const staged = runGitSync(['ls-files', '-z', '--stage'], { cwd: cwd as string, env: OWN_REPOSITORY, okCodes: [128] });
        nested = staged.code === 0 ? gitlinksOf(staged.stdout) : [];
      }
      return { ignored, nested };
    });
    const here = `${prefix}${link}`;
    found.push({ path: here, ignored: inner.ignored, ...(depth > 0 ? { nested: true as const } : {}) });
    if (inner.nested.length === 0) continue;
    const deeper = look(dir, `${here}/`, inner.nested, depth + 1);
    if (deeper === null) return null;
    found.push(...deeper);
  }
  return found;
}

/**
 * The checked-out submodules (and theirs) that `pathspecs` (as written, relative to `cwd`; null:
 * all of them) match in the repository, with their ignored entries. Null where guard cannot tell:
 * a pathspec it cannot carry to git, git failing on them, or nesting too deep.
 */
export function removedSubmodules(repo: Repo, cwd: string, pathspecs: string[] | null): RemovedSubmodule[] | null {
  if (!hasSubmodules(repo)) return [];
  // `git rm src/app.ts`: a plain name that is no directory on disk is neither a checked-out
  // submodule nor holds one (one lstat each, no git process). A wildcard or magic is git's to match.
  if (pathspecs !== null && pathspecs.every((spec) => !/[*?[\\]/.test(spec) && !spec.startsWith(':') && !isDirectory(path.posix.resolve(cwd, spec)))) return [];
  let specs: string[] = [];
  let keep: (entry: string) => boolean = () => true;
  if (pathspecs !== null) {
    const asked = commandLinePathspecs(repo.root, cwd, pathspecs);
    if (!asked) return null;
    specs = asked.pathspecs;
    keep = asked.keep;
  }
  // Without pathspecs, every submodule of the repository, wherever in it git runs.
  const listed = runGitSync(['ls-files', '-z', '--stage', '--full-name', '--', ...specs], { cwd: pathspecs === null ? repo.root : cwd, okCodes: [128] });
  if (listed.code !== 0) return null;
  return look(Buffer.from(repo.root.replace(/\/+$/, ''), 'utf8'), '', gitlinksOf(listed.stdout).filter(keep), 0);
}
