/**
 * Build and package caches in the home directory (docs/FRICTION.md, "Real projects, third round":
 * pointfreeco/swift-composable-architecture's `rm -rf ~/Library/Developer/Xcode/DerivedData`, and
 * `rm -rf ~/.cache/pip`, `~/.npm/_cacache`, `~/.gradle/caches`, `~/.cache/go-build`) were refused as
 * rm-outside-repo. Their tools rebuild them: deleting them is free now (targets.ts TOOL_CACHES),
 * the home directory, its configuration and the caches' parents stay refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('a well-known tool cache in the home directory', () => {
  it('may be deleted; the home directory and what is not a cache stay refused', async () => {
    await withTestRepo(async (t) => {
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      for (const dir of ['Library/Developer/Xcode/DerivedData/App-abc', 'Library/Developer/Xcode/Archives/x', '.cache/pip/http', '.cache/go-build/00', '.npm/_cacache/index-v5', '.gradle/caches/8.5', '.ssh', '.config/gh', '.derivedData/x', '.pub-cache/hosted/pub.dev/path-1.9.0', '.pub-cache/bin', '.pub-cache-old/x']) {
        fs.mkdirSync(path.join(t.home, dir), { recursive: true });
      }
      fs.writeFileSync(path.join(t.home, '.bashrc'), 'export A=1\n');
      fs.writeFileSync(path.join(t.home, '.gradle/gradle.properties'), 'token=x\n');
      // a link inside the cache into the repository is no cache
      fs.symlinkSync(t.dir, path.join(t.home, '.cache/linked'));
      expect(checkVerdict(t, 'rm -rf ~/Library/Developer/Xcode/DerivedData', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // holes7 (2026-12-07): Dart's pub cache was refused while `dart pub cache clean -f` was free
      expect(checkVerdict(t, 'rm -rf ~/.pub-cache', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      await expectEvaluatedTable(t, [
        ['rm -rf ~/Library/Developer/Xcode/DerivedData', 'allow', 'no-risk'],
        ['rm -rf ~/Library/Developer/Xcode/DerivedData/*', 'allow', 'no-risk'],
        ['rm -rf ~/.cache/pip', 'allow', 'no-risk'],
        ['rm -rf ~/.npm/_cacache', 'allow', 'no-risk'],
        ['rm -rf ~/.gradle/caches', 'allow', 'no-risk'],
        ['rm -rf ~/.cache/go-build', 'allow', 'no-risk'],
        ['rm -rf "$HOME/.cache/pip"', 'allow', 'no-risk'],
        ['rm -rf ~/.pub-cache', 'allow', 'no-risk'],
        ['rm -rf ~/.pub-cache/hosted', 'allow', 'no-risk'],
        ['rm -rf $HOME/.pub-cache/hosted/pub.dev/path-1.9.0', 'allow', 'no-risk'],
        ['rm -rf ~/.pub-cache-old', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/.pub-cache/../.ssh', 'deny', 'rm-outside-repo'],
        ['rm -rf ~', 'deny', 'rm-home'],
        ['rm -rf ~/.ssh', 'deny', 'rm-outside-repo'],
        ['rm ~/.bashrc', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/.config', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/.gradle', 'deny', 'rm-outside-repo'],
        ['rm ~/.gradle/gradle.properties', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/Library/Developer/Xcode/Archives', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/.derivedData', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/.cache/../.ssh', 'deny', 'rm-outside-repo'],
        ['rm -rf ~/.cache/linked/*', 'deny', 'rm-outside-repo'],
      ]);
      // holes8 (2026-12-08): `pub cache clean` deletes $PUB_CACHE whole; one the line sets is judged as that
      // directory's deletion (it was free whatever it named); the environment's own stays free, as ~/.pub-cache
      const home = checkVerdict(t, 'PUB_CACHE=$HOME dart pub cache clean -f', { asAgent: true });
      expect(home).toMatchObject({ verdict: 'deny', rule: 'rm-home', reason: expect.stringContaining('dart pub cache clean deletes PUB_CACHE') });
      const unknown = checkVerdict(t, 'rm -rf "$PUB_CACHE"', { asAgent: true });
      expect(unknown).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
      expect(unknown.instead).toContain('`dart pub cache clean -f`');
      await expectEvaluatedTable(t, [
        ['export PUB_CACHE=$HOME/.ssh; flutter pub cache clean -f', 'deny', 'rm-outside-repo', ['flutter pub cache clean deletes PUB_CACHE']],
        ['PUB_CACHE=$(cat where) dart pub cache clean -f', 'ask', 'rm-unknown-target', ['$PUB_CACHE']],
        // bash expands `~` after a declaration's `=` (it was the literal `~/.ssh` to guard: free)
        ['export PUB_CACHE=~/.ssh; dart pub cache clean -f', 'deny', 'rm-outside-repo', ['/.ssh']],
        ['export X=~/.ssh; rm -rf $X', 'deny', 'rm-outside-repo'],
        ['declare X=~/.ssh; rm -rf "$X"', 'deny', 'rm-outside-repo'],
        ["export X='~/.ssh'; rm -rf $X", 'allow', 'no-risk'],
        ['export X=~/.cache/pip; rm -rf $X', 'allow', 'no-risk'],
        ['rm -rf $PUB_CACHE', 'ask', 'rm-unknown-target'],
        ['dart pub cache clean -f', 'allow', 'no-risk'],
        ['flutter pub cache clean --force', 'allow', 'no-risk'],
        ['PUB_CACHE=~/.pub-cache dart pub cache clean -f', 'allow', 'no-risk'],
        ['PUB_CACHE=/tmp/pub dart pub cache clean -f', 'allow', 'no-risk'],
        ['PUB_CACHE=/tmp/pub dart pub get', 'allow', 'no-risk'],
      ]);
    });
  });
});

describe("Nx's caches in the repository", () => {
  it('are built-in regenerable output: deleting them needs no snapshot', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '/.nx/cache\n/.nx/workspace-data\nnode_modules/\n');
      t.write('nx.json', '{}\n');
      t.write('.nx/installation/package.json', '{}\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'nx']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('.nx/cache/123/outputs/dist/a.js', 'x\n');
      t.write('.nx/workspace-data/project-graph.json', '{}\n');
      t.write('.nx/notes.txt', 'mine\n');
      expect(checkVerdict(t, 'rm -rf .nx/cache', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf .nx/cache', 'allow', 'no-risk'],
        ['rm -rf .nx/cache .nx/workspace-data', 'allow', 'no-risk'],
        // the rest of .nx is not output: an untracked file of one's own there is captured first
        ['rm -rf .nx', 'snapshot', 'rm-in-repo'],
      ]);
    });
  });
});
