/**
 * A running watcher takes `guard snapshot`'s snapshot for it (issue 8), and a session start's
 * and an agent hook's before a destructive command (agent-hook.ts, preCommandSnapshot), from
 * what it already knows: the paths its events named since its last snapshot. The command then costs its own
 * start and an O(changes) snapshot instead of a walk of the whole working tree (on babel, 27.7k
 * files: the walk is most of a snapshot).
 *
 * The watcher listens on a unix socket, `<gitDir>/guard/watcher.sock` (0600). A client sends one
 * JSON line (ServeRequest) and gets one back (ServeReply). Before it snapshots, the watcher makes
 * sure it has seen every change made before the request: it writes a file in a directory it
 * watches and waits for that file's event, which the one inotify queue delivers after the events
 * of everything written earlier (daemon.ts, serveSnapshot); asked while its start-up snapshot
 * runs, it answers after that one. It answers only when it watches with OS events (not while
 * polling), for its own worktree, and with the same snapshot options (size cap, captured ignored
 * files) as the client's; otherwise, and whenever no watcher answers (none runs, it died and left
 * its socket, its start-up walk has not placed every watch yet), the client takes the snapshot
 * itself with a full walk, as it always did. Nothing here changes what a snapshot records: the
 * incremental snapshot equals the full walk's (test/integration/watcher/serve.test.ts).
 *
 * The same socket takes a rollback's pause (PauseRequest, pauseWatcher): the watcher answers once
 * its snapshot in progress is done and then writes no protected file and takes no snapshot until
 * the rollback closes the connection (daemon.ts, pauseFor; test/integration/watcher/rollback-pause.test.ts).
 */
import fs from 'node:fs';
import type { Server } from 'node:net';
import { fsPath, pathText, type GitPath } from '../git/path.js';
import { guardPath, type Repo } from '../git/repo.js';
import type { Snapshot, Trigger } from '../snapshot/format.js';

export interface ServeRequest {
  /** The worktree the client means; a watcher of another one refuses. */
  root: string;
  trigger: Trigger;
  message: string | null;
  session: string | null;
  agent: string | null;
  force: boolean;
  /** With force: the previous snapshot stands for it when it records the same state (createSnapshot's reuseSame). A watcher from before forces. */
  reuseSame?: boolean;
  maxFileSize: number;
  includeIgnored: string[];
  /**
   * Ignored files to capture by exact path (byte strings, latin1; createSnapshot's
   * captureIgnored): what the command an agent hook is about to allow deletes. The watcher does
   * not follow ignored files, so it reads them at the snapshot. A watcher that does not know this
   * field would leave them out: the client checks the answer for them (capturedAll).
   */
  captureIgnored?: string[];
  /** Tracked files whose bits the snapshot looks at (createSnapshot's lookAtModes), byte strings. */
  lookAtModes?: string[];
}

export type ServeReply = { ok: true; snapshot: Snapshot; created: boolean } | { ok: false; reason: string };

/**
 * A rollback (src/restore/rollback.ts) asks the watcher to hold still while it runs: no protected
 * restore written, no snapshot taken, from the answer until the client closes its connection
 * (the rollback ends, or its process dies). `root` is '' on purpose: a watcher from before pauses
 * existed reads the line as a snapshot request for another worktree and declines it.
 */
export interface PauseRequest {
  pause: 'rollback';
  root: '';
  worktree: string;
  pid: number;
}

export type PauseReply = { ok: true; paused: true } | { ok: false; reason: string };

/** What the watcher does with a pause: the reply, and what to run once the client lets go. */
export type PauseHandler = (request: PauseRequest) => Promise<{ reply: PauseReply; resume: () => void }>;

function isPause(request: unknown): request is PauseRequest {
  return typeof request === 'object' && request !== null && (request as PauseRequest).pause === 'rollback';
}

/** Longest socket path used: a unix socket address holds 108 bytes on Linux (104 on macOS). */
const MAX_SOCKET_PATH = 100;
/** A request line longer than this is not one of ours. */
const MAX_REQUEST = 64 * 1024;

export function socketPath(repo: Repo): string {
  return guardPath(repo, 'watcher.sock');
}

/** Starts answering requests; null when the socket path is too long for a unix socket. */
export async function serveSnapshots(repo: Repo, handle: (request: ServeRequest) => Promise<ServeReply>, pause?: PauseHandler): Promise<Server | null> {
  const file = socketPath(repo);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) return null;
  const net = await import('node:net');
  // A socket left by a watcher that died: this watcher holds the pid file, the socket is its now.
  fs.rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    let data = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > MAX_REQUEST) {
        socket.destroy();
        return;
      }
      const eol = data.indexOf('\n');
      if (eol < 0) return;
      socket.removeAllListeners('data');
      let request: ServeRequest;
      try {
        request = JSON.parse(data.slice(0, eol)) as ServeRequest;
      } catch {
        socket.end(`${JSON.stringify({ ok: false, reason: 'not a request' })}\n`);
        return;
      }
      if (isPause(request)) {
        if (!pause) {
          socket.end(`${JSON.stringify({ ok: false, reason: 'this watcher does not pause' })}\n`);
          return;
        }
        // The pause lasts while the client keeps the connection open; it ends with it, however
        // the client ends (released, exited, killed).
        let closed = false;
        let resume: (() => void) | null = null;
        socket.on('close', () => {
          closed = true;
          resume?.();
          resume = null;
        });
        pause(request).then(
          (held) => {
            if (closed) return held.resume();
            resume = held.resume;
            if (held.reply.ok) socket.write(`${JSON.stringify(held.reply)}\n`);
            else socket.end(`${JSON.stringify(held.reply)}\n`);
          },
          (error: unknown) => socket.end(`${JSON.stringify({ ok: false, reason: (error as Error).message })}\n`),
        );
        return;
      }
      handle(request).then(
        (reply) => socket.end(`${JSON.stringify(reply)}\n`),
        (error: unknown) => socket.end(`${JSON.stringify({ ok: false, reason: (error as Error).message })}\n`),
      );
    });
  });
  server.on('error', () => undefined);
  // The socket is created private (0600). Node binds a unix socket synchronously inside listen(),
  // so the umask is narrowed only for that call, never while git processes the daemon starts could
  // inherit it.
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve());
  });
  const oldMask = process.umask(0o177);
  try {
    server.listen(file);
  } finally {
    process.umask(oldMask);
  }
  await listening;
  return server;
}

/** Stops answering and removes the socket. */
export async function stopServing(repo: Repo, server: Server | null): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(socketPath(repo), { force: true });
}

/**
 * Asks this worktree's watcher to take the snapshot. null: no watcher answered or it declined;
 * the caller takes the snapshot itself. Never throws.
 */
export async function askWatcher(repo: Repo, request: ServeRequest, timeoutMs = 120_000): Promise<ServeReply & { ok: true } | null> {
  const file = socketPath(repo);
  // No socket, no watcher: not even node:net is loaded.
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH || !fs.existsSync(file)) return null;
  const net = await import('node:net');
  return new Promise((resolve) => {
    let data = '';
    let settled = false;
    const socket = net.createConnection(file);
    const done = (reply: ServeReply | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply && reply.ok ? reply : null);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      data += chunk;
      const eol = data.indexOf('\n');
      if (eol < 0) return;
      try {
        done(JSON.parse(data.slice(0, eol)) as ServeReply);
      } catch {
        done(null);
      }
    });
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
  });
}

/** A rollback's hold on the watcher: `release()` ends it (closing the connection). */
export type WatcherPause = { state: 'paused'; release: () => void } | { state: 'none' } | { state: 'unanswered'; reason: string };

/**
 * Asks this worktree's watcher to pause for a rollback and waits until it has (its snapshot in
 * progress done, no protected restore to be written from then on). 'none': no watcher listens
 * (no socket, or one a dead watcher left); 'unanswered': one listens but did not pause (it
 * declined, it is from before pauses existed, or it did not answer within `timeoutMs`). Never throws.
 */
export async function pauseWatcher(repo: Repo, timeoutMs = 60_000): Promise<WatcherPause> {
  const file = socketPath(repo);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH || !fs.existsSync(file)) return { state: 'none' };
  const net = await import('node:net');
  const request: PauseRequest = { pause: 'rollback', root: '', worktree: repo.root, pid: process.pid };
  return new Promise((resolve) => {
    let data = '';
    let settled = false;
    let connected = false;
    const socket = net.createConnection(file);
    const done = (result: WatcherPause): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.state !== 'paused') socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ state: 'unanswered', reason: `the watcher did not answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      data += chunk;
      const eol = data.indexOf('\n');
      if (eol < 0 || settled) return;
      let reply: PauseReply;
      try {
        reply = JSON.parse(data.slice(0, eol)) as PauseReply;
      } catch {
        done({ state: 'unanswered', reason: 'the watcher answered something that is not a reply' });
        return;
      }
      if (!reply.ok || (reply as { paused?: unknown }).paused !== true) {
        done({ state: 'unanswered', reason: reply.ok ? 'the watcher does not know pauses (an older guard): restart it with `guard watch stop` and `guard watch`' : reply.reason });
        return;
      }
      // Held open for the rollback; it must not keep the process alive by itself.
      socket.unref();
      done({ state: 'paused', release: () => socket.destroy() });
    });
    // No one listening on the socket (a watcher that died left it): nothing to pause.
    socket.on('error', (error: NodeJS.ErrnoException) => done(!connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') ? { state: 'none' } : { state: 'unanswered', reason: error.message }));
    socket.on('close', () => done({ state: 'unanswered', reason: 'the watcher closed the connection without pausing' }));
  });
}

/**
 * Whether a served snapshot holds every ignored file the client asked to capture that is there
 * now: it lists each in `ignored` (createSnapshot records there those it captured), or the file
 * is gone. A watcher from before captureIgnored existed would have left them out; the client then
 * takes the snapshot itself (and the extra snapshot the watcher wrote costs nothing but a ref).
 */
export function capturedAll(repo: Repo, snapshot: Snapshot, capture: readonly string[]): boolean {
  if (capture.length === 0) return true;
  const listed = new Set(snapshot.ignored ?? []);
  return capture.every((bytes) => listed.has(pathText(bytes as GitPath)) || gone(fsPath(repo.root, bytes as GitPath)));
}

/** Nothing at the path (lstat, as the capture looks: a dangling symlink is there). */
function gone(file: Buffer): boolean {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false }) === undefined;
  } catch (error) {
    // ENOTDIR (a file where a directory was) is gone too; anything else is a doubt.
    return (error as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}
