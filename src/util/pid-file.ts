/**
 * Files that name the process holding something (a lock, the background pusher's claim): its pid
 * and where that pid means something, `<pid> host=<name>;pidns=<inode>` (pidSpaceId()). Whether
 * the holder is gone is judged by its pid only when the file was written in our pid space: a
 * process in a container that shares the repository by bind mount writes a pid that names no
 * process here (or another one) while it runs, so its file counts as held until it has not
 * changed for FOREIGN_STALE_MS. A bare pid, written by a guard before this format, is judged by
 * its pid as before.
 */
import fs from 'node:fs';
import { isProcessAlive, pidSpaceId } from './process-alive.js';

/** Far longer than a push or a rollback holds its file; a holder that runs longer refreshes it. */
export const FOREIGN_STALE_MS = 60 * 60 * 1000;

export interface PidRecord {
  pid: number;
  /** Written where the pid means what it means here: our pid space, or an older guard's bare pid. */
  here: boolean;
  /** Where it was written (`host=<name>;pidns=<inode>`); null for an older guard's bare pid. */
  space: string | null;
  changedMs: number;
}

export function pidRecordText(pid: number = process.pid): string {
  return `${pid} ${pidSpaceId()}\n`;
}

/** Reads a pid file; null when it is missing or holds no complete pid yet (its writer is writing it). */
export function readPidRecord(file: string): PidRecord | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const [pidText, space] = text.trim().split(' ');
    const pid = Number(pidText);
    if (!(Number.isInteger(pid) && pid > 0)) return null;
    return { pid, here: space === undefined || space === pidSpaceId(), space: space ?? null, changedMs: fs.statSync(file).mtimeMs };
  } catch {
    return null;
  }
}

/** Whether the holder a pid file names is gone: dead here, or (written elsewhere) unchanged for FOREIGN_STALE_MS. */
export function holderGone(record: PidRecord, now: number = Date.now()): boolean {
  return record.here ? !isProcessAlive(record.pid) : now - record.changedMs > FOREIGN_STALE_MS;
}

/** Whether the pid file names this process (its pid in our pid space). */
export function isOurs(record: PidRecord | null): boolean {
  return record !== null && record.here && record.pid === process.pid;
}

/** The host name a pid space names (`host=<name>;pidns=...`), for messages; '?' when it has none. */
export function pidSpaceHost(space: string | null): string {
  const encoded = /(?:^|;)host=([^;]*)/.exec(space ?? '')?.[1];
  if (encoded === undefined) return '?';
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
