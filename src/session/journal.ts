/**
 * The event journal: `<commonDir>/guard/journal.jsonl`, shared by all worktrees, append-only, one
 * JSON object per line. Every line has `time` (ISO), `type` and `worktree` (the worktree root);
 * the rest depends on the type:
 *
 *   session-start           session, agent, agentSession, snapshot, resumed, parent
 *   session-end             session, agent, summary counts
 *   snapshot                snapshot, trigger, session, agent, created
 *   blocked                 session, agent, tool, command | path, rule, reason
 *   allowed-after-snapshot  session, agent, command, rule, snapshot
 *   asked                   session, agent, command | path, rule, reason
 *   hook-error              session, agent, event, error, decision
 *   step-start, step-end,   one agent tool call (a step) and the snapshot that closes it; see
 *   step-snapshot           src/session/steps.ts and docs/timeline.md
 *   restore, undo           `guard restore` / `guard undo`: session, step, pre (the snapshot before)
 *   rollback                mode (rollback, undo or resume), snapshot (the target), pre (where
 *                           --undo goes), preRollbackSnapshot, files {write, create, delete},
 *                           refs (names moved), head, stash, filesOnly, paths, targetSession
 *   (others write ref-update, approve, protected-restore, ...)
 *
 * Appends are one write(2) on an O_APPEND descriptor, so concurrent writers (hooks run in parallel,
 * sh hooks append with `printf ... >>`) never interleave within a line. Readers skip a line they
 * cannot parse instead of failing: the journal is a record, never a reason to block work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';

export interface JournalEvent {
  time: string;
  type: string;
  worktree: string;
  session?: string | null;
  agent?: string | null;
  [field: string]: unknown;
}

export interface NewJournalEvent {
  type: string;
  time?: string;
  worktree?: string;
  session?: string | null;
  agent?: string | null;
  [field: string]: unknown;
}

export function journalPath(repo: Repo): string {
  return guardCommonPath(repo, 'journal.jsonl');
}

export function appendEvent(repo: Repo, event: NewJournalEvent): JournalEvent {
  const { type, time, worktree, ...rest } = event;
  const full: JournalEvent = { time: time ?? new Date().toISOString(), type, worktree: worktree ?? repo.root, ...rest };
  const file = journalPath(repo);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(full)}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return full;
}

export interface ReadEventsOptions {
  /** Only events of this guard session. */
  session?: string;
  /** Only events at or after this time (ISO string or Date). */
  since?: string | Date;
  types?: string[];
  /** Only events of this worktree root. */
  worktree?: string;
  /** The newest N (after filtering), still oldest first. */
  limit?: number;
}

export function readEvents(repo: Repo, options: ReadEventsOptions = {}): JournalEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(journalPath(repo), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const since = options.since === undefined ? undefined : new Date(options.since).getTime();
  const types = options.types ? new Set(options.types) : undefined;
  const events: JournalEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let event: JournalEvent;
    try {
      event = JSON.parse(line) as JournalEvent;
    } catch {
      continue;
    }
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') continue;
    if (options.session !== undefined && event.session !== options.session) continue;
    if (types && !types.has(event.type)) continue;
    if (options.worktree !== undefined && event.worktree !== options.worktree) continue;
    if (since !== undefined && !(new Date(event.time).getTime() >= since)) continue;
    events.push(event);
  }
  return options.limit !== undefined && options.limit >= 0 ? events.slice(Math.max(0, events.length - options.limit)) : events;
}
