/**
 * What an agent session changed: files added, modified and deleted between the session-start
 * snapshot and now, refs that moved, commands guard blocked, and the command that undoes it all.
 * Data only; src/cli/session-text.ts renders it.
 */
import { startCaptureStillThere } from './captured-still-there.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { gitPathsOf, pathText } from '../git/path.js';
import type { Snapshot } from '../snapshot/format.js';
import { readEvents, type JournalEvent } from './journal.js';

const TOP = 5;

export interface RefMove {
  ref: string;
  /** null: the ref was created during the session. */
  from: string | null;
  /** null: the ref was deleted during the session. */
  to: string | null;
}

export interface SessionSummary {
  session: string;
  agent: string | null;
  startSnapshot: string;
  endSnapshot: string;
  files: {
    added: number;
    modified: number;
    deleted: number;
    /** Up to five paths of each kind. */
    top: { added: string[]; modified: string[]; deleted: string[] };
  };
  refs: RefMove[];
  /** HEAD switched branch or was detached/attached; null when it stayed on the same ref. */
  head: { from: string; to: string } | null;
  blocked: Array<{ time: string; rule: string | null; what: string }>;
  /** Protected paths the watcher put back after they were deleted or emptied (issue 5). */
  restored: Array<{ time: string; path: string; reason: string }>;
  /**
   * Ignored files the command guard captured into a pre-command snapshot because a command was
   * about to delete them (.env before `git clean -x`); `guard rollback` brings them back.
   */
  capturedIgnored: string[];
  /** The exact command that puts the worktree, index and refs back to the session start. */
  rollback: string;
}

async function fileChanges(repo: Repo, start: Snapshot, toTree: string): Promise<SessionSummary['files']> {
  const files: SessionSummary['files'] = { added: 0, modified: 0, deleted: 0, top: { added: [], modified: [], deleted: [] } };
  const fromTree = start.tree;
  if (fromTree === toTree) return files;
  // -r: every file, not top-level trees; -z: paths verbatim; --no-renames: a rename is a delete
  // plus an add, which is what a rollback undoes.
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-status', fromTree, toTree], { cwd: repo.root });
  // Names stay bytes until they are shown: one that is not UTF-8 (or holds a newline) is shown
  // quoted as git quotes it, never decoded lossily.
  const parts = gitPathsOf(stdout);
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i] as string;
    // An ignored file the session start captured, still there: no change (captured-still-there.ts).
    if (status === 'D' && startCaptureStillThere(repo.root, start, parts[i + 1]!)) continue;
    const file = pathText(parts[i + 1]!);
    const kind = status === 'A' ? 'added' : status === 'D' ? 'deleted' : 'modified';
    files[kind]++;
    if (files.top[kind].length < TOP) files.top[kind].push(file);
  }
  return files;
}

function headName(head: Snapshot['head']): string {
  return head.symbolic ?? `detached at ${head.oid?.slice(0, 12) ?? '(unborn)'}`;
}

function refMoves(start: Snapshot, end: Snapshot): RefMove[] {
  const moves: RefMove[] = [];
  const names = new Set([...Object.keys(start.refs), ...Object.keys(end.refs)]);
  for (const ref of [...names].sort()) {
    const from = start.refs[ref] ?? null;
    const to = end.refs[ref] ?? null;
    if (from !== to) moves.push({ ref, from, to });
  }
  if (JSON.stringify(start.stash) !== JSON.stringify(end.stash)) {
    moves.push({ ref: 'refs/stash', from: start.stash[0]?.oid ?? null, to: end.stash[0]?.oid ?? null });
  }
  return moves;
}

/**
 * Remote-tracking refs the session moved (a branch deleted on the remote shows as its
 * refs/remotes/ ref deleted): snapshots hold local branches and tags only, so these come from the
 * reference-transaction journal lines that carry the session id. First old, last new value per ref.
 */
function remoteRefMoves(events: JournalEvent[], session: string): RefMove[] {
  const value = (v: unknown): string | null => (typeof v === 'string' && /[^0]/.test(v) ? v : null);
  // git reports a remote-tracking ref deleted after a push as 0 -> 0: its last value comes
  // from the journal line that set it.
  const last = new Map<string, string | null>();
  const moves = new Map<string, RefMove>();
  for (const e of events) {
    if (e.type !== 'ref-update' || typeof e.ref !== 'string' || !e.ref.startsWith('refs/remotes/')) continue;
    const before = value(e.old) ?? last.get(e.ref) ?? null;
    const after = value(e.new);
    last.set(e.ref, after);
    if (e.session !== session) continue;
    const seen = moves.get(e.ref);
    moves.set(e.ref, { ref: e.ref, from: seen ? seen.from : before, to: after });
  }
  return [...moves.values()].filter((m) => m.from !== m.to).sort((a, b) => a.ref.localeCompare(b.ref));
}

export async function summarizeSession(
  repo: Repo,
  session: { id: string; agent: string | null },
  start: Snapshot,
  end: Snapshot,
): Promise<SessionSummary> {
  // One read of the journal (rotated files included) for everything below.
  const events = readEvents(repo);
  const mine = (type: string): JournalEvent[] => events.filter((e) => e.type === type && e.session === session.id);
  const blocked = mine('blocked').map((e) => ({
    time: e.time,
    rule: typeof e.rule === 'string' ? e.rule : null,
    // Agent hooks journal the command or path; git hooks the refused change (`reason`) and the hook.
    what:
      typeof e.command === 'string'
        ? e.command
        : typeof e.path === 'string'
          ? e.path
          : typeof e.hook === 'string' && typeof e.reason === 'string'
            ? `${e.reason} (git ${e.hook} hook)`
            : String(e.tool ?? 'a tool call'),
  }));
  const head = headName(start.head) === headName(end.head) ? null : { from: headName(start.head), to: headName(end.head) };
  return {
    session: session.id,
    agent: session.agent,
    startSnapshot: start.oid,
    endSnapshot: end.oid,
    files: await fileChanges(repo, start, end.tree),
    refs: [...refMoves(start, end), ...remoteRefMoves(events, session.id)],
    head,
    blocked,
    restored: mine('protected-restore').map((e) => ({
      time: e.time,
      path: String(e.path),
      reason: typeof e.reason === 'string' ? e.reason : 'deleted',
    })),
    capturedIgnored: [
      ...new Set(
        mine('allowed-after-snapshot').flatMap((e) =>
          Array.isArray(e.capturedIgnored) ? e.capturedIgnored.filter((p): p is string => typeof p === 'string') : [],
        ),
      ),
    ].sort(),
    rollback: `guard rollback --session ${session.id}`,
  };
}

/** True when the session left anything to report. */
export function summaryHasChanges(summary: SessionSummary): boolean {
  const f = summary.files;
  return f.added + f.modified + f.deleted > 0 || summary.refs.length > 0 || summary.head !== null || summary.blocked.length > 0 || summary.restored.length > 0 || summary.capturedIgnored.length > 0;
}
