/**
 * A rollback that writes Git LFS pointers needs the objects they name in `.git/lfs/objects`, and
 * git-lfs's smudge filter able to run, or git's checkout fails in the middle: some files written,
 * the LFS file deleted, `guard rollback --resume` or `--undo` needed. `git lfs prune` deletes the
 * objects no recent commit names, and it does not know refs/guard/*: an edit only a snapshot
 * holds loses its object (found on 2026-12-05 with git-lfs 3.3.0, `git lfs prune --recent`). The
 * backup keeps a copy of every object (backup/lfs-objects.ts).
 *
 * So before anything moves a rollback reads the pointers among the files it writes (planLfs):
 * the objects this repository lacks and the backup has are copied back once confirmed
 * (copyLfsFromBackup); a pointer whose object is in neither is named in the plan, and the
 * rollback refuses (or, asked with --lfs-pointers, writes that file as its pointer with the
 * filter off: rollback.ts); and git-lfs's smudge is tried once on empty content
 * (lfsFilterFailure), so a filter that cannot run (git-lfs not installed, not on PATH) refuses
 * too instead of failing in the middle of the checkout.
 *
 * Cost: nothing (one failed stat, a read of the config files for `lfs.storage`, no git process) in a repository without git-lfs's directory; with
 * it, one `cat-file --batch-check` of the files the rollback writes and one `cat-file --batch` of
 * those small enough to be pointers (at most 1024 bytes, as git-lfs's own limit); when one is a
 * pointer the smudge gets, one `git config` and one `cat-file --filters` (and, the first time in a repository that
 * lacks the empty blob, a `hash-object -w` of it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readObjects } from '../git/batch-objects.js';
import { hashBlob } from '../git/objects.js';
import { runGit } from '../git/run.js';
import { pathText, type GitPath } from '../git/path.js';
import { GuardError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { leavesAt } from '../snapshot/tree-edit.js';
import { readLink } from '../backup/link.js';
import { copyLfsObjects, lfsObjectsDir, localLfsObjects, lfsPointerOid } from '../backup/lfs-objects.js';
import { lfsDir } from '../git/lfs-storage.js';

/** The empty blob's id in a sha1 and a sha256 repository. */
const EMPTY_BLOB: Record<number, string> = {
  40: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
  64: '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813',
};

export interface LfsFiles {
  /** Pointer files whose object is neither in this repository nor in the backup. */
  missing: Array<{ path: GitPath; oid: string }>;
  /** Pointer files git-lfs's smudge will write (their object is here, or copied from the backup). */
  smudged: GitPath[];
  /** Objects this repository lacks that the backup's `lfs/objects` holds. */
  fromBackup: Set<string>;
  backupObjects: string | null;
  /** This repository's LFS objects directory (`lfs.storage` followed). */
  localObjects: string;
  /** The empty blob (for the filter's trial), and whether this repository has it. */
  emptyBlob: string;
  emptyBlobStored: boolean;
}

function hasObject(objects: string, oid: string): boolean {
  return fs.existsSync(path.join(objects, oid.slice(0, 2), oid.slice(2, 4), oid));
}

/** The LFS pointers among `tree`'s blobs at `paths` (the files a rollback writes); null when there is none. */
export async function planLfs(repo: Repo, tree: string, paths: readonly GitPath[]): Promise<LfsFiles | null> {
  if (paths.length === 0) return null;
  const dir = lfsDir(repo);
  if (!fs.existsSync(dir)) return null;
  const leaves = await leavesAt(repo, tree, paths);
  const small = paths.map((p, i) => ({ path: p, leaf: leaves[i] })).filter(({ leaf }) => leaf && leaf.type === 'blob' && (leaf.size === undefined || leaf.size <= 1024));
  if (small.length === 0) return null;
  const emptyBlob = EMPTY_BLOB[small[0]!.leaf!.oid.length] ?? EMPTY_BLOB[40]!;
  // The empty blob asked in the same process: the filter's trial needs it (lfsFilterFailure).
  const blobs = await readObjects(repo, [...small.map(({ leaf }) => leaf!.oid), emptyBlob]);
  const local = path.join(dir, 'objects');
  const link = readLink(repo);
  const backupObjects = link ? lfsObjectsDir(link.path) : null;
  const found: LfsFiles = { missing: [], smudged: [], fromBackup: new Set(), backupObjects, localObjects: local, emptyBlob, emptyBlobStored: blobs[small.length] !== null };
  small.forEach(({ path: p }, i) => {
    const oid = blobs[i] ? lfsPointerOid(blobs[i]!.content) : null;
    if (!oid) return;
    if (hasObject(local, oid)) found.smudged.push(p);
    else if (backupObjects && hasObject(backupObjects, oid)) {
      found.fromBackup.add(oid);
      found.smudged.push(p);
    } else found.missing.push({ path: p, oid });
  });
  return found.missing.length > 0 || found.smudged.length > 0 ? found : null;
}

/**
 * null when git-lfs's smudge runs here, else why not. One `cat-file --filters` of the empty blob
 * (git-lfs passes content that is no pointer through, so nothing is read or written but the
 * trial), in a scratch work tree whose `.gitattributes` names the filter for the trial's path: the
 * checkout reads the snapshot's attributes, which may name it where today's do not (an agent
 * that took the LFS lines out; tried with today's, the trial passed and the checkout failed in
 * the middle). And git-lfs set up at all: with no `filter.lfs.process` or `.smudge` in the
 * config, git would write the pointers as the files' content without a word.
 */
export async function lfsFilterFailure(repo: Repo, files: LfsFiles): Promise<string | null> {
  if (files.smudged.length === 0) return null;
  const drivers = await runGit(['config', '--get-regexp', '^filter\\.lfs\\.(process|smudge)$'], { cwd: repo.root, okCodes: [1] });
  if (drivers.code !== 0) return 'no filter.lfs.process or filter.lfs.smudge in git\'s config: git-lfs is not set up for this repository (`git lfs install`)';
  if (!files.emptyBlobStored) await hashBlob(repo, '');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-lfs-trial-'));
  try {
    fs.writeFileSync(path.join(scratch, '.gitattributes'), 'guard-lfs-trial filter=lfs\n');
    const { code, stderr } = await runGit(['--git-dir', repo.gitDir, '--work-tree', scratch, 'cat-file', '--filters', '--path=guard-lfs-trial', files.emptyBlob], { cwd: scratch, okCodes: [1, 128] });
    return code === 0 ? null : stderr.trim() || `git cat-file --filters exited with ${code}`;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const SHOW = 15;

function listed(names: string[]): string[] {
  return [...names.slice(0, SHOW).map((n) => `  ${n}`), ...(names.length > SHOW ? [`  … and ${names.length - SHOW} more (--json lists them all)`] : [])];
}

/**
 * Refuses, before anything moves, a rollback git's checkout could not finish: git-lfs's smudge
 * cannot run, or a pointer's object is in neither this repository nor the backup (unless
 * `pointers`: those files are then written as their pointers). `pointersCommand`: the command that
 * asks for that (`guard rollback … --lfs-pointers`), where there is one.
 */
export async function refuseLfsTrouble(repo: Repo, files: LfsFiles, target: string, pointers: boolean, pointersCommand: string | null): Promise<void> {
  const failure = await lfsFilterFailure(repo, files);
  if (failure !== null) {
    const names = files.smudged.map(pathText);
    throw new GuardError('refused', `git-lfs's filter cannot run here, and ${names.length} Git LFS file${names.length === 1 ? '' : 's'} this would write need${names.length === 1 ? 's' : ''} it: nothing was changed`, {
      hints: [
        ...listed(names),
        `git said: ${failure.split('\n').slice(-3).join(' / ')}`,
        'Install git-lfs, or put it on the PATH this command runs with (`git lfs version` checks), set it up with `git lfs install`, then run the same command again.',
      ],
      details: { lfsFilterFailure: failure, lfsFiles: names },
    });
  }
  if (files.missing.length === 0 || pointers) return;
  const missing = files.missing.map((m) => ({ path: pathText(m.path), oid: m.oid }));
  const many = missing.length !== 1;
  throw new GuardError(
    'refused',
    `the Git LFS content of ${missing.length} file${many ? 's' : ''} this would write is in neither .git/lfs/objects nor the backup (\`git lfs prune\` deleted ${many ? 'them' : 'it'} before a backup push kept ${many ? 'them' : 'it'}, or there is no backup): nothing was changed`,
    {
      hints: [
        ...listed(missing.map((m) => `${m.path}  (object sha256:${m.oid.slice(0, 12)}…)`)),
        `If ${many ? 'they' : 'it'} reached an LFS server: git lfs fetch origin ${target}   (the snapshot's LFS objects; it names those the server lacks, which the backup may hold), then run the same command again.`,
        pointersCommand
          ? `Or go back without ${many ? 'them' : 'it'}, every other file written exactly and ${many ? 'those' : 'that one'} as ${many ? 'their' : 'its'} LFS pointer${many ? 's' : ''}: ${pointersCommand}   (once the object is here, \`guard rollback --undo --yes\` and the same rollback write the content)`
          : `Or leave ${many ? 'those files' : 'that file'} out of what you restore.`,
      ],
      details: { lfsMissing: missing },
    },
  );
}

/** Copies from the backup the objects planLfs found there and not here; the number copied. */
export function copyLfsFromBackup(repo: Repo, files: LfsFiles | null): number {
  if (!files || files.fromBackup.size === 0 || !files.backupObjects) return 0;
  return copyLfsObjects(files.backupObjects, files.localObjects, { only: files.fromBackup }).copied;
}

/**
 * Of `paths` in `tree`, those whose blob is an LFS pointer to an object this repository does not
 * have (as bytes). For `guard recover` when git-lfs's smudge failed: a backup made before it kept
 * LFS objects, or a snapshot whose push had not run when `git lfs prune` deleted one. One
 * `cat-file --batch-check` and one `cat-file --batch` of the blobs small enough to be pointers.
 */
export async function pointersWithoutObject(repo: Repo, tree: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const leaves = await leavesAt(repo, tree, paths);
  const small = paths.map((p, i) => ({ path: p, leaf: leaves[i] })).filter(({ leaf }) => leaf && leaf.type === 'blob' && (leaf.size === undefined || leaf.size <= 1024));
  if (small.length === 0) return [];
  const blobs = await readObjects(repo, small.map(({ leaf }) => leaf!.oid));
  const local = localLfsObjects(repo);
  return small
    .filter((_, i) => {
      const oid = blobs[i] ? lfsPointerOid(blobs[i]!.content) : null;
      return oid !== null && !fs.existsSync(path.join(local, oid.slice(0, 2), oid.slice(2, 4), oid));
    })
    .map(({ path: p }) => p);
}
