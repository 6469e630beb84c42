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
import type { Repo } from '../git/repo.js';
import { packageRoot } from '../util/package-root.js';
import { isAlive, readPid, watcherFiles } from './state-file.js';
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

/** The environment for the daemon: the caller's, minus what ties git to the caller's context. */
function daemonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // A hook may run with a temporary index or an explicit git dir; the daemon finds its repository from its cwd.
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH', 'GIT_REFLOG_ACTION']) {
    delete env[key];
  }
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
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...args], { cwd: repo.root, env: daemonEnv(), detached: true, stdio: ['ignore', log, log] });
    child.unref();
    if (child.pid === undefined) throw new GuardError('internal', 'could not start the watcher process');
    // Claim the pid file for the child now, so `guard watch stop` finds it even while it loads;
    // the child recognises its own pid there. Losing this race means another watcher won: ours
    // sees that one in the pid file and exits.
    const holder = claimPidFile(files.pid, child.pid);
    return holder === child.pid ? { pid: child.pid, already: false } : { pid: holder, already: true };
  } finally {
    fs.closeSync(log);
  }
}

function claimPidFile(file: string, pid: number): number {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      return pid;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(file, 'utf8').trim());
    if (holder > 0 && holder !== pid && isAlive(holder)) return holder;
    fs.rmSync(file, { force: true });
  }
  return pid;
}

/** Starts the daemon and waits until it watches (or fails); throws when it could not start. */
export async function startWatcher(repo: Repo, options: { startedFor?: string | null; timeoutMs?: number } = {}): Promise<StartResult & { status: WatcherStatus }> {
  const started = spawnWatcher(repo, options);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const status = watcherStatus(repo);
    const ours = status.file?.pid === started.pid || started.already;
    if (ours && (status.health === 'running' || status.health === 'polling')) return { ...started, status };
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
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asks the daemon to stop (it records what is pending first) and waits for it to exit. */
export async function stopWatcher(repo: Repo, options: { timeoutMs?: number } = {}): Promise<{ pid: number | null; stopped: boolean }> {
  const pid = readPid(repo);
  if (pid === null || !isAlive(pid)) return { pid, stopped: false };
  process.kill(pid, 'SIGTERM');
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

/**
 * Called when a session starts (src/session/store.ts): makes sure this worktree's watcher runs.
 * Never throws and never waits: a session must start even where no watcher can.
 */
export function startWatcherForSession(repo: Repo, session: { id: string }): { pid: number | null; error?: string } {
  try {
    return { pid: spawnWatcher(repo, { startedFor: session.id }).pid };
  } catch (error) {
    return { pid: null, error: (error as Error).message };
  }
}
