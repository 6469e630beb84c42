/**
 * A `for` loop whose word list guard can know (literal words, globs) is judged as bash runs it:
 * the globs expanded from the file system as bash would (no dotglob, an unmatched glob stays the
 * word), the body judged once per value with the loop variable bound, `${f%.js}`, `${f##*\/}` and
 * their kind computed, the strictest verdict winning and naming the value. Before, every such
 * loop was `ask` ("a path guard cannot know before the command runs"), which Codex, Gemini CLI,
 * OpenCode and Claude Code in bypass mode take as a refusal: `for f in src/*.js; do sed -i ...
 * "$f"; done` could not run. A word list guard cannot know (`$(...)`, an unknown variable, no
 * `in`) stays ask. Decided by `guard check-command` as an agent and by Claude Code's hook, with
 * the loops then run for real and `guard rollback` bringing back what they deleted, byte for byte.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles, useDefaultPolicy, writeFiles } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { expandShellGlob } from '../../../src/util/shell-glob.js';
import { escapedText } from '../../../src/util/escaped-text.js';
import { basenameOf } from '../../../src/policy/command/expand.js';

const check = (t: TestRepo, command: string) => checkVerdict(t, command, { asAgent: true });

/** An ignored file whose name holds the byte 0xff (not UTF-8). */
const BAD_LOG = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x6c, 0x6f, 0x67]); // bad\xff.log
const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  commitFiles(t, {
    '.gitignore': '.env\n*.log\ndist/\n',
    'src/a.js': 'var a = 1;\n',
    'src/b.js': 'var b = 2;\n',
    'packages/one/index.js': 'x\n',
    'packages/two/index.js': 'y\n',
    'db/migrations/001.sql': 'create table t (id int);\n',
  });
  writeFiles(t, { '.env': SECRET, 'app.log': 'log line\n', 'packages/one/dist/out.js': 'built\n' });
  fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), BAD_LOG]), 'bad bytes\n');
}

/** Runs COMMAND with bash, as the agent's shell would, in the repository. */
function run(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('a for loop over words guard can know', () => {
  it('is judged per value: the everyday loops of the friction report are no longer ask', async () => {
    await withTestRepo((t) => {
      setup(t);
      // Before: ask, opaque-command or rm-unknown-target, for every one of them.
      expect(check(t, 'for f in src/*.js; do sed -i "s/var/let/" "$f"; done')).toMatchObject({ verdict: 'allow' });
      expect(check(t, 'for f in src/*.js; do mv "$f" "${f%.js}.ts"; done')).toMatchObject({ verdict: 'allow' });
      expect(check(t, 'for f in src/*.js; do git mv "$f" "${f%.js}.ts"; done')).toMatchObject({ verdict: 'allow' });
      expect(check(t, 'for d in packages/*; do rm -rf "$d/dist"; done')).toMatchObject({ verdict: 'allow' });
      const logs = check(t, 'for f in *.log; do rm "$f"; done');
      expect(logs).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(logs.reason).toContain('app.log');
      expect(check(t, 'for f in .env app.log; do rm $f; done')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      // A tracked file the loop deletes: snapshot, named.
      const tracked = check(t, 'for f in src/*.js; do rm "$f"; done');
      expect(tracked).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(tracked.reason).toContain('src/a.js');
      // ${f##*/} and ${f#prefix}: the names in the root, which do not exist there.
      expect(check(t, 'for f in src/*.js; do rm -f "${f##*/}" "${f#src/}"; done')).toMatchObject({ verdict: 'allow' });
      // A glob that matches nothing stays the word: rm of a file named "*.tmp" deletes nothing.
      expect(check(t, 'for f in *.tmp; do rm "$f"; done')).toMatchObject({ verdict: 'allow' });
      // From a subdirectory, the glob is expanded where the loop runs.
      expect(check(t, 'cd src && for f in *.js; do rm "$f"; done')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('denies a value that is a protected path, naming it', async () => {
    await withTestRepo((t) => {
      setup(t);
      const migrations = check(t, 'for f in db/migrations/*; do rm "$f"; done');
      expect(migrations).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(migrations.reason).toContain('db/migrations/001.sql');
      // The strictest value wins, whatever its place in the list.
      const policy = check(t, 'for f in src/a.js .guard.yaml; do sed -i "s/a/b/" "$f"; done');
      expect(policy).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
      expect(policy.reason).toContain('.guard.yaml');
      // A value a glob finds is judged like a literal one: `*.yaml` matches .guard.yaml only with a leading dot.
      const dotted = check(t, 'for f in .*.yaml; do rm "$f"; done');
      expect(dotted).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(dotted.reason).toContain('.guard.yaml');
      expect(check(t, 'for f in *.yaml; do rm "$f"; done')).toMatchObject({ verdict: 'allow' });
    });
  });

  // Found while checking the brief's `git mv` loop: git mv of a protected path was allowed where mv of it is denied.
  it('denies git mv of a protected path, in a loop or not, as mv; a git mv loop within src stays allowed', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['git mv db/migrations/001.sql old.sql', 'for f in db/migrations/*; do git mv "$f" "${f%.sql}.bak"; done', 'mv db/migrations/001.sql old.sql']) {
        const verdict = check(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
        expect(verdict.reason).toContain('db/migrations/001.sql');
      }
      expect(check(t, 'git mv -n db/migrations/001.sql old.sql')).toMatchObject({ verdict: 'allow' });
      expect(check(t, 'for f in src/*.js; do git mv "$f" "${f%.js}.ts"; done')).toMatchObject({ verdict: 'allow' });
    });
  });

  it('keeps ask for word lists guard cannot know', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of [
        'for f in $(ls src); do rm "$f"; done',
        'for f in $UNKNOWN; do rm "$f"; done',
        'for f; do rm "$f"; done',
        'ls | while read f; do rm "$f"; done',
        // basename's output is computed only where exact: not with a function of that name, nor with options.
        'basename() { echo .env; }; for f in src/*.js; do rm "$(basename "$f" .js)"; done',
        'for f in src/*.js; do rm "$(basename -a "$f")"; done',
        'for f in src/*.js; do rm "$(basename "$f" | tr a b)"; done',
      ]) {
        const verdict = check(t, command);
        expect(['ask', 'deny'], `${command}: ${JSON.stringify(verdict)}`).toContain(verdict.verdict);
        expect(verdict.reason).toContain('cannot know');
      }
    });
  });

  it('computes $(basename "$f" .js) exactly, as GNU basename prints it', async () => {
    await withTestRepo((t) => {
      setup(t);
      const rm = check(t, 'for f in src/*.js; do rm "src/$(basename "$f" .js).js"; done');
      expect(rm).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(rm.reason).toContain('src/a.js');
      expect(check(t, 'for f in src/*.js; do rm -f "$(basename "$f" .js).ts"; done')).toMatchObject({ verdict: 'allow' });
      const denied = check(t, 'for f in db/migrations/*; do rm "db/migrations/$(basename "$f")"; done');
      expect(denied).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(denied.reason).toContain('db/migrations/001.sql');
      const cases: Array<[Buffer, Buffer | null]> = [
        [Buffer.from('src/a.js'), Buffer.from('.js')],
        [Buffer.from('a.js'), Buffer.from('a.js')],
        [Buffer.from('dir/sub///'), null],
        [Buffer.from('///'), null],
        [Buffer.from(''), null],
        [Buffer.from('x/.js'), Buffer.from('.js')],
        [Buffer.from('name\n\n'), Buffer.from('e')],
        [Buffer.from([0x64, 0x2f, 0x63, 0x3a, 0xc3, 0xa9]), Buffer.from([0xa9])],
        [Buffer.from([0x64, 0x2f, 0xff, 0x2e, 0x6a, 0x73]), Buffer.from('.js')],
      ];
      for (const [name, suffix] of cases) {
        // The bytes go to basename through printf (a process argument from Node is UTF-8 text).
        const hex = (b: Buffer): string => [...b].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
        const script = `n=$(printf '%bX' '${hex(name)}'); s=$(printf '%bX' '${hex(suffix ?? Buffer.alloc(0))}'); basename -- "\${n%X}" ${suffix ? '"${s%X}"' : ''}`;
        const real = spawnSync('bash', ['-c', script]).stdout;
        const expected = escapedText(real).replace(/\n+$/, '');
        expect(basenameOf(escapedText(name), suffix ? escapedText(suffix) : undefined), name.toString('latin1')).toBe(expected);
      }
    });
  });

  it('keeps ask past 1,000 values, and asks git no more for 40 values than for 2', async () => {
    await withTestRepo((t) => {
      setup(t);
      const many: Record<string, string> = {};
      for (let i = 0; i < 1001; i++) many[`gen/f${i}.txt`] = `${i}\n`;
      writeFiles(t, many);
      expect(check(t, 'for f in gen/*.txt; do rm "$f"; done')).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
      expect(check(t, 'for f in gen/f1*.txt; do rm "$f"; done')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      // The paths of every value are read in one batch: the git processes do not grow with the values.
      const count = (command: string): number => {
        const trace = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(trace) } });
        expect(r.code, r.stderr).toBe(0);
        return countGitProcesses(trace).total;
      };
      const two = count('for f in gen/f1[01].txt; do rm "$f"; done');
      const forty = count('for f in gen/f1[0-3]?.txt; do rm "$f"; done');
      expect(forty).toBe(two);
      expect(two).toBeLessThanOrEqual(4);
    });
  });

  it('expands globs as bash does: dotfiles, brackets, spaces, symlinks, trailing slash, bytes that are not UTF-8', async () => {
    await withTestRepo((t) => {
      setup(t);
      writeFiles(t, { 'g/a b.txt': '1', 'g/.hidden.txt': '2', 'g/c.txt': '3', 'g/[x].txt': '4', 'g/sub/d.txt': '5', 'g/sub2/e.md': '6', 'g/q?.txt': '7' });
      t.symlink('g/link', 'sub');
      fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/g/`), Buffer.from([0xe9, 0x2e, 0x74, 0x78, 0x74])]), '8');
      const patterns = ['g/*.txt', 'g/.*', 'g/*', 'g/?.txt', 'g/[a-c]*', 'g/[!a]*.txt', 'g/*/', 'g/*/*.txt', 'g/*/d.txt', 'g/sub*/*', 'g/\\[x\\].txt', 'g/q\\?.txt', '*/*.js', 'g/*.none', '*.log', '.*'];
      for (const pattern of patterns) {
        const r = spawnSync('bash', ['-c', `for f in ${pattern}; do printf '%s\\0' "$f"; done`], { cwd: t.dir, env: { ...t.env, LC_ALL: 'C' } });
        const bash = r.stdout.length === 0 ? [] : r.stdout.subarray(0, r.stdout.length - 1).toString('latin1').split('\0').map((w) => escapedText(Buffer.from(w, 'latin1')));
        const ours = expandShellGlob({ cwd: t.dir, pattern }, 1000);
        expect(ours, pattern).not.toBeNull();
        // An unmatched glob: bash keeps the word (with quotes removed); guard answers [] and the caller keeps it.
        expect(ours!.length === 0 ? [pattern.replace(/\\(.)/g, '$1')] : ours, pattern).toEqual(bash);
      }
      // Not modelled exactly: no expansion (the loop stays ask).
      expect(expandShellGlob({ cwd: t.dir, pattern: 'g/[[:alpha:]]*' }, 1000)).toBeNull();
      expect(expandShellGlob({ cwd: t.dir, pattern: 'g/*' }, 3)).toBeNull();
    });
  });
});

describe('a for loop run for real after the hook allowed it', () => {
  it('deletes the ignored logs, one not UTF-8, after a snapshot that captured them; guard rollback brings them back', async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = 'for f in *.log; do rm "$f"; done';
      expect(preToolHook(t, { tool: 'Bash', command }).decision).toBe('allow');
      run(t, command);
      const bad = Buffer.concat([Buffer.from(`${t.dir}/`), BAD_LOG]);
      expect(t.exists('app.log')).toBe(false);
      expect(fs.existsSync(bad)).toBe(false);
      rollbackOk(t);
      expect(t.read('app.log')).toBe('log line\n');
      expect(fs.readFileSync(bad, 'utf8')).toBe('bad bytes\n');
    });
  });

  it('renames with ${f%.js}.ts, and guard rollback brings the .js files back', async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = 'for f in src/*.js; do sed -i "s/var/let/" "$f"; mv "$f" "${f%.js}.ts"; done; for f in .env; do rm "$f"; done';
      expect(preToolHook(t, { tool: 'Bash', command }).decision).toBe('allow');
      run(t, command);
      expect(t.read('src/a.ts')).toBe('let a = 1;\n');
      expect(t.exists('src/a.js') || t.exists('.env')).toBe(false);
      rollbackOk(t);
      expect(t.read('src/a.js')).toBe('var a = 1;\n');
      expect(t.read('src/b.js')).toBe('var b = 2;\n');
      expect(t.exists('src/a.ts')).toBe(false);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
    });
  });

  it('denies a loop over protected paths, and nothing runs', async () => {
    await withTestRepo((t) => {
      setup(t);
      const answer = preToolHook(t, { tool: 'Bash', command: 'for f in db/migrations/*; do rm "$f"; done' });
      expect(answer.decision).toBe('deny');
      expect(answer.reason).toContain('db/migrations/001.sql');
      expect(t.read('db/migrations/001.sql')).toBe('create table t (id int);\n');
    });
  });
});
