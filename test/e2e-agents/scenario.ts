/**
 * The scenario every agent runs (issue 10), shared by the per-agent tests: a repository with a
 * remote, a protected path, a side branch and uncommitted work, guard set up for the agent; then,
 * after the agent's one session, the checks that do not depend on the agent: repository and
 * remote, session, journal, and `guard rollback --yes` / `--undo --yes` byte for byte.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { shellQuote } from '../../src/agents/package-root.js';
import type { TestRepo } from '../helpers/git-repo.js';
import { guardOk, loggedEvents } from '../helpers/guard-steps.js';
import { commitFiles, writeFiles } from '../helpers/repo-steps.js';
import { byteState } from '../helpers/state.js';
import { checkVerdict, type CheckVerdict } from '../helpers/verdicts.js';

export interface Prepared {
  remote: string;
  remoteMain: string;
  featureTip: string;
  guardYaml: string;
}

/** The commands of the scenario, in order (the file-tool edit of .guard.yaml is agent-specific). */
export const COMMANDS = {
  benign: 'ls -la',
  forcePush: 'git push --force origin main',
  rmProtected: 'rm -rf .github/workflows',
  branchDelete: 'git branch -D feature',
  reset: 'git reset --hard',
};

export function prepare(t: TestRepo, agent: string): Prepared {
  t.write('a.txt', 'committed\n');
  t.write('.github/workflows/ci.yml', 'on: push\n');
  t.git(['add', '.']);
  t.git(['commit', '-q', '-m', 'base']);
  t.git(['branch', 'feature']);
  const remote = path.join(t.base, 'remote.git');
  t.git(['init', '-q', '--bare', remote]);
  t.git(['remote', 'add', 'origin', remote]);
  t.git(['push', '-q', 'origin', 'main']);
  const remoteMain = t.git(['ls-remote', remote, 'refs/heads/main']);
  const init = t.guard(['init', '--yes', '--agents', agent]);
  expect(init.code, init.stderr).toBe(0);
  // main rewritten locally (a force push would drop the remote's commit), and uncommitted work.
  t.git(['commit', '-q', '--amend', '-m', 'rewritten']);
  const featureTip = t.git(['rev-parse', 'feature']).trim();
  t.write('a.txt', 'work in progress\n');
  return { remote, remoteMain, featureTip, guardYaml: t.read('.guard.yaml') };
}

export function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // PWD too: OpenCode takes its project directory from $PWD, not from its working directory, and
    // the inherited PWD is the directory the tests were started in.
    const child = spawn(bin, args, { cwd, env: { ...env, PWD: cwd }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function journal(t: TestRepo): Array<Record<string, any>> {
  return fs
    .readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** What must hold after the agent ran the scenario, whatever the agent. */
export function checkOutcome(t: TestRepo, p: Prepared, agent: string, agentSession: string, endedBy: 'stop' | 'end'): void {
  // Denied: the remote, the protected path and .guard.yaml are untouched.
  expect(t.git(['ls-remote', p.remote, 'refs/heads/main'])).toBe(p.remoteMain);
  expect(t.read('.github/workflows/ci.yml')).toBe('on: push\n');
  expect(t.read('.guard.yaml')).toBe(p.guardYaml);
  // Ran after a snapshot: the branch is gone, the uncommitted work reset.
  expect(t.gitResult(['rev-parse', '--verify', '-q', 'refs/heads/feature']).code).not.toBe(0);
  expect(t.read('a.txt')).toBe('committed\n');

  // One session, with the agent's own id, ended once.
  const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
  expect(sessions).toHaveLength(1);
  const session = sessions[0];
  expect(session).toMatchObject({ agent, agentSession, endedBy });
  const events = journal(t).filter((e) => e.session === session.id);
  const count = (type: string): number => events.filter((e) => e.type === type).length;
  expect(count('session-start')).toBe(1);
  expect(count('session-end')).toBe(1);
  expect(events.filter((e) => e.type === 'blocked').map((e) => e.rule)).toEqual(['git-push-force', 'protected-path', expect.stringMatching(/^(hooks-disable|guard-self)$/)]);
  expect(events.filter((e) => e.type === 'allowed-after-snapshot').map((e) => e.command)).toEqual([COMMANDS.branchDelete, COMMANDS.reset]);
  expect(events.find((e) => e.type === 'session-end')).toMatchObject({ blocked: 3 });
  const start = JSON.parse(t.guard(['show', session.startSnapshot, '--json']).stdout);
  expect(start.refs['refs/heads/feature']).toBe(p.featureTip);

  // Rollback to the session start brings back the uncommitted work and the branch; undo returns.
  const back = t.guard(['rollback', '--yes']);
  expect(back.code, back.stderr).toBe(0);
  expect(t.read('a.txt')).toBe('work in progress\n');
  expect(t.git(['rev-parse', 'feature']).trim()).toBe(p.featureTip);
  const undo = t.guard(['rollback', '--undo', '--yes']);
  expect(undo.code, undo.stderr).toBe(0);
  expect(t.read('a.txt')).toBe('committed\n');
  expect(t.gitResult(['rev-parse', '--verify', '-q', 'refs/heads/feature']).code).not.toBe(0);
}

/**
 * The apply_patch scenario, for the agents whose own apply_patch TOOL takes a patch (Codex with a
 * catalog model, OpenCode with a gpt- model): the patches, in the order the model sends them, and
 * what `guard check-command` says of each sent through the shell (`apply_patch '<patch>'`), which
 * the tool call must get too.
 */
export interface PatchPrepared {
  patches: string[];
  shell: CheckVerdict[];
  before: Record<string, string>;
}

const patchOf = (body: string): string => `*** Begin Patch\n${body}\n*** End Patch\n`;

export function preparePatches(t: TestRepo, agent: string): PatchPrepared {
  commitFiles(t, {
    '.gitignore': '.env\n',
    'src/a.ts': 'export const a = 1;\n',
    'src/b.ts': 'export const b = 1;\n',
    'src/c.ts': 'export const c = 1;\n',
    'scripts/run.sh': ['#!/bin/sh\necho run\n', 0o755],
    '.github/workflows/ci.yml': 'on: push\n',
  });
  // Work no commit holds: a staged change (the file the patch moves out), an unstaged one (a file
  // it deletes), an untracked file, an ignored secret (0600) a patch writes over.
  writeFiles(t, { 'src/a.ts': 'export const a = 2;\n', 'src/b.ts': 'export const b = 2;\n', 'notes.txt': 'untracked\n', '.env': ['API_KEY=s3cr3t\n', 0o600] });
  t.git(['add', 'src/a.ts']);
  guardOk(t, ['init', '--yes', '--agents', agent]);
  const patches = [
    // A move of a tracked file out of the repository, deletions of tracked files, a protected
    // file's deletion, an Add File over the ignored secret.
    patchOf('*** Update File: src/a.ts\n*** Move to: ../moved-a.ts\n@@\n-export const a = 2;\n+export const a = 3;'),
    patchOf('*** Delete File: src/b.ts\n*** Delete File: src/c.ts'),
    patchOf('*** Delete File: .github/workflows/ci.yml'),
    patchOf('*** Add File: .env\n+API_KEY=placeholder'),
  ];
  const shell = patches.map((patch) => checkVerdict(t, `apply_patch ${shellQuote(patch)}`, { asAgent: true }));
  expect(shell.map((v) => [v.verdict, v.rule])).toEqual([
    ['snapshot', 'rm-in-repo'],
    ['snapshot', 'rm-in-repo'],
    ['deny', 'protected-path'],
    ['snapshot', 'overwrite-ignored'],
  ]);
  return { patches, shell, before: byteState(t) };
}

/**
 * After the agent sent the patches as apply_patch tool calls (`outputs`: the tool results the
 * model received, in order): the three allowed ones applied, each after a snapshot journaled with
 * check-command's rule and reason, the secret captured first; the protected deletion denied with
 * check-command's reason; `guard rollback --yes` byte-exact, `--undo` back. `startupDir`: a
 * directory the agent fills itself at startup, before guard's session starts (OpenCode's npm
 * install in `.opencode/`): what is new there since `before` is no part of the comparison with it.
 * `toldCapture`: the agent shows the model what guard said when it let a call run in that call's
 * output (OpenCode's plugin), so the Add File over `.env` reads guard's capture message.
 */
export function checkPatchOutcome(t: TestRepo, p: PatchPrepared, outputs: string[], startupDir?: string, toldCapture = false): void {
  expect(outputs).toHaveLength(p.patches.length);
  for (const i of toldCapture ? [0, 1] : [0, 1, 3]) expect(outputs[i], p.patches[i]).not.toMatch(/git-guard|blocked/);
  // Where the agent puts guard's words for an allowed call into the tool's output (OpenCode's plugin):
  // the model reads that the ignored secret was captured first, and how to get it back.
  if (toldCapture) expect(outputs[3]).toMatch(/^Success[\s\S]*\ngit-guard: the ignored \.env was captured into snapshot (\w+) before this call writes over it; to get it back: guard rollback \1 --paths \.env$/);
  expect(outputs[2]).toContain(`git-guard blocked this (rule protected-path): ${p.shell[2]!.reason}`);

  // Applied: the staged file left the repository, the two files are gone, the secret replaced; the
  // protected file stays.
  expect(fs.readFileSync(path.join(t.base, 'moved-a.ts'), 'utf8')).toBe('export const a = 3;\n');
  expect(t.exists('src/a.ts')).toBe(false);
  expect(t.exists('src/b.ts')).toBe(false);
  expect(t.exists('src/c.ts')).toBe(false);
  expect(t.read('.github/workflows/ci.yml')).toBe('on: push\n');
  expect(t.read('.env')).toBe('API_KEY=placeholder\n');

  // The hook judged each tool call as the shell line: the same rule and reason, a snapshot before
  // each patch it allowed, the deny in the journal.
  const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
  expect(sessions).toHaveLength(1);
  const events = journal(t).filter((e) => e.session === sessions[0].id);
  const judged = loggedEvents<{ tool?: string; command?: string; rule: string; reason: string; snapshot: string }>(t, 'allowed-after-snapshot');
  for (const i of [0, 1, 3]) {
    const mine = judged.filter((e) => e.command === `apply_patch ${shellQuote(p.patches[i]!)}`);
    expect(mine.map((e) => [e.tool, e.rule, e.reason])).toEqual([['apply_patch', p.shell[i]!.rule, p.shell[i]!.reason]]);
    expect(t.guard(['show', mine[0]!.snapshot, '--json']).code).toBe(0);
  }
  // The secret was captured into the snapshot before the patch that wrote over it.
  const envSnapshot = judged.find((e) => e.command === `apply_patch ${shellQuote(p.patches[3]!)}`)!.snapshot;
  expect((JSON.parse(t.guard(['diff', envSnapshot, '--json']).stdout) as { capturedIgnored: string[] }).capturedIgnored).toEqual(['.env']);
  expect(events.filter((e) => e.type === 'blocked').map((e) => [e.tool, e.rule])).toEqual([['apply_patch', 'protected-path']]);

  // guard rollback brings back every byte, mode, the index and the refs; --undo returns (but for
  // the empty src/ the deletions left: no snapshot holds an empty directory,
  // docs/snapshot-format.md).
  const after = byteState(t);
  expect(after.src).toBe('dir 755');
  delete after.src;
  const back = t.guard(['rollback', '--yes']);
  expect(back.code, back.stderr).toBe(0);
  expect(startupDir ? withoutNew(byteState(t), p.before, startupDir) : byteState(t)).toEqual(p.before);
  const undo = t.guard(['rollback', '--undo', '--yes']);
  expect(undo.code, undo.stderr).toBe(0);
  expect(byteState(t)).toEqual(after);
}

/** `state` without the paths under `dir` that `before` does not have (files and status records). */
function withoutNew(state: Record<string, string>, before: Record<string, string>, dir: string): Record<string, string> {
  const out = { ...state };
  for (const key of Object.keys(out)) if (key.startsWith(dir) && !(key in before)) delete out[key];
  const known = new Set((before[':status'] ?? '').split('\0'));
  out[':status'] = (out[':status'] ?? '')
    .split('\0')
    .filter((record) => known.has(record) || !/^[?!] /.test(record) || !record.slice(2).startsWith(dir))
    .join('\0');
  return out;
}

/** One commit (a.txt) and `guard init --yes --agents AGENT`: the repository an agent's hooks-off and output cases start from. */
export function initialised(t: TestRepo, agent: string): void {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  expect(t.guard(['init', '--yes', '--agents', agent]).code).toBe(0);
}
