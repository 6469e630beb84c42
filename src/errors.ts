/**
 * The one error taxonomy. Everything below src/cli throws GuardError (or lets a bug surface as a
 * plain Error, which the CLI reports as "internal"); only src/cli/exit-codes.ts turns a kind into
 * an exit code.
 *
 *  - user:     bad input (unknown id, bad flag value); nothing was changed
 *  - config:   .guard.yaml is invalid; nothing was changed
 *  - refused:  a precondition or a missing confirmation stopped the command; nothing was changed
 *  - blocked:  a protection rule refused the action (hooks and the command guard)
 *  - git:      git itself failed in a way we did not expect
 *  - internal: a bug in guard
 */
export type ErrorKind = 'user' | 'config' | 'refused' | 'blocked' | 'git' | 'internal';

export interface GuardErrorOptions {
  /** What the person can do next: commands first, each line self-contained. */
  hints?: string[];
  cause?: unknown;
  /** Machine-readable details for --json output. */
  details?: Record<string, unknown>;
}

export class GuardError extends Error {
  readonly kind: ErrorKind;
  readonly hints: string[];
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, options: GuardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GuardError';
    this.kind = kind;
    this.hints = options.hints ?? [];
    this.details = options.details;
  }
}

export function isGuardError(error: unknown): error is GuardError {
  return error instanceof GuardError;
}

/** File-system errors guard cannot work around, in the words people know from the shell. */
const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
};

/**
 * The one place that maps an errno from the file system (a full disk, a repository this user may
 * not write to) to a plain GuardError that names the path and the way forward, instead of an
 * "internal error" with a stack trace. null for anything else (a real bug stays internal).
 */
export function fromErrno(error: unknown): GuardError | null {
  const e = error as NodeJS.ErrnoException | null;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !(e.code in ERRNO_TEXT)) return null;
  const text = ERRNO_TEXT[e.code]!;
  const where = typeof e.path === 'string' ? e.path : null;
  // open(2) may be for reading or writing: the errno does not say which.
  const verb = e.syscall === 'open' ? 'cannot open' : ['read', 'scandir', 'opendir', 'stat', 'lstat', 'access'].includes(e.syscall ?? '') ? 'cannot read' : 'cannot write';
  // A failed write(2) carries no path (only open, mkdir, rename ... do): then say what is known.
  const what = `${verb}${where ? ` ${where}` : ''}: ${text}`;
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  const hints = full
    ? [`Free some space on the disk that holds ${where ?? 'the repository'} (\`df -h\` shows it), then run the command again.`]
    : [
        `The read-only commands (guard list, show, status, config show) work without writing; guard's journal (guard log) is private to the repository's owner.`,
        `Run it as the user who owns the repository, or fix the permissions${where ? ` (\`ls -ld ${e.syscall === 'mkdir' ? where.slice(0, where.lastIndexOf('/')) || '/' : where}\`)` : ''}.`,
      ];
  return new GuardError('user', what, { hints, cause: error, details: { code: e.code, ...(where ? { path: where } : {}), ...(e.syscall ? { syscall: e.syscall } : {}) } });
}
