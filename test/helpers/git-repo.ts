/**
 * Builds real, hermetic git repositories for tests (see env.ts) and runs git and the built guard
 * CLI against them. Refuses to operate outside its own temp dir so a test can never touch the
 * developer's repository.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hermeticEnv } from './env.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GUARD_BIN = path.join(PROJECT_ROOT, 'bin', 'guard.js');

/**
 * One V8 code cache (bin/code-cache.js) for every test of a run, linked into each test's HOME as
 * ~/.cache/git-guard/v8. With a cache per HOME, every test's first runs of each bundle (the agent
 * hook, check-command, snapshot, watch, and since 1f68481 the whole CLI for list, rollback, init,
 * status and the background backup push) compiled it from source and the first 8 runs wrote a
 * cache. A typical test's guard work (init, 3 commits through the hooks, snapshot, rollback,
 * --undo, list, status, an agent hook, 2 check-commands) took 8.62 s of CPU that way against 8.21 s
 * from a grown cache (8 alternating rounds, 2026-12-04, load 8-12; docs/BENCHMARKS.md).
 * Users run from a grown cache, so the tests now do too. The cache never decides anything (a bad
 * one is refused: code-cache.test.ts, which keeps a directory of its own with `ownCodeCache` and
 * checks that it starts empty). Per checkout, emptied by global-setup.ts at the start of each run.
 * dist/ and dist-test/ (GUARD_TEST_BUNDLE=1) name their bundles alike, so a test of the one may
 * replace the other's file: a cost, never a wrong answer.
 */
export const SHARED_CODE_CACHE = path.join(os.tmpdir(), `guard-code-cache-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`);

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface TestRepo {
  /** Temp directory holding home/ and repo/ (and anything else a test makes). */
  base: string;
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** Runs git in the repo (or `cwd`), throws on a non-zero exit unless `allowFail`. */
  git(args: string[], options?: { cwd?: string; input?: string; allowFail?: boolean; env?: Record<string, string> }): string;
  gitResult(args: string[], options?: { cwd?: string; input?: string; env?: Record<string, string> }): RunResult;
  /** Runs the built guard CLI (bin/guard.js) in the repo. */
  guard(args: string[], options?: { cwd?: string; input?: string; env?: Record<string, string> }): RunResult;
  write(file: string, content: string | Buffer, mode?: number): void;
  symlink(file: string, target: string): void;
  read(file: string): string;
  exists(file: string): boolean;
  remove(file: string): void;
  cleanup(): void;
}

/** Kills every guard watcher daemon and backup pusher whose pid file lies in a repository under `base`. */
export function stopWatchers(base: string): void {
  const pidFiles: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const full = path.join(dir, entry.name);
      if (entry.name === '.git' || entry.name.endsWith('.git')) {
        pidFiles.push(path.join(full, 'guard', 'watcher.pid'));
        // The detached backup pusher that snapshots start (src/backup/auto-push.ts).
        pidFiles.push(path.join(full, 'guard', 'backup-push.pid'));
        try {
          for (const wt of fs.readdirSync(path.join(full, 'worktrees'))) pidFiles.push(path.join(full, 'worktrees', wt, 'guard', 'watcher.pid'));
        } catch {
          // no linked worktrees
        }
      } else if (depth > 0 && entry.name !== 'node_modules') visit(full, depth - 1);
    }
  };
  visit(base, 3);
  // A command that removed .git (rm -rf .git, a recover's move) took those pid files with it while
  // the daemon or pusher may still be writing into the backup store under this test's HOME: every
  // process started with this test's environment is found through /proc as well.
  const groups: number[] = [...processesWithHomeUnder(base)];
  // The daemon leads its own process group (it is spawned detached), and a backup push it started
  // runs git children that keep writing into the backup store after the daemon dies: kill the
  // whole group, then wait until it is gone so the directory can be removed.
  for (const file of pidFiles) {
    try {
      const pid = Number(fs.readFileSync(file, 'utf8').trim().split(' ')[0]);
      if (pid > 0) groups.push(pid);
    } catch {
      // no pid file
    }
  }
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
  const deadline = Date.now() + 5_000;
  while (groups.some(groupAlive) && Date.now() < deadline) sleepSync(20);
}

/** Pids of live processes (not this one) whose HOME lies under `base`: a test's own processes. */
export function processesWithHomeUnder(base: string): number[] {
  const prefix = Buffer.from(`HOME=${base}${path.sep}`);
  const found: number[] = [];
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found; // no /proc: the pid files are all there is
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`);
      for (const entry of splitNul(environ)) {
        if (entry.subarray(0, prefix.length).equals(prefix)) {
          found.push(Number(pid));
          break;
        }
      }
    } catch {
      // ended meanwhile, or another user's process
    }
  }
  return found;
}

function* splitNul(buf: Buffer): Generator<Buffer> {
  let start = 0;
  for (let i = buf.indexOf(0); i !== -1; i = buf.indexOf(0, start)) {
    yield buf.subarray(start, i);
    start = i + 1;
  }
  if (start < buf.length) yield buf.subarray(start);
}

/** A group is alive while a member is not a zombie (an unreaped zombie writes nothing). */
function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return signalGroup(pgid, 0);
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

/** Signals a process group (falling back to the process); false when nothing is left to signal. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return true;
    } catch {
      // no such group or process
    }
  }
  return false;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * `cp -a` of a test repository to `dest`, once the detached backup pusher that guard's last
 * snapshot started has finished: it removes files of its own under .git/guard (backup-push.again,
 * its pid file) while it runs, and cp fails on a file that vanishes between listing and copying
 * ("cannot stat ... backup-push.again", seen in a clean-clone run). Waits up to 60 s.
 */
export function copyRepoSettled(dir: string, dest: string): void {
  const pidFile = path.join(dir, '.git', 'guard', 'backup-push.pid');
  const deadline = Date.now() + 60_000;
  while (fs.existsSync(pidFile) && Date.now() < deadline) sleepSync(50);
  const r = spawnSync('cp', ['-a', dir, dest], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -a ${dir} ${dest} failed: ${r.stderr}`);
}

function result(r: SpawnSyncReturns<string>): RunResult {
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 };
}

export interface TestRepoOptions {
  init?: boolean;
  branch?: string;
  /** A code cache in this HOME alone (the default links the run's shared one, SHARED_CODE_CACHE). */
  ownCodeCache?: boolean;
}

export function createTestRepo(options: TestRepoOptions = {}): TestRepo {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'guard-test-')));
  const home = path.join(base, 'home');
  const dir = path.join(base, 'repo');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  const env = hermeticEnv(home);
  if (!options.ownCodeCache) {
    // Only guard's own cache directory is shared: the rest of XDG_CACHE_HOME stays this test's.
    fs.mkdirSync(SHARED_CODE_CACHE, { recursive: true });
    fs.mkdirSync(path.join(home, '.cache', 'git-guard'), { recursive: true });
    fs.symlinkSync(SHARED_CODE_CACHE, path.join(home, '.cache', 'git-guard', 'v8'));
  }

  const inside = (p: string): string => {
    const full = path.resolve(dir, p);
    if (!full.startsWith(base + path.sep) && full !== base) throw new Error(`test helper refuses path outside its temp dir: ${full}`);
    return full;
  };

  const gitResult: TestRepo['gitResult'] = (args, opts = {}) =>
    result(
      spawnSync('git', args, {
        cwd: opts.cwd ?? dir,
        env: { ...env, ...opts.env },
        input: opts.input,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      }),
    );

  const repo: TestRepo = {
    base,
    dir,
    home,
    env,
    git(args, opts = {}) {
      const r = gitResult(args, opts);
      if (r.code !== 0 && !opts.allowFail) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    gitResult,
    guard(args, opts = {}) {
      return result(
        spawnSync(process.execPath, [GUARD_BIN, ...args], {
          cwd: opts.cwd ?? dir,
          env: { ...env, ...opts.env },
          input: opts.input ?? '',
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        }),
      );
    },
    write(file, content, mode) {
      const full = inside(file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, content);
      if (mode !== undefined) fs.chmodSync(full, mode);
    },
    symlink(file, target) {
      const full = inside(file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.rmSync(full, { force: true });
      fs.symlinkSync(target, full);
    },
    read(file) {
      return fs.readFileSync(inside(file), 'utf8');
    },
    exists(file) {
      return fs.existsSync(inside(file));
    },
    remove(file) {
      fs.rmSync(inside(file), { recursive: true, force: true });
    },
    cleanup() {
      // A session start leaves a watcher daemon running in the repo (issue 5): end it first, and
      // retry while a process that was still writing lets go of the directory.
      stopWatchers(base);
      fs.rmSync(base, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    },
  };

  if (options.init !== false) {
    repo.git(['init', '-q', '-b', options.branch ?? 'main']);
    quietRepoConfig(dir);
  }
  return repo;
}

/**
 * Turns off background gc and maintenance (they race with test cleanup and change object layouts)
 * and commit signing in the repository at `dir`, whose .git/config `git init` or `git clone` just
 * wrote. Appended as the bytes `git config gc.auto 0`, `git config maintenance.auto false` and
 * `git config commit.gpgsign false` append (new sections at the end; checked with cmp on git
 * 2.39), without those three git processes: every test repository paid them.
 */
export function quietRepoConfig(dir: string): void {
  fs.appendFileSync(path.join(dir, '.git', 'config'), '[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n[commit]\n\tgpgsign = false\n');
}

/** Runs `fn` with a fresh repo and always cleans up. */
export async function withTestRepo<T>(fn: (repo: TestRepo) => Promise<T> | T, options?: TestRepoOptions): Promise<T> {
  const repo = createTestRepo(options);
  try {
    return await fn(repo);
  } finally {
    repo.cleanup();
  }
}
