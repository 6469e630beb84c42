/**
 * The journal reader and a rotation that happens while it reads: the files are real, only the
 * moment of the rotation is chosen (between reading journal.1.jsonl and journal.jsonl, where a
 * reader that does not notice would miss the lines that moved).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Repo } from '../../../src/git/repo.js';
import { readEvents } from '../../../src/session/journal.js';

const line = (n: number): string => `${JSON.stringify({ time: '2026-01-01T00:00:00.000Z', type: 'x', worktree: '/r', n })}\n`;

describe('readEvents while the journal rotates', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads again when a rotation moved a file during the read: every line once', () => {
    const common = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-journal-'));
    try {
      const dir = path.join(common, 'guard');
      fs.mkdirSync(dir);
      const repo = { root: '/r', gitDir: common, commonDir: common, indexFile: path.join(common, 'index'), isLinkedWorktree: false } as Repo;
      const current = path.join(dir, 'journal.jsonl');
      fs.writeFileSync(path.join(dir, 'journal.1.jsonl'), line(1));
      fs.writeFileSync(current, line(2));
      const read = fs.readFileSync;
      let rotated = false;
      vi.spyOn(fs, 'readFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, options?: unknown) => {
        if (file === current && !rotated) {
          // What appendEvent's rotate does, just after the reader read journal.1.jsonl.
          rotated = true;
          fs.renameSync(path.join(dir, 'journal.1.jsonl'), path.join(dir, 'journal.2.jsonl'));
          fs.renameSync(current, path.join(dir, 'journal.1.jsonl'));
          fs.writeFileSync(current, line(3));
        }
        return read(file, options as never);
      }) as typeof fs.readFileSync);
      expect(readEvents(repo).map((e) => e.n)).toEqual([1, 2, 3]);
      expect(rotated).toBe(true);
    } finally {
      fs.rmSync(common, { recursive: true, force: true });
    }
  });
});
