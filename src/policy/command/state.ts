/**
 * What the command guard knows of the repository as it is at the moment of the call. The
 * classifier itself stays pure: the facts arrive through a StateView in the context, and a
 * caller that can read the file system and the index (the agent hook, `guard check-command`)
 * runs it twice through classifyWithState:
 *
 *  1. collect: every path a command would delete, truncate, overwrite or move, and every
 *     `git clean` scope, is noted instead of judged (so only verdicts the text alone decides
 *     count). If that alone is a deny, or nothing was noted, that is the answer: no I/O.
 *  2. resolved: the reader (src/git/path-facts.ts) answers all notes in one batch (lstat,
 *     realpath, one `git ls-files` per kind), and the same command is classified again with
 *     the facts: where each path really is (symlinks, `..`), whether it exists, and what lies
 *     there (tracked, untracked, ignored, regenerable output, protected paths, nested
 *     repositories).
 *
 * Without a view (the programmatic API, the corpus) every path is judged by its text, as before.
 */
import type { Verdict } from './types.js';

/** One ignored entry a deletion or a clean would remove. Paths are git's bytes as latin1 strings. */
export interface IgnoredEntry {
  /** Repository-relative path (a directory ends with `/` when git collapsed it). */
  path: string;
  /** Inside well-known regenerable output (node_modules, dist ...): neither captured nor a reason to stop. */
  regenerable: boolean;
  /** The files to capture (non-regenerable entries), with their sizes; null when there were too many to list. */
  files: Array<{ path: string; size: number }> | null;
}

/** What lies at or under one repository path (paths are repo-relative latin1 byte strings). */
export interface RepoContents {
  tracked: string[];
  /** Untracked, not ignored files; a nested repository appears as `dir/`. */
  untracked: string[];
  ignored: IgnoredEntry[];
  /** The size (lstat) of one of these entries, read when asked; absent where the reader cannot look. */
  sizeOf?: (entry: string) => number;
  /**
   * Submodules at or under the path whose working tree is checked out (it holds a `.git`): a
   * snapshot records only a submodule's commit, never its files. Absent where the reader cannot look.
   */
  submodules?: string[];
  /**
   * The directory of another repository (a submodule or a nested repository, holding a `.git`)
   * that the path lies inside, strictly below this repository's root; null when none. Absent
   * where the reader cannot look.
   */
  insideRepository?: string | null;
  /**
   * Where the path lies inside such a repository (insideRepository): true when it is regenerable
   * output (commands.regenerable) that the other repository's own git lists nothing for (nothing
   * tracked, nothing untracked that its ignore rules do not ignore), so all that goes is that
   * repository's ignored build output. Read only when asked: one `ls-files` in that repository.
   */
  ignoredOutputThere?: boolean;
  /**
   * As ignoredOutputThere, whatever the path's name: the other repository's git lists nothing
   * tracked and nothing untracked that it does not ignore at or under the path. For a file the
   * build declares its own output (CommandContext.buildOutputs: a makefile's CLEANFILES entry
   * that a rule makes). Read only when asked: one `ls-files` in that repository.
   */
  ignoredThere?: boolean;
  /**
   * Whether anything but directories lies at or under the path, read where git lists nothing
   * there (false: only empty directories, which no snapshot holds anyway). Absent where the
   * reader cannot look.
   */
  holdsFiles?: boolean;
  /**
   * For a glob's contents where git lists nothing: true when nothing on disk matches the glob
   * either (bash then passes the pattern itself, which names nothing), so deleting it deletes
   * nothing. Absent or false where something may match (an empty directory, a name git does not
   * list) or the reader cannot tell.
   */
  matchesNothing?: boolean;
  /**
   * The first nested git repository at the shallow places of these regenerable directories
   * (git's bytes: node_modules/NAME, node_modules/@scope/NAME, vendor/VENDOR/NAME) that holds
   * work no remote holds, which a reinstall would not bring back (src/git/nested-work.ts); null
   * when there is none. Read only when asked; absent where the reader cannot look.
   */
  nestedWork?: (dirs: string[]) => NestedWork | null;
}

/** A nested repository (git's bytes, repo-relative) and the work it holds that nothing else does. */
export interface NestedWork {
  path: string;
  work: string;
}

export interface PathFacts {
  /** Where the entry itself is: the real path of its parent directory plus its name. */
  located: string;
  /** Where it leads when the entry is followed (a symlink's target); equal to located otherwise. */
  followed: string;
  /** lstat of located succeeded. */
  exists: boolean;
  /** The followed path exists (a dangling link: false). */
  followedExists: boolean;
  /** located is a directory / a symlink (lstat); the followed path is a directory (stat). */
  isDir: boolean;
  isSymlink: boolean;
  followedIsDir: boolean;
  /** The directory at located (or, for a symlink, at followed) has no entries. */
  emptyDir: boolean;
  /**
   * The path as written names an entry its directory spells otherwise (`.ENV` for `.env`), on a
   * file system that folds case (core.ignoreCase): located and followed are the names on disk.
   */
  caseFolded?: true;
  /**
   * For a path outside this worktree: another worktree of the same repository (its root, a real
   * path) that the path is, holds or lies inside. Its uncommitted work is in no snapshot of this
   * worktree, even where the path is in scratch space (a worktree made under /tmp).
   */
  otherWorktree?: string;
  /**
   * For a directory outside this worktree: every other worktree of the repository whose root is
   * it or lies under it (real paths), so a glob under it (`rm -rf /tmp/x/wt*`) is checked against
   * each. Absent where none is or the reader cannot look.
   */
  worktreesWithin?: string[];
  /** What is at or under `located` / `followed` when inside the repository (and existing). */
  locatedContents: RepoContents | null;
  followedContents: RepoContents | null;
}

export interface CleanFacts {
  /** Ignored entries under the clean's scope (what it would take with the ignore rules gone). */
  ignored: IgnoredEntry[];
  /** Untracked files in the clean's scope (repo-relative), listed when first read; absent where the reader cannot list them. */
  readonly untracked?: string[];
  sizeOf?: (entry: string) => number;
  /**
   * What the clean itself deletes, as git's dry run of it says (CleanQuery.clean): the ignored
   * entries and untracked files above that it takes, each listing read when first asked; absent
   * where it was not asked or git could not say. The listings above cover its whole scope, a
   * superset, still used where an earlier command in the line changes an ignore file.
   */
  readonly taken?: CleanTaken;
  /**
   * For `git clean -ff` (CleanQuery.nested): what git's dry run with -ff lists that the one with a
   * single -f does not take, the untracked (or, with -x, ignored) nested repositories and the
   * directories holding them (root-relative, latin1, ending in `/`); absent where git could not say.
   */
  readonly nested?: string[];
}

export interface CleanTaken {
  /** git lists nothing it would delete (regenerable directories kept out of the dry run aside). */
  readonly nothing: boolean;
  readonly ignored: IgnoredEntry[];
  readonly untracked: string[];
}

/** A `git clean` to look at: where it runs and the pathspecs it is given (relative to that directory). */
export interface CleanQuery {
  cwd: string;
  pathspecs: string[];
  /**
   * The clean's own choice of files, for git's dry run of it (src/git/clean-dry-run.ts): its
   * options (`-d`, `-x`, `-X`, `-e`, PATTERN, one word each) and the `key=value` settings the line
   * gives git that change ignore rules (core.excludesFile). Absent for what is not a clean
   * (`git stash --all` takes its whole scope).
   */
  clean?: { flags: string[]; config: string[] };
  /** `git clean -ff` (with `clean`): also list the nested repositories the second -f takes (CleanFacts.nested). */
  nested?: true;
}

/**
 * What `find START FILTER` selects, for git to list (src/git/path-facts.ts): the entries under
 * START the filter selects, with everything under them (what `-exec rm -rf {}` takes). Only
 * filters that translate exactly are asked (files.ts, findFilter); the reader answers null where
 * git cannot see everything find would reach (a nested repository under START).
 */
export interface FindQuery {
  /** START as an absolute path (resolved against the command's directory, not through symlinks). */
  start: string;
  /** START as find prints it (as written), which `-path` patterns are matched against. */
  shown: string;
  filter: FindFilter;
}

export type FindFilter =
  /** No name or path test: everything under START. */
  | { kind: 'all' }
  /** `-name`/`-iname`: the entry's name (fnmatch, fnmatch.ts). */
  | { kind: 'name'; pattern: string; icase: boolean }
  /** `-path`/`-wholename`/`-ipath`: the whole path as find prints it (START/...). */
  | { kind: 'path'; pattern: string; icase: boolean };

/**
 * What an operand built from find's `{}` names, for a deletion: what the find selects (`{}`
 * alone, judged by git's listing when the view has it), or a whole directory (`{}/..`,
 * `{}/../x`: the operand leaves the found path, so it may name anything under `abs`).
 */
export type FoundOperand = { kind: 'find'; query: FindQuery; /** The query lists more than the find selects (its filter did not translate): for an edit only. */ superset?: true } | { kind: 'subtree'; abs: string };

/**
 * What a command that prints file names can print, as a set guard can list (listings.ts): the
 * actual names are a subset of it, so judging every file in it judges the command that edits
 * them (`git ls-files '*.js' | xargs sed -i ...`, `sed -i ... $(grep -rl foo src)`).
 *  - tracked: `git ls-files`/`git grep -l` (their pathspecs, as typed, relative to `cwd`): tracked files only;
 *    `grep`: the git grep's own options and patterns, where guard may run it for the exact names;
 *  - tree: `grep -r`, `rg`, `find DIR`: what each find query selects under its directory, ignored files too.
 * `nul`: the names are NUL-separated (-z, -0, -print0), so none splits into other names.
 * `reachesGit`: the walk enters `.git` (`grep -r foo .`), whose files no listing names.
 * `skipsHidden`: the command never prints a name with a hidden part below its start (rg).
 */
export type Listing = { shown: string; cwd: string; nul: boolean } & ({ kind: 'tracked'; pathspecs: string[]; grep?: string[]; /** git grep: `submodule.recurse` makes it print (and the edit take) files of checked-out submodules. */ recursesByConfig?: true } | { kind: 'tree'; finds: FindQuery[]; reachesGit: boolean; skipsHidden?: boolean });

/**
 * A tracked listing for the reader: `git ls-files -z` of these pathspecs where they were typed,
 * or, with `grep` (a `git grep` whose options are all known to run nothing and write nothing:
 * listings.ts), that `git grep -z --full-name <grep> -- <pathspecs>` itself, which prints the
 * exact names instead of every tracked file under the pathspecs.
 */
export interface TrackedQuery {
  cwd: string;
  pathspecs: string[];
  grep?: string[];
}

/**
 * The files of this repository a git path command (`git rm`, `git checkout -- <paths>`,
 * `git restore <paths>`) would take away or change among its pathspecs (src/git/guarded-paths.ts),
 * asked for an agent only where a pathspec may cover guard's files or a protected path.
 */
export interface GuardedPathsQuery {
  /** Where git runs (absolute): the pathspecs are relative to it. */
  cwd: string;
  /**
   * The pathspecs to look at, as git reads them; `ifDir`: it matters only where it is a directory
   * now (a protected glob such as `**\/migrations/**` can lie below any directory), so the reader
   * drops it, with no git process, where lstat finds no directory there.
   */
  specs: Array<{ spec: string; ifDir: boolean }>;
  /**
   * Absent: the tracked files the pathspecs match (`git rm`). Present: the files
   * whose content would change, `from` (null: the index) against the working tree, or against the
   * index with `cached`; `overlay`: files `from` lacks are left alone (`git checkout X -- p`).
   */
  diff?: { from: string | null; cached: boolean; overlay: boolean };
}

export function guardedPathsKey(query: GuardedPathsQuery): string {
  return JSON.stringify([query.cwd, query.specs, query.diff ?? null]);
}

export function trackedKey(query: TrackedQuery): string {
  return JSON.stringify([query.cwd, query.pathspecs, query.grep ?? null]);
}

export function findKey(query: FindQuery): string {
  return JSON.stringify([query.start, query.shown, query.filter]);
}

/**
 * What is wanted of a path besides where it is: nothing (false), what lies at or under it and
 * where it leads (true: deletions, writes), or only what the entry itself is when it is not a
 * directory ('entry': a rename replaces the entry, never writes through a final symlink, and
 * refuses a directory, so nothing under one is listed).
 */
export type PathContents = boolean | 'entry';

export interface StateQueries {
  /**
   * Absolute paths (as written, resolved against the command's cwd, not through symlinks), and
   * whether what lies under them is needed (deletions) or only where they lead (writes).
   */
  paths: Map<string, { contents: PathContents }>;
  cleans: Map<string, CleanQuery>;
  /** Repo-relative glob patterns a deletion names (such as dist/* or a packages glob): what git lists that they match. */
  globs: Set<string>;
  /** What find commands select (FindQuery), by findKey. */
  finds: Map<string, FindQuery>;
  /**
   * A discard of uncommitted changes whose command line does not say whether it recurses into
   * submodules: git's own configuration (`submodule.recurse`) decides, where there are submodules.
   */
  submoduleRecurse: boolean;
  /** A git subcommand that is not one of git's own: the aliases the repository's configuration defines decide it. */
  gitAliases: boolean;
  /** `git worktree remove <arg>` (with or without --force), in the repository it targets, by worktreeRemovalKey. */
  worktreeRemovals: Map<string, WorktreeRemovalQuery>;
  /** `git worktree prune` (not --dry-run), in the repository it targets, by worktreePruneKey. */
  worktreePrunes: Map<string, WorktreePruneQuery>;
  /** `git sparse-checkout set|add|reapply|init` in this repository, by sparseCheckoutKey. */
  sparseCheckouts: Map<string, SparseCheckoutQuery>;
  /** git commands that write another tree's files into this working tree (tree-landing.ts), by treeLandingKey. */
  treeLandings: Map<string, TreeLandingQuery>;
  /** `git submodule deinit` and `git rm` (without --force) in this repository, by submoduleRemovalKey. */
  submoduleRemovals: Map<string, SubmoduleRemovalQuery>;
  /** `git submodule update --force` in this repository, by submoduleWorkKey. */
  submoduleWorks: Map<string, SubmoduleWorkQuery>;
  /** Tracked files a `git ls-files`/`git grep -l` can print (Listing), by trackedKey. */
  tracked: Map<string, TrackedQuery>;
  /** git path commands an agent runs over guard's files or protected paths, by guardedPathsKey. */
  guardedPaths: Map<string, GuardedPathsQuery>;
  /** Installs that prune node_modules (`npm install`, `npm prune`, `yarn`), by installPruneKey. */
  installPrunes: Map<string, InstallPruneQuery>;
  /** git commands that replace or remove index entries (`git reset`, `git rm --cached` ...), by stagedLossKey. */
  stagedLosses: Map<string, StagedLossQuery>;
}

/**
 * A git command that sets index entries to another version or removes them, leaving the working
 * tree as it is (`git reset [-- <paths>]`, `git read-tree HEAD`, `git rm --cached`, `git restore
 * --staged`): a staged version that is neither HEAD's nor the working tree's is lost from the
 * index (src/git/staged-loss.ts).
 */
export interface StagedLossQuery {
  /** Where git runs (absolute): the pathspecs are relative to it. */
  cwd: string;
  /** The pathspecs as written; empty: every entry. */
  pathspecs: string[];
  /** Only entries whose file is gone from the working tree (`git rm --cached` without -f refuses the others). */
  gone?: true;
  /**
   * Every entry whose staged version is not HEAD's, whatever the working tree holds: `git apply
   * --index` / `-3` replaces the index entry and the file together (git applies only where the file
   * equals the index entry), so a staged version that is not in a commit is lost from both.
   */
  fromHead?: true;
}

export function stagedLossKey(query: StagedLossQuery): string {
  return JSON.stringify([query.cwd, query.pathspecs, query.gone ?? false, query.fromHead ?? false]);
}

/**
 * A command that deletes the working trees of the submodules its pathspecs match, once git has
 * found them clean (`git submodule deinit`, `git rm` without --force): their ignored files go
 * with them (src/git/submodule-removal.ts).
 */
export interface SubmoduleRemovalQuery {
  /** Where git runs (absolute): the pathspecs are relative to it. */
  cwd: string;
  /** The pathspecs as written; null: every submodule (`deinit --all`, pathspecs guard cannot see). */
  pathspecs: string[] | null;
}

/** One checked-out submodule such a command matches, and its ignored entries. */
export interface SubmoduleRemoval {
  /** Its path from this repository's root (git's bytes as a latin1 string). */
  path: string;
  /**
   * Its ignored entries, relative to the submodule's root, regenerable output marked (matched on
   * that relative path); a directory that is not output stands for its files (`files` empty).
   * Null where git could not list them there.
   */
  ignored: IgnoredEntry[] | null;
  /** A submodule inside one the command names (its tree goes with that one's). */
  nested?: true;
}

export function submoduleRemovalKey(query: SubmoduleRemovalQuery): string {
  return JSON.stringify([query.cwd, query.pathspecs]);
}

/** `git submodule update --force` (src/git/submodule-work.ts): the checked-out submodules its pathspecs reach. */
export interface SubmoduleWorkQuery {
  /** Where git runs (absolute): the pathspecs are relative to it. */
  cwd: string;
  /** The pathspecs as written (none: every submodule). */
  pathspecs: string[];
}

export function submoduleWorkKey(query: SubmoduleWorkQuery): string {
  return JSON.stringify([query.cwd, query.pathspecs]);
}

/**
 * A git command that writes the files of another tree into the working tree (`git switch X`,
 * `reset --hard X`, `checkout X -- .`, `merge X`, `cherry-pick C`): the paths `to` tracks that
 * `from` does not are where git may write over an ignored file (src/git/tree-landing.ts).
 */
export interface TreeLandingQuery {
  /** Where git runs (absolute): pathspecs and revisions are read there. */
  cwd: string;
  /** The tree the working tree holds now (`HEAD`), or a commit's parent for a cherry-pick (`C^`). */
  from: string;
  to: string;
  /**
   * `to` is an object id known to exist (a fetched tip: src/githooks/fetch-landing.ts): where
   * diff-tree from `HEAD` fails, HEAD is unborn, and every path `to` tracks counts as added (one
   * ls-tree, no process to ask). Not set by the agent hook, where a failed diff-tree is far more
   * often a revision that does not resolve, which must cost nothing more.
   */
  toExists?: boolean;
  /** Pathspecs as written (relative to cwd) that limit what is written; empty: the whole tree. */
  pathspecs: string[];
  /**
   * Commits applied one by one (`git cherry-pick`, `git revert`, with `revs` the revision words as
   * git reads them): the paths each commit adds (a revert: deletes), not the two ends'
   * difference, since a file a commit adds and a later one deletes was still written over what
   * was there. `from` and `to` are unused.
   */
  range?: 'pick' | 'revert';
  /**
   * The revision words of a cherry-pick or revert, in order, as git's revision walk reads them:
   * commits (`C`, `A..B`, `A...B`, `^A`) and `--not`. One `git log --no-walk` lists the commits
   * exactly as the pick does (listed commits alone; a walk where a range or a negative is given).
   */
  revs?: string[];
  /** `-m N` was given: merge commits are picked too (against every parent, a superset). */
  merges?: boolean;
  /**
   * `git am` (`from` and `to` unused): the mbox files it reads (absolute, escaped text), or
   * `patchText` when it reads a heredoc or here-string. The files the patches create (a new file,
   * the target of a rename or copy) are where a three-way fallback writes over an ignored file.
   */
  patches?: string[];
  patchText?: string;
  /** `git am -p<n>` and `--directory=<root>` (root: latin1 bytes, '' or ending in `/`); -p1 and no root when absent. */
  naming?: { strip: number; root: string };
  /**
   * `git checkout-index -f`: the index's files, not a tree's, land; only those missing from the
   * working tree (`ls-files --deleted`: a file or a directory is in the way) can land on an ignored one.
   */
  fromIndex?: boolean;
}

export function treeLandingKey(query: TreeLandingQuery): string {
  return JSON.stringify([query.cwd, query.from, query.to, query.pathspecs, query.range ?? null, query.fromIndex === true, query.revs ?? null, query.merges === true, query.patches ?? null, query.patchText ?? null, query.naming ?? null]);
}

/**
 * A `git sparse-checkout` that rewrites the view (src/git/sparse-leaving.ts reads what it deletes).
 * What it is given, as written: the reader takes the rest (mode, existing patterns) from the
 * repository as git would.
 */
export interface SparseCheckoutQuery {
  /** Where git runs (absolute): in cone mode, directories are relative to it. */
  cwd: string;
  action: 'set' | 'add' | 'reapply' | 'init';
  /** --cone (true) or --no-cone (false) as given; null: git's configured mode decides. */
  cone: boolean | null;
  /** The directories `set`/`add` are given (escaped text); null where guard cannot see them all (--stdin, an unknown word). */
  dirs: string[] | null;
}

/** What a `git sparse-checkout` deletes that no snapshot holds: the ignored files of the directories leaving the cone. */
export interface SparseCheckoutFacts {
  /** git applies cone patterns (only then does it remove directories of ignored files). */
  cone: boolean;
  /** The ignored entries in the directories git removes, regenerable output marked (IgnoredEntry). */
  ignored: IgnoredEntry[];
}

export function sparseCheckoutKey(query: SparseCheckoutQuery): string {
  return JSON.stringify([query.cwd, query.action, query.cone, query.dirs]);
}

/**
 * A `git worktree remove` as git runs it: where (after `-C`), in which repository (`--git-dir`,
 * `--work-tree`, `GIT_DIR=`, `GIT_WORK_TREE=`; absolute escaped text where given), and which
 * worktree. That repository need not be the one guard protects: its worktree list decides.
 */
export interface WorktreeRemovalQuery {
  cwd: string;
  gitDir?: string;
  workTree?: string;
  /** The path operand as written (git matches it as a path suffix first, then as a path). */
  arg: string;
  /** How many times --force is given (absent: none): with it, the worktree's changes are asked for too. */
  force?: number;
  /** In the repository guard protects: the commits only that worktree holds are asked for too (LeavingCommit). */
  keep?: boolean;
  /** The operand names the worktree by its path only, not by a path suffix (`git worktree add`). */
  byPath?: boolean;
}

/**
 * A commit only a worktree that goes away holds (its detached HEAD, a per-worktree ref such as
 * refs/bisect/bad), which nothing guard keeps reaches: it would go unreachable with the worktree's
 * admin directory (src/git/worktree-leaving.ts).
 */
export interface LeavingCommit {
  oid: string;
  /** The worktree's root (escaped text, util/escaped-text.ts). */
  root: string;
  /** `HEAD`, or the per-worktree ref (escaped text) that points at it. */
  ref: string;
}

/** A `git worktree prune` as git runs it: where, in which repository (as for WorktreeRemovalQuery). */
export interface WorktreePruneQuery {
  cwd: string;
  gitDir?: string;
  workTree?: string;
  /** In the repository guard protects: the commits only the pruned worktrees hold are asked for too. */
  keep?: boolean;
}

/** The worktrees a `git worktree prune` deletes the records of, and the commits only they hold. */
export interface WorktreePruneFacts {
  /** Their roots (escaped text): git lists them `prunable` (directory gone, not locked). */
  roots: string[];
  leaving: LeavingCommit[];
}

export function worktreePruneKey(query: WorktreePruneQuery): string {
  return JSON.stringify([query.cwd, query.gitDir ?? null, query.workTree ?? null, query.keep ?? false]);
}

/** The linked worktree a `git worktree remove` takes, and the ignored files that go with it. */
export interface WorktreeRemovalFacts {
  /** Its root (escaped text, util/escaped-text.ts). */
  root: string;
  /** Its ignored entries, relative to its root, with regenerable output marked (IgnoredEntry). */
  ignored: IgnoredEntry[];
  /** `git worktree lock`ed: git removes it only with --force given twice. */
  locked?: boolean;
  /** Its directory is gone (deleted by hand): git deletes only its record (and HEAD, refs with it). */
  gone?: boolean;
  /** Asked with `keep`: the commits only this worktree holds (LeavingCommit). */
  leaving?: LeavingCommit[];
  /**
   * The first nested git repository at the shallow places of its regenerable output
   * (node_modules/foo) holding work no remote holds (src/git/nested-work.ts); absent where none.
   */
  nestedWork?: NestedWork;
  /**
   * Asked with --force only: its paths whose state is not HEAD's, staged or not, and its untracked
   * files (latin1 byte strings relative to its root; changesInWorktree); null where git could not list them.
   */
  changes?: string[] | null;
}

/** An install that prunes node_modules in the package at `dir` (absolute, escaped text), uninstalling `drop` (package names; '*' for one guard cannot see). */
export interface InstallPruneQuery {
  dir: string;
  drop: string[];
}

export function installPruneKey(query: InstallPruneQuery): string {
  return JSON.stringify([query.dir, query.drop]);
}

export function worktreeRemovalKey(query: WorktreeRemovalQuery): string {
  return JSON.stringify([query.cwd, query.gitDir ?? null, query.workTree ?? null, query.arg, query.force ?? 0, query.keep ?? false, query.byPath ?? false]);
}

export interface StateFacts {
  paths: Map<string, PathFacts>;
  cleans: Map<string, CleanFacts>;
  globs: Map<string, RepoContents>;
  /** By findKey; missing where git cannot list what find reaches. */
  finds: Map<string, RepoContents>;
  /** By trackedKey: the tracked files (repo-relative bytes) in `contents.tracked`; missing where git cannot list them. */
  tracked?: Map<string, RepoContents>;
  /**
   * The repository has submodules and git's configuration sets `submodule.recurse` true, so a
   * plain `git reset --hard` discards the submodules' uncommitted work too. Absent where not asked.
   */
  submoduleRecurse?: boolean;
  /** By worktreeRemovalKey; missing where no linked worktree is named or guard cannot look. */
  worktreeRemovals?: Map<string, WorktreeRemovalFacts>;
  /**
   * By installPruneKey: the first repository in its
   * node_modules that the install prunes (no dependency reaches it) holding work no remote holds
   * (src/git/install-prune.ts), its path relative to that directory; missing where there is none.
   */
  installPrunes?: Map<string, NestedWork>;
  /** By worktreePruneKey; missing where git cannot be asked. */
  worktreePrunes?: Map<string, WorktreePruneFacts>;
  /** By sparseCheckoutKey; missing where guard cannot tell. */
  sparseCheckouts?: Map<string, SparseCheckoutFacts>;
  /**
   * By treeLandingKey: the ignored files (not directories) at paths the other tree brings, regenerable
   * output marked and sizes read; a query is missing where git cannot resolve its revisions.
   */
  treeLandings?: Map<string, IgnoredEntry[]>;
  /** By treeLandingKey: the landings (a whole tree from HEAD) that delete `.guard.yaml`, tracked in HEAD and not in the tree they land. */
  treeLandingsDeletingPolicy?: Set<string>;
  /** By submoduleRemovalKey: the checked-out submodules matched; missing where git cannot be asked. */
  submoduleRemovals?: Map<string, SubmoduleRemoval[]>;
  /** By submoduleWorkKey: the reached submodules with tracked changes or untracked files; missing where git cannot be asked. */
  submoduleWorks?: Map<string, string[]>;
  /** By guardedPathsKey: the files (repo-relative, latin1 byte strings) taken or changed; missing where git cannot be asked. */
  guardedPaths?: Map<string, string[]>;
  /** By stagedLossKey: the entries (repo-relative, latin1 byte strings) whose staged version is neither HEAD's nor the working tree's; missing where git cannot be asked. */
  stagedLosses?: Map<string, string[]>;
  /**
   * Looks the reader makes only when the classifier asks, for a write that lands a whole tree
   * over a directory (a recursive copy, an archive extracted): what can be known only once the
   * landing directory is (overlay.ts). Absent where the reader cannot look.
   */
  probe?: StateProbe;
}

export interface StateProbe {
  /** What is at an absolute path (escaped text), not following a final symlink: null when nothing. */
  kindAt(abs: string): 'file' | 'dir' | null;
  /**
   * The ignored entries at or under a directory (absolute, a real path) of this repository, as
   * RepoContents.ignored lists them (regenerable output marked, the files to capture listed);
   * null when it is not the repository's root or inside it. One git listing per directory asked.
   */
  ignoredUnder(dir: string): IgnoredEntry[] | null;
  /**
   * Lists the ignored entries under several directories at once, for ignoredUnder to answer each
   * (a glob copy's directories: `cp -r dist/* .`), so the cost does not grow with how many there are.
   */
  ignoredUnderAll?(dirs: string[]): void;
  /**
   * What a directory copied recursively holds (absolute, escaped text): the paths below it of
   * everything that is not a directory (files, symlinks, not followed), relative and escaped, in
   * readdir order; `complete` false when more than `limit` entries were met and the walk stopped.
   */
  walk(dir: string, limit: number): { files: string[]; complete: boolean };
  /**
   * The members of a zip archive (absolute path, escaped text), relative and escaped, directories
   * ending in `/`, read from its central directory (src/util/zip-members.ts); null where guard
   * cannot tell exactly what unzip writes.
   */
  zipMembers(archive: string): string[] | null;
}

export type StateReader = (queries: StateQueries) => Promise<StateFacts>;

/**
 * A glob in a `for` loop's word list (`for f in src/*.js`), to expand as bash would before the
 * body is judged once per value (evaluate.ts): the pattern as Field.pattern gives it (quoted glob
 * characters escaped with a backslash), relative to `cwd` unless absolute.
 */
export interface LoopGlobQuery {
  cwd: string;
  pattern: string;
  /**
   * How many words it may give before guard calls it unknown; absent: LOOP_GLOB_LIMIT. A copy's
   * source glob (`cp dist/* .`, files.ts) asks with GLOB_EXPANSION_LIMIT.
   */
  limit?: number;
}

/**
 * Words a copy's, move's or link's source glob may expand to (files.ts): past it, or where guard
 * cannot expand it exactly, what it matches is not known (refused for an agent, asked of a person),
 * as a copied tree is past the copy walk's LANDING_WALK_LIMIT.
 */
export const GLOB_EXPANSION_LIMIT = 20_000;

/**
 * What a caller that can read the file system answers for a LoopGlobQuery: the words bash's
 * pathname expansion gives (its defaults: no dotglob, sorted), an empty list where nothing
 * matches (the caller then keeps the word itself, as bash does), or null where guard cannot say
 * exactly (more than `limit` matches, a pattern form it does not model).
 */
export type LoopGlobExpander = (query: LoopGlobQuery, limit: number) => string[] | null;

export function loopGlobKey(query: LoopGlobQuery): string {
  return JSON.stringify(query.limit === undefined ? [query.cwd, query.pattern] : [query.cwd, query.pattern, query.limit]);
}

/**
 * A file whose text decides what a command runs (a package.json's scripts: package-scripts.ts),
 * read from the file system while collecting, as a loop's glob is expanded: `dir/name`, or with
 * `up` the nearest `name` in `dir` or a directory above it (npm, pnpm and yarn run the scripts of
 * the nearest package.json). No git: one read per directory looked in.
 */
export interface FileQuery {
  /** Absolute directory (escaped text, util/escaped-text.ts). */
  dir: string;
  name: string;
  up: boolean;
}

/**
 * What a FileQuery found: the file's path (absolute, escaped text) and its bytes as escaped text;
 * 'missing' where there is none; null where guard cannot say (unreadable, a directory, over
 * FILE_TEXT_LIMIT bytes): what depends on it is not known.
 */
export type FoundFile = {
  path: string;
  text: string;
  /** Where path leads, every symlink resolved (realpath(3)): what `readlink -f` prints for it (expand.ts). */
  real?: string;
} | 'missing' | null;

/** Bytes a FileQuery reads at most (a package.json is a few KB). */
export const FILE_TEXT_LIMIT = 1024 * 1024;

export type FileReader = (query: FileQuery) => FoundFile;

/**
 * The directories under `root` that workspace globs select (npm's and yarn's `workspaces`,
 * pnpm-workspace.yaml's `packages`: `packages/*`, `playground/**`, `!**\/test/**`) and that hold
 * a package.json, as the managers find a workspace's packages (node_modules never entered).
 */
export interface DirQuery {
  /** Absolute (escaped text). */
  root: string;
  globs: string[];
  /**
   * Absolute directories (escaped text) the caller wants packages at or under only (a pnpm path
   * filter's directory: `--filter './packages/*'` selects nothing outside packages/); absent: all.
   */
  within?: string[];
}

/** Absolute directories (escaped text), sorted; null where guard cannot say (over the walk's bounds). */
export type DirLister = (query: DirQuery) => string[] | null;

/**
 * The names of the regular files directly in a directory (absolute, escaped text), in no order,
 * read while collecting as a file is (a Terraform configuration's `*.tf`: terraform-apply.ts);
 * 'missing' where there is no directory, null where guard cannot list it.
 */
export type EntryLister = (dir: string) => string[] | 'missing' | null;

/**
 * The regular files below a directory (absolute, escaped text), as paths relative to it, a few
 * levels deep (FilesBelowLister in src/util/nearest-file.ts): a framework's command directory whose
 * classes sit in subdirectories (Laravel's app/Console/Commands/Admin/*.php). 'missing' where there
 * is no directory, null where it cannot be read or holds more than a listing may give.
 */
export type FilesBelowLister = (dir: string) => string[] | 'missing' | null;

/**
 * The text at HEAD of the files directly in a directory (absolute, escaped text) whose names end
 * with one of `suffixes`, by name (a remote backend's Terraform configuration as committed:
 * terraform-apply.ts); null where git cannot say. One git process (src/git/head-files.ts).
 */
export interface HeadFilesQuery {
  dir: string;
  suffixes: string[];
}

export type HeadFilesReader = (query: HeadFilesQuery) => ReadonlyMap<string, string> | null;

export function headFilesKey(query: HeadFilesQuery): string {
  return JSON.stringify([query.dir, query.suffixes]);
}

export function dirQueryKey(query: DirQuery): string {
  return JSON.stringify(query.within ? [query.root, query.globs, query.within] : [query.root, query.globs]);
}

export function fileQueryKey(query: FileQuery): string {
  return JSON.stringify([query.dir, query.name, query.up]);
}

/** Mutable per-classification state shared by every nested evaluator (through the context). */
export class StateView {
  readonly queries: StateQueries = { paths: new Map(), cleans: new Map(), globs: new Set(), finds: new Map(), submoduleRecurse: false, gitAliases: false, worktreeRemovals: new Map(), worktreePrunes: new Map(), sparseCheckouts: new Map(), treeLandings: new Map(), tracked: new Map(), submoduleRemovals: new Map(), submoduleWorks: new Map(), guardedPaths: new Map(), installPrunes: new Map(), stagedLosses: new Map() };
  /** Something in the line writes, deletes or moves an ignore file (.gitignore, info/exclude). */
  ignoreRulesChanged = false;
  /** Where the line's `mv` commands so far move files to (absolute; targets.ts movedThereFirst). */
  readonly movedInto = new Set<string>();
  /** The way forward when the capture is over the limits, where the check that asked for it knows a better one than its rule's. */
  overBoundInstead: string | undefined = undefined;
  /** Ignored files (latin1 byte strings) the resolved pass decided to capture before the command. */
  readonly capture = new Map<string, number>();
  /**
   * guard's own files (text, relative to the root) a broad `git clean` deletes, which guard puts
   * back right after the command from the snapshot taken first (CommandContext.putsBackOwnFiles).
   */
  readonly putBack = new Set<string>();
  /**
   * The agent's command may take in a deletion of `.guard.yaml` made on another branch or in a
   * patch or stash (`git merge`, `rebase`, `pull`, `cherry-pick`, `am`, `revert`, `stash
   * pop/apply/branch`): the agent hook keeps a copy of the policy's bytes before it and puts it
   * back after it if it is gone (restore/own-files.ts notePolicyWatch). Set from the text alone.
   */
  watchPolicy = false;
  /**
   * Tracked files (latin1 byte strings) the command deletes: the snapshot before it looks at their
   * permission bits (a chmod no git command saw is in no index: file-modes.ts).
   */
  readonly modePaths = new Set<string>();
  /** Commits the resolved pass decided guard keeps (refs/guard/keep/head) before the command, by oid, worktree and ref. */
  readonly keepCommits = new Map<string, LeavingCommit>();

  /** Loop globs asked for while collecting that no expansion answers yet (classifyWithState expands them, then collects again). */
  readonly loopGlobQueries = new Map<string, LoopGlobQuery>();

  /** Files asked for while collecting that no read answers yet (classifyWithState reads them, then collects again). */
  readonly fileQueries = new Map<string, FileQuery>();
  /** Workspace globs asked for while collecting that no listing answers yet. */
  readonly dirQueries = new Map<string, DirQuery>();
  /** Directories whose files were asked for while collecting that no listing answers yet (absolute, by `entries:` key). */
  readonly entryQueries = new Map<string, string>();
  /** Directories whose files below were asked for while collecting that no listing answers yet (absolute, by `below:` key). */
  readonly belowQueries = new Map<string, string>();
  /** Files at HEAD asked for while collecting that no git read answers yet (by headFilesKey). */
  readonly headQueries = new Map<string, HeadFilesQuery>();

  constructor(
    readonly mode: 'text' | 'collect' | 'resolved',
    private readonly facts: StateFacts | null = null,
    /** The resolved pass starts knowing what the collect pass found about ignore files. */
    ignoreRulesChanged = false,
    /** Loop globs already expanded (by loopGlobKey; null: guard cannot say). */
    private readonly expansions: ReadonlyMap<string, string[] | null> = new Map(),
    /** Files already read (by fileQueryKey, and workspace listings by dirQueryKey); null: no reader, files are not looked at (by text). */
    private readonly files: ReadonlyMap<string, FoundFile | string[] | null> | null = null,
    /** The aliases git's configuration defines, once read (src/git/config-aliases.ts); null: not read. */
    private readonly aliases: ReadonlyMap<string, string> | null = null,
    /** Files at HEAD already read (by headFilesKey; null: git could not say); null: no reader, never asked. */
    private readonly heads: ReadonlyMap<string, ReadonlyMap<string, string> | null> | null = null,
  ) {
    this.ignoreRulesChanged = ignoreRulesChanged;
  }

  /**
   * What a glob in a `for` loop's word list expands to (LoopGlobExpander); null by text, while
   * collecting before it was expanded (it is noted), or where guard cannot say.
   */
  loopGlob(query: LoopGlobQuery): string[] | null {
    if (this.mode === 'text') return null;
    const key = loopGlobKey(query);
    if (this.expansions.has(key)) return this.expansions.get(key) ?? null;
    if (this.mode === 'collect') this.loopGlobQueries.set(key, query);
    return null;
  }

  /**
   * A file whose text decides what a command runs (FileQuery): undefined where nothing is known
   * yet (by text, where the handler judges as before; while collecting, where it is noted and
   * read before the next pass), else what the read found.
   */
  file(query: FileQuery): FoundFile | undefined {
    if (this.mode === 'text' || this.files === null) return undefined;
    const key = fileQueryKey(query);
    if (this.files.has(key)) return this.files.get(key) as FoundFile;
    if (this.mode === 'collect') {
      this.fileQueries.set(key, query);
      return undefined;
    }
    return null;
  }

  /** The package directories workspace globs select (DirQuery): undefined as for file(); null where guard cannot say. */
  packageDirs(query: DirQuery): string[] | null | undefined {
    if (this.mode === 'text' || this.files === null) return undefined;
    const key = `dirs:${dirQueryKey(query)}`;
    if (this.files.has(key)) return this.files.get(key) as string[] | null;
    if (this.mode === 'collect') {
      this.dirQueries.set(key, query);
      return undefined;
    }
    return null;
  }

  /** The regular files directly in a directory (EntryLister): undefined as for file(); null where guard cannot say. */
  fileNames(dir: string): string[] | 'missing' | null | undefined {
    return this.listing(`entries:${dir}`, dir, this.entryQueries);
  }

  /** The regular files below a directory, relative to it (FilesBelowLister): undefined as for file(); null where guard cannot say. */
  filesBelow(dir: string): string[] | 'missing' | null | undefined {
    return this.listing(`below:${dir}`, dir, this.belowQueries);
  }

  /** A directory listing by its key: known, noted while collecting (undefined), or unknown (null). */
  private listing(key: string, dir: string, asked: Map<string, string>): string[] | 'missing' | null | undefined {
    if (this.mode === 'text' || this.files === null) return undefined;
    if (this.files.has(key)) return this.files.get(key) as string[] | 'missing' | null;
    if (this.mode === 'collect') {
      asked.set(key, dir);
      return undefined;
    }
    return null;
  }

  /** The files at HEAD of a directory (HeadFilesQuery): undefined while collecting before they were read (noted) or by text; null where git cannot say. */
  headFiles(query: HeadFilesQuery): ReadonlyMap<string, string> | null | undefined {
    if (this.mode === 'text' || this.heads === null) return undefined;
    const key = headFilesKey(query);
    if (this.heads.has(key)) return this.heads.get(key) ?? null;
    if (this.mode === 'collect') {
      this.headQueries.set(key, query);
      return undefined;
    }
    return null;
  }

  /**
   * The words of a glob as loopGlob expands it, telling apart what loopGlob's null merges:
   * undefined where nothing is known yet (by text, the first collect pass, which notes it, or
   * without an expander), null where the expander could not say (over `limit` words, a form it
   * does not expand exactly).
   */
  globWords(query: LoopGlobQuery): string[] | null | undefined {
    const key = loopGlobKey(query);
    const words = this.loopGlob(query);
    return words !== null ? words : this.expansions.has(key) ? null : undefined;
  }

  /**
   * Paths that stand for files guard cannot name (what `find -exec` is handed): they are judged
   * by their text, never looked up (a made-up name does not exist, which would read as harmless).
   */
  private readonly placeholders: string[] = [];

  placeholder(abs: string): void {
    if (!this.placeholders.includes(abs)) this.placeholders.push(abs);
  }

  isPlaceholder(abs: string): boolean {
    return this.placeholders.some((p) => abs.startsWith(p));
  }

  /** Facts for an absolute path; null while collecting (the path is noted) or judging by text. */
  path(abs: string, contents: PathContents): PathFacts | null {
    if (this.isPlaceholder(abs)) return null;
    if (this.mode === 'collect') {
      const before = this.queries.paths.get(abs)?.contents ?? false;
      // true asks for more than 'entry', which asks for more than false.
      this.queries.paths.set(abs, { contents: before === true || contents === true ? true : before || contents });
      return null;
    }
    return this.facts?.paths.get(abs) ?? null;
  }

  /** The looks a recursive write needs (StateFacts.probe); null while collecting, by text, or where the reader cannot look. */
  get probe(): StateProbe | null {
    return this.mode === 'resolved' ? (this.facts?.probe ?? null) : null;
  }

  /** What a repo-relative glob matches (tracked, untracked, ignored); null while collecting or by text. */
  glob(relPattern: string): RepoContents | null {
    if (this.mode === 'collect') {
      this.queries.globs.add(relPattern);
      return null;
    }
    return this.facts?.globs.get(relPattern) ?? null;
  }

  /** What a find selects (git's listing); null while collecting, by text, or where git cannot list it. */
  find(query: FindQuery): RepoContents | null {
    return this.keyed(this.queries.finds, this.facts?.finds, findKey(query), query);
  }

  /** The tracked files a tracked Listing can print; null while collecting, by text, or where git cannot list them. */
  trackedFiles(query: TrackedQuery): RepoContents | null {
    return this.keyed(this.queries.tracked, this.facts?.tracked, trackedKey(query), query);
  }

  /**
   * Whether git's configuration makes a discard recurse into this repository's submodules; null
   * while collecting (noted) or by text.
   */
  submodulesRecursed(): boolean | null {
    if (this.mode === 'collect') {
      this.queries.submoduleRecurse = true;
      return null;
    }
    return this.facts?.submoduleRecurse ?? null;
  }

  /**
   * The value of the alias `name` in git's configuration: null where there is none; undefined
   * while collecting (noted) or by text.
   */
  gitAlias(name: string): string | null | undefined {
    if (this.mode === 'text') return undefined;
    // Noted in every pass that asks: the verdict then depends on the repository's configuration.
    if (this.mode === 'collect') this.queries.gitAliases = true;
    return this.aliases === null ? undefined : (this.aliases.get(name.toLowerCase()) ?? null);
  }

  /** The linked worktree `git worktree remove` takes, with its ignored files; null while collecting, by text, or where none is named. */
  worktreeRemoval(query: WorktreeRemovalQuery): WorktreeRemovalFacts | null {
    return this.keyed(this.queries.worktreeRemovals, this.facts?.worktreeRemovals, worktreeRemovalKey(query), query);
  }

  /** The repository with work of its own that an install in the package at `query.dir` prunes from node_modules; null while collecting, by text, or where there is none. */
  installPrune(query: InstallPruneQuery): NestedWork | null {
    return this.keyed(this.queries.installPrunes, this.facts?.installPrunes, installPruneKey(query), query);
  }

  /** The worktrees `git worktree prune` deletes the records of; null while collecting, by text, or where git cannot be asked. */
  worktreePrune(query: WorktreePruneQuery): WorktreePruneFacts | null {
    return this.keyed(this.queries.worktreePrunes, this.facts?.worktreePrunes, worktreePruneKey(query), query);
  }

  /** Commits to keep before the command runs (the verdict carries them: StateVerdict.keepCommits). */
  addKeep(commits: LeavingCommit[]): void {
    // Each ref that holds one is named (keepTips keeps each commit once).
    for (const commit of commits) this.keepCommits.set(JSON.stringify([commit.oid, commit.root, commit.ref]), commit);
  }

  /** The ignored files a `git sparse-checkout` deletes; null while collecting, by text, or where guard cannot tell. */
  sparseCheckout(query: SparseCheckoutQuery): SparseCheckoutFacts | null {
    return this.keyed(this.queries.sparseCheckouts, this.facts?.sparseCheckouts, sparseCheckoutKey(query), query);
  }

  /** The ignored files a git command writing another tree replaces; null while collecting, by text, or where git cannot resolve it. */
  treeLanding(query: TreeLandingQuery): IgnoredEntry[] | null {
    return this.keyed(this.queries.treeLandings, this.facts?.treeLandings, treeLandingKey(query), query);
  }

  /** Whether the landing (answered) deletes `.guard.yaml`, tracked in HEAD and not in the tree it lands (no query of its own: treeLanding's). */
  treeLandingDeletesPolicy(query: TreeLandingQuery): boolean {
    return this.facts?.treeLandingsDeletingPolicy?.has(treeLandingKey(query)) === true;
  }

  /** The checked-out submodules a deinit or rm matches, with their ignored files; null while collecting, by text, or where git cannot be asked. */
  submoduleRemoval(query: SubmoduleRemovalQuery): SubmoduleRemoval[] | null {
    return this.keyed(this.queries.submoduleRemovals, this.facts?.submoduleRemovals, submoduleRemovalKey(query), query);
  }

  /** The submodules a `git submodule update --force` reaches that hold work of their own; null while collecting, by text, or where git cannot be asked. */
  submoduleWork(query: SubmoduleWorkQuery): string[] | null {
    return this.keyed(this.queries.submoduleWorks, this.facts?.submoduleWorks, submoduleWorkKey(query), query);
  }

  clean(query: CleanQuery): CleanFacts | null {
    return this.keyed(this.queries.cleans, this.facts?.cleans, cleanKey(query), query);
  }

  /** The files a git path command takes or changes among its pathspecs; null while collecting, by text, or where git cannot be asked. */
  guardedPaths(query: GuardedPathsQuery): string[] | null {
    return this.keyed(this.queries.guardedPaths, this.facts?.guardedPaths, guardedPathsKey(query), query);
  }

  /** The index entries a command that replaces or removes them would lose a staged version of; null while collecting, by text, or where git cannot be asked. */
  stagedLoss(query: StagedLossQuery): string[] | null {
    return this.keyed(this.queries.stagedLosses, this.facts?.stagedLosses, stagedLossKey(query), query);
  }

  /** A query kept by its key: noted while collecting (null), answered from the facts once resolved. */
  private keyed<Q, A>(asked: Map<string, Q>, answers: Map<string, A> | undefined, key: string, query: Q): A | null {
    if (this.mode === 'collect') {
      asked.set(key, query);
      return null;
    }
    return answers?.get(key) ?? null;
  }

  /** True while collecting: state-dependent checks report nothing yet. */
  get collecting(): boolean {
    return this.mode === 'collect';
  }

  /** True when the resolved facts are there to judge by. */
  get resolved(): boolean {
    return this.mode === 'resolved';
  }

  addModePaths(tracked: readonly string[]): void {
    for (const file of tracked) if (this.modePaths.size < MAX_MODE_PATHS) this.modePaths.add(file);
  }

  /** guard's own files a clean deletes that the agent hook puts back after it (CommandContext.putsBackOwnFiles). */
  notePutBack(names: readonly string[]): void {
    for (const name of names) this.putBack.add(name);
  }

  /** The command may take in a deletion of `.guard.yaml` (StateView.watchPolicy). */
  noteWatchPolicy(): void {
    this.watchPolicy = true;
  }

  addCapture(entries: IgnoredEntry[]): void {
    for (const entry of entries) {
      if (entry.regenerable || !entry.files) continue;
      for (const file of entry.files) this.capture.set(file.path, file.size);
    }
  }
}

/**
 * How many deleted tracked files a pre-command snapshot looks at for their permission bits (one
 * lstat each); beyond it, the rest are known only as file-modes.ts knows any file.
 */
export const MAX_MODE_PATHS = 1000;

export function cleanKey(query: CleanQuery): string {
  return JSON.stringify([query.cwd, query.pathspecs, query.clean ?? null, query.nested ?? false]);
}

/** The verdict, plus the ignored files the pre-command snapshot must capture (latin1 byte strings). */
export interface StateVerdict extends Verdict {
  capture: string[];
  captureBytes: number;
  /**
   * Refs whose commits the command lets go where guard must keep them after its snapshot (a
   * lease push's remote-tracking refs: the remote tips it may overwrite). Set by the caller that
   * judged the command's ref changes (src/cli/command-state.ts).
   */
  keep?: string[];
  /**
   * Commits guard keeps (refs/guard/keep/head) after its snapshot because the command lets them
   * go unreachable (a removed or pruned worktree's detached HEAD or per-worktree refs).
   */
  keepCommits?: LeavingCommit[];
  /** Tracked files the command deletes whose permission bits the snapshot looks at (StateView.modePaths). */
  modePaths?: string[];
  /**
   * guard's own files the command deletes (text, relative to the root) that the agent hook puts
   * back after it from the snapshot taken first (restore/own-files.ts; StateView.putBack).
   */
  putBack?: string[];
  /**
   * The command may take in a deletion of `.guard.yaml` made elsewhere (StateView.watchPolicy):
   * the agent hook keeps a copy of its bytes and puts it back after the command if it is gone.
   */
  watchPolicy?: true;
}

export interface CaptureLimits {
  /** Bytes the captured ignored files may add up to; over it, deny. */
  maxBytes: number;
  /** How many files may be captured; over it, deny. */
  maxFiles: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = { maxBytes: 100 * 1024 ** 2, maxFiles: 10_000 };
