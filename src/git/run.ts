/**
 * The only place in git-guard that starts git. Every call goes through runGit with an argv array
 * (never a shell string), a pinned environment and byte-exact output, so callers parse only
 * NUL-separated machine formats.
 */
import { spawn, spawnSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import { GuardError } from '../errors.js';
import { refNameOf } from './ref-name.js';
// The constant only: compat.ts imports runGit, and a value import cycle would be fragile.
const MIN_GIT_TEXT = '2.31'; // keep equal to MIN_GIT_TEXT in compat.ts (test/unit/git/compat.test.ts checks)

export interface RunGitOptions {
  cwd: string;
  /** Extra environment, e.g. GIT_INDEX_FILE for a private index. `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Bytes to write to git's stdin. */
  input?: string | Buffer;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  okCodes?: number[];
  /** Sees stderr as it comes (git's `--progress` lines, separated by CR); it is still collected. */
  onStderr?: (chunk: Buffer) => void;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Environment every git call gets. */
function gitEnv(extra: RunGitOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Messages we match on (rarely) and sort orders must not depend on the user's locale.
    LC_ALL: 'C',
    // Never wait for a credential prompt inside a hook or a snapshot.
    GIT_TERMINAL_PROMPT: '0',
    // Read commands must not take index.lock to refresh stat data: the lock belongs to the user.
    GIT_OPTIONAL_LOCKS: '0',
    // Pagers and editors make no sense for a program reading git's output.
    GIT_PAGER: 'cat',
    GIT_EDITOR: 'true',
    // Snapshots are exact objects: a replace ref (`git replace X Y`, which anyone, an agent too,
    // can write) must not make guard read Y where it stored X, or a rollback write Y's bytes.
    GIT_NO_REPLACE_OBJECTS: '1',
  };
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** git could not be started (runGit and runGitSync say it alike). */
function startError(error: Error): GuardError {
  return new GuardError('git', `could not start git: ${error.message}`, {
    hints: [`Install git (${MIN_GIT_TEXT} or newer) and make sure it is on PATH.`],
    cause: error,
  });
}

/** git exited with a code the caller did not expect, or was killed. */
function exitError(args: string[], exit: number, signal: NodeJS.Signals | null, stderr: string): GuardError {
  const what = signal ? `was killed by ${signal}` : `exited with ${exit}`;
  return new GuardError('git', `git ${args.filter((a) => !a.startsWith('-c')).slice(0, 3).join(' ')} ${what}: ${stderr.trim() || '(no message)'}`, {
    details: { args, code: exit, signal, stderr },
  });
}

export function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  return spawnGit('git', args, args, options);
}

/**
 * The shell runGitBytes starts: each argument that came escaped (printf's %b: `\0ooo` for a byte,
 * `\\` for a backslash) is replaced by its bytes, then git gets them all as its own argv. A
 * fixed script; the arguments are positional parameters, never part of it.
 */
const BYTE_ARGS_SCRIPT =
  'n=$#; while [ "$n" -gt 0 ]; do v=$(printf \'%bx\' "$1"); set -- "$@" "${v%x}"; shift; n=$((n - 1)); done; exec git "$@"';

/** An argument as printf's %b gives back its bytes. */
function percentB(arg: Buffer): string {
  let out = '';
  for (const byte of arg) {
    if (byte === 0) throw new GuardError('git', 'an argument for git holds a NUL byte, which no argument can hold');
    if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x80) out += `\\0${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

/**
 * runGit where an argument must reach git as bytes that are not UTF-8 (a branch name such as
 * `rel/bad\xff` for `git symbolic-ref HEAD`, which reads it from nowhere but its command line
 * before git 2.46). Node hands a child its argv as UTF-8 text only: the byte 0xff would become
 * U+FFFD (another name). When every argument is UTF-8 this is runGit; otherwise git is started
 * through `sh -c` (BYTE_ARGS_SCRIPT), which rebuilds the bytes with printf and execs git, so the
 * process git runs as is the one started here and its exit code is git's.
 */
export function runGitBytes(args: (string | Buffer)[], options: RunGitOptions): Promise<GitResult> {
  const shown = args.map((a) => (typeof a === 'string' ? a : refNameOf(a)));
  if (args.every((a) => typeof a === 'string' || isUtf8(a))) return runGit(args.map((a) => (typeof a === 'string' ? a : a.toString('utf8'))), options);
  const escaped = args.map((a) => percentB(typeof a === 'string' ? Buffer.from(a, 'utf8') : a));
  return spawnGit('sh', ['-c', BYTE_ARGS_SCRIPT, 'sh', ...escaped], shown, options);
}

function spawnGit(command: string, argv: string[], args: string[], options: RunGitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // No input: git's stdin is /dev/null, which reads as the end of input at once, as the pipe
    // closed at once did; a pipe less to set up (a socket and a stream in this process) per git.
    const child = spawn(command, argv, {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.onStderr?.(chunk);
    });
    child.on('error', (error) => reject(startError(error)));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const exit = code ?? 128;
      const result = { stdout: Buffer.concat(out), stderr, code: exit };
      if (exit === 0 || options.okCodes?.includes(exit)) {
        resolve(result);
        return;
      }
      reject(exitError(args, exit, signal, stderr));
    });
    // git may exit before reading all of stdin (e.g. on a usage error); that is reported via close.
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/**
 * runGit, synchronously, for the few small queries on the agent hook's path (the path facts of a
 * deletion, the ref checks). The first asynchronous spawn of a process sets up pipe streams (the
 * stream and net modules, a socket per pipe): 10-20 ms more than spawnSync on these machines,
 * which is about what the child itself costs. Same environment, same errors; no onStderr.
 */
export function runGitSync(args: string[], options: Omit<RunGitOptions, 'onStderr'>): GitResult {
  return spawnGitSync('git', args, args, options);
}

/** spawnGit, synchronously: `command argv` runs git for `args` (shown in errors). */
function spawnGitSync(command: string, argv: string[], args: string[], options: Omit<RunGitOptions, 'onStderr'>): GitResult {
  const result = spawnSync(command, argv, {
    cwd: options.cwd,
    env: gitEnv(options.env),
    input: options.input ?? '',
    maxBuffer: Number.MAX_SAFE_INTEGER,
  });
  if (result.error) throw startError(result.error);
  const stderr = result.stderr.toString('utf8');
  const exit = result.status ?? 128;
  if (exit === 0 || options.okCodes?.includes(exit)) return { stdout: result.stdout, stderr, code: exit };
  throw exitError(args, exit, result.signal, stderr);
}

/**
 * runGitSync where an argument must reach git as bytes that are not UTF-8 (a `git clean -e` pattern
 * or pathspec typed as `$'\xff'`, repeated for a dry run): the same `sh -c` rebuilding of the bytes
 * as runGitBytes, which is plain runGitSync when every argument is UTF-8.
 */
export function runGitBytesSync(args: (string | Buffer)[], options: Omit<RunGitOptions, 'onStderr'>): GitResult {
  if (args.every((a) => typeof a === 'string' || isUtf8(a))) return runGitSync(args.map((a) => (typeof a === 'string' ? a : a.toString('utf8'))), options);
  const escaped = args.map((a) => percentB(typeof a === 'string' ? Buffer.from(a, 'utf8') : a));
  const shown = args.map((a) => (typeof a === 'string' ? a : refNameOf(a)));
  return spawnGitSync('sh', ['-c', BYTE_ARGS_SCRIPT, 'sh', ...escaped], shown, options);
}

/** stdout as UTF-8 text with the trailing newline removed. */
export async function gitText(args: string[], options: RunGitOptions): Promise<string> {
  const { stdout } = await runGit(args, options);
  return stdout.toString('utf8').replace(/\n$/, '');
}

/** Splits NUL-terminated output (`-z`) into records; paths are returned byte-exact as UTF-8. */
export function splitNul(buffer: Buffer): string[] {
  const text = buffer.toString('utf8');
  if (text.length === 0) return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}


/**
 * Like splitNul, but each record is a "byte string" (latin1): every byte maps to one char, so a
 * path that is not valid UTF-8 survives the round trip back to git's stdin or to fs calls via
 * Buffer.from(record, 'latin1').
 */
export function splitNulBytes(buffer: Buffer): string[] {
  const text = buffer.toString('latin1');
  if (text.length === 0) return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Converts a byte string from splitNulBytes to display text. */
export function bytesToText(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * A git process kept open for a conversation over stdin/stdout (`mktree --batch`, `cat-file
 * --batch`): one start-up for many requests, where each answer decides the next request.
 */
export interface GitPipe {
  write(data: Buffer | string): void;
  /** The next line (or NUL-terminated record, with `separator: 0`) of output, without its terminator, as a byte string (latin1). */
  readLine(): Promise<string>;
  /**
   * The next `count` records at once (one promise, not one per record). With `keep`, only the
   * records it accepts (by their index in this read) are decoded; the others come back as ''.
   */
  readRecords(count: number, keep?: (index: number) => boolean): Promise<string[]>;
  /** The next `count` bytes of output, as they are (`cat-file --batch` content after its header line). */
  readBytes(count: number): Promise<Buffer>;
  /** false once git has exited (or could not start): every read after that rejects. */
  alive(): boolean;
  /** Closes stdin and waits for git to exit; rejects like runGit on failure. */
  close(): Promise<void>;
}

export interface GitPipeOptions extends Omit<RunGitOptions, 'input' | 'onStderr'> {
  /** The byte that ends each record of output: 0x0a (a line, the default) or 0 (`-z` output). */
  separator?: number;
}

export function openGitPipe(args: string[], options: GitPipeOptions): GitPipe {
  const separator = options.separator ?? 0x0a;
  // GIT_FLUSH=1: a conversation needs each answer as soon as it is written. A user's GIT_FLUSH=0
  // makes check-ignore (and other commands that flush per record) hold its answers until stdin
  // closes, and a caller that waits for an answer before asking more would wait forever.
  const child = spawn('git', args, { cwd: options.cwd, env: gitEnv({ GIT_FLUSH: '1', ...options.env }), stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered: Buffer = Buffer.alloc(0);
  const err: Buffer[] = [];
  let failure: GuardError | null = null;
  // One read waits at a time: `count` records (or, with `bytes`, `count` raw bytes).
  let waiting: {
    count: number;
    keep: ((index: number) => boolean) | undefined;
    got: string[];
    bytes?: (data: Buffer) => void;
    resolve: (records: string[]) => void;
    reject: (error: Error) => void;
  } | null = null;
  let ended = false;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      ended = true;
      failure = new GuardError('git', `could not start git: ${error.message}`, { cause: error });
      resolve();
    });
    child.on('close', (code, signal) => {
      ended = true;
      if (code !== 0 && !options.okCodes?.includes(code ?? 128) && !failure) {
        const stderr = Buffer.concat(err).toString('utf8');
        failure = new GuardError('git', `git ${args.slice(0, 2).join(' ')} ${signal ? `was killed by ${signal}` : `exited with ${code}`}: ${stderr.trim() || '(no message)'}`, {
          details: { args, code, signal, stderr },
        });
      }
      resolve();
    });
  });
  const settle = (): void => {
    if (!waiting) return;
    if (waiting.bytes) {
      if (buffered.length < waiting.count) return;
      const { bytes, count } = waiting;
      waiting = null;
      const data = buffered.subarray(0, count);
      buffered = buffered.subarray(count);
      bytes(data);
      return;
    }
    let from = 0;
    while (waiting.got.length < waiting.count) {
      const eol = buffered.indexOf(separator, from);
      if (eol < 0) break;
      waiting.got.push(!waiting.keep || waiting.keep(waiting.got.length) ? buffered.toString('latin1', from, eol) : '');
      from = eol + 1;
    }
    buffered = buffered.subarray(from);
    if (waiting.got.length === waiting.count) {
      const { resolve, got } = waiting;
      waiting = null;
      resolve(got);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    settle();
  });
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.on('error', () => undefined);
  void exited.then(() => {
    if (waiting) {
      const { reject } = waiting;
      waiting = null;
      reject(failure ?? new GuardError('git', `git ${args.slice(0, 2).join(' ')} ended before answering`));
    }
  });
  return {
    write(data) {
      child.stdin.write(data);
    },
    async readLine() {
      return (await this.readRecords(1))[0]!;
    },
    readRecords(count, keep) {
      return new Promise<string[]>((resolve, reject) => {
        if (waiting) throw new Error('GitPipe.readRecords: one read at a time');
        waiting = { count, keep, got: [], resolve, reject };
        settle();
        if (waiting && ended) {
          waiting = null;
          reject(failure ?? new GuardError('git', `git ${args.slice(0, 2).join(' ')} ended before answering`));
        }
      });
    },
    readBytes(count) {
      return new Promise<Buffer>((resolve, reject) => {
        if (waiting) throw new Error('GitPipe.readBytes: one read at a time');
        waiting = { count, keep: undefined, got: [], bytes: resolve, resolve: () => undefined, reject };
        settle();
        if (waiting && ended) {
          waiting = null;
          reject(failure ?? new GuardError('git', `git ${args.slice(0, 2).join(' ')} ended before answering`));
        }
      });
    },
    alive: () => !ended,
    async close() {
      child.stdin.end();
      await exited;
      if (failure) throw failure;
    },
  };
}
