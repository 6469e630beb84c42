/**
 * Node hands a child process its working directory and environment as UTF-8 text only, so a
 * directory whose path is not UTF-8 (a worktree made with `$'wt\xff'`) cannot be where git runs,
 * nor a GIT_DIR. For those paths, and only those, a symbolic link with a plain name in a private
 * temporary directory stands in while `use` runs: git resolves it (getcwd, real paths) to the
 * directory itself, so what it reads and prints is that directory's, byte for byte. fs calls take
 * the bytes directly and need none of this.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';

/** `use` with each path as text a child process can be given (itself when UTF-8, else a link to it). */
export function withTextPaths<T>(paths: Buffer[], use: (texts: string[]) => T): T {
  if (paths.every((p) => isUtf8(p))) return use(paths.map((p) => p.toString('utf8')));
  // os.tmpdir() reads these same variables on POSIX; node:os stays off the hook path.
  const temp = process.env.TMPDIR || process.env.TMP || process.env.TEMP || '/tmp';
  const dir = fs.mkdtempSync(path.join(temp, 'guard-path-'));
  const links: string[] = [];
  try {
    const texts = paths.map((p, i) => {
      if (isUtf8(p)) return p.toString('utf8');
      const link = path.join(dir, String(i));
      fs.symlinkSync(p, link);
      links.push(link);
      return link;
    });
    return use(texts);
  } finally {
    // The links only, then the directory: never anything they point to.
    for (const link of links) fs.unlinkSync(link);
    fs.rmdirSync(dir);
  }
}
