/**
 * The hot entry: what hooks start on every commit, ref update and agent tool call
 * (`guard hook`, `guard agent-hook`, `guard check-command`), and `guard snapshot`, which agents,
 * scripts and hooks run often and whose benchmark is a ratio to `git status`. It parses these few exact forms by
 * hand and loads neither commander nor the rest of the CLI bundle, because every millisecond here
 * is paid inside git commands and agent tool calls. Anything else (including --help) returns
 * false and bin/guard.js falls back to the full CLI, so the two can never disagree on meaning.
 */
import { isHelpWord } from './help-words.js';
import { createOutput, jsonDocument, logOutput, writeToFd, type Output } from './output.js';
import { reportError } from './report-error.js';

type Handler = () => Promise<number>;

/**
 * What bin/code-cache.js hands a bundle it runs (Node < 22.1): `saveCodeCache` writes V8's code
 * cache of the bundle now rather than when runHot returns, which for the watcher daemon is its
 * end (a session later, or never when it is killed).
 */
export interface Launcher {
  saveCodeCache?: () => void;
}

/**
 * createOutput, made on first use: creating it reads isTTY of stdin, stdout and stderr, which sets
 * up all three streams (a few ms at start). `guard agent-hook` writes its protocol bytes itself
 * and `check-command --json` only needs stdout, so they do not pay for the others.
 */
function lazyOutput(options: { json?: boolean } = {}): Output {
  let real: Output | undefined;
  const get = (): Output => (real ??= createOutput(options));
  return {
    json: options.json === true,
    get interactive() {
      return get().interactive;
    },
    get showsProgress() {
      return get().showsProgress;
    },
    line: (text) => get().line(text),
    // --json output is one write of the document: straight to fd 1, with the bytes createOutput's
    // data would print, without setting up any stream.
    data: (value) => {
      if (options.json === true) writeToFd(1, jsonDocument(value));
    },
    warn: (text) => get().warn(text),
    progress: (text) => get().progress(text),
    done: () => real?.done(),
  };
}


function checkCommandHandler(args: string[]): Handler | null {
  let json = false;
  let cwd: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg === '--json') json = true;
    else if (arg === '--cwd' && i + 1 < args.length) cwd = args[++i];
    else if (arg.startsWith('--cwd=')) cwd = arg.slice('--cwd='.length);
    else if (arg.startsWith('-') && arg !== '-') return null;
    else positional.push(arg);
  }
  if (isHelpWord(cwd)) return null;
  if (positional.length !== 1) return null;
  return async () => {
    const out = lazyOutput({ json });
    try {
      const { run } = await import('./commands/check-command.js');
      return (await run({ command: positional[0]!, json, ...(cwd !== undefined ? { cwd } : {}) }, { cwd: cwd ?? process.cwd(), out })) ?? 0;
    } catch (error) {
      return reportError(error, out);
    }
  };
}

/** `guard snapshot [-m MSG] [--trigger T] [--max-file-size S] [--quiet] [--json]`, exactly. */
function snapshotHandler(args: string[]): Handler | null {
  const parsed: { message?: string; trigger: string; maxFileSize?: string; quiet?: boolean; json?: boolean } = { trigger: 'manual' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string | undefined => (i + 1 < args.length ? args[++i] : undefined);
    if (arg === '--json') parsed.json = true;
    else if (arg === '--quiet') parsed.quiet = true;
    else if (arg === '-m' || arg === '--message') {
      const v = value();
      if (v === undefined || isHelpWord(v)) return null;
      parsed.message = v;
    } else if (arg === '--trigger' || arg === '--max-file-size') {
      const v = value();
      if (v === undefined || isHelpWord(v)) return null;
      if (arg === '--trigger') parsed.trigger = v;
      else parsed.maxFileSize = v;
    } else return null; // anything else (--help, =forms, typos): commander answers
  }
  return async () => {
    const out = createOutput({ json: parsed.json === true });
    try {
      const { run } = await import('./commands/snapshot.js');
      return (await run(parsed, { cwd: process.cwd(), out })) ?? 0;
    } catch (error) {
      const { withRecoverHint } = await import('./recover-hint.js');
      return reportError(await withRecoverHint(error, process.cwd()), out);
    }
  };
}

/**
 * `guard watch` (start the watcher and wait until it is ready) and `guard watch --daemon
 * [--session ID]` (the watcher itself, which guard starts), exactly: both are on the way to the
 * watcher's first scan, which a session start waits for, and the full CLI bundle cost each of
 * the two processes more than Node's own start (issue 8).
 */
function watchHandler(args: string[], launcher?: Launcher): Handler | null {
  let daemon = false;
  let session: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--daemon') daemon = true;
    else if (arg === '--session' && i + 1 < args.length && !isHelpWord(args[i + 1])) session = args[++i];
    else return null; // stop, status, --foreground, --help: commander answers
  }
  if (session !== undefined && !daemon) return null;
  return async () => {
    const out = createOutput();
    try {
      const { run } = await import('./commands/watch.js');
      const started = daemon ? launcher?.saveCodeCache : undefined;
      return (await run({ daemon, ...(session !== undefined ? { session } : {}), ...(started ? { started } : {}) }, { cwd: process.cwd(), out })) ?? 0;
    } catch (error) {
      out.done();
      const { withRecoverHint } = await import('./recover-hint.js');
      return reportError(await withRecoverHint(error, process.cwd()), out);
    }
  };
}

const plain = (value: string | undefined): value is string => value !== undefined && !value.startsWith('-');

/** `guard agent-hook AGENT EVENT`, exactly. */
function agentHookHandler(args: string[]): Handler | null {
  if (!(args.length === 2 && plain(args[0]) && plain(args[1]))) return null;
  return async () => {
    const out = lazyOutput();
    try {
      const { run } = await import('./commands/agent-hook.js');
      return (await run({ agent: args[0]!, event: args[1]! }, { cwd: process.cwd(), out })) ?? 0;
    } catch (error) {
      return reportError(error, out);
    }
  };
}

/**
 * `guard backup push --background`, exactly: the detached pusher every snapshot starts
 * (src/backup/auto-push.ts). Only in its own bundle (runHotBackupPusher), not in the hot entry:
 * the launcher picks that bundle by this exact form.
 */
function backupPusherHandler(args: string[]): Handler | null {
  if (!(args.length === 2 && args[0] === 'push' && args[1] === '--background')) return null;
  return async () => {
    // Its stdout and stderr are its log (auto-push.ts): no stream to set up.
    const out = logOutput();
    try {
      const { run } = await import('./commands/backup-pusher.js');
      return await run({}, { cwd: process.cwd(), out });
    } catch (error) {
      out.done();
      const { withRecoverHint } = await import('./recover-hint.js');
      return reportError(await withRecoverHint(error, process.cwd()), out);
    }
  };
}

/** The boolean options of `guard rollback` (main.ts), by the field commander gives each. */
const ROLLBACK_FLAGS: Record<string, string> = {
  '--yes': 'yes',
  '-y': 'yes',
  '--json': 'json',
  '--dry-run': 'dryRun',
  '--undo': 'undo',
  '--resume': 'resume',
  '--files-only': 'filesOnly',
  '--lfs-pointers': 'lfsPointers',
};

/** The fields commander gives the rollback command for these words (after `rollback`), or null: not a form handled here. */
export function rollbackArgs(args: readonly string[]): Record<string, unknown> | null {
  const parsed: Record<string, unknown> = {};
  for (const arg of args) {
    const flag = ROLLBACK_FLAGS[arg];
    if (flag !== undefined) parsed[flag] = true;
    else if (arg.startsWith('-') || isHelpWord(arg) || parsed.id !== undefined) return null;
    else parsed.id = arg;
  }
  return parsed;
}

/**
 * `guard rollback [ID] [--yes|-y] [--json] [--dry-run] [--undo] [--resume] [--files-only]
 * [--lfs-pointers]`, exactly: the rollback and its undo (and their dry runs), which the full CLI
 * bundle cost about a tenth of the rollback's CPU to load (docs/BENCHMARKS.md, "rollback's own
 * bundle"). The same fields commander gives src/cli/commands/rollback.ts, the same output and
 * error mapping as main.ts's lazy(); --paths, --session, --help, `--`, a second word, an id that
 * looks like an option or a help word, and every other spelling go to commander.
 */
function rollbackHandler(args: string[]): Handler | null {
  const parsed = rollbackArgs(args);
  if (!parsed) return null;
  return async () => {
    const out = createOutput({ json: parsed.json === true });
    const cwd = process.cwd();
    try {
      const { run } = await import('./commands/rollback.js');
      return (await run(parsed, { cwd, out })) ?? 0;
    } catch (error) {
      out.done();
      const { withRecoverHint } = await import('./recover-hint.js');
      return reportError(await withRecoverHint(error, cwd), out);
    }
  };
}

function handlerFor(argv: string[]): Handler | null {
  const [command, ...args] = argv.slice(2);
  if (command === 'hook' && plain(args[0])) {
    return async () => {
      try {
        const { runHook } = await import('./commands/hook.js');
        return await runHook(args[0]!, args.slice(1), process.cwd());
      } catch (error) {
        return reportError(error, createOutput());
      }
    };
  }
  if (command === 'agent-hook') return agentHookHandler(args);
  if (command === 'check-command') return checkCommandHandler(args);
  if (command === 'snapshot') return snapshotHandler(args);
  return null;
}

/** Runs argv if it is one of the hot forms; false means "not mine, use the full CLI". */
export async function runHot(argv: string[]): Promise<boolean> {
  return runHandler(handlerFor(argv));
}

async function runHandler(handler: Handler | null): Promise<boolean> {
  if (!handler) return false;
  process.exitCode = await handler();
  return true;
}

/**
 * runHot for one command only. scripts/build.mjs bundles each into a file of its own
 * (dist/hot-agent-hook.js, dist/hot-check-command.js) that holds only that command's code: the
 * agent hook and check-command then compile less at every start (and dist/hot-watch.js for the
 * watcher's start, dist/hot-snapshot.js for `guard snapshot`, dist/hot-backup-pusher.js for the
 * background backup push). Same parsing, same handlers.
 */
export async function runHotAgentHook(argv: string[]): Promise<boolean> {
  const [command, ...args] = argv.slice(2);
  return runHandler(command === 'agent-hook' ? agentHookHandler(args) : null);
}

export async function runHotWatch(argv: string[], launcher?: Launcher): Promise<boolean> {
  const [command, ...args] = argv.slice(2);
  return runHandler(command === 'watch' ? watchHandler(args, launcher) : null);
}

export async function runHotSnapshot(argv: string[]): Promise<boolean> {
  const [command, ...args] = argv.slice(2);
  return runHandler(command === 'snapshot' ? snapshotHandler(args) : null);
}

export async function runHotRollback(argv: string[]): Promise<boolean> {
  const [command, ...args] = argv.slice(2);
  return runHandler(command === 'rollback' ? rollbackHandler(args) : null);
}

export async function runHotCheckCommand(argv: string[]): Promise<boolean> {
  const [command, ...args] = argv.slice(2);
  return runHandler(command === 'check-command' ? checkCommandHandler(args) : null);
}

export async function runHotBackupPusher(argv: string[]): Promise<boolean> {
  const [command, ...args] = argv.slice(2);
  return runHandler(command === 'backup' ? backupPusherHandler(args) : null);
}
