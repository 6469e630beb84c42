/**
 * `git am` refuses to create a file over one that exists, ignored or not (`already exists in
 * working directory`), but `git am -3` (or `am.threeWay`) falls back to a three-way merge that
 * writes the patch's file over the ignored one without a word (both checked below with git 2.39,
 * by running them). The command kept the verdict of its text (allow), and the .env was gone. Now
 * the files the patches create are read from the mbox (or the heredoc) without a git process per
 * patch (src/git/patch-paths.ts), and the ignored ones there are captured into the snapshot taken
 * first. Through the installed agent hook; the real command runs, then `guard rollback` gives back
 * the bytes, modes, index and refs of before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, commitForced } from '../../helpers/repo-steps.js';
import { byteState, stateWithModes } from '../../helpers/state.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { patchCreates } from '../../../src/git/patch-paths.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function sh(t: TestRepo, command: string): { status: number | null; stderr: string } {
  return spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
}

/** A repository whose `side` commit adds .env (ignored on main) and x.txt, with that commit as an mbox at ../add-env.patch. */
function setup(t: TestRepo): string {
  commitFiles(t, { '.gitignore': '.env\n', 'a.txt': 'a\n', 'sub/keep.txt': 'k\n' });
  t.git(['checkout', '-q', '-b', 'side']);
  commitForced(t, { '.env': 'FROM_PATCH=1\n', 'x.txt': 'x\n' }, 'add .env');
  const mbox = path.join(t.base, 'add-env.patch');
  fs.writeFileSync(mbox, t.git(['format-patch', '--stdout', '-1']));
  t.git(['checkout', '-q', 'main']);
  return mbox;
}

function secretThere(t: TestRepo): void {
  fs.writeFileSync(path.join(t.dir, '.env'), SECRET, { mode: 0o600 });
  fs.chmodSync(path.join(t.dir, '.env'), 0o600);
}

describe('git am -3 over an ignored file', () => {
  it('the premise: plain git am refuses over the ignored .env, git am -3 writes over it', async () => {
    await withTestRepo((t) => {
      const mbox = setup(t);
      secretThere(t);
      expect(sh(t, `git am ${mbox}`).status).not.toBe(0);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      t.git(['am', '--abort']);
      expect(sh(t, `git am -3 ${mbox}`).status).toBe(0);
      expect(t.read('.env')).toBe('FROM_PATCH=1\n');
    });
  });

  it('git am -3 of an mbox, from a subdirectory, of stdin and of a heredoc: .env captured first, rollback gives everything back', async () => {
    await withTestRepo(async (t) => {
      const mbox = setup(t);
      const start = t.git(['rev-parse', 'HEAD']).trim();
      const heredoc = `git am -3 <<'EOF'\n${fs.readFileSync(mbox, 'utf8')}EOF`;
      const commands = [`git am -3 ${mbox}`, `cd sub && git am --3way ../../add-env.patch`, `git am -3 < ${mbox}`, `git -c am.threeWay=true am ${mbox}`, heredoc];
      for (const [i, command] of commands.entries()) {
        t.git(['reset', '-q', '--hard', start]);
        fs.rmSync(path.join(t.dir, 'x.txt'), { force: true });
        secretThere(t);
        expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        const before = stateWithModes(t, ['.env']);
        const guardRefs = t.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/']);
        const trace = path.join(t.base, `trace-${i}.json`);
        const answer = preToolHook(t, { tool: 'Bash', command }, traceEnv(trace));
        expect(answer.decision, command).toBe('allow');
        expect(t.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/']), `${command} took a snapshot`).not.toBe(guardRefs);
        // The patches are read by guard itself: no git process reads them.
        expect(tracedArgv(trace).filter((argv) => argv.some((a) => a.includes('add-env.patch') || a === 'mailsplit' || a === 'apply')), command).toEqual([]);
        const r = sh(t, command);
        expect(r.status, `${command}: ${r.stderr}`).toBe(0);
        expect(t.read('.env'), command).toBe('FROM_PATCH=1\n');
        const back = t.guard(['rollback', '--yes']);
        expect(back.code, `${command}: ${back.stderr}${back.stdout}`).toBe(0);
        expect(stateWithModes(t, ['.env']), command).toEqual(before);
        expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      }
      // Nothing ignored where the patch lands, --no-3way (git refuses).
      fs.rmSync(path.join(t.dir, '.env'));
      expect(await evaluatedVerdict(t, `git am -3 ${mbox}`)).toMatchObject({ verdict: 'allow' });
      secretThere(t);
      expect(await evaluatedVerdict(t, `git am --no-3way ${mbox}`)).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, `git am -3 ${mbox}`)).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
    });
  });

  it('-p<n> and --directory move where the new file lands (git 2.39, run): the ignored file there is captured, rollback gives everything back', async () => {
    await withTestRepo(async (t) => {
      // The patch adds x/.env; every .env is ignored, and one is on disk at each place it can land.
      commitFiles(t, { '.gitignore': '.env\n', 'a.txt': 'a\n' });
      t.git(['checkout', '-q', '-b', 'side']);
      commitForced(t, { 'x/.env': 'FROM_PATCH=1\n' }, 'add x/.env');
      const mbox = path.join(t.base, 'add-env.patch');
      fs.writeFileSync(mbox, t.git(['format-patch', '--stdout', '-1']));
      t.git(['checkout', '-q', 'main']);
      const start = t.git(['rev-parse', 'HEAD']).trim();
      const raw = (rel: string): Buffer => Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.from(rel, 'latin1')]);
      const landings = ['x/.env', '.env', 'sub/.env', 'sub/x/.env', 'b/x/.env', 'd\u00ff/x/.env', 'x/x/.env'];
      const secrets = (): void => {
        for (const rel of landings) {
          fs.mkdirSync(raw(rel).subarray(0, raw(rel).lastIndexOf('/')), { recursive: true });
          fs.writeFileSync(raw(rel), SECRET, { mode: 0o600 });
        }
      };
      // [command, where git writes the patch's file] (bash: $'d\377' is a name that is not UTF-8).
      const cases: Array<[string, string]> = [
        [`git am -3 -p2 ${mbox}`, '.env'],
        [`git am -3 -p 2 ${mbox}`, '.env'],
        [`git am -3 --directory=sub ${mbox}`, 'sub/x/.env'],
        [`git am --3way -p2 --directory sub/ ${mbox}`, 'sub/.env'],
        [`git am -3 -p0 ${mbox}`, 'b/x/.env'],
        [`git am -3 -p3 -p1 --directory=x --directory=sub ${mbox}`, 'sub/x/.env'],
        [`git am -3 --directory=$'d\\377' < ${mbox}`, 'd\u00ff/x/.env'],
      ];
      for (const [i, [command, landing]] of cases.entries()) {
        t.git(['reset', '-q', '--hard', start]);
        secrets();
        expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        const before = byteState(t);
        const guardRefs = t.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/']);
        const answer = preToolHook(t, { tool: 'Bash', command });
        expect(answer.decision, command).toBe('allow');
        expect(t.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/']), `${command} took a snapshot`).not.toBe(guardRefs);
        const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
        expect(r.status, `${command}: ${r.stderr}`).toBe(0);
        // git wrote the patch's file there, and only there.
        for (const rel of landings) expect(fs.readFileSync(raw(rel)).toString('latin1'), `${command}: ${rel}`).toBe(rel === landing ? 'FROM_PATCH=1\n' : SECRET.toString('latin1'));
        const back = t.guard(['rollback', '--yes']);
        expect(back.code, `${command}: ${back.stderr}${back.stdout}`).toBe(0);
        expect(byteState(t), `${command} ${i}`).toEqual(before);
        expect(fs.readFileSync(raw(landing))).toEqual(SECRET);
      }
      // A -p or --directory guard does not read as git does keeps the text's verdict, not a wrong landing.
      t.git(['reset', '-q', '--hard', start]);
      secrets();
      for (const command of [`git am -3 -p2x ${mbox}`, `git am -3 --directory=./sub ${mbox}`, `git am -3 --directory=/sub ${mbox}`, `git am -3 -p "$N" ${mbox}`]) {
        expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'allow' });
      }
    });
  });

  it('the names a patch creates are read as git apply reads them: empty, binary, renamed, copied, quoted and non-UTF-8 names', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.write('old.txt', 'some text that is long enough to be found again as a copy\n'.repeat(4));
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      const names = ['empty.env', 'bin.dat', 'dir with space/x y.env', 'tab\there.env', 'quote"d.env', 'caf\u00e9.env'];
      for (const name of names) t.write(name, name === 'empty.env' ? '' : name === 'bin.dat' ? Buffer.from([0, 1, 2, 0, 255]) : `${name}\n`);
      const raw = Buffer.concat([Buffer.from(t.dir + '/'), Buffer.from([0x6b, 0xff, 0x2e, 0x65, 0x6e, 0x76])]); // k\xff.env
      fs.writeFileSync(raw, 'raw\n');
      t.git(['add', '-A']);
      fs.mkdirSync(path.join(t.dir, 'renamed'));
      t.git(['mv', 'old.txt', 'renamed/new.txt']);
      t.git(['commit', '-q', '-m', 'add them']);
      t.git(['checkout', '-q', '-b', 'copy']);
      fs.copyFileSync(path.join(t.dir, 'renamed/new.txt'), path.join(t.dir, 'copied.txt'));
      t.git(['add', 'copied.txt']);
      t.git(['commit', '-q', '-m', 'copy']);
      const out = spawnSync('git', ['format-patch', '--stdout', '--binary', '-C', '-C', 'HEAD~2'], { cwd: t.dir, env: t.env });
      const expected = [...names.map((n) => Buffer.from(n, 'utf8').toString('latin1')), 'k\u00ff.env', 'renamed/new.txt', 'copied.txt'];
      expect(patchCreates(out.stdout.toString('latin1')).sort()).toEqual(expected.sort());
      // What git itself says the commits add, byte for byte.
      const added = spawnSync('git', ['log', '-z', '--format=', '--name-only', '--diff-filter=ACR', '-C', '-C', 'HEAD~2..HEAD'], { cwd: t.dir, env: t.env }).stdout.toString('latin1').split('\0').filter(Boolean);
      expect(added.sort()).toEqual(expected.sort());
    });
  });
  it('with -p<n> and --directory the names read are where git am puts them: a new file and a rename target (rename to strips n-1)', async () => {
    await withTestRepo((t) => {
      const text = 'some text that is long enough to be found again as a rename\n'.repeat(4);
      t.write('a.txt', 'a\n');
      for (const rel of ['d/old.txt', 'old.txt', 'sub/d/old.txt', 'sub/old.txt']) t.write(rel, text);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      const start = t.git(['rev-parse', 'HEAD']).trim();
      t.git(['mv', 'd/old.txt', 'd/new.txt']);
      t.write('d/e/n\u00e9w.txt', 'new\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'rename and add']);
      const mbox = spawnSync('git', ['format-patch', '--stdout', '-M', '-1'], { cwd: t.dir, env: t.env }).stdout as Buffer;
      fs.writeFileSync(path.join(t.base, 'r.patch'), mbox);
      const namings: Array<[string[], { strip: number; root: string }]> = [
        [[], { strip: 1, root: '' }],
        [['-p2'], { strip: 2, root: '' }],
        [['--directory=sub'], { strip: 1, root: 'sub/' }],
        [['-p2', '--directory=sub'], { strip: 2, root: 'sub/' }],
      ];
      for (const [options, naming] of namings) {
        t.git(['reset', '-q', '--hard', start]);
        const r = spawnSync('git', ['am', '-3', ...options, path.join(t.base, 'r.patch')], { cwd: t.dir, env: t.env, encoding: 'utf8' });
        expect(r.status, `${options.join(' ')}: ${r.stderr}`).toBe(0);
        const added = spawnSync('git', ['log', '-1', '-z', '--format=', '--name-only', '--diff-filter=ACR', '-M'], { cwd: t.dir, env: t.env }).stdout.toString('latin1').split('\0').filter(Boolean);
        expect(added.length, options.join(' ')).toBe(2);
        expect(patchCreates(mbox.toString('latin1'), naming).sort(), options.join(' ')).toEqual(added.sort());
      }
    });
  });
  it('an agent\'s git am -3 of patches from a pipe guard cannot read: denied with the way forward where ignored files could be hit, else the text\'s verdict', async () => {
    await withTestRepo(async (t) => {
      const mbox = setup(t);
      const start = t.git(['rev-parse', 'HEAD']).trim();
      // The premise: a pipe works like a file, the ignored .env is written over.
      secretThere(t);
      expect(sh(t, `cat ${mbox} | git am -3`).status).toBe(0);
      expect(t.read('.env')).toBe('FROM_PATCH=1\n');
      t.git(['reset', '-q', '--hard', start]);
      fs.rmSync(path.join(t.dir, 'x.txt'), { force: true });
      secretThere(t);
      const before = stateWithModes(t, ['.env']);
      const piped = [`cat ${mbox} | git am -3`, `curl -s https://example.invalid/fix.patch | git am --3way`, `cat ${mbox} | git -c am.threeWay=true am`, `git am -3 < "$PATCH"`, `cd sub && cat ${mbox} | git am -3 -p1`];
      // What it costs to know, against plain `git am` of the same pipe (git refuses over .env, so not judged): one ls-files --ignored.
      preToolHook(t, { tool: 'Bash', command: 'git status' }); // the first hook call sets guard up (first snapshot, backup): not counted
      const plainTrace = path.join(t.base, 'pipe-plain.json');
      expect(preToolHook(t, { tool: 'Bash', command: `cat ${mbox} | git am` }, traceEnv(plainTrace)).decision).toBe('allow');
      const plain = countGitProcesses(plainTrace);
      const counts: number[] = [];
      piped.forEach((command, i) => {
        const trace = path.join(t.base, `pipe-${i}.json`);
        const answer = preToolHook(t, { tool: 'Bash', command }, traceEnv(trace));
        expect(answer.decision, command).toBe('deny');
        expect(answer.stdout, command).toContain('git am -3 fix.mbox');
        expect(answer.stdout, command).toContain('.env');
        counts.push(countGitProcesses(trace).total);
      });
      // The way forward written as one line: the mbox is not there when guard looks : the same.
      for (const command of ['curl -s -o fix.mbox https://example.invalid/fix.patch && git am -3 fix.mbox', 'git am -3 < missing.mbox']) {
        const answer = preToolHook(t, { tool: 'Bash', command });
        expect(answer.decision, command).toBe('deny');
        expect(answer.stdout, command).toContain('git am -3 fix.mbox');
      }
      expect(stateWithModes(t, ['.env']), 'a denial changes nothing').toEqual(before);
      for (const [i, count] of counts.entries()) expect(count, `${piped[i]}: ${JSON.stringify(countGitProcesses(path.join(t.base, `pipe-${i}.json`)).byCommand)} against ${JSON.stringify(plain.byCommand)}`).toBe(plain.total + 1);
      expect(sh(t, `cat ${mbox} | git am`).status, 'plain git am refuses over .env').not.toBe(0);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      t.git(['am', '--abort']);
      // A person is not denied (the text's verdict); --no-3way neither.
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      const person = checkVerdict(t, `cat ${mbox} | git am -3`);
      expect(person).toMatchObject({ verdict: 'allow' });
      expect(person).toEqual(await evaluatedVerdict(t, `cat ${mbox} | git am -3`));
      expect(await evaluatedVerdict(t, `cat ${mbox} | git am -3 --no-3way`, { asAgent: true })).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, 'git am missing.mbox', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // The way forward: the saved file is read and .env captured (the first test runs it and rolls back).
      expect(await evaluatedVerdict(t, `git am -3 ${mbox}`, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      // No ignored file that is not regenerable output: nothing can be hit, the text's verdict, and it runs.
      fs.rmSync(path.join(t.dir, '.env'));
      t.write('.gitignore', '.env\nnode_modules/\n');
      t.git(['commit', '-q', '-am', 'ignore node_modules']);
      t.write('node_modules/dep/index.js', 'x\n');
      const command = `cat ${mbox} | git am -3`;
      expect(preToolHook(t, { tool: 'Bash', command }).decision).toBe('allow');
      expect(sh(t, command).status).toBe(0);
      expect(t.read('.env')).toBe('FROM_PATCH=1\n');
    });
  });
});
