/**
 * `git mv -f` renames over what stands where a source lands. Before 2026-12-05 guard allowed it
 * ("no destructive command found"), so `git mv -f src/a.js .env` over an ignored .env left a.js's
 * bytes in .env and the secret was in no snapshot (plain `mv src/a.js .env` was already captured
 * first, rule overwrite-ignored). Each case here was first run with git 2.39 to see what it
 * replaces; now an ignored file there is captured into the snapshot taken first (overwrite-ignored,
 * the shape of mv's message), a tracked or untracked one takes a snapshot first (git-mv-force).
 * Each destructive case is judged, the agent hook takes its snapshot, the command runs for real,
 * `guard rollback` gives back every byte, mode, link, the index and what git ignores
 * (byteState), and `--undo` the state after the command. The cases git refuses or that replace
 * nothing run for real too and are allowed; the cost is counted with git's trace2.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
/** An ignored name that is not UTF-8: `e<0xff>.env`, written in a command as bash's $'e\xff.env'. */
const BAD_NAME = Buffer.from([0x65, 0xff, 0x2e, 0x65, 0x6e, 0x76]);

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env\n*.log\n*.env\nconf/\nlnk\nnode_modules/\n',
    'src/a.js': 'export const a = 1;\n',
    'src/b.js': 'export const b = 2;\n',
    'tracked.txt': 'committed\n',
  });
  writeFiles(t, {
    '.env': [SECRET, 0o600],
    'conf/a.js': [Buffer.from('local a\n'), 0o640],
    'conf/b.js': 'local b\n',
    'notes.txt': 'untracked notes\n',
    'tracked.txt': 'committed, then edited\n',
    'node_modules/a.js': 'module.exports = 1;\n',
  });
  fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), BAD_NAME]), SECRET);
  // An ignored symbolic link to a file outside: git mv -f replaces the link, never its target.
  fs.writeFileSync(path.join(t.base, 'outside.txt'), 'outside\n');
  t.symlink('lnk', '../outside.txt');
}

function withoutEmptyDirs(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).filter(([key, value]) => !value.startsWith('dir ') || Object.keys(state).some((other) => other.startsWith(`${key}/`))));
}

function run(t: TestRepo, command: string, cwd = t.dir): { status: number | null; stderr: string } {
  return spawnSync('bash', ['-c', command], { cwd, env: t.env, encoding: 'utf8' });
}

/** [command as the agent writes it, rule, what the reason names, the captured files `guard rollback` names]. */
const REPLACING: Array<[string, string, string, string[]]> = [
  ['git mv -f src/a.js .env', 'overwrite-ignored', 'git mv -f moves src/a.js to .env, which replaces the ignored file .env (no snapshot holds ignored files); guard captures it into the snapshot first', ['.env']],
  ['git mv --force -k -- src/a.js .env', 'overwrite-ignored', 'replaces the ignored file .env', ['.env']],
  ['cd src && git mv -f a.js ../.env', 'overwrite-ignored', 'git mv -f moves a.js to ../.env, which replaces the ignored file .env', ['.env']],
  ['git -C src mv -f a.js ../.env', 'overwrite-ignored', 'replaces the ignored file .env', ['.env']],
  ['git mv -f src/a.js conf/', 'overwrite-ignored', 'git mv -f moves src/a.js into conf/, which replaces the ignored file conf/a.js', ['conf/a.js']],
  ['git mv -f src/a.js src/b.js conf', 'overwrite-ignored', 'replaces the ignored file conf/a.js', ['conf/a.js', 'conf/b.js']],
  ['git mv -f src/*.js conf', 'overwrite-ignored', 'git mv -f moves src/*.js into conf, which may replace the ignored files conf/a.js, conf/b.js', ['conf/a.js', 'conf/b.js']],
  ["git mv -f src/a.js $'e\\xff.env'", 'overwrite-ignored', "replaces the ignored file $'e\\xff.env'", ['"e\\377.env"']],
  ['git mv -f src/a.js lnk', 'overwrite-ignored', 'replaces the ignored file lnk', ['lnk']],
  ['git mv -f src/a.js notes.txt', 'git-mv-force', 'git mv -f moves src/a.js to notes.txt, which replaces the untracked file notes.txt (restorable from the snapshot taken first)', []],
  ['git mv -f src/a.js tracked.txt', 'git-mv-force', 'replaces the tracked file tracked.txt', []],
];

describe('git mv -f over what is there: a snapshot first, ignored files captured, rollback gives every byte back', () => {
  it.each(REPLACING)('%s: %s', async (command, rule, reason, captured) => {
    await withTestRepo((t) => {
      setup(t);
      const before = byteState(t);
      // The agent hook takes the snapshot (capturing what is named) and lets the command run; its
      // verdict, rule and reason read from what it journaled (the one evaluation check-command
      // shares), not from a check-command process of its own.
      const hook = hookWithVerdict(t, command, { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule });
      expect(hook.snapshotReason).toContain(reason);
      const r = run(t, command);
      expect(r.status, r.stderr).toBe(0);
      const after = byteState(t);
      expect(after).not.toEqual(before);
      const out = rollbackOk(t);
      for (const file of captured) expect(out).toContain(`    ${file}\n`);
      expect(byteState(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.base, 'outside.txt'), 'utf8')).toBe('outside\n');
      undoOk(t);
      // An empty directory the rollback made for src/a.js stays (no snapshot holds directories).
      expect(withoutEmptyDirs(byteState(t))).toEqual(withoutEmptyDirs(after));
    });
  });

  it('from a subdirectory: paths are read from where git runs (check-command in src/, then the command run there)', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const src = path.join(t.dir, 'src');
      // The first row through check-command (run in src/), the same answer as in this process; the
      // others judged in this process (test/helpers/evaluated.ts) with src/ as the cwd.
      const first = checkVerdict(t, 'git mv -f a.js ../.env', { cwd: src });
      expect(first).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(first).toEqual(await evaluatedVerdict(t, 'git mv -f a.js ../.env', { cwd: src }));
      expect((await evaluatedVerdict(t, 'git mv -f a.js ../conf', { cwd: src })).reason).toContain('replaces the ignored file conf/a.js');
      // a.js of src/ lands on ./a.js there, where nothing is: nothing to keep.
      expect(await evaluatedVerdict(t, 'git mv -f ../tracked.txt .', { cwd: src })).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, 'git mv -f ../tracked.txt b.js', { cwd: src })).toMatchObject({ verdict: 'snapshot', rule: 'git-mv-force' });
    });
  });
});

/** Commands that replace nothing, checked by running them: git refuses, or nothing is where they land. */
const HARMLESS: Array<[string, boolean]> = [
  ['git mv src/a.js .env', false], // destination exists
  ['git mv -k src/a.js .env', true], // -k skips the refused rename
  ['git mv -n -f src/a.js .env', true], // dry run
  ['git mv --dry-run --force src/a.js conf', true],
  ['git mv -f src conf', true], // into conf/src, where nothing is
  ['git mv -f src tracked.txt', false], // a directory over what exists: refused
  ['git mv -f src .env', false],
  ['git mv -f src/a.js node_modules/', true], // regenerable output: replaced, not kept (as for mv)
  ['git mv -f src/*.js node_modules', true],
  ['git mv -f src/a.js new-name.js', true], // nothing there
  ['git mv -f src/a.js .env/', false], // destination directory does not exist
];

describe('git mv that replaces nothing guard must keep is allowed', () => {
  it('each allowed, then run: what was there is untouched (or regenerable output)', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      for (const [i, [command, succeeds]] of HARMLESS.entries()) {
        // A reset after a move into node_modules/ takes it away with what git moved there.
        writeFiles(t, { 'node_modules/a.js': 'module.exports = 1;\n' });
        // The first row through check-command, the same answer as in this process; the others in this process.
        const verdict = await evaluatedVerdict(t, command);
        if (i === 0) expect(checkVerdict(t, command), command).toEqual(verdict);
        expect(verdict, command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
        const before = fs.readFileSync(path.join(t.dir, '.env'));
        const r = run(t, command);
        expect(r.status === 0, `${command}: ${r.stderr}`).toBe(succeeds);
        expect(before).toEqual(SECRET);
        expect(fs.readFileSync(path.join(t.dir, '.env')), command).toEqual(SECRET);
        expect(fs.readFileSync(path.join(t.dir, 'conf/a.js'), 'utf8'), command).toBe('local a\n');
        t.git(['reset', '-q', '--hard']);
        t.git(['clean', '-q', '-f', '--', 'src', 'new-name.js']);
      }
    });
  });
});

describe('cost: the path-facts listing of every landing at once', () => {
  it('git mv -f over .env costs what mv over it costs; three landings cost what one does', async () => {
    await withTestRepo((t) => {
      setup(t);
      const count = (command: string): number => {
        const trace = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: traceEnv(trace) });
        expect(r.code, r.stderr).toBe(0);
        return countGitProcesses(trace).total;
      };
      const mv = count('mv src/a.js .env');
      expect(count('git mv -f src/a.js .env')).toBe(mv);
      const one = count('git mv -f src/a.js conf');
      expect(count('git mv -f src/a.js src/b.js tracked.txt conf')).toBe(one);
      // Nothing where it lands, or no -f: no listing at all.
      const plain = count('git status');
      expect(count('git mv src/a.js .env')).toBe(plain);
      expect(count('git mv -f src/a.js fresh.js')).toBe(plain);
    });
  });
});
