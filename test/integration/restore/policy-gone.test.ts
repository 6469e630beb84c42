/**
 * The person's own merge that takes in a deletion of the committed `.guard.yaml` (no agent hook
 * runs, so nothing is put back): guard ran on its defaults without a word, the person's protected
 * paths no longer protected. Now `guard status` reports it as a problem with the way back, and an
 * agent's session start warns before the session runs on the defaults. Real git, the installed
 * hooks, the way back run as printed and the bytes compared. Nothing is asked of git while the
 * policy is there (trace2 counts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';

const POLICY = '.guard.yaml';

/** main tracks the person's policy; `gone` deleted it (--no-verify: where guard's hooks did not run). */
function setup(t: TestRepo): Buffer {
  t.write('src/a.py', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const file = path.join(t.dir, POLICY);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^( {4}- \.guard\.yaml # this policy.*\n)/m, "$1    - src/secret.py # the person's\n"));
  t.git(['add', POLICY]);
  t.git(['commit', '-q', '-m', 'policy']);
  t.git(['checkout', '-q', '-b', 'gone']);
  t.git(['rm', '-q', POLICY]);
  t.git(['commit', '-q', '--no-verify', '-m', 'drop the policy']);
  t.git(['checkout', '-q', 'main']);
  commitFiles(t, { 'w.txt': 'w\n' }, 'w');
  return fs.readFileSync(file);
}

interface StatusJson {
  ok: boolean;
  config: { exists: boolean; gone?: { heldBy: string; oid: string; back: string } };
  problems: string[];
}

function status(t: TestRepo, env: Record<string, string> = {}): StatusJson {
  return JSON.parse(t.guard(['status', '--json'], { env }).stdout) as StatusJson;
}

function sessionStart(t: TestRepo): string {
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'session-start')], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout + r.stderr;
}

describe("the committed policy deleted by the person's own merge", () => {
  it('guard status names it as a problem with the commit that had it; the printed git checkout brings it back byte for byte', async () => {
    await withTestRepo((t) => {
      const policy = setup(t);
      const before = status(t);
      expect(before.config.gone).toBeUndefined();
      t.git(['merge', '-q', '--no-edit', 'gone']);
      expect(fs.existsSync(path.join(t.dir, POLICY))).toBe(false);
      const after = status(t);
      expect(after.ok).toBe(false);
      const parent = t.git(['rev-parse', 'HEAD^1']).trim();
      expect(after.config.gone).toEqual({ heldBy: 'parent', oid: parent, back: `git checkout ${parent.slice(0, 12)} -- ${POLICY}` });
      expect(after.problems.some((p) => p.includes(`guard's policy ${path.join(t.dir, POLICY)} is gone`) && p.includes('runs on its defaults'))).toBe(true);
      const text = t.guard(['status']);
      expect(text.stderr).toContain(`fix: bring it back: \`git checkout ${parent.slice(0, 12)} -- ${POLICY}\``);
      // The way back, as printed.
      const back = spawnSync('sh', ['-c', after.config.gone!.back], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(back.status, back.stderr).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, POLICY)).equals(policy)).toBe(true);
      expect(status(t).config.gone).toBeUndefined();
    });
  });

  it('deleted in the worktree only (HEAD has it): named with HEAD', async () => {
    await withTestRepo((t) => {
      setup(t);
      fs.rmSync(path.join(t.dir, POLICY));
      const head = t.git(['rev-parse', 'HEAD']).trim();
      expect(status(t).config.gone).toMatchObject({ heldBy: 'HEAD', oid: head });
    });
  });

  it("an agent's session start warns, with the way back", async () => {
    await withTestRepo((t) => {
      setup(t);
      t.git(['merge', '-q', '--no-edit', 'gone']);
      const parent = t.git(['rev-parse', 'HEAD^1']).trim().slice(0, 12);
      const said = sessionStart(t);
      expect(said).toContain("WARNING: guard's policy");
      expect(said).toContain(`git checkout ${parent} -- ${POLICY}`);
    });
  });

  it('a repository that never had a policy: nothing said; with the policy there, status asks git nothing more', async () => {
    await withTestRepo((t) => {
      setup(t);
      const trace = path.join(t.base, 'trace.json');
      status(t, traceEnv(trace));
      expect(tracedArgv(trace).filter((argv) => argv.some((a) => a.startsWith('--batch-check=%(objectname) %(objecttype)')))).toEqual([]);
      t.git(['checkout', '-q', '--orphan', 'fresh']);
      t.git(['rm', '-rq', '--cached', '.']);
      fs.rmSync(path.join(t.dir, POLICY));
      commitFiles(t, { 'n.txt': 'n\n' }, 'n');
      commitFiles(t, { 'm.txt': 'm\n' }, 'm');
      t.guard(['snapshot']);
      expect(status(t).config.gone).toBeUndefined();
    });
  });
});
