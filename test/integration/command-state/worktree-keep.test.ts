/**
 * Removing a linked worktree must not lose commits. `git worktree remove [--force]` and `git
 * worktree prune` (once the worktree's directory is deleted) delete the worktree's admin
 * directory: its HEAD and its per-worktree refs (refs/bisect/*, refs/worktree/*). A commit an
 * agent made there on a detached HEAD is then reachable from nothing, no snapshot of this
 * worktree holds it, and the next gc takes it. So the installed agent hook reads, before the
 * command, which worktrees go and which commits only they reach, lets the command run after a
 * snapshot and keeps those commits in refs/guard/keep/head. Each test then runs the command as
 * the agent would, expires the reflogs and prunes every unreachable object, and checks that the
 * commits are still there.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

/** A repository with guard installed for Claude Code and one commit on main. */
/** Built once (beforeAll) and copied for each test (test/helpers/repo-template.ts). */
function build(t: TestRepo): void {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

/**
 * A detached worktree at `wt` with two commits of its own that nothing else reaches: `head` (its
 * HEAD) and `side` (only refs/worktree/side and refs/bisect/bad in it hold that one).
 */
function detachedWork(t: TestRepo, wt: string): { head: string; side: string } {
  t.git(['worktree', 'add', '-q', '--detach', wt]);
  fs.writeFileSync(path.join(wt, 'side.txt'), 'side\n');
  t.git(['add', 'side.txt'], { cwd: wt });
  t.git(['commit', '-q', '-m', 'side work'], { cwd: wt });
  const side = t.git(['rev-parse', 'HEAD'], { cwd: wt }).trim();
  t.git(['update-ref', 'refs/worktree/side', side], { cwd: wt });
  t.git(['update-ref', 'refs/bisect/bad', side], { cwd: wt });
  t.git(['checkout', '-q', '--detach', 'HEAD~1'], { cwd: wt });
  fs.writeFileSync(path.join(wt, 'work.txt'), 'work\n');
  t.git(['add', 'work.txt'], { cwd: wt });
  t.git(['commit', '-q', '-m', 'agent work on a detached HEAD'], { cwd: wt });
  return { head: t.git(['rev-parse', 'HEAD'], { cwd: wt }).trim(), side };
}

/** The commits the keep chain's newest keep commit holds (its parents but the previous keep commit). */
function kept(t: TestRepo): string[] {
  if (t.gitResult(['rev-parse', '--verify', '-q', 'refs/guard/keep/head']).code !== 0) return [];
  return t.git(['rev-parse', 'refs/guard/keep/head^@']).split('\n').filter(Boolean);
}

/** What gc does once the grace periods are over: every reflog expired, every unreachable object pruned. */
function gcNow(t: TestRepo): void {
  t.git(['reflog', 'expire', '--expire=now', '--expire-unreachable=now', '--all']);
  t.git(['gc', '-q', '--prune=now']);
}

function exists(t: TestRepo, oid: string): boolean {
  return t.gitResult(['cat-file', '-e', `${oid}^{commit}`]).code === 0;
}

/** Reachable from guard's refs (what the backup pushes). */
function inGuardRefs(t: TestRepo, oid: string): boolean {
  return t.git(['for-each-ref', '--contains', oid, '--format=%(refname)', 'refs/guard/']).split('\n').includes('refs/guard/keep/head');
}

describe('removing a linked worktree keeps the commits only it reaches', () => {
  it('git worktree remove --force: the detached HEAD and the per-worktree refs are kept and survive gc', async () => {
    await template.withCopy((t) => {
      const wt = path.join(t.base, 'wt');
      const { head, side } = detachedWork(t, wt);
      const check = checkVerdict(t, 'git worktree remove --force ../wt') as ReturnType<typeof checkVerdict> & { keepCommits?: Array<{ oid: string; ref: string; root: string }> };
      expect(check).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      expect(check.reason).toContain(`git branch rescued ${head}`);
      expect(new Set(check.keepCommits?.map((c) => `${c.ref} ${c.oid}`))).toEqual(new Set([`HEAD ${head}`, `refs/worktree/side ${side}`, `refs/bisect/bad ${side}`]));
      const text = t.guard(['check-command', 'git worktree remove --force ../wt']);
      expect(text.stdout).toContain(`git branch rescued ${head}`);
      expect(text.stdout).toContain(`git worktree add <path> ${head}`);
      // Plain remove too (the worktree is clean: git removes it without --force).
      expect(checkVerdict(t, 'git worktree remove wt')).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      expect(installedClaudeHook(t, 'git worktree remove --force ../wt')).toMatchObject({ decision: 'allow' });
      expect(kept(t)).toEqual(expect.arrayContaining([head, side]));
      t.git(['worktree', 'remove', '--force', '../wt']);
      expect(fs.existsSync(wt)).toBe(false);
      gcNow(t);
      for (const oid of [head, side]) {
        expect(exists(t, oid)).toBe(true);
        expect(inGuardRefs(t, oid)).toBe(true);
      }
      // The way back the message names.
      t.git(['branch', 'rescued', head]);
      expect(t.git(['show', 'rescued:work.txt'])).toBe('work\n');
    });
  });

  it('rm -rf of the worktree, then git worktree prune (or remove by its path): kept before git deletes the record', async () => {
    await template.withCopy((t) => {
      const wt = path.join(t.base, 'wt');
      const { head, side } = detachedWork(t, wt);
      fs.rmSync(wt, { recursive: true, force: true });
      // A dry run deletes nothing.
      expect(checkVerdict(t, 'git worktree prune -n')).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'git worktree prune --dry-run -v')).toMatchObject({ verdict: 'allow' });
      // remove finds it by its path as git does, though the directory is gone (git deletes its record).
      const removal = checkVerdict(t, 'git worktree remove ../wt');
      expect(removal).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      expect(removal.reason).toContain('its directory is already gone');
      for (const command of ['git worktree prune', 'git worktree prune -v --expire now']) {
        const verdict = checkVerdict(t, command);
        expect({ command, ...verdict }).toMatchObject({ command, verdict: 'snapshot', rule: 'git-worktree-commits' });
        expect(verdict.reason).toContain(wt);
        expect(verdict.reason).toContain(head);
      }
      // A repository guard cannot determine: which worktrees go is unknown.
      expect(installedClaudeHook(t, 'git -C "$X" worktree prune')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('cannot determine') });
      expect(installedClaudeHook(t, 'git worktree prune')).toMatchObject({ decision: 'allow' });
      expect(kept(t)).toEqual(expect.arrayContaining([head, side]));
      t.git(['worktree', 'prune']);
      expect(t.git(['worktree', 'list', '--porcelain'])).not.toContain(wt);
      gcNow(t);
      for (const oid of [head, side]) {
        expect(exists(t, oid)).toBe(true);
        expect(inGuardRefs(t, oid)).toBe(true);
      }
      // Nothing left to prune: nothing to keep.
      expect(checkVerdict(t, 'git worktree prune')).toMatchObject({ verdict: 'allow' });
    });
  });

  it('a worktree on a branch, or detached where a branch already is, keeps nothing: the branch holds its commits', async () => {
    await template.withCopy((t) => {
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', '-b', 'feature', wt]);
      fs.writeFileSync(path.join(wt, 'f.txt'), 'f\n');
      t.git(['add', 'f.txt'], { cwd: wt });
      t.git(['commit', '-q', '-m', 'feature work'], { cwd: wt });
      const feature = t.git(['rev-parse', 'feature']).trim();
      const clean = path.join(t.base, 'clean');
      t.git(['worktree', 'add', '-q', '--detach', clean, 'feature']);
      for (const command of ['git worktree remove ../wt', 'git worktree remove --force ../wt', 'git worktree remove ../clean']) {
        expect({ command, ...checkVerdict(t, command) }).toMatchObject({ command, verdict: 'allow' });
        expect({ command, ...installedClaudeHook(t, command) }).toMatchObject({ command, decision: 'allow' });
      }
      t.git(['worktree', 'remove', '../wt']);
      fs.rmSync(clean, { recursive: true, force: true });
      expect(checkVerdict(t, 'git worktree prune')).toMatchObject({ verdict: 'allow' });
      t.git(['worktree', 'prune']);
      expect(kept(t)).toEqual([]);
      gcNow(t);
      expect(t.git(['rev-parse', 'feature']).trim()).toBe(feature);
    });
  });

  it('a locked worktree is not pruned (nothing kept), and is removed only with --force twice (then kept)', async () => {
    await template.withCopy((t) => {
      const wt = path.join(t.base, 'wt');
      const { head } = detachedWork(t, wt);
      t.git(['worktree', 'lock', '--reason', 'on a usb disk', wt]);
      fs.rmSync(wt, { recursive: true, force: true });
      expect(checkVerdict(t, 'git worktree prune')).toMatchObject({ verdict: 'allow' });
      t.git(['worktree', 'prune']);
      expect(t.git(['worktree', 'list', '--porcelain'])).toContain(wt);
      // git refuses remove of a locked worktree unless --force is given twice.
      for (const command of ['git worktree remove ../wt', 'git worktree remove --force ../wt']) {
        expect({ command, ...checkVerdict(t, command) }).toMatchObject({ command, verdict: 'allow' });
        expect(t.gitResult(['worktree', 'remove', ...command.split(' ').slice(3)]).code).not.toBe(0);
      }
      expect(checkVerdict(t, 'git worktree remove -f -f ../wt')).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      expect(kept(t)).toEqual([]);
      expect(installedClaudeHook(t, 'git worktree remove -f -f ../wt')).toMatchObject({ decision: 'allow' });
      expect(kept(t)).toContain(head);
    });
  });

  it('git worktree add --force over a registered worktree whose directory is gone replaces its record: kept first', async () => {
    await template.withCopy((t) => {
      const wt = path.join(t.base, 'wt');
      const { head, side } = detachedWork(t, wt);
      fs.rmSync(wt, { recursive: true, force: true });
      // Without --force git refuses; `wt` from the main worktree is another path (git matches add by path, not suffix).
      for (const command of ['git worktree add ../wt', 'git worktree add -f wt', 'git worktree add -f -b other ../elsewhere']) {
        expect({ command, ...checkVerdict(t, command) }).toMatchObject({ command, verdict: 'allow' });
      }
      for (const command of ['git worktree add -f ../wt', 'git worktree add --force -b other ../wt main', `git worktree add --detach -f ${wt}`]) {
        expect({ command, ...checkVerdict(t, command) }).toMatchObject({ command, verdict: 'snapshot', rule: 'git-worktree-commits' });
      }
      // Locked: git replaces it only with --force twice.
      t.git(['worktree', 'lock', wt]);
      expect(checkVerdict(t, 'git worktree add -f ../wt')).toMatchObject({ verdict: 'allow' });
      expect(t.gitResult(['worktree', 'add', '-q', '-f', '../wt']).code).not.toBe(0);
      expect(checkVerdict(t, 'git worktree add -f -f ../wt')).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      t.git(['worktree', 'unlock', wt]);
      expect(installedClaudeHook(t, 'git worktree add -f ../wt')).toMatchObject({ decision: 'allow' });
      expect(kept(t)).toEqual(expect.arrayContaining([head, side]));
      t.git(['worktree', 'add', '-q', '-f', '../wt']);
      expect(t.git(['rev-parse', 'HEAD'], { cwd: wt }).trim()).not.toBe(head);
      gcNow(t);
      for (const oid of [head, side]) expect(inGuardRefs(t, oid)).toBe(true);
    });
  });

  it('a worktree whose path is not UTF-8: found, its refs read through its admin directory, kept', async () => {
    await template.withCopy((t) => {
      const base = t.base;
      const added = spawnSync('sh', ['-c', `git worktree add -q --detach "$(printf '${base}/wt\\377')"`], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
      const wtBytes = Buffer.concat([Buffer.from(`${base}/wt`), Buffer.of(0xff)]);
      const inWt = (script: string): string => {
        const r = spawnSync('sh', ['-c', `cd "$(printf '${base}/wt\\377')" && ${script}`], { env: t.env, encoding: 'latin1' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout.trim();
      };
      inWt("echo w > w.txt && git add w.txt && git commit -q -m 'detached work' && git update-ref refs/bisect/bad HEAD && git commit -q --allow-empty -m more");
      const bisected = inWt('git rev-parse refs/bisect/bad');
      const head = inWt('git rev-parse HEAD');
      const verdict = checkVerdict(t, `git worktree remove --force ../wt$'\\xff'`) as ReturnType<typeof checkVerdict> & { keepCommits?: Array<{ oid: string; ref: string; root: string }> };
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      expect(verdict.reason).toContain(`$'${base}/wt\\xff'`);
      expect(new Set(verdict.keepCommits?.map((c) => `${c.ref} ${c.oid}`))).toEqual(new Set([`HEAD ${head}`, `refs/bisect/bad ${bisected}`]));
      // Deleted by hand, then pruned: its refs are read from its admin directory, whose name is not UTF-8 either.
      fs.rmSync(wtBytes as unknown as string, { recursive: true, force: true });
      const pruned = checkVerdict(t, 'git worktree prune') as typeof verdict;
      expect(pruned).toMatchObject({ verdict: 'snapshot', rule: 'git-worktree-commits' });
      expect(new Set(pruned.keepCommits?.map((c) => `${c.ref} ${c.oid}`))).toEqual(new Set([`HEAD ${head}`, `refs/bisect/bad ${bisected}`]));
      expect(installedClaudeHook(t, 'git worktree prune')).toMatchObject({ decision: 'allow' });
      t.git(['worktree', 'prune']);
      gcNow(t);
      for (const oid of [head, bisected]) expect(inGuardRefs(t, oid)).toBe(true);
    });
  });
});
