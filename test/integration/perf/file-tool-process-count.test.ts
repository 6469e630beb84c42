/**
 * What an agent's file tool costs before it runs (agent-hook.ts captureBeforeFileTool). Since the
 * overwrite-ignored work every Edit or Write of an existing file started one more git process
 * (`ls-files --others --ignored` for its path), to learn whether it was an ignored file to capture
 * first: 1 -> 2 git processes per pre-tool hook. A file the index lists cannot be such a file, and
 * the index file says so without git (path-facts.ts, index-file.ts indexListsPaths), so an Edit
 * of a tracked file is back to the repository's discovery alone, and a new file too. Counted with
 * git's trace2 (git-trace.ts), through hooks/agent-hook.sh as Claude Code runs it and through
 * `guard agent-hook` directly. The answers stay right where git must be asked: a file taken out
 * of the index (`git rm --cached`) is ignored again and is captured first.
 *
 * A delete tool (Cursor's Delete) asks what is tracked or untracked at the path as well. For a
 * file the index lists, the index file says that too (path-facts.ts known(), indexedPaths): 2 git
 * processes -> 1. An untracked file git lists as `? path` is not ignored, so the ignored listing
 * is not run for it: 3 -> 2. An ignored file still takes both listings and is captured; an
 * untracked file over snapshot.maxFileSize is still refused (file-tool-delete-deny.test.ts).
 * An ignored file took both listings (`ls-files --others`, then `ls-files --others --ignored
 * --directory`): 3. For names the index does not list one `git status --porcelain=v2
 * --ignored=matching -uall` says both, `?` untracked and `!` ignored (collapsed as --directory
 * collapses): 3 -> 2, untracked stays 2. Captured as before, non-UTF-8 names and a file inside a
 * wholly ignored directory too, and `guard rollback` gives their bytes and modes back.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The process counts here are of guard as users run it, the automatic backup push included (test/helpers/env.ts).
realBackupPushInFile();

const SHIM = path.join(PROJECT_ROOT, 'hooks', 'agent-hook.sh');
const SH = fs.existsSync('/usr/bin/dash') ? '/usr/bin/dash' : '/bin/sh';

function payload(t: TestRepo, tool: 'Edit' | 'Write', file: string): string {
  const input = tool === 'Write' ? { file_path: path.join(t.dir, file), content: 'NEW=1\n' } : { file_path: path.join(t.dir, file), old_string: 'a', new_string: 'b' };
  return JSON.stringify({ session_id: 's1', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: 'toolu_1' });
}

type Via = 'shim' | 'node';

/** One pre-tool hook for a file tool on FILE; its answer and the git processes it started (argv). */
function hook(t: TestRepo, via: Via, tool: 'Edit' | 'Write', file: string, label: string): { stdout: string; argv: string[][]; total: number } {
  const trace = path.join(t.base, `trace-${label}.json`);
  const env = { ...t.env, ...traceEnv(trace) };
  const r =
    via === 'shim'
      ? spawnSync(SH, [SHIM, 'claude', 'pre-tool'], { cwd: t.dir, env, input: payload(t, tool, file), encoding: 'utf8' })
      : spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env, input: payload(t, tool, file), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, argv: tracedArgv(trace), total: countGitProcesses(trace).total };
}

const isLsFiles = (argv: string[]): boolean => argv.includes('ls-files');

function setup(t: TestRepo): void {
  t.write('.gitignore', '*.local\n');
  t.write('src/app.ts', 'export const a = 1;\n');
  t.write('README.md', 'a\n');
  // Tracked although its name is ignored (added with -f): tracked, so nothing to capture.
  t.write('forced.local', 'a=1\n');
  t.git(['add', '-A']);
  t.git(['add', '-f', 'forced.local']);
  t.git(['commit', '-q', '-m', 'init']);
  t.write('.env.local', 'API_KEY=a\n');
}

describe("an agent's file tool on an existing tracked file starts no git process beyond finding the repository", () => {
  it.each(['shim', 'node'] as const)('through %s: Edit and Write of tracked files cost 1 git process (rev-parse), as a new file does; an ignored file is still asked about and captured', async (via) => {
    await withTestRepo((t) => {
      setup(t);
      // The session starts on the first tool call (its snapshot, its backup): not what is counted.
      expect(hook(t, via, 'Edit', 'README.md', 'warm-up').stdout).toBe('');

      for (const [tool, file] of [['Edit', 'src/app.ts'], ['Write', 'src/app.ts'], ['Edit', 'forced.local'], ['Write', 'brand-new.ts'], ['Edit', 'src/new/deeper.ts']] as const) {
        const counted = hook(t, via, tool, file, `${via}-${tool}-${file.replace(/\W+/g, '-')}`);
        expect(counted.stdout, `${tool} ${file}`).toBe('');
        // The repository's discovery (`rev-parse`, by the shim or by openRepo) and nothing else.
        expect(counted.argv.filter(isLsFiles), `${tool} ${file}: ${JSON.stringify(counted.argv)}`).toEqual([]);
        expect(counted.total, `${tool} ${file}: ${JSON.stringify(counted.argv)}`).toBeLessThanOrEqual(1);
      }
      const events = (): Array<{ capturedIgnored?: string[] }> => JSON.parse(t.guard(['log', '--json', '--type', 'allowed-after-snapshot']).stdout).events;
      expect(events()).toEqual([]);

      // An ignored file is asked about (git lists what is ignored) and captured first, as before.
      const ignored = hook(t, via, 'Write', '.env.local', `${via}-ignored`);
      expect(ignored.argv.some((argv) => isLsFiles(argv) && argv.includes('--ignored'))).toBe(true);
      expect(events()).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] })]);

      // Taken out of the index, forced.local is an ignored file again: read from the index as it is now, and captured.
      t.git(['rm', '-q', '--cached', 'forced.local']);
      expect(hook(t, via, 'Edit', 'forced.local', `${via}-untracked-again`).stdout).toBe('');
      expect(events()).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] }), expect.objectContaining({ capturedIgnored: ['forced.local'] })]);
    });
  });
});

/** Cursor's preToolUse hook for TOOL on FILE, run by `guard agent-hook` directly: its answer and git processes. */
function cursorHook(t: TestRepo, tool: 'Delete' | 'Write', file: string, label: string): { permission: string; message: string; argv: string[][]; total: number } {
  // A label with a `/` would name a directory that is not there: git would write no trace, and count 0.
  const trace = path.join(t.base, `trace-cursor-${label.replace(/\W+/g, '-')}.json`);
  const input = tool === 'Delete' ? { path: path.join(t.dir, file) } : { file_path: path.join(t.dir, file), contents: 'NEW=1\n' };
  const payload = { conversation_id: 'c1', hook_event_name: 'preToolUse', cwd: t.dir, tool_name: tool, tool_input: input };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'cursor', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...traceEnv(trace) }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { permission: string; agent_message?: string };
  return { permission: out.permission, message: out.agent_message ?? '', argv: tracedArgv(trace), total: countGitProcesses(trace).total };
}

const listsIgnored = (argv: string[]): boolean => isLsFiles(argv) && argv.includes('--ignored');
/** The one listing of untracked and ignored names the index does not list (path-facts.ts listOthers). */
const isStatus = (argv: string[]): boolean => argv.includes('status') && argv.includes('--ignored=matching');

describe("an agent's delete tool asks git only what the index file cannot say", () => {
  it('Delete of a tracked file costs 1 git process, of an untracked or an ignored one 2 (one status); an ignored file is still captured and a large untracked one refused', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('.guard.yaml', 'snapshot:\n  maxFileSize: 1KB\n');
      t.write('scratch.txt', 'scratch\n');
      t.write('big.bin', Buffer.alloc(4096, 7));
      const warmUp = cursorHook(t, 'Delete', 'README.md', 'warm-up');
      expect(warmUp.permission).toBe('allow');
      // The trace is written: the session's start alone runs git more than once.
      expect(warmUp.total).toBeGreaterThan(1);
      const events = (): Array<{ capturedIgnored?: string[] }> => JSON.parse(t.guard(['log', '--json', '--type', 'allowed-after-snapshot']).stdout).events;

      // Tracked (and tracked although its name is ignored): the repository's discovery alone.
      for (const file of ['src/app.ts', 'forced.local']) {
        const tracked = cursorHook(t, 'Delete', file, `tracked-${file}`);
        expect(tracked.permission, file).toBe('allow');
        expect(tracked.argv.filter(isLsFiles), `${file}: ${JSON.stringify(tracked.argv)}`).toEqual([]);
        expect(tracked.total, `${file}: ${JSON.stringify(tracked.argv)}`).toBe(1);
      }

      // Untracked: one listing says so (`? scratch.txt`), and that it is not ignored.
      const untracked = cursorHook(t, 'Delete', 'scratch.txt', 'untracked');
      expect(untracked.permission).toBe('allow');
      expect(untracked.argv.filter(listsIgnored), JSON.stringify(untracked.argv)).toEqual([]);
      expect(untracked.argv.filter(isStatus), JSON.stringify(untracked.argv)).toHaveLength(1);
      expect(untracked.total, JSON.stringify(untracked.argv)).toBe(2);
      expect(events()).toEqual([]);

      // Over snapshot.maxFileSize and untracked: refused, as before (its size read, no ignored listing needed).
      const big = cursorHook(t, 'Delete', 'big.bin', 'big');
      expect(big.permission).toBe('deny');
      expect(big.message).toContain('untracked-too-large');
      expect(big.total, JSON.stringify(big.argv)).toBe(2);

      // Ignored: git lists it as ignored, and it is captured into the snapshot taken first.
      const ignored = cursorHook(t, 'Delete', '.env.local', 'ignored');
      expect(ignored.permission).toBe('allow');
      expect(events()).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] })]);
      // One status says it is not untracked and that it is ignored: the discovery and that one (it was 3).
      expect(ignored.argv.filter(isLsFiles), JSON.stringify(ignored.argv)).toEqual([]);
      expect(ignored.argv.filter(isStatus), JSON.stringify(ignored.argv)).toHaveLength(1);
      expect(ignored.total, JSON.stringify(ignored.argv)).toBe(2);

      // Taken out of the index, forced.local is ignored again: git is asked, and it is captured.
      t.git(['rm', '-q', '--cached', 'forced.local']);
      expect(cursorHook(t, 'Delete', 'forced.local', 'untracked-again').permission).toBe('allow');
      expect(events()).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] }), expect.objectContaining({ capturedIgnored: ['forced.local'] })]);

      // A file inside a wholly ignored directory (git lists `keys/`, and its files once more to
      // capture them: 3, was 4), and, by the shell's rm, a name that is not UTF-8 (a delete tool's
      // JSON cannot carry one): captured, and rollback gives both back, bytes and modes.
      t.write('.gitignore', '*.local\nkeys/\n');
      t.git(['commit', '-q', '-am', 'keys ignored']);
      t.write('keys/deploy.key', 'SECRET\n', 0o755);
      const latin = Buffer.concat([Buffer.from(`${t.dir}/n`), Buffer.from([0xff]), Buffer.from('.local')]);
      fs.writeFileSync(latin, 'LATIN=1\n', { mode: 0o600 });
      fs.chmodSync(latin, 0o600);
      const inDir = cursorHook(t, 'Delete', 'keys/deploy.key', 'ignored-dir');
      expect(inDir.permission).toBe('allow');
      expect(inDir.argv.filter(isStatus), JSON.stringify(inDir.argv)).toHaveLength(1);
      expect(inDir.total, JSON.stringify(inDir.argv)).toBe(3);
      expect(events().at(-1)).toEqual(expect.objectContaining({ capturedIgnored: ['keys/deploy.key'] }));
      fs.rmSync(path.join(t.dir, 'keys/deploy.key'));
      expect(t.guard(['rollback', '--yes']).code).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, 'keys/deploy.key'), 'utf8')).toBe('SECRET\n');
      expect(fs.statSync(path.join(t.dir, 'keys/deploy.key')).mode & 0o777).toBe(0o755);

      const trace = path.join(t.base, 'trace-rm-latin.json');
      const rm = preToolHook(t, { tool: 'Bash', command: "rm -f n$'\\xff'.local" }, traceEnv(trace));
      expect(rm.decision, rm.reason).toBe('allow');
      expect(tracedArgv(trace).filter(isStatus), JSON.stringify(tracedArgv(trace))).toHaveLength(1);
      // The log names it as git quotes it.
      expect(events().at(-1)).toEqual(expect.objectContaining({ capturedIgnored: ['"n\\377.local"'] }));
      fs.rmSync(latin);
      expect(t.guard(['rollback', '--yes']).code).toBe(0);
      expect(fs.readFileSync(latin, 'utf8')).toBe('LATIN=1\n');
      expect(fs.statSync(latin).mode & 0o777).toBe(0o600);

      // A Write over an existing untracked file must still learn whether it is ignored: one listing.
      const write = cursorHook(t, 'Write', 'scratch.txt', 'write-untracked');
      expect(write.permission).toBe('allow');
      expect(write.total, JSON.stringify(write.argv)).toBe(2);
    });
  }, 240_000);

  it('in an index over 1 MiB (status would cost more than the listings there) an ignored file keeps the two ls-files, and is captured the same', async () => {
    await withTestRepo((t) => {
      setup(t);
      // 16,000 index entries of one content: what decides is the index file's size (path-facts.ts
      // STATUS_INDEX_BYTES), and one blob spares git add 16,000 loose objects (65 s of wall, 10 s
      // of CPU alone at load 10, against 1.3 s and 0.3 s) and the session's backup push their pack.
      for (let d = 0; d < 40; d++) {
        fs.mkdirSync(path.join(t.dir, `pad/d${d}`), { recursive: true });
        for (let f = 0; f < 400; f++) fs.writeFileSync(path.join(t.dir, `pad/d${d}/file-${f}.txt`), 'pad\n');
      }
      t.git(['add', 'pad']);
      t.git(['commit', '-q', '-m', 'pad']);
      expect(fs.statSync(path.join(t.dir, '.git/index')).size).toBeGreaterThan(1024 ** 2);
      expect(cursorHook(t, 'Delete', 'README.md', 'big-warm-up').permission).toBe('allow');
      const events = (): Array<{ capturedIgnored?: string[] }> => JSON.parse(t.guard(['log', '--json', '--type', 'allowed-after-snapshot']).stdout).events;
      const ignored = cursorHook(t, 'Delete', '.env.local', 'big-ignored');
      expect(ignored.permission).toBe('allow');
      expect(ignored.argv.filter(isStatus), JSON.stringify(ignored.argv)).toEqual([]);
      expect(ignored.argv.filter(listsIgnored), JSON.stringify(ignored.argv)).toHaveLength(1);
      expect(ignored.total, JSON.stringify(ignored.argv)).toBe(3);
      expect(events()).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] })]);
      const untracked = (t.write('scratch.txt', 'scratch\n'), cursorHook(t, 'Delete', 'scratch.txt', 'big-untracked'));
      expect(untracked.permission).toBe('allow');
      expect(untracked.total, JSON.stringify(untracked.argv)).toBe(2);
    });
  }, 240_000);
});
