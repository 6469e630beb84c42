/**
 * A file system that folds case (macOS's default APFS and HFS+), where `git init` sets
 * core.ignoreCase: `rm .ENV` there deletes the ignored `.env`, `rm -rf .GITHUB` the protected
 * `.github/workflows`, `rm -rf Data` an ignored `data/`. Until 2026-12-05 guard looked these up by
 * the names as typed (lstat, literal pathspecs, which git matches case-sensitively whatever
 * core.ignoreCase says) and judged them "no destructive command found": no snapshot, `.env` lost.
 * Now each part of a path is looked up as its directory spells it (path-facts.ts spelledOnDisk).
 *
 * CI has no file system that folds case: these tests set core.ignoreCase on the case-sensitive
 * one and check guard's judgement, then make the deletion the way macOS would (the on-disk file
 * goes: `rm .env` after the hook allowed `rm .ENV`) and roll back, comparing bytes and modes.
 * Checked once by hand on a FAT file system (fusefat), which folds case, with the same results.
 * The verdicts are check-command's evaluation in this process (test/helpers/evaluated.ts), one row
 * compared with `guard check-command` itself; the kept answer's test runs guard for every row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
const DB = Buffer.from([0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x00, 0xff, 0x01, 0x02]);

function setup(t: TestRepo, ignoreCase = true): void {
  t.write('.gitignore', 'node_modules/\ndist/\n.env\n*.env\ndata/\n');
  t.write('src/app.ts', 'export {};\n');
  t.write('README.md', '# readme\n');
  t.write('.github/workflows/ci.yml', 'on: push\n');
  t.write('db/migrations/001.sql', 'create table x;\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.write('.env', SECRET, 0o600);
  t.write('data/local.db', DB, 0o640);
  t.write('dist/out.js', 'out\n');
  t.write('notes.txt', 'scratch\n');
  if (ignoreCase) t.git(['config', 'core.ignoreCase', 'true']);
}

function mode(t: TestRepo, file: string): number {
  return fs.statSync(path.join(t.dir, file)).mode & 0o777;
}

function rollback(t: TestRepo): string {
  const r = t.guard(['rollback', '--yes']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

describe('core.ignoreCase: a path is judged by the names its directories hold', () => {
  it('rm .ENV captures .env first; after the deletion macOS makes, the rollback gives .env back, bytes and mode', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      // check-command's own path for this row; the file's other rows through the same evaluation in
      // this process (test/helpers/evaluated.ts), the last test's (the kept answer) through guard.
      const verdict = await evaluatedVerdict(t, 'rm .ENV');
      expect(checkVerdict(t, 'rm .ENV')).toEqual(verdict);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(verdict.reason).toContain('the ignored file .env');
      expect(agentVerdict(t, 'rm .ENV').decision).toBe('allow');
      // What `rm .ENV` does where the file system folds case.
      fs.rmSync(path.join(t.dir, '.env'));
      const out = rollback(t);
      expect(out).toContain('.env');
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(mode(t, '.env')).toBe(0o600);
      expect(fs.readdirSync(t.dir)).not.toContain('.ENV');
    });
  });

  it('rm -rf Data captures the ignored data/local.db, which comes back byte for byte; rm -rf DIST (regenerable output) stays allowed', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const verdict = await evaluatedVerdict(t, 'rm -rf Data');
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(verdict.reason).toContain('data/local.db');
      expect(await evaluatedVerdict(t, 'rm -rf DIST')).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, 'rm -rf DIST/*')).toMatchObject({ verdict: 'allow' });
      expect(agentVerdict(t, 'rm -rf Data').decision).toBe('allow');
      fs.rmSync(path.join(t.dir, 'data'), { recursive: true });
      rollback(t);
      expect(fs.readFileSync(path.join(t.dir, 'data/local.db'))).toEqual(DB);
      expect(mode(t, 'data/local.db')).toBe(0o640);
    });
  });

  it('protected paths in another case are denied: rm -rf .GITHUB, rm -rf Db/Migrations, a glob through them, find DB -delete, a write for an agent', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      for (const command of ['rm -rf .GITHUB', 'rm -rf Db/Migrations', 'rm -f .GITHUB/WORKFLOWS/CI.YML', 'rm -f .GITHUB/WORKFLOWS/*', 'find DB -delete', 'find DB -name "*.sql" -delete']) {
        const verdict = await evaluatedVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
        expect(agentVerdict(t, command).decision, command).toBe('deny');
      }
      const write = await evaluatedVerdict(t, 'echo x > .GITHUB/workflows/ci.yml', { asAgent: true });
      expect(write).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(write.reason).toContain('spelled on disk');
      expect(t.read('.github/workflows/ci.yml')).toBe('on: push\n');
      // The git directory in another case was denied by its text already, and still is.
      expect(await evaluatedVerdict(t, 'rm -rf .GIT')).toMatchObject({ verdict: 'deny', rule: 'git-dir-write' });
    });
  });

  it("an agent's file tools: a Write of .GITHUB/workflows/ci.yml or .GUARD.YAML is denied; a Write of .ENV captures .env, which the rollback gives back", async () => {
    await withTestRepo(async (t) => {
      setup(t);
      t.write('.guard.yaml', 'version: 1\n');
      t.git(['add', '.guard.yaml']);
      t.git(['commit', '-q', '-m', 'policy']);
      for (const file of ['.GITHUB/workflows/ci.yml', '.GITHUB/Workflows/new.yml', '.GUARD.YAML']) {
        const answer = preToolHook(t, { tool: 'Write', file });
        expect(answer.decision, file).toBe('deny');
        expect(answer.reason, file).toContain(file.toLowerCase());
      }
      expect(preToolHook(t, { tool: 'Write', file: 'src/New.ts' }).decision).toBe('allow');
      expect(preToolHook(t, { tool: 'Write', file: '.ENV' }).decision).toBe('allow');
      // The write macOS makes through `.ENV`.
      fs.writeFileSync(path.join(t.dir, '.env'), 'NEW=1\n');
      rollback(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(mode(t, '.env')).toBe(0o600);
    });
  });

  it('tracked and untracked files in another case take a snapshot, and the rollback brings README.md back', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      expect(await evaluatedVerdict(t, 'rm README.MD')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo', reason: expect.stringContaining('README.md') });
      expect(await evaluatedVerdict(t, 'rm Notes.TXT')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo', reason: expect.stringContaining('notes.txt') });
      expect(await evaluatedVerdict(t, 'echo x > .ENV')).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored', reason: expect.stringContaining('.env') });
      expect(agentVerdict(t, 'rm README.MD').decision).toBe('allow');
      fs.rmSync(path.join(t.dir, 'README.md'));
      rollback(t);
      expect(t.read('README.md')).toBe('# readme\n');
    });
  });

  it('what bash and git do not fold stays as before: git rm -r .GITHUB (git refuses it), rm -f *.ENV, find . -name .ENV', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      // git matches pathspecs against the index case-sensitively, core.ignoreCase or not (also on a
      // file system that folds case): it deletes nothing, and guard allows it.
      expect(await evaluatedVerdict(t, 'git rm -r .GITHUB')).toMatchObject({ verdict: 'allow' });
      expect(t.gitResult(['rm', '-r', '.GITHUB']).code).toBe(128);
      expect(t.read('.github/workflows/ci.yml')).toBe('on: push\n');
      // find's -name is case-sensitive: it selects nothing here.
      expect(await evaluatedVerdict(t, 'find . -name .ENV -delete')).toMatchObject({ verdict: 'allow' });
      // bash matches a part with a wildcard itself, case counting: `*.ENV` is no name here, and no
      // capture is made for it.
      const glob = await evaluatedVerdict(t, 'rm -f *.ENV');
      expect(glob.reason).not.toContain('.env');
    });
  });

  it('a name that is not UTF-8 is folded by its ASCII letters: rm $\'K\\xff.ENV\' captures k\\xff.env and the rollback gives its bytes back', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const name = Buffer.concat([Buffer.from('k'), Buffer.from([0xff]), Buffer.from('.env')]);
      const file = Buffer.concat([Buffer.from(`${t.dir}/`), name]);
      fs.writeFileSync(file, SECRET);
      const command = "rm $'K\\xff.ENV'";
      const verdict = await evaluatedVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(agentVerdict(t, command).decision).toBe('allow');
      fs.rmSync(file);
      rollback(t);
      expect(fs.readFileSync(file)).toEqual(SECRET);
    });
  });

  it('through a symlinked directory: rm LNK/Local.DB reaches data/local.db and captures it', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      t.symlink('lnk', 'data');
      const verdict = await evaluatedVerdict(t, 'rm LNK/Local.DB');
      expect(verdict).toMatchObject({ verdict: 'snapshot' });
      expect(verdict.reason).toContain('data/local.db');
    });
  });

  it('.env and .ENV side by side (a case-sensitive file system, core.ignoreCase set wrongly): rm .ENV is judged as deleting .ENV and rm .env as deleting .env, the name the directory holds as typed', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      t.write('.ENV', 'OTHER=1\n');
      const upper = await evaluatedVerdict(t, 'rm .ENV');
      expect(upper).toMatchObject({ verdict: 'snapshot' });
      expect(upper.reason).toContain('the ignored file .ENV');
      expect(upper.reason).not.toMatch(/\.env\b/);
      const lower = await evaluatedVerdict(t, 'rm .env');
      expect(lower.reason).toContain('the ignored file .env');
      expect(lower.reason).not.toMatch(/\.ENV\b/);
    });
  });

  it('core.ignoreCase false (or unset): rm .ENV deletes nothing and is allowed, with no git process to read the setting', async () => {
    await withTestRepo((t) => {
      setup(t, false);
      const trace = path.join(t.base, 'trace-unset.json');
      const r = t.guard(['check-command', '--json', 'rm .ENV'], { env: traceEnv(trace) });
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'allow' });
      expect(countGitProcesses(trace).byCommand.find(([name]) => name === 'config')).toBeUndefined();
      t.git(['config', 'core.ignoreCase', 'false']);
      expect(checkVerdict(t, 'rm .ENV')).toMatchObject({ verdict: 'allow' });
      // Set true: one `git config` reads it, git's own answer (includes, the last value winning).
      t.git(['config', 'core.ignoreCase', 'true']);
      const traceOn = path.join(t.base, 'trace-on.json');
      const on = t.guard(['check-command', '--json', 'rm .ENV'], { env: traceEnv(traceOn) });
      expect(JSON.parse(on.stdout)).toMatchObject({ verdict: 'snapshot' });
      expect(countGitProcesses(traceOn).byCommand.find(([name]) => name === 'config')?.[1]).toBe(1);
      // Kept while the config files are the same (macOS: every repository's config says
      // ignorecase, and each Edit or Write of an agent asks): no process the second time, where
      // guard is set up (its directory holds the answer).
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      expect(checkVerdict(t, 'rm .ENV')).toMatchObject({ verdict: 'snapshot' });
      const traceAgain = path.join(t.base, 'trace-again.json');
      const again = t.guard(['check-command', '--json', 'rm .ENV'], { env: traceEnv(traceAgain) });
      expect(JSON.parse(again.stdout)).toMatchObject({ verdict: 'snapshot' });
      expect(countGitProcesses(traceAgain).byCommand.find(([name]) => name === 'config')).toBeUndefined();
      // Changed: asked again, the new answer.
      t.git(['config', 'core.ignoreCase', 'false']);
      expect(checkVerdict(t, 'rm .ENV')).toMatchObject({ verdict: 'allow' });
      t.git(['config', 'core.ignoreCase', 'true']);
      expect(checkVerdict(t, 'rm .ENV')).toMatchObject({ verdict: 'snapshot' });
    });
  });
});
