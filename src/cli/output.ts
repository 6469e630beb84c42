/**
 * Human vs --json output. Commands receive an Output and never touch process.stdout directly:
 * JSON goes to stdout as one document; human text to stdout; progress and warnings to stderr,
 * progress only on a terminal and never with --json or inside hooks.
 */
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
}

export function createOutput(options: { json?: boolean; quiet?: boolean } = {}): Output {
  const json = options.json === true;
  const progressOn = !json && !options.quiet && process.stderr.isTTY === true && !process.env.GIT_DIR;
  let progressShown = false;
  const clear = (): void => {
    if (progressShown) {
      process.stderr.write('\r\x1b[K');
      progressShown = false;
    }
  };
  return {
    json,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    line(text = '') {
      if (json) return;
      clear();
      process.stdout.write(`${text}\n`);
    },
    data(value) {
      if (!json) return;
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    warn(text) {
      clear();
      process.stderr.write(`${text}\n`);
    },
    progress(text) {
      if (!progressOn) return;
      process.stderr.write(`\r\x1b[K${text}`);
      progressShown = true;
    },
    done: clear,
  };
}
