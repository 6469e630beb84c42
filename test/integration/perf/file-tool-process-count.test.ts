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
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';

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
