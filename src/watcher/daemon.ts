/**
 * The watcher of one worktree: records every change as a snapshot soon after it settles,
 * restores deleted protected paths, and mirrors new snapshots to the backup.
 *
 *  - one per worktree (pid file, state-file.ts); it survives the shell that started it (the
 *    control code detaches it) and stops when the session that started it ends, after
 *    `watch.idleTimeoutMinutes` without changes or sessions, on `guard watch stop`, or when the
 *    repository disappears (`rm -rf .git`: the backup is what matters then);
 *  - snapshots are incremental: the paths the file-system events named are handed to
 *    createSnapshot as changedPaths (O(changes): only those paths and their directories are read); only git state
 *    changed (a commit, a stash drop) -> a snapshot that re-reads no file at all; too many paths, an
 *    event without a name, or a change to an ignored file the config captures (`includeIgnored`)
 *    -> a full snapshot;
 *  - debounced (debounce.ts): `watch.debounceMs` after the last change, at least every
 *    `watch.maxIntervalMs` while changes keep coming;
 *  - when the OS watch limit is reached the watcher says so (state file, log) and falls back to
 *    a full snapshot every 3 x maxIntervalMs (30 s by default), protected paths checked every second;
 *  - when a walk of the worktree did not finish (a rescan after an ignore-rule change whose
 *    check-ignore died, an unreadable directory), some directories may have no watch: the watches
 *    are incomplete (state file: watchesIncomplete), every snapshot is a full walk (served ones
 *    too) until a retried rescan finishes (fs-events.ts), one at each failed try.
 * Nothing here prints: events go to onEvent (the CLI logs them).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import { compileGlob, type MatchPolicy } from '../policy/match.js';
import type { Policy } from '../policy/schema.js';
import { appendEvent } from '../session/journal.js';
import { listSessions } from '../session/store.js';
import { recordStepSnapshot, stepFlushPath } from '../session/steps.js';
import { createSnapshot, type CreateSnapshotResult } from '../snapshot/create.js';
import type { Snapshot } from '../snapshot/format.js';
import { testFault } from '../util/test-faults.js';
import type { Server } from 'node:net';
import { serveSnapshots, stopServing, type PauseReply, type PauseRequest, type ServeReply, type ServeRequest } from './serve.js';
import { readChainHead } from '../snapshot/read.js';
import { Debouncer } from './debounce.js';
import { FsEvents, type FsChange } from './fs-events.js';
import { ProtectedRestore, type RestoreEvent } from './protected-restore.js';
import { gitPathsOf, matchText, type GitPath } from '../git/path.js';
import { runGit } from '../git/run.js';
import { keepObjectPipes, type KeptObjectPipes } from '../git/object-pipes.js';
import { acquirePidFile, readPid, releasePidFile, touchPidFile, writeStateFile, type WatcherStateFile } from './state-file.js';

/** More changed paths than this in one batch: a full snapshot is cheaper than the path list. */
const MAX_PATHS = 2000;
const HEARTBEAT_MS = 5000;
/** How often the store size is compared with snapshot.retention.maxStoreSize. */
const GC_CHECK_MS = 60 * 60 * 1000;
/** Polling (no OS watches) takes a full snapshot every 3 x maxIntervalMs (30 s by default), at least 5 s apart. */
const POLL_FLOOR_MS = 5000;
/**
 * After a step's post-tool hook pokes the watcher. The step's own events came before the poke in
 * the one inotify queue and were handled as they arrived (fs-events.ts), so no grace is needed for
 * them; 0 only lets the current batch of events finish first.
 */
const STEP_GRACE_MS = 0;

export type WatcherEvent =
  | { type: 'ready'; mode: 'events' | 'polling'; dirs: number }
  | { type: 'snapshot'; oid: string; created: boolean; paths: number | 'all'; ms: number; served?: boolean }
  | { type: 'protected-restore'; path: string; reason: string; snapshot: string }
  | { type: 'polling'; reason: string }
  | { type: 'watches'; incomplete: string | null }
  | { type: 'backup'; ok: boolean; target: string; message: string }
  | { type: 'error'; message: string }
  | { type: 'gc'; dropped: number; reclaimedBytes: number }
  | { type: 'stopping'; reason: string };

export interface WatcherOptions {
  /** The session that started this watcher: it stops when no session is open any more. */
  startedFor?: string | null;
  onEvent?: (event: WatcherEvent) => void;
  /** Test fault injection: pretend the OS watch limit is this many directories. */
  fakeWatchLimit?: number;
  /** Mirror snapshots to the backup (default true). */
  backup?: boolean;
}

interface OpenSession {
  id: string;
  agent: string | null;
}

async function loadPolicy(repo: Repo): Promise<Policy> {
  const { readPolicy } = await import('../config/compile.js');
  return readPolicy(repo);
}

function topOpenSession(repo: Repo): OpenSession | null {
  const open = listSessions(repo).filter((s) => s.endedAt === null);
  const top = open[0];
  return top ? { id: top.id, agent: top.agent } : null;
}

/** Drops paths covered by a changed directory above them ("src" covers "src/a.js"). */
export function collapsePaths<P extends string>(paths: Iterable<P>): P[] {
  const sorted = [...new Set(paths)].sort();
  const out: P[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && p.startsWith(`${last}/`)) continue;
    out.push(p);
  }
  return out;
}

/** The paths two index trees differ by that the second one added (one `diff-tree`). */
async function addedToIndex(repo: Repo, from: string, to: string): Promise<GitPath[]> {
  const { stdout } = await runGit(['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--diff-filter=A', from, to], { cwd: repo.root });
  return gitPathsOf(stdout);
}

export class Watcher {
  private readonly emit: (event: WatcherEvent) => void;
  private policy!: Policy;
  private fsEvents: FsEvents | null = null;
  private protect!: ProtectedRestore;
  private debouncer!: Debouncer;
  /** Paths the events named since the last snapshot, as bytes (GitPath). */
  private pending = new Set<GitPath>();
  private everything = false;
  private gitChanged = false;
  private snapshotting: Promise<void> | null = null;
  private again = false;
  private pushing = false;
  private pushWanted = false;
  /** A session's watcher pushes after its deferred start-up snapshot, not at its start (doStart). */
  private pushAfterStartup = false;
  private pushDone: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private lastActivity = Date.now();
  private session: OpenSession | null = null;
  private sawSession = false;
  private failures = 0;
  private stopping: Promise<string> | null = null;
  private resolveDone!: (reason: string) => void;
  /** Resolves with the reason once the watcher has stopped. */
  readonly done: Promise<string>;
  private state: WatcherStateFile;
  /** Answers `guard snapshot` (serve.ts) while running. */
  private server: Server | null = null;
  /**
   * The `cat-file --batch` and `hash-object` processes its snapshots read and write objects with
   * (object-pipes.ts): kept from start to stop, so a snapshot starts fewer git processes.
   */
  private objectPipes: KeptObjectPipes | null = null;
  /**
   * The user's index tree as of the last look for newly tracked files (followTracked): a snapshot
   * that records another one names what the index gained since. undefined: none known (conflicted,
   * or no snapshot before this watcher's walk).
   */
  private indexTreeSeen: string | undefined;
  /** The tree of the last snapshot this watcher took or was handed back (snapshotStep). */
  private headTree: string | undefined;
  /** The tree the protected files the restores know of were listed from (loadProtected). */
  private protectTree: string | null = null;
  /** A session's watcher: list the protected files again from its first snapshot (doStart). */
  private protectAfterStartup = false;
  /** The looks for newly tracked files, one after the other. */
  private tracking: Promise<void> = Promise.resolve();
  /** The rollbacks holding the watcher still (pauseFor): no snapshot, no protected restore. */
  private readonly pausedFor: number[] = [];

  constructor(
    private readonly repo: Repo,
    private readonly options: WatcherOptions = {},
  ) {
    this.emit = options.onEvent ?? (() => undefined);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const now = new Date().toISOString();
    this.state = {
      pid: process.pid,
      state: 'starting',
      mode: 'events',
      reason: null,
      startedAt: now,
      heartbeatAt: now,
      stoppedAt: null,
      startedFor: options.startedFor ?? null,
      watchedDirs: 0,
      watchesIncomplete: false,
      watchesIncompleteReason: null,
      snapshots: { taken: 0, unchanged: 0, failed: 0 },
      lastSnapshot: null,
      lastError: null,
      protectedRestores: 0,
      rss: process.memoryUsage().rss,
    };
  }

  private starting: Promise<void> | null = null;

  /** Starts watching; throws GuardError('refused') when another watcher runs for this worktree. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const holder = acquirePidFile(this.repo);
    if (holder !== null) {
      throw new GuardError('refused', `a watcher already runs for ${this.repo.root} (pid ${holder})`, {
        hints: ['See it with: guard watch status', 'Stop it with: guard watch stop'],
        details: { pid: holder },
      });
    }
    this.writeState();
    this.objectPipes = keepObjectPipes(this.repo);
    try {
      this.policy = await loadPolicy(this.repo);
      const watch = this.policy.watch;
      this.debouncer = new Debouncer(() => void this.snapshot(), { debounceMs: watch.debounceMs, maxIntervalMs: watch.maxIntervalMs });
      this.session = topOpenSession(this.repo);
      this.sawSession = this.session !== null;
      this.protect = new ProtectedRestore(this.repo, {
        policy: () => (this.policy.error ? null : (this.policy as MatchPolicy)),
        // Read fresh: a session may have started a moment ago (the file is small).
        session: () => (this.session = topOpenSession(this.repo)),
        onRestore: (event) => this.onRestore(event),
        onError: (error) => this.onError(error),
      });
      this.fsEvents = new FsEvents(this.repo, {
        onChange: (change) => this.onChange(change),
        onLimit: (error) => void this.fallBackToPolling(error),
        onError: (error) => this.onError(error),
        onCoverage: (incomplete) => this.onCoverage(incomplete),
        ...(this.options.fakeWatchLimit !== undefined ? { fakeWatchLimit: this.options.fakeWatchLimit } : {}),
      });
      // Marks written before this watcher ran were closed by a snapshot of their own hook.
      this.readStepMarks();
      // The socket `guard snapshot` asks this watcher through (serve.ts) is set up beside the walk;
      // requests are declined until the watches are in place.
      const serving = serveSnapshots(this.repo, (request) => this.serveSnapshot(request), (request) => this.pauseFor(request)).catch((error: unknown) => {
        this.onError(error as Error);
        return null;
      });
      // The newest snapshot, read beside the walk (one `git log -1`, the start-up's only read of
      // the chain head): its index tree is where the look for newly tracked files starts (what
      // the index gains from there is looked at per snapshot), its tree lists the protected files
      // below when no start-up snapshot runs first. undefined: the read failed.
      const seen = readChainHead(this.repo).catch(() => undefined);
      await this.fsEvents.start();
      const head = await seen;
      this.indexTreeSeen = head?.indexTree ?? undefined;
      this.server = await serving;
      if (this.stopping) return;
      this.state.watchedDirs = this.fsEvents?.watchedDirs ?? 0;
      // From here every change is seen: the watcher is ready (`guard watch` and a session start
      // waiting for it return; a served snapshot waits for the start-up snapshot below, then
      // records what changed since).
      this.state.watching = true;
      this.writeState();
      // Whatever changed before the watches were in place: one full snapshot. A watcher started
      // for a session runs it after the debounce instead: the session start is taking its own
      // full snapshot at this very moment (src/session/store.ts), and the two walks would share
      // the CPU while the agent waits. Nothing is lost meanwhile: everything stays pending (a
      // served request takes it at once), and every change from here on has its event.
      this.everything = true;
      // The protected files the restores know of: those of the start-up snapshot (the chain head
      // it returns, new or not: no second read of the head); for a session's watcher, whose
      // start-up snapshot comes later, those of the head read beside the walk, listed again from
      // the first snapshot taken after the watches were in place (snapshotStep) when its tree is
      // another. The head is read again only when neither is known (a failed read or snapshot).
      let tree: string | null | undefined;
      if (this.options.startedFor) {
        this.debouncer.touch();
        this.protectAfterStartup = true;
        tree = head === undefined ? undefined : (head?.tree ?? null);
      } else {
        this.headTree = undefined;
        await this.snapshot();
        tree = this.headTree;
      }
      if (tree === undefined) tree = (await readChainHead(this.repo))?.tree ?? null;
      // Polling lists them after each new snapshot already (snapshotStep): not twice.
      if (tree === null || tree !== this.protectTree) await this.loadProtected(tree);
      // Stopped while starting (a signal): shutdown() finishes the job once this returns.
      if (this.stopping) return;
      this.state.state = 'running';
      this.writeState();
      this.emit({ type: 'ready', mode: this.state.mode, dirs: this.state.watchedDirs });
      this.timers.push(setInterval(() => void this.heartbeat(), HEARTBEAT_MS));
      // Retention when the store has grown past snapshot.retention.maxStoreSize.
      const firstGc = setTimeout(() => void this.maybeGc(), 60_000);
      firstGc.unref();
      this.timers.push(firstGc, setInterval(() => void this.maybeGc(), GC_CHECK_MS));
      // Bring the backup up to date even when the first snapshot found nothing new. A watcher
      // started for a session does so after its deferred start-up snapshot instead (snapshotStep):
      // the session start is pushing its own snapshot into the same backup at this very moment,
      // and a push of ours now held it up behind the backup's push lock while the agent waited.
      if (this.options.backup !== false && !this.pushing) {
        if (this.options.startedFor) this.pushAfterStartup = true;
        else this.schedulePush();
      }
    } catch (error) {
      await stopServing(this.repo, this.server).catch(() => undefined);
      this.server = null;
      await this.fsEvents?.close().catch(() => undefined);
      await this.objectPipes?.close();
      this.state.state = 'crashed';
      this.state.reason = `could not start: ${(error as Error).message}`;
      this.writeState();
      releasePidFile(this.repo);
      throw error;
    }
  }

  /** Stops after recording what is pending; returns the reason. Safe to call more than once. */
  stop(reason: string): Promise<string> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<string> {
    this.emit({ type: 'stopping', reason });
    // Let a start in progress reach a point where it sees `stopping` and adds nothing more.
    await this.starting?.catch(() => undefined);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    await stopServing(this.repo, this.server).catch(() => undefined);
    this.server = null;
    this.state.state = 'stopping';
    this.writeState();
    await this.fsEvents?.close().catch(() => undefined);
    if (this.repoExists()) {
      await this.protect?.idle().catch(() => undefined);
      if (this.debouncer?.pending || this.pending.size > 0 || this.everything || this.gitChanged) {
        this.debouncer?.cancel();
        await this.snapshot();
      }
      if (this.snapshotting) await this.snapshotting;
      // A last push, bounded: stopping must not hang on a slow remote.
      await Promise.race([this.pushDone, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    this.debouncer?.cancel();
    // After the last snapshot: nothing reads or writes objects for this watcher any more.
    await this.objectPipes?.close();
    this.state.state = 'stopped';
    this.state.reason = reason;
    this.state.stoppedAt = new Date().toISOString();
    this.writeState();
    releasePidFile(this.repo);
    this.resolveDone(reason);
    return reason;
  }

  /** Records a crash (an unexpected error in the daemon process) where `guard status` sees it. */
  crashed(error: unknown): void {
    this.state.state = 'crashed';
    this.state.reason = error instanceof Error ? error.message : String(error);
    this.state.lastError = { time: new Date().toISOString(), message: this.state.reason };
    this.writeState();
    releasePidFile(this.repo);
  }

  private repoExists(): boolean {
    return fs.existsSync(path.join(this.repo.gitDir, 'HEAD'));
  }

  private writeState(): void {
    // Started by an agent hook's shim before the session had an id (`--session +<agent>`,
    // hooks/agent-hook.sh): the session it was started for is the one open now.
    if (this.state.startedFor?.startsWith('+') && this.session) this.state.startedFor = this.session.id;
    this.state.heartbeatAt = new Date().toISOString();
    this.state.rss = process.memoryUsage().rss;
    try {
      writeStateFile(this.repo, this.state);
    } catch {
      // The git dir may be going away; the heartbeat notices.
    }
  }

  /** Byte offset of step-flush read so far, and the step marks waiting for their snapshot. */
  private stepFlushOffset = 0;
  private stepMarks: string[] = [];

  /** New lines of step-flush: the marks of the post-tool hooks that wait for a snapshot. */
  private readStepMarks(): string[] {
    let text: Buffer;
    try {
      text = fs.readFileSync(stepFlushPath(this.repo));
    } catch {
      return [];
    }
    // Truncated or replaced by something shorter: start over.
    if (text.length < this.stepFlushOffset) this.stepFlushOffset = 0;
    const fresh = text.subarray(this.stepFlushOffset).toString('utf8');
    const end = fresh.lastIndexOf('\n');
    if (end < 0) return [];
    this.stepFlushOffset += Buffer.byteLength(fresh.slice(0, end + 1));
    // Keep the file small: a long-running session appends one line per tool call.
    if (this.stepFlushOffset > 64 * 1024) {
      try {
        fs.writeFileSync(stepFlushPath(this.repo), '');
        this.stepFlushOffset = 0;
      } catch {
        // next time
      }
    }
    return fresh
      .slice(0, end)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /**
   * A step ended (an agent's post-tool hook): snapshot now instead of after the debounce, so the
   * snapshot holds exactly that step's changes. The file events of the step were queued before
   * the hook's write (one inotify queue), so they are pending already.
   */
  private onStep(): void {
    const marks = this.readStepMarks();
    if (marks.length === 0) return;
    this.stepMarks.push(...marks);
    setTimeout(() => {
      this.debouncer.cancel();
      void this.snapshot();
    }, STEP_GRACE_MS).unref();
  }

  private onChange(change: FsChange): void {
    if (this.stopping) return;
    if (change.kind === 'step') {
      this.onStep();
      return;
    }
    this.lastActivity = change.at;
    if (change.kind === 'git') this.gitChanged = true;
    else if (change.kind === 'everything') this.everything = true;
    else if (change.kind === 'rules') {
      // What git ignores changed: files it ignored until now were never reported (their directory
      // had no watch), so a full snapshot, and the directories are classified again.
      this.everything = true;
      this.fsEvents
        ?.rescan()
        .then(() => {
          // Once the new watches are in place: whatever was written before they were is read too.
          if (this.stopping) return;
          this.everything = true;
          this.debouncer.touch();
        })
        .catch((error: unknown) => this.onError(error as Error));
    } else {
      this.pending.add(change.rel);
      // The event's name is bytes, as protected-restore and the snapshot take it.
      this.protect.note(change.rel, change.at);
    }
    this.debouncer.touch();
  }

  /**
   * Whether the watches cover the worktree changed, or a retried rescan failed again. Each time a
   * full snapshot: what changed in a directory without a watch is seen by no event; once whole
   * again, what changed before the new watches were placed is read too.
   */
  private onCoverage(incomplete: string | null): void {
    if (this.stopping) return;
    const changed = incomplete === null ? this.state.watchesIncomplete === true : this.state.watchesIncomplete !== true;
    this.state.watchesIncomplete = incomplete !== null;
    this.state.watchesIncompleteReason = incomplete;
    this.writeState();
    if (changed) this.emit({ type: 'watches', incomplete });
    this.everything = true;
    this.debouncer.touch();
  }

  private onRestore(event: RestoreEvent): void {
    this.state.protectedRestores++;
    this.writeState();
    try {
      appendEvent(this.repo, {
        type: 'protected-restore',
        session: this.session?.id ?? null,
        agent: this.session?.agent ?? null,
        path: event.path,
        reason: event.reason,
        snapshot: event.snapshot,
        mode: event.mode,
      });
    } catch (error) {
      this.onError(error as Error);
    }
    this.emit({ type: 'protected-restore', path: event.path, reason: event.reason, snapshot: event.snapshot });
  }

  private onError(error: Error): void {
    this.state.lastError = { time: new Date().toISOString(), message: error.message };
    this.writeState();
    this.emit({ type: 'error', message: error.message });
  }

  private includeIgnoredMatchers: Array<(p: string) => boolean> | null = null;

  /** Changes to ignored files the config captures are invisible to an incremental snapshot. */
  private touchesIncludedIgnored(paths: Iterable<GitPath>): boolean {
    const globs = this.policy.snapshot.includeIgnored;
    if (globs.length === 0) return false;
    // Same reading of the globs as the capture: a glob without '/' matches at any depth.
    this.includeIgnoredMatchers ??= globs.map((g) => compileGlob(g.includes('/') ? g : `**/${g}`));
    for (const p of paths) if (this.includeIgnoredMatchers.some((m) => m(matchText(p)))) return true;
    return false;
  }

  private async loadProtected(tree: string | null): Promise<void> {
    this.protectTree = tree;
    await this.protect.load(tree);
  }

  /** Takes one snapshot of what is pending (serialised; a call during a snapshot runs again after it). */
  private snapshot(): Promise<void> {
    if (this.snapshotting) {
      this.again = true;
      return this.snapshotting;
    }
    this.snapshotting = this.snapshotLoop().finally(() => {
      this.snapshotting = null;
    });
    return this.snapshotting;
  }

  private async snapshotLoop(): Promise<void> {
    do {
      this.again = false;
      const outcome = await this.snapshotStep();
      if (outcome === 'stop') return;
    } while (this.again);
  }

  /**
   * One snapshot of what is pending. `request`: `guard snapshot` asked for it (serve.ts): taken
   * even when nothing is pending, with the request's trigger, message and force, and handed back.
   * 'stop': the loop ends here (the repository is gone, a rollback runs, or the snapshot failed).
   */
  private async snapshotStep(request?: ServeRequest): Promise<'stop' | 'next' | { snapshot: Snapshot; created: boolean }> {
    if (!this.repoExists()) return 'stop';
    // A rollback holds the watcher still: what is pending stays pending, recorded when it ends (resume).
    if (this.pausedFor.length > 0) {
      this.state.snapshots.held = (this.state.snapshots.held ?? 0) + 1;
      this.writeState();
      return 'stop';
    }
    if (fs.existsSync(path.join(this.repo.gitDir, 'guard', 'rollback-in-progress.json'))) {
      // A rollback is rewriting the worktree: record the result once it is done.
      setTimeout(() => this.debouncer.touch(), 1000).unref();
      return 'stop';
    }
    const paths = collapsePaths(this.pending);
    // Watches that miss directories: the events do not name every change, only a walk sees them all.
    const full = this.everything || this.state.watchesIncomplete === true || paths.length > MAX_PATHS || this.touchesIncludedIgnored(paths);
    const gitOnly = this.gitChanged;
    const marks = this.stepMarks;
    this.stepMarks = [];
    this.pending = new Set();
    this.everything = false;
    this.gitChanged = false;
    if (!request && !full && paths.length === 0 && !gitOnly) {
      // The step changed nothing the watcher saw: its state is the previous snapshot's.
      if (marks.length > 0) this.journalStepSnapshot(marks, null);
      return 'next';
    }
    this.session = topOpenSession(this.repo);
    const started = Date.now();
    const trigger = request?.trigger ?? 'watch';
    const session = request ? request.session : (this.session?.id ?? null);
    const agent = request ? request.agent : (this.session?.agent ?? null);
    try {
      const { snapshot, created, indexChanged } = await createSnapshot(this.repo, {
        trigger,
        session,
        agent,
        ...(request ? { message: request.message, force: request.force, ...(request.reuseSame ? { reuseSame: true } : {}) } : {}),
        // An agent hook's capture: read now, whether this snapshot is incremental or a walk.
        ...(request?.captureIgnored?.length ? { captureIgnored: request.captureIgnored } : {}),
        ...(request?.lookAtModes?.length ? { lookAtModes: request.lookAtModes } : {}),
        maxFileSize: this.policy.snapshot.maxFileSize,
        includeIgnored: this.policy.snapshot.includeIgnored,
        ...(full ? {} : { changedPaths: paths }),
      });
      this.failures = 0;
      this.followTracked(snapshot.indexTree, indexChanged);
      // A new snapshot goes into the backup; so does the first one of a session's watcher, new or
      // not (the start-up push it did not do: doStart).
      const push = (created || this.pushAfterStartup) && this.options.backup !== false;
      this.pushAfterStartup = false;
      if (created) {
        this.state.snapshots.taken++;
        this.state.lastSnapshot = { oid: snapshot.oid, time: snapshot.time, paths: full ? 'all' : paths.length };
        // `guard snapshot` journals nothing of its own: neither does the snapshot taken for it.
        if (!request) appendEvent(this.repo, { type: 'snapshot', snapshot: snapshot.oid, trigger, session, agent, created });
      }
      if (push) this.schedulePush();
      this.headTree = snapshot.tree;
      if (created) {
        // Polling sees no events: keep the list of protected files it checks up to date.
        if (this.state.mode === 'polling') await this.loadProtected(snapshot.tree);
      } else {
        this.state.snapshots.unchanged++;
      }
      if (marks.length > 0) this.journalStepSnapshot(marks, snapshot.oid);
      this.writeState();
      this.emit({ type: 'snapshot', oid: snapshot.oid, created, paths: full ? 'all' : paths.length, ms: Date.now() - started, ...(request ? { served: true } : {}) });
      if (this.protectAfterStartup) {
        // A session's watcher listed the protected files of the head read beside its walk: what
        // was created since (before the watches) is in this first snapshot's tree. After the
        // snapshot is said: the push scheduled above must not be logged before it.
        this.protectAfterStartup = false;
        if (snapshot.tree !== this.protectTree) await this.loadProtected(snapshot.tree);
      }
      return request ? { snapshot, created } : 'next';
    } catch (error) {
      if (!this.repoExists()) return 'stop';
      // Keep what was not recorded and try again later.
      for (const p of paths) this.pending.add(p);
      this.stepMarks.unshift(...marks);
      if (full) this.everything = true;
      if (gitOnly) this.gitChanged = true;
      this.failures++;
      this.state.snapshots.failed++;
      this.onError(error as Error);
      setTimeout(() => this.debouncer.touch(), Math.min(30_000, 1000 * 2 ** this.failures)).unref();
      if (request) throw error;
      return 'stop';
    }
  }

  /**
   * Files the index gained since the last look (`git add -f`, a checkout) may lie in a directory
   * the rules exclude, which has no watch: those get one (FsEvents.watchTracked), so an edit of
   * such a file has its event and the next incremental snapshot reads it. The snapshot's own
   * comparison of the two index trees is used when it made one (an incremental snapshot, no
   * process); else one `diff-tree` of them, only when the tree changed and some directory is
   * excluded; with no earlier tree to compare, one `ls-files` of the excluded directories.
   */
  private followTracked(indexTree: string | null, changed: CreateSnapshotResult['indexChanged']): void {
    const before = this.indexTreeSeen;
    // Conflicted (no tree): looked at once it is resolved, against the tree before.
    if (indexTree === null || indexTree === before) return;
    this.indexTreeSeen = indexTree;
    const events = this.fsEvents;
    if (!events?.ignoresSome) return;
    const files =
      before === undefined
        ? events.ignored.trackedInIgnored()
        : changed && changed.from === before && changed.to === indexTree
          ? Promise.resolve(changed.paths)
          : addedToIndex(this.repo, before, indexTree);
    files.catch(() => undefined);
    this.tracking = this.tracking
      .then(() => files)
      .then((paths) => {
        if (this.fsEvents === events && !this.stopping) events.watchTracked(paths);
      })
      .catch((error: unknown) => {
        this.onError(error as Error);
        // Not known which files: a rescan asks git about every directory again.
        if (this.fsEvents === events && !this.stopping) this.onChange({ kind: 'rules', at: Date.now() });
      });
  }

  /**
   * Takes the snapshot `guard snapshot`, a session start or an agent hook's pre-command snapshot
   * asked for (serve.ts), O(changes), with the ignored files the hook names read at the
   * snapshot (the watcher does not follow ignored files' content): first every event of a
   * change made before the request is handled (a barrier through the inotify queue) and new
   * directories are watched; then, after a snapshot in progress, one snapshot of everything
   * pending (a full walk while the watches are incomplete: snapshotStep). Declines (the client
   * then walks itself) unless it watches with events, for this worktree, with the client's
   * snapshot options.
   */
  private async serveSnapshot(request: ServeRequest): Promise<ServeReply> {
    const decline = (reason: string): ServeReply => ({ ok: false, reason });
    // Running, or starting with its watches in place (its start-up snapshot runs: waited for below).
    const watching = this.state.state === 'running' || (this.state.state === 'starting' && this.state.watching === true);
    if (this.stopping || !watching || this.state.mode !== 'events' || !this.fsEvents) return decline('the watcher does not watch with events now');
    if (this.pausedFor.length > 0) return decline('a rollback is running (the watcher is paused for it)');
    if (request.root !== this.repo.root) return decline(`this watcher watches ${this.repo.root}`);
    const settings = this.policy.snapshot;
    if (request.maxFileSize !== settings.maxFileSize || JSON.stringify(request.includeIgnored) !== JSON.stringify(settings.includeIgnored)) return decline('other snapshot options than the watcher\'s');
    if (request.captureIgnored !== undefined && !validCapture(request.captureIgnored)) return decline('ignored files to capture that are not paths inside the worktree');
    if (request.lookAtModes !== undefined && !validCapture(request.lookAtModes)) return decline('files whose bits to look at that are not paths inside the worktree');
    const events = this.fsEvents;
    if (!(await events.barrier())) return decline('the watcher could not show that it saw every change');
    await events.settled();
    // Files the index gained under an excluded directory have their watch, and are pending.
    await this.tracking;
    if (this.stopping || this.fsEvents !== events) return decline('the watcher stopped watching');
    // One snapshot at a time: wait for the running one, then take ours with everything pending.
    while (this.snapshotting) await this.snapshotting;
    this.debouncer.cancel();
    const step = this.snapshotStep(request);
    this.snapshotting = step.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      this.snapshotting = null;
      // Asked for meanwhile (a debounce fired): run the loop now.
      if (this.again) void this.snapshot();
    });
    const outcome = await step;
    if (typeof outcome === 'string') return decline('a rollback is in progress or the repository is gone');
    return { ok: true, snapshot: outcome.snapshot, created: outcome.created };
  }

  /**
   * A rollback asks the watcher to hold still while it runs (serve.ts, PauseRequest): from the
   * answer until the rollback closes its connection no protected restore is written (one due is
   * looked at again afterwards: protected-restore.ts) and no snapshot is taken, so none records a
   * half-restored tree (one that later became a rollback's default target or a restore's
   * source); the snapshot running when the request came finishes first. The rollback takes its
   * own pre-rollback snapshot (what --undo returns to); the watcher records the result once the
   * pause ends, from the events it kept.
   */
  private async pauseFor(request: PauseRequest): Promise<{ reply: PauseReply; resume: () => void }> {
    if (request.worktree !== this.repo.root || this.stopping || !this.protect) return { reply: { ok: false, reason: this.stopping ? 'the watcher is stopping' : `this watcher watches ${this.repo.root}` }, resume: () => undefined };
    this.pausedFor.push(request.pid);
    this.protect.pause();
    this.debouncer.cancel();
    this.state.pausedFor = [...this.pausedFor];
    this.writeState();
    let resumed = false;
    const resume = (): void => {
      if (resumed) return;
      resumed = true;
      this.pausedFor.splice(this.pausedFor.indexOf(request.pid), 1);
      this.state.pausedFor = [...this.pausedFor];
      if (!this.stopping) this.writeState();
      this.protect.resume();
      // What the rollback wrote (and anything else meanwhile): recorded now.
      if (this.pausedFor.length === 0 && !this.stopping) this.debouncer.touch();
    };
    // The snapshot in progress, if any, records the tree from before the rollback: let it finish.
    while (this.snapshotting) await this.snapshotting;
    return { reply: { ok: true, paused: true }, resume };
  }

  private journalStepSnapshot(marks: string[], oid: string | null): void {
    try {
      recordStepSnapshot(this.repo, marks, oid, { session: this.session?.id ?? null, agent: this.session?.agent ?? null, by: 'watcher' });
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private schedulePush(): void {
    // Test bundle only: the suite's tests that do not look at the backup push nothing (test-faults.ts).
    if (testFault('GUARD_TEST_NO_AUTO_PUSH') === '1') return;
    this.pushWanted = true;
    if (this.pushing) return;
    this.pushing = true;
    this.pushDone = this.pushLoop().finally(() => {
      this.pushing = false;
    });
  }

  private async pushLoop(): Promise<void> {
    const { pushBackup, pushRemote } = await import('../backup/mirror.js');
    while (this.pushWanted) {
      this.pushWanted = false;
      try {
        const local = await pushBackup(this.repo, this.policy, { automatic: true });
        if (!local.empty) this.emit({ type: 'backup', ok: local.ok, target: local.target, message: local.error ?? (local.ok ? `${local.updated} refs updated` : local.rejected.map((r) => `${r.ref}: ${r.reason}`).join('; ')) });
        const remote = await pushRemote(this.repo, this.policy, { automatic: true });
        if (remote && !remote.empty) this.emit({ type: 'backup', ok: remote.ok, target: remote.target, message: remote.error ?? `${remote.updated} refs updated` });
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }

  private async fallBackToPolling(error: NodeJS.ErrnoException): Promise<void> {
    if (this.state.mode === 'polling' || this.stopping) return;
    const limit = readWatchLimit();
    const reason =
      error.code === 'ENOSPC'
        ? `the OS limit on file watches was reached (${error.message}${limit ? `; fs.inotify.max_user_watches is ${limit}` : ''}); raise it with: sudo sysctl fs.inotify.max_user_watches=524288`
        : `the OS ran out of file descriptors for watches (${error.code}: ${error.message}); raise the limit (ulimit -n)`;
    this.state.mode = 'polling';
    this.state.reason = reason;
    await this.fsEvents?.close().catch(() => undefined);
    this.fsEvents = null;
    this.state.watchedDirs = 0;
    // No watches at all now: every snapshot is a full walk, as the mode says.
    this.state.watchesIncomplete = false;
    this.state.watchesIncompleteReason = null;
    if (this.state.state !== 'starting') this.state.state = 'running';
    this.writeState();
    this.emit({ type: 'polling', reason });
    const every = Math.max((this.policy?.watch.maxIntervalMs ?? 10_000) * 3, POLL_FLOOR_MS);
    this.timers.push(
      setInterval(() => {
        this.everything = true;
        void this.snapshot();
      }, every),
    );
    // Protected paths are few: check them every second even without events.
    this.timers.push(setInterval(() => this.protect?.sweep(Date.now() - 1000), 1000));
  }

  private async maybeGc(): Promise<void> {
    if (this.stopping || !this.repoExists()) return;
    try {
      const { autoGc } = await import('../backup/gc.js');
      const report = await autoGc(this.repo, this.policy);
      if (report) {
        const dropped = report.chains.reduce((n, c) => n + c.dropped.length, 0);
        appendEvent(this.repo, { type: 'gc', automatic: true, dropped, reclaimedBytes: report.reclaimedBytes });
        this.emit({ type: 'gc', dropped, reclaimedBytes: report.reclaimedBytes });
      }
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.stopping) return;
    if (!this.repoExists()) {
      void this.stop('the repository is gone (its .git was removed); recover it with `guard recover`');
      return;
    }
    if (readPid(this.repo) !== process.pid) {
      void this.stop('another watcher took over this worktree');
      return;
    }
    touchPidFile(this.repo);
    try {
      const previous = JSON.stringify(this.policy.protect.paths) + String(this.policy.error);
      this.policy = await loadPolicy(this.repo);
      this.includeIgnoredMatchers = null;
      if (JSON.stringify(this.policy.protect.paths) + String(this.policy.error) !== previous) await this.loadProtected((await readChainHead(this.repo))?.tree ?? null);
      const before = this.session?.id;
      this.session = topOpenSession(this.repo);
      // A session that just started counts as activity.
      if (this.session && this.session.id !== before) this.lastActivity = Date.now();
    } catch (error) {
      this.onError(error as Error);
    }
    if (this.session) {
      this.sawSession = true;
    } else if (this.options.startedFor && (this.sawSession || Date.now() - Date.parse(this.state.startedAt) > 30_000)) {
      void this.stop('the session ended');
      return;
    }
    // Idle even with a session open (an agent that crashed never ends its session): the session's
    // next hook call or `guard watch` starts a watcher again.
    const idleMinutes = this.policy.watch.idleTimeoutMinutes;
    if (idleMinutes > 0 && Date.now() - this.lastActivity > idleMinutes * 60_000) {
      void this.stop(`idle for ${idleMinutes} minutes`);
      return;
    }
    this.state.watchedDirs = this.fsEvents?.watchedDirs ?? 0;
    this.writeState();
  }
}

/** Paths to capture as an agent hook sends them: repo-relative byte strings, none leaving the worktree. */
function validCapture(paths: unknown): paths is string[] {
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.includes('\0') && !p.split('/').some((part) => part === '..' || part === '.' || part === ''));
}

function readWatchLimit(): string | null {
  try {
    return fs.readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim();
  } catch {
    return null;
  }
}
