/**
 * fnmatchRegExp reads -name/-path patterns as find does: checked against GNU find itself on a
 * real directory tree (every pattern, every path), and null for what it does not translate.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couldMatchBelow, fnmatchRegExp } from '../../../../src/policy/command/fnmatch.js';

let dir: string;
const FILES = ['a.txt', '.hidden', 'src/A.TS', 'src/b.ts', 'src/deep/c.ts', 'src/[x].js', 'src/x-y.js', 'build/out.js', 'q?.md', 'star*.md', 'back\\slash'];
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-fnmatch-'));
  for (const file of FILES) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), 'x\n');
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function findLists(test: string, pattern: string): { all: string[]; selected: string[] } {
  const run = (args: string[]): string[] => spawnSync('find', ['.', ...args], { cwd: dir, encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '');
  return { all: run([]), selected: run([test, pattern]) };
}

describe('fnmatchRegExp', () => {
  const cases: Array<[string, string]> = [
    ['-path', './src/*'],
    ['-path', '*/deep/*'],
    ['-path', './src/*.ts'],
    ['-path', '*.md'],
    ['-path', './src/[[]x].js'],
    ['-path', './src/[!b]*'],
    ['-path', './src/x[a-z-]y.js'],
    ['-path', './q\\?.md'],
    ['-path', './star\\*.md'],
    ['-ipath', './SRC/*.ts'],
    ['-name', '*.ts'],
    ['-name', '.*'],
    ['-name', '*'],
    ['-name', '[ab]*'],
    ['-iname', 'a.*'],
    ['-name', 'back\\\\slash'],
  ];
  for (const [test, pattern] of cases) {
    it(`${test} ${pattern} selects what GNU find selects`, () => {
      const { all, selected } = findLists(test, pattern);
      const regex = fnmatchRegExp(pattern, test.startsWith('-i'));
      expect(regex).not.toBeNull();
      const ours = all.filter((p) => (regex as RegExp).test(test.endsWith('name') ? path.posix.basename(p) : p));
      expect(ours.sort()).toEqual([...selected].sort());
    });
  }

  it('answers null for what it does not translate exactly', () => {
    expect(fnmatchRegExp('[[:alpha:]]*', false)).toBeNull();
    expect(fnmatchRegExp('é*', true)).toBeNull();
    expect(fnmatchRegExp('é*', false)).not.toBeNull();
  });

  it('couldMatchBelow over-estimates, never under-estimates', () => {
    expect(couldMatchBelow('./src/*', './src', false)).toBe(true);
    expect(couldMatchBelow('*/x', './anything', false)).toBe(true);
    expect(couldMatchBelow('./docs/*', './src', false)).toBe(false);
    expect(couldMatchBelow('./src/a', './src', false)).toBe(true);
    expect(couldMatchBelow('./src', './src', false)).toBe(false);
    expect(couldMatchBelow('./SRC/*', './src', true)).toBe(true);
  });
});
