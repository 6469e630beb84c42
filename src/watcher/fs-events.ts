/**
 * File-system events for the watcher, straight from the OS: one `fs.watch` (an inotify watch on
 * Linux; libuv puts every watch of the process on one inotify descriptor, so events reach us in
 * the order they happened) per directory, never per file.
 *
 * Each directory that is not ignored (ignored-dirs.ts: node_modules, build output, as git
 * decides; nor `.git`, nor a nested repository) gets a watch, which names the entry of that
 * directory that changed. Worktree names are bytes from end to end (GitPath: `encoding: 'buffer'`
 * for fs.watch and readdir, Buffer paths for every fs call), so a name that is not UTF-8 is
 * watched and reported exactly; decoded as text it would name nothing on disk. So the number of OS watches is the number of directories, not of
 * files: 13k for babel, 1013 for the 100k-file benchmark repository. The directories are found by
 * our own walk (names only: one readdir per directory, no stat per file), and a watch is placed
 * as each one is read. A raw event only says that a name changed; what changed is read by git at
 * the next snapshot (createSnapshot's changedPaths). A directory that appears later is classified
 * by git before it is watched (node_modules must never be walked), then watched level by level
 * and reported whole; one that goes away (or is replaced: a new inode under the same name) loses
 * its watches.
 *
 * Until issue 8 this was chokidar, one instance per 64 directories: chokidar stats every entry
 * of every directory it watches and keeps that in memory. On babel (27.7k files, 13k
 * directories) its start-up took 5.5-6 s and 171 MB; direct watches take 0.25 s and 78 MB (docs/
 * BENCHMARKS.md). Node's own `fs.watch(dir, { recursive: true })` on Linux (Node 20) was no
 * alternative: it walks in JS, places a watch on every file and directory, stats each, and
 * descends into ignored directories.
 *
 * A second, small set of watches follows the git state that no file in the worktree shows:
 * HEAD, the index, loose and packed refs, reflogs (a `git stash drop` changes only
 * logs/refs/stash) and an operation in progress. refs/guard (guard's own writes) and objects are
 * not watched. It also follows `<gitDir>/guard/step-flush`, where an agent's post-tool hook asks
 * for the snapshot that closes a step (src/session/steps.ts).
 *
 * When the OS refuses a watch (ENOSPC: inotify's max_user_watches; EMFILE/ENFILE: descriptors)
 * the error is reported once through onLimit and the caller falls back to polling.
 *
 * When a walk does not finish (its check-ignore dies, a directory cannot be read, new directories
 * cannot be classified), some directories that are not ignored may have no watch, and no event will
 * ever name what changes in them. Then the watches are incomplete (`incomplete`, reported through
 * onCoverage): the caller takes full snapshots only, and the rescan is retried (backing off to
 * every 30 s) until one finishes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { IgnoredDirs } from './ignored-dirs.js';
import { fsPath, gitPath, gitPathOf, pathText, type GitPath } from '../git/path.js';
import { STEP_FLUSH_FILE } from '../session/steps.js';

/** `rules`: an ignore rule may have changed (a .gitignore, info/exclude, core.excludesFile, the config). */
/** `rel` is the name's bytes, as the OS gave them (a GitPath): a name that is not UTF-8 survives. */
export type FsChange = { kind: 'path'; rel: GitPath; at: number } | { kind: 'git'; at: number } | { kind: 'everything'; at: number } | { kind: 'step'; at: number } | { kind: 'rules'; at: number };

export interface FsEventsOptions {
  onChange: (change: FsChange) => void;
  /** The OS watch limit was reached: events are incomplete from now on. */
  onLimit: (error: NodeJS.ErrnoException) => void;
  onError: (error: Error) => void;
  /**
   * Whether the watches cover every directory that is not ignored: the reason they do not (called
   * at each walk that did not finish, retries included), or null once a rescan has finished.
   */
  onCoverage?: (incomplete: string | null) => void;
  /** Test fault injection: behave as if the OS refused watches beyond this many directories. */
  fakeWatchLimit?: number;
}

const LIMIT_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);
/** A directory that went away or cannot be read between the walk and its watch: nothing to watch. */
const GONE_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'EPERM']);
/** A path that leads to nothing to look at (see lstatSafe). */
const NOT_THERE_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EACCES', 'EPERM']);
/** The longest wait between two tries of a rescan that did not finish. */
const MAX_RETRY_MS = 30_000;

/**
 * Names directly in a git dir whose change means the repository state changed: refs, the index,
 * the operation markers, and every file of git's operation state a snapshot records
 * (snapshot/operation-state.ts: MERGE_MSG and MERGE_MODE, and `sequencer`, whose presence it notes),
 * so a merge message edited mid-merge is recorded like the rest.
 */
const GIT_ROOT_NAMES = new Set(['HEAD', 'index', 'packed-refs', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'sequencer', 'BISECT_LOG', 'rebase-merge', 'rebase-apply', 'refs', 'logs']);

/**
 * lstat, undefined when there is nothing there to look at: missing (no exception then: thrown
 * errors cost more than the lstat itself), or a name under something that is no directory any
 * more (ENOTDIR: `rm -rf d && touch d`, whose events arrive after), a symlink loop (ELOOP), or
 * unreadable. Never throws for these: an event handler that threw would end the daemon.
 */
function lstatSafe(file: string | Buffer): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if (NOT_THERE_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/** lstat of a worktree path given as bytes (relative to `root`; '' is the root). */
function lstatRel(root: string, rel: GitPath): fs.Stats | undefined {
  return lstatSafe(rel === '' ? root : fsPath(root, rel));
}

/** What the walk needs of a directory's listing: its subdirectories, and whether it holds a `.git`. */
interface DirListing {
  /** Names of the entries that are directories (as bytes, `.git` left out). */
  dirs: GitPath[];
  /** An entry named `.git` (a directory or a file): a nested repository, or a linked worktree's root. */
  dotGit: boolean;
}

/** A name as Node decoded it (UTF-8) holds U+FFFD where its bytes were not UTF-8 (or a real U+FFFD): then read it as bytes. */
const REPLACEMENT = '\ufffd';
/** Only 7-bit characters: the text is the bytes (a GitPath is a byte string). */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * The subdirectories of a worktree directory, their names as bytes (empty when gone or
 * unreadable: its watch fails the same way, or reports it). Any other failure (EMFILE, EIO...)
 * goes to `onFailure`: the directory is there and was not read, so what lies under it is not known.
 *
 * Read as text first: a Buffer per entry (`encoding: 'buffer'`) costs twice the listing itself
 * (20k names: 30 against 12.5 ms warm), and only directories are kept. A name that is not UTF-8
 * decodes with U+FFFD; then the directory is read again as bytes, so no name is ever decoded lossily.
 */
function listDir(root: string, rel: GitPath, onFailure?: (error: NodeJS.ErrnoException) => void): DirListing {
  const where = rel === '' ? root : fsPath(root, rel);
  try {
    const entries = fs.readdirSync(where, { withFileTypes: true });
    const dirs: GitPath[] = [];
    let dotGit = false;
    for (const entry of entries) {
      const name = entry.name;
      if (name.includes(REPLACEMENT)) return listDirBytes(where);
      if (name === '.git') dotGit = true;
      else if (entry.isDirectory()) dirs.push(ASCII.test(name) ? (name as GitPath) : gitPath(name));
    }
    return { dirs, dotGit };
  } catch (error) {
    if (!GONE_CODES.has((error as NodeJS.ErrnoException).code ?? '')) onFailure?.(error as NodeJS.ErrnoException);
    return { dirs: [], dotGit: false };
  }
}

/** listDir for a directory holding a name that is not UTF-8: every name read as bytes (encoding 'buffer'), never decoded. */
function listDirBytes(where: string | Buffer): DirListing {
  const entries = fs.readdirSync(where, { withFileTypes: true, encoding: 'buffer' });
  const dirs: GitPath[] = [];
  let dotGit = false;
  for (const entry of entries) {
    const name = gitPathOf(entry.name as unknown as Buffer);
    if (name === DOT_GIT) dotGit = true;
    else if (entry.isDirectory()) dirs.push(name);
  }
  return { dirs, dotGit };
}

const DOT_GIT = gitPath('.git');
const GITIGNORE = gitPath('.gitignore');

function join(dir: GitPath, name: GitPath): GitPath {
  return (dir === '' ? name : `${dir}/${name}`) as GitPath;
}

function hasGitSegment(rel: string): boolean {
  return rel === '.git' || rel.startsWith('.git/') || rel.includes('/.git/') || rel.endsWith('/.git');
}

interface DirWatch {
  watcher: fs.FSWatcher;
  /** The directory's inode when the watch was placed: another inode under the name is a new directory (the same one may be, too: see onWorktreeRaw). */
  ino: number;
}

export class FsEvents {
  readonly ignored: IgnoredDirs;
  private closed = false;
  private limitHit = false;
  /** Worktree directories with a watch (relative, as bytes; '' is the root). */
  private readonly watching = new Map<GitPath, DirWatch>();
  /**
   * How many watched directories lie under each directory (relative): a directory with none is
   * unwatched without a look at every watch (`rm -rf` of a watched tree reports each directory's
   * own removal, deepest first; scanning all watches for each was O(removed x watched)).
   */
  private readonly watchedBelow = new Map<GitPath, number>();
  /** Git directories with a watch (absolute). */
  private readonly gitWatching = new Map<string, fs.FSWatcher>();
  private rescanning: Promise<void> | null = null;
  private rescanAgain = false;
  /** Why the watches may miss directories (a walk that did not finish), or null. */
  private gap: string | null = null;
  /** Walks that did not finish so far: a rescan clears `gap` only if none failed while it ran. */
  private gaps = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  /** core.excludesFile (or git's default one), polled: it usually lies outside the repository. */
  private excludesFile: string | null = null;
  private readonly onExcludesChange = (now: fs.Stats, before: fs.Stats): void => {
    // fs.watchFile calls once with zeroed stats when the file does not exist (the usual case for
    // git's default excludes file): nothing changed then, and a rescan plus a full snapshot would
    // follow every watcher start for nothing.
    if (now.ino === before.ino && now.mtimeMs === before.mtimeMs && now.ctimeMs === before.ctimeMs && now.size === before.size) return;
    this.options.onChange({ kind: 'rules', at: Date.now() });
  };
  private readonly pendingDirs = new Set<GitPath>();
  private classifyTimer: NodeJS.Timeout | null = null;
  private classifying = false;
  /** Barrier files written and not seen yet (name -> what to call when its event arrives). */
  private readonly barriers = new Map<string, () => void>();
  private barrierCount = 0;

  constructor(
    private readonly repo: Repo,
    private readonly options: FsEventsOptions,
  ) {
    this.ignored = new IgnoredDirs(repo);
  }

  get watchedDirs(): number {
    return this.watching.size;
  }

  /** Why some directories that are not ignored may have no watch (then only full snapshots are right), or null. */
  get incomplete(): string | null {
    return this.gap;
  }

  /** The watched worktree directories (relative, as bytes; '' is the root), sorted: for tests. */
  watchedList(): GitPath[] {
    return [...this.watching.keys()].sort();
  }

  /**
   * Watches every directory that is not ignored, and the git state. A walk that does not finish
   * (its check-ignore dies: say a directory became a symlink after it was listed, and git refuses
   * a path beyond it) leaves the watches incomplete, and is tried again, rather than no watcher.
   */
  async start(): Promise<void> {
    this.watchGitState();
    // A small git process, beside the walk rather than after it.
    const excludes = this.followExcludesFile();
    try {
      await this.ignored.walk((rel) => this.visit(rel));
    } catch (error) {
      this.options.onError(error as Error);
      this.markIncomplete(`the walk of the worktree did not finish (${(error as Error).message})`);
    }
    await excludes;
  }

  /**
   * Ignore rules changed: git is asked again which directories it ignores, and every directory
   * that is no longer ignored gets its watch (a directory that became ignored keeps its watch;
   * what git ignores is never in a snapshot anyway). The caller takes a full snapshot: files in a
   * directory that was ignored until now were never reported by any event.
   */
  rescan(): Promise<void> {
    if (this.rescanning) {
      this.rescanAgain = true;
      return this.rescanning;
    }
    this.rescanning = (async () => {
      do {
        this.rescanAgain = false;
        if (this.closed) return;
        const gapsBefore = this.gaps;
        this.ignored.reset();
        try {
          await this.ignored.walk((rel) => this.visit(rel));
        } catch (error) {
          this.markIncomplete(`a rescan of the ignore rules did not finish (${(error as Error).message})`);
          throw error;
        }
        await this.followExcludesFile();
        // Every directory that is not ignored was reached and watched: whole again.
        if (this.gaps === gapsBefore) this.markComplete();
      } while (this.rescanAgain);
    })().finally(() => {
      this.rescanning = null;
    });
    return this.rescanning;
  }

  /**
   * Resolves true once every event of a change made before this call has been handled: a file is
   * written in guard's directory and its event awaited, which the one inotify queue delivers
   * after the events of everything written earlier. false when that cannot be shown in time.
   */
  barrier(timeoutMs = 5000): Promise<boolean> {
    const dir = this.guardDir();
    if (this.closed || !this.gitWatching.has(dir)) return Promise.resolve(false);
    const name = `watcher-barrier-${process.pid}-${++this.barrierCount}`;
    const file = path.join(dir, name);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.barriers.delete(name);
        resolve(false);
      }, timeoutMs);
      this.barriers.set(name, () => {
        clearTimeout(timer);
        resolve(true);
      });
      try {
        fs.writeFileSync(file, '');
      } catch {
        this.barriers.delete(name);
        clearTimeout(timer);
        resolve(false);
      }
    }).finally(() => fs.rmSync(file, { force: true }));
  }

  /** Resolves when no new directory waits to be classified and watched, and no rescan runs. */
  async settled(): Promise<void> {
    while (!this.closed && (this.classifyTimer || this.classifying || this.rescanning)) {
      if (this.rescanning) await this.rescanning.catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Files git tracks now that lie in a directory the rules exclude and that has no watch: the
   * index gained them after that directory was classified (`git add -f dist/x.js`, a checkout or
   * a stash pop that brings tracked files under node_modules/), and no event would ever name an
   * edit of them, so an incremental snapshot kept their old bytes. (A walk watches a directory
   * that holds tracked files whatever the rules say; this is the same for files tracked later.)
   * The directories from the excluded one down to each file's get their watch; their other
   * subdirectories stay excluded without a question to git (nothing in an excluded directory is
   * re-included), so node_modules is never walked. Each such file is reported: what it became
   * before its watch existed is read by the next snapshot. Returns how many were reported.
   */
  watchTracked(files: readonly GitPath[]): number {
    if (this.closed || this.limitHit) return 0;
    const tops = new Set<GitPath>();
    // Every directory on the way from an excluded one down to a file's.
    const wanted = new Set<GitPath>();
    const reported: GitPath[] = [];
    for (const file of files) {
      const cut = file.lastIndexOf('/');
      if (cut <= 0) continue;
      const dir = file.slice(0, cut) as GitPath;
      const top = this.ignored.ignoredAbove(dir);
      if (top === null) continue;
      tops.add(top);
      reported.push(file);
      for (let at = dir.length; at > top.length; at = dir.lastIndexOf('/', at - 1)) wanted.add(dir.slice(0, at) as GitPath);
    }
    let level = [...tops];
    for (const top of level) this.ignored.unignore(top);
    while (level.length > 0) {
      const next: GitPath[] = [];
      for (const dir of level) {
        for (const sub of this.visit(dir) ?? []) {
          if (wanted.has(sub)) next.push(sub);
          else if (this.ignored.status(sub) === undefined) this.ignored.markIgnored(sub);
        }
      }
      level = next;
    }
    for (const file of reported) this.report(file);
    return reported.length;
  }

  /** Whether some directory is known to be ignored (else no tracked file can lack a watch). */
  get ignoresSome(): boolean {
    return this.ignored.size > 0;
  }

  /** Polls the excludes file git uses now (it may change with the config). */
  private async followExcludesFile(): Promise<void> {
    const file = await this.ignored.excludesFile().catch(() => null);
    if (this.closed || file === this.excludesFile) return;
    if (this.excludesFile) fs.unwatchFile(this.excludesFile, this.onExcludesChange);
    this.excludesFile = file;
    // Polled, not watched: the file may not exist yet, and its directory is not ours to watch.
    if (file) fs.watchFile(file, { interval: 1000, persistent: false }, this.onExcludesChange);
  }

  /**
   * A walk did not finish: directories it did not reach may have no watch. Said at every such walk
   * (the caller takes a full snapshot each time), and a rescan is tried again, backing off.
   */
  private markIncomplete(reason: string): void {
    this.gaps++;
    this.gap = reason;
    this.options.onCoverage?.(reason);
    if (this.closed || this.retryTimer) return;
    const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** this.retries++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.rescan().catch((error: unknown) => this.options.onError(error as Error));
    }, delay);
  }

  private markComplete(): void {
    this.retries = 0;
    if (this.gap === null) return;
    this.gap = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.options.onCoverage?.(null);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.excludesFile) fs.unwatchFile(this.excludesFile, this.onExcludesChange);
    if (this.classifyTimer) clearTimeout(this.classifyTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const { watcher } of this.watching.values()) watcher.close();
    for (const watcher of this.gitWatching.values()) watcher.close();
    this.watching.clear();
    this.watchedBelow.clear();
    this.gitWatching.clear();
  }

  /**
   * One directory of the walk (IgnoredDirs.walk, which asks git which of the subdirectories
   * returned here are ignored before it visits them, and classifyPending): watches it and returns
   * its subdirectories, or null when it is not to be watched (a nested repository: its listing
   * holds a `.git`) or is no directory of the worktree any more. A listing saw it as a directory,
   * but by now it may be gone, a file or a symlink (lstat: a symlink is never followed), or a
   * directory above it may have become a symlink (then the watch of that directory is gone, or
   * its event is queued and will take every watch under it away): watching through it would
   * watch outside the worktree, and git refuses a path beyond a symlink. The name is reported, so
   * the next snapshot records what it is now. One lstat and one readdir per directory, as before.
   */
  private visit(rel: GitPath): GitPath[] | null {
    if (this.closed) return null;
    const stat = lstatRel(this.repo.root, rel);
    if (!stat?.isDirectory() || !this.parentWatched(rel)) {
      this.report(rel);
      return null;
    }
    // Watched before it is listed: what appears in it after the listing has an event.
    this.watchDir(rel, stat);
    const listing = listDir(this.repo.root, rel, (error) => this.markIncomplete(`could not read the directory ${pathText(rel)} (${error.code ?? error.message})`));
    if (rel !== '' && listing.dotGit) {
      this.unwatchTree(rel);
      return null;
    }
    if (rel !== '') this.ignored.markWatched(rel);
    return listing.dirs.map((name) => join(rel, name));
  }

  /**
   * Whether the directory above `rel` still has its watch (the walk went through it, and no event
   * has said since that it went away or became a symlink). Without watches (the OS limit) the
   * walk goes on without this proof; the caller polls then.
   */
  private parentWatched(rel: GitPath): boolean {
    if (rel === '' || this.limitHit) return true;
    const limit = this.options.fakeWatchLimit;
    if (limit !== undefined && this.watching.size >= limit) return true;
    return this.watching.has((rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '') as GitPath);
  }

  /** Places the watch of one worktree directory (relative; `stat` its lstat). */
  private watchDir(rel: GitPath, stat: fs.Stats): void {
    if (this.closed || this.limitHit || this.watching.has(rel)) return;
    const limit = this.options.fakeWatchLimit;
    if (limit !== undefined && this.watching.size >= limit) {
      const error = Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached (simulated at ${limit})`), { code: 'ENOSPC' });
      queueMicrotask(() => this.onWatchError(error));
      return;
    }
    const abs = rel === '' ? this.repo.root : fsPath(this.repo.root, rel);
    // Names come as bytes (encoding 'buffer'): a name that is not UTF-8 still names its file.
    const watcher = this.placeBytes(abs, (event, name) => this.onWorktreeRaw(rel, event, name === null ? null : gitPathOf(name)));
    if (watcher) {
      this.watching.set(rel, { watcher, ino: stat.ino });
      this.countBelow(rel, 1);
    }
  }

  /** Adds `delta` to the count of every directory above `rel` (the root '' included). */
  private countBelow(rel: GitPath, delta: number): void {
    if (rel === '') return;
    for (let at = rel.lastIndexOf('/'); ; at = rel.lastIndexOf('/', at - 1)) {
      const above = (at < 0 ? '' : rel.slice(0, at)) as GitPath;
      const n = (this.watchedBelow.get(above) ?? 0) + delta;
      if (n > 0) this.watchedBelow.set(above, n);
      else this.watchedBelow.delete(above);
      if (at < 0) return;
    }
  }

  /** fs.watch on a directory; null when it cannot be watched (gone, unreadable, or the OS limit). */
  private place(abs: string, listener: (event: string, name: string | null) => void): fs.FSWatcher | null {
    return this.guardWatch(() => fs.watch(abs, { persistent: true }, listener));
  }

  /** fs.watch on a worktree directory named by its bytes, which hands the entries' names over as bytes. */
  private placeBytes(abs: string | Buffer, listener: (event: string, name: Buffer | null) => void): fs.FSWatcher | null {
    return this.guardWatch(() => fs.watch(abs, { persistent: true, encoding: 'buffer' }, listener));
  }

  private guardWatch(watch: () => fs.FSWatcher): fs.FSWatcher | null {
    try {
      const watcher = watch();
      watcher.on('error', (error: unknown) => this.onWatchError(error as NodeJS.ErrnoException));
      return watcher;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!GONE_CODES.has(code)) this.onWatchError(error as NodeJS.ErrnoException);
      return null;
    }
  }

  /** Removes the watches of `rel` and of every directory under it. */
  private unwatchTree(rel: GitPath): void {
    const prefix = `${rel}/`;
    const drop = (dir: GitPath, watch: DirWatch): void => {
      watch.watcher.close();
      this.watching.delete(dir);
      this.countBelow(dir, -1);
    };
    if (this.watchedBelow.has(rel)) {
      for (const [dir, watch] of this.watching) if (dir === rel || dir.startsWith(prefix)) drop(dir, watch);
    } else {
      // Nothing watched under it (the common case while a tree is removed, deepest first).
      const own = this.watching.get(rel);
      if (own) drop(rel, own);
    }
    this.ignored.forget(rel);
  }

  /** A directory appeared: ask git before watching it (node_modules must never be walked). */
  private onAddDir(rel: GitPath): void {
    if (this.ignored.status(rel) === true) return;
    this.pendingDirs.add(rel);
    this.classifyTimer ??= setTimeout(() => void this.classifyPending(), 50);
  }

  private async classifyPending(): Promise<void> {
    this.classifyTimer = null;
    const top = [...this.pendingDirs];
    this.pendingDirs.clear();
    this.classifying = true;
    try {
      // Level by level, so an ignored directory is never descended into.
      let level = top;
      while (level.length > 0 && !this.closed) {
        const candidates = level.filter((d) => lstatRel(this.repo.root, d)?.isDirectory() && !lstatRel(this.repo.root, join(d, DOT_GIT)));
        // Forget what is known about them: a directory that came back may be another one now.
        for (const dir of candidates) this.ignored.forget(dir);
        const watch = await this.ignored.classify(candidates);
        const next: GitPath[] = [];
        for (const dir of watch) next.push(...(this.visit(dir) ?? []));
        level = next;
      }
      // Files created before the watches existed: the snapshot reads these directories whole.
      for (const dir of top) this.options.onChange({ kind: 'path', rel: dir, at: Date.now() });
    } catch (error) {
      this.options.onError(error as Error);
      // Unknown: better a full snapshot than a missed directory; and these directories have no watch.
      this.markIncomplete(`new directories could not be classified (${(error as Error).message})`);
      this.options.onChange({ kind: 'everything', at: Date.now() });
    } finally {
      this.classifying = false;
    }
  }

  private onWorktreeRaw(dir: GitPath, event: string, name: GitPath | null): void {
    if (this.closed) return;
    if (!name) {
      this.report(dir);
      return;
    }
    const rel = join(dir, name);
    if (dir !== '' && name === dir.slice(dir.lastIndexOf('/') + 1) && !lstatRel(this.repo.root, rel)) {
      // libuv names a watched directory's own removal or move (IN_DELETE_SELF, IN_MOVE_SELF,
      // IN_IGNORED) by the directory's name: its watch is dead. The inode cannot tell, as a
      // directory made again at once often gets the same inode number. (A removed child of the
      // same name looks alike; watching the directory again costs nothing then.)
      this.unwatchTree(dir);
      if (lstatRel(this.repo.root, dir)?.isDirectory()) this.onAddDir(dir);
      this.report(dir);
      return;
    }
    if (hasGitSegment(rel)) return;
    if (name === GITIGNORE) this.options.onChange({ kind: 'rules', at: Date.now() });
    this.report(rel);
    // A name appeared or went away: if it is (or was) a directory, its watches follow.
    if (event === 'rename') this.followEntry(rel);
  }

  /** Keeps the watches right after a rename event on `rel`: a new directory, a gone one, a replaced one. */
  private followEntry(rel: GitPath): void {
    const stat = lstatRel(this.repo.root, rel);
    const known = this.watching.get(rel);
    if (stat?.isDirectory()) {
      if (known && known.ino === stat.ino) return;
      // A directory under the name that has no watch, or another one (removed and made again).
      if (known) this.unwatchTree(rel);
      this.onAddDir(rel);
      return;
    }
    // Gone, or a file now. (An ignored directory that goes away stays known as ignored.)
    if (known) this.unwatchTree(rel);
  }

  /** Reports a changed path (its exact bytes); the root itself means everything. */
  private report(rel: GitPath): void {
    const at = Date.now();
    if (rel === '') this.options.onChange({ kind: 'everything', at });
    else this.options.onChange({ kind: 'path', rel, at });
  }

  private guardDir(): string {
    return path.join(this.repo.gitDir, 'guard');
  }

  /** Whether a directory in the git dir is one whose changes are followed (absolute path). */
  private gitDirWanted(abs: string): boolean {
    if (abs === this.repo.gitDir || abs === this.repo.commonDir || abs === this.guardDir()) return true;
    const fromCommon = path.relative(this.repo.commonDir, abs).split(path.sep).join('/');
    if (fromCommon.startsWith('..') || path.isAbsolute(fromCommon)) return false;
    // refs/** and logs/** (never guard's own refs), info/ for info/exclude, and a reftable
    // repository's ref stack (the common one and a linked worktree's own).
    if (fromCommon === 'info' || abs === path.join(this.repo.commonDir, 'reftable') || abs === path.join(this.repo.gitDir, 'reftable')) return true;
    return /^(refs|logs)(\/|$)/.test(fromCommon) && !/^(refs\/guard|logs\/refs\/guard)(\/|$)/.test(fromCommon);
  }

  private isRefsOrLogs(abs: string): boolean {
    return /^(refs|logs)(\/|$)/.test(path.relative(this.repo.commonDir, abs).split(path.sep).join('/'));
  }

  /** Removes the watches of a git directory and of every directory under it. */
  private unwatchGitTree(abs: string): void {
    const prefix = `${abs}${path.sep}`;
    for (const [dir, watcher] of this.gitWatching) {
      if (dir === abs || dir.startsWith(prefix)) {
        watcher.close();
        this.gitWatching.delete(dir);
      }
    }
  }

  /** Watches the git dir (and the common dir), info/, guard/, and every directory of refs/ and logs/. */
  private watchGitState(): void {
    const roots = [...new Set([this.repo.gitDir, this.repo.commonDir, this.guardDir(), path.join(this.repo.commonDir, 'info')])];
    for (const root of roots) this.watchGitDir(root, false);
    for (const top of ['refs', 'logs']) this.watchGitDir(path.join(this.repo.commonDir, top), true);
    // A reftable repository (git >= 2.45) keeps every ref in reftable/ (refs/ is a stub): its
    // tables.list is replaced at each ref transaction. Absent in a files repository: no watch.
    for (const dir of new Set([this.repo.commonDir, this.repo.gitDir])) {
      const stack = path.join(dir, 'reftable');
      if (lstatSafe(stack)?.isDirectory()) this.watchGitDir(stack, false);
    }
  }

  /** Watches one git directory (and, with `deep`, every directory under it that is wanted). */
  private watchGitDir(abs: string, deep: boolean): void {
    if (this.closed || this.gitWatching.has(abs) || !this.gitDirWanted(abs)) return;
    const watcher = this.place(abs, (_event, name) => this.onGitRaw(abs, name));
    if (!watcher) return;
    this.gitWatching.set(abs, watcher);
    if (!deep) return;
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) this.watchGitDir(path.join(abs, entry.name), true);
  }

  private onGitRaw(watchedPath: string, evPath: string | null): void {
    if (this.closed || !evPath) return;
    if (watchedPath === this.guardDir()) {
      if (evPath === STEP_FLUSH_FILE) this.options.onChange({ kind: 'step', at: Date.now() });
      const passed = this.barriers.get(evPath);
      if (passed) {
        this.barriers.delete(evPath);
        passed();
      }
      return;
    }
    if (evPath.endsWith('.lock')) return;
    const full = path.join(watchedPath, evPath);
    if (evPath === path.basename(watchedPath) && watchedPath !== this.repo.gitDir && watchedPath !== this.repo.commonDir && !lstatSafe(full)) {
      // The directory's own removal or move (git removes refs/heads/team/ with its last branch):
      // its watches are dead; one made again later is watched anew.
      this.unwatchGitTree(watchedPath);
      if (lstatSafe(watchedPath)?.isDirectory()) this.watchGitDir(watchedPath, this.isRefsOrLogs(watchedPath));
      this.options.onChange({ kind: 'git', at: Date.now() });
      return;
    }
    // A new directory of refs or logs (refs/heads/feature/), or logs/ or info/ made later.
    if (!this.gitWatching.has(full) && this.gitDirWanted(full) && lstatSafe(full)?.isDirectory()) {
      this.watchGitDir(full, this.isRefsOrLogs(full));
    }
    // Ignore rules: info/exclude, and the config (core.excludesFile may have moved).
    const info = path.join(this.repo.commonDir, 'info');
    if ((watchedPath === info && evPath === 'exclude') || (watchedPath === this.repo.commonDir && (evPath === 'config' || evPath === 'info'))) {
      this.options.onChange({ kind: 'rules', at: Date.now() });
      return;
    }
    if (watchedPath === info) return;
    // A reftable transaction is committed by replacing tables.list; the new tables written before
    // it say nothing yet. guard's own ref writes (refs/guard/*) land there too and cannot be told
    // apart by name: they cost one snapshot that finds nothing changed.
    if (watchedPath === path.join(this.repo.commonDir, 'reftable') || watchedPath === path.join(this.repo.gitDir, 'reftable')) {
      if (evPath === 'tables.list') this.options.onChange({ kind: 'git', at: Date.now() });
      return;
    }
    const atRoot = watchedPath === this.repo.gitDir || watchedPath === this.repo.commonDir;
    if (atRoot && !GIT_ROOT_NAMES.has(evPath)) return;
    if (!atRoot && path.relative(this.repo.commonDir, full).split(path.sep).join('/').startsWith('refs/guard')) return;
    this.options.onChange({ kind: 'git', at: Date.now() });
  }

  private onWatchError(error: NodeJS.ErrnoException): void {
    if (error && LIMIT_CODES.has(error.code ?? '')) {
      if (this.limitHit) return;
      this.limitHit = true;
      this.options.onLimit(error);
      return;
    }
    this.options.onError(error);
  }
}
