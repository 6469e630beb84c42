/**
 * A captured ignored file a rollback leaves out (captured-ignored.ts: the target has a directory
 * at its name, another capture needs its place, a nested repository or a special file stands
 * there) is in the event journal, so `guard log` the next morning names it with its reason and
 * `git cat-file blob <snapshot>:<path> > FILE`, the command that gives its bytes. Until 2026-12-04
 * only the rollback's own output and --json said so, and the journal's `rollback` line counted the
 * files it wrote: the person who read the log found no trace of the file left behind.
 *
 * The command is taken from `guard log`'s text and run by bash as a person would paste it; the
 * bytes it writes are compared with the captured file's. A name that is not UTF-8 comes as
 * bash's `$'c\377'`. A rollback that changes nothing but leaves a captured file out is journaled
 * too (`nothingToDo`, no undo). A `rollback` line of an older guard, without the new fields, reads
 * as it always did.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { guardOk, loggedEvents, rollbackOk, snapshotId } from '../../helpers/guard-steps.js';
import { byteState as state } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

/** The agent hook allows `command`, then bash runs it. */
function agentRuns(t: TestRepo, command: string): void {
  expect(agentVerdict(t, command).decision, command).toBe('allow');
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/** Runs the `git cat-file blob ... > FILE` a person copies out of `guard log`, with FILE a fresh path; returns the bytes it wrote. */
function runLoggedCommand(t: TestRepo, command: string): Buffer {
  const out = path.join(t.base, `out-${Math.random().toString(36).slice(2)}`);
  expect(command.endsWith(' > FILE'), command).toBe(true);
  const r = spawnSync('bash', ['-c', `${command.slice(0, -'FILE'.length)}'${out}'`], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return fs.readFileSync(out);
}

/** `guard log --type rollback`'s text (the table) and its newest rollback event (--json). */
function rollbackLog(t: TestRepo): { text: string; event: Record<string, any> } {
  const text = guardOk(t, ['log', '--type', 'rollback']).stdout;
  const events = loggedEvents<Record<string, any>>(t, 'rollback');
  expect(events.length).toBeGreaterThan(0);
  return { text, event: events[events.length - 1]! };
}

describe('guard log names the captured files a rollback left out', () => {
  it('the target has a directory where the capture is a file: the log line has the name, the reason and the command, which gives the bytes', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'conf\n' });
      t.write('conf/x', 'tracked\n');
      t.git(['add', '-f', 'conf/x']);
      t.git(['commit', '-q', '-m', 'track conf/x']);
      const before = state(t);
      agentRuns(t, 'rm -r conf');
      t.write('conf', SECRET, 0o600);
      agentRuns(t, 'rm conf');
      const out = rollbackOk(t);
      expect(out).toContain('NOT brought back');
      expect(state(t)).toEqual(before);

      const { text, event } = rollbackLog(t);
      expect(event.capturedNotRestored).toHaveLength(1);
      const left = event.capturedNotRestored[0];
      expect(left).toMatchObject({ path: 'conf', reason: 'the target has a directory there (conf/x)' });
      expect(left.snapshot).toMatch(/^[0-9a-f]{40}$/);
      const command = `git cat-file blob ${left.snapshot.slice(0, 12)}:conf > FILE`;
      expect(left.command).toBe(command);
      // The text a person reads: the name, the reason, the command, and still the way to undo.
      expect(text).toContain(`captured ignored files NOT brought back (1, each still in the snapshot that captured it); conf: the target has a directory there (conf/x); its bytes: ${command};`);
      expect(text).toContain('undo with: guard rollback --undo');
      // The rollback's output says the same command.
      expect(out).toContain(command);
      expect(runLoggedCommand(t, /its bytes: (git cat-file blob \S+ > FILE)/.exec(text)![1]!)).toEqual(SECRET);
    });
  });

  it('a name that is not UTF-8, and a rollback with nothing else to change: journaled with nothingToDo, the command types the bytes', async () => {
    await withTestRepo((t) => {
      const dirName = Buffer.concat([Buffer.from('c'), Buffer.of(0xff)]);
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'c*\n' });
      fs.mkdirSync(Buffer.concat([Buffer.from(`${t.dir}/`), dirName]));
      fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), dirName, Buffer.from('/x')]), 'tracked\n');
      t.git(['add', '-f', '.']);
      t.git(['commit', '-q', '-m', 'track c\\377/x']);
      const target = snapshotId(t);
      const before = state(t);
      agentRuns(t, "rm -r $'c\\xff'");
      agentRuns(t, "printf 'API_KEY=1\\n' > $'c\\xff' && chmod 600 $'c\\xff'");
      agentRuns(t, "rm $'c\\xff'");
      // The person puts the tracked file back: nothing but the captured file differs from the target.
      t.git(['checkout', '--', '.']);
      expect(state(t)).toEqual(before);
      const out = rollbackOk(t, target);
      expect(out).toContain('nothing to change');
      expect(out).toContain('NOT brought back');
      expect(state(t)).toEqual(before);

      const { text, event } = rollbackLog(t);
      expect(event).toMatchObject({ mode: 'rollback', nothingToDo: true, pre: null });
      expect(event.capturedNotRestored).toEqual([
        { path: '"c\\377"', snapshot: expect.stringMatching(/^[0-9a-f]{40}$/), reason: 'the target has a directory there ("c\\377/x")', command: expect.stringContaining(":c\\377' > FILE") },
      ]);
      expect(text).toContain(`rollback to snapshot ${target}: nothing to change; captured ignored files NOT brought back (1`);
      // Nothing to undo: the line does not offer it.
      expect(text).not.toContain('undo with');
      const command = /its bytes: (git cat-file blob \S+ > FILE)/.exec(text)![1]!;
      expect(command).toBe(`git cat-file blob $'${event.capturedNotRestored[0].snapshot.slice(0, 12)}:c\\377' > FILE`);
      expect(runLoggedCommand(t, command).toString()).toBe('API_KEY=1\n');
    });
  });

  it('a rollback line an older guard wrote (no capturedIgnored, no capturedNotRestored) reads as before', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      const old = { time: '2026-12-01T10:00:00.000Z', type: 'rollback', worktree: t.dir, mode: 'rollback', session: null, agent: null, snapshot: 'a'.repeat(40), targetSession: null, pre: 'b'.repeat(40), preRollbackSnapshot: 'b'.repeat(40), filesOnly: false, paths: [], files: { write: 2, create: 1, delete: 0 }, refs: ['refs/heads/main'], head: false, stash: false };
      fs.mkdirSync(path.join(t.dir, '.git', 'guard'), { recursive: true });
      fs.appendFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), `${JSON.stringify(old)}\n`);
      const text = guardOk(t, ['log', '--type', 'rollback']).stdout;
      expect(text).toContain(`rollback to snapshot aaaaaaaaaaaa: 2 restored, 1 created, 0 deleted 1 refs undo with: guard rollback --undo (before it: snapshot bbbbbbbbbbbb)`);
    });
  });
});
