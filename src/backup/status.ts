/**
 * `guard backup status` as data: where this repository's backup is, whether it holds every
 * snapshot chain the live repository has, how big and how private it is, and how the latest
 * pushes (local and remote) went.
 */
import fs from 'node:fs';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { GUARD_REF_PREFIX } from '../snapshot/refs.js';
import { readLink } from './link.js';
import { storeDir } from './location.js';
import { readPushStatus, type PushRecord } from './push-status.js';
import { pushInProgress } from './auto-push.js';
import { inBackup, isBackupRepo, objectBytes } from './store.js';
import path from 'node:path';
import { lfsObjectsDir } from './lfs-objects.js';
import { countLfsObjects, type LfsStoreCount } from './lfs-gc.js';

export interface RefComparison {
  ref: string;
  live: string | null;
  backup: string | null;
}

export interface BackupStatus {
  /** The backup repository this worktree mirrors into (null before the first push). */
  path: string | null;
  id: string | null;
  exists: boolean;
  /** Permission bits of the backup directory, e.g. "700". */
  mode: string | null;
  selfContained: boolean | null;
  /** True when every live refs/guard/* ref has the same value in the backup. */
  inSync: boolean;
  refs: RefComparison[];
  bytes: number | null;
  /** The Git LFS objects the backup keeps beside the snapshots (lfs-objects.ts); null when none. */
  lfs: LfsStoreCount | null;
  lastPush: PushRecord | null;
  remote: { name: string | null; lastPush: PushRecord | null };
  /** Where a new backup would be created (backup.dir or the default store). */
  store: string;
  /** The background push running now (its pid, and since when its current round runs), if any. */
  pushRunning: { pid: number; since: string } | null;
}

function runningNow(repo: Repo): { pid: number; since: string } | null {
  const running = pushInProgress(repo);
  return running ? { pid: running.pid, since: new Date(running.sinceMs).toISOString() } : null;
}

function secondsSince(iso: string): string {
  return `${Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))} s`;
}

async function guardRefs(cwd: string, env?: Record<string, string | undefined>): Promise<Map<string, string>> {
  const result = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', GUARD_REF_PREFIX], { cwd, ...(env ? { env } : {}), okCodes: [128] });
  const refs = new Map<string, string>();
  for (const line of result.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    refs.set(line.slice(line.indexOf(' ') + 1), line.slice(0, line.indexOf(' ')));
  }
  return refs;
}

export async function backupStatus(repo: Repo, settings: { backup: { dir: string | null; remote: string | null } }): Promise<BackupStatus> {
  const link = readLink(repo);
  const store = storeDir(settings.backup.dir);
  const pushes = readPushStatus(repo);
  const live = await guardRefs(repo.root);
  const exists = link !== null && isBackupRepo(link.path);
  const backupRefs = exists ? await guardRefs(link.path, inBackup(link.path).env) : new Map<string, string>();
  const refs: RefComparison[] = [...new Set([...live.keys(), ...backupRefs.keys()])].sort().map((ref) => ({ ref, live: live.get(ref) ?? null, backup: backupRefs.get(ref) ?? null }));
  const alternates = link ? path.join(link.path, 'objects', 'info', 'alternates') : null;
  return {
    path: link?.path ?? null,
    id: link?.id ?? null,
    exists,
    mode: exists ? (fs.statSync(link.path).mode & 0o777).toString(8) : null,
    selfContained: exists ? !(alternates && fs.existsSync(alternates) && fs.readFileSync(alternates, 'utf8').trim() !== '') : null,
    inSync: exists && [...live].every(([ref, oid]) => backupRefs.get(ref) === oid),
    refs,
    bytes: exists ? await objectBytes(link.path) : null,
    lfs: exists ? countLfsObjects(lfsObjectsDir(link.path)) : null,
    lastPush: pushes.local,
    remote: { name: settings.backup.remote, lastPush: pushes.remote },
    store,
    pushRunning: runningNow(repo),
  };
}

/** What `guard status` shows about the backup: one line, its JSON, and a problem when the last push failed. */
export function backupReport(repo: Repo): { line: string; problem: string | null; fix: string | null; json: Record<string, unknown> } {
  const link = readLink(repo);
  const pushes = readPushStatus(repo);
  const last = pushes.local;
  const remote = pushes.remote;
  const running = runningNow(repo);
  let line: string;
  let problem: string | null = null;
  let fix: string | null = null;
  // The first copy of a big repository takes a while (vite: ~20 s): until it ends, snapshots exist
  // only in the repository, and "no push yet" would read as if nothing were happening.
  if (running && !last) line = `backup: ${link ? `${link.path}, ` : ''}first copy being made now (pid ${running.pid}, for ${secondsSince(running.since)}); until it ends, snapshots exist only in this repository (\`guard backup status\` says when it is done)`;
  else if (!link) line = 'backup: none yet (every snapshot starts one in the background; `guard backup push` makes one now)';
  // A recovered repository, or a link written before its first push: the backup is there.
  else if (!last) line = `backup: ${link.path}, no push from here yet (the next snapshot starts one; \`guard backup push\` makes one now)`;
  else if (last.ok) line = `backup: ${link.path}, last push ${last.time}`;
  else if ((last as { skipped?: string }).skipped === 'partial-clone') {
    line = `backup: ${link.path}, NOT MADE: ${last.cause}`;
    problem = `there is no backup yet (${last.cause}): snapshots exist only in this repository (\`guard backup status\`)`;
    fix = last.fix ?? null;
  } else {
    line = `backup: ${link.path}, last push FAILED ${last.time}: ${last.cause ?? last.error ?? last.rejected.map((r) => `${r.ref} ${r.reason}`).join('; ')}`;
    problem = `the last push to the backup failed${last.cause ? ` (${last.cause})` : ''}: snapshots since then exist only in this repository (\`guard backup status\`)`;
    fix = last.fix ?? null;
  }
  if (running && last) line += `; a push is running now (pid ${running.pid})`;
  if (remote) line += `; remote ${remote.target}: ${remote.ok ? `ok ${remote.time}` : `FAILED ${remote.time}`}`;
  return { line, problem, fix, json: { path: link?.path ?? null, lastPush: last, remote, pushRunning: running } };
}
