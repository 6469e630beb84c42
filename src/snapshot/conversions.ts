/**
 * Whether git may convert files on their way into the repository and out of it in this worktree:
 * core.autocrlf, or a `text`, `eol`, `filter`, `ident` or `working-tree-encoding` attribute in
 * any attributes file git reads (every `.gitattributes` in the working tree, `info/attributes`,
 * core.attributesFile or its default, the system file). When none is, a file's bytes on disk are
 * its blob's bytes and git's checkout gives them back exactly: the snapshot keeps no raw bytes
 * (raw-files.ts) and this costs no git process.
 *
 * The answer is conservative: any such attribute anywhere (also one a macro defines, or behind a
 * pattern that matches nothing) says "may convert", and raw-files.ts then asks `git check-attr`
 * about the changed files and keeps raw bytes only where git's checkout would not give them back.
 *
 * The config comes with the mode rules (mode-rules.ts: the same `git config` call, memoized).
 * The tracked `.gitattributes` files are found in the user's index file, read here without git
 * (a byte search first: an index without the bytes "gitattributes" in a name has none), and kept
 * in the scan memo with the index's stat data; untracked ones are among the paths the scan reads
 * (a full walk lists every untracked file) and are remembered across incremental snapshots.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { fsPath, type GitPath } from '../git/path.js';
import type { ConversionConfig } from './mode-rules.js';
import { indexPathsNamed } from './index-file.js';
import { sameStamp, type IndexStamp } from './scan-memo.js';

/** What the scan memo keeps of the attributes files in the working tree (paths as byte strings). */
export interface AttributeFilesMemo {
  /** Stat data of the user's index the tracked list was read from; null when that index was racy (scan-memo.ts), so the next snapshot reads it again. */
  index: IndexStamp | null;
  /** Tracked `.gitattributes` paths; null when the index could not be read here (then: may convert). */
  tracked: string[] | null;
  /** Untracked `.gitattributes` paths seen by the scans. */
  untracked: string[];
}

const NAME = '.gitattributes';
// `crlf` is git's old name for `text` (`crlf=input`: `eol=lf`), still honoured.
const ATTRIBUTES = new Set(['text', 'eol', 'filter', 'ident', 'working-tree-encoding', 'crlf']);

/**
 * How far an attributes file's conversions can go: 'none'; 'lf' when all it sets is `text` (any
 * value), `crlf` or `eol=lf`, which only ever turn CRLF into LF on the way in and write LF on the
 * way out (with core.eol and core.autocrlf not asking for CRLF: checkConversions); 'any' for
 * `eol=crlf`, `filter`, `ident` or `working-tree-encoding`.
 */
export type ConversionLevel = 'none' | 'lf' | 'any';

function isAttributesFile(p: string): boolean {
  return p === NAME || p.endsWith(`/${NAME}`);
}

/** Whether an attributes file's text sets (or a macro defines) an attribute that converts. */
export function mentionsConversion(text: string): boolean {
  return conversionLevel(text) !== 'none';
}

/** The furthest conversion an attributes file's text sets (or a macro defines). */
export function conversionLevel(text: string): ConversionLevel {
  let level: ConversionLevel = 'none';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // The first token is the pattern (or `[attr]name`); a quoted pattern with spaces leaves parts
    // of itself among the attributes, which can only say "may convert" too often, never too rarely.
    for (const token of line.split(/\s+/).slice(1)) {
      // `-text` and `!eol` unset or unspecify: no conversion comes from them.
      if (token.startsWith('-') || token.startsWith('!')) continue;
      const [name, value] = token.split('=') as [string, string | undefined];
      if (!ATTRIBUTES.has(name)) continue;
      if (name === 'text' || name === 'crlf' || (name === 'eol' && value === 'lf')) level = 'lf';
      else return 'any';
    }
  }
  return level;
}


/** The attributes files outside the working tree git reads (they may not exist). */
function outsideFiles(repo: Repo, config: ConversionConfig): string[] {
  const home = os.homedir();
  const files = [path.join(repo.commonDir, 'info', 'attributes')];
  const configured = config.attributesFile;
  if (configured) files.push(configured.startsWith('~/') ? path.join(home, configured.slice(2)) : path.resolve(repo.root, configured));
  else files.push(path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), 'git', 'attributes'));
  // git's system file lives under its prefix; /etc is where distributions put it.
  if (!process.env.GIT_ATTR_NOSYSTEM) files.push('/etc/gitattributes');
  return files;
}

export interface ConversionCheck {
  /** Whether git may convert any file here. */
  mayConvert: boolean;
  /**
   * Every conversion that may be in effect only turns CRLF into LF on the way in and writes LF on
   * the way out (`text`, `text=auto`, `eol=lf`, core.autocrlf unset/false/input, core.eol not
   * crlf), as in most projects that set attributes (vite: `* text=auto eol=lf`, babel: `* text
   * eol=lf`). Then a file without a CR byte is its own checkout, and only files with one need a
   * look (raw-files.ts): no git process for a snapshot whose changed files hold none.
   */
  lfOnly: boolean;
  memo: AttributeFilesMemo;
}

/**
 * Whether any conversion may be in effect. `scanned` are the paths this snapshot reads (a full
 * walk: every untracked file among them); `full` says whether they come from a full walk.
 */
export async function checkConversions(
  repo: Repo,
  config: ConversionConfig,
  userIndex: IndexStamp | null,
  oidBytes: number,
  known: AttributeFilesMemo | undefined,
  scanned: string[],
  full: boolean,
  /** The user's index file's bytes, read once per snapshot (create.ts; also for its cache tree). */
  indexData: () => Promise<Buffer | null>,
): Promise<ConversionCheck> {
  let tracked: string[] | null;
  if (known && sameStamp(known.index, userIndex)) tracked = known.tracked;
  else {
    const data = await indexData();
    tracked = data ? indexPathsNamed(data, oidBytes, NAME) : [];
  }
  const trackedSet = new Set(tracked ?? []);
  const seen = scanned.filter((p) => isAttributesFile(p) && !trackedSet.has(p));
  const untrackedCandidates = [...new Set([...(full ? [] : (known?.untracked ?? [])), ...seen])].filter((p) => !trackedSet.has(p));
  const read = (file: string | Buffer): Promise<string | null> => fs.readFile(file, 'utf8').catch(() => null);
  const [inTree, untrackedTexts, outside] = await Promise.all([
    Promise.all([...trackedSet].map((p) => read(fsPath(repo.root, p as GitPath)))),
    Promise.all(untrackedCandidates.map((p) => read(fsPath(repo.root, p as GitPath)))),
    Promise.all(outsideFiles(repo, config).map((f) => read(f))),
  ]);
  const untracked = untrackedCandidates.filter((_, i) => untrackedTexts[i] !== null);
  const memo: AttributeFilesMemo = { index: userIndex, tracked, untracked };
  const levels = [...untrackedTexts, ...outside].filter((text): text is string => text !== null).map(conversionLevel);
  // A tracked file missing from the working tree: git reads the index's version (not here).
  const unknown = tracked === null || inTree.some((text) => text === null);
  for (const text of inTree) if (text !== null) levels.push(conversionLevel(text));
  const mayConvert = config.autocrlf !== 'false' || unknown || levels.some((level) => level !== 'none');
  const lfOnly = mayConvert && !unknown && config.autocrlf !== 'true' && config.eol !== 'crlf' && levels.every((level) => level !== 'any');
  return { mayConvert, lfOnly, memo };
}
