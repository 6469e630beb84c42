import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromErrno, GuardError } from '../../../src/errors.js';
import { reportError } from '../../../src/cli/report-error.js';
import { createOutput } from '../../../src/cli/output.js';

/** The error a real file-system call throws. */
function thrownBy(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('errno mapping (src/errors.ts fromErrno, used by report-error.ts)', () => {
  const devFull = (() => {
    try {
      return fs.statSync('/dev/full').isCharacterDevice();
    } catch {
      return false;
    }
  })();

  it.runIf(devFull)('a full disk: "no space left on device", exit 1, not an internal error', () => {
    // /dev/full answers every write with ENOSPC: a real errno from the kernel.
    const error = thrownBy(() => fs.writeFileSync('/dev/full', 'x'));
    const mapped = fromErrno(error)!;
    expect(mapped).toBeInstanceOf(GuardError);
    expect(mapped.message).toBe('cannot write: no space left on device');
    expect(mapped.hints.join(' ')).toContain('Free some space');
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(reportError(error, createOutput())).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toContain('guard: error: cannot write: no space left on device');
    expect(stderr.join('')).not.toContain('internal error');
  });

  it('a directory this user may not write to names the directory to check', () => {
    const error = Object.assign(new Error("EACCES: permission denied, mkdir '/repo/.git/guard/tmp'"), { code: 'EACCES', syscall: 'mkdir', path: '/repo/.git/guard/tmp' });
    const mapped = fromErrno(error)!;
    expect(mapped.message).toBe('cannot write /repo/.git/guard/tmp: permission denied');
    expect(mapped.hints.join(' ')).toContain('ls -ld /repo/.git/guard');
  });

  it('leaves other errors alone (a real bug stays internal)', () => {
    const missing = thrownBy(() => fs.readFileSync(path.join(os.tmpdir(), 'guard-no-such-file-here')));
    expect(fromErrno(missing)).toBeNull();
    expect(fromErrno(new TypeError('x'))).toBeNull();
  });
});
