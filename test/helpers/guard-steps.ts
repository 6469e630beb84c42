/**
 * The guard steps rollback tests repeat, each failing the test with guard's own message when it
 * does not succeed: a snapshot (its id), a rollback and its --undo, the journal's events of a
 * type, and any other command that must exit 0.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { expect } from 'vitest';
import { hookCommandFor } from '../../src/agents/launcher.js';
import path from 'node:path';
import type { RunResult, TestRepo } from './git-repo.js';
import { countGitProcesses, traceEnv } from './git-trace.js';

/** `guard snapshot --json`; returns the snapshot's id. */
export function snapshotId(t: TestRepo): string {
  const snap = t.guard(['snapshot', '--json']);
  expect(snap.code, snap.stderr).toBe(0);
  return (JSON.parse(snap.stdout) as { id: string }).id;
}

/** Runs guard with `args` and expects it to succeed. */
export function guardOk(t: TestRepo, args: string[]): RunResult {
  const r = t.guard(args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/**
 * `guard rollback --yes ARGS` (no id: the default target, as a person runs it after an incident);
 * expects it to succeed and returns what it printed.
 */
export function rollbackOk(t: TestRepo, ...args: string[]): string {
  const r = t.guard(['rollback', '--yes', ...args]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

/**
 * Commits what `guard init` wrote with everything else in the working tree (`git add -A`), as a
 * team that commits guard's files does, so that a clean of untracked files in a test takes only
 * what the test means. Claude Code's `.claude/settings.local.json` is added by force: init keeps
 * it out of git (info/exclude, src/agents/local-exclude.ts).
 */
export function commitGuardFiles(t: TestRepo, message = 'guard init'): void {
  if (t.exists('.claude/settings.local.json')) t.git(['add', '--force', '.claude/settings.local.json']);
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', message]);
}

/** `guard rollback --undo --yes`: puts back the state the last rollback replaced. */
export function undoOk(t: TestRepo): string {
  return rollbackOk(t, '--undo');
}

/** The journal's events of `type` as `guard log --json --type TYPE` shows them (it must succeed). */
export function loggedEvents<T = Record<string, unknown>>(t: TestRepo, type: string): T[] {
  const r = t.guard(['log', '--json', '--type', type]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { events: T[] }).events;
}

/**
 * The snapshots the agent hook allowed `command` after (its allowed-after-snapshot events), oldest
 * first. The hook may take a snapshot of its own (trigger `hook`) or, when the session's watcher
 * already holds the state it would take, be served that one (trigger `watch`): which of the two
 * depends on whether the watcher's debounce ran before the hook, so a test that looked for a
 * `hook` snapshot raced it (move-out went red on a quiet machine). The journal names the one the
 * command was allowed after either way.
 */
export function snapshotsBefore(t: TestRepo, command: string): string[] {
  return loggedEvents<{ command?: string; snapshot: string }>(t, 'allowed-after-snapshot')
    .filter((e) => e.command === command)
    .map((e) => e.snapshot);
}

/**
 * The agent's pre-tool hook as Claude Code runs it: the command `guard init` wrote, through
 * `sh -c` (launcher, sh fast path, Node), for a Bash tool call of `command`. Expects it to exit 0.
 */
export function installedClaudeHook(t: TestRepo, command: string, options: { env?: Record<string, string> } = {}): { decision: string; reason: string } {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'pre-tool')], { cwd: t.dir, env: { ...t.env, ...options.env }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout.trim() === '' ? null : JSON.parse(r.stdout).hookSpecificOutput;
  return { decision: out?.permissionDecision ?? 'allow', reason: out?.permissionDecisionReason ?? '' };
}

let traces = 0;

/** A trace file of its own for each call (a trace appends, and a watcher a call starts keeps writing to it). */
function traceFile(t: TestRepo, what: string): string {
  return path.join(t.base, `trace-${what}-${process.pid}-${++traces}.json`);
}

/**
 * The git processes (total) of the installed Claude Code pre-tool hook for a Bash call of
 * `command`, which it must allow with no output. Node's count: an allow the shim kept from an
 * earlier call (src/agents/answer-cache.ts) is forgotten first, unless `kept` (then a call the
 * shim answers from one costs the launcher's `git rev-parse` alone). `cwd`: the shell's directory
 * the payload names (the hook itself runs in the repository's root, as the agent runs it).
 */
export function installedHookGitProcesses(t: TestRepo, command: string, options: { kept?: boolean; env?: Record<string, string>; cwd?: string } = {}): number {
  if (!options.kept) fs.rmSync(path.join(t.dir, '.git', 'guard', 'answers'), { recursive: true, force: true });
  const file = traceFile(t, 'hook');
  const payload = { session_id: 's', cwd: options.cwd ?? t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'pre-tool')], { cwd: t.dir, env: { ...t.env, ...options.env, ...traceEnv(file) }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim(), command).toBe('');
  return countGitProcesses(file).total;
}

/** The git processes (argv) of `guard check-command` as an agent for `command`, which it must allow. */
export function allowedCheckGitArgv(t: TestRepo, command: string): string[][] {
  const file = traceFile(t, 'check');
  const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(file) } });
  expect(JSON.parse(r.stdout), command).toMatchObject({ verdict: 'allow' });
  return countGitProcesses(file).argv;
}
