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
