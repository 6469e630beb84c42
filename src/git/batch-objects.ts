/**
 * Many objects read, checked or written by one git process each, whatever their number: a
 * repository with a thousand tags must cost what one with ten costs (issue 8). Names are object
 * ids or `<rev>:<path>` expressions without newlines (cat-file reads one per line; tree-edit.ts
 * leavesAt finds paths with a line break by reading trees).
 */
import { isUtf8 } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { pidSpaceTag } from '../util/process-alive.js';
import { guardPath, type Repo } from './repo.js';
import { runGit } from './run.js';
import { objectPipesOf } from './object-pipes.js';

export interface StoredObject {
  oid: string;
  type: string;
  content: Buffer;
}

export interface ObjectInfo {
  oid: string;
  type: string;
  /** Bytes (checkObjects gives it; a leaf found by reading its tree has none). */
  size?: number;
}

function assertNames(names: string[]): void {
  for (const name of names) if (/[\n\r]/.test(name)) throw new GuardError('internal', `an object name with a line break cannot be batched: ${JSON.stringify(name)}`);
}

/**
 * Each name's object (id, type, raw content), or null when it does not exist; one `cat-file
 * --batch`. Names are byte strings (latin1, as splitNulBytes gives paths, for `<tree>:<path>`);
 * an ASCII name is the same either way.
 */
export async function readObjects(repo: Repo, names: string[]): Promise<Array<StoredObject | null>> {
  if (names.length === 0) return [];
  assertNames(names);
  // The watcher daemon keeps one `cat-file --batch` running (object-pipes.ts).
  const pipes = objectPipesOf(repo);
  if (pipes) return pipes.readObjects(names);
  const { stdout } = await runGit(['cat-file', '--batch'], { cwd: repo.root, input: Buffer.from(names.map((n) => `${n}\n`).join(''), 'latin1') });
  return parseBatch(stdout, names.length);
}

/** `cat-file --batch` output: "<oid> <type> <size>", the content and a newline, or "<name> missing". */
function parseBatch(stdout: Buffer, count: number): Array<StoredObject | null> {
  const out: Array<StoredObject | null> = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const eol = stdout.indexOf(0x0a, at);
    if (eol < 0) throw new GuardError('git', 'cat-file gave fewer answers than it was asked for');
    const header = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(stdout.toString('latin1', at, eol));
    if (!header) {
      out.push(null);
      at = eol + 1;
      continue;
    }
    const size = Number(header[3]);
    out.push({ oid: header[1]!, type: header[2]!, content: stdout.subarray(eol + 1, eol + 1 + size) });
    at = eol + 1 + size + 1;
  }
  return out;
}

/**
 * Each blob as git's checkout would write it at its path (the smudge side: eol, ident,
 * working-tree-encoding, filters); one `cat-file --batch --filters`. Paths are byte strings
 * (latin1). That reads one "<oid> <path>" per line, so a path with a line break or a CR is asked
 * about alone (`cat-file --filters --path=<path>`, one process each: such names are rare); one that
 * is not UTF-8 as well cannot be named in an argument, and is null. null for all when git failed
 * (a smudge filter that failed).
 */
export async function readCheckedOut(repo: Repo, blobs: Array<{ oid: string; path: string }>): Promise<Array<Buffer | null> | null> {
  if (blobs.length === 0) return [];
  const out: Array<Buffer | null> = blobs.map(() => null);
  const lined = blobs.map((b, i) => ({ ...b, i })).filter((b) => /[\n\r]/.test(b.path));
  const batched = blobs.map((b, i) => ({ ...b, i })).filter((b) => !/[\n\r]/.test(b.path));
  const [batch, alone] = await Promise.all([
    readCheckedOutBatch(repo, batched),
    Promise.all(
      lined.map(async (b) => {
        const name = Buffer.from(b.path, 'latin1');
        if (!isUtf8(name)) return null;
        const { stdout, code } = await runGit(['cat-file', '--filters', `--path=${name.toString('utf8')}`, b.oid], { cwd: repo.root, okCodes: [1, 128] });
        return code === 0 ? stdout : undefined;
      }),
    ),
  ]);
  if (batch === null || alone.includes(undefined)) return null;
  batched.forEach((b, i) => (out[b.i] = batch[i] ?? null));
  lined.forEach((b, i) => (out[b.i] = alone[i] ?? null));
  return out;
}

/** readCheckedOut for paths without a line break, in one process. */
async function readCheckedOutBatch(repo: Repo, blobs: Array<{ oid: string; path: string }>): Promise<Buffer[] | null> {
  if (blobs.length === 0) return [];
  assertNames(blobs.map((b) => b.path));
  // "<oid> <path>": git splits at the first space, so a path may hold spaces.
  const input = Buffer.from(blobs.map((b) => `${b.oid} ${b.path}\n`).join(''), 'latin1');
  // A smudge filter that fails (a required one, or a driver that is not installed) stops git:
  // null, and the caller does without git's checkout.
  const { stdout, code } = await runGit(['cat-file', '--batch', '--filters'], { cwd: repo.root, input, okCodes: [1, 128] });
  if (code !== 0) return null;
  // git (2.39 at least) gives the blob's own size in the header, not the size of what it writes
  // after converting it: an answer ends where the next one's header starts (each header is
  // "<oid> blob <size>" of the blob asked for next), the last one at the end of the output.
  const out: Buffer[] = [];
  const headerAt = (i: number, from: number): number => {
    const header = new RegExp(`^${blobs[i]!.oid} [a-z]+ \\d+$`);
    for (let at = from; at < stdout.length; ) {
      const eol = stdout.indexOf(0x0a, at);
      if (eol < 0) break;
      if (header.test(stdout.toString('latin1', at, eol))) return at;
      const next = stdout.indexOf(Buffer.from(`\n${blobs[i]!.oid} `, 'latin1'), at);
      if (next < 0) break;
      at = next + 1;
    }
    throw new GuardError('git', 'cat-file --filters gave fewer answers than it was asked for');
  };
  let at = headerAt(0, 0);
  for (let i = 0; i < blobs.length; i++) {
    const eol = stdout.indexOf(0x0a, at);
    const start = eol + 1;
    const end = i + 1 < blobs.length ? headerAt(i + 1, start) - 1 : stdout.length - 1;
    out.push(stdout.subarray(start, Math.max(start, end)));
    if (i + 1 < blobs.length) at = end + 1;
  }
  return out;
}

/**
 * Each name's id and type, or null when it does not exist; one `cat-file --batch-check`. Names are
 * byte strings as for readObjects (`<tree>:<path>`): written as text (UTF-8), a path with a byte
 * >= 0x80 (`café` as much as `k\xff`) named another file, so a CRLF file kept raw (raw-files.ts)
 * was "missing" and rolled back as git's LF checkout.
 */
export async function checkObjects(repo: Repo, names: string[]): Promise<Array<ObjectInfo | null>> {
  if (names.length === 0) return [];
  assertNames(names);
  const { stdout } = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], { cwd: repo.root, input: Buffer.from(names.map((n) => `${n}\n`).join(''), 'latin1') });
  const lines = stdout.toString('latin1').split('\n');
  return names.map((_, i) => {
    // A missing object answers "<name> missing": two fields, never three.
    const match = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(lines[i] ?? '');
    return match ? { oid: match[1]!, type: match[2]!, size: Number(match[3]) } : null;
  });
}

/**
 * Writes objects of one type from their raw content; returns their ids in order. One
 * `git hash-object -w --stdin-paths` over private temp files (hash-object takes one object from
 * stdin, and a process per object is what this module exists to avoid). `-t tag` makes git check
 * that each content is a well-formed tag, as it does for any tag it writes.
 */
export async function writeObjects(repo: Repo, type: 'blob' | 'tag' | 'tree' | 'commit', contents: Buffer[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const dir = path.join(guardPath(repo, 'tmp'), `objects-${process.pid}.${pidSpaceTag()}-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(dir, { recursive: true });
  try {
    const files = contents.map((_, i) => path.join(dir, String(i)));
    await Promise.all(contents.map((content, i) => fs.writeFile(files[i]!, content)));
    // Plain ASCII names: --stdin-paths neither unquotes nor strips anything from them. The
    // watcher daemon keeps one such process per type running (object-pipes.ts).
    const pipes = objectPipesOf(repo);
    const oids = pipes
      ? await pipes.hashFiles(type, files)
      : (await runGit(['hash-object', '-w', '-t', type, '--no-filters', '--stdin-paths'], { cwd: repo.root, input: files.map((f) => `${f}\n`).join('') })).stdout.toString('utf8').split('\n').filter(Boolean);
    if (oids.length !== contents.length) throw new GuardError('git', `hash-object wrote ${oids.length} objects of ${contents.length}`);
    return oids;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Pack object type numbers (gitformat-pack(5)). */
const PACK_TYPE = { commit: 1, tree: 2, blob: 3, tag: 4 } as const;

/**
 * The id git gives an object of `type` with these bytes, in the repository's hash (`algorithm`:
 * sha1 for 40-hex ids, sha256 for 64-hex ones).
 */
export function objectId(type: keyof typeof PACK_TYPE, content: Buffer, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/**
 * Writes objects of one type as one pack, as a fetch of that many objects would: many loose
 * objects are a file (and often a directory) each, and creating files is what a recover spends its
 * time on (docs/BENCHMARKS.md, issue 8). The pack is undeltified (each object deflated as it is) and
 * `git index-pack --stdin` checks it, computes every object's id itself and installs it with its
 * index under objects/pack. Returns the ids in order, computed here the way git computes them
 * (`algorithm`: the repository's hash); a caller that knows which id each content must have
 * compares them, and any object is in the repository under the id git computed.
 */
export async function packObjects(repo: Repo, type: keyof typeof PACK_TYPE, contents: Buffer[], algorithm: 'sha1' | 'sha256'): Promise<string[]> {
  if (contents.length === 0) return [];
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'latin1');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(contents.length, 8);
  const parts: Buffer[] = [head];
  for (const content of contents) {
    // Type and size: the low 4 bits of the size with the type in the first byte, then 7 bits a
    // byte, low bits first, the top bit saying another byte follows.
    let size = content.length;
    const bytes = [(PACK_TYPE[type] << 4) | (size & 0x0f)];
    size = Math.floor(size / 16);
    while (size > 0) {
      bytes[bytes.length - 1]! |= 0x80;
      bytes.push(size & 0x7f);
      size = Math.floor(size / 128);
    }
    parts.push(Buffer.from(bytes), deflateSync(content));
  }
  const body = Buffer.concat(parts);
  const pack = Buffer.concat([body, createHash(algorithm).update(body).digest()]);
  await runGit(['index-pack', '--stdin'], { cwd: repo.root, input: pack });
  return contents.map((content) => objectId(type, content, algorithm));
}
