import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFile, dirState, guarded } from './setup.js';

describe('guard init / uninstall', () => {
  it('a second guard init changes nothing; uninstall restores the hooks directory byte for byte', () => {
    const repo = guarded({ init: false, remote: false });
    try {
      const hooksDir = path.join(repo.dir, '.git', 'hooks');
      repo.write('.git/hooks/pre-push', '#!/bin/sh\necho mine\n', 0o751);
      const before = dirState(hooksDir);
      const configBefore = repo.read('.git/config');

      const first = repo.guard(['init', '--yes', '--agents', 'none']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('wrote .guard.yaml (preset "default"');
      expect(first.stdout).toContain('installed .git/hooks/pre-push, runs the hook that was there first');
      expect(first.stdout).toMatch(/first snapshot: [0-9a-f]{12}/);
      expect(first.stdout).toContain('reference-transaction: runs (self-test passed)');
      expect(first.stdout).toContain('next: commit .guard.yaml');
      expect(repo.read('.guard.yaml')).toContain('# git-guard policy');

      const guardDir = path.join(repo.dir, '.git', 'guard');
      const afterFirst = { hooks: dirState(hooksDir), config: repo.read('.guard.yaml'), manifest: fs.readFileSync(path.join(guardDir, 'hooks-manifest.json'), 'utf8'), refs: repo.git(['for-each-ref', 'refs/guard/']) };
      const journalLength = repo.journal().length;
      const second = repo.guard(['init', '--yes', '--agents', 'none']);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain('guard was already set up here; nothing changed.');
      expect({ hooks: dirState(hooksDir), config: repo.read('.guard.yaml'), manifest: fs.readFileSync(path.join(guardDir, 'hooks-manifest.json'), 'utf8'), refs: repo.git(['for-each-ref', 'refs/guard/']) }).toEqual(afterFirst);
      expect(repo.journal().length).toBe(journalLength);

      // --preset never overwrites an existing .guard.yaml.
      const strict = repo.guard(['init', '--yes', '--agents', 'none', '--preset', 'strict']);
      expect(strict.stdout).toContain('the "strict" preset was not applied');
      expect(repo.read('.guard.yaml')).toBe(afterFirst.config);

      const un = repo.guard(['uninstall']);
      expect(un.code, un.stderr).toBe(0);
      expect(un.stdout).toContain('.git/hooks/pre-push: removed guard\'s hook and put back the one that was there before');
      expect(dirState(hooksDir)).toEqual(before);
      expect(repo.read('.git/config')).toBe(configBefore);
      // Snapshots stay unless asked.
      expect(repo.rev('refs/guard/main/head')).not.toBeNull();
      expect(fs.existsSync(path.join(guardDir, 'policy.sh'))).toBe(false);
      // Without guard, git does what it did before.
      expect(repo.run(['update-ref', '-d', 'refs/guard/main/head']).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('refuses to write into a hooks directory tracked in the repository, before changing anything', () => {
    const repo = guarded({ init: false, remote: false });
    try {
      repo.write('.githooks/pre-commit', '#!/bin/sh\necho shared\n', 0o755);
      repo.git(['add', '.githooks']);
      repo.git(['commit', '-q', '-m', 'shared hooks']);
      repo.git(['config', 'core.hooksPath', '.githooks']);
      const r = repo.guard(['init', '--yes', '--agents', 'none']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('core.hooksPath points to .githooks, which holds files tracked in this repository (.githooks/pre-commit)');
      expect(r.stderr).toContain('ln -s ../../.githooks/pre-commit .git/hooks/pre-commit');
      expect(repo.git(['status', '--porcelain'])).toBe('');
      expect(repo.exists('.git/guard/hooks-manifest.json')).toBe(false);
    } finally {
      repo.cleanup();
    }
  });

  it('refuses, saying why, a core.hooksPath that runs through a file (.git/hooks seen from a linked worktree)', () => {
    const repo = guarded({ init: false, remote: false });
    try {
      const wt = path.join(repo.base, 'wt-hookspath');
      repo.git(['worktree', 'add', '-q', '-b', 'wt-hp', wt]);
      repo.git(['config', 'core.hooksPath', '.git/hooks']);
      // git itself cannot make that path absolute there (its realpath fails on the file .git).
      const status = repo.guard(['status'], { cwd: wt });
      expect(status.stderr).not.toContain('internal error');
      expect(status.stdout).toContain('hooks: not installed');
      const r = repo.guard(['init', '--yes', '--agents', 'none'], { cwd: wt });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`core.hooksPath (.git/hooks, local config) resolves to ${path.join(wt, '.git', 'hooks')}, which runs through the file ${path.join(wt, '.git')}`);
      expect(r.stderr).toContain('git config --unset core.hooksPath');
      expect(repo.exists('.git/guard/hooks-manifest.json')).toBe(false);
      expect(repo.exists('.guard.yaml')).toBe(false);
    } finally {
      repo.cleanup();
    }
  });

  it('uninstall --purge-snapshots deletes refs/guard/*; a hooks directory guard created is removed again', () => {
    const repo = guarded({ init: false, remote: false });
    try {
      fs.rmSync(path.join(repo.dir, '.git', 'hooks'), { recursive: true });
      expect(repo.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      expect(repo.git(['for-each-ref', 'refs/guard/'])).not.toBe('');
      const un = repo.guard(['uninstall', '--purge-snapshots']);
      expect(un.code, un.stderr).toBe(0);
      expect(repo.git(['for-each-ref', 'refs/guard/'])).toBe('');
      expect(fs.existsSync(path.join(repo.dir, '.git', 'hooks'))).toBe(false);
    } finally {
      repo.cleanup();
    }
  });

  it('works from a linked worktree: the hooks protect both, the policy is the main worktree\'s', () => {
    const repo = guarded({ remote: false });
    try {
      const wt = path.join(repo.base, 'wt');
      repo.git(['worktree', 'add', '-q', '-b', 'wt-branch', wt]);
      const init = repo.guard(['init', '--yes', '--agents', 'none'], { cwd: wt });
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('kept the existing');
      const status = repo.guard(['status', '--json'], { cwd: wt });
      expect(status.code, status.stdout).toBe(0);

      repo.git(['branch', 'release/1.0']);
      const del = repo.run(['branch', '-D', 'release/1.0'], { cwd: wt });
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain("delete the protected branch release/1.0");
      expect(del.stderr).toContain("it matches 'release/*'");

      repo.git(['rm', '-q', 'migrations/001_init.sql'], { cwd: wt });
      const commit = repo.run(['commit', '-q', '-m', 'drop'], { cwd: wt });
      expect(commit.code).not.toBe(0);
      expect(commit.stderr).toContain('rule protected-path-delete');
      repo.git(['reset', '-q', '--hard'], { cwd: wt });

      expect(commitFile(repo, 'wt.txt', 'in the worktree\n', 'wt commit').code).toBe(0);
      fs.writeFileSync(path.join(wt, 'wt.txt'), 'x\n');
      repo.git(['add', 'wt.txt'], { cwd: wt });
      expect(repo.run(['commit', '-q', '-m', 'in wt'], { cwd: wt }).code).toBe(0);
      const update = repo.journal().filter((e) => e.type === 'ref-update' && e.ref === 'refs/heads/wt-branch').at(-1);
      expect(update).toMatchObject({ worktree: wt });
      // The worktree's own snapshot chain is guard's to write, and nobody else's.
      expect(repo.guard(['snapshot'], { cwd: wt }).code).toBe(0);
      expect(repo.run(['update-ref', '-d', 'refs/guard/worktrees/wt/head'], { cwd: wt }).code).not.toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('a broken .guard.yaml fails closed with one clear message naming the problem', () => {
    const repo = guarded({ remote: false });
    try {
      repo.git(['branch', 'scratch']);
      repo.write('.guard.yaml', `${repo.read('.guard.yaml')}\nprotekt:\n  branches: [main]\n`);
      // With the config broken every branch counts as protected: even deleting scratch is refused.
      const del = repo.run(['branch', '-D', 'scratch']);
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('guard: refused: delete the protected branch scratch');
      expect(del.stderr).toContain('because .guard.yaml is broken and guard fails closed');
      expect(del.stderr).toMatch(/the config is broken: \.guard\.yaml is invalid \(1 problem\)/);
      expect(del.stderr).toMatch(/\.guard\.yaml:\d+:\d+: unknown key "protekt" at the top level; did you mean "protect"\?/);
      expect(del.stderr.match(/guard: refused/g)?.length).toBe(1);
      expect(repo.rev('scratch')).not.toBeNull();

      // A commit that deletes any file is refused, one that changes files is allowed with a warning.
      repo.git(['rm', '-q', 'README.md']);
      const commit = repo.run(['commit', '-q', '-m', 'drop readme']);
      expect(commit.code).not.toBe(0);
      expect(commit.stderr).toContain('README.md (deleted)');
      repo.git(['reset', '-q', 'HEAD', '--', 'README.md']);
      repo.git(['checkout', '--', 'README.md']);

      const status = repo.guard(['status']);
      expect(status.code).toBe(1);
      expect(status.stdout).toContain('is INVALID');
    } finally {
      repo.cleanup();
    }
  });
});
