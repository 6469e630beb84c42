/**
 * Every snapshot reaches the backup, not only the watcher's. Two ways in:
 *
 *  - pushNow: the push happens before the caller goes on. A session start uses it, so that the
 *    session-start snapshot is in the backup before the agent's first command runs (an agent's
 *    `rm -rf .git` a second later must not take it along). It returns the outcome; the caller
 *    says plainly when it failed.
 *  - requestBackgroundPush: interactive commands (`guard snapshot`, `init`, `rollback`, a session
 *    end, an agent hook's snapshot) start a detached `guard backup push --background` and return
 *    at once. Requests coalesce: one pusher per repository (`<commonDir>/guard/backup-push.pid`);
 *    a request while it runs leaves a marker (`backup-push.again`) and the running pusher goes
 *    round once more. Each round is one `git push` of refs/guard/* (mirror.ts), whatever the
 *    number of snapshots that arrived meanwhile.
 *
 * The pusher's protocol, so that no request is lost between "is one running?" and its exit:
 * a requester writes the marker first, then checks the pid; the pusher removes the marker
 * before each round, and after releasing the pid file looks at the marker once more.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { ownNodeEnv } from '../util/own-node-env.js';
import { packageRoot } from '../util/package-root.js';
import { testFault } from '../util/test-faults.js';
import { holderGone, isOurs, pidRecordText, readPidRecord } from '../util/pid-file.js';
import { pushBackup, pushRemote, type MirrorSettings, type PushOutcome } from './mirror.js';
import { readPushStatus } from './push-status.js';

const LOG_LIMIT = 256 * 1024;

/**
 * The test bundle under GUARD_TEST_NO_AUTO_PUSH=1 (src/util/test-faults.ts) starts no automatic
 * push: the suite's tests that do not look at the backup spare a Node start and a git push per
 * snapshot or rollback. Always false in the product.
 */
export function autoPushOffForTests(): boolean {
  return testFault('GUARD_TEST_NO_AUTO_PUSH') === '1';
}

export function pusherFiles(repo: Repo): { pid: string; again: string; log: string } {
  return { pid: guardCommonPath(repo, 'backup-push.pid'), again: guardCommonPath(repo, 'backup-push.again'), log: guardCommonPath(repo, 'backup-push.log') };
}

/** Variables that tie git to the caller's context (a hook's temporary index, an explicit git dir). */
const CONTEXT_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH', 'GIT_REFLOG_ACTION'];

/**
 * The pusher for this repository, if one runs (its cmdline names `backup`, so a reused pid does
 * not count). A pusher in another pid namespace (a container sharing the repository) counts as
 * running until its pid file is an hour unchanged: it refreshes the file each round and will see
 * the request's marker.
 */
function runningPusher(repo: Repo): number | null {
  return pushInProgress(repo)?.pid ?? null;
}

/**
 * The background push running now, if any, with when it claimed its pid file (the pusher
 * refreshes it each round): what `guard status` and `guard backup status` say while the first
 * copy of a big repository is being made, when snapshots exist only in the repository.
 */
export function pushInProgress(repo: Repo): { pid: number; sinceMs: number } | null {
  const record = readPidRecord(pusherFiles(repo).pid);
  if (record === null || holderGone(record)) return null;
  const running = { pid: record.pid, sinceMs: record.changedMs };
  if (!record.here) return running;
  try {
    if (!fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').includes('backup')) return null;
  } catch {
    // no /proc: trust the pid
  }
  return running;
}

/**
 * Pushes now (the local backup; `backup.remote` too when `remote` is true, else in the
 * background). Never throws: a failed push is an outcome.
 */
export async function pushNow(repo: Repo, settings: MirrorSettings, options: { remote?: boolean; snapshotJustTaken?: boolean } = {}): Promise<PushOutcome> {
  if (autoPushOffForTests()) return { time: new Date().toISOString(), target: '(backup)', ok: true, updated: 0, rejected: [], durationMs: 0, empty: true };
  let local: PushOutcome;
  try {
    local = await pushBackup(repo, settings, { automatic: true, ...(options.snapshotJustTaken ? { snapshotJustTaken: true } : {}) });
  } catch (error) {
    local = { time: new Date().toISOString(), target: '(backup)', ok: false, updated: 0, rejected: [], error: (error as Error).message, durationMs: 0 };
  }
  if (settings.backup.remote) {
    if (options.remote) await pushRemote(repo, settings, { automatic: true }).catch(() => null);
    else requestBackgroundPush(repo);
  }
  return local;
}

/**
 * Asks for a push of every snapshot chain, in a detached process; returns at once. Never throws:
 * the snapshot that asked is already safe in the repository, and `guard status` reports a push
 * that failed.
 */
export function requestBackgroundPush(repo: Repo): { pid: number | null; error?: string } {
  if (autoPushOffForTests()) return { pid: null };
  const files = pusherFiles(repo);
  try {
    fs.mkdirSync(path.dirname(files.pid), { recursive: true });
    fs.writeFileSync(files.again, `${Date.now()}\n`);
    const running = runningPusher(repo);
    if (running !== null) return { pid: running };
    try {
      if (fs.statSync(files.log).size > LOG_LIMIT) fs.renameSync(files.log, `${files.log}.1`);
    } catch {
      // no log yet
    }
    const log = fs.openSync(files.log, 'a');
    try {
      const env = ownNodeEnv({ ...process.env });
      for (const key of CONTEXT_VARIABLES) delete env[key];
      const child = spawn(process.execPath, [path.join(packageRoot(), 'bin', 'guard.js'), 'backup', 'push', '--background'], {
        cwd: repo.root,
        env,
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.on('error', () => undefined);
      child.unref();
      // Claim the pid file for the child now, so that a second request meanwhile does not start
      // another pusher and cleanup finds it; the child recognises its own pid there.
      if (child.pid !== undefined) {
        try {
          fs.writeFileSync(files.pid, pidRecordText(child.pid), { flag: 'wx' });
        } catch {
          // a pusher that started meanwhile (or a dead one's file, which the child takes over)
        }
      }
      return { pid: child.pid ?? null };
    } finally {
      fs.closeSync(log);
    }
  } catch (error) {
    return { pid: null, error: (error as Error).message };
  }
}

/**
 * After a command took a snapshot: a background push when the snapshot is new, or when the backup
 * may lack an older one (no push yet, or the last one failed). An unchanged snapshot that was
 * pushed already costs nothing.
 */
export function backupAfterSnapshot(repo: Repo, created: boolean): void {
  if (!created) {
    const last = readPushStatus(repo).local;
    if (last?.ok) return;
  }
  requestBackgroundPush(repo);
}

function claim(file: string): boolean {
  try {
    fs.writeFileSync(file, pidRecordText(), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = readPidRecord(file);
  if (isOurs(holder)) return true;
  if (holder !== null && !holderGone(holder)) return false;
  // Left by a pusher that died: take it over.
  fs.rmSync(file, { force: true });
  try {
    fs.writeFileSync(file, pidRecordText(), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The body of `guard backup push --background`: push rounds while requests keep coming, one
 * pusher per repository. Returns the last outcomes (null when another pusher had it).
 */
export async function runBackgroundPusher(repo: Repo, loadSettings: () => Promise<MirrorSettings>): Promise<{ local: PushOutcome | null; remote: PushOutcome | null; rounds: number }> {
  const files = pusherFiles(repo);
  let local: PushOutcome | null = null;
  let remote: PushOutcome | null = null;
  let rounds = 0;
  while (claim(files.pid)) {
    try {
      while (fs.existsSync(files.again)) {
        fs.rmSync(files.again, { force: true });
        // Fresh for a pusher in another pid namespace, which judges this file by its age.
        try {
          const now = new Date();
          fs.utimesSync(files.pid, now, now);
        } catch {
          // removed with the repository; the round below finds out
        }
        // Read each round: .guard.yaml (backup.dir, backup.remote) may have changed.
        const settings = await loadSettings();
        local = await pushBackup(repo, settings, { automatic: true });
        remote = await pushRemote(repo, settings, { automatic: true });
        rounds++;
        // The repository went away (rm -rf .git): nothing more to push from here.
        if (!fs.existsSync(repo.commonDir)) return { local, remote, rounds };
      }
    } finally {
      fs.rmSync(files.pid, { force: true });
    }
    // A request that came after the last round's check and saw our pid: go round again.
    if (!fs.existsSync(files.again)) break;
  }
  return { local, remote, rounds };
}
