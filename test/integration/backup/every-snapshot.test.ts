/**
 * Every snapshot reaches the backup, not only the watcher's (issue 11): the session-start
 * snapshot before `session start` returns, manual snapshots, init and rollbacks in the background.
 * Each test ends with `rm -rf .git` and `guard recover`, which is what the backup is for.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { json, waitFor, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

function commitBase(repo: TestRepo): void {
  repo.write('README.md', '# project\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

function removeGitDir(repo: TestRepo): void {
  fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
}

/** Waits until the detached pusher has brought the backup up to date with every chain. */
async function waitForBackupInSync(repo: TestRepo): Promise<any> {
  return waitFor('the background push to bring the backup in sync', () => {
    const status = json(repo, ['backup', 'status']);
    return status.exists && status.inSync ? status : undefined;
  });
}

describe('every snapshot reaches the backup', () => {
  it('the session-start snapshot is in the backup when `session start` returns: rm -rf .git right after it loses nothing', () =>
    withTestRepo((repo) => {
      commitBase(repo);
      repo.git(['tag', '-a', 'made-just-before', '-m', 'a tag made just before the session']);
      repo.write('src/app.js', 'console.log("uncommitted work");\n');
      repo.write('notes.txt', 'untracked notes\n');
      const started = json(repo, ['session', 'start', '--agent', 'test']);
      expect(started.backup).toMatchObject({ ok: true });
      // Nothing else may have pushed: the session's watcher is killed before it could.
      stopWatchers(repo.base);
      removeGitDir(repo);

      const r = repo.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.git(['cat-file', '-t', 'made-just-before'])).toBe('tag\n');
      expect(repo.read('src/app.js')).toBe('console.log("uncommitted work");\n');
      expect(repo.read('notes.txt')).toBe('untracked notes\n');
      const list = json(repo, ['list', '--all']);
      expect(list.some((s: any) => s.oid === started.session.startSnapshot)).toBe(true);
    }));

  it('the session start pushes its snapshot without first asking git whether a guard ref exists (it just wrote one)', () =>
    withTestRepo((repo) => {
      commitBase(repo);
      // A git on PATH that logs each process's parent pid and arguments.
      const bin = path.join(repo.base, 'bin');
      const log = path.join(repo.base, 'git.log');
      fs.mkdirSync(bin);
      const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
      fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nprintf '%s %s\\n' "$PPID" "$*" >>"${log}"\nexec ${realGit} "$@"\n`, { mode: 0o755 });
      const r = spawnSync(process.execPath, [GUARD_BIN, 'session', 'start', '--agent', 'test', '--json'], { cwd: repo.dir, env: { ...repo.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).backup).toMatchObject({ ok: true });
      stopWatchers(repo.base);
      const own = fs.readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith(`${r.pid} `)).map((line) => line.slice(`${r.pid} `.length));
      expect(own.filter((args) => args.startsWith('push ')), own.join('\n')).toHaveLength(1);
      expect(own.filter((args) => args.startsWith('for-each-ref --count=1')), own.join('\n')).toEqual([]);
    }));

  it('says plainly when the session-start push failed, and the session starts anyway', () =>
    withTestRepo((repo) => {
      commitBase(repo);
      // A backup store that cannot be created: a file where the directory must go.
      const blocked = path.join(repo.base, 'not-a-dir');
      fs.writeFileSync(blocked, 'a file\n');
      repo.write('.guard.yaml', `version: 1\nbackup:\n  dir: ${path.join(blocked, 'store')}\n`);
      const r = repo.guard(['session', 'start', '--agent', 'test']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('the session-start snapshot is NOT in the backup');
      expect(r.stderr).toContain('guard backup push');
      stopWatchers(repo.base);
    }));

  it("a session's watcher pushes after its start-up snapshot (even one that found nothing new), not beside the session start's own push", () =>
    withTestRepo(async (repo) => {
      commitBase(repo);
      // The start-up snapshot after a debounce the session start is well done within, even on a
      // loaded machine, so that it finds nothing new (a shorter one may run before the
      // session-start snapshot is recorded, and find the whole tree new).
      repo.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 3000\n  maxIntervalMs: 10000\n');
      const payload = JSON.stringify({ session_id: 'conv-push-after', cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' });
      const hook = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: repo.dir, env: repo.env, input: payload, encoding: 'utf8' });
      expect(hook.status, hook.stderr).toBe(0);
      expect(hook.stdout).not.toContain('NOT in the backup');
      // Nothing changes after the session start: the watcher's start-up snapshot finds nothing
      // new, and its push (of nothing: the session start pushed) still follows.
      const logFile = path.join(repo.dir, '.git', 'guard', 'watcher.log');
      const lines = (): string[] => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : []);
      await waitFor("the watcher's first push", () => lines().some((line) => / backup .*: ok /.test(line)));
      stopWatchers(repo.base);
      const log = lines();
      const firstSnapshot = log.findIndex((line) => / (no change|snapshot [0-9a-f]+) \(/.test(line));
      const firstPush = log.findIndex((line) => / backup /.test(line));
      expect(log[firstSnapshot], log.join('\n')).toContain('no change');
      expect(firstPush, log.join('\n')).toBeGreaterThan(firstSnapshot);
    }));

  it('after guard init and a manual snapshot, recover gives the snapshot back (pushed in the background)', () =>
    withTestRepo(async (repo) => {
      commitBase(repo);
      const init = repo.guard(['init', '--yes', '--agents', 'none']);
      expect(init.code, init.stderr).toBe(0);
      await waitForBackupInSync(repo);
      repo.write('src/app.js', 'console.log("after init");\n');
      repo.write('draft.md', 'untracked draft\n');
      const snap = json(repo, ['snapshot']);
      expect(snap.created).toBe(true);
      await waitFor('the manual snapshot in the backup', () => {
        const status = json(repo, ['backup', 'status']);
        return status.inSync && status.refs.some((ref: any) => ref.backup === snap.oid);
      });
      await waitForBackgroundPush(repo);
      removeGitDir(repo);
      const r = repo.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.read('src/app.js')).toBe('console.log("after init");\n');
      expect(repo.read('draft.md')).toBe('untracked draft\n');
    }));

  it('a rollback pushes its pre-rollback snapshot, so --undo survives rm -rf .git', () =>
    withTestRepo(async (repo) => {
      commitBase(repo);
      const first = json(repo, ['snapshot']);
      repo.write('src/app.js', 'console.log("later work");\n');
      const r = repo.guard(['rollback', first.id, '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const pre = JSON.parse(r.stdout).preRollbackSnapshot.oid;
      await waitFor('the pre-rollback snapshot in the backup', () => {
        const status = json(repo, ['backup', 'status']);
        const backupHead = status.refs.find((ref: any) => ref.ref === 'refs/guard/main/head')?.backup;
        return backupHead && repo.gitResult(['merge-base', '--is-ancestor', pre, backupHead]).code === 0;
      });
    }));
});
