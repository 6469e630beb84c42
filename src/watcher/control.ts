/**
 * Starting and stopping the watcher daemon of a worktree. The daemon is `guard watch --daemon`
 * run by the same Node and the same guard as the caller, detached (its own process group, no
 * terminal, stdio to `<gitDir>/guard/watcher.log`), so it outlives the agent's shell and the
 * session hook that started it. One per worktree: the daemon itself takes the pid file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { repoFromRevParse, type Repo } from '../git/repo.js';
import { ownNodeEnv } from '../util/own-node-env.js';
import { packageRoot } from '../util/package-root.js';
import { holderGone, pidRecordText, readPidRecord } from '../util/pid-file.js';
import { foreignWatcher, isAlive, readPid, readStateFile, watcherFiles, type ForeignWatcher } from './state-file.js';
import { watcherStatus, type WatcherStatus } from './status.js';

const LOG_LIMIT = 1024 * 1024;

/**
 * Node flags for the daemon: a small young generation and a cap on the old one keep its resident
 * memory flat (measured on 20k and 100k-file repositories: about 90 MB either way, against
 * 150-160 MB with the defaults, which let the heap grow after the start-up walk and keep it). The
 * live heap is a few MB; the cap only bounds how lazily V8 collects.
 */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=512'];

/** bin/guard.js of this guard installation. */
export function cliEntry(): string {
  return path.join(packageRoot(), 'bin', 'guard.js');
}

/**
 * How the process that starts the daemon hands it the repository it already knows (the four
 * paths of openRepo's `git rev-parse`, one a line): the daemon then starts no `git rev-parse` of
 * its own (one process start, 10-40 ms of its start-up). The daemon takes it only for its own
 * cwd, which is the repository's root (spawnWatcher sets it).
 */
const DAEMON_REPO_ENV = 'GUARD_WATCHER_REPO';

/** The repository the starter handed over (see DAEMON_REPO_ENV), removed from the environment so no child inherits it; null: ask git. */
export function takeHandedRepo(cwd: string): Repo | null {
  const value = process.env[DAEMON_REPO_ENV];
  if (value === undefined) return null;
  delete process.env[DAEMON_REPO_ENV];
  const repo = repoFromRevParse(value);
  return repo && repo.root === path.resolve(cwd) ? repo : null;
}

/** The environment for the daemon: the caller's, minus what ties git to the caller's context, NODE_EXTRA_CA_CERTS handed over (ownNodeEnv). */
function daemonEnv(repo: Repo): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = ownNodeEnv({ ...process.env });
  // A hook may run with a temporary index or an explicit git dir; the daemon finds its repository from its cwd.
  let bound = false;
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH', 'GIT_REFLOG_ACTION']) {
    if (env[key] !== undefined) bound = true;
    delete env[key];
  }
  // The caller's repository is the daemon's only when nothing above shaped it (a temporary index
  // would be the caller's alone), and when each path fits on its line: else the daemon asks git.
  const paths = [repo.root, repo.gitDir, repo.commonDir, repo.indexFile];
  if (!bound && paths.every((p) => !p.includes('\n'))) env[DAEMON_REPO_ENV] = `${paths.join('\n')}\n`;
  else delete env[DAEMON_REPO_ENV];
  return env;
}

export interface StartResult {
  pid: number;
  /** A watcher was already running. */
  already: boolean;
}

/** Starts the daemon unless one runs; does not wait for it to be ready. */
export function spawnWatcher(repo: Repo, options: { startedFor?: string | null } = {}): StartResult {
  const running = readPid(repo);
  if (running !== null && isAlive(running)) return { pid: running, already: true };
  // A watcher of another pid namespace holds the worktree while it refreshes its pid file: no second one.
  const foreign = foreignWatcher(repo);
  if (foreign && !foreign.stale) return { pid: foreign.pid, already: true };
  const files = watcherFiles(repo);
  fs.mkdirSync(path.dirname(files.log), { recursive: true });
  try {
    if (fs.statSync(files.log).size > LOG_LIMIT) fs.renameSync(files.log, `${files.log}.1`);
  } catch {
    // no log yet
  }
  const log = fs.openSync(files.log, 'a');
  try {
    fs.writeSync(log, `${new Date().toISOString()} starting watcher for ${repo.root}\n`);
    const args = [cliEntry(), 'watch', '--daemon', ...(options.startedFor ? ['--session', options.startedFor] : [])];
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...args], { cwd: repo.root, env: daemonEnv(repo), detached: true, stdio: ['ignore', log, log] });
    child.unref();
    if (child.pid === undefined) throw new GuardError('internal', 'could not start the watcher process');
    // Claim the pid file for the child now, so `guard watch stop` finds it even while it loads;
    // the child recognises its own pid there. Losing this race means another watcher won: ours
    // sees that one in the pid file and exits.
    const holder = claimPidFile(repo, files.pid, child.pid);
    return holder === child.pid ? { pid: child.pid, already: false } : { pid: holder, already: true };
  } finally {
    fs.closeSync(log);
  }
}

function claimPidFile(repo: Repo, file: string, pid: number): number {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // With where the pid means something (util/pid-file.ts), as the daemon itself writes it: a
      // guard in another pid namespace must not take a bare pid of ours for a dead process.
      fs.writeFileSync(file, pidRecordText(pid), { flag: 'wx' });
      return pid;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A watcher of another pid namespace (a sandbox sharing the repository) holds it while fresh.
    const record = readPidRecord(file);
    if (record !== null && !record.here && !holderGone(record)) return record.pid;
    // readPid: a watcher of another worktree (a pid file copied with the repository) does not count.
    const holder = readPid(repo) ?? 0;
    if (holder > 0 && holder !== pid && isAlive(holder)) return holder;
    fs.rmSync(file, { force: true });
  }
  return pid;
}

/**
 * Whether a watcher is ready: its watches are in place, so every change from now on is recorded
 * (its start-up snapshot, of what changed before, may still run), or it polls (no watches to
 * wait for). What `guard watch` and a session start wait for.
 */
export function watcherReady(status: WatcherStatus): boolean {
  if (status.health === 'running' || status.health === 'polling') return true;
  return status.health === 'starting' && status.alive && status.file?.watching === true;
}

/** Starts the daemon and waits until it is ready (watcherReady) or fails; throws when it could not start. */
export async function startWatcher(repo: Repo, options: { startedFor?: string | null; timeoutMs?: number } = {}): Promise<StartResult & { status: WatcherStatus }> {
  const started = spawnWatcher(repo, options);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const status = watcherStatus(repo);
    const ours = status.file?.pid === started.pid || started.already;
    if (ours && (watcherReady(status) || status.health === 'elsewhere')) return { ...started, status };
    if (ours && status.health === 'crashed') {
      throw new GuardError('internal', `the watcher could not start: ${status.file?.reason ?? 'it exited'}`, { hints: [`See its log: ${status.log}`, ...status.logTail.map((l) => `  ${l}`)] });
    }
    if (!isAlive(started.pid)) {
      // It may have lost the race against another watcher that started at the same time.
      const other = readPid(repo);
      if (other !== null && other !== started.pid && isAlive(other)) return { pid: other, already: true, status: watcherStatus(repo) };
      throw new GuardError('internal', 'the watcher exited while starting', { hints: [`See its log: ${status.log}`, ...status.logTail.map((l) => `  ${l}`)] });
    }
    if (Date.now() > deadline) return { ...started, status };
    // A look at the state file costs well under a millisecond; a coarse poll was up to 100 ms of
    // `guard watch`'s own time after the watcher was ready (issue 8).
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The signal a session end sends the watcher, so that it records why it stopped. */
export const SESSION_ENDED_SIGNAL: NodeJS.Signals = 'SIGUSR2';

/** Asks the daemon to stop (it records what is pending first) and waits for it to exit. */
export async function stopWatcher(repo: Repo, options: { timeoutMs?: number; signal?: NodeJS.Signals } = {}): Promise<{ pid: number | null; stopped: boolean; elsewhere?: ForeignWatcher }> {
  const pid = readPid(repo);
  if (pid === null) {
    // Its pid names no process here (or another one): it can only be stopped where it runs.
    const foreign = foreignWatcher(repo);
    if (foreign && !foreign.stale) return { pid: null, stopped: false, elsewhere: foreign };
  }
  if (pid === null || !isAlive(pid)) return { pid, stopped: false };
  process.kill(pid, options.signal ?? 'SIGTERM');
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new GuardError('internal', `the watcher (pid ${pid}) did not stop within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`, {
        hints: [`It may be finishing a large snapshot; check again with \`guard watch status\`, or end it with: kill ${pid}`],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid, stopped: true };
}

/** How long a session start waits for its watcher's first scan before going on without it. */
export const SESSION_WATCHER_WAIT_MS = 20_000;

export interface SessionWatcher {
  pid: number | null;
  /** The watcher watches (its watches are in place): every change from here on is recorded. */
  ready: boolean;
  /** Why it is not ready: it could not start, or it is still scanning (with its pid). */
  error?: string;
}

/** A watcher still loading has no state file yet: its command line says whether a session started it. */
function startedForSession(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--session');
  } catch {
    return true;
  }
}

/**
 * Called when the last open session ended (src/session/store.ts): stops a watcher that was
 * started for a session (`guard watch` started by hand keeps running) and waits until it exited.
 */
export async function stopSessionWatcher(repo: Repo): Promise<boolean> {
  const pid = readPid(repo);
  if (pid === null || !isAlive(pid)) return false;
  const state = readStateFile(repo);
  if (state?.pid === pid ? !state.startedFor : !startedForSession(pid)) return false;
  return (await stopWatcher(repo, { timeoutMs: 15_000, signal: SESSION_ENDED_SIGNAL })).stopped;
}

/**
 * Called when a session starts (src/session/store.ts), before its snapshot: makes sure this
 * worktree's watcher runs, so its start-up (Node, the watches, the first scan) overlaps the
 * session's snapshot. Never throws: a session must start even where no watcher can.
 */
export function spawnWatcherForSession(repo: Repo, session: { id: string }, startedByShim?: number): SpawnedWatcher {
  // hooks/agent-hook.sh started it already, beside this hook's Node, and claimed the pid file for
  // it: this session waits for that one (while it loads, no state file of its own says so yet).
  if (startedByShim !== undefined && readPid(repo) === startedByShim && isAlive(startedByShim)) return { pid: startedByShim, already: false };
  try {
    return spawnWatcher(repo, { startedFor: session.id });
  } catch (error) {
    return { pid: null, already: false, error: (error as Error).message };
  }
}

export type SpawnedWatcher = StartResult | { pid: null; already: false; error: string };

/**
 * Waits (at most `timeoutMs`) until the watcher spawnWatcherForSession started is ready, so the
 * agent does not start while the watcher is still doing its first scan. Never throws.
 */
export async function awaitSessionWatcher(repo: Repo, spawned: SpawnedWatcher, timeoutMs = SESSION_WATCHER_WAIT_MS): Promise<SessionWatcher> {
  if (spawned.pid === null) return { pid: null, ready: false, error: `the watcher could not start: ${'error' in spawned ? spawned.error : 'unknown error'}` };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = watcherStatus(repo);
    // The state file may still be an earlier watcher's: only ours (or one that already ran) counts.
    const ours = spawned.already || status.file?.pid === spawned.pid;
    if (ours && watcherReady(status)) return { pid: status.file?.pid ?? spawned.pid, ready: true };
    if (ours && status.health === 'crashed') return { pid: spawned.pid, ready: false, error: `the watcher could not start: ${status.file?.reason ?? 'it exited'} (log: ${status.log})` };
    if (status.health === 'elsewhere') return { pid: null, ready: false, error: status.summary };
    const pid = readPid(repo) ?? spawned.pid;
    if (!isAlive(pid)) return { pid: null, ready: false, error: `the watcher exited while starting (log: ${status.log})` };
    if (Date.now() > deadline) {
      return { pid, ready: false, error: `the watcher (pid ${pid}) is still setting up its watches after ${Math.round(timeoutMs / 1000)} s; changes are recorded once it is ready (check with: guard watch status)` };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts the watcher for a session and waits until it is ready (see awaitSessionWatcher). */
export async function startWatcherForSession(repo: Repo, session: { id: string }, timeoutMs = SESSION_WATCHER_WAIT_MS): Promise<SessionWatcher> {
  return awaitSessionWatcher(repo, spawnWatcherForSession(repo, session), timeoutMs);
}
