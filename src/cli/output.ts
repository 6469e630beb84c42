/**
 * Human vs --json output. Commands receive an Output and never touch process.stdout directly:
 * JSON goes to stdout as one document; human text to stdout; progress and warnings to stderr,
 * progress only on a terminal and never with --json or inside hooks.
 */
import fs from 'node:fs';

export interface Output {
  readonly json: boolean;
  /** A line of the command's human result (suppressed with --json). */
  line(text?: string): void;
  /** The command's machine result (printed only with --json). */
  data(value: unknown): void;
  /** A warning for a person, on stderr (also with --json: it does not pollute stdout). */
  warn(text: string): void;
  /** Transient progress on stderr; a no-op unless stderr is a terminal and not --json. */
  progress(text: string): void;
  /** Ends any progress line. */
  done(): void;
  readonly interactive: boolean;
  /** progress() shows something (stderr is a terminal, no --json, not inside a git hook). */
  readonly showsProgress: boolean;
}

/**
 * Writes text straight to fd 1 or 2 with fs.writeSync: no stream is set up (a few ms at start
 * of the hook paths). If the descriptor is a non-blocking pipe that is full (EAGAIN), the rest
 * goes through process.stdout / process.stderr, so nothing is lost or reordered.
 */
export function writeToFd(fd: 1 | 2, text: string): void {
  if (text === '' || pipeGone[fd]) return;
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset);
  } catch (error) {
    if (isBrokenPipe(error)) {
      pipeGone[fd] = true;
      return;
    }
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    const stream = fd === 1 ? process.stdout : process.stderr;
    quietOnBrokenPipe(stream, fd);
    stream.write(bytes.subarray(offset));
  }
}

/**
 * stdout or stderr is a pipe whose reader has gone (`guard list | head -1`): like git, which dies
 * quietly of SIGPIPE there, stop writing to it without a word. Node ignores SIGPIPE and reports
 * EPIPE instead, as an 'error' event that would crash the process with a stack trace. The command
 * itself goes on to its end (a rollback is never cut short by a closed pager) and exits with its
 * own code.
 */
const pipeGone: Record<1 | 2, boolean> = { 1: false, 2: false };
const watched = new WeakSet<NodeJS.WriteStream>();

function isBrokenPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

function quietOnBrokenPipe(stream: NodeJS.WriteStream, fd: 1 | 2): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', (error) => {
    if (isBrokenPipe(error)) {
      pipeGone[fd] = true;
      return;
    }
    throw error;
  });
}

/** Writes to stdout or stderr through its stream unless its reader is gone. */
function writeStream(fd: 1 | 2, text: string): void {
  if (pipeGone[fd]) return;
  const stream = fd === 1 ? process.stdout : process.stderr;
  quietOnBrokenPipe(stream, fd);
  stream.write(text);
}

/** stderr for the few places outside an Output (report-error.ts): quiet when its reader is gone. */
export function writeStderr(text: string): void {
  writeStream(2, text);
}

/** The bytes `data` prints with --json (one JSON document and a newline). */
export function jsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The Output of a process whose stdout and stderr are its log file, not a person's terminal (the
 * background backup pusher, src/backup/auto-push.ts): lines go straight to the descriptors and no
 * stream is set up. createOutput reads isTTY of all three streams, which set them up: for the
 * pusher, which runs after every snapshot, that was a tenth of its CPU (docs/BENCHMARKS.md).
 */
export function logOutput(): Output {
  return {
    json: false,
    interactive: false,
    showsProgress: false,
    line: (text = '') => writeToFd(1, `${text}\n`),
    data: () => undefined,
    warn: (text) => writeToFd(2, `${text}\n`),
    progress: () => undefined,
    done: () => undefined,
  };
}

export function createOutput(options: { json?: boolean; quiet?: boolean } = {}): Output {
  const json = options.json === true;
  const progressOn = !json && !options.quiet && process.stderr.isTTY === true && !process.env.GIT_DIR;
  let progressShown = false;
  const clear = (): void => {
    if (progressShown) {
      writeStream(2, '\r\x1b[K');
      progressShown = false;
    }
  };
  return {
    json,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    showsProgress: progressOn,
    line(text = '') {
      if (json) return;
      clear();
      writeStream(1, `${text}\n`);
    },
    data(value) {
      if (!json) return;
      writeStream(1, jsonDocument(value));
    },
    warn(text) {
      clear();
      writeStream(2, `${text}\n`);
    },
    progress(text) {
      if (!progressOn) return;
      writeStream(2, `\r\x1b[K${text}`);
      progressShown = true;
    },
    done: clear,
  };
}
