/**
 * Python virtual environments in the working tree that git does not ignore (`python -m venv
 * .venv` in a project whose .gitignore does not name it, as Python before 3.13 leaves it): the
 * snapshot leaves their untracked files out, as it leaves out an ignored `.venv/` or
 * `node_modules/`. A virtual environment is rebuilt by `python -m venv` and `pip install`, is
 * tied to the interpreter that made it (its scripts name it by absolute path), and is large:
 * djangoproject.com's with pip and setuptools alone holds 764 files that git does not ignore, one
 * with the project's requirements thousands. Holding it made every snapshot of a session read
 * and hash it again (docs/BENCHMARKS.md, "friction7").
 *
 * Python 3.13's venv and virtualenv 20 write a `.gitignore` of `*` into the environment for this
 * very reason; this does the same for the ones made without it. A directory is a virtual
 * environment when it holds a regular file `pyvenv.cfg` with a `home` key (the one key the
 * interpreter requires there, PEP 405). Never the repository's own root: a repository made into
 * one (`python -m venv .`) keeps every file captured. Tracked files inside one stay captured.
 */
import fsSync from 'node:fs';

/** What the key must look like in pyvenv.cfg (`home = /usr/bin`), read from its first bytes. */
const HOME_KEY = /^[ \t]*home[ \t]*=/m;

/** The first bytes of pyvenv.cfg read (the file is a few lines; the key is near the top). */
const READ_BYTES = 4096;

/**
 * Tells, for repository paths (latin1 byte strings), the virtual environment they lie in. One
 * per scan: each directory is looked at once (an lstat of its pyvenv.cfg, and a read of the first
 * 4 KB of one that exists).
 */
export class VirtualenvFinder {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly fullPath: (bytes: string) => Buffer) {}

  /** The outermost virtual environment `bytes` lies in (its directory, as bytes), or null. */
  rootOf(bytes: string): string | null {
    for (let slash = bytes.indexOf('/'); slash > 0; slash = bytes.indexOf('/', slash + 1)) {
      const dir = bytes.slice(0, slash);
      if (this.isRoot(dir)) return dir;
    }
    return null;
  }

  private isRoot(dir: string): boolean {
    let found = this.known.get(dir);
    if (found === undefined) {
      found = holdsPyvenvCfg(this.fullPath(`${dir}/pyvenv.cfg`));
      this.known.set(dir, found);
    }
    return found;
  }
}

function holdsPyvenvCfg(file: Buffer): boolean {
  let fd: number | undefined;
  try {
    const stat = fsSync.lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return false;
    fd = fsSync.openSync(file, 'r');
    const buffer = Buffer.alloc(Math.min(READ_BYTES, stat.size));
    const read = fsSync.readSync(fd, buffer, 0, buffer.length, 0);
    return HOME_KEY.test(buffer.subarray(0, read).toString('latin1'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fsSync.closeSync(fd);
  }
}
