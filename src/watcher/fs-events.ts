/**
 * File-system events for the watcher, from chokidar.
 *
 * Chokidar watches directories only: the `ignored` function turns away every file (and every
 * directory git ignores, see ignored-dirs.ts, plus `.git` and nested repositories), and the
 * file-level changes come from the directory watches' raw events, which name the entry that
 * changed. So the number of OS watches (inotify on Linux) is the number of directories, not of
 * files, and memory follows the directory count: a 100k-file repository with 5k directories
 * needs 5k watches, well under the usual limits. A raw event only says that a name changed;
 * what changed is read by git at the next snapshot (createSnapshot's changedPaths).
 *
 * A second, small watcher follows the git state that no file in the worktree shows: HEAD, the
 * index, loose and packed refs, reflogs (a `git stash drop` changes only logs/refs/stash) and an
 * operation in progress. refs/guard (guard's own writes) and objects are not watched.
 *
 * When the OS refuses a watch (ENOSPC: inotify's max_user_watches; EMFILE/ENFILE: descriptors)
 * the error is reported once through onLimit and the caller falls back to polling.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { Repo } from '../git/repo.js';
import { IgnoredDirs } from './ignored-dirs.js';

export type FsChange = { kind: 'path'; rel: string; at: number } | { kind: 'git'; at: number } | { kind: 'everything'; at: number };

export interface FsEventsOptions {
  onChange: (change: FsChange) => void;
  /** The OS watch limit was reached: events are incomplete from now on. */
  onLimit: (error: NodeJS.ErrnoException) => void;
  onError: (error: Error) => void;
  /** Test fault injection: behave as if the OS refused watches beyond this many directories. */
  fakeWatchLimit?: number;
}

const LIMIT_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);

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

export class FsEvents {
  readonly ignored: IgnoredDirs;
  private worktree: FSWatcher | null = null;
  private git: FSWatcher | null = null;
  private ready = false;
  private limitHit = false;
  private dirs = 0;
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

  async start(): Promise<void> {
    await this.ignored.load();
    const { watch } = await import('chokidar');
    const common = { ignoreInitial: true, followSymlinks: false, atomic: false, ignorePermissionErrors: true, persistent: true } as const;
    this.worktree = watch(this.repo.root, { ...common, ignored: (p: string, stats?: fs.Stats) => this.ignoreWorktree(p, stats) });
    this.worktree.on('raw', (_event, evPath, details) => this.onWorktreeRaw(evPath, watchedPathOf(details)));
    this.worktree.on('unlinkDir', (p: string) => {
      const rel = this.rel(p);
      if (rel === null) return;
      this.ignored.forget(rel);
      this.options.onChange({ kind: 'path', rel, at: Date.now() });
    });
    this.worktree.on('error', (error: unknown) => this.onWatchError(error as NodeJS.ErrnoException));

    const gitRoots = [...new Set([this.repo.gitDir, this.repo.commonDir])];
    this.git = watch(gitRoots, { ...common, ignored: (p: string, stats?: fs.Stats) => this.ignoreGit(p, stats) });
    this.git.on('raw', (_event, evPath, details) => this.onGitRaw(evPath, watchedPathOf(details)));
    this.git.on('error', (error: unknown) => this.onWatchError(error as NodeJS.ErrnoException));

    const ready = Promise.all([this.worktree, this.git].map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve()))));
    // close() during the initial walk (the watch limit was hit) ends the wait too.
    await Promise.race([ready, new Promise<void>((resolve) => (this.onClosed = resolve))]);
    this.ready = true;
  }

  private onClosed: () => void = () => undefined;

  async close(): Promise<void> {
    this.onClosed();
    if (this.classifyTimer) clearTimeout(this.classifyTimer);
    await Promise.all([this.worktree?.close(), this.git?.close()]);
    this.worktree = null;
    this.git = null;
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
    const known = this.ignored.status(rel);
    if (known !== undefined) return known;
    const stat = stats ?? lstatSafe(abs);
    if (!stat || !stat.isDirectory()) return true;
    // A nested repository (not ours to record beyond its gitlink).
    if (lstatSafe(path.join(abs, '.git'))) {
      this.ignored.forget(rel);
      return true;
    }
    if (!this.ready) {
      // Startup walk: everything git ignores was listed by IgnoredDirs.load().
      this.ignored.markWatched(rel);
      return this.countDir();
    }
    // A new directory: ask git before descending (node_modules must never be walked).
    this.pendingDirs.add(rel);
    this.classifyTimer ??= setTimeout(() => void this.classifyPending(), 50);
    return true;
  }

  /** Counts a directory that gets a watch; false = watch it. */
  private countDir(): boolean {
    this.dirs++;
    const limit = this.options.fakeWatchLimit;
    if (limit !== undefined && this.dirs > limit && !this.limitHit) {
      const error = Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached (simulated at ${limit})`), { code: 'ENOSPC' });
      queueMicrotask(() => this.onWatchError(error));
    }
    return false;
  }

  private async classifyPending(): Promise<void> {
    this.classifyTimer = null;
    const dirs = [...this.pendingDirs];
    this.pendingDirs.clear();
    try {
      const watch = await this.ignored.classify(dirs.filter((d) => lstatSafe(path.join(this.repo.root, d))?.isDirectory()));
      for (const dir of watch) {
        this.countDir();
        this.worktree?.add(path.join(this.repo.root, dir));
        // Files created before the watch existed: the snapshot reads the whole directory.
        this.options.onChange({ kind: 'path', rel: dir, at: Date.now() });
      }
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
    const at = Date.now();
    if (rel === '') this.options.onChange({ kind: 'everything', at });
    else this.options.onChange({ kind: 'path', rel, at });
  }

  private ignoreGit(abs: string, stats?: fs.Stats): boolean {
    const roots = [this.repo.gitDir, this.repo.commonDir];
    if (roots.includes(abs)) return false;
    if (stats && !stats.isDirectory()) return true;
    const stat = stats ?? lstatSafe(abs);
    if (!stat || !stat.isDirectory()) return true;
    const fromCommon = path.relative(this.repo.commonDir, abs).split(path.sep).join('/');
    if (fromCommon.startsWith('..')) return true;
    // refs/** and logs/** only, never guard's own refs.
    const watched = /^(refs|logs)(\/|$)/.test(fromCommon) && !/^(refs\/guard|logs\/refs\/guard)(\/|$)/.test(fromCommon);
    return !watched;
  }

  private onGitRaw(evPath: string | null, watchedPath: string | undefined): void {
    if (!watchedPath || !evPath) return;
    if (evPath.endsWith('.lock')) return;
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
