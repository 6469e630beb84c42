import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { canDropPrivileges, giveToNobody, guardAsNobody } from '../../helpers/unprivileged.js';

function snapshotJson(repo: TestRepo, args: string[] = [], cwd?: string): any {
  const r = repo.guard(['snapshot', '--json', ...args], cwd ? { cwd } : {});
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function commitFile(repo: TestRepo, file = 'a.txt', content = 'a\n'): void {
  repo.write(file, content);
  repo.git(['add', file]);
  repo.git(['commit', '-q', '-m', `add ${file}`]);
}

describe('guard snapshot', () => {
  it('returns the previous snapshot when nothing changed, and a new one after any change', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      const first = snapshotJson(repo);
      expect(first.created).toBe(true);
      const again = snapshotJson(repo);
      expect(again.created).toBe(false);
      expect(again.id).toBe(first.id);
      repo.git(['branch', 'new-branch']);
      const afterRef = snapshotJson(repo);
      expect(afterRef.created).toBe(true);
      expect(afterRef.id).not.toBe(first.id);
      repo.git(['add', '-N', 'nothing'], { allowFail: true });
      repo.write('a.txt', 'changed\n');
      const afterFile = snapshotJson(repo);
      expect(afterFile.created).toBe(true);
      expect(afterFile.changes).toEqual({ added: 0, modified: 1, deleted: 0 });
    }));

  it('never touches the index, index.lock, HEAD, stash or reflogs, and works while index.lock is held', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      repo.write('a.txt', 'staged\n');
      repo.git(['add', 'a.txt']);
      repo.write('b.txt', 'untracked\n');
      const indexPath = path.join(repo.dir, '.git', 'index');
      const indexBytes = fs.readFileSync(indexPath);
      const indexMtime = fs.statSync(indexPath).mtimeMs;
      const reflog = repo.git(['reflog', '--format=%H %gs']);
      fs.writeFileSync(`${indexPath}.lock`, 'held by another git process');
      const snap = snapshotJson(repo);
      expect(snap.created).toBe(true);
      expect(fs.readFileSync(`${indexPath}.lock`, 'utf8')).toBe('held by another git process');
      fs.rmSync(`${indexPath}.lock`);
      expect(fs.readFileSync(indexPath)).toEqual(indexBytes);
      expect(fs.statSync(indexPath).mtimeMs).toBe(indexMtime);
      expect(repo.git(['reflog', '--format=%H %gs'])).toBe(reflog);
      expect(repo.git(['stash', 'list'])).toBe('');
      // The snapshot holds the untracked file and the staged state separately.
      expect(repo.git(['show', `${snap.oid}:b.txt`])).toBe('untracked\n');
      expect(repo.git(['show', `${snap.oid}^2:a.txt`])).toBe('staged\n');
      // No temp files or locks left behind.
      const tmp = path.join(repo.dir, '.git', 'guard', 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    }));

  it('lists new files over the size limit as skipped instead of dropping them silently', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      repo.write('big.bin', Buffer.alloc(4096, 7));
      repo.write('small.txt', 'small\n');
      const r = repo.guard(['snapshot', '--max-file-size', '1KB']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('skipped big.bin: too-large');
      const snap = snapshotJson(repo, ['--max-file-size', '1KB']);
      expect(snap.skipped).toEqual([{ path: 'big.bin', reason: 'too-large', size: 4096 }]);
      expect(repo.git(['ls-tree', '--name-only', snap.oid]).split('\n')).toEqual(['a.txt', 'small.txt', '']);
      // Tracked files are always captured, whatever their size.
      repo.git(['add', 'big.bin']);
      expect(snapshotJson(repo, ['--max-file-size', '1KB']).skipped).toEqual([]);
    }));

  // Permission bits do not stop root from reading, so as root (most CI containers) the snapshot
  // runs as nobody, in a repository handed to nobody (test/helpers/unprivileged.ts).
  it.runIf(process.getuid?.() !== 0 || canDropPrivileges)('skips unreadable files and still succeeds', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      repo.write('secret.txt', 'no access\n');
      fs.chmodSync(path.join(repo.dir, 'secret.txt'), 0o000);
      let snap: ReturnType<typeof snapshotJson>;
      if (process.getuid?.() === 0) {
        giveToNobody(repo);
        const r = guardAsNobody(repo, ['snapshot', '--json']);
        expect(r.code, r.stderr).toBe(0);
        snap = JSON.parse(r.stdout) as ReturnType<typeof snapshotJson>;
      } else {
        snap = snapshotJson(repo);
      }
      expect(snap.skipped).toEqual([{ path: 'secret.txt', reason: 'unreadable' }]);
      expect(repo.git(['ls-tree', '--name-only', snap.oid], { env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' } }).split('\n')).not.toContain('secret.txt');
    }));

  it('rejects bad input with a clear message and changes nothing', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      const bad = repo.guard(['snapshot', '--max-file-size', 'lots']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('"lots" is not a size');
      expect(repo.gitResult(['rev-parse', '-q', '--verify', 'refs/guard/main/head']).code).not.toBe(0);
      const outside = repo.guard(['snapshot'], { cwd: repo.home });
      expect(outside.code).toBe(1);
      expect(outside.stderr).toContain('not inside a git repository');
    }));

  it('works in a repository with no commits yet, and rollback restores it', () =>
    withTestRepo((repo) => {
      repo.write('first.txt', 'first\n');
      repo.write('staged.txt', 'staged\n');
      repo.git(['add', 'staged.txt']);
      const before = captureState(repo);
      const snap = snapshotJson(repo);
      expect(snap.head).toEqual({ symbolic: 'refs/heads/main', oid: null });
      repo.remove('first.txt');
      repo.git(['rm', '-q', '--cached', 'staged.txt']);
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
    }));

  it('records a detached HEAD and restores it', () =>
    withTestRepo((repo) => {
      commitFile(repo, 'a.txt', '1\n');
      commitFile(repo, 'a.txt', '2\n');
      repo.git(['checkout', '-q', '--detach', 'HEAD~1']);
      const before = captureState(repo);
      const snap = snapshotJson(repo);
      expect(snap.head.symbolic).toBeNull();
      repo.git(['checkout', '-q', 'main']);
      expect(repo.guard(['rollback', '--yes']).code).toBe(0);
      expect(captureState(repo)).toEqual(before);
    }));

  it('keeps one chain per linked worktree', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      const wt = path.join(repo.base, 'wt');
      repo.git(['worktree', 'add', '-q', '-b', 'wt-branch', wt]);
      fs.writeFileSync(path.join(wt, 'only-in-wt.txt'), 'wt\n');
      const inWt = snapshotJson(repo, [], wt);
      const inMain = snapshotJson(repo);
      expect(inWt.worktree).toBe('worktrees/wt');
      expect(inMain.worktree).toBe('main');
      const refs = repo.git(['for-each-ref', '--format=%(refname)', 'refs/guard']).trim().split('\n');
      expect(refs).toEqual(['refs/guard/main/head', 'refs/guard/worktrees/wt/head']);
      const listWt = JSON.parse(repo.guard(['list', '--json'], { cwd: wt }).stdout);
      expect(listWt.map((s: any) => s.id)).toEqual([inWt.id]);
      // Roll back inside the worktree: only that worktree changes.
      const before = captureState(repo, wt);
      fs.rmSync(path.join(wt, 'only-in-wt.txt'));
      const r = repo.guard(['rollback', '--yes'], { cwd: wt });
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo, wt)).toEqual(before);
      expect(fs.existsSync(path.join(repo.dir, 'only-in-wt.txt'))).toBe(false);
    }));

  it('works in a sparse checkout without losing the files outside the cone', () =>
    withTestRepo((repo) => {
      repo.write('in/a.txt', 'in\n');
      repo.write('out/b.txt', 'out\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'two dirs']);
      repo.git(['sparse-checkout', 'set', 'in']);
      expect(repo.exists('out/b.txt')).toBe(false);
      repo.write('in/a.txt', 'edited\n');
      const before = captureState(repo);
      const snap = snapshotJson(repo);
      expect(repo.git(['show', `${snap.oid}:out/b.txt`])).toBe('out\n');
      repo.write('in/a.txt', 'agent garbage\n');
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
      expect(repo.exists('out/b.txt')).toBe(false);
      expect(repo.git(['ls-files', '-t', 'out/b.txt'])).toBe('S out/b.txt\n');
    }));

  it('survives files being rewritten while it reads them: every snapshot succeeds or fails cleanly', async () => {
    await withTestRepo(async (repo) => {
      commitFile(repo);
      for (let i = 0; i < 50; i++) repo.write(`churn/f${i}.txt`, `${i}\n`);
      const writer = (async () => {
        for (let round = 0; round < 200; round++) {
          for (let i = 0; i < 50; i += 7) fs.writeFileSync(path.join(repo.dir, `churn/f${i}.txt`), `round ${round}\n`.repeat(round));
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(repo.guard(['snapshot', '--json']));
      await writer;
      for (const r of results) {
        if (r.code !== 0) expect(r.stderr).toMatch(/guard: error: /);
      }
      expect(results.some((r) => r.code === 0)).toBe(true);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'index.lock'))).toBe(false);
      const tmp = path.join(repo.dir, '.git', 'guard', 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
      expect(repo.git(['fsck', '--no-progress']).trim()).toBe('');
    });
  });

  it('keeps recorded commits reachable so gc --prune=now cannot remove them', () =>
    withTestRepo((repo) => {
      commitFile(repo);
      repo.git(['checkout', '-q', '-b', 'doomed']);
      commitFile(repo, 'doomed.txt');
      const doomed = repo.git(['rev-parse', 'HEAD']).trim();
      repo.git(['checkout', '-q', 'main']);
      snapshotJson(repo);
      repo.git(['branch', '-D', 'doomed']);
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.git(['cat-file', '-t', doomed]).trim()).toBe('commit');
    }));
});
