/**
 * Reads the user's index file without starting git (this module owns that layout): its root tree
 * from the cache-tree extension, and the paths with a given name (indexPathsNamed, for the
 * `.gitattributes` files conversions.ts looks for). A snapshot reads the file once for both.
 *
 * The root tree comes from the cache-tree extension (TREE).
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

export async function rootTreeFromCacheTree(index: string | Buffer | null, oidBytes: number): Promise<string | null> {
  let data: Buffer;
  if (index === null) return null;
  if (typeof index !== 'string') data = index;
  else {
    try {
      data = await fs.readFile(index);
    } catch {
      return null;
    }
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

/**
 * Calls `visit` for every entry of an index file (versions 2 to 4) with its name (the bytes
 * `source[start, end)`, valid only during the call), its 16-bit flags and its extended flags (0
 * when it has none). Returns false when the file is not one this reads: another layout, or a split
 * index ("link"), which keeps its entries in a shared index not read here.
 */
function walkIndexEntries(data: Buffer, oidBytes: number, visit: (source: Buffer, start: number, end: number, flags: number, extended: number, entry: number) => void, onLink?: () => void): boolean {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return false;
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return false;
  const count = data.readUInt32BE(8);
  let at = 12;
  // Version 4: the previous name, rebuilt in place (a Buffer per entry cost 100 ms at 100k entries).
  let name = Buffer.alloc(4096);
  let length = 0;
  const fixed = 40 + oidBytes; // stat data and the object id
  try {
    for (let i = 0; i < count; i++) {
      const entry = at;
      const flags = data.readUInt16BE(at + fixed);
      const hasExtended = version >= 3 && (flags & 0x4000) !== 0;
      const extended = hasExtended ? data.readUInt16BE(at + fixed + 2) : 0;
      const nameAt = at + fixed + 2 + (hasExtended ? 2 : 0);
      let source: Buffer;
      let start: number;
      if (version === 4) {
        // git's varint (offset encoding), inline: an object per entry costs here.
        let next = nameAt;
        let c = data[next++]!;
        let strip = c & 127;
        while (c & 128) {
          c = data[next++]!;
          strip = (strip + 1) * 128 + (c & 127);
        }
        const nul = data.indexOf(0, next);
        if (nul < 0) return false;
        if (strip > length) return false;
        const keep = length - strip;
        if (keep + (nul - next) > name.length) {
          const bigger = Buffer.alloc(2 * (keep + (nul - next)));
          name.copy(bigger, 0, 0, keep);
          name = bigger;
        }
        data.copy(name, keep, next, nul);
        length = keep + (nul - next);
        source = name;
        start = 0;
        at = nul + 1;
      } else {
        // The name's length is in the flags unless it is 0xfff or more.
        const nul = (flags & 0xfff) < 0xfff ? nameAt + (flags & 0xfff) : data.indexOf(0, nameAt);
        if (nul < 0 || data[nul] !== 0) return false;
        source = data;
        start = nameAt;
        length = nul - nameAt;
        // Entries are padded with NULs to a multiple of 8 bytes (at least one NUL).
        at += (nameAt - at + length + 8) & ~7;
      }
      visit(source, start, start + length, flags, extended, entry);
    }
  } catch {
    return false;
  }
  // The extensions, which must end exactly at the checksum (else the object id size was wrong).
  for (let hops = 0; hops < 64 && at + 8 <= data.length - oidBytes; hops++) {
    if (data.toString('latin1', at, at + 4) === 'link') {
      onLink?.();
      return false;
    }
    at += 8 + data.readUInt32BE(at + 4);
  }
  return at === data.length - oidBytes;
}

/**
 * Whether an index file is split (`core.splitIndex`, `git update-index --split-index`): its "link"
 * extension names a `sharedindex.<oid>` file in the git directory that holds most of its entries,
 * and that git deletes once unused for `splitIndex.sharedIndexExpire` (two weeks). No backup holds it.
 */
export function isSplitIndex(data: Buffer, oidBytes: number): boolean {
  let split = false;
  walkIndexEntries(data, oidBytes, () => {}, () => {
    split = true;
  });
  return split;
}

/**
 * The paths in an index file (versions 2 to 4) whose last component is `name` (conversions.ts:
 * `.gitattributes`), byte strings; null when the file is not one this reads (a split index keeps
 * its entries elsewhere).
 */
export function indexPathsNamed(data: Buffer, oidBytes: number, baseName: string): string[] | null {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return null;
  // Versions 2 and 3 hold every name whole: no such bytes, no such file. Version 4 keeps of each
  // name what differs from the one before it: "butes" is missing only where the entry sorted just
  // before shares ".gitattri" with it (a sibling named like ".gitattri…" before it), not seen.
  const needle = version === 4 ? baseName.slice(-5) : baseName;
  if (data.indexOf(needle, 12, 'latin1') < 0 && data.indexOf('link', 12, 'latin1') < 0) return [];
  const found: string[] = [];
  const wanted = Buffer.from(baseName, 'latin1');
  const read = walkIndexEntries(data, oidBytes, (source, start, end) => {
    if (end - start >= wanted.length && source.compare(wanted, 0, wanted.length, end - wanted.length, end) === 0) {
      const p = source.toString('latin1', start, end);
      if (p === baseName || p.endsWith(`/${baseName}`)) found.push(p);
    }
  });
  return read ? found : null;
}

/**
 * Index entries whose state no tree holds (byte strings, latin1): `assumeUnchanged` (CE_VALID,
 * `update-index --assume-unchanged`), `skipWorktree` (`--skip-worktree`, and every entry outside a
 * sparse checkout's cone) and `intentToAdd` (`git add -N`). null when the file is not one this
 * reads (another layout, a split index).
 */
export interface IndexFlags {
  assumeUnchanged: string[];
  skipWorktree: string[];
  intentToAdd: string[];
  /**
   * Entries whose stat data show a change of the file's metadata after its last write (ctime is
   * not mtime: a chmod, once git refreshed the entry), at most MAX_STAT_CHANGED of them, else
   * none (a copied checkout: every entry shows it). file-modes.ts looks at their permission bits.
   * Absent in memos written before it existed.
   */
  metaChanged?: string[];
}

/**
 * Beyond this many entries with ctime != mtime the index says nothing about chmods: `cp -a`,
 * `rsync -a` or `tar x` set every file's mtime back, and each snapshot lstats every one of them:
 * 1,000 cost 15% of a snapshot of 100k files (docs/DECISIONS.md, "Permission bits git does not keep").
 */
export const MAX_STAT_CHANGED = 256;

const CE_VALID = 0x8000;
const CE_SKIP_WORKTREE = 0x4000; // extended flags
const CE_INTENT_TO_ADD = 0x2000; // extended flags

function sameBytes8(data: Buffer, a: number, b: number): boolean {
  for (let i = 0; i < 8; i++) if (data[a + i] !== data[b + i]) return false;
  return true;
}

export function indexFlags(data: Buffer, oidBytes: number): IndexFlags | null {
  const flagged: IndexFlags = { assumeUnchanged: [], skipWorktree: [], intentToAdd: [] };
  const metaChanged: string[] = [];
  const read = walkIndexEntries(data, oidBytes, (source, start, end, flags, extended, entry) => {
    // ctime (seconds, nanoseconds) then mtime, 8 bytes each, at the entry's start; a gitlink's are
    // zero. Compared byte by byte: readUInt32BE cost 15-30 ms of CPU over 100k entries, this ~1.
    if (metaChanged.length <= MAX_STAT_CHANGED && sameBytes8(data, entry, entry + 8) === false) metaChanged.push(source.toString('latin1', start, end));
    if ((flags & CE_VALID) === 0 && (extended & (CE_SKIP_WORKTREE | CE_INTENT_TO_ADD)) === 0) return;
    const p = source.toString('latin1', start, end);
    if (flags & CE_VALID) flagged.assumeUnchanged.push(p);
    if (extended & CE_SKIP_WORKTREE) flagged.skipWorktree.push(p);
    if (extended & CE_INTENT_TO_ADD) flagged.intentToAdd.push(p);
  });
  return read ? { ...flagged, metaChanged: metaChanged.length > MAX_STAT_CHANGED ? [] : metaChanged } : null;
}

/** indexFlags for an index of either object format (sha1 or sha256: the layout says which). */
export function indexFlagsOfAnyFormat(data: Buffer | null): IndexFlags | null {
  if (!data) return null;
  return indexFlags(data, 20) ?? indexFlags(data, 32);
}

/**
 * Which of `paths` (byte strings, latin1; each a name as git stores it, no trailing slash) the
 * index file lists as entries of their own, at any stage; null when the file is not one this
 * reads (another layout, a split index). Only a "listed" is an answer (path-facts.ts): a path
 * this does not find (a sparse index's directory entry, a case-folded name) is asked of git.
 * Versions 2 and 3 hold every name whole, followed by a NUL: when none of the names' bytes are
 * in the file, none is listed, and the entries are not walked.
 */
export function indexListsPaths(data: Buffer, oidBytes: number, paths: string[]): Set<string> | null {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return null;
  const wanted = new Map<number, Buffer[]>();
  for (const p of new Set(paths)) {
    const bytes = Buffer.from(p, 'latin1');
    if (version < 4 && data.indexOf(Buffer.concat([bytes, Buffer.of(0)]), 12) < 0) continue;
    wanted.set(bytes.length, [...(wanted.get(bytes.length) ?? []), bytes]);
  }
  const found = new Set<string>();
  if (wanted.size === 0) return found;
  const read = walkIndexEntries(data, oidBytes, (source, start, end) => {
    const candidates = wanted.get(end - start);
    if (!candidates) return;
    for (const bytes of candidates) if (source.compare(bytes, 0, bytes.length, start, end) === 0) found.add(bytes.toString('latin1'));
  });
  return read ? found : null;
}

/** indexListsPaths for an index of either object format (sha1 or sha256: the layout says which). */
export function indexListsPathsOfAnyFormat(data: Buffer, paths: string[]): Set<string> | null {
  return indexListsPaths(data, 20, paths) ?? indexListsPaths(data, 32, paths);
}

/**
 * What `git ls-files -t --stage --cached` prints of a path the index lists (path-facts.ts
 * listKnown): git's `-t` letter of each of its entries, M for an unmerged stage, S for
 * skip-worktree, H for the rest (intent-to-add and assume-unchanged too), and whether one of them
 * is a gitlink (mode 160000, a submodule).
 */
export interface IndexedPath {
  letters: string[];
  gitlink: boolean;
}

const GITLINK_MODE = 0o160000;
const SLASH = 0x2f;

/**
 * For each of `paths` (byte strings, latin1, no trailing slash) that the index file lists as an
 * entry of its own and under which (`path/…`) it lists nothing, its entries as `git ls-files -t
 * --stage --cached -- :(literal)path` would print them; null when the file is not one this reads
 * (another layout, a split index). A path under which the index lists entries (a sparse
 * directory entry `path/`, or a directory/file conflict) is left out, as is one it does not list
 * byte for byte: git is asked about those.
 */
export function indexedPaths(data: Buffer, oidBytes: number, paths: string[]): Map<string, IndexedPath> | null {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return null;
  const wanted: Buffer[] = [];
  for (const p of new Set(paths)) {
    const bytes = Buffer.from(p, 'latin1');
    // Versions 2 and 3 hold every name whole: without its bytes and a NUL, the path is not listed.
    if (version < 4 && data.indexOf(Buffer.concat([bytes, Buffer.of(0)]), 12) < 0) continue;
    wanted.push(bytes);
  }
  const found = new Map<string, IndexedPath>();
  if (wanted.length === 0) return found;
  const under = new Set<string>();
  const read = walkIndexEntries(data, oidBytes, (source, start, end, flags, extended, entry) => {
    const length = end - start;
    for (const bytes of wanted) {
      if (length < bytes.length || source.compare(bytes, 0, bytes.length, start, start + bytes.length) !== 0) continue;
      const name = bytes.toString('latin1');
      if (length > bytes.length) {
        if (source[start + bytes.length] === SLASH) under.add(name);
        continue;
      }
      const stage = (flags >> 12) & 3;
      const letter = stage !== 0 ? 'M' : (extended & CE_SKIP_WORKTREE) !== 0 ? 'S' : 'H';
      const seen = found.get(name) ?? { letters: [], gitlink: false };
      if (!seen.letters.includes(letter)) seen.letters.push(letter);
      // The mode follows ctime, mtime, dev and ino (4 bytes each, times 8).
      if ((data.readUInt32BE(entry + 24) & 0o170000) === GITLINK_MODE) seen.gitlink = true;
      found.set(name, seen);
    }
  });
  if (!read) return null;
  for (const name of under) found.delete(name);
  return found;
}

/** indexedPaths for an index of either object format (sha1 or sha256: the layout says which). */
export function indexedPathsOfAnyFormat(data: Buffer, paths: string[]): Map<string, IndexedPath> | null {
  return indexedPaths(data, 20, paths) ?? indexedPaths(data, 32, paths);
}
