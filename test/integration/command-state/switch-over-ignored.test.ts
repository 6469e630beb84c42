/**
 * git writes another tree's tracked file over an ignored one without a word: `git switch other`
 * where other commits `.env` and this branch ignores it (`--overwrite-ignore` is git's default;
 * reset --hard, checkout X -- ., restore --source, merge and stash pop do the same). No snapshot holds
 * ignored files, so before 2026-12-04 the old `.env` was gone (found by the lead, git 2.39 and
 * 2.47). Now the snapshot taken first captures it (overwrite-ignored, src/git/tree-landing.ts):
 * through the installed agent hook, `guard rollback` gives `.env` back byte for byte with its
 * mode, and `--undo` gives back the state after the command. Regenerable output (dist/) is not
 * captured; over the capture limits the command is denied; the cost stays one diff-tree and at
 * most one ls-files, and a switch that lands on nothing ignored takes no snapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

/** work ignores .env and dist/; other tracks both (and a file under a new directory). work, not main: a reset of main is a protected branch's. */
function setup(t: TestRepo, stash = false): void {
  commitFiles(t, { 'src/app.ts': 'export {};\n' });
  t.git(['checkout', '-q', '-b', 'other']);
  commitFiles(t, { '.env': 'API_KEY=\n', 'dist/app.js': 'built on other\n', 'docs/new.md': 'new\n' }, 'other tracks .env and dist');
  t.git(['checkout', '-q', '-b', 'work', 'main']);
  if (stash) {
    // A stash entry holding .env staged, made before .env was ignored.
    t.write('.env', 'API_KEY=\n');
    t.git(['add', '.env']);
    t.git(['stash', '-q']);
  }
  t.write('.gitignore', '.env\ndist/\n');
  t.git(['add', '.gitignore']);
  t.git(['commit', '-q', '-m', 'ignore .env']);
  writeFiles(t, { '.env': [SECRET, 0o600], 'dist/app.js': 'built here\n' });
}

/**
 * The state with .env's bytes and mode (captureState reads the exec bit only), without dist/:
 * regenerable output, overwritten and not captured (a rollback leaves other's build there).
 */
function fullState(t: TestRepo) {
  const state = stateWithModes(t, ['.env']);
  delete state.files['dist/app.js'];
  return { ...state, env: fs.readFileSync(path.join(t.dir, '.env')).toString('base64') };
}

// git read-tree -u (-m, --reset) too: a snapshot without the capture before 2026-12-07 (helper recdata), .env gone.
const WRITES = ['git switch other', 'git reset --hard other', 'git checkout other -- .', 'git merge -q --no-edit other', 'git stash pop', 'git read-tree -u -m other', 'git read-tree --reset -u other'];

describe('an ignored file another tree tracks is captured before git writes over it', () => {
  it.each(WRITES)('%s: .env captured, rollback gives it back byte for byte, --undo the state after', async (command) => {
    await withTestRepo((t) => {
      setup(t, command.includes('stash'));
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('.env');
      // dist/ is regenerable output: overwritten, not captured.
      expect(verdict.reason).not.toContain('dist');
      const before = fullState(t);
      expect(agentVerdict(t, command).decision).toBe('allow');
      shellOk(t, command);
      expect(fs.readFileSync(path.join(t.dir, '.env'), 'utf8')).toBe('API_KEY=\n');
      const after = fullState(t);
      const out = rollbackOk(t);
      expect(out).toContain('.env');
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      // Regenerable output a tree wrote stays as that tree left it (git stash pop writes none).
      if (!command.includes('stash')) expect(fs.readFileSync(path.join(t.dir, 'dist/app.js'), 'utf8')).toBe('built on other\n');
      expect(fullState(t)).toEqual(before);
      expect(after.modes['.env']).toBe('644');
      undoOk(t);
      // The tracked .env comes back with its bytes and the 0644 the command left: the index lists
      // it then, so the snapshot before the rollback records its bits (knownModes, ca8aadc); the
      // undo gave the rollback's 0600 before that.
      expect(fullState(t)).toEqual(after);
    });
  });

  it('stays free where nothing ignored is in the way; denied over the capture limits; bounded git processes', async () => {
    await withTestRepo((t) => {
      setup(t);
      const trace = (command: string): { verdict: string; argv: string[][] } => {
        const file = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: traceEnv(file) });
        expect([0, 3], r.stderr).toContain(r.code);
        return { verdict: (JSON.parse(r.stdout) as { verdict: string }).verdict, argv: tracedArgv(file) };
      };
      const ran = (argv: string[][], sub: string): number => argv.filter((a) => a[1] === sub).length;
      // A new branch from HEAD writes nothing: no git process at all for the landing.
      for (const command of ['git switch -c fresh', 'git checkout -b fresh2']) {
        const { verdict, argv } = trace(command);
        expect(verdict, command).toBe('allow');
        expect(ran(argv, 'diff-tree'), command).toBe(0);
      }
      // The switch: one diff-tree, one ls-files over the paths on disk.
      const sw = trace('git switch other');
      expect(sw.verdict).toBe('snapshot');
      expect(ran(sw.argv, 'diff-tree')).toBe(1);
      expect(ran(sw.argv, 'ls-files')).toBeLessThanOrEqual(1);
      // With .env gone, the switch lands on nothing ignored: allowed, no listing.
      fs.renameSync(path.join(t.dir, '.env'), path.join(t.base, 'env.saved'));
      const free = trace('git switch other');
      expect(free.verdict).toBe('allow');
      expect(ran(free.argv, 'ls-files')).toBe(0);
      // git checkout X (one operand) stays free too (fb0a0d3) when it lands on nothing ignored.
      expect(checkVerdict(t, 'git checkout other')).toMatchObject({ verdict: 'allow' });
      fs.renameSync(path.join(t.base, 'env.saved'), path.join(t.dir, '.env'));
      // ... but not when the revision's tree lands on an ignored file: captured.
      expect(checkVerdict(t, 'git checkout other')).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(checkVerdict(t, 'git restore --source other .')).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      // A file where other needs a directory (other tracks docs/new.md), and a directory where
      // other has a file (git removes it with what is under it): captured.
      fs.writeFileSync(path.join(t.dir, 'docs'), 'local docs\n');
      fs.appendFileSync(path.join(t.dir, '.git/info/exclude'), 'docs\n');
      expect(checkVerdict(t, 'git switch other').reason).toContain('docs');
      fs.rmSync(path.join(t.dir, 'docs'));
      fs.mkdirSync(path.join(t.dir, 'docs/new.md'), { recursive: true });
      fs.writeFileSync(path.join(t.dir, 'docs/new.md/keep'), 'kept\n');
      expect(checkVerdict(t, 'git switch other').reason).toContain('docs/new.md/keep');
      fs.rmSync(path.join(t.dir, 'docs'), { recursive: true });
      // A revision git cannot resolve keeps the verdict of the text.
      expect(checkVerdict(t, 'git switch no-such-branch')).toMatchObject({ verdict: 'allow' });
      t.write('.guard.yaml', 'commands:\n  maxIgnoredCapture: 10\n');
      const over = checkVerdict(t, 'git switch other');
      expect(over).toMatchObject({ verdict: 'deny', rule: 'capture-too-large' });
      expect(over.reason).toContain('.env');
      expect(over.instead).toContain('out of the way');
    });
  });
});
