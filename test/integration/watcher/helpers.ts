/**
 * Helpers for the watcher and backup tests: JSON commands, waiting for a condition with a
 * deadline (never a sleep used as an assertion), and a fast watcher configuration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestRepo } from '../../helpers/git-repo.js';
import { backgroundPushDone } from '../../helpers/background-push.js';

export function json(repo: TestRepo, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): any {
  const r = repo.guard([...args, '--json'], options);
  expect(r.code, `guard ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * Polls `check` until it returns a value that is not undefined/false, or fails after `timeoutMs`.
 * Between two checks it waits `everyMs`, or as long as the last check took where that was longer:
 * a check that spawns guard (Node's start, 0.1-0.3 s of CPU) polled every 100 ms kept a core busy
 * with polling while the watcher it waited for needed that core (issue 8).
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false | null, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const started = Date.now();
    try {
      const value = check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(everyMs, Date.now() - started)));
  }
}

/** A .guard.yaml that makes the watcher react quickly. */
export function fastWatchConfig(extra = ''): string {
  return `version: 1\nwatch:\n  debounceMs: 150\n  maxIntervalMs: 1000\n${extra}`;
}

export function snapshots(repo: TestRepo): any[] {
  return json(repo, ['list', '--all']);
}

/** Files in a snapshot's tree. */
export function treeFiles(repo: TestRepo, oid: string): string[] {
  return repo
    .git(['ls-tree', '-r', '-z', '--name-only', oid])
    .split('\0')
    .filter(Boolean);
}

/**
 * The stamp of the watcher's state file (.git/guard/watcher.json, which the daemon rewrites
 * atomically at every change of state and heartbeat), or null where `.git` is not a directory.
 */
function stateFileStamp(repo: TestRepo): string | null {
  const gitDir = path.join(repo.dir, '.git');
  if (!fs.statSync(gitDir, { throwIfNoEntry: false })?.isDirectory()) return null;
  const stat = fs.statSync(path.join(gitDir, 'guard', 'watcher.json'), { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.mtimeNs}:${stat.size}` : '';
}

/**
 * Waits until `guard watch status --json` gives a status for which `match` holds, and returns it.
 * guard is asked again as soon as the watcher's state file changed, and at least once a second
 * otherwise (a dead daemon, a pid file, a worktree whose .git is a file): not at every 100 ms
 * poll, which spawned Node ten times a second for the up to 5 s a heartbeat takes (issue 8).
 */
export async function waitForStatus(repo: TestRepo, what: string, match: (status: any) => unknown, timeoutMs = 30_000): Promise<any> {
  let asked = 0;
  let stamp: string | null | undefined;
  return waitFor(what, () => {
    const now = stateFileStamp(repo);
    if (now !== null && now === stamp && Date.now() - asked < 1000) return undefined;
    stamp = now;
    asked = Date.now();
    const status = JSON.parse(repo.guard(['watch', 'status', '--json']).stdout || '{}');
    return match(status) ? status : undefined;
  }, timeoutMs);
}

export async function waitForWatcher(repo: TestRepo, health: string[] = ['running']): Promise<any> {
  return waitForStatus(repo, `the watcher to be ${health.join(' or ')}`, (status) => health.includes(status.health));
}

/** The newest snapshot (any trigger) for which `match` holds. */
export async function waitForSnapshot(repo: TestRepo, what: string, match: (snapshot: any, files: string[]) => boolean, timeoutMs?: number): Promise<any> {
  // A snapshot's tree never changes: each one's files are listed once per wait, not at every poll.
  const files = new Map<string, string[]>();
  const filesOf = (oid: string): string[] => files.get(oid) ?? files.set(oid, treeFiles(repo, oid)).get(oid)!;
  return waitFor(
    what,
    () => {
      for (const s of snapshots(repo)) if (match(s, filesOf(s.oid))) return s;
      return undefined;
    },
    timeoutMs,
    200,
  );
}

/**
 * Waits until no background backup push runs (snapshots start one, src/backup/auto-push.ts):
 * before a test removes `.git` or the whole directory under it.
 */
export async function waitForBackgroundPush(repo: TestRepo): Promise<void> {
  await backgroundPushDone(repo.dir, 60_000);
}

/**
 * The tree a full walk records: the user's index plus every file git does not ignore, plus the
 * ignored files named as captured (plain git, a private index). The copy keeps the index's mtime, as guard's own copies do (snapshot/temp-index.ts):
 * with a fresh mtime git would trust the stat data of an entry written in the same second as the
 * index ("racily clean") and miss a same-size edit made in that second, and this walk would then
 * disagree with a watcher that recorded the edit.
 */
export function fullWalkTree(repo: TestRepo, ignoredCaptured: string[] = []): string {
  const index = path.join(repo.base, `walk-index-${process.pid}`);
  const user = path.join(repo.dir, '.git', 'index');
  fs.copyFileSync(user, index);
  const stat = fs.statSync(user);
  fs.utimesSync(index, stat.atime, stat.mtime);
  try {
    repo.git(['add', '-A'], { env: { GIT_INDEX_FILE: index } });
    // Ignored files a command's snapshot captures (captureIgnored) are recorded as a walk would.
    if (ignoredCaptured.length > 0) repo.git(['add', '-f', '--', ...ignoredCaptured], { env: { GIT_INDEX_FILE: index } });
    return repo.git(['write-tree'], { env: { GIT_INDEX_FILE: index } }).trim();
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/** The tree of the newest snapshot of the main branch's chain, or null. */
export function latestTree(repo: TestRepo): string | null {
  const r = repo.gitResult(['rev-parse', '--verify', '-q', 'refs/guard/main/head^{tree}']);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Waits until the watcher's newest snapshot records exactly what a full walk records now. */
export async function waitForWatcherToMatchFullWalk(repo: TestRepo, what: string): Promise<string> {
  let last = '';
  try {
    return await waitFor(what, () => {
      const want = fullWalkTree(repo);
      const have = latestTree(repo);
      last = have ? repo.git(['diff-tree', '-r', '--name-status', have, want]) : '(no snapshot)';
      return have === want ? have : undefined;
    }, 30_000, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nwatcher snapshot vs full walk:\n${last}`);
  }
}

/**
 * The inodes a process has inotify watches on (its /proc/<pid>/fdinfo of each inotify descriptor):
 * what the OS watches for it, whatever it believes it watches.
 */
export function inotifyWatchedInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    for (const match of fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').matchAll(/^inotify wd:[0-9a-f]+ ino:([0-9a-f]+)/gm)) inodes.add(Number.parseInt(match[1]!, 16));
  }
  return inodes;
}

/** Kills a watcher daemon without letting it clean up (a crash) and waits until it is gone. */
export async function killWatcher(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitFor('the watcher to be gone', () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}
