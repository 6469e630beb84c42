/**
 * Reads what the command guard needs to know about the paths a command line would delete,
 * truncate, overwrite or move (src/policy/command/state.ts), in one batch:
 *
 *  - where each path really is: the real path of its parent plus its name (a symlinked parent
 *    directory moves it), and where the entry itself leads when followed (lstat, realpath);
 *  - for deletions inside the repository, what git knows at or under it: one
 *    `ls-files -t --cached --others --exclude-standard` (tracked and untracked, nested
 *    repositories as `dir/`) unless every target is wholly ignored regenerable output
 *    (`rm -rf node_modules`), and one `ls-files --others --ignored --directory` (ignored, whole
 *    ignored directories collapsed), both limited to the targets by literal pathspecs; then,
 *    only for ignored directories that are not regenerable output, one more listing of their
 *    files (with lstat for sizes), because those are what gets captured. Each listing runs when
 *    the classifier first reads what it lists (ContentsListing), so a deletion that a tracked
 *    protected path already denies does not wait for the ignored one; a target that is a file
 *    the index lists is left out of the ignored listing (it holds nothing ignored), which the
 *    index file says without git: `> src/app.ts` or an agent's Edit of it starts no git process.
 *    What is tracked at such a file the index file says as well (indexedPaths: git's -t letter,
 *    gitlink or not), so `rm src/app.ts` or a delete tool on it starts none either; and a file
 *    the first listing shows as untracked (`? path`) is left out of the ignored one. Where every
 *    target the index does not list is a file (`rm .env.local`, a delete tool on it), the two
 *    listings are one `git status --porcelain=v2 --ignored=matching -uall` (listOthers): `?` and
 *    `!` from the same walk, so an ignored file costs one process, not two (in an index up to 1 MiB,
 *    ~13k files: above, status costs more than the two, STATUS_INDEX_BYTES);
 *  - for `git clean`, the ignored entries in its scope, the same way.
 *
 * Nothing walks the whole repository: git prunes its walk to the pathspecs.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { globMatch } from '../policy/command/paths.js';
import { namesDirectories } from '../policy/schema.js';
import { couldMatchBelow, fnmatchRegExp, literalPrefix } from '../policy/command/fnmatch.js';
import type { CleanFacts, CleanQuery, FindQuery, SubmoduleRemoval, IgnoredEntry, PathFacts, RepoContents, SparseCheckoutFacts, StateFacts, StateProbe, StateQueries, WorktreePruneFacts, WorktreeRemovalFacts } from '../policy/command/state.js';
import { atOrUnder, bytewiseGlob, bytewiseGlobUnder, exactPathspecs, globOfEscaped, hasEscapedByte, isTextPath, matchText, commandLinePathspecs, type GitPath } from './path.js';
import type { Repo } from './repo.js';
import { runGit, runGitSync, splitNulBytes } from './run.js';
import { sparseLeaving } from './sparse-leaving.js';
import { CleanEntries, cleanDryRun } from './clean-dry-run.js';
import { submodulesWithWork } from './submodule-work.js';
import { treeLandingFacts } from './tree-landing.js';
import { zipMembers } from '../util/zip-members.js';
import { configRecursesSubmodules } from './submodule-recurse.js';
import { removedSubmodules } from './submodule-removal.js';
import { guardedPaths } from './guarded-paths.js';
import { stagedVersionsLost } from './staged-loss.js';
import { foldsNames, nameFolding, type NameFolding } from './name-folding.js';
import { withTextPaths } from './text-paths.js';
import { changesInWorktree, IGNORED_IN_WORKTREE, ignoredInWorktree, prunedWorktrees, removedWorktree, worktreeRoots } from './worktree-removal.js';
import { escapedBytes, escapedText } from '../util/escaped-text.js';
import { indexedPathsOfAnyFormat, type IndexedPath } from '../snapshot/index-file.js';
import { VirtualenvFinder } from '../snapshot/virtualenvs.js';
import { nestedWorkIn } from './nested-work.js';
import { prunedCloneWork } from './install-prune.js';

export interface PathFactsOptions {
  /** Names (`node_modules`, `*.egg-info`) or repo-relative globs (`web/.cache/**`) of regenerable ignored output. */
  regenerable: readonly string[];
  /** Beyond this many ignored files in the non-regenerable directories, they are not listed one by one. */
  maxListedFiles?: number;
}

const DEFAULT_MAX_LISTED = 20_000;

/*
 * Paths here are escaped text (util/escaped-text.ts): a name that is not UTF-8 (from `$'\xff'` in
 * the command, from git or from the file system) keeps its bytes, and every fs call gets them.
 */
function realpath(p: string): string {
  // The native call: fs.realpathSync decodes a Buffer as UTF-8, so a path holding 0xff would not be found.
  return escapedText(fs.realpathSync.native(escapedBytes(p), { encoding: 'buffer' }));
}

/** The longest existing prefix of `abs` with its symlinks resolved, plus the rest as written. */
function realish(abs: string): string {
  const rest: string[] = [];
  let existing = abs;
  for (;;) {
    try {
      return path.posix.join(realpath(existing), ...rest);
    } catch {
      const parent = path.posix.dirname(existing);
      if (parent === existing) return abs;
      rest.unshift(path.posix.basename(existing));
      existing = parent;
    }
  }
}

function isDirEmpty(dir: string): boolean {
  try {
    const handle = fs.opendirSync(escapedBytes(dir));
    try {
      return handle.readSync() === null;
    } finally {
      handle.closeSync();
    }
  } catch {
    return false;
  }
}

function locate(abs: string): Omit<PathFacts, 'locatedContents' | 'followedContents'> {
  const located = abs === '/' || /^[A-Za-z]:/.test(abs) ? abs : path.posix.join(realish(path.posix.dirname(abs)), path.posix.basename(abs));
  let stat: fs.Stats | null = null;
  try {
    stat = fs.lstatSync(escapedBytes(located));
  } catch {
    stat = null;
  }
  const facts = {
    located,
    followed: located,
    exists: stat !== null,
    followedExists: stat !== null,
    isDir: stat?.isDirectory() ?? false,
    isSymlink: stat?.isSymbolicLink() ?? false,
    followedIsDir: stat?.isDirectory() ?? false,
    emptyDir: false,
  };
  if (facts.isSymlink) {
    try {
      facts.followed = realpath(located);
      facts.followedIsDir = fs.statSync(escapedBytes(facts.followed)).isDirectory();
    } catch {
      // A dangling link: a write creates its target, a deletion removes only the link.
      facts.followed = realish(path.posix.resolve(path.posix.dirname(located), escapedText(fs.readlinkSync(escapedBytes(located), { encoding: 'buffer' }))));
      facts.followedExists = false;
    }
  }
  if (facts.isDir) facts.emptyDir = isDirEmpty(located);
  else if (facts.followedIsDir) facts.emptyDir = isDirEmpty(facts.followed);
  return facts;
}

/** `rel` (repo-relative, no trailing slash) when `abs` is strictly inside the repository. */
function repoRelative(repo: Repo | null, abs: string): string | null {
  if (!repo) return null;
  const root = repo.root.replace(/\/+$/, '');
  return abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : null;
}

/**
 * A name as a file system that folds it compares it: where it folds Unicode normalization
 * (core.precomposeUnicode: APFS, HFS+) a UTF-8 name by its composed form (NFC), so `café` typed
 * precomposed finds the decomposed one a zip or an HFS+ volume left; where it folds case, a UTF-8
 * name by its Unicode lower case (APFS and HFS+ fold beyond ASCII) and any other name (bytes) by
 * its ASCII letters only. Tagged, so a UTF-8 name and a byte name never compare equal by accident.
 */
function foldKey(name: Buffer, folding: NameFolding): string {
  if (!isUtf8(name)) return `b${folding.case ? name.toString('latin1').replace(/[A-Z]/g, (c) => c.toLowerCase()) : name.toString('latin1')}`;
  let text = name.toString('utf8');
  if (folding.unicode) text = text.normalize('NFC');
  if (folding.case) text = text.toLowerCase();
  return `u${text}`;
}

/**
 * `abs` (escaped text) with each part below the repository's root spelled as its directory holds
 * it, where the file system folds names (name-folding.ts): `rm .ENV` there deletes `.env`, `rm
 * café` a decomposed `café`, and git's listings, the protected paths and the regenerable names
 * are matched against that name, byte for byte. One readdir per part, through symlinked
 * directories as the command goes; the name the directory holds byte for byte wins (lstat cannot
 * tell: on macOS it finds `.ENV` as well). Several names that fold equal can stand side by side
 * only on a file system that does not fold them (the setting set wrongly), where the command
 * reaches none of them: the first in byte order is judged, so guard looks at more, never less. A
 * part no name matches, and everything after it, stays as written.
 *
 * git on macOS with core.precomposeUnicode reads every name a directory gives it, and every
 * path on its command line, in its composed form: that is the name its listings and the
 * snapshot use, so where it precomposes (`platform` darwin) a found name is given back composed
 * (the file system finds it either way). Elsewhere git does not precompose (the code is macOS's
 * only) and the name is given back as the directory holds it.
 */
export function spelledOnDisk(root: string, abs: string, folding: NameFolding, platform: NodeJS.Platform = process.platform): string {
  const top = root.replace(/\/+$/, '');
  if (!abs.startsWith(`${top}/`)) return abs;
  const parts = abs.slice(top.length + 1).split('/');
  const spelled: string[] = [];
  const precomposes = folding.unicode && platform === 'darwin';
  let dir = escapedBytes(top);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    let names: Buffer[] = [];
    if (part !== '' && part !== '.' && part !== '..') {
      try {
        names = fs.readdirSync(dir, { encoding: 'buffer' });
      } catch {
        names = [];
      }
    }
    const want = escapedBytes(part);
    const key = foldKey(want, folding);
    const found = names.find((name) => name.equals(want)) ?? names.filter((name) => foldKey(name, folding) === key).sort(Buffer.compare)[0];
    if (!found) {
      spelled.push(...parts.slice(i));
      break;
    }
    spelled.push(precomposes && isUtf8(found) ? found.toString('utf8').normalize('NFC') : escapedText(found));
    dir = Buffer.concat([dir, Buffer.from('/'), found]);
  }
  return [top, ...spelled].join('/');
}

/**
 * A repo-relative glob (escaped text, a backslash escaping the next character) whose parts
 * without a wildcard match their letters in either case (`DIST/*` as `[dD][iI][sS][tT]/*`): on a
 * file system that folds case bash hands such a part to the file system as it is, which finds
 * `dist`, while a part with a wildcard is matched by bash itself against the names the
 * directory lists, case counting (nocaseglob is off by default). ASCII letters only, as git's
 * glob reads brackets; escaped characters stay as they are.
 */
export function foldLiteralParts(pattern: string): string {
  return pattern
    .split('/')
    .map((part) => {
      if (/(^|[^\\])(\\\\)*[*?[]/.test(part)) return part;
      let out = '';
      for (let i = 0; i < part.length; i++) {
        const c = part[i] as string;
        if (c === '\\') {
          out += c + (part[i + 1] ?? '');
          i++;
        } else out += /[A-Za-z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
      }
      return out;
    })
    .join('/');
}

function literal(rel: string): string {
  return `:(literal)${rel}`;
}

/**
 * Pathspecs for a target (escaped text) and what is under it. A name that is not UTF-8 cannot go on
 * git's command line as text (its escaped bytes would become U+FFFD and match nothing, so an ignored
 * `$'k\xff.env'` that rm deletes was never captured): it is asked bytewise, which may list other
 * names too; what is kept is matched byte for byte (belongsTo, bytesOf).
 */
function targetSpecs(rel: string): string[] {
  return exactPathspecs(bytesOf(rel) as GitPath);
}

/**
 * Is an ignored entry (a latin1 byte string; a directory ends in `/`) regenerable output? With
 * `from`, only its segments past the first `from` count: inside a submodule at `deps/x`, its `src`
 * is not output because the submodule lies under a directory named like output.
 *
 * A pattern that names directories (namesDirectories: every built-in one but `*.pyc` and
 * `.DS_Store`, and any pattern ending in `/`) matches only a segment that is a directory: any
 * segment above the entry's last, and the last one only where the entry is a directory (ends in
 * `/`). An ignored regular file or symlink named `obj`, `out`, `build`, `deps` or `vendor` (a
 * file of data that merely has the name) is not output: before 2026-12-06 `rm obj` of such a
 * file was "allow no-risk" and nothing captured it. Any other pattern (`*.pyc`, `.DS_Store`, a
 * name the person listed) matches files and directories alike, as before.
 */
export function isRegenerable(entry: string, patterns: readonly string[], from = 0): boolean {
  const isDir = entry.endsWith('/');
  // Escaped text (util/escaped-text.ts), not a lossy decoding: a name that is not UTF-8 matches
  // only a pattern naming its very bytes (project-outputs.ts), never one that holds U+FFFD.
  const rel = escapedText(Buffer.from(entry.replace(/\/$/, ''), 'latin1'));
  const segments = rel.split('/');
  for (const pattern of patterns) {
    // How many leading segments the pattern may match: all, or all but a file's own name.
    const reach = !isDir && namesDirectories(pattern) ? segments.length - 1 : segments.length;
    const glob = pattern.replace(/\/$/, '');
    if (!glob.includes('/') && !pattern.endsWith('/')) {
      for (let i = from; i < reach; i++) if (globMatch(glob, segments[i] as string, { dot: true })) return true;
      continue;
    }
    for (let i = from + 1; i <= reach; i++) if (globMatch(glob, segments.slice(0, i).join('/'), { dot: true })) return true;
  }
  return false;
}

/** `rel` (latin1 bytes, no trailing `/`) as an entry for isRegenerable: a directory with a `/`. */
function asEntry(rel: string, isDir: boolean): string {
  return isDir ? `${rel}/` : rel;
}

/** Byte-string (latin1) path to a Buffer for fs calls under the repository root. */
/** Where listings run and sizes are read: the worktree's root (a repository's, or a worktree about to be removed). */
type Listed = Pick<Repo, 'root'>;

function fullPath(repo: Listed, bytes: string): Buffer {
  return Buffer.concat([Buffer.from(`${repo.root}/`, 'utf8'), Buffer.from(bytes, 'latin1')]);
}

function sizeOf(repo: Listed, bytes: string): number {
  try {
    return fs.lstatSync(fullPath(repo, bytes)).size;
  } catch {
    return 0;
  }
}

/**
 * Ignored entries (as `ls-files --directory` printed them) with the files to capture listed for
 * those that are not regenerable: one more ls-files over just those directories.
 */
function describeIgnored(repo: Listed, entries: string[], options: PathFactsOptions): IgnoredEntry[] {
  const plan = describePlan(repo, entries, options);
  return plan.listing ? describeListed(repo, plan, runGitSync(plan.listing, { cwd: repo.root }).stdout, options) : plan.out;
}

/** describeIgnored, its git process started asynchronously. */
async function describeIgnoredAsync(repo: Listed, entries: string[], options: PathFactsOptions): Promise<IgnoredEntry[]> {
  const plan = describePlan(repo, entries, options);
  if (!plan.listing) return plan.out;
  return describeListed(repo, plan, filesListedUnder(entries, plan.listable) ?? (await runGit(plan.listing, { cwd: repo.root })).stdout, options);
}

/**
 * The files under the directories to list, from the `--directory` listing itself, when git
 * already went into each of them: a directory that is not ignored by a pattern of its own but holds
 * only ignored files (`.claude/`, where only `.claude/settings.local.json` is ignored) is printed
 * collapsed and then with every ignored entry under it (git 2.39 and 2.47: outsideListedDirs). A
 * session start in any clone with Claude Code's hooks ran a second ls-files for that one file.
 * Null (run the listing) when a directory has nothing under it in the listing (ignored by a
 * pattern of its own: git did not go in), or holds a directory entry with nothing under it (one
 * ignored by its own pattern, a nested repository): only git can list those.
 */
function filesListedUnder(entries: string[], listable: IgnoredEntry[]): Buffer | null {
  const sorted = [...entries].sort();
  const files: string[] = [];
  for (const dir of listable) {
    const under = sorted.filter((entry) => entry !== dir.path && entry.startsWith(dir.path));
    if (under.length === 0) return null;
    for (const entry of under) {
      if (!entry.endsWith('/')) files.push(entry);
      else if (!under.some((other) => other !== entry && other.startsWith(entry))) return null;
    }
  }
  return Buffer.from(files.map((file) => `${file}\0`).join(''), 'latin1');
}

interface DescribePlan {
  out: IgnoredEntry[];
  /** The ignored directories that are not regenerable: their files are listed. */
  listable: IgnoredEntry[];
  /** The one ls-files that lists them; null when there is none to list. */
  listing: string[] | null;
}

/**
 * `ls-files --others --ignored --directory` prints a directory that holds only ignored files
 * (`.claude/`, where only `.claude/settings.local.json` is ignored) and then that file again
 * (git 2.39 and 2.47): the file is already the directory's, so it goes. Left in, a session start
 * captured it twice and said so ("capturedIgnored": the same name twice, leftOut counted twice).
 */
function outsideListedDirs(entries: string[]): string[] {
  if (!entries.some((entry) => entry.endsWith('/'))) return entries;
  // In byte order a directory comes right before what lies under it: one pass, O(n log n).
  const inside = new Set<string>();
  let dir: string | null = null;
  for (const entry of [...entries].sort()) {
    if (dir !== null && entry !== dir && entry.startsWith(dir)) inside.add(entry);
    else if (entry.endsWith('/')) dir = entry;
  }
  return inside.size === 0 ? entries : entries.filter((entry) => !inside.has(entry));
}

function describePlan(repo: Listed, listed: string[], options: PathFactsOptions): DescribePlan {
  const entries = outsideListedDirs(listed);
  const out: IgnoredEntry[] = entries.map((entry) => {
    const regenerable = isRegenerable(entry, options.regenerable);
    return { path: entry, regenerable, files: regenerable ? null : entry.endsWith('/') ? [] : [{ path: entry, size: sizeOf(repo, entry) }] };
  });
  const listable = out.filter((e) => !e.regenerable && e.path.endsWith('/'));
  if (listable.length === 0) return { out, listable, listing: null };
  // An argument is text, and ls-files takes no --pathspec-from-file: a directory whose name is
  // not valid UTF-8 is named by a glob that matches its bytes (bytewiseGlobUnder), and only
  // what lies under it byte for byte is kept below.
  const specs = listable.map((d) => {
    const dir = d.path.slice(0, -1) as GitPath;
    return isTextPath(dir) ? literal(matchText(dir)) : bytewiseGlobUnder(dir);
  });
  return { out, listable, listing: ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...specs] };
}

function describeListed(repo: Listed, { out, listable }: DescribePlan, stdout: Buffer, options: PathFactsOptions): IgnoredEntry[] {
  const max = options.maxListedFiles ?? DEFAULT_MAX_LISTED;
  const files = splitNulBytes(stdout).filter((file) => listable.some((d) => file.startsWith(d.path)));
  if (files.length > max) {
    for (const dir of listable) dir.files = null;
    return out;
  }
  for (const file of files) {
    if (isRegenerable(file, options.regenerable)) continue;
    const dir = listable.find((d) => file.startsWith(d.path));
    dir?.files?.push({ path: file, size: sizeOf(repo, file) });
  }
  return out;
}

/**
 * Every ignored entry of the worktree (whole ignored directories collapsed, `dir/`), regenerable
 * output marked and the files of the others listed with their sizes (describeIgnored): what a
 * session start captures (src/session/start-capture.ts). Two git processes at most, one when no
 * ignored directory is kept or the first listing holds the files of each (filesListedUnder),
 * started asynchronously (a session start lists them beside its
 * snapshot's walk); null where git cannot list them.
 */
export async function ignoredEntriesOfWorktree(repo: Pick<Repo, 'root'>, options: PathFactsOptions): Promise<IgnoredEntry[] | null> {
  const listed = await runGit(IGNORED_IN_WORKTREE, { cwd: repo.root, okCodes: [128] });
  if (listed.code !== 0) return null;
  return describeIgnoredAsync(repo, [...new Set(splitNulBytes(listed.stdout))], options);
}

/** Entries that lie at or under `rel`, or are a collapsed directory holding it. */
/**
 * A pathspec that matches nothing (git never lists inside .git) and shares no directory with any
 * target. `ls-files --others --ignored --directory` dies ("internal error - directory entry not
 * superset of prefix", git 2.39 and 2.47) when the pathspecs' common prefix lies inside an ignored
 * directory it collapses (`rm node_modules/p/i.js`, `> node_modules/p/i.js`): with this one
 * beside them there is no common prefix, and git lists `node_modules/` as for any other target.
 */
const NO_COMMON_PREFIX = ':(literal).git/guard-no-common-prefix';

function belongsTo(entry: string, rel: string): boolean {
  return atOrUnder(entry, rel as GitPath);
}

/**
 * A regenerable target (`dist`, `node_modules`) that git lists as one collapsed ignored
 * directory (`dist/`, or a collapsed directory above it) holds nothing else: git collapses a
 * directory only when nothing in it is tracked or untracked-and-not-ignored, and a file under an
 * ignored directory cannot be un-ignored. For such targets the listing of tracked and untracked
 * files would be empty, so it is not run: `rm -rf node_modules dist` costs one git process.
 */
function wholeIgnoredOutput(relBytes: string, isDir: boolean, ignored: string[], options: PathFactsOptions): boolean {
  if (!isRegenerable(asEntry(relBytes, isDir), options.regenerable)) return false;
  return ignored.some((entry) => entry.endsWith('/') && (entry === `${relBytes}/` || relBytes.startsWith(entry)));
}

/**
 * What git lists at or under a batch of targets, each listing run on first use, once for the whole
 * batch (one process each, synchronously: runGitSync says why):
 *  - the ignored entries (`ls-files --others --ignored --directory`, whole ignored directories
 *    collapsed), with the files to capture listed under those that are not regenerable;
 *  - what is tracked (`-t`: H and other letters) and untracked (`?`; a nested repository is
 *    `? dir/`), for the targets that are not wholly ignored regenerable output.
 * A deletion is judged on the tracked and untracked files first (targets.ts), and one protected
 * path or nested repository among them is a deny whatever is ignored: `rm -rf db` over a tracked
 * migration then costs one git process. `rm -rf node_modules` costs one too, the ignored listing,
 * which shows there is nothing else to list. Which processes run depends only on which facts the
 * classifier reads; what each listing says does not change.
 */
class ContentsListing {
  private ignoredLines: string[] | undefined;
  private described: IgnoredEntry[] | undefined;
  private records: string[] | undefined;
  private gitlinks = new Set<string>();
  private indexedTargets: Map<string, IndexedPath> | undefined;

  constructor(
    readonly repo: Repo,
    /** The targets, repo-relative text; and the same as git's bytes (latin1 strings). */
    private readonly rels: string[],
    readonly options: PathFactsOptions,
    /** The targets that are there and not directories (by lstat, or stat where a link leads). */
    readonly nonDirs: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * The ignored entries at or under the targets. A target the index lists, and which is not a
   * directory on disk, has none (git lists only what the index does not hold as ignored, and
   * collapses no directory that holds a tracked file), so it is left out of git's listing: an
   * Edit or Write of a tracked file costs a read of the index and no git process.
   */
  private ignoredRaw(): string[] {
    if (this.ignoredLines) return this.ignoredLines;
    const tracked = this.indexed();
    // A file git listed as untracked (`? path`, known() read first, as a deletion does) is not
    // ignored, and no ignored directory lies above it (all below one is ignored): nothing to list.
    const untracked = new Set((this.records ?? []).filter((record) => record.startsWith('? ')).map((record) => record.slice(2)));
    const asked = this.rels.filter((rel) => !tracked.has(rel) && !(this.nonDirs.has(rel) && untracked.has(escapedBytes(rel).toString('latin1'))));
    this.ignoredLines = asked.length === 0 ? [] : [...new Set(splitNulBytes(runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...asked.flatMap(targetSpecs), NO_COMMON_PREFIX], { cwd: this.repo.root }).stdout))];
    return this.ignoredLines;
  }

  ignored(): IgnoredEntry[] {
    this.described ??= describeIgnored(this.repo, this.ignoredRaw(), this.options);
    return this.described;
  }

  /** `-t` records (`H path`, `? path`) of everything tracked or untracked under the targets. */
  known(): string[] {
    if (this.records) return this.records;
    // Only a regenerable name can be wholly ignored output, and only the ignored listing can say so.
    // (A target that is not a directory counts by its name only where the pattern names files: a file `obj` is not output.)
    const mayBeOutput = this.rels.some((rel) => isRegenerable(asEntry(bytesOf(rel), !this.nonDirs.has(rel)), this.options.regenerable));
    const rest = mayBeOutput ? this.rels.filter((rel) => !wholeIgnoredOutput(bytesOf(rel), !this.nonDirs.has(rel), this.ignoredRaw(), this.options)) : this.rels;
    // A file the index lists (and nothing under it) is answered from the index file as git would
    // list it: a Delete tool on a tracked file asks git nothing. The rest is asked of git.
    const indexed = this.indexed();
    const asked = rest.filter((rel) => !indexed.has(rel));
    // Files the index does not list (an agent's Delete of `.env.local`, `rm scratch.txt`): one
    // `git status` says both what is untracked (`?`) and what is ignored (`!`, collapsed as
    // `ls-files --directory` collapses), where the two listings took a process each.
    if (asked.length > 0 && this.ignoredLines === undefined && asked.every((rel) => this.nonDirs.has(rel)) && indexBytes(this.repo) <= STATUS_INDEX_BYTES) {
      const { untracked, ignored } = listOthers(this.repo, asked.flatMap(targetSpecs));
      // ignoredRaw() asks only about the targets that are neither indexed nor untracked files:
      // what it would list of these is what status listed (the indexed ones hold nothing ignored).
      this.ignoredLines = ignored;
      return this.withIndexed(rest, indexed, { records: untracked, gitlinks: new Set<string>() });
    }
    const known = asked.length === 0 ? { records: [], gitlinks: new Set<string>() } : listKnown(this.repo, asked.flatMap(targetSpecs));
    return this.withIndexed(rest, indexed, known);
  }

  /** The records git listed, with those the index file gives for the indexed targets. */
  private withIndexed(rest: string[], indexed: Map<string, IndexedPath>, known: { records: string[]; gitlinks: Set<string> }): string[] {
    const records = new Set(known.records);
    for (const rel of rest) {
      const entry = indexed.get(rel);
      if (!entry) continue;
      const bytes = escapedBytes(rel).toString('latin1');
      for (const letter of entry.letters) records.add(`${letter} ${bytes}`);
      if (entry.gitlink) known.gitlinks.add(bytes);
    }
    this.records = [...records];
    this.gitlinks = known.gitlinks;
    return this.records;
  }

  /** The targets that are not directories and that the index lists (indexedFiles), read once. */
  private indexed(): Map<string, IndexedPath> {
    this.indexedTargets ??= indexedFiles(this.repo, this.rels.filter((rel) => this.nonDirs.has(rel)));
    return this.indexedTargets;
  }

  private venvFinder: VirtualenvFinder | undefined;

  /** Whether known() has listed (so reading it costs nothing more). */
  knownListed(): boolean {
    return this.records !== undefined;
  }

  /** Which virtual environment an untracked file lies in (one finder for the batch). */
  virtualenvs(): VirtualenvFinder {
    this.venvFinder ??= new VirtualenvFinder((bytes) => fullPath(this.repo, bytes));
    return this.venvFinder;
  }

  /** The tracked submodules (gitlinks) among what known() lists. */
  submodules(): Set<string> {
    this.known();
    return this.gitlinks;
  }

  /** What lies at or under `rel` (one of the targets), each field listed when it is first read. */
  contentsOf(rel: string): RepoContents {
    const relBytes = bytesOf(rel);
    let tracked: string[] | undefined;
    let untracked: string[] | undefined;
    let ignored: IgnoredEntry[] | undefined;
    // Untracked files of a Python virtual environment git does not ignore: no snapshot holds them
    // (snapshot/virtualenvs.ts), so a deletion of them is judged as of ignored regenerable output
    // (`rm -rf .venv`: allowed, as where .gitignore names it), listed as one such entry.
    let venvOutput: IgnoredEntry[] = [];
    const split = (): void => {
      tracked = [];
      untracked = [];
      const venvEntries = new Set<string>();
      for (const record of this.known()) {
        const entry = record.slice(2);
        if (!belongsTo(entry, relBytes)) continue;
        if (!record.startsWith('? ')) {
          tracked.push(entry);
          continue;
        }
        const root = entry.endsWith('/') ? null : listing.virtualenvs().rootOf(entry);
        if (root === null) untracked.push(entry);
        else venvEntries.add(belongsTo(root, relBytes) ? `${root}/` : listing.nonDirs.has(rel) ? relBytes : `${relBytes}/`);
      }
      venvOutput = [...venvEntries].map((entry) => ({ path: entry, regenerable: true, files: null }));
      if (ignored) ignored = [...ignored, ...venvOutput];
    };
    const listing = this;
    return {
      sizeOf: (entry) => sizeOf(this.repo, entry),
      // A collapsed directory above the target (`node_modules/` for `rm -rf node_modules/bar`): only the target goes.
      nestedWork: (dirs) => nestedWorkIn(this.repo.root, dirs.map((dir) => (relBytes.startsWith(dir) && relBytes !== dir ? relBytes : dir))),
      get tracked(): string[] {
        if (!tracked) split();
        return tracked as string[];
      },
      get untracked(): string[] {
        if (!untracked) split();
        return untracked as string[];
      },
      get submodules(): string[] {
        return populated(listing.repo, [...listing.submodules()].filter((entry) => belongsTo(entry, relBytes)));
      },
      get insideRepository(): string | null {
        return repositoryAbove(listing.repo, relBytes);
      },
      get holdsFiles(): boolean {
        return holdsNonDirectory(fullPath(listing.repo, relBytes));
      },
      get ignoredThere(): boolean {
        const inner = repositoryAbove(listing.repo, relBytes);
        return inner !== null && onlyIgnoredThere(listing.repo, inner, relBytes);
      },
      get ignoredOutputThere(): boolean {
        const inner = repositoryAbove(listing.repo, relBytes);
        return inner !== null && isRegenerable(asEntry(relBytes, !listing.nonDirs.has(rel)), listing.options.regenerable, inner.split('/').length) && onlyIgnoredThere(listing.repo, inner, relBytes);
      },
      get ignored(): IgnoredEntry[] {
        // (the untracked files are not listed for this: once they are, split() adds venvOutput)
        if (!untracked && listing.knownListed()) split();
        // A collapsed directory above the target: only what is under the target goes.
        ignored ??= [
          ...listing
            .ignored()
            .filter((entry) => belongsTo(entry.path, relBytes))
            .map((entry) => ({ ...entry, files: entry.files?.filter((f) => belongsTo(f.path, relBytes)) ?? null })),
          ...venvOutput,
        ];
        return ignored;
      },
    };
  }
}

/**
 * What is tracked (`H path`, and git's other -t letters) or untracked (`? path`, a nested
 * repository as `? dir/`) under the pathspecs, an unmerged path once; and which of the tracked
 * entries are gitlinks (submodules), from the same single `ls-files --stage` run.
 */
function listKnown(repo: Repo, specs: string[]): { records: string[]; gitlinks: Set<string> } {
  const listed = runGitSync(['ls-files', '-z', '-t', '--stage', '--cached', '--others', '--exclude-standard', '--', ...specs], { cwd: repo.root });
  const records = new Set<string>();
  const gitlinks = new Set<string>();
  for (const line of splitNulBytes(listed.stdout)) {
    if (line.startsWith('? ')) {
      records.add(line);
      continue;
    }
    // `X <mode> <oid> <stage>\t<path>`: the fields before the tab hold no tab.
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const entry = line.slice(tab + 1);
    records.add(`${line.slice(0, 1)} ${entry}`);
    if (line.slice(2, tab).startsWith('160000 ')) gitlinks.add(entry);
  }
  return { records: [...records], gitlinks };
}

/**
 * Up to this index size listOthers' one status is cheaper than the two ls-files it replaces for an
 * ignored file and about as cheap as the one for an untracked file. Status also compares the index
 * with HEAD and the working tree and hashes every name, ~1.8x one ls-files: at 100k files (7.7
 * MB) it cost an untracked file's Delete 9 ms of CPU more than its ls-files, so there the two
 * listings stay (same answers; docs/BENCHMARKS.md).
 */
const STATUS_INDEX_BYTES = 1024 ** 2;

function indexBytes(repo: Repo): number {
  try {
    return fs.statSync(repo.indexFile).size;
  } catch {
    return 0;
  }
}

/**
 * What is untracked (`? path`, a nested repository as `? dir/`) and what is ignored (`path`, a
 * wholly ignored directory as `dir/`) under pathspecs naming files the index does not list, from
 * one `git status` (porcelain v2): the same walk of the working tree as `ls-files --others
 * --exclude-standard` and `ls-files --others --ignored --exclude-standard --directory`, in one
 * process. Status's `1`/`2`/`u` records (a staged deletion of the name) are what the index holds,
 * which for these names is nothing: skipped. core.fsmonitor off: no daemon is started by a hook;
 * core.preloadIndex off: its threads lstat the index's entries ahead, 1.2 ms of CPU at 10k files
 * for the one or two names asked (status 4.3 -> 3.1 ms, one ls-files 2.7);
 * GIT_OPTIONAL_LOCKS=0 (run.ts): the index is not refreshed or written.
 */
function listOthers(repo: Repo, specs: string[]): { untracked: string[]; ignored: string[] } {
  const listed = runGitSync(['-c', 'core.fsmonitor=false', '-c', 'core.preloadIndex=false', 'status', '--porcelain=v2', '-z', '--no-renames', '--untracked-files=all', '--ignored=matching', '--ignore-submodules=all', '--', ...specs, NO_COMMON_PREFIX], { cwd: repo.root });
  const untracked = new Set<string>();
  const ignored = new Set<string>();
  const fields = splitNulBytes(listed.stdout);
  for (let i = 0; i < fields.length; i++) {
    const line = fields[i] ?? '';
    if (line.startsWith('? ')) untracked.add(line);
    else if (line.startsWith('! ')) ignored.add(line.slice(2));
    else if (line.startsWith('2 ')) i++; // a rename's original path follows (not with --no-renames)
  }
  return { untracked: [...untracked], ignored: [...ignored] };
}

/** A `.git` (directory or gitfile) directly in the directory `rel` (git's bytes) of the repository. */
function holdsGitDir(repo: Repo, rel: string): boolean {
  try {
    fs.lstatSync(fullPath(repo, `${rel}/.git`));
    return true;
  } catch {
    return false;
  }
}

/** The submodules among `gitlinks` whose working tree is there (checked out: it holds a `.git`). */
function populated(repo: Repo, gitlinks: string[]): string[] {
  return gitlinks.filter((entry) => holdsGitDir(repo, entry));
}

/**
 * The nearest directory strictly between the repository's root and `rel` (git's bytes) that holds
 * a `.git`: `rel` then lies in the working tree of a submodule or a nested repository, whose files
 * git does not list here and no snapshot of this repository holds. One lstat per level.
 */
function repositoryAbove(repo: Repo, rel: string): string | null {
  const parts = rel.split('/');
  for (let depth = parts.length - 1; depth >= 1; depth--) {
    const dir = parts.slice(0, depth).join('/');
    if (holdsGitDir(repo, dir)) return dir;
  }
  return null;
}

/**
 * Whether the repository whose working tree is `inner` (a submodule or a nested repository,
 * repositoryAbove) lists nothing at or under `rel` (both git's bytes, `rel` under `inner`) as
 * tracked or as untracked and not ignored: then whatever is there is ignored by that repository's
 * own rules (.gitignore, info/exclude). One `ls-files` run in that repository, which does not
 * walk into its ignored directories. False where it cannot be asked: a directory name that is
 * not UTF-8 (a cwd is text), the repository's .git itself, or git failing there.
 */
function onlyIgnoredThere(repo: Repo, inner: string, rel: string): boolean {
  const within = rel.slice(inner.length + 1);
  if (within === '' || within.split('/')[0] === '.git' || !isTextPath(inner as GitPath)) return false;
  try {
    // The other repository's own git dir, index and work tree: none of this one's.
    const env = { GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_COMMON_DIR: undefined, GIT_OBJECT_DIRECTORY: undefined };
    const listed = runGitSync(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...exactPathspecs(within as GitPath)], { cwd: `${repo.root}/${matchText(inner as GitPath)}`, env });
    return !splitNulBytes(listed.stdout).some((entry) => atOrUnder(entry, within as GitPath));
  } catch {
    return false;
  }
}

/** Directories looked into before holdsNonDirectory gives up and answers "maybe" (true). */
const MAX_WALKED_DIRS = 2_000;

/**
 * Whether anything but directories lies under `dir` (a file, a link, a socket ...). Asked only
 * where git lists nothing under a directory that is not empty, so what it walks is directories
 * git does not list (empty ones, mostly); past MAX_WALKED_DIRS, or where it cannot read, it
 * answers true, so the caller stays as careful as before.
 */
function holdsNonDirectory(dir: Buffer): boolean {
  const pending = [dir];
  for (let walked = 0; pending.length > 0; walked++) {
    if (walked >= MAX_WALKED_DIRS) return true;
    const current = pending.pop() as Buffer;
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true, encoding: 'buffer' });
    } catch {
      return true;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) return true;
      pending.push(Buffer.concat([current, Buffer.from('/'), entry.name]));
    }
  }
  return false;
}

/** `rel` (escaped text) as git's bytes (a latin1 byte string): a name that is not UTF-8 keeps its bytes. */
function bytesOf(rel: string): string {
  return escapedBytes(rel).toString('latin1');
}

/** git's bytes (a latin1 byte string) as escaped text, to match against what a command line typed. */
function escapedOf(entry: string): string {
  return escapedText(Buffer.from(entry, 'latin1'));
}

/**
 * The ones among `rels` (repo-relative escaped text) that the index lists as entries of their own
 * with nothing under them, with what git's listing says of them (indexedPaths), read from the
 * index file without starting git; none when it cannot be read (then git is asked, as before).
 * The listing is matched byte for byte: where git matches more (GIT_ICASE_PATHSPECS, `readme.md`
 * for `README.md`), contentsOf keeps only what is the target or under it (belongsTo) all the same.
 */
function indexedFiles(repo: Repo, rels: string[]): Map<string, IndexedPath> {
  if (rels.length === 0) return new Map();
  let data: Buffer;
  try {
    data = fs.readFileSync(repo.indexFile);
  } catch {
    return new Map();
  }
  const bytes = new Map(rels.map((rel) => [escapedBytes(rel).toString('latin1'), rel]));
  const listed = indexedPathsOfAnyFormat(data, [...bytes.keys()]);
  return new Map([...(listed ?? [])].map(([b, entry]) => [bytes.get(b) as string, entry]));
}

function readContents(repo: Repo | null, rels: string[], options: PathFactsOptions, nonDirs: ReadonlySet<string>): Map<string, RepoContents> {
  const result = new Map<string, RepoContents>();
  if (!repo || rels.length === 0) return result;
  const listing = new ContentsListing(repo, rels, options, nonDirs);
  for (const rel of rels) result.set(rel, listing.contentsOf(rel));
  return result;
}

/**
 * What git lists for these pathspecs: tracked and untracked files (nested repositories as
 * `dir/`) and ignored entries (whole ignored directories collapsed), each kept only when `keep`
 * says so (a latin1 byte string; collapsed directories end with `/`).
 */
function readListing(repo: Repo, specs: string[], options: PathFactsOptions, keep: (entry: string) => boolean = () => true): RepoContents {
  // git lists a whole ignored directory when the pathspec may match inside it: of the files
  // listed in it (to capture), only those kept count.
  const known = listKnown(repo, specs);
  // No pathspec is the whole tree: alone, NO_COMMON_PREFIX would be the only pathspec and git
  // would list nothing (`find . ... | xargs sed -i` at the root captured no ignored file).
  const ignored = runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...(specs.length === 0 ? ['.'] : specs), NO_COMMON_PREFIX], { cwd: repo.root });
  const contents: RepoContents = { tracked: [], untracked: [], ignored: [], sizeOf: (entry) => sizeOf(repo, entry), nestedWork: (dirs) => nestedWorkIn(repo.root, dirs, keep) };
  for (const record of known.records) {
    if (keep(record.slice(2))) (record.startsWith('? ') ? contents.untracked : contents.tracked).push(record.slice(2));
  }
  contents.submodules = populated(repo, [...known.gitlinks].filter(keep));
  contents.ignored = describeIgnored(repo, [...new Set(splitNulBytes(ignored.stdout))].filter(keep), options).map((entry) => (entry.files ? { ...entry, files: entry.files.filter((f) => keep(f.path)) } : entry));
  return contents;
}

/**
 * What a repo-relative glob (bash-style, `*` within a name) matches, and everything under it.
 * git lists more than that: a pathspec with a wildcard in a segment "may match inside" every
 * directory at that depth, so `--directory` reports every ignored (and nested-repository)
 * directory there whole (`rm -f *.tmp` at the root got `node_modules/`, `.idea/`, `data/` ...,
 * and a non-regenerable one was captured, or refused as too large to capture). Each entry is
 * kept only where the pattern's segments match it or a directory above it, or where it is a
 * directory the pattern reaches below (globEntryFilter). Where git then lists nothing,
 * `matchesNothing` says whether the pattern names nothing on disk either.
 */
function readGlob(repo: Repo, pattern: string, options: PathFactsOptions, icase: boolean): RepoContents {
  // A byte of the pattern that is not UTF-8 (`rm $'d\xe9'/*.env`) goes to git as `?`; what is kept is matched against the escaped bytes.
  const spec = globOfEscaped(icase ? foldLiteralParts(pattern) : pattern);
  const contents = readListing(repo, [`:(glob)${spec}`, `:(glob)${spec}/**`], options, globEntryFilter(pattern));
  if (contents.tracked.length === 0 && contents.untracked.length === 0 && contents.ignored.length === 0 && (contents.submodules ?? []).length === 0) {
    contents.matchesNothing = globMatchesNothing(repo, pattern);
  }
  return contents;
}

/**
 * Every glob of one check in one listing: a line of many globs (`rm -f *.o *.a *.so`, or make's
 * recipes, 23 globs in redis's `make` through its deps' distclean) ran two `ls-files` per glob,
 * 48 git processes for one hook call. Patterns whose segments are exact per-name matchers
 * (globEntryFilter keeps exactly what each can reach) share one readListing over all their
 * pathspecs, and each keeps its own entries; a pattern that crosses directories (`**`) keeps
 * everything it is given, so it is listed alone, as before.
 */
function readGlobs(repo: Repo, patterns: string[], options: PathFactsOptions, icase: boolean): RepoContents[] {
  const shared = patterns.filter((pattern) => globSegments(pattern) !== null);
  if (shared.length < 2) return patterns.map((pattern) => readGlob(repo, pattern, options, icase));
  const filters = new Map(shared.map((pattern) => [pattern, globEntryFilter(pattern)]));
  const specs = shared.flatMap((pattern) => {
    const spec = globOfEscaped(icase ? foldLiteralParts(pattern) : pattern);
    return [`:(glob)${spec}`, `:(glob)${spec}/**`];
  });
  const all = readListing(repo, specs, options, (entry) => [...filters.values()].some((keep) => keep(entry)));
  return patterns.map((pattern) => {
    const keep = filters.get(pattern);
    if (!keep) return readGlob(repo, pattern, options, icase);
    const contents: RepoContents = {
      tracked: all.tracked.filter(keep),
      untracked: all.untracked.filter(keep),
      ignored: all.ignored.filter((entry) => keep(entry.path)).map((entry) => (entry.files ? { ...entry, files: entry.files.filter((f) => keep(f.path)) } : entry)),
      sizeOf: all.sizeOf,
      nestedWork: (dirs) => nestedWorkIn(repo.root, dirs, keep),
      submodules: (all.submodules ?? []).filter(keep),
    };
    if (contents.tracked.length === 0 && contents.untracked.length === 0 && contents.ignored.length === 0 && contents.submodules!.length === 0) {
      contents.matchesNothing = globMatchesNothing(repo, pattern);
    }
    return contents;
  });
}

/**
 * The pattern's segments as per-name matchers (fnmatch), or null where one is not exact or
 * crosses directories (`**`). Case-insensitive: on a file system that folds case, a literal
 * segment (`DIST/*`) reaches `dist`; elsewhere this only keeps more.
 */
function globSegments(pattern: string): RegExp[] | null {
  const segments = pattern.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.includes('**'))) return null;
  const matchers = segments.map((segment) => fnmatchRegExp(segment, true));
  return matchers.every((m) => m !== null) ? (matchers as RegExp[]) : null;
}

/**
 * Which of git's entries (latin1 bytes; directories end with `/`) a deletion of `pattern` can
 * reach. fnmatch's `*` matches a leading dot, bash's does not: the filter keeps more than bash
 * deletes, never less. Names are matched as escaped text, as the pattern is typed (a byte that is
 * not UTF-8 matches only itself); a pattern it cannot read exactly keeps all.
 */
function globEntryFilter(pattern: string): (entry: string) => boolean {
  const matchers = globSegments(pattern);
  if (!matchers) return globstarEntryFilter(pattern);
  return (entry) => {
    const isDir = entry.endsWith('/');
    // Escaped text, as the pattern is: a byte that is not UTF-8 matches only itself (or a wildcard).
    const names = escapedOf(entry).replace(/\/$/, '').split('/');
    const depth = Math.min(names.length, matchers.length);
    for (let i = 0; i < depth; i++) if (!(matchers[i] as RegExp).test(names[i] as string)) return false;
    // The pattern matches the entry or a directory above it; or the entry is a directory on the way to what it matches.
    return names.length >= matchers.length || isDir;
  };
}

/**
 * globEntryFilter for a pattern with a `**` segment (`rm -rf **\/__pycache__`, `rm -f src/**\/*.pyc`):
 * bash without globstar reads `**` as `*`, zsh and bash with globstar as any number of
 * directories; the filter keeps what either reaches, so `**` matches zero or more names. It kept
 * everything git listed, and git reports every ignored directory a `**` pathspec may reach into
 * whole: `rm -rf **\/__pycache__` captured an ignored `data/` and `instance/app.db` (or was
 * refused as too large to capture) where only regenerable caches match (sweep of 2026-12-05). A
 * `**` inside a longer segment (`a**b`) is `*` in every shell. A segment fnmatch cannot read keeps all.
 */
function globstarEntryFilter(pattern: string): (entry: string) => boolean {
  const segments = pattern.split('/').filter((segment) => segment !== '');
  const parts = segments.map((segment) => (segment === '**' ? 'any' : fnmatchRegExp(segment, true)));
  if (parts.some((part) => part === null)) return () => true;
  return (entry) => {
    const isDir = entry.endsWith('/');
    const names = escapedOf(entry).replace(/\/$/, '').split('/');
    // The pattern matches the entry or a directory above it, or the entry is a directory on the way.
    const reach = (n: number, p: number): boolean => {
      if (p === parts.length) return true;
      if (n === names.length) return isDir;
      const part = parts[p];
      if (part === 'any') return reach(n, p + 1) || reach(n + 1, p);
      return (part as RegExp).test(names[n] as string) && reach(n + 1, p + 1);
    };
    return reach(0, 0);
  };
}

/** Directories globMatchesNothing reads before it answers "maybe something" (false). */
const MAX_GLOB_DIRS = 2_000;

/**
 * True only when nothing on disk matches `pattern` (repo-relative): bash then hands the command
 * the pattern itself, which names nothing either, so the deletion deletes nothing. Walks the
 * pattern's segments from the root like bash's expansion, but with fnmatch's reading (a leading
 * dot matches `*`, case is folded), so it finds at least what bash would. Anything it cannot read exactly (a
 * segment that could be `.` or `..`, a name that is not UTF-8, a non-ASCII pattern, an unreadable
 * directory, more than MAX_GLOB_DIRS directories) answers false, and the caller judges by the text.
 */
function globMatchesNothing(repo: Repo, pattern: string): boolean {
  const matchers = globSegments(pattern);
  if (!matchers || matchers.length === 0 || /[^\x00-\x7f]/.test(pattern)) return false;
  const root = repo.root.replace(/\/+$/, '');
  // Unmatched, bash passes the pattern on as it is written: a file may have exactly that name.
  if (fs.existsSync(path.posix.join(root, pattern))) return false;
  // bash matches `.` and `..` only with a segment that starts with a dot (`.?` reaches `..`),
  // and readdir never lists them: such a segment must not match either (`.make-*` cannot).
  const segments = pattern.split('/').filter((segment) => segment !== '');
  if (segments.some((segment, i) => /[*?[]/.test(segment) && (/^[[\\]/.test(segment) || (segment.startsWith('.') && ['.', '..'].some((name) => (matchers[i] as RegExp).test(name)))))) return false;
  let current: Buffer[] = [Buffer.from(root, 'utf8')];
  let read = 0;
  for (const matcher of matchers) {
    const next: Buffer[] = [];
    for (const dir of current) {
      if (++read > MAX_GLOB_DIRS) return false;
      let names: Buffer[];
      try {
        names = fs.readdirSync(dir, { encoding: 'buffer' });
      } catch (error) {
        // A directory that is not there (or not a directory) holds no match; anything else may.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        return false;
      }
      for (const name of names) {
        if (!isUtf8(name)) return false;
        if (matcher.test(name.toString('utf8'))) next.push(Buffer.concat([dir, Buffer.from('/'), name]));
      }
    }
    if (next.length === 0) return true;
    current = next;
  }
  return false;
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * What `find START FILTER` selects (state.ts, FindQuery) and everything under it, as git lists
 * it; null where that is not all find reaches: START outside the repository, a pattern that
 * does not translate exactly, or (for a name filter, which git matches by glob and so does not
 * list the nested repositories it does not name) a nested repository under START.
 */
function readFind(repo: Repo, query: FindQuery, options: PathFactsOptions, spell: (abs: string) => string, untrackedUnder: Map<string, GitPath[]> = new Map()): RepoContents | null {
  const root = repo.root.replace(/\/+$/, '');
  // find hands START to the file system as written: where it folds case, `find DB` walks `db`.
  const real = realish(spell(query.start));
  const rel = real === root ? '' : repoRelative(repo, real);
  if (rel === null) return null;
  // START as bytes: a Latin-1 directory (`find $'d\xe9' -delete`) went to git as U+FFFD and
  // listed nothing. Bytewise, git may list a neighbour too: only what is under START is kept.
  const relBytes = bytesOf(rel) as GitPath;
  const startSpecs = rel === '' ? [] : exactPathspecs(relBytes);
  const underStart = (entry: string): boolean => rel === '' || atOrUnder(entry, relBytes);
  const filter = query.filter;
  if (filter.kind === 'all') return readListing(repo, startSpecs, options, underStart);
  const shownDir = query.shown.endsWith('/') ? query.shown : `${query.shown}/`;
  const shownOf = (sub: string): string => (sub === '' ? query.shown : `${shownDir}${sub}`);
  const regex = fnmatchRegExp(filter.pattern, filter.icase);
  // find tests START itself too: when it is selected, everything under it goes.
  const startSelected = regex === null || regex.test(filter.kind === 'name' ? path.posix.basename(query.shown) : query.shown);
  if (startSelected) return readListing(repo, startSpecs, options, underStart);
  // Submodules' files are not listed by git: a filter could select them unseen.
  if (fs.existsSync(path.posix.join(root, '.gitmodules'))) return null;
  const segmentsUnder = (entry: string): string[] => {
    // Escaped text, as START and the pattern are: a byte that is not UTF-8 is one char, itself.
    const text = escapedOf(entry).replace(/\/$/, '');
    return (rel === '' ? text : text.slice(rel.length + 1)).split('/');
  };
  if (filter.kind === 'name') {
    // The same START for several name filters (the migration check asks three): listed once.
    const listKey = startSpecs.join('\0');
    let nested = untrackedUnder.get(listKey);
    if (!nested) untrackedUnder.set(listKey, (nested = splitNulBytes(runGitSync(['ls-files', '-z', '--others', '--exclude-standard', '--', ...startSpecs], { cwd: repo.root }).stdout) as GitPath[]));
    if (nested.some((entry) => entry.endsWith('/') && underStart(entry))) return null;
    const magic = filter.icase ? 'glob,icase' : 'glob';
    const base = rel === '' ? '' : `${isTextPath(relBytes) ? globEscape(rel) : bytewiseGlob(relBytes).slice(':(glob)'.length)}/`;
    const pattern = globOfEscaped(filter.pattern);
    // A file counts when it, or a directory above it under START, has the name.
    const named = (entry: string): boolean => underStart(entry) && (regex === null || entry.endsWith('/') || segmentsUnder(entry).some((segment) => regex.test(segment)));
    return readListing(repo, [`:(${magic})${base}**/${pattern}`, `:(${magic})${base}**/${pattern}/**`], options, named);
  }
  if (regex === null) return null;
  // -path: the walk is narrowed to the pattern's literal directory under START, then every entry
  // is kept when it, or a directory above it under START, is what the pattern matches.
  const { prefix } = literalPrefix(filter.pattern);
  let specs = startSpecs;
  if (!filter.icase && prefix.startsWith(shownDir)) {
    const dir = prefix.slice(shownDir.length).split('/').slice(0, -1);
    if (dir.length > 0 && dir.every((segment) => segment !== '' && segment !== '.' && segment !== '..')) specs = targetSpecs(path.posix.join(rel, ...dir));
  }
  const keep = (entry: string): boolean => {
    if (!underStart(entry)) return false;
    const segments = segmentsUnder(entry);
    for (let i = 1; i <= segments.length; i++) if (regex.test(shownOf(segments.slice(0, i).join('/')))) return true;
    return entry.endsWith('/') && couldMatchBelow(filter.pattern, shownOf(segments.join('/')), filter.icase);
  };
  return readListing(repo, specs, options, keep);
}

/**
 * The tracked files `git ls-files`/`git grep -l` of these pathspecs can print where they were
 * typed (a Listing): one `git ls-files -z --full-name` there, git reading the pathspecs as the
 * listing command does. With `grep` (the command's own options and patterns, each one known to
 * run nothing and write nothing: listings.ts), the one process is that `git grep` itself, with
 * `-z --full-name --no-color` and the pathspecs after `--`: the names it prints, not every tracked
 * file under the pathspecs (`git grep -l someFunction` does not name the workflows). A pattern or
 * option that is not UTF-8 text cannot be carried as typed: then the ls-files superset. Null where
 * git cannot (a pathspec outside the repository, a pattern git refuses).
 */
function readTracked(repo: Repo, cwd: string, typed: string[], grep?: string[]): RepoContents | null {
  const asked = commandLinePathspecs(repo.root, cwd, typed);
  if (!asked) return null;
  const exact = grep !== undefined && !grep.some(hasEscapedByte);
  let listed;
  try {
    // grep exits 1 when no file matches (an empty set), 128 where it cannot read the pathspecs or the pattern.
    listed = exact ? runGitSync(['grep', '--no-color', '-z', '--full-name', ...grep, '--', ...asked.pathspecs], { cwd, okCodes: [1, 128] }) : runGitSync(['ls-files', '-z', '--full-name', '--', ...asked.pathspecs], { cwd, okCodes: [128] });
  } catch {
    return null;
  }
  if (listed.code === 128) return null;
  return { tracked: [...new Set(splitNulBytes(listed.stdout))].filter(asked.keep), untracked: [], ignored: [] };
}

function readClean(repo: Repo, query: CleanQuery, options: PathFactsOptions): CleanFacts | null {
  const { cwd, pathspecs: typed } = query;
  // `git clean -fdX $'d\xe9'`: as text the name reached git as U+FFFD and listed nothing, so the
  // ignored files it deletes were not captured. Bytewise, and cut back to what it names.
  const asked = commandLinePathspecs(repo.root, cwd, typed);
  if (!asked) return null;
  const { pathspecs, keep } = asked;
  let ignoredLines: string[] | undefined;
  // The ignored entries in the scope (whole ignored directories collapsed).
  const ignoredListing = (): string[] => (ignoredLines ??= [...new Set(splitNulBytes(runGitSync(['ls-files', '-z', '--full-name', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...pathspecs], { cwd }).stdout))].filter(keep));
  const describe = (entries: string[]): IgnoredEntry[] => describeIgnored(repo, entries, options).map((entry) => (entry.files ? { ...entry, files: entry.files.filter((f) => keep(f.path)) } : entry));
  // The untracked listing: every clean is judged by it (sizes, guard's own files), and its exit
  // code says whether git can read the scope at all (128: a pathspec outside it).
  const untrackedListing = (): string[] | null => {
    const listed = runGitSync(['ls-files', '-z', '--full-name', '--others', '--exclude-standard', '--', ...pathspecs], { cwd, okCodes: [128] });
    return listed.code === 0 ? splitNulBytes(listed.stdout).filter(keep) : null;
  };
  let taken: CleanEntries | null = null;
  let nested: string[] | undefined;
  if (query.clean) {
    const { flags, config } = query.clean;
    // Regenerable output is never captured: kept out of the dry run's walk (clean-dry-run.ts).
    const takesIgnored = flags.includes('-x') || flags.includes('-X');
    let leaveOut: string[] = [];
    if (takesIgnored && (flags.includes('-d') || typed.length > 0)) {
      try {
        leaveOut = ignoredListing().filter((entry) => entry.endsWith('/') && isRegenerable(entry, options.regenerable));
      } catch {
        return null;
      }
    }
    const entries = cleanDryRun(repo.root, { cwd, config, flags, pathspecs: typed, leaveOut });
    taken = entries ? new CleanEntries(entries) : null;
    // -ff: the same dry run with the second -f; what it adds is the nested repositories (git
    // lists a directory holding one whole only where it may take the repository too).
    if (query.nested && taken) {
      const single = taken;
      const forced = cleanDryRun(repo.root, { cwd, config, flags: ['-f', '-f', ...flags], pathspecs: typed, leaveOut });
      if (forced) nested = forced.filter((entry) => !single.takes(entry));
    }
  }
  let untracked: string[] | null | undefined;
  let ignored: IgnoredEntry[] | undefined;
  if (!taken) {
    // Without a dry run the untracked listing comes first: its exit code says whether git can read the scope.
    try {
      untracked = untrackedListing();
    } catch {
      return null;
    }
    if (untracked === null) return null;
  }
  const readUntracked = (): string[] => (untracked ??= untrackedListing() ?? []);
  const exact = taken;
  let takenIgnored: IgnoredEntry[] | undefined;
  let takenUntracked: string[] | undefined;
  return {
    // What it takes of the ignored files, listed only when asked: a clean without -x (and
    // `git stash -u`) never takes them, so the common case costs one git process, not two.
    get ignored(): IgnoredEntry[] {
      ignored ??= describe(ignoredListing());
      return ignored;
    },
    get untracked(): string[] {
      return readUntracked();
    },
    sizeOf: (entry) => sizeOf(repo, entry),
    ...(nested ? { nested } : {}),
    ...(exact
      ? {
          taken: {
            nothing: exact.empty,
            // Only the ignored entries the clean reaches are described (their files listed), and
            // of a directory it takes in part only the files it takes.
            get ignored(): IgnoredEntry[] {
              if (exact.empty) return [];
              takenIgnored ??= describe(ignoredListing().filter((entry) => exact.takes(entry) || (entry.endsWith('/') && exact.takesUnder(entry)))).map((entry) =>
                exact.takes(entry.path) || !entry.files ? entry : { ...entry, files: entry.files.filter((f) => exact.takes(f.path)) },
              );
              return takenIgnored;
            },
            get untracked(): string[] {
              if (exact.empty) return [];
              takenUntracked ??= readUntracked().filter((file) => exact.takes(file));
              return takenUntracked;
            },
          },
        }
      : {}),
  };
}

/**
 * The roots (real paths, as bytes) of this repository's worktrees other than this one: one `git
 * worktree list`, asked only when a command deletes something outside this worktree. Bytes, not
 * text: a worktree whose path is not UTF-8 must still be recognised (decoded, it named no file).
 */
function otherWorktrees(repo: Repo): Buffer[] {
  const own = realish(repo.root.replace(/\/+$/, ''));
  return worktreeRoots(repo.root)
    .map((root) => realish(escapedText(root)))
    .filter((root) => root !== own)
    .map((root) => escapedBytes(root));
}

/** `inner` is `outer` or lies under it, byte for byte. */
function isAtOrUnder(inner: Buffer, outer: Buffer): boolean {
  if (inner.length < outer.length || !inner.subarray(0, outer.length).equals(outer)) return false;
  return inner.length === outer.length || outer[outer.length - 1] === 0x2f || inner[outer.length] === 0x2f;
}

/** The worktrees among `roots` that are `place` or lie under it. */
function worktreesWithin(place: string, roots: Buffer[]): string[] {
  const bytes = escapedBytes(place);
  return roots.filter((root) => isAtOrUnder(root, bytes)).map((root) => escapedText(root));
}

/** The worktree among `roots` that `place` is, holds or lies inside; undefined for none. */
function worktreeAt(place: string, roots: Buffer[]): string | undefined {
  const bytes = escapedBytes(place);
  const root = roots.find((candidate) => isAtOrUnder(candidate, bytes) || isAtOrUnder(bytes, candidate));
  return root && escapedText(root);
}

/**
 * For each `git worktree remove`: the linked worktree it takes in the repository it targets, and
 * its ignored entries, regenerable output marked; with --force also whether it is locked and what
 * it holds that is not HEAD's (changesInWorktree). Not only this repository's: `git -C /elsewhere
 * worktree remove wt` loses that worktree's files just the same. With --force, a worktree git
 * cannot list is answered with `changes: null` (the command guard then keeps the deny); without
 * it, not answered (git itself refuses to remove a worktree it cannot read the state of).
 */
function readWorktreeRemovals(queries: StateQueries, options: PathFactsOptions): Map<string, WorktreeRemovalFacts> {
  const removals = new Map<string, WorktreeRemovalFacts>();
  for (const [key, query] of queries.worktreeRemovals) {
    const found = removedWorktree(query);
    if (!found) continue;
    const forced = (query.force ?? 0) > 0;
    const kept = found.leaving ? { leaving: found.leaving } : {};
    // Its directory deleted by hand: nothing in it to lose, only its record (and the commits it held).
    // Asked for `git worktree add`, which deletes no files: its record is all that matters.
    if (found.gone || query.byPath) {
      removals.set(key, { root: escapedText(found.root), ignored: [], locked: found.locked, gone: found.gone, ...(forced ? { changes: [] } : {}), ...kept });
      continue;
    }
    // The listings and sizes run in the worktree itself, relative to its root, while git can be started there.
    const facts = withTextPaths([found.root], ([root]): WorktreeRemovalFacts | null => {
      const entries = ignoredInWorktree(root as string);
      const ignored = entries ? describeIgnored({ root: root as string }, entries, options) : [];
      // Its regenerable output goes uncaptured: a nested repository there with work of its own does not come back.
      const output = ignored.filter((entry) => entry.regenerable && entry.path.endsWith('/')).map((entry) => entry.path);
      const nested = output.length > 0 ? nestedWorkIn(root as string, output) : null;
      const inOutput = nested ? { nestedWork: nested } : {};
      if (!forced) return entries && { root: escapedText(found.root), ignored, locked: found.locked, ...inOutput, ...kept };
      const changes = entries && changesInWorktree(root as string);
      return { root: escapedText(found.root), ignored, locked: found.locked, changes, ...inOutput, ...kept };
    });
    if (facts) removals.set(key, facts);
  }
  return removals;
}

/** For each `git worktree prune`: the worktrees whose records it deletes, and the commits only they hold (prunedWorktrees). */
function readWorktreePrunes(queries: StateQueries): Map<string, WorktreePruneFacts> {
  const prunes = new Map<string, WorktreePruneFacts>();
  for (const [key, query] of queries.worktreePrunes) {
    const pruned = prunedWorktrees(query);
    if (pruned) prunes.set(key, { roots: pruned.roots.map((root) => escapedText(root)), leaving: pruned.leaving });
  }
  return prunes;
}

/**
 * For each `git sparse-checkout` that rewrites the view: the ignored files it deletes
 * (sparse-leaving.ts), regenerable output marked and the files to capture listed. A query git
 * cannot be asked about (it fails) stays unanswered, and the classifier denies.
 */
function readSparseCheckouts(repo: Repo, queries: StateQueries, options: PathFactsOptions): Map<string, SparseCheckoutFacts> {
  const answers = new Map<string, SparseCheckoutFacts>();
  for (const [key, query] of queries.sparseCheckouts) {
    try {
      const leaving = sparseLeaving(repo, query);
      answers.set(key, { cone: leaving.cone, ignored: describeIgnored(repo, leaving.ignored, options) });
    } catch {
      // unanswered: denied, not guessed
    }
  }
  return answers;
}

/**
 * For each git command that writes another tree's files here: the ignored files it replaces
 * (tree-landing.ts), regenerable output marked, sizes read. A query whose revisions git cannot
 * resolve stays unanswered: the command keeps the verdict its text gets.
 */
function readTreeLandings(repo: Repo, queries: StateQueries, options: PathFactsOptions, deletesPolicy: Set<string>): Map<string, IgnoredEntry[]> {
  const answers = new Map<string, IgnoredEntry[]>();
  for (const [key, query] of queries.treeLandings) {
    try {
      const read = treeLandingFacts(repo, query, (rel) => isRegenerable(rel, options.regenerable));
      const files = read.ignored;
      if (read.deletesPolicy) deletesPolicy.add(key);
      answers.set(key, files.map((file) => ({ path: file, regenerable: isRegenerable(file, options.regenerable), files: file.endsWith('/') ? [] : [{ path: file, size: sizeOf(repo, file) }] })));
    } catch {
      // unanswered: judged by the text, as before
    }
  }
  return answers;
}

/**
 * For each `git submodule deinit` or `git rm` without --force: the checked-out submodules it
 * matches (submodule-removal.ts) with their ignored entries, regenerable output marked on the
 * path inside the submodule (`build/` is output in any submodule; one at `deps/x` is not output
 * because of `deps`). A directory that is not output stands for its files: nothing is captured
 * from another repository, so the files are not listed one by one. Unanswered where guard cannot
 * tell (the classifier denies).
 */
function readSubmoduleRemovals(repo: Repo, queries: StateQueries, options: PathFactsOptions): Map<string, SubmoduleRemoval[]> {
  const answers = new Map<string, SubmoduleRemoval[]>();
  for (const [key, query] of queries.submoduleRemovals) {
    let found;
    try {
      found = removedSubmodules(repo, query.cwd, query.pathspecs);
    } catch {
      found = null;
    }
    if (!found) continue;
    answers.set(key, found.map((sub) => ({ path: sub.path, ...(sub.nested ? { nested: sub.nested } : {}), ignored: sub.ignored && sub.ignored.map((entry) => ({ path: entry, regenerable: isRegenerable(entry, options.regenerable), files: [] })) })));
  }
  return answers;
}

/** What is at `abs` (escaped text), its final symlink not followed. */
function kindAt(abs: string): 'file' | 'dir' | null {
  try {
    return fs.lstatSync(escapedBytes(abs)).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/**
 * Everything that is not a directory below `dir` (escaped text), relative to it, without following
 * symlinks below it: what a recursive copy of `dir` lands (cp -r, rsync -a). Stops after `limit`
 * entries (directories count), so the cost is bounded whatever the source holds.
 */
function walk(dir: string, limit: number): { files: string[]; complete: boolean } {
  const files: string[] = [];
  const pending: string[] = [''];
  let seen = 0;
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(escapedBytes(rel === '' ? dir : `${dir}/${rel}`), { withFileTypes: true, encoding: 'buffer' });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (++seen > limit) return { files, complete: false };
      const name = escapedText(entry.name);
      const child = rel === '' ? name : `${rel}/${name}`;
      if (entry.isDirectory()) pending.push(child);
      else files.push(child);
    }
  }
  return { files, complete: true };
}

/**
 * The looks a recursive write needs once the classifier knows where it lands (StateProbe): an
 * lstat per path asked, and one ignored listing per landing directory (remembered), never one
 * git process per file.
 */
function probe(repo: Repo | null, options: PathFactsOptions): StateProbe {
  const listed = new Map<string, IgnoredEntry[] | null>();
  const zips = new Map<string, string[] | null>();
  return {
    kindAt,
    walk,
    zipMembers(archive) {
      // Read once per check (the line may be judged more than once).
      if (!zips.has(archive)) zips.set(archive, zipMembers(escapedBytes(archive))?.map((name) => escapedText(name)) ?? null);
      return zips.get(archive) ?? null;
    },
    ignoredUnder(dir) {
      if (!listed.has(dir)) listed.set(dir, repo ? ignoredUnder(repo, [dir], options)[0] ?? null : null);
      return listed.get(dir) ?? null;
    },
    ignoredUnderAll(dirs) {
      const asked = [...new Set(dirs)].filter((dir) => !listed.has(dir));
      if (asked.length < 2 || !repo) return;
      const answers = ignoredUnder(repo, asked, options);
      asked.forEach((dir, i) => listed.set(dir, answers[i] ?? null));
    },
  };
}

/**
 * The ignored entries at or under each of `dirs` (absolute real paths, escaped text), or null for
 * one outside the repository: one listing for them all (and one of the files of the collapsed
 * directories), however many directories are asked.
 */
function ignoredUnder(repo: Repo, dirs: string[], options: PathFactsOptions): Array<IgnoredEntry[] | null> {
  const root = repo.root.replace(/\/+$/, '');
  const rels = dirs.map((dir) => (dir === root ? '' : repoRelative(repo, dir)));
  const inside = rels.filter((rel): rel is string => rel !== null);
  if (inside.length === 0) return dirs.map(() => null);
  // The root is every path: no pathspec. Elsewhere NO_COMMON_PREFIX keeps git from dying inside a collapsed directory.
  const specs = inside.includes('') ? [] : [...inside.flatMap(targetSpecs), NO_COMMON_PREFIX];
  const lines = splitNulBytes(runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...specs], { cwd: repo.root }).stdout);
  const unders = inside.map((rel) => {
    const relBytes = escapedBytes(rel).toString('latin1');
    return (entry: string): boolean => rel === '' || belongsTo(entry, relBytes);
  });
  const described = describeIgnored(repo, [...new Set(lines)].filter((line) => unders.some((under) => under(line))), options);
  return rels.map((rel) => {
    if (rel === null) return null;
    const under = unders[inside.indexOf(rel)] as (entry: string) => boolean;
    return described.filter((entry) => under(entry.path)).map((entry) => ({ ...entry, files: entry.files?.filter((f) => under(f.path)) ?? null }));
  });
}

/** Answers every query of a collect pass (state.ts) about this repository (null: outside any). */
export async function readPathFacts(repo: Repo | null, queries: StateQueries, options: PathFactsOptions): Promise<StateFacts> {
  const located = new Map<string, Omit<PathFacts, 'locatedContents' | 'followedContents'>>();
  const wanted = new Set<string>();
  // Where the file system folds case (core.ignoreCase) or Unicode normalization
  // (core.precomposeUnicode), a path is judged by the names its directories hold (spelledOnDisk).
  // Asked only when something is looked up; no git process where no config file mentions them.
  const folding = repo !== null && (queries.paths.size > 0 || queries.globs.size > 0 || queries.finds.size > 0) ? nameFolding(repo) : null;
  const icase = folding?.case ?? false;
  const spell = (abs: string): string => (folding && repo && foldsNames(folding) ? spelledOnDisk(repo.root, abs, folding) : abs);
  // Of those, the ones no place names as a directory (ContentsListing, for the index's answer).
  const dirs = new Set<string>();
  for (const [abs, query] of queries.paths) {
    const spelled = spell(abs);
    const facts = locate(spelled);
    if (spelled !== abs) facts.caseFolded = true;
    located.set(abs, facts);
    if (!query.contents) continue;
    // 'entry': the entry itself (not where a link leads), and only when it is not a directory.
    const places = query.contents === 'entry' ? (facts.isDir ? [] : [[facts.located, facts.exists, false] as const]) : ([[facts.located, facts.exists, facts.isDir], [facts.followed, facts.followedExists, facts.followedIsDir]] as const);
    for (const [place, exists, isDir] of places) {
      const rel = exists ? repoRelative(repo, place) : null;
      if (rel === null) continue;
      wanted.add(rel);
      if (isDir) dirs.add(rel);
    }
  }
  const nonDirs = new Set([...wanted].filter((rel) => !dirs.has(rel)));
  const cleanEntries = [...queries.cleans.entries()];
  const globList = repo ? [...queries.globs] : [];
  const contents = readContents(repo, [...wanted], options, nonDirs);
  const cleans = cleanEntries.map(([, query]) => (repo ? readClean(repo, query, options) : null));
  const globs = repo ? readGlobs(repo, globList, options, icase) : [];
  const finds = new Map<string, RepoContents>();
  if (repo) {
    const untrackedUnder = new Map<string, GitPath[]>();
    for (const [key, query] of queries.finds) {
      const found = readFind(repo, query, options, spell, untrackedUnder);
      if (found) finds.set(key, found);
    }
  }
  const facts: StateFacts = { paths: new Map(), cleans: new Map(), globs: new Map(globList.map((pattern, i) => [pattern, globs[i] as RepoContents])), finds };
  if (repo && queries.tracked.size > 0) {
    facts.tracked = new Map();
    for (const [key, query] of queries.tracked) {
      const listed = readTracked(repo, query.cwd, query.pathspecs, query.grep);
      if (listed) facts.tracked.set(key, listed);
    }
  }
  if (repo && queries.submoduleRecurse) facts.submoduleRecurse = configRecursesSubmodules(repo);
  if (queries.worktreeRemovals.size > 0) facts.worktreeRemovals = readWorktreeRemovals(queries, options);
  if (queries.worktreePrunes.size > 0) facts.worktreePrunes = readWorktreePrunes(queries);
  if (repo && queries.sparseCheckouts.size > 0) facts.sparseCheckouts = readSparseCheckouts(repo, queries, options);
  if (repo && queries.treeLandings.size > 0) {
    const deletesPolicy = new Set<string>();
    facts.treeLandings = readTreeLandings(repo, queries, options, deletesPolicy);
    if (deletesPolicy.size > 0) facts.treeLandingsDeletingPolicy = deletesPolicy;
  }
  if (repo && queries.submoduleRemovals.size > 0) facts.submoduleRemovals = readSubmoduleRemovals(repo, queries, options);
  if (repo && queries.submoduleWorks.size > 0) {
    facts.submoduleWorks = new Map();
    for (const [key, query] of queries.submoduleWorks) {
      let found;
      try {
        found = submodulesWithWork(repo, query.cwd, query.pathspecs);
      } catch {
        found = null;
      }
      if (found) facts.submoduleWorks.set(key, found);
    }
  }
  if (repo && queries.guardedPaths.size > 0) {
    facts.guardedPaths = new Map();
    for (const [key, query] of queries.guardedPaths) {
      const files = guardedPaths(repo, query);
      if (files) facts.guardedPaths.set(key, files);
    }
  }
  if (repo && queries.stagedLosses.size > 0) {
    facts.stagedLosses = new Map();
    for (const [key, query] of queries.stagedLosses) {
      const lost = stagedVersionsLost(repo, query.cwd, query.pathspecs, query.gone === true, query.fromHead === true);
      if (lost) facts.stagedLosses.set(key, lost);
    }
  }
  if (queries.installPrunes.size > 0) {
    facts.installPrunes = new Map();
    for (const [key, { dir, drop }] of queries.installPrunes) {
      const found = prunedCloneWork(escapedBytes(dir).toString('utf8'), drop);
      // Named from the repository's root, as a deletion's nested repository is (targets.ts).
      const prefix = repo ? repoRelative(repo, dir) : null;
      if (found) facts.installPrunes.set(key, prefix ? { ...found, path: `${escapedBytes(prefix).toString('latin1')}/${found.path}` } : found);
    }
  }
  facts.probe = probe(repo, options);
  let worktrees: Buffer[] | undefined;
  const outside = (place: string): boolean => repo !== null && place !== repo.root.replace(/\/+$/, '') && repoRelative(repo, place) === null;
  for (const [, where] of located) {
    for (const [place, exists] of [[where.located, where.exists], [where.followed, where.followedExists]] as const) {
      if (!exists || !outside(place)) continue;
      worktrees ??= otherWorktrees(repo as Repo);
      const within = worktreesWithin(place, worktrees);
      if (within.length > 0) where.worktreesWithin = within;
      const other = worktreeAt(place, worktrees);
      if (other) {
        where.otherWorktree = other;
        break;
      }
    }
  }
  for (const [abs, where] of located) {
    const at = (place: string): RepoContents | null => {
      const rel = repoRelative(repo, place);
      return rel === null ? null : (contents.get(rel) ?? null);
    };
    facts.paths.set(abs, { ...where, locatedContents: at(where.located), followedContents: where.isSymlink ? at(where.followed) : at(where.located) });
  }
  cleanEntries.forEach(([key], i) => {
    const clean = cleans[i];
    if (clean) facts.cleans.set(key, clean);
  });
  return facts;
}
