import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let pidSpace: string | undefined;

/**
 * Where this process's pids mean something: its host name and, where /proc shows it, the inode of
 * its pid namespace (`host=<name>;pidns=<inode>`). A pid written by a process with the same string
 * names the same process here; one written by a process in another namespace (a container that
 * shares a bind-mounted repository, as agents' sandboxes do) may name no process here, or another
 * one, while its writer is alive. Without /proc (macOS) the host name alone.
 */
export function pidSpaceId(): string {
  if (pidSpace !== undefined) return pidSpace;
  let ns = 'none';
  try {
    // "pid:[4026531836]"
    ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? 'none';
  } catch {
    // no /proc: the host name decides
  }
  pidSpace = `host=${encodeURIComponent(os.hostname())};pidns=${ns}`;
  return pidSpace;
}

/**
 * pidSpaceId() in 8 hex digits, for file names that carry a pid (`index-<pid>.<tag>-…`): a file
 * whose tag is ours was written where its pid means what it means here.
 */
export function pidSpaceTag(): string {
  return createHash('sha256').update(pidSpaceId()).digest('hex').slice(0, 8);
}
