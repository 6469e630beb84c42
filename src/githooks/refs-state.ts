/**
 * Small questions about refs that the hook handlers ask while git holds the transaction's locks.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { INTERNAL_TOKEN_ENV } from '../git/internal-token.js';
import { GUARD_COMMITTER } from '../git/objects.js';
import { resolveRev } from '../git/revs.js';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { hasEscapedBytes, refNameBytes } from '../git/ref-name.js';

/** guard itself is writing: the token is in the environment AND its file exists (internal-token.ts). */
export async function isGuardItself(repo: Repo, env: Record<string, string | undefined>): Promise<boolean> {
  const token = env[INTERNAL_TOKEN_ENV];
  if (!token || !/^[A-Za-z0-9-]+$/.test(token)) return false;
  try {
    await fs.access(guardCommonPath(repo, 'internal', token));
    return true;
  } catch {
    return false;
  }
}

/** The object a ref points to now (while prepared: the value before the transaction). */
export async function currentValue(repo: Repo, ref: string): Promise<string | null> {
  if (!hasEscapedBytes(ref)) return resolveRev(repo, ref);
  // A name that is not UTF-8 cannot go on the command line: its bytes go on stdin.
  const result = await runGit(['cat-file', '--batch-check=%(objectname)'], { cwd: repo.root, input: Buffer.concat([refNameBytes(ref), Buffer.from('\n')]) });
  const line = result.stdout.toString('latin1').trim();
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(line) ? line : null;
}

export async function objectKnown(repo: Repo, oid: string): Promise<boolean> {
  const result = await runGit(['cat-file', '-e', oid], { cwd: repo.root, okCodes: [1, 128] });
  return result.code === 0;
}

/**
 * `git pack-refs --prune` (run by `git gc`) deletes each loose ref it has just packed, in a
 * transaction of its own that looks like a deletion. It is one when packed-refs holds the ref with
 * exactly the old value and is not locked: a real deletion of a packed ref holds packed-refs.lock
 * while the hook runs, and a loose-only ref is not in packed-refs (measured with git 2.39; see
 * docs/hooks.md).
 */
export async function isPackRefsPrune(repo: Repo, old: string | null, ref: string): Promise<boolean> {
  if (!old) return false;
  const packed = path.join(repo.commonDir, 'packed-refs');
  try {
    await fs.access(`${packed}.lock`);
    return false;
  } catch {
    // not locked: go on
  }
  let text: string;
  try {
    text = await fs.readFile(packed, 'latin1');
  } catch {
    return false;
  }
  // packed-refs holds the name's bytes (read as latin1 here, so compare bytes to bytes).
  return text.split('\n').includes(`${old} ${refNameBytes(ref).toString('latin1')}`);
}

/**
 * `git pack-refs` copying a loose ref into packed-refs: the transaction of the packed store reports
 * "<zero> <oid>" while packed-refs.lock is held, with the value read from the loose file. It
 * changes nothing even when that value is no longer the ref's (guard's own background snapshot
 * moved the loose ref meanwhile): the loose ref is what git reads, and the prune that follows only
 * deletes a loose file that still holds the packed value. A write of the loose ref itself holds
 * `<ref>.lock` while the hook runs, so it never looks like this (hooks/reference-transaction.sh,
 * guard_is_pack_copy, answers the same).
 */
export async function isPackRefsCopy(repo: Repo, old: string | null, ref: string): Promise<boolean> {
  if (old) return false;
  const loose = Buffer.concat([Buffer.from(`${repo.commonDir}${path.sep}`), refNameBytes(ref)]);
  const exists = async (file: string | Buffer): Promise<boolean> =>
    fs.access(file).then(
      () => true,
      () => false,
    );
  return (await exists(path.join(repo.commonDir, 'packed-refs.lock'))) && (await exists(loose)) && !(await exists(Buffer.concat([loose, Buffer.from('.lock')])));
}

/**
 * The first commit guard wrote (a snapshot or one of its helper commits, so: a commit that is a
 * snapshot or has one in its history) among the commits reachable from `tips` and from none of
 * `exclude`; null when there is none. One `git rev-list` whatever the number of tips; ids this
 * repository does not have are ignored (a remote tip we never fetched). `exclude` may hold rev-list
 * options such as `--all` or `--remotes=origin`.
 */
export async function firstGuardCommit(repo: Repo, tips: string[], exclude: string[]): Promise<string | null> {
  if (tips.length === 0) return null;
  const { stdout } = await runGit(
    ['rev-list', '--ignore-missing', '--max-count=1', '--fixed-strings', `--committer=${GUARD_COMMITTER}`, ...tips, '--not', ...exclude, '--'],
    { cwd: repo.root },
  );
  return stdout.toString('utf8').trim() || null;
}
