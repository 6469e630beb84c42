/**
 * A nested git repository inside regenerable output (node_modules, vendor: commands.regenerable)
 * holding work no remote holds is not regenerable: `rm -rf node_modules` would lose a patched
 * dependency's local commits for good (no snapshot holds another repository's history), and was
 * allowed uncaptured until 2026-12-05. Such a deletion is refused, naming the repository; a clean
 * clone at a published commit goes as the rest of the output does, and without a nested
 * repository nothing changes (allowed, nothing captured). One fixture; the hook once. The verdict
 * tables are judged by check-command's evaluation in this process (test/helpers/evaluated.ts), one
 * row through `guard check-command` itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { allowedCheckGitArgv, installedClaudeHook, installedHookGitProcesses } from '../../helpers/guard-steps.js';
import { RACY_WINDOW_MS } from '../../../src/agents/answer-cache.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/** A repository at `rel` of `root` (the test repository's by default) with one local commit (no remote holds it). */
function localClone(t: TestRepo, rel: string, root = t.dir): void {
  const cwd = path.join(root, rel);
  fs.mkdirSync(cwd, { recursive: true });
  fs.writeFileSync(path.join(cwd, 'index.js'), 'module.exports = 1;\n');
  t.git(['init', '-q'], { cwd });
  t.git(['add', '-A'], { cwd });
  t.git(['commit', '-q', '-m', 'local patch'], { cwd });
}

/** One commit of `files` with node_modules/ ignored, then guard init for `agents`. */
function guardedRepo(t: TestRepo, files: Record<string, string>, agents: string): void {
  t.write('.gitignore', 'node_modules/\n');
  for (const [file, content] of Object.entries(files)) t.write(file, content);
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  const init = t.guard(['init', '--yes', '--agents', agents]);
  expect(init.code, init.stderr).toBe(0);
}

describe('regenerable output holding a nested repository with unpublished work', () => {
  it('rm -rf / find -delete / a glob over node_modules or vendor is refused naming it; published or absent, allowed', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'node_modules/\nvendor/\n');
      t.write('src/app.ts', 'export {};\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.write('node_modules/bar/index.js', 'module.exports = 2;\n');
      localClone(t, 'node_modules/foo');
      // A Composer `--prefer-source` install: vendor/VENDOR/NAME.
      localClone(t, 'vendor/acme/lib');
      t.write('vendor/autoload.php', '<?php\n');
      // A clean clone of a published repository, in an npm scope: as regenerable as the rest.
      const bare = path.join(t.base, 'pub.git');
      t.git(['init', '-q', '--bare', bare]);
      t.git(['push', '-q', bare, 'HEAD:main']);
      t.git(['clone', '-q', bare, path.join(t.dir, 'node_modules/@scope/pub')]);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);

      // check-command's own path for the first row; the tables through the same evaluation in this process.
      expect(checkVerdict(t, 'rm -rf node_modules', { asAgent: true })).toEqual(await evaluatedVerdict(t, 'rm -rf node_modules', { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        ['rm -rf node_modules', 'deny', 'git-dir-write', ['node_modules/foo', '1 commit that no remote-tracking branch or tag holds']],
        ['rm -rf vendor', 'deny', 'git-dir-write', 'vendor/acme/lib'],
        ['rm -rf node_modules/foo', 'deny', 'git-dir-write', 'is the ignored nested git repository node_modules/foo'],
        ['find node_modules -delete', 'deny', 'git-dir-write', 'node_modules/foo'],
        ['rm -rf node_modules/*', 'deny', 'git-dir-write', 'node_modules/foo'],
        // The names a listing prints: judged by the set it lists, the repositories in it included.
        ["find node_modules -maxdepth 1 -name 'fo*' | xargs rm -rf", 'deny', 'git-dir-write', 'node_modules/foo'],
        ["find node_modules/bar -name '*.js' -print0 | xargs -0 rm -f", 'allow', 'no-risk'],
        ['rm -rf node_modules/bar', 'allow', 'no-risk'],
        ['rm -rf node_modules/@scope', 'allow', 'no-risk'],
        // A move takes the repository along, .git and all.
        ['mv node_modules node_modules.old', 'allow', 'no-risk'],
      ]);
      // The installed Claude Code hook answers the same (its sh shim hands rm lines to Node).
      const hook = installedClaudeHook(t, 'rm -rf node_modules');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('node_modules/foo');

      // Uncommitted work in the published clone: refused too.
      t.write('node_modules/@scope/pub/src/app.ts', 'export const patched = 1;\n');
      await expectEvaluatedVerdicts(t, [['rm -rf node_modules/@scope', 'deny', 'git-dir-write', ['node_modules/@scope/pub', 'uncommitted changes']]]);

      // git clean -fdx (one -f) skips nested repositories itself, also inside ignored directories:
      // a snapshot as before, and the repositories stay (-ff is denied: git-clean-nested).
      await expectEvaluatedVerdicts(t, [['git clean -fdx', 'snapshot', 'git-clean']]);
      t.git(['clean', '-q', '-fdx']);
      expect(['node_modules/foo/.git', 'vendor/acme/lib/.git', 'node_modules/@scope/pub/.git', 'node_modules/bar'].map((rel) => t.exists(rel))).toEqual([true, true, true, false]);

      // No nested repository: regenerable output goes as before, allowed and captured into nothing.
      for (const rel of ['node_modules/foo', 'vendor/acme/lib', 'node_modules/@scope/pub']) fs.rmSync(path.join(t.dir, rel, '.git'), { recursive: true, force: true });
      await expectEvaluatedVerdicts(t, [['rm -rf vendor', 'allow', 'no-risk']]);
      // npm's nested layout (a dependency whose version conflicts with the hoisted one): a clone in a package's own node_modules.
      t.write('node_modules/bar/package.json', '{ "name": "bar" }\n');
      localClone(t, 'node_modules/bar/node_modules/baz');
      await expectEvaluatedVerdicts(t, [['rm -rf node_modules', 'deny', 'git-dir-write', 'node_modules/bar/node_modules/baz']]);
      fs.rmSync(path.join(t.dir, 'node_modules/bar/node_modules/baz/.git'), { recursive: true, force: true });
      // ... and the look for a nested repository is the file system's alone: no git process more.
      const argv = allowedCheckGitArgv(t, 'rm -rf node_modules');
      expect(argv.filter((a) => a.includes('rev-list') || a.includes('status'))).toEqual([]);
    });
  });

  it('git worktree remove of a linked worktree whose node_modules holds one is refused naming it; without it, allowed', async () => {
    await withTestRepo(async (t) => {
      guardedRepo(t, { 'README.md': 'x\n' }, 'none');
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', wt]);
      // The dependency patched in the worktree's node_modules, with a local commit; a plain package beside it.
      fs.mkdirSync(path.join(wt, 'node_modules', 'bar'), { recursive: true });
      fs.writeFileSync(path.join(wt, 'node_modules', 'bar', 'index.js'), 'module.exports = 2;\n');
      localClone(t, 'node_modules/foo', wt);
      const foo = path.join(wt, 'node_modules', 'foo');
      await expectEvaluatedVerdicts(t, [[`git worktree remove ${wt}`, 'deny', 'git-worktree-remove-ignored', ['node_modules/foo', 'that no remote-tracking branch or tag holds']]]);
      fs.rmSync(path.join(foo, '.git'), { recursive: true, force: true });
      await expectEvaluatedVerdicts(t, [[`git worktree remove ${wt}`, 'allow', 'no-risk']]);
    });
  });

  it('npm ci, and an install that prunes what no dependency reaches, are refused while a patched clone there holds local work; pnpm, a dependency, or without it, allowed', async () => {
    await withTestRepo(async (t) => {
      guardedRepo(t, { 'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "bar": "1" } }\n' }, 'claude');
      // Through the installed Claude Code hook: allowed twice (whatever its sh shim keeps; no
      // node_modules yet), then refused as soon as a patched clone is there.
      for (let i = 0; i < 2; i++) expect(installedClaudeHook(t, 'npm install').decision).toBe('allow');
      t.write('node_modules/bar/package.json', '{ "name": "bar", "dependencies": { "baz": "1" } }\n');
      // foo is there already as a plain package: making it a repository changes nothing node_modules itself records.
      t.write('node_modules/foo/index.js', 'module.exports = 1;\n');
      for (let i = 0; i < 2; i++) expect(installedClaudeHook(t, 'npm ci').decision).toBe('allow');
      // With node_modules there and no clone in it, `npm install` is kept for the hook's sh shim by
      // the directories the walk looked at (answer-cache.ts): Node once, then one git process (the
      // launcher's). Once past the racy window within which nothing is kept.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RACY_WINDOW_MS + 1200);
      expect(installedHookGitProcesses(t, 'npm install', { kept: true })).toBeGreaterThan(1);
      expect(installedHookGitProcesses(t, 'npm install', { kept: true })).toBe(1);
      // A `.git` made in node_modules/foo changes foo's directory, which the kept answer lists:
      // the shim hands the next `npm install` to Node, which refuses it (below).
      localClone(t, 'node_modules/foo');
      // baz, a clone too, is a dependency of bar (npm's nested layout): kept by every install.
      localClone(t, 'node_modules/bar/node_modules/baz');
      for (const command of ['npm ci', 'npm install']) {
        const hook = installedClaudeHook(t, command);
        expect(hook.decision, command).toBe('deny');
        expect(hook.reason).toContain('node_modules/foo');
      }
      await expectEvaluatedVerdicts(t, [
        ['npm ci', 'deny', 'git-dir-write', ['npm ci deletes node_modules before it installs', 'node_modules/foo', 'that no remote-tracking branch or tag holds']],
        ['npm clean-install --ignore-scripts', 'deny', 'git-dir-write', 'node_modules/foo'],
        // npm (install, prune, uninstall ...) and yarn 1 remove what no dependency reaches; pnpm leaves it.
        ['npm install left-pad --ignore-scripts', 'deny', 'git-dir-write', ['npm install removes from node_modules every package no dependency reaches', 'node_modules/foo']],
        ['npm prune', 'deny', 'git-dir-write', 'node_modules/foo'],
        ['yarn', 'deny', 'git-dir-write', 'node_modules/foo'],
        ['pnpm install', 'allow', 'no-risk'],
      ]);
      // foo declared: kept by an install, not by its uninstall (nor, with bar gone, is baz).
      t.write('package.json', '{ "name": "app", "version": "1.0.0", "dependencies": { "bar": "1", "foo": "1" } }\n');
      await expectEvaluatedVerdicts(t, [
        ['npm install', 'allow', 'no-risk'],
        ['npm uninstall foo', 'deny', 'git-dir-write', 'node_modules/foo'],
        ['npm rm bar', 'deny', 'git-dir-write', 'node_modules/bar/node_modules/baz'],
      ]);
      fs.rmSync(path.join(t.dir, 'node_modules/foo/.git'), { recursive: true, force: true });
      fs.rmSync(path.join(t.dir, 'node_modules/bar/node_modules/baz/.git'), { recursive: true, force: true });
      await expectEvaluatedVerdicts(t, [['npm ci', 'allow', 'no-risk']]);
      // No repository in node_modules: an install starts no git process (the look is the file system's).
      const argv = allowedCheckGitArgv(t, 'npm uninstall foo');
      expect(argv.filter((a) => a.includes('rev-list') || a.includes('status'))).toEqual([]);
    });
  });
});
