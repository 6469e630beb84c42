/**
 * Steps where there are no agent hooks (`guard run`: each snapshot is a step) and where no
 * watcher runs (the post-tool hook takes the snapshot that closes the step itself).
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, json, waitFor, waitForWatcher } from '../watcher/helpers.js';
import { GUARD_BIN } from '../../helpers/git-repo.js';
import { spawnSync } from 'node:child_process';
import { journal, ScriptedClaude } from './timeline-driver.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

describe('steps without agent hooks or without a watcher (issue 12)', () => {
  it('guard run: each snapshot taken during the session is a step', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.write('.guard.yaml', fastWatchConfig());
      const run = t.guard(['run', '--agent', 'script', '--', 'sh', '-c', 'echo one > f1.txt; sleep 2; echo two > f2.txt; rm a.txt; sleep 2']);
      expect(run.code, run.stderr).toBe(0);
      const timeline = json(t, ['timeline']);
      expect(timeline.session.agent).toBe('script');
      expect(timeline.steps.length).toBeGreaterThanOrEqual(1);
      for (const step of timeline.steps) expect(step).toMatchObject({ source: 'snapshot', command: null });
      const changes = timeline.steps.flatMap((s: any) => s.files.map((f: any) => `${f.status} ${f.path}`)).sort();
      expect(changes).toEqual(['added f1.txt', 'added f2.txt', 'deleted a.txt']);
      expect(t.guard(['timeline']).stdout).toContain('changes recorded by the watcher');

      // A second session changes f1.txt again: blame reads both sessions (one batch of git calls).
      const first = timeline.session.id;
      const again = t.guard(['run', '--agent', 'second', '--', 'sh', '-c', 'echo three >> f1.txt; sleep 2']);
      expect(again.code, again.stderr).toBe(0);
      const blame = json(t, ['blame', 'f1.txt']);
      expect(blame.changes.map((c: any) => [c.session === first ? 'first' : c.agent, c.change])).toEqual([
        ['second', 'modified'],
        ['first', 'added'],
      ]);
    });
  }, 120_000);

  it('without a watcher, the post-tool hook takes the snapshot that closes the step', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      fs.mkdirSync(`${t.dir}/.claude`);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      t.write('.git/info/exclude', '.claude/\n');
      const agent = new ScriptedClaude(t, 'conv-nowatch');
      agent.start();
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      // A pre-tool starts the watcher of an open session again; a live process in its pid file
      // that is not watching (as while a watcher starts) keeps it from doing so.
      // Its cwd is the worktree: a process working elsewhere is not taken for this worktree's watcher.
      const standIn = spawn('sh', ['-c', 'sleep 300', 'watch'], { stdio: 'ignore', cwd: t.dir });
      try {
        fs.writeFileSync(`${t.dir}/.git/guard/watcher.pid`, `${standIn.pid}\n`);
        fs.rmSync(`${t.dir}/.git/guard/watcher.json`, { force: true });
        await agent.step({ name: 'Write', file: 'b.txt', content: 'b\n' });
      } finally {
        standIn.kill('SIGKILL');
      }
      const closing = journal(t).filter((e) => e.type === 'step-snapshot');
      expect(closing).toEqual([expect.objectContaining({ by: 'hook', snapshot: expect.any(String) })]);
      const timeline = json(t, ['timeline']);
      expect(timeline.steps[0].files).toEqual([{ path: 'b.txt', status: 'added' }]);
    });
  }, 120_000);

  it('an agent without post-tool hooks: each step is closed by the snapshot taken before the next one starts', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.write('.guard.yaml', fastWatchConfig());
      const codex = (event: string, payload: object) => {
        const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'codex', event], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      };
      const base = { session_id: 'codex-thread', turn_id: 'turn-1', cwd: t.dir };
      codex('session-start', { ...base, hook_event_name: 'SessionStart', source: 'startup' });
      await waitForWatcher(t);
      const shell = (command: string, id: string) => codex('pre-tool', { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: id });
      // The journal line of the watcher's snapshot, not only its ref: the step is closed by what the journal says.
      const watched = (file: string) => waitFor(`a journaled watcher snapshot with ${file}`, () => json(t, ['timeline']).steps.at(-1)?.files.some((f: any) => f.path === file), 60_000, 200);
      shell('echo b > b.txt', 'call_1');
      t.write('b.txt', 'b\n');
      await watched('b.txt');
      shell('echo c > c.txt', 'call_2');
      t.write('c.txt', 'c\n');
      await watched('c.txt');
      const steps = json(t, ['timeline']).steps;
      expect(steps.map((s: any) => [s.command, s.files.map((f: any) => `${f.status} ${f.path}`)])).toEqual([
        ['echo b > b.txt', ['added b.txt']],
        ['echo c > c.txt', ['added c.txt']],
      ]);
    });
  }, 120_000);
});
