/**
 * The exit-code contract (documented in README.md). This file is the only place that maps an
 * error kind to a code; scripts, hooks and agents rely on it.
 */
import type { ErrorKind } from '../errors.js';

export const ExitCode = {
  ok: 0,
  /** Something failed: bad input, invalid config, git error. Nothing was changed by guard. */
  error: 1,
  /** Command-line usage error (unknown option, missing argument). */
  usage: 2,
  /** Refused: a protection rule, a precondition or a missing confirmation stopped it; nothing changed. */
  refused: 3,
  /** A bug in guard. */
  internal: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(kind: ErrorKind): ExitCodeValue {
  switch (kind) {
    case 'refused':
    case 'blocked':
      return ExitCode.refused;
    case 'internal':
      return ExitCode.internal;
    case 'user':
    case 'config':
    case 'git':
      return ExitCode.error;
  }
}
