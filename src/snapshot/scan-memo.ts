/**
 * What the last snapshot of this worktree found, so the next one can skip work (owns the file
 * `<gitDir>/guard/scan-memo.json`):
 *   tree       the working tree as a tree at that snapshot
 *   userIndex  size/mtime/inode of the user's index then, with its indexTree/rawIndex: an
 *              unchanged index file is not read again (git replaces the index file on every
 *              write, so a new inode or mtime means new content)
 *   attributes the `.gitattributes` files found in the index (with its stat data) and untracked
 *   raw        the raw tree R and the lstat data of its files (raw-files.ts)
 *   scan       the signature of the full walk (differing paths and their lstat data): the same
 *              user index and the same signature give the same tree, so a snapshot where nothing
 *              changed writes nothing (null after an incremental snapshot)
 * None of userIndex, the attributes' index stamp and scan is kept when what it vouches for
 * changed less than RACY_MS (capture-worktree.ts) before the snapshot began: a same-size change in the same tick of the file system's clock leaves the
 * same lstat data (git's "racily clean" entries), and the file system hands a freed inode back,
 * so two index files written in one tick can carry the same stamp. The next snapshot then reads
 * them again; a later one, once they are older, keeps the memo.
 * The file is replaced atomically; a reader gets the old or the new memo, never a mix.
 *
 * Before the snapshot store edited trees directly (tree-edit.ts), guard kept a private index of
 * the whole working tree here (`worktree-index.json` and `worktree-index.*`, as a split index
 * with `sharedindex.*` files in the git dir). Those are removed when found.
 */
import type { IndexFlags } from './index-file.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { guardPath } from '../git/repo.js';
import type { KnownModeRules } from './mode-rules.js';
import type { AttributeFilesMemo } from './conversions.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';

const MEMO = 'scan-memo.json';

export interface IndexStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface ScanMemo {
  tree: string;
  /** `flags`: its entries no tree holds (index-flags.ts); absent in memos written before them. */
  userIndex: { stamp: IndexStamp; indexTree: string | null; rawIndex: string | null; flags?: IndexFlags } | null;
  scan: string | null;
  /** core.fileMode / core.symlinks as last read, with the config files' stat data (mode-rules.ts). */
  modeRules?: KnownModeRules;
  /** The `.gitattributes` files in the working tree, as last found (conversions.ts). */
  attributes?: AttributeFilesMemo;
  /**
   * The raw tree R the last snapshot wrote (raw-files.ts; null: none), whether a conversion may
   * have been in effect, R's paths and their lstat data: with the same scan, the same R.
   */
  raw?: { tree: string | null; mayConvert: boolean; paths: string[]; sign: string };
}

export async function statIndex(file: string): Promise<IndexStamp | null> {
  try {
    const stat = await fs.stat(file);
    // The test bundle can read it in whole seconds, as a file system with a coarse clock gives it (util/test-faults.ts).
    const mtimeMs = TEST_FAULTS && testFault('GUARD_TEST_STAT_SECONDS') !== undefined ? Math.floor(stat.mtimeMs / 1000) * 1000 : stat.mtimeMs;
    return { size: stat.size, mtimeMs, ino: stat.ino };
  } catch {
    return null;
  }
}

export function sameStamp(a: IndexStamp | null | undefined, b: IndexStamp | null | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

export async function readScanMemo(repo: Repo): Promise<ScanMemo | null> {
  try {
    const memo = JSON.parse(await fs.readFile(guardPath(repo, MEMO), 'utf8')) as ScanMemo;
    return typeof memo.tree === 'string' ? memo : null;
  } catch {
    await removeLegacyIndex(repo);
    return null;
  }
}

export async function saveScanMemo(repo: Repo, memo: ScanMemo): Promise<void> {
  const file = guardPath(repo, MEMO);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(tmp, `${JSON.stringify(memo)}\n`);
  await fs.rename(tmp, file);
}

/** Forgets what the last snapshot found: the next one reads everything again. */
export async function clearScanMemo(repo: Repo): Promise<void> {
  await fs.rm(guardPath(repo, MEMO), { force: true });
}

/** Removes the private whole-tree index older versions kept, and the shared index files it made. */
async function removeLegacyIndex(repo: Repo): Promise<void> {
  const dir = guardPath(repo);
  let legacy: { sharedIndexes?: unknown };
  try {
    legacy = JSON.parse(await fs.readFile(path.join(dir, 'worktree-index.json'), 'utf8')) as { sharedIndexes?: unknown };
  } catch {
    return;
  }
  const shared = Array.isArray(legacy.sharedIndexes) ? legacy.sharedIndexes.filter((n): n is string => typeof n === 'string' && /^sharedindex\.[0-9a-f]+$/.test(n)) : [];
  await Promise.all(shared.map((name) => fs.rm(path.join(repo.gitDir, name), { force: true })));
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith('worktree-index.')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}
