/**
 * `watcherStatus(repo)`: is this worktree's watcher running, polling, stopped or crashed? Reads
 * the daemon's state file and checks that its process is alive, so a daemon killed without a
 * word shows up as crashed (in `guard status` and `guard watch status`).
 */
import fs from 'node:fs';
import type { Repo } from '../git/repo.js';
import { isAlive, readPid, readStateFile, watcherFiles, type WatcherStateFile } from './state-file.js';

export type WatcherHealth = 'running' | 'polling' | 'starting' | 'stopped' | 'crashed' | 'not-started';

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
  const pid = readPid(repo) ?? file?.pid ?? null;
  const alive = pid !== null && isAlive(pid);
  const log = watcherFiles(repo).log;
  const watchesIncomplete = alive && file?.watchesIncomplete === true && file.mode === 'events' && (file.state === 'running' || file.state === 'starting');
  const base = { alive, pid, file, log, logTail: [] as string[], watchesIncomplete };
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
  return { ...base, health: 'running', summary: `the watcher (pid ${file.pid}) records changes as they happen (${file.watchedDirs} directories watched)` };
}

/** What `guard status` shows about the watcher: one line, its JSON, and a problem when it crashed. */
export function watcherReport(repo: Repo): { line: string; problem: string | null; json: Record<string, unknown> } {
  const s = watcherStatus(repo);
  return {
    line: `watcher: ${s.health}: ${s.summary}`,
    problem: s.health === 'crashed' ? `the watcher crashed: changes are not being recorded as they happen (restart it with \`guard watch\`; log: ${s.log})` : null,
    json: { health: s.health, alive: s.alive, pid: s.pid, summary: s.summary, mode: s.file?.mode ?? null, watchesIncomplete: s.watchesIncomplete, reason: s.file?.reason ?? null, lastSnapshot: s.file?.lastSnapshot ?? null, protectedRestores: s.file?.protectedRestores ?? 0 },
  };
}
