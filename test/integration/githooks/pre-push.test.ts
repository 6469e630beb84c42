import { describe, expect, it } from 'vitest';
import { commitFile, guarded, remoteRev } from './setup.js';

describe('pre-push against a real bare remote', () => {
  it('refuses force-pushes, deletions and --mirror for main; lets an ordinary push through', () => {
    const repo = guarded();
    try {
      const before = remoteRev(repo, 'refs/heads/main');
      expect(commitFile(repo, 'src/app.js', 'console.log(2);\n').code).toBe(0);
      const ok = repo.run(['push', 'origin', 'main']);
      expect(ok.code, ok.stderr).toBe(0);
      const pushed = remoteRev(repo, 'refs/heads/main');
      expect(pushed).toBe(repo.rev('main'));
      expect(pushed).not.toBe(before);

      // Rewrite main locally (allowed for a person, with a warning), then try to publish it.
      const amend = repo.run(['commit', '-q', '--amend', '-m', 'rewritten']);
      expect(amend.code, amend.stderr).toBe(0);
      expect(amend.stderr).toContain('protected-branch-rewrite');

      for (const args of [
        ['push', '--force', 'origin', 'main'],
        ['push', 'origin', '+main'],
        ['push', `--force-with-lease=main:${pushed}`, 'origin', 'main'],
      ]) {
        const r = repo.run(args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr).toContain('guard: refused: rewrite the protected branch main on origin');
        expect(r.stderr).toContain('rule protected-branch-force-push');
        expect(r.stderr).toContain('instead:');
        expect(r.stderr).toContain('guard approve protected-branch-force-push --once');
        expect(remoteRev(repo, 'refs/heads/main')).toBe(pushed);
      }

      for (const args of [
        ['push', 'origin', ':main'],
        ['push', 'origin', '--delete', 'main'],
      ]) {
        const r = repo.run(args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr).toContain('guard: refused: delete the protected branch main on origin');
        expect(r.stderr).toContain('rule protected-branch-delete');
        expect(remoteRev(repo, 'refs/heads/main')).toBe(pushed);
      }

      const mirror = repo.run(['push', '--mirror', 'origin']);
      expect(mirror.code).not.toBe(0);
      expect(mirror.stderr).toContain("push guard's snapshots");
      expect(mirror.stderr).toContain('rule guard-refs-push');
      const leaked = repo.run(['--git-dir', repo.remote, 'for-each-ref', 'refs/guard/']);
      expect(leaked.stdout).toBe('');
      expect(remoteRev(repo, 'refs/heads/main')).toBe(pushed);

      const blocked = repo.journal().filter((e) => e.type === 'blocked');
      expect(blocked.map((e) => e.rule)).toEqual(expect.arrayContaining(['protected-branch-force-push', 'protected-branch-delete', 'guard-refs-push']));
    } finally {
      repo.cleanup();
    }
  });

  it('refuses a push of refs/guard/* except to backup.remote', () => {
    const repo = guarded();
    try {
      const r = repo.run(['push', 'origin', 'refs/guard/main/head:refs/guard/main/head']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('rule guard-refs-push');
      expect(remoteRev(repo, 'refs/guard/main/head')).toBeNull();

      // Name origin as the backup remote: now it may receive snapshots.
      repo.write('.guard.yaml', repo.read('.guard.yaml').replace(/remote: null/, 'remote: origin'));
      const ok = repo.run(['push', 'origin', 'refs/guard/main/head:refs/guard/main/head']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(remoteRev(repo, 'refs/guard/main/head')).toBe(repo.rev('refs/guard/main/head'));
    } finally {
      repo.cleanup();
    }
  });

  it('applies branch rules to the remote ref whatever is pushed: a snapshot ref onto main, even to backup.remote', () => {
    const repo = guarded();
    try {
      repo.write('.guard.yaml', repo.read('.guard.yaml').replace(/remote: null/, 'remote: origin'));
      expect(repo.guard(['snapshot', '-m', 'before']).code).toBe(0);
      // main moves on, so the snapshot is no longer a descendant of it: pushing it over main rewrites main.
      expect(commitFile(repo, 'src/app.js', 'console.log(3);\n').code).toBe(0);
      expect(repo.run(['push', 'origin', 'main']).code).toBe(0);
      const main = remoteRev(repo, 'refs/heads/main');
      const r = repo.run(['push', 'origin', '+refs/guard/main/head:refs/heads/main']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('rule protected-branch-force-push');
      expect(remoteRev(repo, 'refs/heads/main')).toBe(main);
    } finally {
      repo.cleanup();
    }
  });

  it('refuses publishing a snapshot, or a commit built on one, under an ordinary branch name', () => {
    const repo = guarded();
    try {
      repo.write('.env', 'SECRET=1\n');
      expect(repo.guard(['snapshot', '-m', 'with an untracked secret']).code).toBe(0);
      const snapshot = repo.rev('refs/guard/main/head')!;
      repo.git(['branch', 'from-snapshot', 'refs/guard/main/head']);
      const branch = repo.run(['push', 'origin', 'from-snapshot']);
      expect(branch.code).not.toBe(0);
      expect(branch.stderr).toContain('rule guard-refs-push');
      expect(branch.stderr).toContain('a commit guard wrote');
      expect(remoteRev(repo, 'refs/heads/from-snapshot')).toBeNull();

      const byOid = repo.run(['push', 'origin', `${snapshot}:refs/heads/by-oid`]);
      expect(byOid.code).not.toBe(0);
      expect(byOid.stderr).toContain('rule guard-refs-push');
      expect(remoteRev(repo, 'refs/heads/by-oid')).toBeNull();

      // A commit on top of the snapshot carries it along.
      repo.remove('.env');
      repo.git(['checkout', '-q', 'from-snapshot']);
      expect(commitFile(repo, 'src/more.js', 'more\n').code).toBe(0);
      const onTop = repo.run(['push', 'origin', 'HEAD:refs/heads/on-top']);
      expect(onTop.code).not.toBe(0);
      expect(onTop.stderr).toContain('rule guard-refs-push');
      expect(remoteRev(repo, 'refs/heads/on-top')).toBeNull();
      expect(repo.run(['--git-dir', repo.remote, 'cat-file', '-e', snapshot]).code).not.toBe(0);

      // An ordinary new branch still goes through.
      repo.git(['checkout', '-q', 'main']);
      repo.git(['checkout', '-q', '-b', 'plain']);
      expect(commitFile(repo, 'src/plain.js', 'plain\n').code).toBe(0);
      const plain = repo.run(['push', 'origin', 'plain']);
      expect(plain.code, plain.stderr).toBe(0);

      // The backup remote may receive them.
      repo.write('.guard.yaml', repo.read('.guard.yaml').replace(/remote: null/, 'remote: origin'));
      const backup = repo.run(['push', 'origin', 'from-snapshot']);
      expect(backup.code, backup.stderr).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('lets an unprotected branch be force-pushed, after a snapshot, and keeps the overwritten remote tip', () => {
    const repo = guarded();
    try {
      repo.git(['checkout', '-q', '-b', 'feature']);
      expect(commitFile(repo, 'src/feature.js', 'v1\n').code).toBe(0);
      repo.git(['push', '-q', 'origin', 'feature']);
      const oldRemote = remoteRev(repo, 'refs/heads/feature')!;
      const snapshotsBefore = repo.guard(['list', '--json']);
      const countBefore = JSON.parse(snapshotsBefore.stdout).length;

      repo.write('src/feature.js', 'v2\n');
      repo.git(['commit', '-q', '--amend', '-am', 'feature v2']);
      const r = repo.run(['push', '--force', 'origin', 'feature']);
      expect(r.code, r.stderr).toBe(0);
      expect(remoteRev(repo, 'refs/heads/feature')).toBe(repo.rev('feature'));
      expect(r.stderr).toMatch(/snapshot [0-9a-f]{12} covers this repository before the push to origin rewrites feature/);

      const list = JSON.parse(repo.guard(['list', '--json']).stdout) as Array<{ trigger: string }>;
      expect(list.length).toBe(countBefore + 1);
      expect(list[0]!.trigger).toBe('hook');
      // The overwritten remote tip stays reachable in the keep chain.
      const keepParents = repo.git(['rev-parse', 'refs/guard/keep/head^@']).split('\n');
      expect(keepParents).toContain(oldRemote);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.run(['cat-file', '-e', oldRemote]).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('counts a remote tip this repository does not have as a rewrite of main', () => {
    const repo = guarded();
    try {
      // Someone else pushed to main; we have not fetched it.
      const other = `${repo.base}/other`;
      repo.git(['clone', '-q', repo.remote, other]);
      repo.write('../other/theirs.txt', 'theirs\n');
      repo.git(['add', 'theirs.txt'], { cwd: other });
      repo.git(['commit', '-q', '-m', 'theirs'], { cwd: other });
      repo.git(['push', '-q', 'origin', 'main'], { cwd: other });
      const theirs = remoteRev(repo, 'refs/heads/main');
      expect(commitFile(repo, 'src/app.js', 'mine\n').code).toBe(0);
      const r = repo.run(['push', '--force', 'origin', 'main']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('a commit this repository does not have');
      expect(remoteRev(repo, 'refs/heads/main')).toBe(theirs);
    } finally {
      repo.cleanup();
    }
  });
});
