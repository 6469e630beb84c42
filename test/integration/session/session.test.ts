/**
 * Sessions through the real CLI on real repositories: start takes the baseline, a resume keeps it,
 * sessions nest, end summarises exactly what changed, and the summary's rollback command works.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function json(t: TestRepo, args: string[]): any {
  const r = t.guard([...args, '--json']);
  if (r.code !== 0) throw new Error(`guard ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function seed(t: TestRepo): void {
  t.write('keep.txt', 'keep\n');
  t.write('edit.txt', 'v1\n');
  t.write('gone.txt', 'bye\n');
  t.git(['add', '.']);
  t.git(['commit', '-q', '-m', 'base']);
}

describe('guard session', () => {
  it('start takes a session-start snapshot when something changed, and journals it', async () => {
    await withTestRepo((t) => {
      seed(t);
      json(t, ['snapshot']);
      t.write('edit.txt', 'v2\n');
      const { session } = json(t, ['session', 'start', '--agent', 'claude']);
      expect(session.id).toMatch(/^claude-[0-9a-f]{6}$/);
      const snapshots = json(t, ['list', '--all']);
      expect(snapshots.filter((s: any) => s.trigger === 'manual')).toHaveLength(1);
      const start = snapshots.find((s: any) => s.oid === session.startSnapshot);
      expect(start.trigger).toBe('session-start');
      expect(start.session).toBe(session.id);
      const { events } = json(t, ['log', '--session', session.id]);
      expect(events.map((e: any) => e.type)).toEqual(['snapshot', 'session-start']);
      expect(events[0]).toMatchObject({ snapshot: session.startSnapshot, created: true });
      expect(events[1]).toMatchObject({ session: session.id, agent: 'claude', resumed: false, worktree: t.dir });
    });
  });

  it('with nothing changed since the last snapshot, start takes that one as its baseline and still journals the start', async () => {
    await withTestRepo((t) => {
      seed(t);
      const manual = json(t, ['snapshot']);
      const { session } = json(t, ['session', 'start', '--agent', 'claude']);
      const snapshots = json(t, ['list', '--all']);
      expect(snapshots.filter((s: any) => s.trigger === 'session-start')).toHaveLength(0);
      expect(session.startSnapshot).toBe(manual.oid ?? manual.snapshot?.oid);
      const { events } = json(t, ['log', '--session', session.id]);
      expect(events.map((e: any) => e.type)).toEqual(['snapshot', 'session-start']);
      expect(events[0]).toMatchObject({ snapshot: session.startSnapshot, trigger: 'session-start', created: false });
      expect(events[1]).toMatchObject({ session: session.id, snapshot: session.startSnapshot, resumed: false });
      // A second session right after: the same baseline; a change, and the next one is new.
      const second = json(t, ['session', 'start', '--agent', 'claude']).session;
      expect(second.startSnapshot).toBe(session.startSnapshot);
      t.write('keep.txt', 'changed\n');
      const third = json(t, ['session', 'start', '--agent', 'claude']).session;
      expect(third.startSnapshot).not.toBe(session.startSnapshot);
      // Rolling back to the first session gives its state back exactly.
      expect(t.guard(['rollback', '--session', session.id, '--yes']).code).toBe(0);
      expect(t.read('keep.txt')).toBe('keep\n');
    });
  });

  it('resuming an id keeps the baseline and takes no new snapshot', async () => {
    await withTestRepo((t) => {
      seed(t);
      const first = json(t, ['session', 'start', '--id', 'work-1']);
      json(t, ['session', 'end', '--id', 'work-1']);
      t.write('edit.txt', 'v2\n');
      // (The watcher may record the edit meanwhile; what must not appear is a second baseline.)
      const baselines = () => json(t, ['list', '--all']).filter((s: any) => s.trigger === 'session-start' && s.session === 'work-1');
      expect(baselines()).toHaveLength(1);
      const again = json(t, ['session', 'start', '--id', 'work-1']);
      expect(baselines()).toHaveLength(1);
      expect(again.resumed).toBe(true);
      expect(again.session.startSnapshot).toBe(first.session.startSnapshot);
      expect(again.session.endedAt).toBeNull();
      expect(again.session.resumes).toBe(1);
      const { sessions } = json(t, ['session', 'list']);
      expect(sessions).toHaveLength(1);
      // The summary still measures from the original start.
      const ended = json(t, ['session', 'end']);
      expect(ended.summary.files.modified).toBe(1);
    });
  });

  it('nests: an inner session records its parent, and ending the outer one ends it too', async () => {
    await withTestRepo((t) => {
      seed(t);
      const outer = json(t, ['session', 'start', '--id', 'outer']).session;
      const inner = json(t, ['session', 'start', '--id', 'inner']).session;
      expect(inner.parent).toBe(outer.id);
      // Without --id, end closes the innermost open session.
      expect(json(t, ['session', 'end']).session.id).toBe('inner');
      json(t, ['session', 'start', '--id', 'inner2']);
      const ended = json(t, ['session', 'end', '--id', 'outer']);
      expect(ended.nestedEnded).toEqual(['inner2']);
      const { sessions } = json(t, ['session', 'list']);
      expect(sessions.every((s: any) => s.endedAt !== null)).toBe(true);
    });
  });

  it('end summarises files, refs and HEAD against the start, and its rollback command restores the start', async () => {
    await withTestRepo((t) => {
      seed(t);
      const { session } = json(t, ['session', 'start', '--agent', 'codex']);
      t.write('edit.txt', 'v2\n');
      t.remove('gone.txt');
      t.write('new-1.txt', 'n\n');
      t.write('dir/new-2.txt', 'n\n');
      t.git(['branch', 'feature']);
      t.git(['tag', 'v1']);
      t.git(['checkout', '-q', 'feature']);
      const human = t.guard(['session', 'end', '--id', session.id]);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('files: 2 added, 1 modified, 1 deleted');
      expect(human.stdout).toContain(`guard rollback --session ${session.id}`);

      const { events } = json(t, ['log', '--session', session.id]);
      const end = events.find((e: any) => e.type === 'session-end');
      expect(end.files).toEqual({ added: 2, modified: 1, deleted: 1 });

      // Ending again recomputes the same summary (idempotent).
      const again = json(t, ['session', 'end', '--id', session.id]);
      expect(again.summary.files).toMatchObject({ added: 2, modified: 1, deleted: 1 });
      expect(again.summary.files.top).toEqual({ added: ['dir/new-2.txt', 'new-1.txt'], modified: ['edit.txt'], deleted: ['gone.txt'] });
      expect(again.summary.refs.map((r: any) => r.ref)).toEqual(['refs/heads/feature', 'refs/tags/v1']);
      expect(again.summary.refs[0].from).toBeNull();
      expect(again.summary.head).toEqual({ from: 'refs/heads/main', to: 'refs/heads/feature' });
      expect(again.summary.rollback).toBe(`guard rollback --session ${session.id}`);

      const rollback = t.guard(['rollback', '--session', session.id, '--yes']);
      expect(rollback.code).toBe(0);
      expect(t.read('edit.txt')).toBe('v1\n');
      expect(t.read('gone.txt')).toBe('bye\n');
      expect(t.exists('new-1.txt')).toBe(false);
      expect(t.git(['symbolic-ref', 'HEAD']).trim()).toBe('refs/heads/main');
      expect(t.git(['branch', '--list', 'feature'])).toBe('');
    });
  });

  it('refuses a bad id and an end with nothing open, naming what to do', async () => {
    await withTestRepo((t) => {
      seed(t);
      const bad = t.guard(['session', 'start', '--id', '../x']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('not a valid session id');
      const none = t.guard(['session', 'end']);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('no session is open');
      expect(none.stderr).toContain('guard session list');
    });
  });
});
