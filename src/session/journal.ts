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
 *   install-refreshed       by (session-start, status, the agent hook event whose launcher saw the
 *                           package change: pre-tool ..., or `git hook <name>` whose shim saw it),
 *                           package, launcher, hooks, leftEdited:
 *                           guard's copies brought to the installed version (src/agents/refresh.ts)
 *   step-start, step-end,   one agent tool call (a step) and the snapshot that closes it; see
 *   step-snapshot           src/session/steps.ts and docs/timeline.md
 *   restore, undo           `guard restore` / `guard undo`: session, step, pre (the snapshot before)
 *   rollback                mode (rollback, undo or resume), snapshot (the target), pre (where
 *                           --undo goes), preRollbackSnapshot, files {write, create, delete},
 *                           refs (names moved), head, stash, filesOnly, paths, targetSession;
 *                           since 2026-12-04, each only when not empty: capturedIgnored (the
 *                           captured ignored files brought back, as text), capturedNotRestored
 *                           [{path, snapshot, reason, command}] (those left out: the snapshot that
 *                           holds each and `git cat-file blob <snapshot>:<path> > FILE`,
 *                           src/restore/not-restored.ts), and nothingToDo: true with pre null for
 *                           a rollback that changed nothing but left captured files out. Older
 *                           lines have none of the three: read as none
 *   (others write ref-update, approve, protected-restore, ...)
 *
 * Appends are one write(2) on an O_APPEND descriptor, so concurrent writers (hooks run in parallel,
 * sh hooks append with `printf ... >>`) never interleave within a line. Readers skip a line they
 * cannot parse instead of failing: the journal is a record, never a reason to block work.
 *
 * The journal holds agents' full command lines, so it is private to its owner (0600: created so,
 * and an older, wider mode is narrowed at the next append; the sh hooks create it with umask 077).
 * It is rotated when it passes JOURNAL_MAX_BYTES: journal.jsonl becomes journal.1.jsonl (.1 -> .2,
 * ...; JOURNAL_KEEP_OLD old files are kept), and readEvents reads the old files first.
 */
import { isUtf8 } from 'node:buffer';
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

/** Size at which the journal is rotated. */
export const JOURNAL_MAX_BYTES = 8 * 1024 * 1024;
/** Rotated files kept (journal.1.jsonl is the newest of them). */
export const JOURNAL_KEEP_OLD = 3;

/** journal.<n>.jsonl, n >= 1: the rotated files. */
export function oldJournalPath(repo: Repo, n: number): string {
  return guardCommonPath(repo, `journal.${n}.jsonl`);
}

/**
 * Moves a full journal aside. The first step is an atomic rename to a name of this process's own,
 * so of two processes rotating at once only one goes on; writers that still hold the old file
 * open finish their line there (it is kept as journal.1.jsonl).
 */
function rotate(repo: Repo, maxBytes: number, keepOld: number): void {
  const file = journalPath(repo);
  const mine = `${file}.rotating-${process.pid}`;
  try {
    if (fs.statSync(file).size <= maxBytes) return;
    fs.renameSync(file, mine);
  } catch {
    return; // someone else rotated it, or it is gone
  }
  fs.rmSync(oldJournalPath(repo, keepOld), { force: true });
  for (let n = keepOld - 1; n >= 1; n--) {
    try {
      fs.renameSync(oldJournalPath(repo, n), oldJournalPath(repo, n + 1));
    } catch {
      // that one does not exist yet
    }
  }
  fs.renameSync(mine, oldJournalPath(repo, 1));
}

/**
 * Keeps a journal that only the sh hooks wrote to (they append, never rotate or narrow it) in
 * bounds: narrows a wide mode and rotates past JOURNAL_MAX_BYTES. One stat; commands that run
 * often without appending themselves (`guard snapshot`) call it. Never fails the caller.
 */
export function maintainJournal(repo: Repo): void {
  try {
    const file = journalPath(repo);
    const stat = fs.statSync(file);
    if ((stat.mode & 0o077) !== 0) fs.chmodSync(file, stat.mode & 0o700);
    if (stat.size > JOURNAL_MAX_BYTES) rotate(repo, JOURNAL_MAX_BYTES, JOURNAL_KEEP_OLD);
  } catch {
    // no journal yet, or not ours to change: the journal is a record, never a reason to fail
  }
}

export function appendEvent(repo: Repo, event: NewJournalEvent): JournalEvent {
  const { type, time, worktree, ...rest } = event;
  const full: JournalEvent = { time: time ?? new Date().toISOString(), type, worktree: worktree ?? repo.root, ...rest };
  const file = journalPath(repo);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a', 0o600);
  let size = 0;
  try {
    fs.writeSync(fd, `${JSON.stringify(full)}\n`);
    const stat = fs.fstatSync(fd);
    size = stat.size;
    // A journal made by an older guard (or by a hook under a wide umask) was world-readable.
    if ((stat.mode & 0o077) !== 0) fs.fchmodSync(fd, stat.mode & 0o700);
  } finally {
    fs.closeSync(fd);
  }
  if (size > JOURNAL_MAX_BYTES) rotate(repo, JOURNAL_MAX_BYTES, JOURNAL_KEEP_OLD);
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

/**
 * A journal file as text. The hook shims write ref names and worktree paths as git hands them
 * over, as bytes; in a line that is not UTF-8, each byte >= 0x80 becomes `\\NNN` inside the JSON
 * string, so the value reads `release/bad\377` (as src/git/ref-name.ts writes such names), never U+FFFD.
 */
function journalPartText(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  return bytes
    .toString('latin1')
    .split('\n')
    .map((line) => (isUtf8(Buffer.from(line, 'latin1')) ? Buffer.from(line, 'latin1').toString('utf8') : line.replace(/[\u0080-\u00ff]/g, (c) => `\\\\${c.charCodeAt(0).toString(8)}`)))
    .join('\n');
}

/**
 * The journal's text, the rotated files first (oldest first), then the current one. This is the
 * one reader of the journal (`guard log`, timeline, blame, restore, undo and the session summary
 * all go through readEvents), so a session whose early lines were rotated out still has them.
 * A rotation between reading two of the files would lose the file that moved (or read it twice):
 * when any of the files is another inode after the read than before, the read starts again.
 */
function journalText(repo: Repo): string {
  const files = [...Array.from({ length: JOURNAL_KEEP_OLD }, (_, i) => oldJournalPath(repo, JOURNAL_KEEP_OLD - i)), journalPath(repo)];
  const inodes = (): string => files.map((file) => {
    try {
      return String(fs.statSync(file).ino);
    } catch {
      return '-';
    }
  }).join(' ');
  for (let attempt = 1; ; attempt++) {
    const before = inodes();
    let text = '';
    for (const file of files) {
      try {
        const part = journalPartText(fs.readFileSync(file));
        text += part.endsWith('\n') || part === '' ? part : `${part}\n`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (attempt >= 3 || inodes() === before) return text;
  }
}

export function readEvents(repo: Repo, options: ReadEventsOptions = {}): JournalEvent[] {
  const text = journalText(repo);
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
