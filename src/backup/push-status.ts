/**
 * The outcome of the latest mirror pushes, `<commonDir>/guard/backup-status.json`, read by
 * `guard backup status` and `guard status`. Written after every push (local backup and remote)
 * under a lock, atomically.
 *
 * It is also the memo of a push that failed because an object of the history cannot be read (a
 * damaged clone, or one made from a mirror that lacks objects, that is not a partial clone): the
 * record's `missing` lists those objects. git packs the whole history before it finds out (4.7 s
 * for babel), so an automatic push (session start, watcher, background pusher) first checks them
 * with one `git cat-file --batch-check` and, while any is still missing, does not push but
 * reports the same failure at once ("not retried: <oid> is still missing", mirror.ts
 * missingMemo). Once the object is back the push runs; `guard backup push` always tries, and its
 * success (like any push's) replaces the record and so clears the memo. A record without
 * `missing`, the healthy case, costs no git process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { withFileLock } from '../session/lock.js';

export interface RefRejection {
  ref: string;
  reason: string;
}

export interface PushRecord {
  time: string;
  /** Path of the backup repository, or the remote name/URL. */
  target: string;
  ok: boolean;
  /** Refs that moved (or were created) in this push. */
  updated: number;
  rejected: RefRejection[];
  /** Set when the push could not run at all (unreachable remote, git error), or git's error lines when a ref was refused. */
  error?: string;
  /** Why it failed and what to do, when guard could tell (push-diagnosis.ts). */
  cause?: string;
  fix?: string;
  /** Objects git could not read when this push failed (see above): the next automatic push checks them first. */
  missing?: string[];
  /** Backup chains an older gc had forked, each holding nothing this repository lacks, pointed at this repository's before this push (mend-fork.ts). */
  mended?: Array<{ ref: string; from: string; to: string; before: number; after: number }>;
  /** Git LFS objects this push copied into the backup (lfs-objects.ts); absent when none. */
  lfsObjects?: number;
  durationMs: number;
}

export interface PushStatusFile {
  local: PushRecord | null;
  remote: PushRecord | null;
  /** Set by `guard gc` after it rewrote chains: the next remote push must replace them (force). */
  remoteNeedsForce?: boolean;
  /**
   * Targets (backup path, remote) that have taken a push from this clone: they hold its history,
   * so in a partial clone an automatic push to them sends only what is new (mirror.ts).
   */
  copiedTo?: string[];
}

export function pushStatusPath(repo: Repo): string {
  return guardCommonPath(repo, 'backup-status.json');
}

export function readPushStatus(repo: Repo): PushStatusFile {
  try {
    const data = JSON.parse(fs.readFileSync(pushStatusPath(repo), 'utf8')) as PushStatusFile;
    if (data && typeof data === 'object') {
      return {
        local: data.local ?? null,
        remote: data.remote ?? null,
        ...(data.remoteNeedsForce ? { remoteNeedsForce: true } : {}),
        ...(Array.isArray(data.copiedTo) ? { copiedTo: data.copiedTo.filter((t) => typeof t === 'string') } : {}),
      };
    }
  } catch {
    // none yet
  }
  return { local: null, remote: null };
}

export function updatePushStatus(repo: Repo, fn: (status: PushStatusFile) => void): void {
  const file = pushStatusPath(repo);
  // The repository went away meanwhile (rm -rf .git): never re-create its git directory.
  if (!fs.existsSync(repo.commonDir)) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  withFileLock(`${file}.lock`, () => {
    const status = readPushStatus(repo);
    fn(status);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(status, null, 2)}\n`);
    fs.renameSync(temp, file);
  });
}
