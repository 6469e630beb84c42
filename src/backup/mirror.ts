/**
 * Mirrors the snapshot store into the backup repository (store.ts) and, when `backup.remote` is
 * set, to that remote: `git push <target> refs/guard/*:refs/guard/*`. Each snapshot keeps the
 * index, HEAD and every recorded branch, tag and stash tip reachable (format.ts), so pushing the
 * chain heads copies everything a recovery needs; the snapshot metadata says where each ref went.
 *
 * Pushes never delete and never force (the backup would refuse both); the only exception is the
 * first remote push after `guard gc` rewrote the chains (push-status.ts `remoteNeedsForce`).
 * `--no-verify`: the user's own pre-push hooks (tests, linters) must not run for a background
 * mirror; guard's pre-push rule only concerns pushes that are not guard's own. The internal token
 * marks the push as guard's own for any hook that does run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { withAsyncFileLock } from '../util/async-lock.js';
import { withInternalToken } from '../git/internal-token.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { GUARD_REF_PREFIX, headRef } from '../snapshot/refs.js';
import { resolveLink } from './link.js';
import { defaultStoreDir } from './location.js';
import { mendForkedChains } from './mend-fork.js';
import { readPushStatus, updatePushStatus, type PushRecord, type RefRejection } from './push-status.js';
import { diagnosePush, errorLines, unreadableObjects } from './push-diagnosis.js';
import { recordBackup } from './registry.js';
import { backupLfsObjects, localLfsObjects } from './lfs-objects.js';
import { ensureBackupRepo } from './store.js';

const REFSPEC = `${GUARD_REF_PREFIX}*:${GUARD_REF_PREFIX}*`;

export interface MirrorSettings {
  backup: { dir: string | null; remote: string | null };
}

export interface PushOutcome extends PushRecord {
  /** Nothing to push: the repository has no snapshots yet. */
  empty?: boolean;
  /** Not pushed, on purpose: an automatic push from a partial clone to a target without its history. */
  skipped?: 'partial-clone';
}

export interface PushOptions {
  /**
   * Pushed on guard's own initiative (a session start, the watcher, the background pusher, gc),
   * not because the user ran `guard backup push`. In a partial clone such a push goes only to a
   * target that already holds the clone's history (see partialCloneSkip).
   */
  automatic?: boolean;
  /**
   * The caller has just recorded a snapshot (a session start): refs/guard/ holds a ref, so no
   * `for-each-ref` is started to find out whether there is anything to push.
   */
  snapshotJustTaken?: boolean;
}

/**
 * The promisor remote when this is a partial clone (`git clone --filter=blob:none`, how large
 * repositories are often cloned), else null; one `git config`.
 */
export async function promisorRemote(repo: Repo): Promise<string | null> {
  const result = await runGit(['config', '-z', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$'], { cwd: repo.root, okCodes: [1] });
  let promisor: string | null = null;
  for (const record of result.stdout.toString('utf8').split('\0')) {
    const eol = record.indexOf('\n');
    const key = (eol < 0 ? record : record.slice(0, eol)).toLowerCase();
    const value = eol < 0 ? 'true' : record.slice(eol + 1);
    if (key === 'extensions.partialclone' && value) return value;
    const remote = /^remote\.(.+)\.promisor$/.exec(key);
    if (remote && /^(true|yes|on|1)$/i.test(value)) promisor ??= record.slice('remote.'.length, 'remote.'.length + remote[1]!.length);
  }
  return promisor;
}

/**
 * A partial clone leaves most of its history's objects on its promisor remote. A push of the
 * snapshot chains needs them all (every snapshot keeps the branches and tags reachable), so git
 * would first download every object the clone left out: found on a blobless clone of vite, the
 * first backup push fetched 38k blobs (67 s from a local mirror; over a network, and on the
 * repositories people clone this way, far more), and a session start waited for it. guard does
 * not start that download on its own: an automatic push to a target that has not taken a push
 * from this clone yet is skipped, with the cause and the way forward; `guard backup push` does it
 * when asked, and automatic pushes go on from there (they send only what is new).
 */
async function partialCloneSkip(repo: Repo, target: string, options: PushOptions): Promise<PushOutcome | null> {
  // A target that took a push from here holds the history: no `git config` to ask.
  if (!options.automatic || readPushStatus(repo).copiedTo?.includes(target)) return null;
  const promisor = await promisorRemote(repo);
  if (!promisor) return null;
  return {
    time: new Date().toISOString(),
    target,
    ok: false,
    updated: 0,
    rejected: [],
    durationMs: 0,
    skipped: 'partial-clone',
    error: `not pushed: this is a partial clone (its history's objects are on "${promisor}")`,
    cause: `this clone is partial (\`git clone --filter\`): a first backup needs the whole history, which git would first download from "${promisor}", and guard does not start that on its own`,
    fix: `\`guard backup push\` makes the backup now, downloading what the clone left out once (later pushes go on by themselves); or make it a whole clone: \`git config --unset remote.${promisor}.partialclonefilter && git fetch --refetch ${promisor}\``,
  };
}

/**
 * The memo of a push that failed for objects git could not read (push-status.ts): an automatic
 * push to the same target checks them first, with one `git cat-file --batch-check`, and while any
 * is still missing returns the same failure at once instead of packing the whole history again
 * to fail the same way. Null (push) when there is no memo (no git process), when the push was
 * asked for (`guard backup push`), or when every object is back.
 */
async function missingMemo(repo: Repo, last: PushRecord | null, target: string, options: PushOptions): Promise<PushOutcome | null> {
  if (!options.automatic || !last || last.ok || last.target !== target || !last.missing?.length) return null;
  const result = await runGit(['cat-file', '--batch-check=%(objectname)'], { cwd: repo.root, input: `${last.missing.join('\n')}\n` });
  const missing = result.stdout
    .toString('utf8')
    .split('\n')
    .map((line) => /^(\S+) missing$/.exec(line)?.[1])
    .filter((oid): oid is string => oid !== undefined);
  if (missing.length === 0) return null;
  const still = `not retried: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} still missing`;
  const cause = (last.cause ?? '').replace(/; not retried: .*$/, '');
  return { ...last, time: new Date().toISOString(), durationMs: 0, missing, cause: cause ? `${cause}; ${still}` : still };
}

function noteCopied(status: { copiedTo?: string[] }, outcome: PushRecord): void {
  if (outcome.ok && !status.copiedTo?.includes(outcome.target)) status.copiedTo = [...(status.copiedTo ?? []), outcome.target];
}

/**
 * Whether refs/guard/ holds a ref. The background pusher a snapshot starts, and the watcher's
 * start-up push, asked git every time (one `for-each-ref`), right after the snapshot had written
 * this worktree's chain head: git's files backend writes every ref update as a loose file under
 * the common git dir, so that file's presence answers without a process. Otherwise (packed by a
 * gc, a reftable repository, another worktree's snapshots only) git is asked, as before.
 */
async function hasGuardRefs(repo: Repo): Promise<boolean> {
  try {
    if (fs.statSync(path.join(repo.commonDir, headRef(repo))).isFile()) return true;
  } catch {
    // not a loose ref here: ask git
  }
  const { stdout } = await runGit(['for-each-ref', '--count=1', '--format=%(refname)', GUARD_REF_PREFIX], { cwd: repo.root });
  return stdout.length > 0;
}

/**
 * Whether the backup already holds every snapshot chain of this repository at the commit it has
 * here, read from the two repositories' ref files without a git process: then a push would send
 * nothing ("Everything up-to-date") and costs a `git push` and its receive-pack for no object (a
 * session start that reused the previous snapshot, the watcher's start-up push, a background
 * push whose snapshot an earlier push already took). True only when every chain here is a loose
 * ref file (git's files backend writes each ref update as one) and the backup has a loose file
 * with the same content for each; anything else (a packed-refs file naming refs/guard/ on either
 * side, a reftable repository, a chain the backup lacks or holds at another commit, a file that
 * cannot be read) is false, and git pushes as before. A ref in the backup exists only once its
 * objects arrived (receive-pack checks connectivity before it writes a ref).
 */
export function backupHoldsAll(repo: Repo, backup: string): boolean {
  try {
    if (fs.existsSync(path.join(repo.commonDir, 'reftable')) || fs.existsSync(path.join(backup, 'reftable'))) return false;
    const here = guardRefValues(repo.commonDir);
    const there = guardRefValues(backup);
    if (here === null || there === null || here.size === 0) return false;
    return [...here].every(([ref, oid]) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid) && there.get(ref) === oid);
  } catch {
    return false;
  }
}

/**
 * The guard refs of a files-backend git directory and their values, from its ref files alone: the
 * refs/guard/ lines of packed-refs (git gc packs every ref, a backup's receive-pack runs gc --auto),
 * each overridden by a loose file of the same name, as git reads them. Null when a ref is being
 * written (a `.lock` file) or a file cannot be read.
 */
function guardRefValues(gitDir: string): Map<string, string> | null {
  const values = new Map<string, string>();
  let packed: Buffer | null = null;
  try {
    packed = fs.readFileSync(path.join(gitDir, 'packed-refs'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  // packed-refs is sorted by name: only the refs/guard/ lines are looked at.
  if (packed && packed.includes(` ${GUARD_REF_PREFIX}`)) {
    for (const line of packed.toString('latin1').split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0 && line.startsWith(GUARD_REF_PREFIX, space + 1)) values.set(line.slice(space + 1), line.slice(0, space));
    }
  }
  let locked = false;
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(gitDir, rel), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const name = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(name);
      // A lock file (`head.lock`: a ref being written right now) means a push is due anyway.
      else if (entry.name.endsWith('.lock')) locked = true;
      else values.set(name, fs.readFileSync(path.join(gitDir, name), 'latin1').trim());
    }
  };
  walk(GUARD_REF_PREFIX.slice(0, -1));
  return locked ? null : values;
}

/** Parses `git push --porcelain`: "<flag>\t<src>:<dst>\t<summary>" per ref. */
export function parsePorcelain(text: string): { updated: number; rejected: RefRejection[] } {
  let updated = 0;
  const rejected: RefRejection[] = [];
  for (const line of text.split('\n')) {
    const match = /^([ +\-*=!])\t([^\t]*):([^\t]*)\t(.*)$/.exec(line);
    if (!match) continue;
    const [, flag, , dst, summary] = match as unknown as [string, string, string, string, string];
    if (flag === '!') rejected.push({ ref: dst, reason: summary });
    else if (flag !== '=') updated++;
  }
  return { updated, rejected };
}

async function push(repo: Repo, target: string, refspec: string): Promise<Omit<PushRecord, 'time' | 'durationMs'>> {
  let last: Omit<PushRecord, 'time' | 'durationMs'> | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await withInternalToken(repo, (env) =>
      runGit(['push', '--no-verify', '--porcelain', target, refspec], { cwd: repo.root, env, okCodes: [1, 128] }),
    );
    const parsed = parsePorcelain(result.stdout.toString('utf8'));
    if (result.code === 128 || (result.code !== 0 && parsed.updated === 0 && parsed.rejected.length === 0)) {
      last = { target, ok: false, updated: 0, rejected: [], error: result.stderr.trim() || `git push exited with ${result.code}` };
    } else {
      last = { target, ok: parsed.rejected.length === 0, ...parsed };
      // A refused ref says little ("unpacker error"); git's reason is on stderr.
      const lines = errorLines(result.stderr);
      if (!last.ok && lines.length > 0) last.error = lines.join('\n');
    }
    if (!last.ok) {
      const diagnosis = diagnosePush(result.stderr, parsed.rejected.map((r) => r.reason));
      if (diagnosis) Object.assign(last, diagnosis);
      const missing = unreadableObjects(result.stderr, parsed.rejected.map((r) => r.reason));
      if (missing.length > 0) last.missing = missing;
    }
    // Another push into the same backup held a ref lock: try again shortly.
    const lockRace = parsed.rejected.some((r) => /lock/i.test(r.reason)) || /cannot lock ref|unable to lock/i.test(result.stderr);
    if (!lockRace) break;
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
  }
  return last!;
}

/**
 * Copies the live repository's config (remotes, branch upstreams) and its `info/exclude` (the
 * person's own ignore rules: `.env`, `*.db`, ...) next to the backup, for recover. Without the
 * second, a recovered repository showed those files as untracked, one `git add -A` away from a
 * commit (found on a flask clone with `.env` and `*.db` in info/exclude, 2026-12-07, helper rbaudit).
 */
function saveSourceConfig(repo: Repo, backup: string): void {
  saveCopy(path.join(repo.commonDir, 'config'), path.join(backup, 'guard', 'source-config'));
  saveCopy(path.join(repo.commonDir, 'info', 'exclude'), path.join(backup, 'guard', 'source-exclude'));
}

/** Writes `from`'s bytes to `file` when they differ (nothing when `from` is missing). */
function saveCopy(from: string, file: string): void {
  try {
    const content = fs.readFileSync(from);
    let same = false;
    try {
      same = fs.readFileSync(file).equals(content);
    } catch {
      // first copy
    }
    if (same) return;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(`${file}.tmp`, content, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // The copies are a convenience for recover; the snapshots are what matter.
  }
}

/**
 * The Git LFS objects the snapshots' pointers may name (lfs-objects.ts), copied next to the
 * backup's git objects: a pointer alone cannot give back content that never reached an LFS
 * server. Nothing (no git process, one failed readdir and a read of the config files git reads
 * by default, for `lfs.storage`) in a repository without LFS objects.
 */
function copyLfs(repo: Repo, backup: string): Partial<PushRecord> {
  try {
    const copied = backupLfsObjects(localLfsObjects(repo), backup);
    return copied && copied.copied > 0 ? { lfsObjects: copied.copied } : {};
  } catch (error) {
    return {
      error: `Git LFS objects not copied into the backup: ${(error as Error).message}`,
      cause: 'the snapshots reached the backup, but some Git LFS content they name did not (only its pointer did)',
      fix: `free space or fix the permissions of ${path.join(backup, 'lfs')}, then run \`guard backup push\``,
    };
  }
}

/** Pushes every snapshot chain into this repository's backup repository. */
export async function pushBackup(repo: Repo, settings: MirrorSettings, options: PushOptions = {}): Promise<PushOutcome> {
  const started = Date.now();
  const link = resolveLink(repo, settings.backup.dir);
  if (!options.snapshotJustTaken && !(await hasGuardRefs(repo))) {
    return { time: new Date().toISOString(), target: link.path, ok: true, updated: 0, rejected: [], durationMs: 0, empty: true };
  }
  const before = readPushStatus(repo).local;
  const skip = (await partialCloneSkip(repo, link.path, options)) ?? (await missingMemo(repo, before, link.path, options));
  if (skip) {
    updatePushStatus(repo, (status) => {
      status.local = skip;
    });
    return skip;
  }
  let outcome: PushRecord;
  try {
    fs.mkdirSync(link.store, { recursive: true, mode: 0o700 });
    // One push into a backup at a time (a session start, the watcher, the background pusher and
    // `guard backup push` may all push at once): creating the backup and its config are not safe
    // to run twice concurrently, and one push after another costs no more.
    outcome = await withAsyncFileLock(`${link.path}.push-lock`, async () => {
      // A push that held the lock meanwhile (init's first push, still packing the whole history
      // when the first session starts) may have failed for a missing object: its memo is read
      // again, so that this push does not pack the whole history once more to fail the same way
      // (babel: 5 s of CPU in the first session start). Only when the record changed while
      // waiting: no git process otherwise.
      const after = readPushStatus(repo).local;
      if (after && after.time !== before?.time) {
        const late = await missingMemo(repo, after, link.path, options);
        if (late) return late;
      }
      await ensureBackupRepo(link.path, { root: repo.root });
      recordBackup(link.store, { id: link.id, path: link.path, root: repo.root });
      const machineStore = defaultStoreDir();
      if (machineStore !== link.store) recordBackup(machineStore, { id: link.id, path: link.path, root: repo.root });
      // Nothing the backup lacks: no `git push` (backupHoldsAll; the config and LFS copies below still run).
      let result = backupHoldsAll(repo, link.path) ? { target: link.path, ok: true, updated: 0, rejected: [] } : await push(repo, link.path, REFSPEC);
      // A chain an older gc forked in the backup while it holds nothing this one lacks (mend-fork.ts): mended, then pushed again.
      const mended = result.ok || result.rejected.length === 0 ? [] : await mendForkedChains(repo, link.path, result.rejected);
      if (mended.length > 0) {
        const again = await push(repo, link.path, REFSPEC);
        result = { ...again, updated: again.updated + mended.length, mended };
      }
      saveSourceConfig(repo, link.path);
      const lfs = copyLfs(repo, link.path);
      return { ...result, ...(lfs.error ? (result.ok ? { ...lfs, ok: false } : {}) : lfs), time: new Date().toISOString(), durationMs: Date.now() - started };
    });
  } catch (error) {
    const message = error instanceof GuardError ? error.message : (error as Error).message;
    outcome = { time: new Date().toISOString(), target: link.path, ok: false, updated: 0, rejected: [], error: message, durationMs: Date.now() - started };
  }
  updatePushStatus(repo, (status) => {
    status.local = outcome;
    noteCopied(status, outcome);
  });
  return outcome;
}

/** Pushes every snapshot chain to `backup.remote` (no-op when it is not set). */
export async function pushRemote(repo: Repo, settings: MirrorSettings, options: PushOptions = {}): Promise<PushOutcome | null> {
  const remote = settings.backup.remote;
  if (!remote) return null;
  const started = Date.now();
  if (!(await hasGuardRefs(repo))) {
    return { time: new Date().toISOString(), target: remote, ok: true, updated: 0, rejected: [], durationMs: 0, empty: true };
  }
  const skip = (await partialCloneSkip(repo, remote, options)) ?? (await missingMemo(repo, readPushStatus(repo).remote, remote, options));
  if (skip) {
    updatePushStatus(repo, (status) => {
      status.remote = skip;
    });
    return skip;
  }
  let force = false;
  updatePushStatus(repo, (status) => {
    force = status.remoteNeedsForce === true;
  });
  const result = await push(repo, remote, force ? `+${REFSPEC}` : REFSPEC);
  const outcome: PushRecord = { ...result, time: new Date().toISOString(), durationMs: Date.now() - started };
  updatePushStatus(repo, (status) => {
    status.remote = outcome;
    if (force && outcome.ok) delete status.remoteNeedsForce;
    noteCopied(status, outcome);
  });
  return outcome;
}
