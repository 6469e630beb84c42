/**
 * `guard hook keep-dropped`: keeps the tips of deleted remote-tracking refs reachable. The
 * reference-transaction shim's committed run appends one "<old oid> <ref>" line per
 * remote-tracking ref the transaction deleted (`git fetch --prune`, `git remote prune`, `git
 * branch -dr`, `git remote remove`) to <guardDir>/dropped-remotes, says the way back, and starts
 * this in the background when it created the file. Snapshots do not record remote-tracking refs
 * (a fetch moves them constantly: docs/DECISIONS.md), and a deleted ref's reflog goes with it: the
 * commits of a branch the remote deleted were an unreachable object until the next gc, their id
 * only in `guard log --type ref-update`. Here the file is taken (renamed: lines appended from
 * now on start another run) and every tip goes into the keep chain (keep.ts) in one commit.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { escapedText } from '../util/escaped-text.js';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { keepTips } from './keep.js';
import type { HookReport } from './decide.js';
import type { HookContext } from './context.js';

export const DROPPED_REMOTES_FILE = 'dropped-remotes';

/** Whether process `pid` still runs (a run that took its file and has not finished). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A file no run has taken for this long is waiting: its background run did not start or died (WaitingTips). */
export const DROPPED_STALE_MS = 60_000;

export interface WaitingTips {
  /** "<old oid> <ref>" lines (refs as git wrote them, latin1 text) in files no run holds. */
  lines: string[];
  /** The oldest such file's mtime (ms). */
  since: number;
}

/**
 * Tips deleted remote-tracking refs left waiting: <guardDir>/dropped-remotes older than
 * DROPPED_STALE_MS (the shim starts a run for it when it creates it; a run that cannot start
 * leaves it, and later deletions only append) and the files of runs that ended without keeping
 * theirs. Null when none (a readdir, no git process). For `guard status`, which keeps them.
 */
export async function waitingDroppedTips(repo: Repo, now = Date.now()): Promise<WaitingTips | null> {
  const dir = guardCommonPath(repo);
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith(DROPPED_REMOTES_FILE));
  if (names.length === 0) return null;
  const lines: string[] = [];
  let since = Infinity;
  for (const name of names) {
    const owner = /^dropped-remotes(?:\.(\d+)(?:\.\d+)?)?$/.exec(name);
    if (!owner) continue;
    if (owner[1] !== undefined && running(Number(owner[1]))) continue;
    const stat = await fs.stat(path.join(dir, name)).catch(() => null);
    if (!stat || (owner[1] === undefined && now - stat.mtimeMs < DROPPED_STALE_MS)) continue;
    const text = await fs.readFile(path.join(dir, name), 'latin1').catch(() => '');
    const found = text.split('\n').filter((line) => /^([0-9a-f]{40}|[0-9a-f]{64}) refs\/remotes\/./.test(line));
    if (found.length === 0) continue;
    lines.push(...found);
    since = Math.min(since, stat.mtimeMs);
  }
  return lines.length > 0 ? { lines, since } : null;
}

export async function keepDroppedRemoteTips(ctx: Pick<HookContext, 'repo'>): Promise<HookReport> {
  const file = guardCommonPath(ctx.repo, DROPPED_REMOTES_FILE);
  const taken = `${file}.${process.pid}`;
  // Files an earlier run took and did not keep (its keep failed, or it was killed): taken again
  // here, so their tips are kept with this run's (the shim starts a run only for a new file).
  const leftovers: string[] = [];
  const dir = path.dirname(file);
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    // dropped-remotes.<pid> (a run's own), dropped-remotes.<pid>.<pid> (leftovers a run took).
    const owner = /^dropped-remotes\.(\d+)(?:\.\d+)?$/.exec(name);
    const pid = owner ? Number(owner[1]) : 0;
    if (pid <= 0 || pid === process.pid || running(pid)) continue;
    const mine = `${taken}.${leftovers.length}`;
    if (await fs.rename(path.join(dir, name), mine).then(() => true, () => false)) leftovers.push(mine);
  }
  const ownFile = await fs.rename(file, taken).then(() => true, () => false);
  if (!ownFile && leftovers.length === 0) return { refused: false, messages: [] };
  const texts = await Promise.all([...(ownFile ? [taken] : []), ...leftovers].map((name) => fs.readFile(name, 'latin1')));
  const items = droppedItems(texts.join('\n'));
  // A keep that fails leaves every line in one file of this run's (taken by the next run, above):
  // the tips stay named, not dropped with the file.
  if (items.length > 0) {
    try {
      await keepTips(ctx.repo, items);
    } catch (error) {
      await fs.writeFile(taken, texts.join('\n'), 'latin1');
      for (const name of leftovers) await fs.rm(name, { force: true });
      throw error;
    }
  }
  // A shim's append that opened the file just before the rename writes into this run's file,
  // perhaps after the read above: read it again before removing it, and keep what came late.
  if (ownFile) {
    const again = await fs.readFile(taken, 'latin1').catch(() => texts[0]!);
    if (again.length > texts[0]!.length) {
      const late = droppedItems(again.slice(texts[0]!.length));
      if (late.length > 0) await keepTips(ctx.repo, late);
    }
  }
  for (const name of [taken, ...leftovers]) await fs.rm(name, { force: true });
  return { refused: false, messages: [] };
}

/** The "<old oid> <ref>" lines of a dropped-remotes file as keep items (a zero oid is no tip). */
function droppedItems(text: string) {
  return text
    .split('\n')
    .map((line) => /^([0-9a-f]{40}|[0-9a-f]{64}) (refs\/remotes\/.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && /[1-9a-f]/.test(m[1]!))
    .map((m) => ({ ref: escapedText(Buffer.from(m[2]!, 'latin1')), oid: m[1]!, reason: 'remote-tracking-deleted' }));
}
