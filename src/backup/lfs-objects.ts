/**
 * Git LFS content in the backup. For a file whose attributes say `filter=lfs`, git's clean filter
 * (git-lfs) stores the content at `<gitDir>/lfs/objects/<aa>/<bb>/<sha256>` and gives git only a
 * pointer (`version https://git-lfs.github.com/spec/v1`, `oid sha256:…`, `size N`): a snapshot
 * holds that pointer, and so does the backup a push fills. Content that never reached an LFS
 * server (an uncommitted edit of a model, a commit not pushed yet, a repository without a server)
 * was only in `.git/lfs/objects`: `rm -rf .git` took it, `guard recover` then failed in git-lfs's
 * smudge ("smudge filter lfs failed") after cloning the backup, and `git lfs prune` deleted the
 * objects only guard's snapshots named (it does not know refs/guard/*), so a rollback to such a
 * snapshot failed halfway. Found on 2026-12-05 with git-lfs 3.3.0.
 *
 * So the backup keeps the objects too, in the same layout under its own git directory
 * (`<backup>/lfs/objects`, where git-lfs itself looks in a bare repository), copied after each
 * push; recover puts them into the new `.git/lfs/objects` before it writes the working tree, and a
 * rollback takes those its target needs and lacks from there.
 *
 * Cost: a repository without `<commonDir>/lfs/objects` pays one failed readdir and no git process.
 * With LFS, a push lists the object directories (two levels of at most 256 names, then the files)
 * and copies what the backup lacks: no git process, no file read but the new objects'. Objects
 * are content-addressed and never change, so an object present under its name is taken as
 * present; a copy is written under a temporary name and renamed, so a copy cut short is never
 * taken for an object.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lfsDir } from '../git/lfs-storage.js';
import type { Repo } from '../git/repo.js';

const HEX2 = /^[0-9a-f]{2}$/;
const OID = /^[0-9a-f]{64}$/;

/** Where git-lfs keeps its objects for a git directory in the default place (the backup's; a repository's: localLfsObjects). */
export function lfsObjectsDir(gitDir: string): string {
  return path.join(gitDir, 'lfs', 'objects');
}

/** Where git-lfs keeps this repository's objects, `lfs.storage` followed (git/lfs-storage.ts). */
export function localLfsObjects(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>): string {
  return path.join(lfsDir(repo), 'objects');
}

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every object under an LFS objects directory, as `<aa>/<bb>/<oid>` (only names in LFS's layout). */
export function listLfsObjects(objectsDir: string): string[] {
  const found: string[] = [];
  for (const aa of names(objectsDir)) {
    if (!HEX2.test(aa)) continue;
    for (const bb of names(path.join(objectsDir, aa))) {
      if (!HEX2.test(bb)) continue;
      for (const oid of names(path.join(objectsDir, aa, bb))) {
        if (OID.test(oid) && oid.startsWith(aa + bb)) found.push(`${aa}/${bb}/${oid}`);
      }
    }
  }
  return found;
}

export interface LfsCopy {
  /** Objects written into the destination. */
  copied: number;
  bytes: number;
}

/**
 * Copies into `to` each object of `from` that `to` lacks (or only those named in `only`).
 * `link`: a hard link where possible (recover, into a repository being born, as git's own local
 * clone links its objects), else a copy. Throws on a write that fails (a full disk).
 */
export function copyLfsObjects(from: string, to: string, options: { link?: boolean; only?: Set<string> } = {}): LfsCopy {
  const result: LfsCopy = { copied: 0, bytes: 0 };
  const wanted = options.only ? [...options.only].filter((oid) => OID.test(oid)).map((oid) => `${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid}`) : listLfsObjects(from);
  for (const rel of wanted) {
    const source = path.join(from, rel);
    const target = path.join(to, rel);
    if (fs.existsSync(target)) continue;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source);
    } catch {
      continue; // not there (only: an object the source lacks too)
    }
    if (!stat.isFile()) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    if (options.link) {
      try {
        fs.linkSync(source, target);
        result.copied++;
        result.bytes += stat.size;
        continue;
      } catch {
        // another file system, or links not allowed: copy
      }
    }
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    try {
      fs.copyFileSync(source, temp, fs.constants.COPYFILE_FICLONE);
      fs.renameSync(temp, target);
    } finally {
      fs.rmSync(temp, { force: true });
    }
    result.copied++;
    result.bytes += stat.size;
  }
  return result;
}

/**
 * The LFS objects a push must add to the backup from the repository's (`from`, localLfsObjects):
 * none (and no file system work but one failed readdir) when it has no LFS objects directory.
 */
export function backupLfsObjects(from: string, backup: string): LfsCopy | null {
  if (names(from).length === 0) return null;
  return copyLfsObjects(from, lfsObjectsDir(backup));
}

/** The oids an LFS pointer (a blob of at most 1024 bytes, as git-lfs writes them) names, else null. */
export function lfsPointerOid(content: Buffer): string | null {
  if (content.length > 1024 || !content.subarray(0, 64).toString('latin1').startsWith('version https://git-lfs.github.com/spec/v1')) return null;
  const match = /\noid sha256:([0-9a-f]{64})\n/.exec(content.toString('latin1'));
  return match ? match[1]! : null;
}
