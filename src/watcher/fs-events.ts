/**
 * File-system events for the watcher, from chokidar.
 *
 * Chokidar watches directories only, each one on its own (depth 0): the `ignored` function turns
 * away every file (and every directory git ignores, see ignored-dirs.ts, plus `.git` and nested
 * repositories), and the file-level changes come from the directory watches' raw events, which
 * name the entry that changed. So the number of OS watches (inotify on Linux) is the number of
 * directories, not of files: 1013 for the 100k-file benchmark repository. The directories to
 * watch are found by our own walk and given to chokidar in batches (see start()); directories
 * that appear later are classified by git, then added level by level. A raw event only says that
 * a name changed; what changed is read by git at the next snapshot (createSnapshot's changedPaths).
 *
 * A second, small watcher follows the git state that no file in the worktree shows: HEAD, the
 * index, loose and packed refs, reflogs (a `git stash drop` changes only logs/refs/stash) and an
 * operation in progress. refs/guard (guard's own writes) and objects are not watched. It also
 * follows `<gitDir>/guard/step-flush`, where an agent's post-tool hook asks for the snapshot that
 * closes a step (src/session/steps.ts).
 *
 * When the OS refuses a watch (ENOSPC: inotify's max_user_watches; EMFILE/ENFILE: descriptors)
 * the error is reported once through onLimit and the caller falls back to polling.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { Repo } from '../git/repo.js';
import { IgnoredDirs } from './ignored-dirs.js';
import { STEP_FLUSH_FILE } from '../session/steps.js';

/** `rules`: an ignore rule may have changed (a .gitignore, info/exclude, core.excludesFile, the config). */
export type FsChange = { kind: 'path'; rel: string; at: number } | { kind: 'git'; at: number } | { kind: 'everything'; at: number } | { kind: 'step'; at: number } | { kind: 'rules'; at: number };

export interface FsEventsOptions {
  onChange: (change: FsChange) => void;
  /** The OS watch limit was reached: events are incomplete from now on. */
  onLimit: (error: NodeJS.ErrnoException) => void;
  onError: (error: Error) => void;
  /** Test fault injection: behave as if the OS refused watches beyond this many directories. */
  fakeWatchLimit?: number;
}

const LIMIT_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);

const COMMON = { ignoreInitial: true, followSymlinks: false, atomic: false, ignorePermissionErrors: true, persistent: true } as const;

/** Names directly in a git dir whose change means the repository state changed. */
const GIT_ROOT_NAMES = new Set(['HEAD', 'index', 'packed-refs', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'BISECT_LOG', 'rebase-merge', 'rebase-apply', 'refs', 'logs']);

function lstatSafe(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

/** Raw events carry the directory whose watch fired as `details.watchedPath`. */
function watchedPathOf(details: unknown): string | undefined {
  const watched = (details as { watchedPath?: unknown } | null)?.watchedPath;
  return typeof watched === 'string' ? watched : undefined;
}

function hasGitSegment(rel: string): boolean {
  return rel === '.git' || rel.startsWith('.git/') || rel.includes('/.git/') || rel.endsWith('/.git');
}

/** What Node puts in place of bytes that are not UTF-8 when it decodes a file name. */
const LOSSY = '\uFFFD';

/** Directories handed to one chokidar instance during the start-up walk. */
const BATCH = 64;

type WatchFn = typeof import('chokidar').watch;

export class FsEvents {
  readonly ignored: IgnoredDirs;
  private instances: FSWatcher[] = [];
  /** Directories that appear while watching. */
  private runtime: FSWatcher | null = null;
  private git: FSWatcher | null = null;
  private watchFn: WatchFn | null = null;
  private closed = false;
  private limitHit = false;
  private dirs = 0;
  /** Directories with a watch (relative; '' is the root). */
  private readonly watching = new Set<string>();
  private rescanning: Promise<void> | null = null;
  private rescanAgain = false;
  /** core.excludesFile (or git's default one), polled: it usually lies outside the repository. */
  private excludesFile: string | null = null;
  private readonly onExcludesChange = (): void => this.options.onChange({ kind: 'rules', at: Date.now() });
  private readonly pendingDirs = new Set<string>();
  private classifyTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: Repo,
    private readonly options: FsEventsOptions,
  ) {
    this.ignored = new IgnoredDirs(repo);
  }

  get watchedDirs(): number {
    return this.dirs;
  }

  /**
   * Watches every directory that is not ignored. The walk is ours (names only, no stat per file)
   * and the directories go to chokidar in batches, one batch after the other: chokidar stats every
   * entry of a directory it reads, and reading a whole 100k-file tree at once holds all of that in
   * memory (measured: 340 MB resident instead of a flat ~100 MB).
   */
  async start(): Promise<void> {
    await this.ignored.load();
    const { watch } = await import('chokidar');
    this.watchFn = watch;
    const gitRoots = [...new Set([this.repo.gitDir, this.repo.commonDir])];
    this.git = watch(gitRoots, { ...COMMON, ignored: (p: string, stats?: fs.Stats) => this.ignoreGit(p, stats) });
    this.git.on('raw', (_event, evPath, details) => this.onGitRaw(evPath, watchedPathOf(details)));
    this.git.on('error', (error: unknown) => this.onWatchError(error as NodeJS.ErrnoException));
    const gitReady = this.readyOf(this.git);

    let batch: string[] = [];
    for (const rel of this.walk([''])) {
      batch.push(rel);
      if (batch.length >= BATCH) {
        await this.watchBatch(batch);
        batch = [];
      }
      if (this.closed) return;
    }
    if (batch.length > 0) await this.watchBatch(batch);
    await gitReady;
    await this.followExcludesFile();
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
        await this.ignored.reload();
        for (const rel of this.walk([''])) {
          if (this.closed) return;
          if (!this.watching.has(rel)) this.addRuntime(rel);
        }
        await this.followExcludesFile();
      } while (this.rescanAgain);
    })().finally(() => {
      this.rescanning = null;
    });
    return this.rescanning;
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

  async close(): Promise<void> {
    this.closed = true;
    this.onClosed();
    if (this.excludesFile) fs.unwatchFile(this.excludesFile, this.onExcludesChange);
    if (this.classifyTimer) clearTimeout(this.classifyTimer);
    const all = [...this.instances, this.runtime, this.git].filter((w): w is FSWatcher => w !== null);
    this.instances = [];
    this.runtime = null;
    this.git = null;
    await Promise.all(all.map((w) => w.close()));
  }

  private onClosed: () => void = () => undefined;

  /** Resolves on the instance's ready, or when close() is called meanwhile. */
  private readyOf(watcher: FSWatcher): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      const previous = this.onClosed;
      this.onClosed = () => {
        previous();
        resolve();
      };
    });
    return Promise.race([new Promise<void>((resolve) => watcher.once('ready', () => resolve())), closed]);
  }

  /** Breadth-first directories under `from` that are to be watched (not ignored, not .git, not nested repositories). */
  private *walk(from: string[]): Generator<string> {
    const queue = [...from];
    while (queue.length > 0) {
      const rel = queue.shift()!;
      yield rel;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(this.repo.root, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name === '.git') continue;
        // A name that is not UTF-8 arrives decoded lossily and names no directory: it cannot get
        // a watch (see docs/backup-and-recovery.md, Limits); its parent's watch still reports it.
        if (entry.name.includes(LOSSY)) continue;
        const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
        if (this.ignored.isIgnored(child) || lstatSafe(path.join(this.repo.root, child, '.git'))) continue;
        this.ignored.markWatched(child);
        queue.push(child);
      }
    }
  }

  private makeWatcher(paths: string[]): FSWatcher {
    // depth 0: each directory is watched on its own; what appears later is added by us.
    const watcher = this.watchFn!(paths, { ...COMMON, depth: 0, ignored: (p: string, stats?: fs.Stats) => this.ignoreWorktree(p, stats) });
    watcher.on('raw', (_event, evPath, details) => this.onWorktreeRaw(evPath, watchedPathOf(details)));
    watcher.on('addDir', (p: string) => this.onAddDir(p));
    watcher.on('unlinkDir', (p: string) => {
      const rel = this.rel(p);
      if (rel === null || rel === '') return;
      this.ignored.forget(rel);
      this.watching.delete(rel);
      this.report(rel);
    });
    watcher.on('error', (error: unknown) => this.onWatchError(error as NodeJS.ErrnoException));
    return watcher;
  }

  private async watchBatch(rels: string[]): Promise<void> {
    for (const rel of rels) {
      this.countDir();
      this.watching.add(rel);
    }
    const watcher = this.makeWatcher(rels.map((rel) => path.join(this.repo.root, rel)));
    this.instances.push(watcher);
    await this.readyOf(watcher);
  }

  private addRuntime(rel: string): void {
    if (this.closed) return;
    this.countDir();
    this.watching.add(rel);
    const abs = path.join(this.repo.root, rel);
    if (this.runtime) this.runtime.add(abs);
    else this.runtime = this.makeWatcher([abs]);
  }

  private rel(abs: string): string | null {
    const rel = path.relative(this.repo.root, abs).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
    return rel;
  }

  private ignoreWorktree(abs: string, stats?: fs.Stats): boolean {
    const rel = this.rel(abs);
    if (rel === null) return true;
    if (rel === '') return false;
    if (hasGitSegment(rel)) return true;
    // Files are never watched one by one: their directory's watch reports them.
    if (stats && !stats.isDirectory()) return true;
    if (!stats) {
      const stat = lstatSafe(abs);
      if (!stat || !stat.isDirectory()) return true;
    }
    // Known-ignored directories stay out; anything else is only listed (depth 0), never read,
    // until we add it ourselves.
    return this.ignored.status(rel) === true;
  }

  /** Counts a directory that gets a watch. */
  private countDir(): void {
    this.dirs++;
    const limit = this.options.fakeWatchLimit;
    if (limit !== undefined && this.dirs > limit && !this.limitHit) {
      const error = Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached (simulated at ${limit})`), { code: 'ENOSPC' });
      queueMicrotask(() => this.onWatchError(error));
    }
  }

  /** A directory appeared: ask git before watching it (node_modules must never be walked). */
  private onAddDir(abs: string): void {
    const rel = this.rel(abs);
    if (rel === null || rel === '') return;
    // Not UTF-8: no watch can be placed on the lossy name; the snapshot reads the parent whole.
    if (rel.includes(LOSSY)) {
      this.report(rel);
      return;
    }
    if (this.ignored.status(rel) !== undefined) return;
    this.pendingDirs.add(rel);
    this.classifyTimer ??= setTimeout(() => void this.classifyPending(), 50);
  }

  private async classifyPending(): Promise<void> {
    this.classifyTimer = null;
    const top = [...this.pendingDirs];
    this.pendingDirs.clear();
    try {
      // Level by level, so an ignored directory is never descended into.
      let level = top;
      while (level.length > 0 && !this.closed) {
        const watch = await this.ignored.classify(level.filter((d) => lstatSafe(path.join(this.repo.root, d))?.isDirectory() && !lstatSafe(path.join(this.repo.root, d, '.git'))));
        const next: string[] = [];
        for (const dir of watch) {
          this.addRuntime(dir);
          let entries: fs.Dirent[] = [];
          try {
            entries = fs.readdirSync(path.join(this.repo.root, dir), { withFileTypes: true });
          } catch {
            // gone again
          }
          for (const entry of entries) if (entry.isDirectory() && entry.name !== '.git') next.push(`${dir}/${entry.name}`);
        }
        level = next;
      }
      // Files created before the watches existed: the snapshot reads these directories whole.
      for (const dir of top) this.options.onChange({ kind: 'path', rel: dir, at: Date.now() });
    } catch (error) {
      this.options.onError(error as Error);
      // Unknown: better a full snapshot than a missed directory.
      this.options.onChange({ kind: 'everything', at: Date.now() });
    }
  }

  private onWorktreeRaw(evPath: string | null, watchedPath: string | undefined): void {
    if (!watchedPath) return;
    const full = evPath ? path.join(watchedPath, evPath) : watchedPath;
    const rel = this.rel(full);
    if (rel === null || hasGitSegment(rel)) return;
    if (rel === '.gitignore' || rel.endsWith('/.gitignore')) this.options.onChange({ kind: 'rules', at: Date.now() });
    this.report(rel);
  }

  /**
   * Reports a changed path. Names reach us as text: a file name that is not UTF-8 arrives with
   * U+FFFD in place of its bytes and names nothing on disk, so the nearest directory above it
   * whose name survived is reported instead; the snapshot reads that directory whole, by git,
   * which hands the exact bytes over.
   */
  private report(rel: string): void {
    const at = Date.now();
    let exact = rel;
    if (exact.includes(LOSSY)) {
      const parts = exact.split('/');
      exact = parts.slice(0, parts.findIndex((part) => part.includes(LOSSY))).join('/');
    }
    if (exact === '') this.options.onChange({ kind: 'everything', at });
    else this.options.onChange({ kind: 'path', rel: exact, at });
  }

  private ignoreGit(abs: string, stats?: fs.Stats): boolean {
    const roots = [this.repo.gitDir, this.repo.commonDir, this.guardDir()];
    if (roots.includes(abs)) return false;
    if (stats && !stats.isDirectory()) return true;
    const stat = stats ?? lstatSafe(abs);
    if (!stat || !stat.isDirectory()) return true;
    const fromCommon = path.relative(this.repo.commonDir, abs).split(path.sep).join('/');
    if (fromCommon.startsWith('..')) return true;
    // refs/** and logs/** (never guard's own refs), and info/ for info/exclude.
    if (fromCommon === 'info') return false;
    const watched = /^(refs|logs)(\/|$)/.test(fromCommon) && !/^(refs\/guard|logs\/refs\/guard)(\/|$)/.test(fromCommon);
    return !watched;
  }

  private guardDir(): string {
    return path.join(this.repo.gitDir, 'guard');
  }

  private onGitRaw(evPath: string | null, watchedPath: string | undefined): void {
    if (!watchedPath || !evPath) return;
    if (watchedPath === this.guardDir()) {
      if (evPath === STEP_FLUSH_FILE) this.options.onChange({ kind: 'step', at: Date.now() });
      return;
    }
    if (evPath.endsWith('.lock')) return;
    // Ignore rules: info/exclude, and the config (core.excludesFile may have moved).
    if ((watchedPath === path.join(this.repo.commonDir, 'info') && evPath === 'exclude') || (watchedPath === this.repo.commonDir && (evPath === 'config' || evPath === 'info'))) {
      this.options.onChange({ kind: 'rules', at: Date.now() });
      return;
    }
    if (watchedPath === path.join(this.repo.commonDir, 'info')) return;
    const atRoot = watchedPath === this.repo.gitDir || watchedPath === this.repo.commonDir;
    if (atRoot && !GIT_ROOT_NAMES.has(evPath)) return;
    if (!atRoot && path.relative(this.repo.commonDir, path.join(watchedPath, evPath)).split(path.sep).join('/').startsWith('refs/guard')) return;
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
