import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { moveTree } from '../../../src/util/move-tree.js';

// Two file systems: the temp directory and /dev/shm (tmpfs), when they differ here.
const OTHER = '/dev/shm';
const crossDevice = fs.existsSync(OTHER) && fs.statSync(OTHER).dev !== fs.statSync(os.tmpdir()).dev;
const made: string[] = [];
const tempIn = (base: string): string => {
  const dir = fs.mkdtempSync(path.join(base, 'guard-move-tree-'));
  made.push(dir);
  return dir;
};
const b = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.map((p, i) => Buffer.concat([i ? Buffer.from('/') : Buffer.alloc(0), Buffer.isBuffer(p) ? p : Buffer.from(p)])));

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!crossDevice)('moveTree across file systems', () => {
  it('moves a tree whose names are not UTF-8, keeping bytes, modes, symlink targets and times', () => {
    const src = tempIn(os.tmpdir());
    const dst = tempIn(OTHER);
    const bad = Buffer.from([0x62, 0x61, 0x64, 0xff]);
    const from = b(src, 'tree');
    fs.mkdirSync(b(from, bad), { recursive: true });
    fs.writeFileSync(b(from, bad, 'run.sh'), '#!/bin/sh\n');
    fs.chmodSync(b(from, bad, 'run.sh'), 0o755);
    fs.symlinkSync(b('..', bad, 'x'), b(from, 'link'));
    fs.utimesSync(b(from, bad, 'run.sh'), new Date(1e12), new Date(1e12));
    const to = b(dst, 'tree');
    moveTree(from, to);
    expect(fs.existsSync(from)).toBe(false);
    expect(fs.readFileSync(b(to, bad, 'run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(fs.statSync(b(to, bad, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(b(to, bad, 'run.sh')).mtimeMs).toBe(1e12);
    expect(fs.readlinkSync(b(to, 'link'), { encoding: 'buffer' })).toEqual(b('..', bad, 'x'));
  });

  it('refuses when the destination exists, and leaves both as they were', () => {
    const src = tempIn(os.tmpdir());
    const dst = tempIn(OTHER);
    fs.mkdirSync(path.join(src, 'tree'));
    fs.writeFileSync(path.join(src, 'tree', 'a'), 'mine');
    fs.mkdirSync(path.join(dst, 'tree'));
    fs.writeFileSync(path.join(dst, 'tree', 'keep'), 'theirs');
    expect(() => moveTree(Buffer.from(path.join(src, 'tree')), Buffer.from(path.join(dst, 'tree')))).toThrow(/exists/);
    expect(fs.readFileSync(path.join(src, 'tree', 'a'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(dst, 'tree', 'keep'), 'utf8')).toBe('theirs');
  });
});
