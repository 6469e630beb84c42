/**
 * Issue 12 with a rotated journal: the journal moves to journal.1.jsonl past JOURNAL_MAX_BYTES,
 * and a session whose early steps went with it keeps them in `guard timeline`, `guard blame`,
 * `guard undo`, `guard restore` and the end-of-session summary (all read the journal through
 * readEvents, which reads the rotated files first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_MAX_BYTES } from '../../../src/session/journal.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { json, waitForWatcher } from '../watcher/helpers.js';
import { A0, bytes, lines, ScriptedClaude, setUpRepo } from './timeline-driver.js';

describe('steps in rotated journal files (issue 12)', () => {
  it('timeline, blame, undo, restore and the summary still see the steps rotated into journal.1.jsonl', async () => {
    await withTestRepo(async (t) => {
      setUpRepo(t);
      const guardDir = path.join(t.dir, '.git', 'guard');
      const current = path.join(guardDir, 'journal.jsonl');
      const rotated = path.join(guardDir, 'journal.1.jsonl');
      const agent = new ScriptedClaude(t, 'conv-rotation');
      agent.start();
      await waitForWatcher(t);
      const a0 = bytes(t, 'a.txt');

      await agent.step({ name: 'Bash', command: "sed -i 's/^two$/TWO/' a.txt" }); // 1
      await agent.step({ name: 'Write', file: 'notes.md', content: 'early notes\n' }); // 2
      expect((await agent.step({ name: 'Bash', command: 'git push --force origin main' })).denied).toBe(true); // 3
      const notes = bytes(t, 'notes.md');

      // The journal passes its bound the way the sh hooks grow it (they append and never rotate):
      // the next line guard itself appends (the pre-tool hook of step 4) rotates it.
      const filler = `${JSON.stringify({ time: new Date().toISOString(), type: 'filler', worktree: t.dir, pad: 'x'.repeat(400) })}\n`;
      fs.appendFileSync(current, filler.repeat(Math.ceil(JOURNAL_MAX_BYTES / filler.length) + 1));
      expect(fs.existsSync(rotated)).toBe(false);
      await agent.step({ name: 'Bash', command: 'rm b.txt' }); // 4
      expect(fs.existsSync(rotated)).toBe(true);
      // The early steps are only in the rotated file now.
      const old = fs.readFileSync(rotated, 'utf8');
      expect(old).toContain('"type":"session-start"');
      expect(old).toContain('s/^two$/TWO/');
      expect(fs.readFileSync(current, 'utf8')).not.toContain('s/^two$/TWO/');
      expect(fs.readFileSync(current, 'utf8')).not.toContain('"type":"session-start"');
      await agent.step({ name: 'Edit', file: 'a.txt', content: lines(['one', 'TWO', 'three', 'four', 'five', 'six', 'seven', 'eight', 'NINE', 'ten']) }); // 5
      const now = bytes(t, 'a.txt');

      const timeline = json(t, ['timeline']);
      const session = timeline.session.id as string;
      const files = (n: number): string[] => timeline.steps[n - 1].files.map((f: any) => `${f.status} ${f.path}`);
      expect(timeline.steps).toHaveLength(5);
      expect(files(1)).toEqual(['modified a.txt']);
      expect(files(2)).toEqual(['added notes.md']);
      expect(timeline.steps[2]).toMatchObject({ verdict: 'deny', rule: 'git-push-force' });
      expect(files(4)).toEqual(['deleted b.txt']);
      expect(files(5)).toEqual(['modified a.txt']);
      expect(t.guard(['timeline']).stdout).toContain(`guard undo ${session}:1`);

      const blame = json(t, ['blame', 'a.txt']);
      expect(blame.changes.map((c: any) => c.step)).toEqual([`${session}:5`, `${session}:1`]);

      // undo of a rotated step: step 2 created notes.md, so it goes; its undo brings it back.
      expect(t.guard(['undo', `${session}:2`, '--yes']).code).toBe(0);
      expect(t.exists('notes.md')).toBe(false);
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(bytes(t, 'notes.md')).toEqual(notes);
      // step 1 changed line two; step 5's later change (nine) stays.
      const undo1 = t.guard(['undo', `${session}:1`, '--yes']);
      expect(undo1.code, undo1.stderr).toBe(0);
      expect(t.read('a.txt')).toBe(lines(A0.map((w) => (w === 'nine' ? 'NINE' : w))));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(now);
      // restore as before a rotated step.
      expect(t.guard(['restore', 'a.txt', '--before', `${session}:1`, '--yes']).code).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(a0);
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);

      // The summary at the end counts the command blocked before the rotation.
      const end = agent.hook('SessionEnd', { ...agent.base('SessionEnd'), reason: 'exit' });
      expect(end.code, end.stderr).toBe(0);
      const summary = JSON.parse(end.stdout).systemMessage as string;
      expect(summary).toContain('commands blocked: 1');
      expect(summary).toContain('git push --force origin main');
    });
  }, 300_000);
});
