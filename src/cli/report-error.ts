/** Turns an error into the message a person reads (and --json output) and the exit code. */
import { fromErrno, isGuardError } from '../errors.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { writeStderr, type Output } from './output.js';

export function reportError(thrown: unknown, out: Output): number {
  // A full disk or a directory this user may not write to is not a bug: say which path and why.
  const error = fromErrno(thrown) ?? thrown;
  if (isGuardError(error)) {
    if (out.json) {
      out.data({ error: { kind: error.kind, message: error.message, hints: error.hints, ...(error.details ? { details: error.details } : {}) } });
    }
    const label = error.kind === 'refused' || error.kind === 'blocked' ? 'refused' : 'error';
    writeStderr(`guard: ${label}: ${error.message}\n`);
    for (const hint of error.hints) writeStderr(`  ${hint}\n`);
    return exitCodeFor(error.kind);
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (out.json) out.data({ error: { kind: 'internal', message: String(error) } });
  writeStderr(`guard: internal error (a bug in git-guard, please report it):\n${message}\n`);
  return ExitCode.internal;
}
