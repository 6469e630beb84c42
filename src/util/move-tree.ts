/**
 * Moves a file, symlink or directory tree, by names as bytes, also across file systems: rename
 * when it can, else (EXDEV) copy and then remove the original. Node's fs.cpSync takes names as
 * text only, so a name that is not UTF-8 (`bad\377.log`) could not be copied with it; here every
 * name stays a Buffer from readdir to the fs call that uses it. Contents, permission bits,
 * symlink targets (as bytes) and modification times are kept.
 */
import fs from 'node:fs';

function join(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, Buffer.from('/'), name]);
}

function copyTree(from: Buffer, to: Buffer): void {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from, { encoding: 'buffer' }), to);
  } else if (stat.isDirectory()) {
    fs.mkdirSync(to, { mode: 0o700 });
    for (const name of fs.readdirSync(from, { encoding: 'buffer' })) copyTree(join(from, name), join(to, name));
    fs.chmodSync(to, stat.mode & 0o7777);
  } else if (stat.isFile()) {
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(to, stat.mode & 0o7777);
  } else {
    // A socket, FIFO or device node has no content to copy; guard never moves those aside.
    throw Object.assign(new Error(`cannot copy ${from.toString('latin1')} across file systems: not a file, directory or symlink`), { code: 'EXDEV' });
  }
  fs.lutimesSync(to, stat.atime, stat.mtime);
}

function removeTree(target: Buffer): void {
  const stat = fs.lstatSync(target);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(target, { encoding: 'buffer' })) removeTree(join(target, name));
    fs.rmdirSync(target);
  } else {
    fs.unlinkSync(target);
  }
}

export function moveTree(from: Buffer, to: Buffer): void {
  try {
    fs.renameSync(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  // Something already there is not ours to replace, nor to remove when the copy fails.
  if (fs.lstatSync(to, { throwIfNoEntry: false })) {
    throw Object.assign(new Error(`cannot move ${from.toString('latin1')} across file systems: ${to.toString('latin1')} exists`), { code: 'EEXIST' });
  }
  try {
    copyTree(from, to);
  } catch (error) {
    // A half copy is not a move: take it away (lstat: a copied symlink may dangle), leave the
    // original as it was.
    if (fs.lstatSync(to, { throwIfNoEntry: false })) removeTree(to);
    throw error;
  }
  removeTree(from);
}
