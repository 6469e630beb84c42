/**
 * Nested git repositories inside regenerable output (commands.regenerable: node_modules, vendor,
 * build ...) that hold work nothing else holds: a dependency cloned into node_modules/foo to patch
 * it, with local commits; a Composer `--prefer-source` install (vendor/acme/lib/.git) with
 * uncommitted edits. Regenerable output is not captured, because a reinstall or a build brings it
 * back; such a repository's commits and edits it does not bring back, and guard's snapshots never
 * hold another repository's history. So a deletion of regenerable output asks this first.
 *
 * Bounded, for the agent hook (`rm -rf node_modules` is common, and a real node_modules holds
 * 1-2k top-level entries and 20k+ directories): nothing walks the whole tree. Dependency managers
 * put a clone at a shallow, predictable place: the directory itself, each entry of it
 * (node_modules/NAME), and below directories that hold only directories, such as an npm scope
 * (node_modules/@scope/NAME), a Composer vendor (vendor/VENDOR/NAME) or Bundler's
 * vendor/bundle/ruby/3.2.0/bundler/gems/NAME. A directory holding a file (a package's
 * package.json, composer.json) is a package: it is not walked into, but for an npm package's own
 * node_modules (node_modules/a/node_modules/b: npm nests a dependency there when the version its
 * dependent needs conflicts with the one hoisted; one lstat per package). MAX_DEPTH and MAX_CALLS bound
 * the walk (docs/DECISIONS.md); what lies beyond them is not looked at (docs/command-guard.md,
 * Known limits). No git process starts unless a `.git` is found.
 */
import fs from 'node:fs';
import { runGitSync } from './run.js';
import type { NestedWork } from '../policy/command/state.js';

/** Levels below the regenerable directory looked at for a `.git` (vendor -> bundle/ruby/3.2.0/bundler/gems/NAME is 6). */
const MAX_DEPTH = 6;
/**
 * File system calls one check may spend (a directory read, a `.git` or `node_modules` lookup
 * each): an 802-package node_modules with 105 nested node_modules takes ~2,600, so a node_modules
 * of 2,000 packages about 6,000 (docs/BENCHMARKS.md).
 */
export const MAX_CALLS = 12_000;
/** Nested repositories whose work is read (two git processes each at most); past this, the deletion is refused. */
export const MAX_CHECKED = 8;

/** Whether `dotGit` (DIR/.git) is there; a DIR that is a file (ENOTDIR) or unreadable holds none. */
function holdsGit(dotGit: Buffer | string): boolean {
  try {
    return fs.lstatSync(dotGit, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * The nested repositories (a `.git` directory or gitfile) at the shallow places of `dirs`
 * (repo-relative, git's bytes, with or without a trailing slash), breadth first, so a spent
 * budget leaves out the deepest places. `complete` is false when the budget ran out.
 *
 * Each directory read lists its subdirectories, and each is asked for a `.git` (one lstat,
 * cheaper than reading it); only the ones that may hold packages are read in turn: in a
 * node_modules the npm scopes (`@scope`), the only entries that are not packages, and each
 * package's own node_modules where it has one (npm's nested layout); elsewhere every
 * subdirectory of the directory itself, and below it those of a directory holding only
 * directories (a Composer vendor's name, a Ruby version): a directory holding a file (its
 * composer.json, a gemspec) is a package, and what lies deeper in it is its own.
 */
export function nestedRepositories(root: string, dirs: string[], looked?: WalkRecord): { found: string[]; complete: boolean } {
  const base = Buffer.from(`${root}/`, 'utf8');
  // A path is bytes (`rel`, a latin1 string); an ASCII one (nearly all) goes to fs as a string,
  // which costs a third of a Buffer's per call (`abs`).
  const full = (rel: string): Buffer | string => (ASCII.test(rel) ? `${root}/${rel}` : Buffer.concat([base, Buffer.from(rel, 'latin1')]));
  const found: string[] = [];
  // Each directory read and each directory a `.git` or `node_modules` was looked for in: a change
  // of what the walk saw there (an entry added, removed or renamed) changes that directory's ctime.
  const saw = (rel: string): void => {
    if (!looked) return;
    if (ASCII.test(rel)) looked.dirs.add(`${root}/${rel}`);
    else looked.plain = false;
  };
  let calls = 0;
  const pending: { rel: string; depth: number }[] = [];
  for (const dir of dirs) {
    const rel = dir.replace(/\/$/, '');
    calls++;
    saw(rel);
    if (holdsGit(full(`${rel}/.git`))) found.push(rel);
    else pending.push({ rel, depth: 0 });
  }
  for (let i = 0; i < pending.length; i++) {
    const { rel, depth } = pending[i] as { rel: string; depth: number };
    if (calls >= MAX_CALLS) return { found, complete: false };
    calls++;
    const entries = readEntries(full(rel));
    if (!entries) continue;
    // Below the directory itself, one holding a file (not a dot file: .DS_Store) is a package.
    if (depth > 0 && entries.some((entry) => !entry.dir && !entry.name.startsWith('.'))) continue;
    const npm = rel === 'node_modules' || rel.endsWith('/node_modules');
    for (const entry of entries) {
      if (!entry.dir) continue;
      const child = `${rel}/${entry.name}`;
      if (calls >= MAX_CALLS) return { found, complete: false };
      calls++;
      saw(child);
      if (holdsGit(full(`${child}/.git`))) {
        found.push(child);
        continue;
      }
      if (depth + 1 >= MAX_DEPTH) continue;
      if (!npm || entry.name.startsWith('@')) {
        pending.push({ rel: child, depth: depth + 1 });
        continue;
      }
      // An npm package's own node_modules: where npm nests a dependency whose version conflicts
      // with the one hoisted (node_modules/a/node_modules/b), and a clone there goes as well. The
      // nested layout only: one lstat per package, nothing else of the package is read.
      if (depth + 2 >= MAX_DEPTH) continue;
      calls++;
      if (isDirectory(full(`${child}/node_modules`))) pending.push({ rel: `${child}/node_modules`, depth: depth + 2 });
    }
  }
  return { found, complete: true };
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * What a walk looked at (nestedRepositories' `looked`): every directory it read or looked in, as
 * absolute paths (text); `plain` false where a name was not ASCII (not recorded: nothing is kept).
 */
export interface WalkRecord {
  dirs: Set<string>;
  plain: boolean;
}

/** Whether `abs` is a directory (not following a link). */
function isDirectory(abs: Buffer | string): boolean {
  try {
    return fs.lstatSync(abs, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

/**
 * A directory's entries, each name as git's bytes (a latin1 string) and whether it is a directory
 * (not following links: a link to a repository elsewhere goes, not what it leads to). Read as
 * text, which costs less, and again as bytes where a name is not ASCII. Null where it cannot be read.
 */
function readEntries(abs: Buffer | string): { name: string; dir: boolean }[] | null {
  try {
    const text = fs.readdirSync(abs, { withFileTypes: true });
    if (text.every((entry) => ASCII.test(entry.name))) return text.map((entry) => ({ name: entry.name, dir: entry.isDirectory() }));
    return fs.readdirSync(abs, { withFileTypes: true, encoding: 'buffer' }).map((entry) => ({ name: entry.name.toString('latin1'), dir: entry.isDirectory() }));
  } catch {
    return null;
  }
}

/**
 * What work the repository whose working tree is `rel` holds that no remote holds: commits no
 * remote-tracking branch or tag reaches (local branches, a detached HEAD, the stash), then
 * uncommitted changes or untracked files. Null when there is none: a clean clone at a published
 * commit, which a reinstall brings back. Git never looks above `rel` for a repository
 * (GIT_CEILING_DIRECTORIES), so a broken `.git` is not read as this repository's; where git
 * cannot answer, or the name is not UTF-8 (a cwd is text), the work is unknown, and so kept.
 */
export function unpublishedWork(root: string, rel: string): string | null {
  const text = Buffer.from(rel, 'latin1');
  if (!text.equals(Buffer.from(text.toString('utf8'), 'utf8'))) return 'work guard cannot read (its name is not UTF-8)';
  const cwd = `${root}/${text.toString('utf8')}`;
  const parent = cwd.slice(0, cwd.lastIndexOf('/'));
  const env = { GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_COMMON_DIR: undefined, GIT_OBJECT_DIRECTORY: undefined, GIT_CEILING_DIRECTORIES: parent };
  try {
    const local = runGitSync(['rev-list', '--count', '--max-count=1000', '--all', '--not', '--remotes', '--tags'], { cwd, env }).stdout.toString('utf8').trim();
    if (local !== '0') return `${local === '1000' ? '1000 or more' : local} commit${local === '1' ? '' : 's'} that no remote-tracking branch or tag holds`;
    const status = runGitSync(['--no-optional-locks', 'status', '--porcelain=v2', '-z', '--untracked-files=normal'], { cwd, env }).stdout;
    if (status.length > 0) return 'uncommitted changes or untracked files';
    return null;
  } catch {
    return 'work guard could not read (git failed there)';
  }
}

/**
 * The first nested repository at the shallow places of `dirs` (nestedRepositories) that holds
 * work no remote holds (unpublishedWork), or the first one past MAX_CHECKED; null when there is
 * none. Where the walk's budget ran out, what it did not reach is not looked at (docs/command-guard.md).
 */
export function nestedWorkIn(root: string, dirs: string[], keep: (entry: string) => boolean = () => true): NestedWork | null {
  // A listing's collapsed directory can hold more than the command takes (`node_modules/` for
  // `rm -rf node_modules/a/*`): only the repositories it takes count (`keep`, as for its files).
  const found = nestedRepositories(root, dirs).found.filter((rel) => keep(`${rel}/`));
  for (const [i, rel] of found.entries()) {
    if (i >= MAX_CHECKED) return { path: rel, work: `work guard did not read: it is one of ${found.length} nested repositories there, and guard reads at most ${MAX_CHECKED}` };
    const work = unpublishedWork(root, rel);
    if (work) return { path: rel, work };
  }
  return null;
}
