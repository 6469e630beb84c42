/**
 * Captures everything a rollback promises to restore, for byte-exact comparisons: every file and
 * symlink under the worktree (bytes, exec bit, link target; `.git` excluded), the index with
 * modes and stages, HEAD, branches, tags and the stash list.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestRepo } from './git-repo.js';

export interface RepoSnapshotState {
  files: Record<string, string>;
  index: string;
  head: string;
  refs: string;
  stash: string;
}

function walk(root: string, dir: string, out: Record<string, string>): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(root, full);
    if (rel === '.git') continue;
    if (entry.isSymbolicLink()) out[rel] = `link -> ${fs.readlinkSync(full)}`;
    else if (entry.isDirectory()) walk(root, full, out);
    else if (entry.isFile()) {
      const exec = (fs.statSync(full).mode & 0o111) !== 0 ? 'x' : '-';
      out[rel] = `${exec} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    } else out[rel] = 'special';
  }
}

export function captureState(repo: TestRepo, cwd: string = repo.dir): RepoSnapshotState {
  const files: Record<string, string> = {};
  walk(cwd, cwd, files);
  const symbolic = repo.gitResult(['symbolic-ref', '-q', 'HEAD'], { cwd });
  const head = symbolic.code === 0 ? `ref: ${symbolic.stdout.trim()}` : `detached ${repo.git(['rev-parse', 'HEAD'], { cwd }).trim()}`;
  return {
    files,
    index: repo.git(['ls-files', '-s', '-z'], { cwd }).split('\0').join('\n'),
    head,
    refs: repo.git(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', 'refs/heads', 'refs/tags'], { cwd }),
    stash: repo.git(['stash', 'list', '--format=%H %gs'], { cwd }),
  };
}

/** A path's permission bits in octal (`'600'`), not following a symlink. */
export function perms(repo: TestRepo, file: string): string {
  return (fs.lstatSync(path.join(repo.dir, file)).mode & 0o7777).toString(8);
}

/**
 * captureState plus the permission bits of `files` (captureState reads only the exec bit, and a
 * 0600 secret that comes back 0644 is a broken promise); 'none' for a file that is not there.
 */
export function stateWithModes(repo: TestRepo, files: string[]): RepoSnapshotState & { modes: Record<string, string> } {
  return { ...captureState(repo), modes: Object.fromEntries(files.map((f) => [f, fs.existsSync(path.join(repo.dir, f)) ? perms(repo, f) : 'none'])) };
}

/**
 * Every path under the work tree by its bytes (names that are not UTF-8 too; `.git` left out),
 * directories included, with its kind, permission bits and content hash or link target bytes;
 * plus the index, HEAD, branches, tags, the stash and `git status --ignored`. For rollbacks that
 * replace one kind of file by another (a symlink by a file, a directory by a file) and back.
 */
export function byteState(repo: TestRepo): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: Buffer, rel: string): void => {
    for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) {
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      const key = `${rel}${name.toString('latin1')}`;
      if (key === '.git') continue;
      const stat = fs.lstatSync(full);
      const bits = (stat.mode & 0o7777).toString(8);
      if (stat.isDirectory()) {
        out[key] = `dir ${bits}`;
        walk(full, `${key}/`);
      } else if (stat.isSymbolicLink()) out[key] = `link ${bits} -> ${fs.readlinkSync(full, { encoding: 'buffer' }).toString('latin1')}`;
      else if (stat.isFile()) out[key] = `file ${bits} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
      else out[key] = `special ${bits}`;
    }
  };
  walk(Buffer.from(repo.dir), '');
  out[':index'] = repo.git(['ls-files', '-s', '-z']);
  out[':head'] = repo.gitResult(['symbolic-ref', '-q', 'HEAD']).stdout + repo.git(['rev-parse', 'HEAD']);
  out[':refs'] = repo.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags']);
  out[':stash'] = repo.git(['stash', 'list', '--format=%H %gs']);
  out[':status'] = repo.git(['status', '--porcelain=v2', '-z', '--ignored', '--untracked-files=all']);
  return out;
}
