/**
 * A copy, move or link whose SOURCE is a shell glob (`mv dist/* .`, `cp dist/a* .`, `ln -f
 * dist/* .`, `install dist/* .`, `cp -r dist/* .`) over an ignored file in the repository: found
 * 2026-12-04, the literal forms (`cp dist/app.log .`) captured the ignored `./app.log` first
 * (overwrite-ignored) but a glob source was passed over (allow: no destructive command found),
 * and the file's old bytes were gone for good. Now the glob is expanded as bash does it (no
 * dotglob, an unmatched glob stays literal) from the file system and each word judged as the
 * literal source is; run for real after the hook's verdict and snapshot, `guard rollback` gives
 * the old bytes back. The expansion is checked against bash itself, costs no git process per
 * word, and past its bound is refused for an agent. The expander is the one a `for` loop's globs use
 * (src/util/shell-glob.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandShellGlob } from '../../../src/util/shell-glob.js';
import { escapedBytes } from '../../../src/util/escaped-text.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';
import { agentVerdict, checkVerdict, hookWithVerdict, type JournaledHook } from '../../helpers/verdicts.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const OLD_LOG = Buffer.from('old log\r\n\u00e9\u0000\xff tail\n', 'latin1');
const OLD_ENV = Buffer.from('SECRET=old\n\xfe\n', 'latin1');
/** A name that is not UTF-8: `\xff.log`. */
const BYTE_NAME = Buffer.from([0xff, 0x2e, 0x6c, 0x6f, 0x67]);

/** Runs `command` with bash (the agent's shell) in the repository; it must exit 0. */
function bashOk(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, `${command}: ${r.stderr}`).toBe(0);
}

function writeBytes(t: TestRepo, rel: string | Buffer, bytes: Buffer | string, mode = 0o644): void {
  const full = Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.isBuffer(rel) ? rel : Buffer.from(rel)]);
  fs.mkdirSync(path.dirname(full.toString()), { recursive: true });
  fs.writeFileSync(full, bytes, { mode });
  fs.chmodSync(full, mode);
}

/**
 * dist/ (ignored) holds app.log, new.txt and a hidden .env; the working tree holds an ignored
 * app.log and .env with old bytes. `dirs`: dist/sub/.env lands on an ignored sub/.env too.
 */
function setup(t: TestRepo, dirs = false): void {
  commitFiles(t, { '.gitignore': 'dist/\n.env\n*.log\n', 'src/a.ts': 'export {};\n' });
  writeBytes(t, 'dist/app.log', 'NEW LOG\n');
  writeBytes(t, 'dist/new.txt', 'new\n');
  writeBytes(t, 'dist/.env', 'SECRET=from-dist\n');
  writeBytes(t, 'app.log', OLD_LOG, 0o600);
  writeBytes(t, '.env', OLD_ENV, 0o600);
  if (dirs) {
    writeBytes(t, 'dist/sub/.env', 'SUB=new\n');
    writeBytes(t, 'sub/.env', OLD_ENV, 0o640);
    writeBytes(t, 'sub/keep.txt', 'untracked\n');
  }
}

/**
 * The hook's verdict (which takes the snapshot; `judged` looks at the verdict, rule and reason it
 * journaled, the one evaluation check-command shares), the command run, then rollback and undo,
 * compared by bytes.
 */
function runAndRollBack(t: TestRepo, command: string, changed: Array<[string, Buffer]>, whole: boolean, judged: (hook: JournaledHook) => void): void {
  const before = byteState(t);
  const hook = hookWithVerdict(t, command, { direct: true });
  expect(hook.decision, command).toBe('allow');
  judged(hook);
  bashOk(t, command);
  expect(t.read('app.log'), command).toBe('NEW LOG\n');
  const after = byteState(t);
  expect(after, `${command} changed nothing`).not.toEqual(before);
  rollbackOk(t);
  for (const [file, bytes] of changed) expect(fs.readFileSync(path.join(t.dir, file)), `${command}: ${file}`).toEqual(bytes);
  expect(fs.statSync(path.join(t.dir, 'app.log')).mode & 0o777, command).toBe(0o600);
  // A move took the ignored dist/app.log away, which no snapshot holds: compared where it landed only.
  if (whole) expect(byteState(t)).toEqual(before);
  undoOk(t);
  if (whole) expect(byteState(t)).toEqual(after);
}

describe('a glob source over an ignored file captures it first', () => {
  const commands: Array<[string, boolean]> = [
    ['mv dist/* .', false],
    ['cp dist/* .', true],
    ['cp dist/a* .', true],
    ['cp dist/ap?.log ./', true],
    ['cp dist/[a]pp.log .', true],
    ['cp -t . dist/*', true],
    ['ln -f dist/* .', true],
    ['install -m 644 dist/* .', true],
  ];
  it.each(commands)('%s: overwrite-ignored naming app.log; run for real, rollback gives its bytes back', async (command, whole) => {
    await withTestRepo((t) => {
      setup(t);
      runAndRollBack(t, command, [['app.log', OLD_LOG], ['.env', OLD_ENV]], whole, (hook) => {
        expect(hook, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(hook.snapshotReason).toContain('dist/app.log to app.log');
        // No dotglob: dist/* does not reach the hidden dist/.env, so ./.env is neither named nor touched.
        expect(hook.snapshotReason).not.toContain('.env');
      });
    });
  });

  it('cp -n: judged as the literal cp -n is (captured, though cp keeps what exists)', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(checkVerdict(t, 'cp -n dist/* .')).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(checkVerdict(t, 'cp -n dist/app.log .')).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
    });
  });

  it('cp -r dist/* .: a directory in the expansion lands its tree, sub/.env captured with app.log', async () => {
    await withTestRepo((t) => {
      setup(t, true);
      const before = byteState(t);
      expect(agentVerdict(t, 'cp -r dist/* .').decision).toBe('allow');
      bashOk(t, 'cp -r dist/* .');
      expect(t.read('sub/.env')).toBe('SUB=new\n');
      expect(t.read('app.log')).toBe('NEW LOG\n');
      const after = byteState(t);
      const out = rollbackOk(t);
      expect(out).toContain('sub/.env');
      expect(fs.readFileSync(path.join(t.dir, 'sub/.env'))).toEqual(OLD_ENV);
      expect(fs.readFileSync(path.join(t.dir, 'app.log'))).toEqual(OLD_LOG);
      expect(byteState(t)).toEqual(before);
      undoOk(t);
      expect(byteState(t)).toEqual(after);
    });
  });

  it('a name that is not UTF-8: dist/* and a pattern holding the byte both capture it, rollback gives its bytes back', async () => {
    await withTestRepo((t) => {
      setup(t);
      writeBytes(t, Buffer.concat([Buffer.from('dist/'), BYTE_NAME]), 'NEW BYTES\n');
      writeBytes(t, BYTE_NAME, OLD_LOG);
      const byteFile = Buffer.concat([Buffer.from(`${t.dir}/`), BYTE_NAME]);
      for (const command of ["cp dist/$'\\xff'* .", 'cp dist/?.log .']) {
        const verdict = checkVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(verdict.reason, command).toContain("the ignored file $'\\xff.log'");
      }
      const before = byteState(t);
      expect(agentVerdict(t, 'cp dist/* .').decision).toBe('allow');
      bashOk(t, 'cp dist/* .');
      expect(fs.readFileSync(byteFile, 'utf8')).toBe('NEW BYTES\n');
      rollbackOk(t);
      expect(fs.readFileSync(byteFile)).toEqual(OLD_LOG);
      expect(byteState(t)).toEqual(before);
    });
  });

  it('hidden names need a dot in the pattern; an unmatched glob stays the word as written; a destination outside is not looked at', async () => {
    await withTestRepo((t) => {
      setup(t);
      const dotted = checkVerdict(t, 'cp dist/.e* .');
      expect(dotted).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(dotted.reason).toContain('dist/.env to .env');
      for (const command of ['cp dist/*.env .', 'cp dist/x* .', 'cp "dist/*" .', `cp dist/* ${path.join(t.base, 'elsewhere')}/`]) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
    });
  });

  it("an agent's glob copy is judged where each file lands: .claude/settings.local.json is refused", async () => {
    await withTestRepo((t) => {
      setup(t);
      writeBytes(t, 'tpl/settings.local.json', '{}\n');
      fs.mkdirSync(path.join(t.dir, '.claude'), { recursive: true });
      const before = byteState(t);
      const hook = agentVerdict(t, 'cp tpl/*.json .claude/');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('.claude/settings.local.json');
      expect(byteState(t)).toEqual(before);
    });
  });
});

describe('the expansion', () => {
  it('gives the words bash gives (hidden names, classes, escapes, nested globs, a trailing slash, bytes)', async () => {
    await withTestRepo((t) => {
      for (const rel of ['d/a.log', 'd/b.txt', 'd/.h', 'd/[x]', 'd/sub/x.env', 'd/sub/.env', 'd/s2/x.env', 'd/Ab', 'd/é.txt', 'd/😀', 'e/f']) writeBytes(t, rel, 'x');
      writeBytes(t, Buffer.from([0x64, 0x2f, 0xfe, 0x61]), 'x');
      fs.symlinkSync('sub', path.join(t.dir, 'd/lnk'));
      // bash's own words, as it hands them to a command (latin1: one character per byte).
      const bashWords = (pattern: string): string[] => {
        const r = spawnSync('bash', ['-c', `for w in ${pattern}; do printf '%s\\0' "$w"; done`], { cwd: t.dir, env: { ...t.env, LC_ALL: 'C.UTF-8' } });
        return r.stdout.toString('latin1').split('\0').slice(0, -1).sort();
      };
      // The expander a for loop's globs use too (src/util/shell-glob.ts), with a copy's bound.
      const ours = (pattern: string): string[] => {
        const words = expandShellGlob({ cwd: t.dir, pattern }, 20_000);
        expect(words, pattern).not.toBeNull();
        return (words ?? []).map((w) => escapedBytes(w).toString('latin1')).sort();
      };
      const patterns = ['d/*', 'd/.*', 'd/?', 'd/?.txt', 'd/[ab]*', 'd/[!a]*', 'd/\\[x\\]*', 'd/*/*.env', 'd/*/.e*', 'd/*/', 'd/*b', './d/*.log', 'd//*.txt', 'd/?a', '*/f', `${t.dir}/d/s*`];
      for (const pattern of patterns) expect(ours(pattern), pattern).toEqual(bashWords(pattern));
      // Unmatched, bash passes the pattern on as written; the expansion has no word.
      expect(bashWords('d/nothing*')).toEqual(['d/nothing*']);
      expect(ours('d/nothing*')).toEqual([]);
      // A class it does not translate is not expanded: a copy from it is a path guard cannot know.
      expect(expandShellGlob({ cwd: t.dir, pattern: 'd/[[:upper:]]*' }, 20_000)).toBeNull();
      expect(checkVerdict(t, 'cp d/[[:upper:]]* .')).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
    });
  });

  it('costs no git process per word: a glob of 60 files starts as many as the literal list', async () => {
    await withTestRepo((t) => {
      setup(t);
      const names = Array.from({ length: 60 }, (_, i) => `f${String(i).padStart(2, '0')}.log`);
      for (const name of names) {
        writeBytes(t, `dist/${name}`, 'new\n');
        writeBytes(t, name, 'old\n');
      }
      const count = (command: string, i: number): number => {
        const trace = path.join(t.base, `trace-${i}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(trace) } });
        expect(JSON.parse(r.stdout), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        return countGitProcesses(trace).total;
      };
      const literal = `cp ${['app.log', 'new.txt', ...names].map((n) => `dist/${n}`).join(' ')} .`;
      const globbed = count('cp dist/* .', 1);
      expect(globbed).toBe(count(literal, 2));
    });
  });

  it('cp -r of a glob of 30 directories: one listing for them all (as many processes as for 2), each landing captured and given back', async () => {
    await withTestRepo((t) => {
      setup(t);
      const count = (command: string, i: number): number => {
        const trace = path.join(t.base, `trace-dirs-${i}.json`);
        const r = t.guard(['check-command', '--json', command], { env: traceEnv(trace) });
        expect(JSON.parse(r.stdout), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        return countGitProcesses(trace).total;
      };
      for (let i = 1; i <= 2; i++) {
        writeBytes(t, `dist/d${i}/.env`, `NEW ${i}\n`);
        writeBytes(t, `d${i}/.env`, OLD_ENV);
      }
      const two = count('cp -r dist/* .', 1);
      for (let i = 3; i <= 30; i++) {
        writeBytes(t, `dist/d${i}/.env`, `NEW ${i}\n`);
        writeBytes(t, `d${i}/.env`, OLD_ENV);
      }
      expect(count('cp -r dist/* .', 2)).toBe(two);
      const before = byteState(t);
      expect(agentVerdict(t, 'cp -r dist/* .').decision).toBe('allow');
      bashOk(t, 'cp -r dist/* .');
      expect(t.read('d30/.env')).toBe('NEW 30\n');
      rollbackOk(t);
      expect(byteState(t)).toEqual(before);
    });
  });

  it('past its bound (20,000 words) the glob is a path guard cannot know: refused for an agent, asked of a person', async () => {
    await withTestRepo((t) => {
      setup(t);
      const many = path.join(t.dir, 'dist/many');
      fs.mkdirSync(many);
      for (let i = 0; i <= 20_000; i++) fs.writeFileSync(path.join(many, `n${i}`), '');
      const agent = checkVerdict(t, 'cp dist/many/* .', { asAgent: true });
      expect(agent).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      expect(agent.reason).toContain('20,000');
      expect(agent.instead).toContain('Name the files');
      expect(checkVerdict(t, 'cp dist/many/* .')).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
      // Into a place outside the repository nothing is expanded: nothing of the repository is replaced.
      expect(checkVerdict(t, `cp dist/many/* ${path.join(t.base, 'elsewhere')}/`, { asAgent: true })).toMatchObject({ verdict: 'allow' });
    });
  });
});
