/**
 * `guard watch [--foreground]`, `guard watch stop`, `guard watch status [--json]`: the watcher
 * daemon of this worktree (src/watcher/). `guard watch` starts it in the background and returns
 * once it watches; `--foreground` runs it in this process and prints what it records. The hidden
 * `--daemon` is how the background process itself is started (its output goes to the log file).
 */
import { testFault } from '../../util/test-faults.js';
import { GuardError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { Watcher, type WatcherEvent } from '../../watcher/daemon.js';
import { SESSION_ENDED_SIGNAL, spawnWatcher, startWatcher, stopWatcher, takeHandedRepo } from '../../watcher/control.js';
import { watcherStatus } from '../../watcher/status.js';
import type { CommandContext } from '../main.js';
import { age, bytes, shortId } from '../format.js';

interface RunArgs {
  foreground?: boolean;
  daemon?: boolean;
  session?: string;
  json?: boolean;
  /** Called a while after the daemon is ready (src/cli/hot.ts Launcher: writes the code cache). */
  started?: () => void;
}

/** How long after it is ready the daemon calls `started`: after its start-up snapshot, off the session start's path. */
const STARTED_DELAY_MS = 3000;

function describe(event: WatcherEvent): string {
  switch (event.type) {
    case 'ready':
      return event.mode === 'events' ? `watching (${event.dirs} directories)` : 'watching by polling (see the reason above)';
    case 'snapshot':
      return `${event.created ? `snapshot ${shortId(event.oid)} (${event.paths === 'all' ? 'full scan' : `${event.paths} changed path${event.paths === 1 ? '' : 's'}`}, ${event.ms} ms)` : `no change (${event.ms} ms)`}${event.served ? ' for a client (guard snapshot, a session start or an agent hook)' : ''}`;
    case 'protected-restore':
      return `restored protected ${event.path} (${event.reason}) from snapshot ${shortId(event.snapshot)}`;
    case 'polling':
      return `file watching unavailable, taking periodic snapshots instead: ${event.reason}`;
    case 'watches':
      return event.incomplete === null
        ? 'watches complete again: snapshots follow the events'
        : `watches INCOMPLETE (${event.incomplete}): every snapshot is a full walk until a retried rescan finishes`;
    case 'backup':
      return `backup ${event.target}: ${event.ok ? 'ok' : 'FAILED'} (${event.message})`;
    case 'error':
      return `error: ${event.message}`;
    case 'gc':
      return `the store grew past snapshot.retention.maxStoreSize: gc dropped ${event.dropped} snapshots, ${bytes(event.reclaimedBytes)} reclaimed`;
    case 'stopping':
      return `stopping: ${event.reason}`;
  }
}

/** Runs the watcher in this process until it stops. */
async function runHere(args: RunArgs, ctx: CommandContext): Promise<number> {
  // The daemon: the repository its starter already asked git for, if it handed it over.
  const repo = (args.daemon ? takeHandedRepo(ctx.cwd) : null) ?? (await openRepo(ctx.cwd));
  const print = (text: string): void => {
    const line = `${new Date().toISOString()} ${text}`;
    if (args.daemon) process.stdout.write(`${line}\n`);
    else ctx.out.line(line);
  };
  const fakeLimit = Number(testFault('GUARD_TEST_FAKE_WATCH_LIMIT'));
  const watcher = new Watcher(repo, {
    startedFor: args.session ?? null,
    onEvent: (event) => print(describe(event)),
    ...(Number.isInteger(fakeLimit) && fakeLimit > 0 ? { fakeWatchLimit: fakeLimit } : {}),
  });
  // SIGUSR2 is what a session end sends (src/watcher/control.ts stopSessionWatcher).
  const onSignal = (signal: NodeJS.Signals): void => void watcher.stop(signal === SESSION_ENDED_SIGNAL ? 'the session ended' : `stopped by ${signal}`);
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', SESSION_ENDED_SIGNAL];
  for (const signal of signals) process.on(signal, onSignal);
  const onCrash = (error: unknown): void => {
    watcher.crashed(error);
    print(`crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    // Let Node end the process as it would have without this handler.
    setImmediate(() => {
      throw error;
    });
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await watcher.start();
  } catch (error) {
    if (error instanceof GuardError && error.kind === 'refused' && args.daemon) {
      print(`not started: ${error.message}`);
      return 0;
    }
    throw error;
  }
  if (!args.daemon) ctx.out.warn(`guard: watching ${repo.root}; stop with Ctrl-C or \`guard watch stop\``);
  // Unref'd: a daemon that stops sooner is not kept alive for it (its launcher then calls it at the end).
  const started = args.started;
  if (started) setTimeout(started, STARTED_DELAY_MS).unref();
  const reason = await watcher.done;
  for (const signal of signals) process.off(signal, onSignal);
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  print(`stopped: ${reason}`);
  // A session that started while this one was winding down still needs a watcher.
  if (args.daemon && reason === 'the session ended') {
    const { listSessions } = await import('../../session/store.js');
    const open = listSessions(repo).find((s) => s.endedAt === null);
    if (open) print(`a new session (${open.id}) is open: handing over to watcher pid ${spawnWatcher(repo, { startedFor: open.id }).pid}`);
  }
  return 0;
}

export async function run(args: RunArgs, ctx: CommandContext): Promise<number> {
  if (args.foreground || args.daemon) return runHere(args, ctx);
  const repo = await openRepo(ctx.cwd);
  const result = await startWatcher(repo);
  ctx.out.data({ pid: result.pid, already: result.already, status: result.status });
  const s = result.status;
  if (s.health === 'elsewhere') {
    // Its pid file is fresh: a second watcher here would watch the same worktree twice.
    ctx.out.line(`Not starting a watcher here: ${s.summary}.`);
    return 0;
  }
  ctx.out.line(`${result.already ? 'Already watching' : 'Watching'} ${repo.root} (pid ${result.pid}): ${s.summary}.`);
  ctx.out.line('  Stop it with: guard watch stop');
  return 0;
}

export async function stop(_args: unknown, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const result = await stopWatcher(repo);
  ctx.out.data(result);
  if (result.elsewhere) {
    ctx.out.line(`The watcher runs in another pid namespace (host ${result.elsewhere.host}, pid ${result.elsewhere.pid} there) and cannot be stopped from here: run \`guard watch stop\` where it runs.`);
  } else if (!result.stopped) ctx.out.line('No watcher is running in this worktree.');
  else ctx.out.line(`Stopped the watcher (pid ${result.pid}); pending changes were recorded first.`);
  return 0;
}

export async function status(_args: unknown, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const s = watcherStatus(repo);
  ctx.out.data(s);
  ctx.out.line(`Watcher: ${s.health}: ${s.summary}`);
  const f = s.file;
  if (f) {
    ctx.out.line(`  started ${age(f.startedAt)}${f.startedFor ? ` for session ${f.startedFor}` : ''}; last heartbeat ${age(f.heartbeatAt)}; memory ${bytes(f.rss)}`);
    ctx.out.line(`  snapshots: ${f.snapshots.taken} taken, ${f.snapshots.unchanged} with no change, ${f.snapshots.failed} failed${f.lastSnapshot ? `; last ${shortId(f.lastSnapshot.oid)} ${age(f.lastSnapshot.time)}` : ''}`);
    if (f.protectedRestores > 0) ctx.out.line(`  protected paths restored: ${f.protectedRestores} (see \`guard log\`)`);
    if (f.lastError) ctx.out.line(`  last error ${age(f.lastError.time)}: ${f.lastError.message}`);
  }
  for (const line of s.logTail) ctx.out.line(`  log: ${line}`);
  return s.health === 'crashed' ? 1 : 0;
}
