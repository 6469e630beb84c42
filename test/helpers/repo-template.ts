/**
 * A test repository built once per test file and copied for each test (issue 8: the suite's
 * time). A fixture of dozens of git and guard processes (commits, `guard init`: 44 git processes
 * and ~2.5 s of CPU on the 2026-12 CI machine) cost every test that rebuilt it the same seconds;
 * a copy costs one `cp -a`.
 *
 * The copy is the build as it would be at the copy's place: the whole temp dir (home/ with guard's
 * backup store, repo/, whatever else the build made there: an upstream, a teammate's clone) is
 * copied with `cp -a` (bytes, modes, mtimes, the index, refs) into a new temp dir whose name has
 * the same length, and the absolute paths written into it (.git/guard's policy, hooks manifest,
 * backup link and memo; the backup store's config; a remote's URL) are rewritten to the copy's,
 * mtimes kept (policy.sh's mtime stays just past .guard.yaml's: hooks/lib.sh). So a test sees no
 * copied repository (githooks/copied-repo.test.ts covers that case on purpose) and shares no
 * process, HOME, watcher or store with another test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createTestRepo, stopWatchers, type TestRepo, type TestRepoOptions } from './git-repo.js';

export interface RepoTemplate {
  /** A fresh copy in a temp dir of its own; the caller cleans it up. */
  copy(): TestRepo;
  /** Runs `fn` on a fresh copy and always cleans it up. */
  withCopy<T>(fn: (t: TestRepo) => Promise<T> | T): Promise<T>;
  cleanup(): void;
}

/**
 * The file's template: built with `build` in the file's beforeAll, cleaned up in its afterAll
 * (the lifecycle every file on a shared fixture wrote out by hand). Call it at the top of the file.
 */
export function fileTemplate(build: (t: TestRepo) => void, options?: TestRepoOptions): RepoTemplate {
  let built: RepoTemplate | undefined;
  beforeAll(() => {
    built = repoTemplate(build, options);
  });
  afterAll(() => built?.cleanup());
  const ready = (): RepoTemplate => {
    if (!built) throw new Error('fileTemplate: used before its beforeAll ran');
    return built;
  };
  return {
    copy: () => ready().copy(),
    withCopy: (fn) => ready().withCopy(fn),
    cleanup: () => built?.cleanup(),
  };
}

/** Builds the template with `build` once (in beforeAll; `cleanup` in afterAll). `options`: createTestRepo's for it. */
export function repoTemplate(build: (t: TestRepo) => void, options?: TestRepoOptions): RepoTemplate {
  const template = createTestRepo(options);
  try {
    build(template);
    // The detached backup pusher of the build's last snapshot finishes its push (the copies get
    // the backup whole); a watcher the build started would keep writing while a copy is taken, and
    // the pid files of what was stopped would be copied as live ones.
    settled(template.dir);
    stopWatchers(template.base);
    for (const name of ['backup-push.pid', 'watcher.pid']) fs.rmSync(path.join(template.dir, '.git', 'guard', name), { force: true });
  } catch (error) {
    template.cleanup();
    throw error;
  }
  const copy = (): TestRepo => {
    const t = createTestRepo({ init: false });
    if (t.base.length !== template.base.length) throw new Error(`temp dirs of different lengths: ${template.base} ${t.base}`);
    fs.rmSync(t.dir, { recursive: true, force: true });
    fs.rmSync(t.home, { recursive: true, force: true });
    const cp = spawnSync('cp', ['-a', `${template.base}/.`, t.base], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp -a ${template.base}: ${cp.stderr}`);
    rewritePaths(template.base, t.base);
    // cp keeps mtimes but not inodes or ctimes: one refresh makes the index's stat data the copy's,
    // as git's own commands left it in the template (else the first status rewrites the index).
    if (fs.existsSync(path.join(t.dir, '.git'))) t.gitResult(['update-index', '-q', '--refresh']);
    return t;
  };
  return {
    copy,
    async withCopy(fn) {
      const t = copy();
      try {
        return await fn(t);
      } finally {
        t.cleanup();
      }
    },
    cleanup: () => template.cleanup(),
  };
}

/** Waits (60 s at most) for the detached backup pusher of guard's last snapshot: it removes files of its own while it runs. */
function settled(dir: string): void {
  const pidFile = path.join(dir, '.git', 'guard', 'backup-push.pid');
  const deadline = Date.now() + 60_000;
  while (fs.existsSync(pidFile) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}

/** Replaces `from` by `to` (same length) in every file under `to` that holds it, keeping mtimes. */
function rewritePaths(from: string, to: string): void {
  const r = spawnSync('grep', ['-rlZF', '--', from, to], { encoding: 'buffer' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep: ${r.stderr.toString()}`);
  const needle = Buffer.from(from);
  const replacement = Buffer.from(to);
  for (const file of r.stdout.toString().split('\0').filter(Boolean)) {
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) continue;
    const bytes = fs.readFileSync(file);
    for (let i = bytes.indexOf(needle); i !== -1; i = bytes.indexOf(needle, i + needle.length)) replacement.copy(bytes, i);
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, stat.atime, stat.mtime);
  }
}
