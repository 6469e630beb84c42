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
import type { TestRepo } from '../helpers/git-repo.js';

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
