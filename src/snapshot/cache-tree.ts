/**
 * Reads the index's root tree from its cache-tree extension (TREE), without starting git.
 *
 * When git has a valid cache tree for the whole index (after `git commit`, `git write-tree`,
 * `git read-tree`, and kept by stat-only rewrites such as `git status`'s refresh), the root entry
 * of the TREE extension names exactly the tree `git write-tree` would write. Reading it saves a
 * copy of the index and a `write-tree` (~100 ms at 100k files) whenever the user's index file was
 * rewritten but not changed in content.
 *
 * Index layout: header "DIRC", version, entry count; entries; extensions (4-byte signature, 4-byte
 * big-endian size, data); a trailing checksum. Rather than walk every entry, we find the TREE
 * extension from the end and accept it only if the chain of extensions from there ends exactly at
 * the checksum, its root entry parses, and its entry count equals the header's (an invalidated root
 * has count -1). Anything else returns null and the caller asks git.
 */
import fs from 'node:fs/promises';

const SIGNATURE = /^[A-Za-z]{4}$/;

export async function rootTreeFromCacheTree(indexFile: string, oidBytes: number): Promise<string | null> {
  let data: Buffer;
  try {
    data = await fs.readFile(indexFile);
  } catch {
    return null;
  }
  if (data.length < 12 + oidBytes || data.toString('latin1', 0, 4) !== 'DIRC') return null;
  const entries = data.readUInt32BE(8);
  const end = data.length - oidBytes; // the checksum
  const chainEndsAtChecksum = (start: number): boolean => {
    let at = start;
    for (let hops = 0; hops < 64 && at + 8 <= end; hops++) {
      if (!SIGNATURE.test(data.toString('latin1', at, at + 4))) return false;
      at += 8 + data.readUInt32BE(at + 4);
      if (at === end) return true;
    }
    return false;
  };
  for (let at = data.lastIndexOf('TREE', end - 8, 'latin1'); at >= 12; at = data.lastIndexOf('TREE', at - 1, 'latin1')) {
    if (!chainEndsAtChecksum(at)) continue;
    // Root entry: "" NUL "<entry count> <subtrees>" LF <oid>
    const body = at + 8;
    if (data[body] !== 0) return null;
    const newline = data.indexOf(0x0a, body + 1);
    if (newline < 0 || newline - body > 32) return null;
    const match = /^(-?\d+) (\d+)$/.exec(data.toString('latin1', body + 1, newline));
    if (!match || Number(match[1]) !== entries) return null;
    if (newline + 1 + oidBytes > end) return null;
    return data.toString('hex', newline + 1, newline + 1 + oidBytes);
  }
  return null;
}
