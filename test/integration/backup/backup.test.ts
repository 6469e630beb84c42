import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { buildRichRepo } from '../../helpers/fixtures.js';
import { captureState } from '../../helpers/state.js';
import { startGitDaemon } from '../../helpers/git-daemon.js';
import { json } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

function guardRefs(repo: TestRepo, gitDir?: string): string {
  const args = ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/'];
  return gitDir ? repo.git(['--git-dir', gitDir, ...args]) : repo.git(args);
}

describe('the backup store', () => {
  it('is a private, self-contained bare repository that refuses deletions and non-fast-forward pushes', () =>
    withTestRepo((repo) => {
      buildRichRepo(repo);
      json(repo, ['snapshot']);
      const push = json(repo, ['backup', 'push']);
      // `updated` may be 0: the background push that `guard snapshot` started may have been first.
      expect(push.local).toMatchObject({ ok: true });
      const status = json(repo, ['backup', 'status']);
      expect(status).toMatchObject({ exists: true, inSync: true, mode: '700', selfContained: true });
      const backup: string = status.path;
      expect(fs.statSync(path.dirname(backup)).mode & 0o777).toBe(0o700);
      expect(fs.existsSync(path.join(backup, 'objects', 'info', 'alternates'))).toBe(false);
      expect(guardRefs(repo, backup)).toBe(guardRefs(repo));
      const index = JSON.parse(fs.readFileSync(path.join(path.dirname(backup), 'index.json'), 'utf8'));
      expect(index.backups).toEqual([expect.objectContaining({ path: backup, roots: [repo.dir] })]);

      const head = repo.git(['rev-parse', 'refs/guard/main/head']).trim();
      const deleted = repo.gitResult(['push', '--no-verify', backup, ':refs/guard/main/head']);
      expect(deleted.code).not.toBe(0);
      const older = repo.git(['rev-parse', 'refs/guard/main/head^']).trim();
      const rewound = repo.gitResult(['push', '--no-verify', '--force', backup, `${older}:refs/guard/main/head`]);
      expect(rewound.code).not.toBe(0);
      expect(repo.git(['--git-dir', backup, 'rev-parse', 'refs/guard/main/head']).trim()).toBe(head);
    }));

  it('stays complete after reflog expire and gc --prune=now in the live repository', () =>
    withTestRepo((repo) => {
      buildRichRepo(repo);
      json(repo, ['snapshot']);
      json(repo, ['backup', 'push']);
      const before = captureState(repo);
      const backup = json(repo, ['backup', 'status']).path;
      // Destroy everything git itself could still bring back.
      repo.git(['branch', '-D', 'side']);
      repo.git(['tag', '-d', 'v1-annotated']);
      repo.git(['stash', 'drop', '-q']);
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.gitResult(['--git-dir', backup, 'fsck', '--full', '--no-dangling']).code).toBe(0);

      // Everything comes back from the backup alone, in a fresh directory.
      repo.remove('ignored.log');
      const expected = { ...before, files: Object.fromEntries(Object.entries(before.files).filter(([f]) => f !== 'ignored.log')) };
      const r = repo.guard(['recover', '--from', backup, '--into', 'copy', '--yes'], { cwd: repo.base });
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo, path.join(repo.base, 'copy'))).toEqual(expected);
    }));

  it('pushes the snapshots to backup.remote: a local bare repository', () =>
    withTestRepo((repo) => {
      const remote = path.join(repo.base, 'team-backups.git');
      repo.git(['init', '-q', '--bare', remote], { cwd: repo.base });
      repo.write('.guard.yaml', `version: 1\nbackup:\n  remote: ${remote}\n`);
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'a']);
      json(repo, ['snapshot']);
      const push = json(repo, ['backup', 'push']);
      expect(push.remote).toMatchObject({ ok: true, target: remote });
      expect(guardRefs(repo, remote)).toBe(guardRefs(repo));
      expect(json(repo, ['backup', 'status']).remote.lastPush.ok).toBe(true);
    }));

  it('pushes the snapshots to backup.remote over git:// (git daemon on 127.0.0.1)', () =>
    withTestRepo(async (repo) => {
      const served = path.join(repo.base, 'served');
      fs.mkdirSync(served);
      repo.git(['init', '-q', '--bare', path.join(served, 'backups.git')], { cwd: repo.base });
      const daemon = await startGitDaemon(repo, served, 'backups.git');
      try {
        const url = daemon.url('backups.git');
        repo.write('.guard.yaml', `version: 1\nbackup:\n  remote: ${url}\n`);
        repo.write('a.txt', 'a\n');
        repo.git(['add', '-A']);
        repo.git(['commit', '-q', '-m', 'a']);
        json(repo, ['snapshot']);
        const push = json(repo, ['backup', 'push', '--remote-only']);
        expect(push.remote).toMatchObject({ ok: true, target: url });
        expect(repo.git(['ls-remote', url, 'refs/guard/*'])).toBe(repo.git(['for-each-ref', '--format=%(objectname)\t%(refname)', 'refs/guard/']));
      } finally {
        daemon.stop();
      }
    }));
});

describe('a push that is running', () => {
  // The first copy of a big repository runs on after `guard init` returns (vite: ~20 s); status
  // said "no push from here yet (the next snapshot starts one)" all that time. A process whose
  // command line names `backup` holds the pusher's pid file here, as the detached pusher does.
  it('is said by guard init, guard status and guard backup status, until it ends', async () => {
    const { spawn } = await import('node:child_process');
    const { pidRecordText } = await import('../../../src/util/pid-file.js');
    await withTestRepo(async (repo) => {
      buildRichRepo(repo);
      const pusher = spawn('sh', ['-c', 'sleep 120', 'guard-backup-push'], { stdio: 'ignore' });
      try {
        const pidFile = path.join(repo.dir, '.git', 'guard', 'backup-push.pid');
        fs.mkdirSync(path.dirname(pidFile), { recursive: true });
        fs.writeFileSync(pidFile, pidRecordText(pusher.pid));

        const init = repo.guard(['init', '-y']);
        expect(init.code).toBe(0);
        expect(init.stdout).toMatch(new RegExp(`backup: .*first copy being made now \\(pid ${pusher.pid}, .*until it ends, snapshots exist only in this repository`));
        expect(json(repo, ['status']).backup.pushRunning).toMatchObject({ pid: pusher.pid });
        const text = repo.guard(['backup', 'status']);
        // No push has made the backup yet (the fake pusher holds the turn): the first copy is named.
        expect(text.stdout).toContain(`its first copy is being made now (pid ${pusher.pid}`);
        expect(text.stdout).not.toContain('Bring it up to date with: guard backup push');
        expect(json(repo, ['backup', 'status']).pushRunning).toMatchObject({ pid: pusher.pid });
      } finally {
        pusher.kill('SIGKILL');
        await new Promise((resolve) => pusher.once('exit', resolve));
      }
      expect(json(repo, ['backup', 'status']).pushRunning).toBeNull();
      expect(repo.guard(['status']).stdout).not.toContain('being made now');
    });
  });
});
