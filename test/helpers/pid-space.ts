/**
 * Where this test process's pids mean something, read from /proc and the OS (not from guard, whose
 * pidSpaceId() the tests check), and the pid of a process that has exited: for the tests of the
 * pid files and locks that record `<pid> host=<name>;pidns=<inode>` (src/util/pid-file.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

export function ourPidSpace(): string {
  let ns = 'none';
  try {
    ns = String(fs.statSync('/proc/self/ns/pid').ino);
  } catch {
    // no /proc
  }
  return `host=${encodeURIComponent(os.hostname())};pidns=${ns}`;
}

/** The pid of a process that has exited (and been reaped). */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** Our pid space's 8-hex tag, as guard names its temp files (`index-<pid>.<tag>-…`), from ourPidSpace(). */
export function ourPidSpaceTag(): string {
  return createHash('sha256').update(ourPidSpace()).digest('hex').slice(0, 8);
}
