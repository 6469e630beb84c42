/**
 * hooks/agent-hook.sh runs `git rev-parse` itself and hands the repository to `guard agent-hook`
 * in GUARD_SHIM_REPO. Node uses it only for its own cwd (the shim's); an event in any other
 * directory is resolved by git, and the hook works from a subdirectory and a linked worktree.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SHIM = path.join(PROJECT_ROOT, 'hooks', 'agent-hook.sh');
const SH = fs.existsSync('/usr/bin/dash') ? '/usr/bin/dash' : '/bin/sh';
const PUSH = 'git push --force origin main';

function payload(cwd: string, command: string): string {
  return JSON.stringify({ session_id: 'conv-shim', transcript_path: '/t', cwd, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: 'toolu_1' });
}

/** The shim as Claude Code runs it, in `cwd`. */
function shim(t: TestRepo, cwd: string, eventCwd: string, command = PUSH) {
  const r = spawnSync(SH, [SHIM, 'claude', 'pre-tool'], { cwd, env: t.env, input: payload(eventCwd, command), encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** `guard agent-hook` started directly, with GUARD_SHIM_REPO set as a shim would set it. */
function node(t: TestRepo, cwd: string, eventCwd: string, shimRepo: string) {
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd, env: { ...t.env, GUARD_SHIM_REPO: shimRepo }, input: payload(eventCwd, PUSH), encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

function revParse(t: TestRepo, cwd: string): string {
  return t.git(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir', '--git-path', 'index'], { cwd }).replace(/\n$/, '');
}

function blocked(commonDir: string): Array<Record<string, unknown>> {
  const file = path.join(commonDir, 'guard', 'journal.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((e) => e.type === 'blocked');
}

function denied(stdout: string): boolean {
  return (JSON.parse(stdout) as { hookSpecificOutput?: { permissionDecision?: string } }).hookSpecificOutput?.permissionDecision === 'deny';
}

function commit(t: TestRepo, cwd = t.dir): void {
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'a\n');
  t.git(['add', 'a.txt'], { cwd });
  t.git(['commit', '-q', '-m', 'a'], { cwd });
}

describe('agent hook: the repository from the shim', () => {
  it('works from a subdirectory of the repository', async () => {
    await withTestRepo((t) => {
      commit(t);
      const sub = path.join(t.dir, 'src', 'deep');
      fs.mkdirSync(sub, { recursive: true });
      const r = shim(t, sub, sub);
      expect(r.code).toBe(0);
      expect(denied(r.stdout)).toBe(true);
      expect(blocked(path.join(t.dir, '.git')).map((e) => e.command)).toEqual([PUSH]);
      // The session belongs to the main worktree.
      expect(fs.existsSync(path.join(t.dir, '.git', 'guard', 'sessions.json'))).toBe(true);
    });
  });

  it('works from a linked worktree (its own git dir, the common dir for the journal)', async () => {
    await withTestRepo((t) => {
      commit(t);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', '-b', 'feature', wt]);
      const r = shim(t, wt, wt);
      expect(denied(r.stdout)).toBe(true);
      expect(blocked(path.join(t.dir, '.git')).map((e) => e.command)).toEqual([PUSH]);
      expect(fs.existsSync(path.join(t.dir, '.git', 'worktrees', 'wt', 'guard', 'sessions.json'))).toBe(true);
      expect(fs.existsSync(path.join(t.dir, '.git', 'guard', 'sessions.json'))).toBe(false);
    });
  });

  it('asks git for an event whose cwd is not the shim\'s', async () => {
    await withTestRepo((t) => {
      commit(t);
      const other = path.join(t.base, 'other');
      fs.mkdirSync(other);
      t.git(['init', '-q', '-b', 'main'], { cwd: other });
      commit(t, other);
      // The real shim, run in the first repository, for a tool call in the other one.
      const r = shim(t, t.dir, other);
      expect(denied(r.stdout)).toBe(true);
      expect(blocked(path.join(other, '.git')).map((e) => e.command)).toEqual([PUSH]);
      expect(blocked(path.join(t.dir, '.git'))).toEqual([]);
      // Even when what the shim passed names yet another repository: it is used for its own cwd only.
      const third = path.join(t.base, 'third');
      fs.mkdirSync(third);
      t.git(['init', '-q', '-b', 'main'], { cwd: third });
      const n = node(t, t.dir, other, revParse(t, third));
      expect(denied(n.stdout)).toBe(true);
      expect(blocked(path.join(other, '.git'))).toHaveLength(2);
      expect(blocked(path.join(third, '.git'))).toEqual([]);
    });
  });

  it('uses what the shim passed for its own cwd, and asks git when it is empty or malformed', async () => {
    await withTestRepo((t) => {
      commit(t);
      const third = path.join(t.base, 'third');
      fs.mkdirSync(third);
      t.git(['init', '-q', '-b', 'main'], { cwd: third });
      // Passed for the hook's own cwd: taken as is (this is what saves the git process).
      expect(denied(node(t, t.dir, t.dir, revParse(t, third)).stdout)).toBe(true);
      expect(blocked(path.join(third, '.git'))).toHaveLength(1);
      for (const bad of ['', 'relative/path\n/b\n/c\n/d', `${t.dir}\n${t.dir}/.git`]) {
        expect(denied(node(t, t.dir, t.dir, bad).stdout)).toBe(true);
      }
      expect(blocked(path.join(t.dir, '.git'))).toHaveLength(3);
    });
  });
});
