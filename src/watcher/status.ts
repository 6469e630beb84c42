/**
 * `watcherStatus(repo)`: is this worktree's watcher running, polling, stopped or crashed? Reads
 * the daemon's state file and checks that its process is alive, so a daemon killed without a
 * word shows up as crashed (in `guard status` and `guard watch status`).
 */
import fs from 'node:fs';
import type { Repo } from '../git/repo.js';
import { foreignWatcher, isAlive, readPid, readStateFile, watcherFiles, type ForeignWatcher, type WatcherStateFile } from './state-file.js';

/** 'elsewhere': the pid file was written in another pid namespace, whose process cannot be checked from here. */
export type WatcherHealth = 'running' | 'polling' | 'starting' | 'stopped' | 'crashed' | 'not-started' | 'elsewhere';

export interface WatcherStatus {
  health: WatcherHealth;
  /** True while a daemon process for this worktree is alive. */
  alive: boolean;
  /** Some directories may have no watch (a walk did not finish): every snapshot is a full walk meanwhile. */
  watchesIncomplete: boolean;
  pid: number | null;
  /** One sentence for people: what the watcher is doing or what went wrong. */
  summary: string;
  file: WatcherStateFile | null;
  log: string;
  /** The last lines of the daemon's log when it crashed. */
  logTail: string[];
  /** The watcher of another pid namespace that holds the pid file (health 'elsewhere'), else null. */
  elsewhere: ForeignWatcher | null;
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return seconds < 120 ? `${seconds} s ago` : seconds < 7200 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
}

/**
 * A watcher whose pid file another pid namespace wrote: its pid means nothing here (it may name
 * no process, or an unrelated one), so it is neither "running" nor "crashed" from here.
 */
function elsewhereStatus(foreign: ForeignWatcher, file: WatcherStateFile | null, log: string): WatcherStatus {
  const heartbeat = file && file.pid === foreign.pid ? `; its last heartbeat ${ago(Date.parse(file.heartbeatAt))}` : '';
  const summary = foreign.stale
    ? `the watcher last ran in another pid namespace (host ${foreign.host}, pid ${foreign.pid} there), cannot be checked from here; its pid file has not been refreshed since ${ago(foreign.refreshedMs)}, so it has most likely ended (\`guard watch\` here takes over)`
    : `the watcher is running in another pid namespace (host ${foreign.host}, pid ${foreign.pid} there), cannot be checked from here (its pid file was refreshed ${ago(foreign.refreshedMs)}${heartbeat}); see or stop it where it runs`;
  return { health: 'elsewhere', alive: false, watchesIncomplete: false, pid: foreign.pid, summary, file, log, logTail: [], elsewhere: foreign };
}

function tail(file: string, lines: number): string[] {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').filter(Boolean).slice(-lines);
  } catch {
    return [];
  }
}

export function watcherStatus(repo: Repo): WatcherStatus {
  const file = readStateFile(repo);
  const log = watcherFiles(repo).log;
  const foreign = foreignWatcher(repo);
  if (foreign) return elsewhereStatus(foreign, file, log);
  const pid = readPid(repo) ?? file?.pid ?? null;
  const alive = pid !== null && isAlive(pid);
  const watchesIncomplete = alive && file?.watchesIncomplete === true && file.mode === 'events' && (file.state === 'running' || file.state === 'starting');
  const base = { alive, pid, file, log, logTail: [] as string[], watchesIncomplete, elsewhere: null };
  if (!file) {
    if (alive) return { ...base, health: 'starting', summary: `the watcher (pid ${pid}) is starting` };
    return { ...base, health: 'not-started', summary: 'no watcher has run in this worktree; `guard watch` (or a session) starts one' };
  }
  if (file.state === 'crashed' || ((file.state === 'running' || file.state === 'starting' || file.state === 'stopping') && !alive)) {
    const why = file.state === 'crashed' && file.reason ? file.reason : `its process (pid ${file.pid}) ended without stopping cleanly`;
    return {
      ...base,
      health: 'crashed',
      summary: `the watcher CRASHED: ${why}; changes are not being recorded. Restart it with \`guard watch\` (log: ${log})`,
      logTail: tail(log, 10),
    };
  }
  if (file.state === 'stopped') {
    return { ...base, health: 'stopped', summary: `the watcher stopped${file.stoppedAt ? ` at ${file.stoppedAt}` : ''}${file.reason ? ` (${file.reason})` : ''}` };
  }
  if (file.state === 'starting') {
    const what = file.watching ? 'watches; its start-up snapshot (what changed before) is running' : 'is starting';
    return { ...base, health: 'starting', summary: `the watcher (pid ${file.pid}) ${what}` };
  }
  if (file.mode === 'polling') {
    return { ...base, health: 'polling', summary: `the watcher (pid ${file.pid}) takes periodic full snapshots instead of watching: ${file.reason ?? 'file watching is unavailable'}` };
  }
  if (watchesIncomplete) {
    return {
      ...base,
      health: 'running',
      summary: `the watcher (pid ${file.pid}) records changes, but its watches are INCOMPLETE (${file.watchesIncompleteReason ?? 'a walk did not finish'}): every snapshot is a full walk until a retried rescan finishes`,
    };
  }
  if (file.pausedFor && file.pausedFor.length > 0) {
    // A rollback holds it still (serve.ts, PauseRequest): what changes meanwhile is recorded once it ends.
    return { ...base, health: 'running', summary: `the watcher (pid ${file.pid}) is paused while a rollback runs (pid ${file.pausedFor.join(', ')}): it records what changed once the rollback ends` };
  }
  return { ...base, health: 'running', summary: `the watcher (pid ${file.pid}) records changes as they happen (${file.watchedDirs} directories watched)` };
}

/** What `guard status` shows about the watcher: one line, its JSON, and a problem when it crashed. */
export function watcherReport(repo: Repo): { line: string; problem: string | null; json: Record<string, unknown> } {
  const s = watcherStatus(repo);
  return {
    line: `watcher: ${s.health}: ${s.summary}`,
    problem: s.health === 'crashed' ? `the watcher crashed: changes are not being recorded as they happen (restart it with \`guard watch\`; log: ${s.log})` : null,
    json: { health: s.health, alive: s.alive, pid: s.pid, elsewhere: s.elsewhere && { host: s.elsewhere.host, pid: s.elsewhere.pid, refreshedAt: new Date(s.elsewhere.refreshedMs).toISOString(), stale: s.elsewhere.stale }, summary: s.summary, mode: s.file?.mode ?? null, watchesIncomplete: s.watchesIncomplete, reason: s.file?.reason ?? null, lastSnapshot: s.file?.lastSnapshot ?? null, protectedRestores: s.file?.protectedRestores ?? 0, pausedFor: s.file?.pausedFor ?? [] },
  };
}
