/**
 * The member names of a zip archive, read from its central directory at the end of the file: the
 * end-of-central-directory record (in the last 64 KiB + 22 bytes) says where the directory is,
 * and each entry holds its name. No member is decompressed or read, so the cost grows with the
 * number of members, not the archive's size (PKWARE APPNOTE 4.3.12, 4.3.16).
 *
 * Null where the names would not be exactly what `unzip` writes, so the caller keeps its broader
 * judgement: not a zip, zip64 (counts or offsets saturated), several disks, a directory over
 * MAX_DIRECTORY bytes, a name with a backslash, an absolute one, a `..` component (unzip rewrites
 * or skips those), or a name with bytes over 0x7f not flagged as UTF-8 (unzip converts those from
 * the archive's code page).
 */
import fs from 'node:fs';

const EOCD = 0x06054b50;
const ENTRY = 0x02014b50;
const MAX_DIRECTORY = 64 * 1024 * 1024;

/** The member names (bytes), directories ending in `/`, or null (above). */
export function zipMembers(file: Buffer | string): Buffer[] | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const tail = Math.min(size, 65_535 + 22);
    if (tail < 22) return null;
    const end = Buffer.alloc(tail);
    fs.readSync(fd, end, 0, tail, size - tail);
    let at = -1;
    for (let i = tail - 22; i >= 0; i--) {
      if (end.readUInt32LE(i) === EOCD && i + 22 + end.readUInt16LE(i + 20) === tail) {
        at = i;
        break;
      }
    }
    if (at < 0) return null;
    const disk = end.readUInt16LE(at + 4);
    const cdDisk = end.readUInt16LE(at + 6);
    const count = end.readUInt16LE(at + 10);
    const cdSize = end.readUInt32LE(at + 12);
    const cdOffset = end.readUInt32LE(at + 16);
    if (disk !== 0 || cdDisk !== 0 || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return null;
    if (cdSize > MAX_DIRECTORY || cdOffset + cdSize > size - tail + at) return null;
    const dir = Buffer.alloc(cdSize);
    fs.readSync(fd, dir, 0, cdSize, cdOffset);
    const names: Buffer[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== ENTRY) return null;
      const flags = dir.readUInt16LE(p + 8);
      const nameLength = dir.readUInt16LE(p + 28);
      const extra = dir.readUInt16LE(p + 30);
      const comment = dir.readUInt16LE(p + 32);
      const name = dir.subarray(p + 46, p + 46 + nameLength);
      if (name.length !== nameLength || name.length === 0) return null;
      if (name.includes(0x5c) || name[0] === 0x2f || name.toString('latin1').split('/').includes('..')) return null;
      if ((flags & 0x800) === 0 && name.some((b) => b > 0x7f)) return null;
      names.push(Buffer.from(name));
      p += 46 + nameLength + extra + comment;
    }
    return names;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
