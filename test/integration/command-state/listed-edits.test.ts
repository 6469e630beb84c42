/**
 * Bulk in-place edits of the names a listing command prints: `git grep -l foo | xargs sed -i`,
 * `grep -rl foo src | xargs sed -i`, `find ... -print0 | xargs -0 perl -pi`, `sed -i ...
 * $(git ls-files '*.js')`. Until 2026-12-05 each was `ask` ("a path guard cannot know"), which
 * Codex, Gemini CLI, OpenCode and Claude Code in bypass mode turn into a refusal. The names are
 * unknown before the command runs, but they are a subset of a set guard lists (listings.ts):
 * tracked files for git's listings, everything under the named directories for grep -r, rg and
 * find. So: a snapshot, capturing first the ignored files in the set (overwrite-ignored), or
 * edit-listed where none is; a protected path in the set refuses an agent; a walk into .git
 * refuses; an unknown producer, or a name that xargs or the shell would split into other names,
 * stays ask. Run for real through Claude Code's hook, then `guard rollback`, bytes compared.
 * One git listing per command: the count does not grow with the files listed (git-trace.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const LOCAL = Buffer.from('const foo = "secret";\r\n\u00e9\u0000foo\n', 'latin1');

function setup(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '.env\n*.log\ndist/\n', 'src/a.js': 'const foo = 1;\n', 'src/b.ts': 'foo\n', 'README.md': 'foo\n' });
  fs.appendFileSync(path.join(t.dir, '.git/info/exclude'), 'src/config.local.js\n');
  writeFiles(t, { 'src/config.local.js': [LOCAL, 0o600], '.env': 'foo=1\n', 'dist/out.js': 'foo\n' });
}

const CAPTURING = [
  'grep -rl foo src | xargs sed -i s/foo/bar/',
  "find src -name '*.js' | xargs sed -i s/foo/bar/",
  "find src -name '*.js' -print0 | xargs -0 perl -pi -e s/foo/bar/",
  'sed -i s/foo/bar/ $(grep -rl foo src)',
  // A `while read` loop over the lines of a listing: the variable is one of its names (evaluate.ts `read`).
  "find src -name '*.js' | while read -r f; do sed -i s/foo/bar/ \"$f\"; done",
  'grep -rl foo src | while IFS= read -r f; do perl -pi -e s/foo/bar/ "$f"; done',
];

const TRACKED = ["git ls-files '*.js' | while read f; do sed -i s/foo/bar/ \"$f\"; done", 'git grep -l foo | xargs sed -i s/foo/bar/', "git ls-files '*.js' | xargs sed -i s/foo/bar/", 'git grep -lz foo -- src | xargs -0 perl -pi -e s/foo/bar/', "sed -i s/foo/bar/ $(git ls-files '*.js')"];

describe('an in-place edit of what a listing prints is judged by the set it can print', () => {
  it.each(CAPTURING)('%s: the ignored file under the directory is captured first; run, rollback gives its bytes back', async (command) => {
    await withTestRepo((t) => {
      setup(t);
      const before = stateWithModes(t, ['src/config.local.js']);
      // The verdict, rule and reason as the hook journaled them (one evaluation serves the hook
      // and check-command): no check-command process of its own.
      const hook = hookWithVerdict(t, command, { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.snapshotReason).toContain('src/config.local.js');
      shellOk(t, command);
      expect(fs.readFileSync(path.join(t.dir, 'src/config.local.js'))).not.toEqual(LOCAL);
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'src/config.local.js'))).toEqual(LOCAL);
      expect(stateWithModes(t, ['src/config.local.js'])).toEqual(before);
    });
  });

  it.each(TRACKED)('%s: tracked files only, a snapshot (edit-listed) with nothing to capture; rollback gives them back', async (command) => {
    await withTestRepo((t) => {
      setup(t);
      const before = stateWithModes(t, ['src/config.local.js']);
      expect(hookWithVerdict(t, command, { direct: true })).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'edit-listed' });
      shellOk(t, command);
      expect(fs.readFileSync(path.join(t.dir, 'src/a.js'), 'utf8')).toBe('const bar = 1;\n');
      expect(fs.readFileSync(path.join(t.dir, 'src/config.local.js'))).toEqual(LOCAL);
      rollbackOk(t);
      expect(stateWithModes(t, ['src/config.local.js'])).toEqual(before);
    });
  });

  it('a protected path git grep may list is refused to an agent, naming it and the way forward; left out by a pathspec, allowed', async () => {
    await withTestRepo((t) => {
      setup(t);
      commitFiles(t, { '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - src/keys.js\n', 'src/keys.js': 'foo\n' }, 'policy');
      const command = 'git grep -l foo | xargs sed -i s/foo/bar/';
      const verdict = checkVerdict(t, command, { asAgent: true });
      expect(verdict).toMatchObject({ verdict: 'deny' });
      expect(['protected-path', 'guard-self']).toContain(verdict.rule);
      expect(verdict.instead).toMatch(/leaving (src\/keys\.js|\.guard\.yaml) out/);
      expect(agentVerdict(t, command).decision).toBe('deny');
      expect(fs.readFileSync(path.join(t.dir, 'src/keys.js'), 'utf8')).toBe('foo\n');
      const narrowed = "git grep -l foo -- src ':!src/keys.js' | xargs sed -i s/foo/bar/";
      expect(checkVerdict(t, narrowed, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'edit-listed' });
    });
  });

  it('a walk into .git is refused; an unknown producer, untracked listings and names xargs would split stay ask', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['grep -rl foo . | xargs sed -i s/foo/bar/', 'find . -type f | xargs sed -i s/foo/bar/']) {
        const verdict = checkVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: 'git-dir-write' });
        expect(verdict.instead).toContain('--exclude-dir=.git');
      }
      expect(checkVerdict(t, 'grep -rl --exclude-dir=.git foo . | xargs sed -i s/foo/bar/')).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      for (const command of ['cat list | xargs sed -i s/foo/bar/', 'git ls-files --others | xargs sed -i s/foo/bar/', 'grep -Rl foo src | xargs sed -i s/foo/bar/', 'git -C src grep -l foo | xargs sed -i s/foo/bar/', 'git grep -l foo | xargs -0 sed -i s/foo/bar/']) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'ask' });
      }
      // A tracked name with a blank: xargs would split it into `src/x` and `.env`.
      commitFiles(t, { 'src/x .env': 'foo\n' }, 'blank');
      const split = checkVerdict(t, 'git ls-files | xargs sed -i s/foo/bar/');
      expect(split).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
      // The refusal names the name and the spelling guard reads exactly (hunt of 2026-12-05: a
      // vite fixture's `test space.js` made every `grep -rl foo packages | xargs sed -i` a bare refusal).
      expect(split.reason).toContain('src/x .env');
      expect(split.instead).toContain('xargs -0');
      expect(checkVerdict(t, 'sed -i s/foo/bar/ $(git ls-files)').instead).toContain('xargs -0');
      expect(checkVerdict(t, 'git ls-files -z | xargs -0 sed -i s/foo/bar/')).toMatchObject({ verdict: 'snapshot', rule: 'edit-listed' });
      // read strips blanks and reads backslashes: the same name makes a while-read loop ask too.
      expect(checkVerdict(t, 'git ls-files | while read -r f; do sed -i s/foo/bar/ "$f"; done')).toMatchObject({ verdict: 'ask' });
      // Not one line of a listing: another producer, two variables, a NUL delimiter.
      for (const command of ['cat list | while read f; do sed -i s/foo/bar/ "$f"; done', 'git ls-files src | while read f g; do sed -i s/foo/bar/ "$f"; done', "git ls-files -z src | while read -r -d '' f; do sed -i s/foo/bar/ \"$f\"; done"]) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'ask' });
      }
    });
  });

  it.each(['git grep -l foo | xargs sed -i s/foo/bar/', 'grep -rl foo src | xargs sed -i s/foo/bar/'])('%s: the git processes do not grow with the files listed', async (command) => {
    await withTestRepo((t) => {
      setup(t);
      const count = (name: string): number => {
        const trace = path.join(t.base, `trace-${name}.json`);
        const r = t.guard(['check-command', '--json', command], { env: traceEnv(trace) });
        expect(r.code, r.stderr).toBe(0);
        return countGitProcesses(trace).total;
      };
      const few = count('few');
      const files: Record<string, string> = {};
      for (let i = 0; i < 300; i++) files[`src/m${i}.js`] = 'foo\n';
      commitFiles(t, files, 'many');
      for (let i = 0; i < 50; i++) t.write(`src/l${i}.local.js`, 'foo\n');
      fs.appendFileSync(path.join(t.dir, '.git/info/exclude'), 'src/*.local.js\n');
      expect(count('many')).toBe(few);
      expect(few).toBeLessThanOrEqual(4);
    });
  });
});
