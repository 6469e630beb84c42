/**
 * Turns the working tree into a tree object without touching the user's index.
 *
 * Recipe (measured in docs/BENCHMARKS.md): on a private copy of the user's index, one
 * `git status --porcelain=v2 -z` walk finds what differs from the index (modified, deleted,
 * untracked); only those paths are fed to `git update-index --add --remove`, and `git write-tree`
 * reuses the index's cache-tree for everything else. That costs about one `git status`, where
 * `git add -A` on the copy walks and hashes more, and `git stash create` misses untracked files
 * and takes the user's index.lock.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { bytesToText, runGit, splitNulBytes } from '../git/run.js';
import { GuardError } from '../errors.js';
import type { SkippedPath } from './format.js';

export interface CaptureOptions {
  /** Skip new untracked files larger than this many bytes (0 = no limit). */
  maxFileSize: number;
  /** Pathspecs (glob magic) of ignored files to capture anyway, e.g. `.env`. */
  includeIgnored: string[];
}

export interface CaptureResult {
  tree: string;
  skipped: SkippedPath[];
}

interface Candidate {
  /** Byte string (latin1) of the path, exactly as git printed it. */
  bytes: string;
  untracked: boolean;
  deleted: boolean;
}

function indexEnv(indexFile: string): Record<string, string> {
  return { GIT_INDEX_FILE: indexFile };
}

/** Paths that differ between the working tree and the index in `indexFile`. */
async function changedPaths(repo: Repo, indexFile: string, skipped: SkippedPath[]): Promise<Candidate[]> {
  const result = await runGit(
    [
      // Our parser needs the raw bytes; no submodule recursion costs either.
      '-c', 'core.quotePath=false',
      'status',
      '--porcelain=v2', // stable machine format
      '-z', // NUL-terminated, paths verbatim
      '--untracked-files=all', // every untracked file, not just their directories
      '--no-renames', // rename detection is wasted work here
      '--ignore-submodules=dirty', // a submodule's own dirt is not ours to capture; new commits are
    ],
    { cwd: repo.root, env: indexEnv(indexFile) },
  );
  for (const match of result.stderr.matchAll(/could not open directory '([^']*)'/g)) {
    skipped.push({ path: match[1]!.replace(/\/$/, ''), reason: 'unreadable' });
  }
  const candidates: Candidate[] = [];
  for (const record of splitNulBytes(result.stdout)) {
    const kind = record[0];
    if (kind === '?') {
      candidates.push({ bytes: record.slice(2), untracked: true, deleted: false });
    } else if (kind === '1') {
      // 1 XY sub mH mI mW hH hI path
      const fields = splitFields(record, 9);
      const y = fields[1]![1];
      if (y !== '.') candidates.push({ bytes: fields[8]!, untracked: false, deleted: y === 'D' });
    } else if (kind === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path: a conflict; the working tree file is what we keep.
      const fields = splitFields(record, 11);
      candidates.push({ bytes: fields[10]!, untracked: false, deleted: false });
    }
  }
  return candidates;
}

function splitFields(record: string, count: number): string[] {
  const fields: string[] = [];
  let rest = record;
  for (let i = 0; i < count - 1; i++) {
    const at = rest.indexOf(' ');
    fields.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  fields.push(rest);
  return fields;
}

/** Ignored files the config asks to capture (e.g. `.env`). */
async function ignoredToInclude(repo: Repo, indexFile: string, globs: string[]): Promise<Candidate[]> {
  if (globs.length === 0) return [];
  const result = await runGit(
    ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...globs.map((g) => `:(glob)${g.includes('/') ? g : `**/${g}`}`)],
    { cwd: repo.root, env: indexEnv(indexFile) },
  );
  return splitNulBytes(result.stdout).map((bytes) => ({ bytes, untracked: true, deleted: false }));
}

/** Filters out what must not or cannot be captured, recording why. */
async function screen(repo: Repo, candidates: Candidate[], options: CaptureOptions, skipped: SkippedPath[]): Promise<string[]> {
  const keep: string[] = [];
  await Promise.all(
    candidates.map(async (candidate) => {
      const text = bytesToText(candidate.bytes);
      if (candidate.deleted) {
        keep.push(candidate.bytes);
        return;
      }
      if (candidate.bytes.endsWith('/')) {
        // status lists a nested repository (not a submodule) as a directory.
        skipped.push({ path: text.replace(/\/$/, ''), reason: 'nested-repository' });
        return;
      }
      // A Buffer path reaches the file even when its name is not valid UTF-8.
      const full = Buffer.concat([Buffer.from(`${repo.root}${path.sep}`, 'utf8'), Buffer.from(candidate.bytes, 'latin1')]);
      let stat;
      try {
        stat = await fs.lstat(full);
      } catch {
        // Vanished since the walk: update-index --remove records it as deleted.
        keep.push(candidate.bytes);
        return;
      }
      if (stat.isSymbolicLink() || stat.isDirectory()) {
        keep.push(candidate.bytes);
        return;
      }
      if (!stat.isFile()) {
        skipped.push({ path: text, reason: 'special-file' });
        return;
      }
      if (candidate.untracked && options.maxFileSize > 0 && stat.size > options.maxFileSize) {
        skipped.push({ path: text, reason: 'too-large', size: stat.size });
        return;
      }
      try {
        const handle = await fs.open(full, 'r');
        await handle.close();
      } catch {
        skipped.push({ path: text, reason: 'unreadable' });
        return;
      }
      keep.push(candidate.bytes);
    }),
  );
  return keep.sort();
}

/**
 * Updates `indexFile` (a private copy) to match the working tree and writes its tree.
 * Retries when a file changes under git's feet (it can even crash git with SIGBUS).
 */
export async function captureWorktree(repo: Repo, indexFile: string, options: CaptureOptions): Promise<CaptureResult> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const skipped: SkippedPath[] = [];
    try {
      const candidates = [...(await changedPaths(repo, indexFile, skipped)), ...(await ignoredToInclude(repo, indexFile, options.includeIgnored))];
      let paths = await screen(repo, candidates, options, skipped);
      // A file can become unreadable between the check and the read: drop it and try again.
      for (let round = 0; round < 5 && paths.length > 0; round++) {
        const result = await runGit(['update-index', '--add', '--remove', '-z', '--stdin'], {
          cwd: repo.root,
          env: indexEnv(indexFile),
          input: Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1'),
          okCodes: [128],
        });
        if (result.code === 0) break;
        const bad = /(?:open|read)\("([^"]+)"\)|unable to (?:index|process|add) (?:file |path )?'?([^'\n]+)'?/.exec(result.stderr);
        const badPath = bad?.[1] ?? bad?.[2];
        if (!badPath || !paths.includes(Buffer.from(badPath, 'utf8').toString('latin1'))) {
          throw new GuardError('git', `could not record the working tree: ${result.stderr.trim()}`);
        }
        skipped.push({ path: badPath, reason: 'unreadable' });
        paths = paths.filter((p) => p !== Buffer.from(badPath, 'utf8').toString('latin1'));
      }
      const tree = (await runGit(['write-tree'], { cwd: repo.root, env: indexEnv(indexFile) })).stdout.toString('utf8').trim();
      skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { tree, skipped };
    } catch (error) {
      lastError = error;
      const signal = (error as GuardError).details?.signal;
      if (!signal) throw error;
    }
  }
  throw new GuardError('git', 'files kept changing while the snapshot read them; try again in a moment', { cause: lastError });
}

/** Beyond this many changed paths a full walk is cheaper than listing them on the command line. */
export const MAX_INCREMENTAL_PATHS = 2000;

/**
 * O(changes) capture for the watcher: `indexFile` is a copy of guard's persistent index, which
 * mirrors the working tree as of the previous snapshot; only the paths the watcher saw change
 * (files or directories, existing or gone) are looked at again. Tracked entries under those
 * paths are re-read or removed; new untracked, non-ignored files under them are added.
 */
export async function captureChangedPaths(repo: Repo, indexFile: string, changed: string[], options: CaptureOptions): Promise<CaptureResult> {
  const skipped: SkippedPath[] = [];
  // :(literal) so a path with glob characters means only itself (a directory still covers its contents).
  const specs = [...new Set(changed)].map((p) => `:(literal)${p}`);
  const [tracked, untracked] = await Promise.all([
    runGit(['ls-files', '-z', '--', ...specs], { cwd: repo.root, env: indexEnv(indexFile) }),
    runGit(['ls-files', '-z', '--others', '--exclude-standard', '--', ...specs], { cwd: repo.root, env: indexEnv(indexFile) }),
  ]);
  const candidates: Candidate[] = [];
  for (const bytes of splitNulBytes(tracked.stdout)) candidates.push({ bytes, untracked: false, deleted: false });
  for (const bytes of splitNulBytes(untracked.stdout)) candidates.push({ bytes, untracked: true, deleted: false });
  const paths = await screen(repo, candidates, options, skipped);
  if (paths.length > 0) {
    await runGit(['update-index', '--add', '--remove', '-z', '--stdin'], {
      cwd: repo.root,
      env: indexEnv(indexFile),
      input: Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1'),
    });
  }
  const tree = (await runGit(['write-tree'], { cwd: repo.root, env: indexEnv(indexFile) })).stdout.toString('utf8').trim();
  return { tree, skipped };
}
