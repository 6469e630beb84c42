/**
 * Ignored files a command deletes are captured into the pre-command snapshot instead of the
 * command being denied (issue 9): the un-ignore-then-clean, `git clean -e '!.env'` with the
 * excludes file switched off, and `rm` of an ignored file, each run for real after the agent
 * hook allowed it, then `guard rollback --yes` brings the file back byte for byte. Regenerable
 * output (node_modules) is neither captured nor a reason to stop; too much to capture is denied.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { snapshotsBefore } from '../../helpers/guard-steps.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

/** Runs the command the way the agent's shell would, in the repository. */
function run(t: TestRepo, command: string): void {
  const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

function setup(t: TestRepo): void {
  t.write('.gitignore', 'node_modules/\n.env\n*.log\n');
  t.write('src/app.ts', 'export {};\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.write('.env', SECRET);
  t.write('debug.log', 'log\n');
  t.write('node_modules/pkg/index.js', 'module.exports = 1;\n');
}

/** The snapshot the agent hook allowed COMMAND after (its own, or the watcher's when that held the state already). */
function hookSnapshot(t: TestRepo, command: string): string {
  const [found] = snapshotsBefore(t, command);
  expect(found, `a snapshot before ${command}`).toBeDefined();
  return found!;
}

function rollback(t: TestRepo): string {
  const r = t.guard(['rollback', '--yes']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

describe('the command guard captures the ignored files a command deletes', () => {
  it("printf '' > .gitignore && git clean -fd: .env is captured first and comes back with guard rollback", async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = "printf '' > .gitignore && git clean -fd";
      expect(agentVerdict(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.exists('.env')).toBe(false);
      const out = rollback(t);
      expect(out).toContain('.env');
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      // debug.log (ignored, not regenerable) came back too; node_modules (regenerable) was not kept.
      expect(t.read('debug.log')).toBe('log\n');
      expect(t.read('.gitignore')).toBe('node_modules/\n.env\n*.log\n');
    });
  });

  it("git -c core.excludesFile=/dev/null clean -fd -e '!.env': .env comes back with guard rollback", async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = "git -c core.excludesFile=/dev/null clean -fd -e '!.env'";
      const verdict = agentVerdict(t, command);
      expect(verdict.decision).toBe('allow');
      run(t, command);
      expect(t.exists('.env')).toBe(false);
      rollback(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
    });
  });

  it('an ignored file named with byte 0xff: captured, named in --json as every path is (git-quoted), back byte for byte', async () => {
    await withTestRepo((t) => {
      t.write('.gitignore', 'work/\n');
      t.write('src/app.ts', 'export {};\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      const name = Buffer.concat([Buffer.from('work/bad'), Buffer.from([0xff]), Buffer.from('.env')]);
      const file = Buffer.concat([Buffer.from(`${t.dir}/`), name]);
      fs.mkdirSync(path.join(t.dir, 'work'));
      fs.writeFileSync(file, SECRET);
      expect(agentVerdict(t, 'rm -rf work').decision).toBe('allow');
      run(t, 'rm -rf work');
      expect(fs.existsSync(file)).toBe(false);
      // As `path` in plan.files and diff's files: quoted the way git quotes it.
      const quoted = '"work/bad\\377.env"';
      const diff = JSON.parse(t.guard(['diff', hookSnapshot(t, 'rm -rf work'), '--json']).stdout) as { capturedIgnored: string[] };
      expect(diff.capturedIgnored).toEqual([quoted]);
      const r = t.guard(['rollback', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).plan.capturedIgnored).toEqual([quoted]);
      expect(fs.readFileSync(file)).toEqual(SECRET);
    });
  });

  it('rm .env: captured, then back byte for byte; rm -rf node_modules is allowed without capture', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(agentVerdict(t, 'rm -rf node_modules').decision).toBe('allow');
      expect(agentVerdict(t, 'rm .env').decision).toBe('allow');
      run(t, 'rm .env');
      expect(t.exists('.env')).toBe(false);
      // guard diff names the captured file and shows it deleted since the snapshot.
      const diff = JSON.parse(t.guard(['diff', hookSnapshot(t, 'rm .env'), '--json']).stdout) as { capturedIgnored: string[]; files: Array<{ path: string; action: string }> };
      expect(diff.capturedIgnored).toEqual(['.env']);
      expect(diff.files).toContainEqual(expect.objectContaining({ path: '.env', action: 'delete' }));
      // The session summary names it too.
      const end = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-end'], {
        cwd: t.dir,
        env: t.env,
        input: JSON.stringify({ session_id: 's1', transcript_path: '/t', cwd: t.dir, hook_event_name: 'SessionEnd', reason: 'exit' }),
        encoding: 'utf8',
      });
      expect(end.stdout).toContain('ignored files captured before commands deleted them: 1');
      expect(end.stdout).toContain('.env');
      rollback(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
    });
  });

  it("find . -name '*.log' -not -path './node_modules/*' -delete: a negated test only narrows, so the ignored logs are captured and come back", async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('src/trace.log', 'trace\n');
      // Before 2026-12-04 any -not left the find judged by its text: a snapshot without the
      // ignored logs, which are in no snapshot (found by the hunt helper on a vite clone).
      for (const command of ["find . -name '*.log' -not -path './node_modules/*' -delete", "find . -name '*.log' ! -path './.git/*' -delete"]) {
        const verdict = checkVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
        expect(verdict.reason, command).toContain('debug.log');
        expect(verdict.reason, command).toContain('src/trace.log');
      }
      const command = "find . -name '*.log' -not -path './node_modules/*' -delete";
      expect(agentVerdict(t, command).decision).toBe('allow');
      run(t, command);
      expect(t.exists('debug.log')).toBe(false);
      expect(t.exists('src/trace.log')).toBe(false);
      rollback(t);
      expect(t.read('debug.log')).toBe('log\n');
      expect(t.read('src/trace.log')).toBe('trace\n');
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
    });
  });

  it('git stash -a: the ignored files it takes out are captured first, so the rollback (which drops that stash entry) gives them back', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('src/app.ts', 'export const wip = 1;\n');
      // Before 2026-12-04 this was allowed as a plain stash: the rollback dropped the entry, and
      // .env and debug.log were in no snapshot (found by the hunt helper on a vite clone).
      const verdict = checkVerdict(t, 'git stash -a');
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(verdict.reason).toContain('.env');
      expect(checkVerdict(t, 'git stash push -u')).toMatchObject({ verdict: 'allow' });
      const before = captureState(t);
      expect(agentVerdict(t, 'git stash -a').decision).toBe('allow');
      run(t, 'git stash -a');
      expect(t.exists('.env')).toBe(false);
      const after = captureState(t);
      rollback(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      // node_modules is regenerable output: not captured, so not compared.
      const without = (s: ReturnType<typeof captureState>) => ({ ...s, files: Object.fromEntries(Object.entries(s.files).filter(([f]) => !f.startsWith('node_modules/'))) });
      expect(without(captureState(t))).toEqual(without(before));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(captureState(t).stash).toEqual(after.stash);
    });
  });

  it('git clean -fdx over the capture bound is denied, naming the largest file', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('.guard.yaml', 'version: 1\ncommands:\n  maxIgnoredCapture: 1KB\n');
      t.git(['add', '.guard.yaml']);
      t.git(['commit', '-q', '-m', 'policy']);
      t.write('data.log', Buffer.alloc(4096, 1));
      const verdict = agentVerdict(t, 'git clean -fdx');
      expect(verdict.decision).toBe('deny');
      expect(verdict.reason).toContain('data.log');
      expect(t.exists('data.log')).toBe(true);
    });
  });

  it('rm -rf and git clean -X of more ignored files than guard can list are denied, under a policy without a ** glob (they went ahead uncaptured)', async () => {
    await withTestRepo((t) => {
      t.write('.gitignore', 'data/\n');
      t.write('src/app.ts', 'export {};\n');
      // No `**` glob among the protected paths: nothing else stops a deletion of data/.
      t.write('.guard.yaml', 'version: 1\nprotect:\n  paths: [.guard.yaml]\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      // One more than the reader lists one by one (src/git/path-facts.ts, 20,000).
      fs.mkdirSync(path.join(t.dir, 'data'));
      for (let i = 0; i <= 20_000; i++) fs.writeFileSync(path.join(t.dir, 'data', `row${i}.csv`), `${i}\n`);
      for (const command of ['rm -rf data', 'git clean -fdX']) {
        const verdict = agentVerdict(t, command);
        expect(verdict.decision, command).toBe('deny');
        expect(verdict.reason, command).toContain('more ignored files than guard can list');
      }
      expect(fs.readdirSync(path.join(t.dir, 'data')).length).toBe(20_001);
    });
  });

  it('rm -rf of an ignored nested git repository, or of a directory holding one, is denied: no capture holds its history', async () => {
    await withTestRepo((t) => {
      t.write('.gitignore', 'vendor/\n');
      t.write('src/app.ts', 'export {};\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.write('vendor/settings.ini', 'cfg\n');
      t.write('vendor/lib/l.txt', 'l\n');
      t.git(['init', '-q'], { cwd: path.join(t.dir, 'vendor/lib') });
      t.git(['add', '-A'], { cwd: path.join(t.dir, 'vendor/lib') });
      t.git(['commit', '-q', '-m', 'local work'], { cwd: path.join(t.dir, 'vendor/lib') });
      for (const command of ['rm -rf vendor', 'rm -rf vendor/lib']) {
        const verdict = agentVerdict(t, command);
        expect(verdict.decision, command).toBe('deny');
        expect(verdict.reason, command).toContain('ignored nested git repository vendor/lib');
      }
      // Its other files are still allowed (vendor is regenerable output: not captured; nested-in-output.test.ts).
      expect(agentVerdict(t, 'rm vendor/settings.ini').decision).toBe('allow');
    });
  });
});
