/**
 * The permission bits of captured files through rollback and --undo when a snapshot and the
 * rollback run under different umasks, and of a captured file that a command turned into a
 * tracked one. `modes` records only the bits that differ from git's checkout default under the
 * umask, so under an agent's umask 077 a key at 0600 is the default and unrecorded: a rollback
 * from a shell under 022 gave a captured `.env` and a deleted untracked key back 0644, readable by
 * every user of the machine (found 2026-12-04). Each snapshot now records its umask, and a
 * rollback gives the untracked files it writes the target's default, not its own.
 * And `git switch other` that writes a tracked `.env` (0644) over a captured ignored one (0600):
 * the rollback gives 0600 back, and --undo gave 0600 too where the state after the command had
 * 0644: the index lists it now, so the snapshot before the rollback records it at its bits. Everything through the installed agent hook, compared byte
 * for byte with modes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureState } from '../../helpers/state.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
const KEY = Buffer.from('-----BEGIN KEY-----\n\u00ff\n', 'latin1');

/** `sh -c` under `umask`, as an agent (or a person's shell) with that umask runs it. */
function under(t: TestRepo, umask: string, argv: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('sh', ['-c', `umask ${umask}; exec "$0" "$@"`, ...argv], { cwd: t.dir, env: t.env, encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
}

/** Claude Code's pre-tool hook for a Bash call, then the command itself, both under `umask`. */
function agentRuns(t: TestRepo, umask: string, command: string): void {
  const payload = { session_id: 's1', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const hook = under(t, umask, [process.execPath, GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], JSON.stringify(payload));
  expect(hook.status, hook.stderr).toBe(0);
  expect(hook.stdout, command).not.toContain('"deny"');
  const ran = under(t, umask, ['sh', '-c', command]);
  expect(ran.status, ran.stderr).toBe(0);
}

function rollback(t: TestRepo, umask: string, args: string[] = []): void {
  const r = under(t, umask, [process.execPath, GUARD_BIN, 'rollback', '--yes', ...args]);
  expect(r.status, r.stderr + r.stdout).toBe(0);
}

/** Every file's bytes and exec bit (captureState), index, HEAD, refs, stash, and the bits of every file. */
function fullState(t: TestRepo): unknown {
  const state = captureState(t);
  const modes: Record<string, string> = {};
  for (const rel of Object.keys(state.files)) modes[rel] = (fs.lstatSync(path.join(t.dir, rel)).mode & 0o7777).toString(8);
  return { ...state, modes };
}

/** work ignores .env; other tracks it. A private key (untracked, not ignored) and the .env at `bits`. */
function setup(t: TestRepo, bits: string): void {
  t.write('src/app.ts', 'export {};\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.git(['checkout', '-q', '-b', 'other']);
  t.write('.env', 'API_KEY=\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'other tracks .env']);
  t.git(['checkout', '-q', '-b', 'work', 'main']);
  t.write('.gitignore', '.env\n');
  t.git(['add', '.gitignore']);
  t.git(['commit', '-q', '-m', 'ignore .env']);
  t.write('.env', SECRET, Number.parseInt(bits, 8));
  t.write('id_key', KEY, Number.parseInt(bits, 8));
}

describe('captured files keep their bits through rollback and --undo', () => {
  // [agent's umask, the person's umask for the rollback, the files' bits]. Under the agent's
  // umask, the agent's default bits (no snapshot under it records them): narrower, wider,
  // group-writable. Then 0600 under the same umask (recorded): the undo after `git switch`.
  it.each([
    ['077', '022', '600', ''],
    ['000', '022', '666', ''],
    ['002', '022', '664', ''],
    ['022', '022', '600', ''],
    // The target a snapshot the person took under 022, the capture the agent's under 077.
    ['077', '022', '600', 'person'],
  ])('agent under umask %s, rollback and --undo under %s, files at %s %s', async (agentUmask, userUmask, bits, target) => {
    await withTestRepo((t) => {
      setup(t, bits);
      const before = fullState(t);
      const id = target === 'person' ? [JSON.parse(under(t, userUmask, [process.execPath, GUARD_BIN, 'snapshot', '--json']).stdout).id as string] : [];
      agentRuns(t, agentUmask, 'rm id_key');
      // git writes the tracked .env over the captured ignored one, with its own bits.
      agentRuns(t, agentUmask, 'git switch -q other');
      expect(fs.readFileSync(path.join(t.dir, '.env'), 'utf8')).toBe('API_KEY=\n');
      const after = fullState(t);

      rollback(t, userUmask, id);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(fs.readFileSync(path.join(t.dir, 'id_key'))).toEqual(KEY);
      expect(fullState(t)).toEqual(before);

      rollback(t, userUmask, ['--undo']);
      expect(fullState(t)).toEqual(after);
      // And the undo of the undo: the state the rollback made.
      rollback(t, userUmask, ['--undo']);
      expect(fullState(t)).toEqual(before);
    });
  }, 240_000);
});
