/** The event journal: append-only JSON lines shared by worktrees, read with filters, never a reason to fail. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { appendEvent, journalPath, readEvents } from '../../../src/session/journal.js';
import { PROJECT_ROOT, withTestRepo } from '../../helpers/git-repo.js';

describe('journal', () => {
  it('appends one JSON object per line with time, type and worktree, under the common git dir', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      appendEvent(repo, { type: 'blocked', session: 's1', agent: 'claude', command: 'git push -f', rule: 'git-push-force' });
      expect(journalPath(repo)).toBe(path.join(t.dir, '.git', 'guard', 'journal.jsonl'));
      const lines = fs.readFileSync(journalPath(repo), 'utf8').split('\n');
      expect(lines).toHaveLength(2);
      const event = JSON.parse(lines[0] as string);
      expect(Object.keys(event).slice(0, 3)).toEqual(['time', 'type', 'worktree']);
      expect(event).toMatchObject({ type: 'blocked', worktree: t.dir, session: 's1', command: 'git push -f' });
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    });
  });

  it('filters by session, type, time, worktree and limit, and skips lines it cannot parse', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      appendEvent(repo, { type: 'session-start', session: 'a', time: '2026-01-01T00:00:00.000Z' });
      fs.appendFileSync(journalPath(repo), 'not json\n{"half": \n');
      appendEvent(repo, { type: 'blocked', session: 'a', time: '2026-01-02T00:00:00.000Z' });
      appendEvent(repo, { type: 'blocked', session: 'b', time: '2026-01-03T00:00:00.000Z', worktree: '/elsewhere' });
      appendEvent(repo, { type: 'session-end', session: 'a', time: '2026-01-04T00:00:00.000Z' });
      expect(readEvents(repo).map((e) => e.type)).toEqual(['session-start', 'blocked', 'blocked', 'session-end']);
      expect(readEvents(repo, { session: 'a' }).map((e) => e.type)).toEqual(['session-start', 'blocked', 'session-end']);
      expect(readEvents(repo, { types: ['blocked'] }).map((e) => e.session)).toEqual(['a', 'b']);
      expect(readEvents(repo, { since: '2026-01-03T00:00:00.000Z' }).map((e) => e.type)).toEqual(['blocked', 'session-end']);
      expect(readEvents(repo, { worktree: t.dir })).toHaveLength(3);
      expect(readEvents(repo, { limit: 2 }).map((e) => e.time)).toEqual(['2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z']);
      const cli = JSON.parse(t.guard(['log', '--json', '--session', 'a', '--limit', '0']).stdout).events;
      expect(cli).toHaveLength(3);
      const human = t.guard(['log']);
      expect(human.stdout).toContain('WORKTREE');
      expect(human.stdout).toContain('/elsewhere');
    });
  });

  it('is shared by linked worktrees, each event naming its worktree', async () => {
    await withTestRepo(async (t) => {
      t.write('a', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'a']);
      const other = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', other]);
      appendEvent(await openRepo(other), { type: 'snapshot', session: null });
      const events = readEvents(await openRepo(t.dir));
      expect(events).toHaveLength(1);
      expect(events[0]?.worktree).toBe(other);
    });
  });

  it('keeps every line whole when many processes append at once', async () => {
    await withTestRepo(async (t) => {
      const api = JSON.stringify(path.join(PROJECT_ROOT, 'dist', 'index.js'));
      const procs = Array.from({ length: 8 }, (_, i) =>
        new Promise<void>((resolve, reject) => {
          const code = `const { openRepo, appendEvent } = await import(${api}); const repo = await openRepo(process.cwd());
            for (let n = 0; n < 150; n++) appendEvent(repo, { type: 'load', writer: ${i}, n, pad: 'x'.repeat(2000) });`;
          const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: t.dir, env: t.env, stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`writer ${i} exited ${c}`))));
        }),
      );
      await Promise.all(procs);
      const repo = await openRepo(t.dir);
      const lines = fs.readFileSync(journalPath(repo), 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(1200);
      const events = readEvents(repo, { types: ['load'] });
      expect(events).toHaveLength(1200);
      for (let i = 0; i < 8; i++) expect(events.filter((e) => e.writer === i).map((e) => e.n)).toEqual(Array.from({ length: 150 }, (_, n) => n));
    });
  });
});
