/**
 * Which directories the watcher must not watch: those git ignores (node_modules, build output),
 * as git itself decides, nested .gitignore files, info/exclude and core.excludesFile included.
 * Nothing here parses gitignore syntax.
 *
 *  - at start: `git ls-files --others --ignored --exclude-standard --directory` lists candidate
 *    directories in one walk; `git check-ignore` keeps those that are ignored themselves (a
 *    directory whose files are all ignored is listed too, but new files in it may not be);
 *  - later, a directory that appears (say `npm install` creates node_modules) is not descended
 *    into until git has classified it; the watcher treats it as changed once it is known to be
 *    watched, so nothing created meanwhile is missed.
 * A directory that holds tracked files is always watched, even if a pattern matches it.
 * Directories are named by their bytes (GitPath), as git and the file system hand them over.
 */
import os from 'node:os';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { coveringPathspecs, gitPathsOf, nulInput, type GitPath } from '../git/path.js';

export class IgnoredDirs {
  private readonly ignored = new Set<GitPath>();
  private readonly watched = new Set<GitPath>();

  constructor(private readonly repo: Repo) {}

  /** Classifies every directory that exists now (one walk by git). */
  async load(): Promise<void> {
    const listed = await runGit(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: this.repo.root });
    const candidates = gitPathsOf(listed.stdout)
      .filter((p) => p.endsWith('/'))
      .map((p) => p.slice(0, -1) as GitPath);
    for (const dir of await this.ignoredAmong(candidates)) this.ignored.add(dir);
  }

  /** Ignore rules changed: forget every classification and ask git again. */
  async reload(): Promise<void> {
    const fresh = new IgnoredDirs(this.repo);
    await fresh.load();
    this.ignored.clear();
    this.watched.clear();
    for (const dir of fresh.ignored) this.ignored.add(dir);
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
    // A directory with tracked files in it stays watched, whatever the patterns say. A name that
    // cannot go on the command line (not UTF-8) is covered by a directory above it, or by the
    // whole index; the listing is matched against the exact names below.
    const specs = coveringPathspecs(ignored);
    const tracked = await runGit(['ls-files', '-z', ...(specs ? ['--', ...specs] : [])], { cwd: this.repo.root });
    const ignoredSet = new Set(ignored);
    const holdTracked = new Set<GitPath>();
    for (const file of gitPathsOf(tracked.stdout)) {
      for (let at = file.indexOf('/'); at > 0; at = file.indexOf('/', at + 1)) {
        const dir = file.slice(0, at) as GitPath;
        if (ignoredSet.has(dir)) holdTracked.add(dir);
      }
    }
    return ignored.filter((d) => !holdTracked.has(d));
  }
}
