/**
 * Which directories the watcher must not watch: those git ignores (node_modules, build output),
 * as git itself decides, nested .gitignore files, info/exclude and core.excludesFile included.
 * Nothing here parses gitignore syntax.
 *
 *  - at start: the watcher's own walk asks git about each directory as it finds it (walk():
 *    one long-lived `git check-ignore`, level by level), and does not descend into ignored ones;
 *  - later, a directory that appears (say `npm install` creates node_modules) is not descended
 *    into until git has classified it; the watcher treats it as changed once it is known to be
 *    watched, so nothing created meanwhile is missed.
 * A directory that holds tracked files is always watched, even if a pattern matches it.
 * Directories are named by their bytes (GitPath), as git and the file system hand them over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { guardPath, type Repo } from '../git/repo.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';
import { headDirectories, openIgnoreOracle } from '../git/check-ignore.js';
import { runGit } from '../git/run.js';
import { coveringPathspecs, gitPathsOf, nulInput, type GitPath } from '../git/path.js';

export class IgnoredDirs {
  private readonly ignored = new Set<GitPath>();
  private readonly watched = new Set<GitPath>();

  constructor(private readonly repo: Repo) {}

  /**
   * Walks the worktree from its root, breadth first, asking git about each directory as it is
   * found (one `check-ignore` conversation, src/git/check-ignore.ts), so an ignored directory is
   * never listed. `visit(rel)` lists a directory that is to be watched (and watches it) and
   * returns its subdirectories, or null when it is not to be walked (a nested repository).
   * The directories of HEAD's tree hold committed files, so they are watched without a question
   * (most directories of a repository: git is asked about the few others). Directories the
   * rules exclude but that hold tracked files (staged since HEAD) are walked too, found by one
   * `ls-files` once the rest is done.
   */
  async walk(visit: (rel: GitPath) => GitPath[] | null): Promise<void> {
    const committed = headDirectories(this.repo.root);
    const oracle = openIgnoreOracle(this.repo.root);
    try {
      const inHead = await committed;
      const queue: GitPath[] = ['' as GitPath];
      let at = 0;
      const excluded: GitPath[] = [];
      // Questions git has not answered yet; `wake` is called at each answer.
      let asking = 0;
      let failure: unknown = null;
      let wake: (() => void) | null = null;
      // Subdirectories found and not yet asked about: sent in batches, each one write to git
      // and one read of its answers.
      let batch: GitPath[] = [];
      const send = (): void => {
        if (batch.length === 0) return;
        const children = batch;
        batch = [];
        asking++;
        oracle.ask(children).then(
          (answers) => {
            children.forEach((child, i) => (answers[i] ? excluded.push(child) : queue.push(child)));
            asking--;
            wake?.();
          },
          (error: unknown) => {
            failure ??= error;
            wake?.();
          },
        );
      };
      for (;;) {
        let listed = 0;
        while (at < queue.length) {
          const dir = queue[at++]!;
          // Test-only (compiled out of the product, util/test-faults.ts): hold the walk here.
          if (TEST_FAULTS) await this.pauseForTest(dir);
          if (TEST_FAULTS && this.afterReset) await this.pauseRescanForTest(dir);
          // A directory of HEAD's tree is watched without asking (it holds committed files);
          // nothing else found by this walk is known yet: each is asked about once.
          for (const child of visit(dir) ?? []) {
            if (inHead.has(child)) queue.push(child);
            else batch.push(child);
          }
          if (batch.length >= 128) send();
          // Let git's answers in now and then: the next level is walked while git reads this one.
          if (++listed % 256 === 0) {
            send();
            await new Promise((resolve) => setImmediate(resolve));
          }
          if (failure) throw failure;
        }
        send();
        if (failure) throw failure;
        if (asking > 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        if (excluded.length === 0) break;
        const asked = excluded.splice(0);
        const holding = await this.holdingTracked(asked);
        for (const dir of asked) {
          if (holding.has(dir)) queue.push(dir);
          else this.ignored.add(dir);
        }
        if (at === queue.length) break;
      }
    } finally {
      // Every answer is in: its exit (once it reads the end of its input) is not waited for.
      void oracle.close().catch(() => undefined);
    }
  }

  private pausedForTest = false;

  /**
   * Test bundle only: before the walk lists GUARD_TEST_WALK_PAUSE_AT (the first time), it writes
   * `<gitDir>/guard/test-walk-paused` and waits until the test removes it (at most a minute), so
   * a test can change the tree between a listing that saw a directory and that directory's visit.
   */
  private async pauseForTest(dir: GitPath): Promise<void> {
    if (this.pausedForTest || testFault('GUARD_TEST_WALK_PAUSE_AT') !== dir) return;
    this.pausedForTest = true;
    const marker = guardPath(this.repo, 'test-walk-paused');
    fs.writeFileSync(marker, '');
    const deadline = Date.now() + 60_000;
    while (fs.existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /**
   * Test bundle only: when a rescan's walk is about to list GUARD_TEST_RESCAN_PAUSE_AT and the test
   * has armed the pause (it wrote `<gitDir>/guard/test-rescan-pause`), the walk renames that file to
   * `test-rescan-paused` (so the test knows the rescan is under way, its classifications
   * forgotten) and waits until the test removes it (at most a minute): a test can then change the
   * tree while the rescan runs, at a point it chose. Armed once, it pauses once.
   */
  private async pauseRescanForTest(dir: GitPath): Promise<void> {
    if (testFault('GUARD_TEST_RESCAN_PAUSE_AT') !== dir) return;
    const armed = guardPath(this.repo, 'test-rescan-pause');
    const marker = guardPath(this.repo, 'test-rescan-paused');
    try {
      fs.renameSync(armed, marker);
    } catch {
      return;
    }
    const deadline = Date.now() + 60_000;
    while (fs.existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Whether reset() has run: every walk from then on is a rescan (for the test pause above). */
  private afterReset = false;

  /** Ignore rules changed: forget every classification (walk() asks git again). */
  reset(): void {
    this.afterReset = true;
    this.ignored.clear();
    this.watched.clear();
  }

  /** The excludes file git reads: core.excludesFile, else `$XDG_CONFIG_HOME/git/ignore` (git's default). */
  async excludesFile(): Promise<string> {
    // exit 1: not set
    const result = await runGit(['config', '--path', '--get', 'core.excludesFile'], { cwd: this.repo.root, okCodes: [1] });
    const value = result.stdout.toString('utf8').replace(/\n$/, '');
    if (result.code === 0 && value !== '') return path.resolve(this.repo.root, value);
    const xdg = process.env.XDG_CONFIG_HOME;
    return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(process.env.HOME ?? os.homedir(), '.config'), 'git', 'ignore');
  }

  get size(): number {
    return this.ignored.size;
  }

  /** true/false when known (this directory or one above it is ignored); undefined when not yet classified. */
  status(rel: GitPath): boolean | undefined {
    if (rel === '') return false;
    for (let at = rel.length; at > 0; at = rel.lastIndexOf('/', at - 1)) {
      if (this.ignored.has(rel.slice(0, at) as GitPath)) return true;
      if (at === rel.length && this.watched.has(rel)) return false;
    }
    return undefined;
  }

  /** Ignored by an ancestor or itself (unknown counts as not ignored: used for the startup walk). */
  isIgnored(rel: GitPath): boolean {
    return this.status(rel) === true;
  }

  /**
   * The ignored directory `rel` lies in (itself or the topmost one above it), or null: a file
   * git tracks there has no watch over it (followTracked in fs-events.ts gives it one).
   */
  ignoredAbove(rel: GitPath): GitPath | null {
    if (this.ignored.size === 0 || rel === '') return null;
    for (let at = rel.indexOf('/'); ; at = rel.indexOf('/', at + 1)) {
      const dir = (at < 0 ? rel : rel.slice(0, at)) as GitPath;
      if (this.ignored.has(dir)) return dir;
      if (at < 0) return null;
    }
  }

  /** A directory the rules exclude that now holds tracked files: watched from here on. */
  unignore(rel: GitPath): void {
    this.ignored.delete(rel);
  }

  /** A directory inside an excluded one (so excluded too, as git reads its rules) that holds no tracked file. */
  markIgnored(rel: GitPath): void {
    this.watched.delete(rel);
    this.ignored.add(rel);
  }

  /** The tracked files in the ignored directories (one `ls-files` of them): for a watcher that could not follow the index. */
  async trackedInIgnored(): Promise<GitPath[]> {
    const dirs = [...this.ignored];
    if (dirs.length === 0) return [];
    // Many directories: the whole index is read either way, and the command line stays short.
    const specs = dirs.length <= 256 ? coveringPathspecs(dirs) : null;
    const tracked = await runGit(['ls-files', '-z', ...(specs ? ['--', ...specs] : [])], { cwd: this.repo.root });
    return gitPathsOf(tracked.stdout).filter((file) => this.ignoredAbove(file.slice(0, Math.max(0, file.lastIndexOf('/'))) as GitPath) !== null);
  }

  markWatched(rel: GitPath): void {
    this.watched.add(rel);
  }

  forget(rel: GitPath): void {
    this.watched.delete(rel);
    this.ignored.delete(rel);
  }

  /** Asks git about new directories; returns the ones to watch. */
  async classify(dirs: GitPath[]): Promise<GitPath[]> {
    const fresh = [...new Set(dirs)].filter((d) => this.status(d) === undefined);
    if (fresh.length === 0) return [];
    const ignored = new Set(await this.ignoredAmong(fresh));
    const watch: GitPath[] = [];
    for (const dir of fresh) {
      if (ignored.has(dir)) this.ignored.add(dir);
      else {
        this.watched.add(dir);
        watch.push(dir);
      }
    }
    return watch;
  }

  private async ignoredAmong(dirs: GitPath[]): Promise<GitPath[]> {
    if (dirs.length === 0) return [];
    // exit 1: none of them is ignored. Names go on stdin, as bytes.
    const result = await runGit(['check-ignore', '-z', '--stdin'], { cwd: this.repo.root, input: nulInput(dirs), okCodes: [1] });
    const ignored = gitPathsOf(result.stdout);
    if (ignored.length === 0) return [];
    const holdTracked = await this.holdingTracked(ignored);
    return ignored.filter((d) => !holdTracked.has(d));
  }

  /**
   * Those of `dirs` that hold tracked files: they stay watched, whatever the patterns say. A name
   * that cannot go on the command line (not UTF-8) is covered by a directory above it, or by the
   * whole index; the listing is matched against the exact names.
   */
  private async holdingTracked(dirs: GitPath[]): Promise<Set<GitPath>> {
    const holding = new Set<GitPath>();
    if (dirs.length === 0) return holding;
    const specs = coveringPathspecs(dirs);
    const tracked = await runGit(['ls-files', '-z', ...(specs ? ['--', ...specs] : [])], { cwd: this.repo.root });
    const asked = new Set(dirs);
    for (const file of gitPathsOf(tracked.stdout)) {
      for (let at = file.indexOf('/'); at > 0; at = file.indexOf('/', at + 1)) {
        const dir = file.slice(0, at) as GitPath;
        if (asked.has(dir)) holding.add(dir);
      }
    }
    return holding;
  }
}
