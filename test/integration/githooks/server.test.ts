import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { startGitDaemon, type GitDaemon } from '../../helpers/git-daemon.js';

/** A plain working repository (no local guard hooks: as if --no-verify) and a bare remote with guard's server hook. */
function setUp(options: { config?: string } = {}): { repo: TestRepo; bare: string } {
  const repo = createTestRepo();
  const bare = path.join(repo.base, 'server.git');
  repo.git(['init', '-q', '--bare', '-b', 'main', bare]);
  const args = ['server', 'install', bare];
  if (options.config !== undefined) {
    repo.write('../pinned.yaml', options.config);
    args.push('--config', path.join(repo.base, 'pinned.yaml'));
  }
  const install = repo.guard(args, { cwd: repo.base });
  expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
  expect(install.stdout).toContain('self-test: git runs the hook');
  repo.write('README.md', 'hello\n');
  repo.write('migrations/001.sql', 'create table t (id int);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  repo.git(['remote', 'add', 'origin', bare]);
  return { repo, bare };
}

function serverRev(repo: TestRepo, bare: string, ref: string): string | null {
  const r = repo.gitResult(['--git-dir', bare, 'rev-parse', '-q', '--verify', ref]);
  return r.code === 0 ? r.stdout.trim() : null;
}

describe('guard server install (pre-receive in a bare repository)', () => {
  it('refuses force-pushes, deletions and protected-path deletions pushed with --no-verify', () => {
    const { repo, bare } = setUp();
    try {
      expect(repo.gitResult(['push', '-q', 'origin', 'main']).code).toBe(0);
      const first = serverRev(repo, bare, 'refs/heads/main');

      repo.git(['commit', '-q', '--amend', '-m', 'rewritten']);
      const force = repo.gitResult(['push', '--no-verify', '--force', 'origin', 'main']);
      expect(force.code).not.toBe(0);
      expect(force.stderr).toContain('remote: guard: refused by the server: rewrite the protected branch main');
      expect(force.stderr).toContain('the server cannot tell a person from an agent');
      expect(force.stderr).toContain('--no-verify or a disabled local hook does not skip it');
      expect(serverRev(repo, bare, 'refs/heads/main')).toBe(first);

      const del = repo.gitResult(['push', '--no-verify', 'origin', ':main']);
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('delete the protected branch main');
      expect(serverRev(repo, bare, 'refs/heads/main')).toBe(first);

      repo.git(['reset', '-q', '--hard', first!]);
      repo.git(['rm', '-q', 'migrations/001.sql']);
      repo.git(['commit', '-q', '--no-verify', '-m', 'drop migration']);
      const drop = repo.gitResult(['push', '--no-verify', 'origin', 'main']);
      expect(drop.code).not.toBe(0);
      expect(drop.stderr).toContain('migrations/001.sql (deleted, commit');
      expect(drop.stderr).toContain('rule protected-path-delete');
      expect(serverRev(repo, bare, 'refs/heads/main')).toBe(first);

      repo.git(['reset', '-q', '--hard', first!]);
      repo.write('README.md', 'more\n');
      repo.git(['commit', '-q', '-am', 'ordinary']);
      const ok = repo.gitResult(['push', 'origin', 'main']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(serverRev(repo, bare, 'refs/heads/main')).toBe(repo.git(['rev-parse', 'HEAD']).trim());

      repo.git(['update-ref', 'refs/guard/main/head', 'HEAD']);
      const snap = repo.gitResult(['push', 'origin', 'refs/guard/main/head']);
      expect(snap.code).not.toBe(0);
      expect(snap.stderr).toContain('rule guard-refs-push');

      // A real snapshot (untracked files included) pushed as an ordinary branch, hooks skipped.
      repo.git(['update-ref', '-d', 'refs/guard/main/head']);
      repo.write('.env', 'SECRET=1\n');
      expect(repo.guard(['snapshot']).code).toBe(0);
      const snapshot = repo.git(['rev-parse', 'refs/guard/main/head']).trim();
      const asBranch = repo.gitResult(['push', '--no-verify', 'origin', `${snapshot}:refs/heads/leak`]);
      expect(asBranch.code).not.toBe(0);
      expect(asBranch.stderr).toContain('a commit guard wrote');
      expect(asBranch.stderr).toContain('rule guard-refs-push');
      expect(serverRev(repo, bare, 'refs/heads/leak')).toBeNull();
    } finally {
      repo.cleanup();
    }
  });

  it('enforces a pinned config, and the default branch\'s .guard.yaml as it was before the push', () => {
    const { repo, bare } = setUp({ config: 'version: 1\nprotect:\n  branches: [trunk]\n' });
    try {
      expect(repo.gitResult(['push', '-q', 'origin', 'main']).code).toBe(0);
      repo.git(['commit', '-q', '--amend', '-m', 'rewritten']);
      // main is not protected by the pinned policy.
      const force = repo.gitResult(['push', '--force', 'origin', 'main']);
      expect(force.code, force.stderr).toBe(0);
      const un = repo.guard(['server', 'uninstall', bare], { cwd: repo.base });
      expect(un.code).toBe(0);

      // Without a pinned copy the policy is the default branch's .guard.yaml before the push.
      expect(repo.guard(['server', 'install', bare], { cwd: repo.base }).code).toBe(0);
      repo.write('.guard.yaml', 'version: 1\nprotect:\n  branches: [main]\n  paths: [README.md]\n');
      repo.git(['add', '.guard.yaml']);
      repo.git(['commit', '-q', '-m', 'policy']);
      expect(repo.gitResult(['push', 'origin', 'main']).code).toBe(0);
      // A push that also loosens the policy is still judged by the policy it replaces.
      repo.write('.guard.yaml', 'version: 1\nprotect:\n  branches: [main]\n  paths: []\n');
      repo.git(['rm', '-q', 'README.md']);
      repo.git(['commit', '-q', '-am', 'loosen and delete']);
      const sneaky = repo.gitResult(['push', 'origin', 'main']);
      expect(sneaky.code).not.toBe(0);
      expect(sneaky.stderr).toContain('README.md (deleted');
      expect(sneaky.stderr).toContain('HEAD:.guard.yaml');
    } finally {
      repo.cleanup();
    }
  });

  it('refuses a --no-verify force-push that arrives through git daemon on 127.0.0.1', async () => {
    const { repo, bare } = setUp();
    let daemon: GitDaemon | undefined;
    try {
      expect(repo.gitResult(['push', '-q', 'origin', 'main']).code).toBe(0);
      daemon = await startGitDaemon(repo, repo.base, 'server.git');
      const url = daemon.url('server.git');
      const before = serverRev(repo, bare, 'refs/heads/main');
      repo.git(['commit', '-q', '--amend', '-m', 'rewritten over the network']);
      const force = repo.gitResult(['push', '--no-verify', '--force', url, 'main']);
      expect(force.code).not.toBe(0);
      expect(force.stderr).toContain('guard: refused by the server: rewrite the protected branch main');
      expect(serverRev(repo, bare, 'refs/heads/main')).toBe(before);
    } finally {
      daemon?.stop();
      repo.cleanup();
    }
  });
});
