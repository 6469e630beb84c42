/**
 * The ids a snapshot computes for git's state directories without git (operation-dirs.ts) are the
 * ids git gives the same files (names as bytes, a name that is not UTF-8 included); a directory
 * guard cannot record whole (a subdirectory, too many files) is named, not recorded in part; and
 * writing one back replaces it whole.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DIR_FILES, putOperationDir, readOperationDir, removeOperationDir } from '../../../src/snapshot/operation-dirs.js';

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-opdirs-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function git(args: string[], input?: Buffer): string {
  return execFileSync('git', args, { cwd: tmp, input, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } }).toString('latin1').trim();
}

describe('readOperationDir', () => {
  it("computes git's own blob and tree ids, names as bytes", async () => {
    git(['init', '-q', 'repo']);
    const dir = path.join(tmp, 'rebase-merge');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'git-rebase-todo'), 'pick 0123456789abcdef0123456789abcdef01234567 one\n');
    fs.writeFileSync(path.join(dir, 'interactive'), '');
    // git's lock file while it rewrites the todo: not recorded (written back, it would stop git).
    fs.writeFileSync(path.join(dir, 'git-rebase-todo.lock'), 'half\n');
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/odd-`), Buffer.from([0xff, 0x41])]), Buffer.from([0, 1, 2, 0xfe]));
    const read = await readOperationDir('rebase-merge', dir, 'sha1');
    expect(read && 'tree' in read).toBe(true);
    if (!read || !('tree' in read)) return;
    // git's ids for the same files: hash-object each, mktree the entries (names given as bytes).
    const entries = read.files.map((f) => {
      fs.writeFileSync(path.join(tmp, 'blob'), f.content);
      const oid = git(['-C', 'repo', 'hash-object', '-w', path.join(tmp, 'blob')]);
      expect(oid).toBe(f.oid);
      return Buffer.concat([Buffer.from(`100644 blob ${oid}\t`), Buffer.from(f.name, 'latin1'), Buffer.from([0])]);
    });
    expect(git(['-C', 'repo', 'mktree', '-z'], Buffer.concat(entries))).toBe(read.tree);
    expect(read.files.map((f) => f.name)).not.toContain('git-rebase-todo.lock');
    expect(read.files.map((f) => f.name)).toContain(Buffer.concat([Buffer.from('odd-'), Buffer.from([0xff, 0x41])]).toString('latin1'));
  });

  it('is null when there is no directory, and names one it cannot record whole instead of recording part of it', async () => {
    expect(await readOperationDir('rebase-merge', path.join(tmp, 'none'), 'sha1')).toBeNull();
    const nested = path.join(tmp, 'nested');
    fs.mkdirSync(path.join(nested, 'sub'), { recursive: true });
    expect(await readOperationDir('rebase-merge', nested, 'sha1')).toMatchObject({ omitted: expect.stringContaining('not a regular file') });
    const many = path.join(tmp, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i <= MAX_DIR_FILES; i++) fs.writeFileSync(path.join(many, String(i).padStart(4, '0')), '');
    expect(await readOperationDir('rebase-apply', many, 'sha1')).toMatchObject({ omitted: expect.stringContaining('files') });
  });
});

describe('putOperationDir and removeOperationDir', () => {
  it('replace a directory whole (no file of the old one stays) and remove it, leaving nothing of their own', async () => {
    const where = path.join(tmp, 'rebase-merge');
    fs.mkdirSync(where);
    fs.writeFileSync(path.join(where, 'stale'), 'old\n');
    await putOperationDir(where, [{ name: 'onto', content: Buffer.from('abc\n') }, { name: Buffer.from([0x6e, 0xe9]).toString('latin1'), content: Buffer.from('x') }]);
    expect(fs.readdirSync(where, { encoding: 'buffer' }).map((n) => n.toString('latin1')).sort()).toEqual(['n\u00e9', 'onto']);
    expect(fs.readFileSync(path.join(where, 'onto'), 'utf8')).toBe('abc\n');
    expect(fs.readdirSync(tmp)).toEqual(['rebase-merge']);
    await removeOperationDir(where);
    expect(fs.readdirSync(tmp)).toEqual([]);
    await removeOperationDir(where);
  });
});
