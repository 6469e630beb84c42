/**
 * The watcher's files, per worktree, under `<gitDir>/guard/`:
 *   watcher.pid   the daemon's pid and pid space (`<pid> host=<name>;pidns=<inode>`,
 *                 util/pid-file.ts); created exclusively, so one daemon runs per worktree. A
 *                 daemon in another pid namespace (a container sharing the repository) has a
 *                 pid that means nothing here: its file is not read as a pid here, and is taken
 *                 over only once an hour unchanged (the daemon touches it at every heartbeat)
 *   watcher.json  what the daemon is doing, rewritten atomically on every state change and at
 *                 every heartbeat; `guard status` and `guard watch status` read it
 *   watcher.log   the detached daemon's stdout/stderr
 *
 * A daemon that dies without saying so (SIGKILL, OOM) leaves `state: running` with a dead pid;
 * readers report that as a crash (status.ts), so it never goes unnoticed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { guardPath, type Repo } from '../git/repo.js';
import { holderGone, pidRecordText, pidSpaceHost, readPidRecord } from '../util/pid-file.js';
import { pidSpaceId } from '../util/process-alive.js';

export type WatcherState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';
export type WatchMode = 'events' | 'polling';

export interface WatcherStateFile {
  pid: number;
  state: WatcherState;
  mode: WatchMode;
  /** Why the watcher polls instead of watching (e.g. the OS watch limit), or why it stopped/crashed. */
  reason: string | null;
  startedAt: string;
  heartbeatAt: string;
  stoppedAt: string | null;
  /** The session that started it, if any. */
  startedFor: string | null;
  /** Directories with an OS watch (events mode). */
  watchedDirs: number;
  /**
   * A walk did not finish (a rescan whose check-ignore died, an unreadable directory): some
   * directories may have no watch, so every snapshot is a full walk until a retried rescan
   * finishes. Absent in files of older versions.
   */
  watchesIncomplete?: boolean;
  /** Why, while watchesIncomplete. */
  watchesIncompleteReason?: string | null;
  /**
   * Its watches are in place (or it polls): every change from now on is seen, so a session may
   * hand over to the agent, while the start-up snapshot (what changed before) may still run.
   */
  watching?: boolean;
  /** held: times a snapshot was due while a rollback held the watcher still (taken after it instead; absent in older files). */
  snapshots: { taken: number; unchanged: number; failed: number; held?: number };
  lastSnapshot: { oid: string; time: string; paths: number | 'all' } | null;
  lastError: { time: string; message: string } | null;
  protectedRestores: number;
  /**
   * The rollbacks (their pids) the watcher holds still for (serve.ts, PauseRequest): no snapshot,
   * no protected restore until they end. Absent in files of older versions.
   */
  pausedFor?: number[];
  /** Resident memory of the daemon at the last heartbeat, bytes. */
  rss: number;
}

export function watcherFiles(repo: Repo): { pid: string; state: string; log: string } {
  return { pid: guardPath(repo, 'watcher.pid'), state: guardPath(repo, 'watcher.json'), log: guardPath(repo, 'watcher.log') };
}

export function readStateFile(repo: Repo): WatcherStateFile | null {
  try {
    const data = JSON.parse(fs.readFileSync(watcherFiles(repo).state, 'utf8')) as WatcherStateFile;
    return data && typeof data.pid === 'number' ? data : null;
  } catch {
    return null;
  }
}

export function writeStateFile(repo: Repo, state: WatcherStateFile): void {
  const file = watcherFiles(repo).state;
  // The repository may be gone (rm -rf .git): never recreate it just to write a status.
  if (!fs.existsSync(path.dirname(path.dirname(file)))) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(temp, file);
}

/**
 * The pid in the pid file, or null. A pid whose process works in another directory is not this
 * worktree's watcher: the pid file came along with a copy of the repository (`cp -a`), and the
 * process is the original's watcher (the daemon's cwd is its worktree root).
 */
export function readPid(repo: Repo): number | null {
  let pid: number;
  try {
    const [pidText, space] = fs.readFileSync(watcherFiles(repo).pid, 'utf8').trim().split(' ');
    // Written in another pid namespace: its pid names no process here, or another one.
    if (space !== undefined && space !== pidSpaceId()) return null;
    pid = Number(pidText);
  } catch {
    return null;
  }
  if (!(Number.isInteger(pid) && pid > 0)) return null;
  return worksElsewhere(pid, repo.root) ? null : pid;
}

/** A watcher pid file written in another pid namespace (a container sharing the repository). */
export interface ForeignWatcher {
  /** Its pid there, which names no process here (or another one). */
  pid: number;
  host: string;
  /** When its daemon last refreshed the file (it does at every heartbeat). */
  refreshedMs: number;
  /** Unrefreshed for FOREIGN_STALE_MS: it has most likely ended, and a watcher here may take over. */
  stale: boolean;
}

/**
 * The pid file when another pid namespace wrote it, else null. Nothing here can check that
 * process: readers report it as such instead of judging its pid, and no command removes the file
 * while it is refreshed.
 */
export function foreignWatcher(repo: Repo, now: number = Date.now()): ForeignWatcher | null {
  const record = readPidRecord(watcherFiles(repo).pid);
  if (record === null || record.here) return null;
  return { pid: record.pid, host: pidSpaceHost(record.space), refreshedMs: record.changedMs, stale: holderGone(record, now) };
}

function worksElsewhere(pid: number, root: string): boolean {
  let cwd: string;
  try {
    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // Not running, not ours to inspect, or no /proc: the other checks decide.
    return false;
  }
  try {
    return cwd !== fs.realpathSync(root) && cwd !== root;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Where /proc exists, make sure the pid was not reused by an unrelated process.
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('watch');
  } catch {
    return true;
  }
}

/**
 * Takes the pid file for this process. Returns the pid of a live daemon that holds it instead,
 * or null when it is ours. A pid file whose process is gone is stale and taken over.
 */
export function acquirePidFile(repo: Repo): number | null {
  const file = watcherFiles(repo).pid;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, pidRecordText());
      fs.closeSync(fd);
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const record = readPidRecord(file);
    if (record !== null && !record.here && !holderGone(record)) return record.pid;
    const holder = readPid(repo);
    if (holder !== null && holder !== process.pid && isAlive(holder)) return holder;
    if (holder === process.pid) {
      // Claimed for this process by its starter. hooks/agent-hook.sh writes the bare pid: it is
      // written again with where it means something (util/pid-file.ts), as a guard in another pid
      // namespace must not take it for a dead process there.
      if (record !== null && record.space === null) {
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, pidRecordText());
        fs.renameSync(temp, file);
      }
      return null;
    }
    // Stale (the holder died) or half-written: remove it only if it still holds the same content.
    try {
      if (readPid(repo) === holder) fs.rmSync(file, { force: true });
    } catch {
      // raced with another starter: try again
    }
  }
  return readPid(repo);
}

/** Keeps the pid file fresh for a guard in another pid namespace, which judges it by its age. */
export function touchPidFile(repo: Repo): void {
  try {
    const now = new Date();
    fs.utimesSync(watcherFiles(repo).pid, now, now);
  } catch {
    // gone with the repository; the heartbeat finds out
  }
}

export function releasePidFile(repo: Repo): void {
  if (readPid(repo) === process.pid) fs.rmSync(watcherFiles(repo).pid, { force: true });
}

/** A watcher runs for this worktree and watches (it snapshots what it is asked to, O(changes)). */
export function watcherRunning(repo: Repo): boolean {
  const pid = readPid(repo);
  if (pid === null || !isAlive(pid)) return false;
  const state = readStateFile(repo);
  return state !== null && state.pid === pid && state.state === 'running';
}
