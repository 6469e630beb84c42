/**
 * The steps of a session, worked out from the journal (steps.ts writes what the hooks saw) and
 * the snapshots around each step. Data only; src/cli/commands/timeline.ts renders it.
 *
 * Order is the journal's line order (appends are atomic, so it is the order things happened);
 * times are for people. For each step:
 *   before  the snapshot closest before the step started (or the previous step's after, when the
 *           watcher's snapshot for it landed later in the journal);
 *   after   the snapshot that closed it (step-snapshot with the step's mark), else the newest
 *           snapshot journaled before the next step started, else `before`;
 *   files   diff of before and after (all steps in one `git diff-tree --stdin`);
 *   refs    branches, tags, HEAD and stash that differ between the two snapshots (snapshots
 *           never hold refs/guard/*: guard's own ref moves are not user actions);
 *   events  what else the journal recorded while the step ran: git-hook refusals, protected-file
 *           restores, ref updates (not guard's own), approvals, captured ignored files.
 * A session without tool-call steps (`guard run`: no agent hooks) has one step per snapshot the
 * watcher (or a hook) took during it.
 */
import { startCaptureStillThere } from './captured-still-there.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { gitPathsOf, pathText, type GitPath } from '../git/path.js';
import { GuardError } from '../errors.js';
import type { Snapshot } from '../snapshot/format.js';
import { readSnapshots } from '../snapshot/read.js';
import { readEvents, type JournalEvent } from './journal.js';
import { notRestoredCommand } from '../restore/not-restored.js';
import { findSession, listSessions, type SessionRecord } from './store.js';

export interface StepFileChange {
  /** Display text of the path (pathText: quoted as git quotes it when it is not plain text). */
  path: string;
  /** The path byte-exact: what goes back to git. */
  bytes: GitPath;
  status: 'added' | 'modified' | 'deleted';
}

export interface StepRefMove {
  ref: string;
  from: string | null;
  to: string | null;
}

export interface StepEvent {
  time: string;
  type: string;
  detail: string;
}

export interface Step {
  /** `<session>:<n>`: what `guard undo` and `guard restore --before` take. */
  id: string;
  n: number;
  session: string;
  agent: string | null;
  /** A tool call of the agent, or (sessions without agent hooks) a snapshot the watcher took. */
  source: 'tool' | 'snapshot';
  tool: string | null;
  kind: string | null;
  command: string | null;
  paths: string[];
  /** allow | snapshot | ask | deny; null for a watcher step. */
  verdict: string | null;
  rule: string | null;
  reason: string | null;
  startedAt: string;
  endedAt: string | null;
  before: string | null;
  after: string | null;
  files: StepFileChange[];
  refs: StepRefMove[];
  head: { from: string; to: string } | null;
  /** Ignored files guard captured into the snapshot before the command (it deletes them). */
  capturedIgnored: string[];
  events: StepEvent[];
}

export interface Timeline {
  session: { id: string; agent: string | null; agentSession: string | null; startedAt: string; endedAt: string | null; startSnapshot: string };
  steps: Step[];
  /** Events of the session that happened before its first step. */
  events: StepEvent[];
}

interface Indexed {
  idx: number;
  event: JournalEvent;
}

interface Draft {
  startIdx: number;
  endIdx: number | null;
  start: JournalEvent | null;
  end: JournalEvent | null;
  snapshotIdx?: number;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Everything in the journal that belongs to this session, in journal order, with its window. */
function sessionEvents(all: JournalEvent[], session: SessionRecord): { window: Indexed[]; owns: (e: JournalEvent) => boolean } {
  let first = -1;
  let last = all.length;
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    if (e.session !== session.id) continue;
    if (first < 0 && (e.type === 'session-start' || e.type === 'snapshot')) first = i;
    if (e.type === 'session-end') last = i + 1;
  }
  if (session.endedAt === null) last = all.length;
  if (first < 0) first = 0;
  const owns = (e: JournalEvent): boolean => {
    if (e.session === session.id) return true;
    if (typeof e.session === 'string') return false;
    if (session.agentSession && e.agentSession === session.agentSession) return true;
    // sh lines of an agent without session ids: the open session of that agent.
    return !e.agentSession && e.agent === session.agent && e.type === 'step-end';
  };
  const window: Indexed[] = [];
  for (let i = first; i < last; i++) window.push({ idx: i, event: all[i]! });
  return { window, owns };
}

function sameCall(start: JournalEvent, end: JournalEvent): boolean {
  if (typeof start.callId === 'string' && typeof end.callId === 'string') return start.callId === end.callId;
  if (start.tool !== end.tool) return false;
  if (typeof start.command === 'string' || typeof end.command === 'string') return start.command === end.command;
  return JSON.stringify(start.paths ?? []) === JSON.stringify(end.paths ?? []);
}

function drafts(window: Indexed[], owns: (e: JournalEvent) => boolean): Draft[] {
  const steps: Draft[] = [];
  for (const { idx, event } of window) {
    if (!owns(event)) continue;
    if (event.type === 'step-start') {
      steps.push({ startIdx: idx, endIdx: null, start: event, end: null });
    } else if (event.type === 'step-end') {
      // The newest open step of the same call; a call the sh fast path allowed has none.
      let match: Draft | undefined;
      for (let i = steps.length - 1; i >= 0; i--) {
        const d = steps[i]!;
        if (d.end === null && d.start && d.start.verdict !== 'deny' && sameCall(d.start, event)) {
          match = d;
          break;
        }
      }
      if (match) {
        match.end = event;
        match.endIdx = idx;
      } else steps.push({ startIdx: idx, endIdx: idx, start: null, end: event });
    }
  }
  return steps;
}

/** Snapshot events of the window (any session: the chain is this worktree's), in order. */
function snapshotPoints(window: Indexed[], session: SessionRecord): Array<{ idx: number; oid: string; event: JournalEvent }> {
  const points: Array<{ idx: number; oid: string; event: JournalEvent }> = [];
  for (const { idx, event } of window) {
    const oid = str(event.snapshot);
    if (!oid) continue;
    if (event.type === 'snapshot' || event.type === 'step-snapshot') points.push({ idx, oid, event });
  }
  if (points.length === 0 || points[0]!.oid !== session.startSnapshot) points.unshift({ idx: window[0]?.idx ?? 0, oid: session.startSnapshot, event: { time: session.startedAt, type: 'snapshot', worktree: '' } });
  return points;
}

function latestBefore(points: Array<{ idx: number; oid: string }>, idx: number): { idx: number; oid: string } | null {
  let found: { idx: number; oid: string } | null = null;
  for (const p of points) {
    if (p.idx < idx) found = p;
    else break;
  }
  return found;
}

/** before..after file changes of many pairs with one `git diff-tree --stdin --always`. */
async function diffPairs(repo: Repo, pairs: Array<[string, string]>): Promise<StepFileChange[][]> {
  const results: StepFileChange[][] = pairs.map(() => []);
  const wanted = pairs.map((p, i) => ({ ...{ before: p[0], after: p[1] }, i })).filter((p) => p.before !== p.after);
  if (wanted.length === 0) return results;
  // "<after> <before>": diff-tree compares the first id with the ones after it; --always prints
  // the header of every line, so each answer lines up with its request.
  const input = wanted.map((p) => `${p.after} ${p.before}\n`).join('');
  const { stdout } = await runGit(['diff-tree', '--stdin', '--always', '-r', '-z', '--no-renames', '--name-status'], { cwd: repo.root, input });
  const parts = gitPathsOf(stdout);
  let current = -1;
  for (let i = 0; i < parts.length; ) {
    const token = parts[i]!;
    if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(token)) {
      current++;
      i++;
      continue;
    }
    const bytes = parts[i + 1] ?? ('' as GitPath);
    i += 2;
    const target = wanted[current];
    if (!target) continue;
    const status = token === 'A' ? 'added' : token === 'D' ? 'deleted' : 'modified';
    results[target.i]!.push({ path: pathText(bytes), bytes, status });
  }
  return results;
}

function headName(head: Snapshot['head']): string {
  return head.symbolic ?? `detached at ${head.oid?.slice(0, 12) ?? '(unborn)'}`;
}

function refMoves(before: Snapshot | undefined, after: Snapshot | undefined): Pick<Step, 'refs' | 'head'> {
  if (!before || !after || before.oid === after.oid) return { refs: [], head: null };
  const refs: StepRefMove[] = [];
  for (const ref of [...new Set([...Object.keys(before.refs), ...Object.keys(after.refs)])].sort()) {
    const from = before.refs[ref] ?? null;
    const to = after.refs[ref] ?? null;
    if (from !== to) refs.push({ ref, from, to });
  }
  if (JSON.stringify(before.stash) !== JSON.stringify(after.stash)) refs.push({ ref: 'refs/stash', from: before.stash[0]?.oid ?? null, to: after.stash[0]?.oid ?? null });
  const head = headName(before.head) === headName(after.head) ? null : { from: headName(before.head), to: headName(after.head) };
  return { refs, head };
}

/** Events attached to steps: what the hooks and the watcher saw while a step ran. */
const ATTACHED = new Set(['blocked', 'warned', 'asked', 'approval-used', 'protected-restore', 'ref-update', 'hook-error', 'captured-ignored', 'ignored-captured']);

/** Names a `guard log` line shows of a list (the journal holds them all: `guard log --json`). */
const LOG_NAMES = 10;

function listed(names: string[]): string {
  return names.length <= LOG_NAMES ? names.join(', ') : `${names.slice(0, LOG_NAMES).join(', ')} and ${names.length - LOG_NAMES} more`;
}

/** One line about an event, for the timeline and `guard log`. */
export function eventDetail(event: JournalEvent): string {
  const parts: string[] = [];
  const s = (k: string): string | null => str(event[k]);
  switch (event.type) {
    case 'ref-update': {
      const old = s('old') ?? '';
      const now = s('new') ?? '';
      const zero = (oid: string): boolean => /^0+$/.test(oid);
      // Both zero: a deletion git gave no old value for, which the hook could not resolve either
      // (journals written before it did, or a hook not installed in the common directory).
      const what = zero(now) ? (zero(old) ? 'deleted' : `deleted (was ${old.slice(0, 12)})`) : zero(old) ? `created at ${now.slice(0, 12)}` : `${old.slice(0, 12)} -> ${now.slice(0, 12)}`;
      parts.push(`${s('ref') ?? '?'} ${what}`);
      if (s('actor')) parts.push(`by ${s('actor')}`);
      break;
    }
    case 'protected-restore':
      parts.push(`put back ${s('path') ?? '?'} (${s('reason') ?? 'deleted'})`);
      break;
    case 'step-start':
      parts.push(`${s('verdict') ?? '?'}: ${s('command') ?? (Array.isArray(event.paths) ? `${s('tool') ?? ''} ${(event.paths as string[]).join(' ')}` : (s('tool') ?? ''))}`);
      break;
    case 'step-end':
      parts.push(`done: ${s('command') ?? (Array.isArray(event.paths) ? `${s('tool') ?? ''} ${(event.paths as string[]).join(' ')}` : (s('tool') ?? ''))}`);
      break;
    case 'undo':
      parts.push(`undid step ${s('step') ?? '?'}: ${String(event.files ?? 0)} files${Number(event.conflicts) > 0 ? `, ${String(event.conflicts)} conflicts left alone` : ''}; before it: snapshot ${(s('pre') ?? '').slice(0, 12)}`);
      break;
    case 'restore':
      parts.push(`restored ${Array.isArray(event.paths) ? (event.paths as unknown[]).map(String).join(' ') : '?'} as of ${s('step') ? `before step ${s('step')}` : `the start of ${s('session') ?? '?'}`}; before it: snapshot ${(s('pre') ?? '').slice(0, 12)}`);
      break;
    case 'rollback': {
      // `guard rollback`, `--undo` and `--resume` (src/restore/rollback.ts journalRollback).
      const f = (event.files ?? {}) as { write?: number; create?: number; delete?: number };
      const to = `${s('mode') ?? 'rollback'} to snapshot ${(s('snapshot') ?? '').slice(0, 12)}`;
      parts.push(event.nothingToDo === true ? `${to}: nothing to change` : `${to}: ${f.write ?? 0} restored, ${f.create ?? 0} created, ${f.delete ?? 0} deleted`);
      if (Array.isArray(event.refs) && event.refs.length > 0) parts.push(`${event.refs.length} refs`);
      // The captured ignored files it brought back and those it left out, each with the command
      // that gives its bytes (lines written before 2026-12-04 have neither: read as none).
      const said: string[] = [];
      if (Array.isArray(event.capturedIgnored) && event.capturedIgnored.length > 0) said.push(`captured ignored files brought back: ${listed(event.capturedIgnored.map(String))}`);
      const left = Array.isArray(event.capturedNotRestored) ? (event.capturedNotRestored as Array<Record<string, unknown>>) : [];
      if (left.length > 0) {
        said.push(`captured ignored files NOT brought back (${left.length}, each still in the snapshot that captured it)`);
        for (const e of left.slice(0, LOG_NAMES)) {
          const entry = { path: String(e.path ?? '?'), snapshot: String(e.snapshot ?? ''), reason: String(e.reason ?? '') };
          said.push(`${entry.path}: ${entry.reason}; its bytes: ${notRestoredCommand(entry)}`);
        }
        if (left.length > LOG_NAMES) said.push(`and ${left.length - LOG_NAMES} more (guard log --type rollback --json)`);
      }
      // The watcher during it (lines written before 2026-12-05 do not say): held still, or not.
      if (event.watcher === 'paused') said.push('the watcher was paused while it ran (no protected restore, no snapshot meanwhile)');
      else if (typeof event.watcher === 'string' && event.watcher.startsWith('did not pause')) said.push(`the watcher ${event.watcher}: it may have restored protected files or taken snapshots meanwhile`);
      if (said.length > 0) parts[parts.length - 1] += `; ${said.join('; ')};`;
      if (event.nothingToDo !== true) parts.push(`undo with: guard rollback --undo (before it: snapshot ${(s('preRollbackSnapshot') ?? '').slice(0, 12)})`);
      break;
    }
    case 'step-snapshot':
      parts.push(s('snapshot') ? `snapshot ${s('snapshot')!.slice(0, 12)} closes the step` : 'the step changed nothing');
      break;
    default: {
      const what = s('command') ?? s('path') ?? s('subject');
      if (what) parts.push(what);
      if (s('rule')) parts.push(`[${s('rule')}]`);
      if (s('snapshot') && event.type !== 'blocked') parts.push(`snapshot ${s('snapshot')!.slice(0, 12)}`);
      if (s('trigger')) parts.push(`(${s('trigger')}${event.created === false ? ', unchanged' : ''})`);
      if (event.type === 'session-start' && event.resumed === true) parts.push('(resumed)');
      if (s('error')) parts.push(s('error')!);
      if (s('reason')) parts.push(s('reason')!);
      if (s('hook')) parts.push(`(${s('hook')} hook)`);
      if (event.type === 'session-end' && typeof event.files === 'object' && event.files !== null) {
        const f = event.files as { added?: number; modified?: number; deleted?: number };
        parts.push(`+${f.added ?? 0} ~${f.modified ?? 0} -${f.deleted ?? 0}, ${String(event.refsMoved ?? 0)} refs moved, ${String(event.blocked ?? 0)} blocked`);
      }
      if (s('target')) parts.push(`to ${s('target')!.slice(0, 12)}`);
      if (Array.isArray(event.paths) && !s('command')) parts.push((event.paths as unknown[]).map(String).join(' '));
      if (event.type === 'gc') parts.push(`dropped ${String(event.dropped ?? 0)} snapshots`);
      if (event.type === 'approve') parts.push(`${String(event.rule ?? '')} by ${String(event.by ?? '?')}${event.once ? ' (once)' : ''}`);
      if (event.type === 'init') parts.push(`preset ${String(event.preset ?? '-')}`);
      if (parts.length === 0) {
        // Whatever else the event holds, briefly: never an empty column.
        const rest = Object.entries(event).filter(([k, v]) => !['time', 'type', 'worktree', 'session', 'agent'].includes(k) && v !== null && v !== undefined);
        parts.push(rest.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ').slice(0, 200) || '-');
      }
    }
  }
  return parts.join(' ');
}

/** guard's own writes to refs/guard/* are not user actions. */
export function isGuardOwnRefMove(event: JournalEvent): boolean {
  return event.type === 'ref-update' && typeof event.ref === 'string' && event.ref.startsWith('refs/guard/');
}

function toStepEvent(event: JournalEvent): StepEvent {
  return { time: event.time, type: event.type, detail: eventDetail(event) };
}

function sessionRecord(repo: Repo, id?: string): SessionRecord {
  const sessions = listSessions(repo);
  if (sessions.length === 0) throw new GuardError('user', 'there are no agent sessions in this worktree yet', { hints: ['Sessions start with the agent hooks (guard init) or `guard run -- COMMAND`.'] });
  if (id === undefined) return sessions[0]!;
  const found = findSession(repo, id);
  const record = found ? sessions.find((s) => s.id === found.id) : undefined;
  if (!record) throw new GuardError('user', `no session "${id}" in this worktree`, { hints: ['See the sessions with `guard session list`.'] });
  return record;
}

interface Plan {
  session: SessionRecord;
  window: Indexed[];
  found: Draft[];
  ranges: Array<{ before: string | null; after: string | null }>;
}

/** What the journal alone says about a session's steps (no git): the steps and their snapshots. */
function planTimeline(all: JournalEvent[], session: SessionRecord): Plan {
  const { window, owns } = sessionEvents(all, session);
  const points = snapshotPoints(window, session);
  const marks = new Map<string, { idx: number; oid: string | null }>();
  for (const { idx, event } of window) {
    if (event.type !== 'step-snapshot' || !Array.isArray(event.marks)) continue;
    for (const mark of event.marks) if (typeof mark === 'string' && !marks.has(mark)) marks.set(mark, { idx, oid: str(event.snapshot) });
  }

  let found = drafts(window, owns);
  const snapshotSteps = found.length === 0;
  if (snapshotSteps) {
    // No agent hooks: each snapshot taken during the session (after its start) is a step.
    found = points.slice(1).filter((p) => p.event.type === 'snapshot' && p.event.created !== false).map((p) => ({ startIdx: p.idx, endIdx: p.idx, start: null, end: null, snapshotIdx: p.idx }));
  }

  // before and after of each step, in journal order.
  const ranges: Array<{ before: string | null; after: string | null }> = [];
  let previousAfter: { idx: number; oid: string } | null = null;
  for (let i = 0; i < found.length; i++) {
    const d = found[i]!;
    if (d.snapshotIdx !== undefined) {
      const before = latestBefore(points, d.snapshotIdx);
      const at = points.find((p) => p.idx === d.snapshotIdx)!;
      ranges.push({ before: before?.oid ?? null, after: at.oid });
      continue;
    }
    let before = latestBefore(points, d.startIdx);
    if (previousAfter && (!before || previousAfter.idx > before.idx)) before = previousAfter;
    let after: { idx: number; oid: string } | null = before;
    const denied = d.start?.verdict === 'deny' && d.end === null;
    if (!denied) {
      const mark = str(d.end?.mark);
      const closed = mark ? marks.get(mark) : undefined;
      if (closed) {
        after = closed.oid ? { idx: closed.idx, oid: closed.oid } : (latestBefore(points, closed.idx) ?? before);
        if (after && before && after.idx < before.idx) after = before;
      } else {
        const nextStart = found[i + 1]?.startIdx ?? Number.MAX_SAFE_INTEGER;
        const candidates = points.filter((p) => p.idx > d.startIdx && p.idx < nextStart);
        after = candidates[candidates.length - 1] ?? before;
      }
      previousAfter = after;
    }
    ranges.push({ before: before?.oid ?? null, after: after?.oid ?? null });
  }
  return { session, window, found, ranges };
}

/**
 * Timelines of several sessions with two git processes in all: one diff-tree --stdin for every
 * step's files, one log --no-walk for every snapshot's refs.
 */
async function completeTimelines(repo: Repo, plans: Plan[]): Promise<Timeline[]> {
  const ranges = plans.flatMap((p) => p.ranges);
  const pairs = ranges.map((r): [string, string] => (r.before && r.after ? [r.before, r.after] : ['', '']));
  const [allFiles, snapshots] = await Promise.all([diffPairs(repo, pairs), readSnapshots(repo, ranges.flatMap((r) => [r.before, r.after]).filter((o): o is string => o !== null))]);
  let offset = 0;
  return plans.map((plan) => {
    const files = allFiles.slice(offset, offset + plan.ranges.length);
    offset += plan.ranges.length;
    return finishTimeline(repo.root, plan, files, snapshots);
  });
}

function finishTimeline(root: string, plan: Plan, files: StepFileChange[][], snapshots: Map<string, Snapshot>): Timeline {
  const { session, window, found, ranges } = plan;

  // Events attached to the step they happened in: [start of the step, start of the next).
  const stepEvents: StepEvent[][] = found.map(() => []);
  const sessionLevel: StepEvent[] = [];
  const firstIdx = found[0]?.startIdx ?? Number.MAX_SAFE_INTEGER;
  for (const { idx, event } of window) {
    if (!ATTACHED.has(event.type) || isGuardOwnRefMove(event)) continue;
    if (typeof event.session === 'string' && event.session !== session.id) continue;
    // The agent hook's own verdict lines are the step itself.
    if (event.tool !== undefined && (event.type === 'blocked' || event.type === 'asked' || event.type === 'warned')) continue;
    if (idx < firstIdx) {
      sessionLevel.push(toStepEvent(event));
      continue;
    }
    let at = 0;
    while (at + 1 < found.length && found[at + 1]!.startIdx <= idx) at++;
    stepEvents[at]!.push(toStepEvent(event));
  }

  const byIdx = new Map(window.map((w) => [w.idx, w.event]));
  /** The agent hook's allowed-after-snapshot line of this call (just before its step-start). */
  const snapshotLine = (d: Draft): JournalEvent | undefined => {
    for (let idx = d.startIdx - 1; idx >= d.startIdx - 4; idx--) {
      const e = byIdx.get(idx);
      if (e?.type === 'allowed-after-snapshot' && e.command === d.start?.command) return e;
    }
    return undefined;
  };
  const steps: Step[] = found.map((d, i) => {
    const range = ranges[i]!;
    const captured = d.start ? snapshotLine(d)?.capturedIgnored : undefined;
    const e = d.start ?? d.end;
    const paths = Array.isArray(e?.paths) ? (e!.paths as unknown[]).map(String) : [];
    const verdict = d.start ? str(d.start.verdict) : d.end ? 'allow' : null;
    const time = d.snapshotIdx !== undefined ? (window.find((w) => w.idx === d.snapshotIdx)?.event.time ?? session.startedAt) : (d.start?.time ?? d.end?.time ?? session.startedAt);
    return {
      id: `${session.id}:${i + 1}`,
      n: i + 1,
      session: session.id,
      agent: str(e?.agent) ?? session.agent,
      source: d.snapshotIdx !== undefined ? 'snapshot' : 'tool',
      tool: str(e?.tool),
      kind: str(e?.kind),
      command: str(e?.command),
      paths,
      verdict,
      rule: str(d.start?.rule),
      reason: str(d.start?.reason),
      startedAt: time,
      endedAt: d.end?.time ?? (d.snapshotIdx !== undefined ? time : null),
      before: range.before,
      after: range.after,
      files: (files[i] ?? []).filter((f) => !(f.status === 'deleted' && startCaptureStillThere(root, range.before ? snapshots.get(range.before) : undefined, f.bytes))),
      ...refMoves(range.before ? snapshots.get(range.before) : undefined, range.after ? snapshots.get(range.after) : undefined),
      capturedIgnored: Array.isArray(captured) ? captured.map(String) : [],
      events: stepEvents[i] ?? [],
    };
  });
  return {
    session: { id: session.id, agent: session.agent, agentSession: session.agentSession, startedAt: session.startedAt, endedAt: session.endedAt, startSnapshot: session.startSnapshot },
    steps,
    events: sessionLevel,
  };
}

export async function buildTimeline(repo: Repo, sessionId?: string): Promise<Timeline> {
  const session = sessionRecord(repo, sessionId);
  const [timeline] = await completeTimelines(repo, [planTimeline(readEvents(repo, { worktree: repo.root }), session)]);
  return timeline!;
}

/**
 * A step as people type it: `<session>:<n>`, or `<n>` for the newest session. Returns the
 * timeline it belongs to as well.
 */
export async function findStep(repo: Repo, spec: string): Promise<{ timeline: Timeline; step: Step }> {
  const match = /^(?:(.+):)?(\d+)$/.exec(spec);
  if (!match) {
    throw new GuardError('user', `"${spec}" is not a step id`, { hints: ['A step id is SESSION:N (as `guard timeline` shows it), or N for the newest session.'] });
  }
  const timeline = await buildTimeline(repo, match[1]);
  const step = timeline.steps.find((s) => s.n === Number(match[2]));
  if (!step) {
    throw new GuardError('user', `session ${timeline.session.id} has no step ${match[2]} (it has ${timeline.steps.length})`, { hints: [`See its steps with: guard timeline ${timeline.session.id}`] });
  }
  return { timeline, step };
}

/** Every session of this worktree, newest first, with its steps (for blame). */
export async function allTimelines(repo: Repo): Promise<Timeline[]> {
  const events = readEvents(repo, { worktree: repo.root });
  return completeTimelines(repo, listSessions(repo).map((session) => planTimeline(events, session)));
}

/**
 * The patch of each step (before..after), for the HTML page, at most maxBytes per step: one
 * `git diff-tree --stdin --always -p` for all steps. Each answer starts with a line holding only
 * the requested commit id, which no patch line can be (patch lines start with a space, +, -, @,
 * "diff", "index", a mode line or "\").
 */
export async function stepPatches(repo: Repo, steps: Step[], maxBytes = 256 * 1024): Promise<Map<string, { text: string; truncated: boolean }>> {
  const out = new Map<string, { text: string; truncated: boolean }>();
  const wanted = steps.filter((step) => step.before && step.after && step.before !== step.after && step.files.length > 0);
  if (wanted.length === 0) return out;
  // --no-ext-diff / --no-textconv: the bytes git stores, whatever the user's config says.
  const { stdout } = await runGit(['diff-tree', '--stdin', '--always', '-p', '-r', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv'], {
    cwd: repo.root,
    input: wanted.map((step) => `${step.after} ${step.before}\n`).join(''),
  });
  const text = stdout.toString('latin1');
  const headers = [...text.matchAll(/^[0-9a-f]{40}(?:[0-9a-f]{24})?\n/gm)];
  headers.forEach((header, i) => {
    const step = wanted[i];
    if (!step) return;
    const from = header.index! + header[0].length;
    const to = headers[i + 1]?.index ?? text.length;
    const bytes = stdout.subarray(from, to);
    out.set(step.id, { text: bytes.subarray(0, maxBytes).toString('utf8'), truncated: bytes.length > maxBytes });
  });
  return out;
}
