/**
 * The agent hook's snapshot before a command guard can undo only after one (`rm -rf work`,
 * `git checkout .`): a running watcher takes it (src/watcher/serve.ts), O(changes), with the
 * ignored files the command deletes read at the snapshot; it records what a full walk records,
 * the hook's own process walks nothing, and `guard rollback` brings the ignored files back byte
 * for byte. When the watcher cannot serve (dead with its socket left, an answer without the
 * ignored files, no answer at all) the hook takes the snapshot itself, as before.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv, type GitProcessCount, tracedArgv } from '../../helpers/git-trace.js';
import { decodeMessage, type SnapshotMeta } from '../../../src/snapshot/format.js';
import { fullWalkTree, json, killWatcher } from './helpers.js';

const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0x80, 0x41]);

function payload(t: TestRepo, command: string): string {
  return JSON.stringify({ session_id: 's1', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });
}

function decisionOf(stdout: string): string {
  if (stdout.trim() === '') return 'allow';
  const out = JSON.parse(stdout) as { hookSpecificOutput?: { permissionDecision?: string } };
  return out.hookSpecificOutput?.permissionDecision ?? 'allow';
}

/** Claude Code's pre-tool hook for a Bash call, every git process it starts counted (trace2). */
function preTool(t: TestRepo, command: string): { decision: string; git: GitProcessCount; argv: string[][] } {
  const trace = path.join(t.base, `trace-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...traceEnv(trace) }, input: payload(t, command), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { decision: decisionOf(r.stdout), git: countGitProcesses(trace), argv: tracedArgv(trace) };
}

/** Claude Code's SessionStart hook: the session the tool calls then belong to (its own snapshot is not the one measured). */
function sessionStart(t: TestRepo): void {
  const input = JSON.stringify({ session_id: 's1', transcript_path: '/t', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' });
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: t.dir, env: t.env, input, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/**
 * Stands in for a live watcher in the pid file (a process working in the repository), so the
 * hook's session does not start a real one that would take over the socket: what answers on the
 * socket is the test's alone. Detached, so the cleanup's kill of its group reaches only it.
 */
const holders: number[] = [];
afterEach(() => {
  for (const pid of holders.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function holdWatcherPidFile(t: TestRepo): void {
  // 'watch' in its command line: what tells a watcher from a process that reused its pid (state-file.ts).
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 600000)', 'watch-stand-in'], { cwd: t.dir, detached: true, stdio: 'ignore' });
  holder.unref();
  holders.push(holder.pid!);
  fs.mkdirSync(path.join(t.dir, '.git', 'guard'), { recursive: true });
  fs.writeFileSync(path.join(t.dir, '.git', 'guard', 'watcher.pid'), `${holder.pid}\n`);
}

/** The same, without blocking this process: a fake watcher in it must be able to answer. */
function preToolAsync(t: TestRepo, command: string): Promise<{ decision: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: t.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ decision: decisionOf(stdout), stderr, code }));
    child.stdin.end(payload(t, command));
  });
}

/** A walk of the whole working tree: `git status`, or an `ls-files --others` without a pathspec. */
function walks(argv: string[][]): string[][] {
  return argv.filter((a) => a.includes('status') || (a.includes('ls-files') && a.some((x) => x === '--others' || x === '-o') && !a.includes('--')));
}

function journal(t: TestRepo): any[] {
  return fs
    .readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A snapshot's own record (its commit message), `ignored` included. */
function meta(t: TestRepo, oid: string): SnapshotMeta {
  return decodeMessage(t.git(['log', '-1', '--format=%B', oid]))!;
}

/** The newest hook snapshot in the journal. */
function hookSnapshot(t: TestRepo): { snapshot: string; takenBy: string } {
  const found = journal(t).filter((e) => e.type === 'snapshot' && e.trigger === 'hook');
  expect(found.length).toBeGreaterThan(0);
  return found[found.length - 1];
}

const CAPTURED = ['work/late.bin', 'work/out.txt', 'work/sub/deep.txt'];

function setup(t: TestRepo): void {
  // The watcher's own snapshots wait a minute: the hook's request finds every change pending.
  // A snapshot option other than the default: the hook must ask with .guard.yaml's, as the watcher has them.
  t.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 60000\n  maxIntervalMs: 120000\nsnapshot:\n  maxFileSize: 1MB\n');
  t.write('.gitignore', 'work/\n');
  t.write('README.md', '# project\n');
  t.write('src/app.js', 'console.log(1);\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  // Ignored output that was there before the watcher started.
  t.write('work/out.txt', 'build output\n');
}

/** Changes made while the watcher runs: tracked, untracked, and ignored files it never follows. */
function change(t: TestRepo): void {
  t.write('src/app.js', 'console.log(2);\n');
  t.write('pkg/new.txt', 'a new untracked file\n');
  t.write('work/late.bin', BINARY);
  t.write('work/sub/deep.txt', 'deep ignored output\n');
}

describe("the agent hook's pre-command snapshot with a running watcher", () => {
  it('is taken by the watcher with the ignored files the command deletes, equals a full walk, walks nothing in the hook, and rollback brings them back', () =>
    withTestRepo(async (t) => {
      setup(t);
      expect(t.guard(['watch']).code).toBe(0);
      sessionStart(t);
      change(t);

      const served = preTool(t, 'rm -rf work');
      expect(served.decision).toBe('allow');
      const taken = hookSnapshot(t);
      expect(taken.takenBy).toBe('watcher');
      expect(fs.readFileSync(path.join(t.dir, '.git', 'guard', 'watcher.log'), 'utf8')).toMatch(/for a client/);
      // The hook's process walked nothing: no `git status`, no listing of every untracked file.
      expect(walks(served.argv), JSON.stringify(served.git.byCommand)).toEqual([]);

      const shown = meta(t, taken.snapshot);
      expect(shown.ignored).toEqual(CAPTURED);
      expect(shown.trigger).toBe('hook');
      expect(t.git(['rev-parse', `${taken.snapshot}^{tree}`]).trim()).toBe(fullWalkTree(t, CAPTURED));
      const allowed = journal(t).filter((e) => e.type === 'allowed-after-snapshot');
      expect(allowed[allowed.length - 1]).toMatchObject({ snapshot: taken.snapshot, capturedIgnored: CAPTURED });

      // The command runs; the snapshot it was allowed after brings the ignored files back.
      fs.rmSync(path.join(t.dir, 'work'), { recursive: true });
      const back = t.guard(['rollback', taken.snapshot.slice(0, 12), '--yes']);
      expect(back.code, back.stderr + back.stdout).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, 'work', 'late.bin'))).toEqual(BINARY);
      expect(t.read('work/out.txt')).toBe('build output\n');
      expect(t.read('work/sub/deep.txt')).toBe('deep ignored output\n');
      expect(t.read('src/app.js')).toBe('console.log(2);\n');

      // `git checkout -- file` (a tracked change it discards) is served too, with nothing to capture.
      t.write('README.md', '# edited\n');
      const checkout = preTool(t, 'git checkout -- README.md');
      expect(checkout.decision).toBe('allow');
      const second = hookSnapshot(t);
      expect(second.takenBy).toBe('watcher');
      expect(walks(checkout.argv)).toEqual([]);
      expect(t.git(['show', `${second.snapshot}:README.md`])).toBe('# edited\n');
    }));

  it('falls back to its own walk when nothing listens on the socket a watcher left', () =>
    withTestRepo(async (t) => {
      setup(t);
      expect(t.guard(['watch']).code).toBe(0);
      sessionStart(t);
      const status = json(t, ['watch', 'status']);
      await killWatcher(status.pid);
      expect(fs.existsSync(path.join(t.dir, '.git', 'guard', 'watcher.sock'))).toBe(true);
      holdWatcherPidFile(t);
      change(t);
      const walked = preTool(t, 'rm -rf work');
      expect(walked.decision).toBe('allow');
      const taken = hookSnapshot(t);
      expect(taken.takenBy).toBe('walk');
      expect(walks(walked.argv).length).toBeGreaterThan(0);
      expect(meta(t, taken.snapshot).ignored).toEqual(CAPTURED);
      expect(t.git(['rev-parse', `${taken.snapshot}^{tree}`]).trim()).toBe(fullWalkTree(t, CAPTURED));
    }));

  it('falls back to its own walk when a watcher answers without the ignored files, or does not answer within half the budget', () =>
    withTestRepo(async (t) => {
      setup(t);
      t.write('.guard.yaml', 'version: 1\nsnapshot:\n  maxFileSize: 1MB\n  hookBudgetSeconds: 6\n');
      // The session (and its watcher) first; then no watcher, and the test's own answers on its socket.
      sessionStart(t);
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      holdWatcherPidFile(t);
      change(t);
      const before = json(t, ['snapshot']);
      const socket = path.join(t.dir, '.git', 'guard', 'watcher.sock');
      // A watcher that does not know captureIgnored (an older one still running): it answers with
      // a snapshot that holds none of them.
      const forgetful = net.createServer((c) => {
        c.once('data', () => c.end(`${JSON.stringify({ ok: true, snapshot: { oid: before.oid, ignored: [] }, created: false })}\n`));
      });
      await new Promise<void>((resolve) => forgetful.listen(socket, resolve));
      try {
        const answer = await preToolAsync(t, 'rm -rf work');
        expect(answer.decision, answer.stderr).toBe('allow');
      } finally {
        await new Promise<void>((resolve) => forgetful.close(() => resolve()));
      }
      const walked = hookSnapshot(t);
      expect(walked.takenBy).toBe('walk');
      expect(walked.snapshot).not.toBe(before.oid);
      expect(meta(t, walked.snapshot).ignored).toEqual(CAPTURED);

      // A watcher that hangs: the hook walks after half its budget (3 s), and still allows.
      t.write('work/later.txt', 'one more\n');
      const held: net.Socket[] = [];
      const hung = net.createServer((c) => {
        held.push(c);
      });
      await new Promise<void>((resolve) => hung.listen(socket, resolve));
      try {
        const answer = await preToolAsync(t, 'rm -rf work');
        expect(answer.decision, answer.stderr).toBe('allow');
      } finally {
        for (const c of held) c.destroy();
        await new Promise<void>((resolve) => hung.close(() => resolve()));
      }
      const late = hookSnapshot(t);
      expect(late.takenBy).toBe('walk');
      expect(meta(t, late.snapshot).ignored).toEqual([...CAPTURED, 'work/later.txt'].sort());
    }));
});

describe("the agent hook's snapshot options", () => {
  it('are .guard.yaml\'s: an untracked file over the default size cap but under snapshot.maxFileSize is in the snapshot `rm` was allowed after', () =>
    withTestRepo(async (t) => {
      t.write('.guard.yaml', 'version: 1\nsnapshot:\n  maxFileSize: 60MB\n');
      t.write('README.md', '# project\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      // 51 MB: above the 50 MB default, below the configured cap. The command guard judges the
      // deletion by the configured cap (undoable), so the snapshot must hold the file.
      t.write('data.bin', Buffer.alloc(51 * 1024 * 1024, 0x61));
      const r = preTool(t, 'rm data.bin');
      expect(r.decision).toBe('allow');
      const taken = hookSnapshot(t);
      expect(meta(t, taken.snapshot).skipped).toEqual([]);
      expect(t.git(['ls-tree', '-r', '--name-only', taken.snapshot])).toContain('data.bin');
    }));
});
