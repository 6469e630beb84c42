/**
 * The journal stores agents' full command lines: it is private to its owner (0600) however it is
 * created (Node, or a sh hook), an older world-readable one is narrowed, and it is rotated at a
 * size bound into files `guard log` still reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_KEEP_OLD, JOURNAL_MAX_BYTES } from '../../../src/session/journal.js';
import { commitFile, guarded } from '../githooks/setup.js';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('journal privacy and rotation', () => {
  it('is created 0600 by the hooks and by Node, and an existing 0644 journal is narrowed', () => {
    const repo = guarded({ remote: false });
    try {
      const journal = path.join(repo.dir, '.git', 'guard', 'journal.jsonl');
      expect(mode(journal)).toBe(0o600);
      // Created by the sh reference-transaction hook (a commit journals the ref update).
      fs.rmSync(journal);
      expect(commitFile(repo, 'src/app.js', 'v2\n').code).toBe(0);
      expect(repo.journal().some((e) => e.type === 'ref-update')).toBe(true);
      expect(mode(journal)).toBe(0o600);
      // A journal an older guard left world-readable.
      fs.chmodSync(journal, 0o644);
      expect(repo.guard(['snapshot', '-m', 'x']).code).toBe(0);
      expect(mode(journal)).toBe(0o600);
    } finally {
      repo.cleanup();
    }
  });

  it('rotates past its size bound, keeps a bounded number of old files, and guard log reads them', () => {
    const repo = guarded({ remote: false });
    try {
      const dir = path.join(repo.dir, '.git', 'guard');
      const journal = path.join(dir, 'journal.jsonl');
      const line = (i: number) => `${JSON.stringify({ time: '2026-01-01T00:00:00.000Z', type: 'filler', worktree: repo.dir, n: i, pad: 'x'.repeat(200) })}\n`;
      const full = (first: number) => {
        const lines: string[] = [];
        for (let i = first, size = 0; size <= JOURNAL_MAX_BYTES; i++) {
          const l = line(i);
          lines.push(l);
          size += l.length;
        }
        return lines.join('');
      };
      for (let round = 0; round < JOURNAL_KEEP_OLD + 1; round++) {
        fs.appendFileSync(journal, full(round * 1_000_000));
        repo.write('round.txt', `${round}\n`);
        expect(repo.guard(['snapshot', '-m', `round ${round}`]).code).toBe(0);
        expect(fs.existsSync(journal) ? fs.statSync(journal).size : 0).toBeLessThan(JOURNAL_MAX_BYTES);
      }
      const old = fs.readdirSync(dir).filter((f) => /^journal\.\d+\.jsonl$/.test(f)).sort();
      expect(old).toEqual(Array.from({ length: JOURNAL_KEEP_OLD }, (_, i) => `journal.${i + 1}.jsonl`));
      for (const f of old) expect(mode(path.join(dir, f))).toBe(0o600);
      // guard log still sees what went into the rotated files (the newest rounds' snapshots).
      const log = repo.guard(['log', '--json', '--type', 'filler', '--limit', '0']);
      expect(log.code, log.stderr).toBe(0);
      const events = (JSON.parse(log.stdout) as { events: Array<{ type: string; n?: number }> }).events;
      // The last round went into journal.1.jsonl; the first round's file was dropped (bounded).
      expect(events.some((e) => e.n === JOURNAL_KEEP_OLD * 1_000_000)).toBe(true);
      expect(events.some((e) => e.n === 0)).toBe(false);
    } finally {
      repo.cleanup();
    }
  });
});
