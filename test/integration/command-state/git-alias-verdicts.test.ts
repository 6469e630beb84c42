/**
 * A git alias is judged as what it runs, and its verdict names the alias typed. A `!` alias is
 * the shell text git runs from the repository's top level: `alias.wipe = !git clean -fdx` was
 * refused (git-clean-ignored) where the same `git clean -fdx` typed is a snapshot that captures
 * the ignored .env and, for Claude Code, puts guard's own hook settings back after the command:
 * guard appended "$@", which its expansion made one empty word, and judged `git clean -fdx ''`.
 * Both ways must agree: an alias of something refused stays refused. Typed in a subdirectory,
 * the alias still runs at the top (it takes the root's .env; the clean typed there does not).
 * The verdicts are check-command's evaluation in this process (test/helpers/evaluated.ts), one row
 * compared with `guard check-command` itself; the installed hook and the rollback run for real.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setup(t: TestRepo): void {
  t.write('.gitignore', '.env\ndist/\n');
  t.write('src/a.ts', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  t.git(['add', '.guard.yaml']);
  t.git(['commit', '-q', '-m', 'policy']);
  t.git(['config', 'alias.wipe', '!git clean -fdx']);
  t.git(['config', 'alias.wipef', '!f() { git clean -fdx; }; f']);
  t.git(['config', 'alias.cl', 'clean -fdx']);
  t.git(['config', 'alias.fp', '!git push --force origin main']);
  t.git(['config', 'alias.nuke', 'reset --hard']);
  t.git(['config', 'alias.Tidy', '!git clean -fd']);
  t.write('.env', 'SECRET=1\n', 0o600);
  t.write('src/.env', 'SRC_SECRET=1\n', 0o600);
  t.write('dist/out.js', 'built\n');
  t.write('scratch.txt', 'junk\n');
}

/** The alias's verdict is the typed command's, its reason the typed one's after the alias named. */
async function agrees(t: TestRepo, alias: string, typed: string, shown: string, cwd?: string): Promise<void> {
  const a = await evaluatedVerdict(t, alias, { asAgent: true, ...(cwd ? { cwd } : {}) });
  const b = await evaluatedVerdict(t, typed, { asAgent: true });
  expect({ verdict: a.verdict, rule: a.rule }, alias).toEqual({ verdict: b.verdict, rule: b.rule });
  expect(a.reason, alias).toBe(`${shown}: ${b.reason}`);
}

describe('git aliases judged as what they run, named in the verdict', () => {
  it('typed and aliased agree, both ways; the reason names the alias typed', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const clean = await evaluatedVerdict(t, 'git clean -fdx', { asAgent: true });
      // check-command's own path for this row; the file's other rows through the same evaluation in this process.
      expect(checkVerdict(t, 'git clean -fdx', { asAgent: true })).toEqual(clean);
      expect(clean).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(clean.reason).toContain('.env');
      expect(clean.reason).toContain('puts it back right after the command');
      await agrees(t, 'git wipe', 'git clean -fdx', '`git wipe` is the alias `!git clean -fdx`');
      await agrees(t, 'git wipef', 'git clean -fdx', '`git wipef` is the alias `!f() { git clean -fdx; }; f`');
      await agrees(t, 'git cl', 'git clean -fdx', '`git cl` is the alias `clean -fdx`');
      await agrees(t, "git -c alias.x='!git clean -fdx' x", 'git clean -fdx', '`git x` is the alias `!git clean -fdx`');
      // git matches alias names ignoring case.
      await agrees(t, "git -c alias.X='!git clean -fdx' x", 'git clean -fdx', '`git x` is the alias `!git clean -fdx`');
      await agrees(t, 'git tidy', 'git clean -fd', '`git tidy` is the alias `!git clean -fd`');
      // Arguments reach the alias as "$@" does: one word each.
      // (scratch.txt: an untracked file it takes; a clean of regenerable output alone is free, no alias named.)
      await agrees(t, 'git wipe -e .env -- dist scratch.txt', 'git clean -fdx -e .env -- dist scratch.txt', '`git wipe` is the alias `!git clean -fdx`');
      // Refused typed, refused aliased.
      await agrees(t, 'git fp', 'git push --force origin main', '`git fp` is the alias `!git push --force origin main`');
      expect((await evaluatedVerdict(t, 'git fp', { asAgent: true })).verdict).toBe('deny');
      await agrees(t, 'git nuke', 'git reset --hard', '`git nuke` is the alias `reset --hard`');
      // An alias cannot shadow git's own command: git runs its status (the -c value is still judged).
      expect((await evaluatedVerdict(t, "git -c alias.status='!rm -rf src' status", { asAgent: true })).reason).toMatch(/^git -c sets the alias status to `!rm -rf src`: /);
    });
  });

  it('typed in a subdirectory, a ! alias runs from the top level, as git runs it', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const src = path.join(t.dir, 'src');
      // Typed there, git clean keeps to src/; the alias takes what the clean typed at the root takes.
      expect((await evaluatedVerdict(t, 'git clean -fdx', { asAgent: true, cwd: src })).reason).toContain('the ignored file src/.env into');
      const root = await evaluatedVerdict(t, 'git clean -fdx', { asAgent: true });
      expect(root.reason).toContain('the ignored files .env, src/.env into');
      expect((await evaluatedVerdict(t, 'git wipe', { asAgent: true, cwd: src })).reason).toBe(`\`git wipe\` is the alias \`!git clean -fdx\`: ${root.reason}`);
      // What git does: the root's .env goes too.
      const r = spawnSync('git', ['wipe'], { cwd: src, env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(t.exists('.env')).toBe(false);
      expect(t.exists('src/.env')).toBe(false);
    });
  });

  it('through the installed hook, `git wipe` snapshots, captures .env, and guard rollback brings it back', async () => {
    await withTestRepo((t) => {
      setup(t);
      commitGuardFiles(t, 'hooks');
      t.write('.env', 'SECRET=1\n', 0o600);
      expect(installedClaudeHook(t, 'git wipe').decision).toBe('allow');
      expect(loggedEvents<{ command: string; rule: string }>(t, 'allowed-after-snapshot')).toMatchObject([{ command: 'git wipe', rule: 'git-clean' }]);
      // The watcher the hook's session started would snapshot after the clean: stopped first.
      t.guard(['watch', 'stop']);
      t.git(['wipe']);
      expect(t.exists('.env')).toBe(false);
      rollbackOk(t);
      expect(t.read('.env')).toBe('SECRET=1\n');
      expect(fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toBe(0o600);
    });
  });
});
