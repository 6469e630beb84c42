/**
 * Agent sessions of one worktree, in `<gitDir>/guard/sessions.json`.
 *
 *  - start takes the session-start snapshot (forced, so the session's baseline always exists as a
 *    snapshot, even when nothing changed since the previous snapshot; the previous one is the
 *    baseline when it records the very same state and was itself a session start's, or neither
 *    captures ignored files: then it carries the earlier session's id) and journals it;
 *  - resume: starting again with the same agent session id (a resumed Claude conversation, a new
 *    turn after Stop) reopens the session and keeps its baseline;
 *  - nesting: a session started while another is open records it as its parent (a stack); ending a
 *    session also ends the sessions opened inside it;
 *  - end takes a snapshot of the current state (the "end" state, so the rollback can be undone) and
 *    computes the summary against the start.
 *
 * The file is rewritten under a lock (hooks run in parallel); snapshots are taken outside it.
 */
import { randomBytes } from 'node:crypto';
import type { PushOutcome } from '../backup/mirror.js';
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { guardPath, type Repo } from '../git/repo.js';
import { createSnapshot } from '../snapshot/create.js';
import { readSnapshot } from '../snapshot/read.js';
import { awaitSessionWatcher, spawnWatcherForSession, stopSessionWatcher, type SessionWatcher } from '../watcher/control.js';
import { askWatcher, capturedAll } from '../watcher/serve.js';
import { pathText } from '../git/path.js';
import { sessionStartCapture } from './start-capture.js';
import { appendEvent } from './journal.js';
import { withFileLock } from './lock.js';
import { writeOpenMarker } from './open-marker.js';
import { summarizeSession, type SessionSummary } from './summary.js';

/** Sessions kept in the store (oldest ended ones are dropped first; the journal keeps the history). */
const MAX_SESSIONS = 200;

export interface SessionRecord {
  /** guard's id, used by `guard rollback --session ID`. */
  id: string;
  /** guard's agent id (claude, cursor, ...) or the name given to `guard run --agent`. */
  agent: string | null;
  /** The agent's own session / conversation id, used to recognise a resume. */
  agentSession: string | null;
  /** The session-start snapshot (commit oid). */
  startSnapshot: string;
  startedAt: string;
  endedAt: string | null;
  /** The session that was open when this one started. */
  parent: string | null;
  /** How many times the session was resumed after it started. */
  resumes: number;
  /**
   * How it ended: `stop` (a turn ended, for agents without a session-end hook: a later tool call
   * of the same agent session resumes it) or `end` (the agent's session ended: never reopened by
   * a tool call). Absent in stores written before this field existed (treated as `stop`).
   */
  endedBy?: 'stop' | 'end';
  /** Opened by a git hook for an agent whose own hooks did not run (hooks/lib.sh self-healing). */
  withoutAgentHooks?: boolean;
}

interface StoreFile {
  version: 1;
  sessions: SessionRecord[];
}

export interface FoundSession {
  id: string;
  agent: string | null;
  startSnapshot: string;
  startedAt: string;
  endedAt: string | null;
}

function storePath(repo: Repo): string {
  return guardPath(repo, 'sessions.json');
}

function readStore(repo: Repo): StoreFile {
  try {
    const data = JSON.parse(fs.readFileSync(storePath(repo), 'utf8')) as StoreFile;
    if (data && data.version === 1 && Array.isArray(data.sessions)) return data;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  return { version: 1, sessions: [] };
}

function writeStore(repo: Repo, store: StoreFile): void {
  const file = storePath(repo);
  if (store.sessions.length > MAX_SESSIONS) {
    const open = store.sessions.filter((s) => s.endedAt === null);
    const ended = store.sessions.filter((s) => s.endedAt !== null);
    store.sessions = [...ended.slice(Math.max(0, ended.length - (MAX_SESSIONS - open.length))), ...open].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(store, null, 2)}\n`);
  fs.renameSync(temp, file);
  writeOpenMarker(repo, topOpen(store));
}

function update<T>(repo: Repo, fn: (store: StoreFile) => T): T {
  const file = storePath(repo);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return withFileLock(`${file}.lock`, () => {
    const store = readStore(repo);
    const result = fn(store);
    writeStore(repo, store);
    return result;
  });
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function newId(agent: string | null): string {
  const prefix = (agent ?? 'session').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 24) || 'session';
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** The innermost open session (the top of the stack). */
function topOpen(store: StoreFile): SessionRecord | undefined {
  return store.sessions.filter((s) => s.endedAt === null).sort((a, b) => a.startedAt.localeCompare(b.startedAt)).pop();
}

function findRecord(store: StoreFile, query: { id?: string; agent?: string | null; agentSession?: string | null }): SessionRecord | undefined {
  if (query.id !== undefined) return store.sessions.find((s) => s.id === query.id) ?? store.sessions.find((s) => s.agentSession === query.id);
  if (query.agentSession) return store.sessions.find((s) => s.agentSession === query.agentSession && s.agent === (query.agent ?? null));
  return undefined;
}

export interface StartOptions {
  agent?: string | null;
  /** The agent's own session id: a second start with the same id resumes instead of taking a new baseline. */
  agentSession?: string | null;
  /** A guard session id to use (or to resume, when it exists). */
  id?: string;
  /** Why the agent started the session (startup, resume, clear ...), for the journal. */
  source?: string;
  /** Opened by a git hook because the agent's own hooks are not running (journaled plainly). */
  withoutAgentHooks?: boolean;
  /** The pid of the watcher daemon the agent hook's shim already started for this session start (hooks/agent-hook.sh). */
  watcherPid?: number;
}

export interface StartResult {
  session: SessionRecord;
  /** True when an existing session was reopened (no new baseline). */
  resumed: boolean;
  /** The worktree's watcher: ready when its first scan was done before this returned. */
  watcher: SessionWatcher;
  /**
   * The push of the session-start snapshot into the backup, done before startSession returns (so
   * before the agent's first command); absent for a resumed session. A failed push is reported
   * here, never thrown: the session starts anyway.
   */
  backup?: PushOutcome;
}

function reopen(repo: Repo, query: StartOptions, source: string | undefined): Omit<StartResult, 'watcher'> | undefined {
  // A new session's start (the common case) finds no record: nothing to write back. update()
  // always rewrites the file (a rename over it, which under I/O load blocked a session start
  // for ~30 ms: docs/BENCHMARKS.md). A record written after this read is the race startSession's
  // own update already handles, as one written right after the lock below is released.
  const key = { id: query.id, agent: query.agent ?? null, agentSession: query.agentSession ?? null };
  if (!findRecord(readStore(repo), key)) return undefined;
  const reopened = update(repo, (store) => {
    const existing = findRecord(store, key);
    if (!existing) return undefined;
    if (existing.endedAt !== null) {
      existing.endedAt = null;
      delete existing.endedBy;
      existing.resumes++;
    }
    return { ...existing };
  });
  if (!reopened) return undefined;
  appendEvent(repo, {
    type: 'session-start',
    session: reopened.id,
    agent: reopened.agent,
    agentSession: reopened.agentSession,
    snapshot: reopened.startSnapshot,
    resumed: true,
    ...(source ? { source } : {}),
  });
  return { session: reopened, resumed: true };
}

export async function startSession(repo: Repo, options: StartOptions = {}): Promise<StartResult> {
  if (options.id !== undefined && !ID_PATTERN.test(options.id)) {
    throw new GuardError('user', `"${options.id}" is not a valid session id`, { hints: ['Use letters, digits, ".", "_" and "-" (at most 64).'] });
  }
  const agent = options.agent ?? null;
  if (options.id !== undefined || options.agentSession) {
    const resumed = reopen(repo, options, options.source);
    if (resumed) return { ...resumed, watcher: await awaitSessionWatcher(repo, spawnWatcherForSession(repo, resumed.session, options.watcherPid)) };
  }

  const id = options.id ?? newId(agent);
  // The watcher records the session's changes (issue 5). Started first, so that its start-up
  // (Node, the watches, its first scan) overlaps the snapshot; the session is handed back once it
  // is ready (bounded), so the agent does not run while it still scans. It never fails the start.
  const spawned = spawnWatcherForSession(repo, { id }, options.watcherPid);
  const message = `${agent ?? 'session'} ${id} started`;
  // A watcher that already ran knows what changed: it takes the baseline, O(changes) (serve.ts).
  // The baseline is a snapshot even when nothing changed since the last one (force), but the last
  // one stands for it when it records this very state and a rollback to it means the same
  // (reuseSame: createSnapshot's reusableBaseline): no commit, no ref update. The journal still
  // says this session started on it (the snapshot event with created: false, the session-start event).
  // With .guard.yaml's snapshot options, as every snapshot (and the watcher, which declines others).
  const { readPolicy } = await import('../config/compile.js');
  const policy = await readPolicy(repo);
  const { maxFileSize, includeIgnored } = policy.snapshot;
  // The ignored files no snapshot would hold otherwise (.env, a local database): what runs in the
  // session may delete them in ways the command guard cannot read (start-capture.ts). Listed
  // beside the snapshot's walk (createSnapshot waits for the list before it reads any file), not
  // before it: the two git processes' time no longer adds to the session start's.
  const listing = sessionStartCapture(repo, policy);
  const files = listing.then((c) => c.files as string[]);
  let served = null;
  if (spawned.already) {
    // A running watcher is asked with the list (it reads the files when it takes the snapshot).
    const known = await files;
    const asked = await askWatcher(repo, { root: repo.root, trigger: 'session-start', message, session: id, agent, force: true, reuseSame: true, maxFileSize, includeIgnored, ...(known.length > 0 ? { captureIgnored: known } : {}) });
    // A watcher from before captureIgnored existed leaves them out: then this start walks itself.
    served = asked && capturedAll(repo, asked.snapshot, known) ? asked : null;
  }
  const { snapshot, created } = served ?? (await createSnapshot(repo, { trigger: 'session-start', session: id, agent, message, force: true, reuseSame: true, maxFileSize, includeIgnored, captureIgnored: files }));
  const startCapture = await listing;
  const result = update(repo, (store): Omit<StartResult, 'watcher'> => {
    // Another hook of the same agent session may have won the race while we took the snapshot.
    const raced = findRecord(store, { agent, agentSession: options.agentSession ?? null });
    if (options.agentSession && raced) return { session: { ...raced }, resumed: true };
    const record: SessionRecord = {
      id,
      agent,
      agentSession: options.agentSession ?? null,
      startSnapshot: snapshot.oid,
      startedAt: new Date().toISOString(),
      endedAt: null,
      parent: topOpen(store)?.id ?? null,
      resumes: 0,
      ...(options.withoutAgentHooks ? { withoutAgentHooks: true } : {}),
    };
    store.sessions.push(record);
    return { session: { ...record }, resumed: false };
  });
  if (!result.resumed) {
    appendEvent(repo, { type: 'snapshot', snapshot: snapshot.oid, trigger: 'session-start', session: id, agent, created });
    if (startCapture.files.length > 0 || startCapture.leftOut.files > 0 || startCapture.error) {
      appendEvent(repo, {
        type: 'ignored-captured',
        rule: 'session-start',
        snapshot: snapshot.oid,
        capturedIgnored: snapshot.ignored ?? [],
        ...(startCapture.error ? { error: `the ignored files could not be listed, none captured: ${startCapture.error}` } : {}),
        ...(startCapture.leftOut.files > 0 ? { leftOut: { files: startCapture.leftOut.files, bytes: startCapture.leftOut.bytes, examples: startCapture.leftOut.examples.map((p) => pathText(p)) } } : {}),
        session: id,
        agent,
      });
    }
    appendEvent(repo, {
      type: 'session-start',
      session: id,
      agent,
      agentSession: result.session.agentSession,
      snapshot: snapshot.oid,
      resumed: false,
      parent: result.session.parent,
      ...(options.source ? { source: options.source } : {}),
    });
  }
  // The push and the watcher's start-up run at the same time; both finish before the agent goes on.
  const [watcher, backup] = await Promise.all([awaitSessionWatcher(repo, spawned), pushSessionStart(repo)]);
  return { ...result, watcher, backup };
}

/**
 * The session-start snapshot goes into the backup before the session starts: an agent's
 * `rm -rf .git` as its first command must not take the baseline with it (the watcher's own push
 * comes seconds later). One `git push` of refs/guard/* (src/backup/mirror.ts).
 */
async function pushSessionStart(repo: Repo): Promise<PushOutcome> {
  const [{ pushNow }, { readPolicy }] = await Promise.all([import('../backup/auto-push.js'), import('../config/compile.js')]);
  let policy;
  try {
    policy = await readPolicy(repo);
  } catch (error) {
    return { time: new Date().toISOString(), target: '(backup)', ok: false, updated: 0, rejected: [], error: `could not read the config: ${(error as Error).message}`, durationMs: 0 };
  }
  // The session-start snapshot was just recorded: there is a guard ref to push.
  return pushNow(repo, policy, { snapshotJustTaken: true });
}

export interface EndOptions {
  id?: string;
  agent?: string | null;
  agentSession?: string | null;
  /** `stop`: a turn ended (resumable by the same agent session); `end` (default): the session is over. */
  reason?: 'stop' | 'end';
}

export interface EndResult {
  session: SessionRecord;
  summary: SessionSummary;
  /** Sessions opened inside this one that were ended with it. */
  nestedEnded: string[];
}

function pickForEnd(store: StoreFile, options: EndOptions): SessionRecord | undefined {
  // An agent session ends once: a second end event (Stop then SessionEnd) finds nothing open.
  if (options.id !== undefined || options.agentSession) {
    const found = findRecord(store, options);
    return found && (found.endedAt === null || options.id !== undefined) ? found : undefined;
  }
  // An agent without session ids: its innermost open session.
  if (options.agent) return store.sessions.filter((s) => s.endedAt === null && s.agent === options.agent).pop();
  return topOpen(store);
}

export async function endSession(repo: Repo, options: EndOptions = {}): Promise<EndResult> {
  const target = pickForEnd(readStore(repo), options);
  if (!target) {
    const what = options.id ?? options.agentSession;
    throw new GuardError('user', what ? `no session "${what}" in this worktree` : 'no session is open in this worktree', {
      hints: ['See the sessions with `guard session list`.'],
    });
  }
  const [start, { snapshot: end, created }] = await Promise.all([
    readSnapshot(repo, target.startSnapshot),
    createSnapshot(repo, { trigger: 'hook', session: target.id, agent: target.agent, message: `${target.agent ?? 'session'} ${target.id} ended` }),
  ]);
  if (created) appendEvent(repo, { type: 'snapshot', snapshot: end.oid, trigger: 'hook', session: target.id, agent: target.agent, created });
  const summary = await summarizeSession(repo, target, start, end);
  const ended = update(repo, (store) => {
    const now = new Date().toISOString();
    const record = store.sessions.find((s) => s.id === target.id) as SessionRecord;
    record.endedAt = now;
    record.endedBy = options.reason ?? 'end';
    // Close every open session nested (at any depth) inside this one.
    const nested: string[] = [];
    const inside = new Set([record.id]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const s of store.sessions) {
        if (s.endedAt === null && s.parent !== null && inside.has(s.parent) && !inside.has(s.id)) {
          s.endedAt = now;
          inside.add(s.id);
          nested.push(s.id);
          changed = true;
        }
      }
    }
    return { session: { ...record }, nestedEnded: nested, stillOpen: store.sessions.some((s) => s.endedAt === null) };
  });
  const { session, nestedEnded, stillOpen } = ended;
  // The end snapshot recorded everything the session did: a watcher started for sessions stops
  // now, not at its next heartbeat, so nothing done after the session lands in its snapshots.
  if (!stillOpen) await stopSessionWatcher(repo).catch(() => undefined);
  // The end snapshot goes to the backup in the background (src/backup/auto-push.ts).
  const { backupAfterSnapshot } = await import('../backup/auto-push.js');
  backupAfterSnapshot(repo, created);
  appendEvent(repo, {
    type: 'session-end',
    session: session.id,
    agent: session.agent,
    snapshot: end.oid,
    files: { added: summary.files.added, modified: summary.files.modified, deleted: summary.files.deleted },
    refsMoved: summary.refs.length,
    blocked: summary.blocked.length,
    ...(nestedEnded.length > 0 ? { nestedEnded } : {}),
  });
  return { session, summary, nestedEnded };
}

/**
 * The session a hook event belongs to, started (or reopened) if needed: the first tool call of a
 * session whose start hook did not run (hooks installed mid-session, Codex exec) still gets a baseline.
 */
export async function ensureSession(repo: Repo, agent: string, agentSession: string | null): Promise<SessionRecord> {
  if (agentSession) {
    const existing = findRecord(readStore(repo), { agent, agentSession });
    if (existing && existing.endedAt === null) {
      // A watcher that stopped when idle (or crashed) comes back with the session's activity
      // (not waited for: this is a tool call's hook).
      spawnWatcherForSession(repo, existing);
      return existing;
    }
    // The agent said its session is over: a straggling tool call is recorded against it, but it
    // does not reopen the session or start a watcher that would outlive it.
    if (existing && existing.endedBy === 'end') return existing;
    return (await startSession(repo, { agent, agentSession })).session;
  }
  const open = readStore(repo)
    .sessions.filter((s) => s.endedAt === null && s.agent === agent)
    .pop();
  if (open) spawnWatcherForSession(repo, open);
  return open ?? (await startSession(repo, { agent })).session;
}

/** The open session of this agent (by its own session id when it has one), without starting one. */
export function openSessionOf(repo: Repo, agent: string, agentSession: string | null): SessionRecord | null {
  const store = readStore(repo);
  const found = agentSession ? findRecord(store, { agent, agentSession }) : store.sessions.filter((s) => s.endedAt === null && s.agent === agent).pop();
  return found && found.endedAt === null ? found : null;
}

/**
 * The end of an agent's turn, for agents that also report the end of the session: a snapshot of
 * the state so far (the watcher keeps recording), without ending the session, so a headless run
 * (Stop then SessionEnd, AfterAgent then SessionEnd) ends once and shows one summary.
 */
export async function checkpointSession(repo: Repo, agent: string, agentSession: string | null): Promise<SessionRecord | null> {
  const store = readStore(repo);
  const open = agentSession
    ? findRecord(store, { agent, agentSession })
    : store.sessions.filter((s) => s.endedAt === null && s.agent === agent).pop();
  if (!open || open.endedAt !== null) return null;
  const { snapshot, created } = await createSnapshot(repo, { trigger: 'hook', session: open.id, agent, message: `${agent} ${open.id}: turn ended` });
  if (created) appendEvent(repo, { type: 'snapshot', snapshot: snapshot.oid, trigger: 'hook', session: open.id, agent, created });
  return open;
}

/** All sessions of this worktree, newest first. */
export function listSessions(repo: Repo): SessionRecord[] {
  return [...readStore(repo).sessions].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** A session by guard id (or agent session id); without an id, the most recent session of this worktree. */
export function findSession(repo: Repo, id?: string): FoundSession | null {
  const store = readStore(repo);
  const record = id !== undefined ? findRecord(store, { id }) : listSessions(repo)[0];
  if (!record) return null;
  return { id: record.id, agent: record.agent, startSnapshot: record.startSnapshot, startedAt: record.startedAt, endedAt: record.endedAt };
}

/**
 * Retention (`guard gc`, issue 5) re-creates kept snapshots with new ids when it drops older ones
 * from a chain: point the sessions of this worktree at the new ids of their start snapshots.
 */
export function remapStartSnapshots(repo: Repo, map: ReadonlyMap<string, string>): number {
  if (map.size === 0 || !fs.existsSync(storePath(repo))) return 0;
  return update(repo, (store) => {
    let changed = 0;
    for (const session of store.sessions) {
      const to = map.get(session.startSnapshot);
      if (to) {
        session.startSnapshot = to;
        changed++;
      }
    }
    return changed;
  });
}
