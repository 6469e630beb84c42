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
import { guardCommonPath } from '../git/repo.js';
import { keepTips } from './keep.js';
import type { HookReport } from './decide.js';
import type { HookContext } from './context.js';

export const DROPPED_REMOTES_FILE = 'dropped-remotes';

export async function keepDroppedRemoteTips(ctx: HookContext): Promise<HookReport> {
  const file = guardCommonPath(ctx.repo, DROPPED_REMOTES_FILE);
  const taken = `${file}.${process.pid}`;
  try {
    await fs.rename(file, taken);
  } catch {
    return { refused: false, messages: [] };
  }
  try {
    const text = await fs.readFile(taken, 'utf8');
    const items = text
      .split('\n')
      .map((line) => /^([0-9a-f]{40}|[0-9a-f]{64}) (refs\/remotes\/.+)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && /[1-9a-f]/.test(m[1]!))
      .map((m) => ({ ref: m[2]!, oid: m[1]!, reason: 'remote-tracking-deleted' }));
    if (items.length > 0) await keepTips(ctx.repo, items);
    return { refused: false, messages: [] };
  } finally {
    await fs.rm(taken, { force: true });
  }
}
