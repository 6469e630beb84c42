/**
 * core.fileMode and core.symlinks: how git turns a file's lstat into a mode (tree-edit.ts). Both
 * are true on Linux and macOS unless a repository says otherwise (`git init` writes
 * core.filemode into the repository's config after probing the file system).
 *
 * The same `git config` call reads core.autocrlf and core.attributesFile (conversions.ts): whether
 * git converts files on their way in and out is known without a process of its own.
 *
 * Asking `git config` costs a process start per snapshot, which is a large part of a watcher
 * snapshot, so the answer is kept (in this process and in the scan memo) together with the stat
 * data of every config file git reads by default: the repository's, the worktree's, the global
 * and the system one. Any of them changing means asking again. Files pulled in by `[include]`
 * are not followed: a mode rule that only such a file sets is picked up when one of the others
 * changes, or at the next full `guard snapshot` after 24 hours.
 *
 * The same call reads each branch's own section of the repository's config (`branch.<name>.*`
 * in the local scope: remote, merge, pushRemote, rebase, description, ...), which `git branch -D`
 * removes with the branch (SnapshotMeta.branchConfig, restore/branch-config.ts): no process of its
 * own, and kept with the same stat data.
 *
 * And each remote's section (`remote.<name>.*`, local scope: url, pushurl, fetch, ...), which
 * `git remote remove|rename|set-url` changes: recorded on this machine only, by key
 * (remote-config.ts: a URL may hold a token), so the snapshot's metadata holds the key alone.
 */
import fs from 'node:fs/promises';
import type { Repo } from '../git/repo.js';
import { configFiles } from '../git/config-files.js';
import { runGit, splitNulBytes } from '../git/run.js';
import type { ModeRules } from './tree-edit.js';
import { recordRemoteSections, type RemoteSections } from './remote-config.js';
import { escapedText } from '../util/escaped-text.js';
import { refNameOf } from '../git/ref-name.js';

/** The config that decides whether git converts files (conversions.ts). */
export interface ConversionConfig {
  /** core.autocrlf: 'true', 'input', or 'false' (also when unset). */
  autocrlf: 'true' | 'input' | 'false';
  /** core.attributesFile as set (not expanded), or null when unset. */
  attributesFile: string | null;
  /** core.eol as set (lower case), or null when unset ("native": LF here). */
  eol: string | null;
}

export interface KnownModeRules {
  /** Stat data of the config files when `rules` were read. */
  stamp: string;
  /** When they were read (ms since the epoch). */
  at: number;
  rules: ModeRules;
  /** Absent in a memo written before it existed: then git is asked again. */
  conversion?: ConversionConfig;
  /** Each branch's local config section, by branch name (BranchConfig); absent in an older memo: asked again. */
  branchConfig?: Record<string, BranchConfigPair[]>;
  /** Set since branch names and values are kept by their bytes (2026-12-07); absent: an older memo that left them out, asked again. */
  branchBytes?: true;
  /** The key of the remotes' local sections (remote-config.ts); absent in an older memo: asked again. */
  remoteConfig?: string;
}

/**
 * One key of a branch's config section: the variable as git lists it (lower case: `pushremote`)
 * and its value, null for a key written without one (`[branch "x"] rebase`, true for git).
 */
export type BranchConfigPair = [string, string | null];

const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const inProcess = new Map<string, KnownModeRules>();

async function configStamp(repo: Repo): Promise<string> {
  const stats = await Promise.all(
    configFiles(repo).map(async (file) => {
      try {
        const st = await fs.stat(file);
        return `${file}:${st.size}:${st.mtimeMs}:${st.ino}`;
      } catch {
        return `${file}:-`;
      }
    }),
  );
  return stats.join('|');
}

/** git's boolean spellings; a key without a value (`[core] filemode`) is true. */
function gitBool(value: string | undefined): boolean | null {
  if (value === undefined) return true;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === 'on' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === 'off' || v === '0' || v === '') return false;
  return null;
}

async function askGit(repo: Repo): Promise<{ rules: ModeRules; conversion: ConversionConfig; branchConfig: Record<string, BranchConfigPair[]>; branchBytes: true; remoteConfig: string }> {
  // No --type=bool: core.autocrlf may be "input" and core.attributesFile is a path; the last
  // value of a key wins, as git reads it. --show-scope: a branch's keys are recorded only from the
  // repository's own config (a global `branch.x.*` is not this repository's to write back).
  const result = await runGit(['config', '-z', '--show-scope', '--get-regexp', '^(core\\.(filemode|symlinks|autocrlf|attributesfile|eol)|(branch|remote)\\..+\\.[^.]+)$'], { cwd: repo.root, okCodes: [1] });
  const rules: ModeRules = { trustExecutableBit: true, hasSymlinks: true };
  const conversion: ConversionConfig = { autocrlf: 'false', attributesFile: null, eol: null };
  const branchConfig: Record<string, BranchConfigPair[]> = {};
  const remotes: RemoteSections = {};
  const fields = splitNulBytes(result.stdout);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i]!;
    const record = fields[i + 1]!;
    const newline = record.indexOf('\n');
    if (record.startsWith('branch.') || record.startsWith('remote.')) {
      if (scope !== 'local') continue;
      const key = Buffer.from(newline < 0 ? record : record.slice(0, newline), 'latin1');
      const value = newline < 0 ? null : Buffer.from(record.slice(newline + 1), 'latin1');
      const section = record.startsWith('branch.') ? 'branch.' : 'remote.';
      // Values are kept as escaped text (escaped-text.ts: each byte that is not UTF-8 one lone
      // surrogate, which JSON keeps), written back as their bytes (restore/remote-config.ts,
      // restore/branch-config.ts): a remote whose URL is a local path in Latin-1 lost its url to
      // a rollback (the section went back without it) until 2026-12-07. A branch's name is kept
      // as ref-name.ts writes it (`caf\351`), the form the snapshot's refs have, so its section
      // is found by its refname; until 2026-12-07 (helper bytes3) a branch named or configured
      // with bytes that are not UTF-8 (`git branch $'caf\xe9'`) lost its whole section to
      // `git branch -D` and a rollback. The variable (after the last dot) is ASCII for git.
      const dot = key.lastIndexOf(0x2e);
      const nameBytes = key.subarray(section.length, dot);
      const name = section === 'branch.' ? refNameOf(nameBytes) : escapedText(nameBytes);
      ((section === 'branch.' ? branchConfig : remotes)[name] ??= []).push([key.subarray(dot + 1).toString('latin1'), value === null ? null : escapedText(value)]);
      continue;
    }
    const key = newline < 0 ? record : record.slice(0, newline);
    const value = newline < 0 ? undefined : Buffer.from(record.slice(newline + 1), 'latin1').toString('utf8');
    if (key === 'core.filemode') rules.trustExecutableBit = gitBool(value) === true;
    if (key === 'core.symlinks') rules.hasSymlinks = gitBool(value) === true;
    if (key === 'core.autocrlf') conversion.autocrlf = value?.trim().toLowerCase() === 'input' ? 'input' : gitBool(value) === true ? 'true' : 'false';
    if (key === 'core.attributesfile') conversion.attributesFile = value ?? null;
    if (key === 'core.eol') conversion.eol = value?.trim().toLowerCase() ?? null;
  }
  // A record that cannot be written (a full disk, a read-only .git) costs the remotes, not the snapshot: '' (none recorded).
  let remoteConfig = '';
  try {
    remoteConfig = recordRemoteSections(repo, remotes);
  } catch {
    /* recorded by a later snapshot */
  }
  return { rules, conversion, branchConfig, branchBytes: true, remoteConfig };
}

/** The rules, from what this process or the scan memo (`known`) already knows when still valid. */
export async function readModeRules(repo: Repo, known: KnownModeRules | null | undefined): Promise<KnownModeRules> {
  const stamp = await configStamp(repo);
  const fresh = (k: KnownModeRules | null | undefined): k is KnownModeRules => !!k && k.stamp === stamp && Date.now() - k.at < MAX_AGE_MS && k.conversion !== undefined && k.conversion.eol !== undefined && k.branchConfig !== undefined && k.branchBytes === true && k.remoteConfig !== undefined;
  const mine = inProcess.get(repo.gitDir);
  if (fresh(mine)) return mine;
  if (fresh(known)) {
    inProcess.set(repo.gitDir, known);
    return known;
  }
  const read: KnownModeRules = { stamp, at: Date.now(), ...(await askGit(repo)) };
  inProcess.set(repo.gitDir, read);
  return read;
}
