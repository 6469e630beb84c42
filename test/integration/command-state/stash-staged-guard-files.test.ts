/**
 * A project that tracks the file guard writes Claude Code's hooks into (ardalis/CleanArchitecture
 * tracks `.claude/settings.local.json`): guard's entries are an uncommitted change of it, and
 * `.guard.yaml` is new. An agent's `git stash` was refused only where guard's change was unstaged
 * (the check asked the worktree-to-index diff): after the everyday `git add -A`, `git stash` took
 * guard's hook entries and the staged `.guard.yaml` out of the working tree into the entry (found
 * 2026-12-07, helper recdata: `guard status` then said "holds none of guard's hooks", and the
 * policy file was gone), and `git stash --staged`, `git stash -p` and `--pathspec-from-file` were
 * never judged. Now each asks the diff the stash actually takes (from HEAD; `--staged` HEAD to the
 * index; `--keep-index` the index to the working tree), through the installed hook, real git.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { captureState } from '../../helpers/state.js';
import { checkVerdict } from '../../helpers/verdicts.js';

const LOCAL = '.claude/settings.local.json';
const bytes = (t: TestRepo, file: string): Buffer => fs.readFileSync(path.join(t.dir, file));

/** The CleanArchitecture shape: the settings file tracked, guard set up after it (its entries uncommitted, .guard.yaml new). */
function setup(t: TestRepo): Buffer {
  t.write(LOCAL, `${JSON.stringify({ permissions: { allow: ['Bash(dotnet build:*)'] } }, null, 2)}\n`);
  t.write('src/a.cs', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return bytes(t, LOCAL);
}

describe("git stash over guard's staged files", () => {
  it("after `git add -A`, git stash, --staged, -p and --pathspec-from-file are refused (guard-self); --keep-index, which leaves staged changes, and a scope without guard's files stay free", async () => {
    await withTestRepo((t) => {
      const guarded = setup(t);
      t.write('src/a.cs', 'changed\n');
      t.git(['add', '-A']);
      expect(t.git(['status', '--porcelain'])).toBe(`M  ${LOCAL}\nA  .guard.yaml\nM  src/a.cs\n`);
      for (const command of ['git stash', 'git stash push -m wip', 'git stash save wip', 'git stash --staged', 'git stash push -p', 'git stash push --pathspec-from-file=list.txt', 'git stash -k --no-keep-index']) {
        const verdict = installedClaudeHook(t, command);
        expect(verdict.decision, command).toBe('deny');
        expect(verdict.reason, command).toMatch(/git stash takes the uncommitted changes of (\.claude\/settings\.local\.json|\.guard\.yaml)/);
      }
      const check = checkVerdict(t, 'git stash', { asAgent: true });
      expect(check).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
      // Nothing ran: guard's entries and the policy are where they were, staged.
      const before = captureState(t);
      expect(installedClaudeHook(t, 'git stash').decision).toBe('deny');
      expect(captureState(t)).toEqual(before);
      expect(bytes(t, LOCAL).equals(guarded)).toBe(true);
      // --keep-index leaves every staged change in the working tree; a pathspec without guard's files takes none.
      for (const command of ['git stash -k', 'git stash push -- src', 'git stash push --staged -- src', 'git stash push -p -- src']) expect(installedClaudeHook(t, command).decision, command).toBe('allow');
      // What `git stash` would have done: guard's hooks and its policy gone from the working tree.
      t.git(['stash', '-q']);
      expect(bytes(t, LOCAL).equals(guarded)).toBe(false);
      expect(fs.existsSync(path.join(t.dir, '.guard.yaml'))).toBe(false);
    });
  });

  it('guard\'s change only unstaged: --staged takes none of it and stays free; -p and --keep-index are refused', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('src/a.cs', 'changed\n');
      t.git(['add', 'src/a.cs']);
      expect(installedClaudeHook(t, 'git stash --staged').decision).toBe('allow');
      for (const command of ['git stash -p', 'git stash -k', 'git stash']) expect(installedClaudeHook(t, command).decision, command).toBe('deny');
      // A person's stash is theirs to run.
      expect(checkVerdict(t, 'git stash --staged')).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'git stash -p')).toMatchObject({ verdict: 'allow' });
    });
  });
});
