/**
 * A snapshot reads HEAD from its file when it names a branch (repo-state.ts headFromFile): the
 * branch's commit and tree come from the for-each-ref it runs anyway, so a no-change snapshot
 * starts three git processes (the repository's rev-parse, `status`, `for-each-ref`), not four
 * (`rev-parse HEAD HEAD^{tree} --symbolic-full-name HEAD` was the fourth). What the snapshot
 * records as HEAD must be what git says, on a branch, detached, on an unborn branch and in a
 * linked worktree on another branch (its own HEAD file, not the main worktree's).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { withGitCount } from '../../helpers/git-trace.js';

/** The HEAD the snapshot `guard snapshot --json` names recorded. */
function recordedHead(t: TestRepo, stdout: string, cwd?: string): { symbolic: string | null; oid: string | null } {
  const oid = (JSON.parse(stdout) as { oid: string }).oid;
  const body = t.git(['log', '-1', '--format=%B', oid], cwd ? { cwd } : {});
  const meta = JSON.parse(body.slice(body.indexOf('{'))) as { head: { symbolic: string | null; oid: string | null } };
  return meta.head;
}

/** HEAD as git says it, in `cwd`. */
function gitHead(t: TestRepo, cwd?: string): { symbolic: string | null; oid: string | null } {
  const symbolic = t.gitResult(['symbolic-ref', '-q', 'HEAD'], cwd ? { cwd } : {});
  const oid = t.gitResult(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], cwd ? { cwd } : {});
  return { symbolic: symbolic.code === 0 ? symbolic.stdout.trim() : null, oid: oid.code === 0 ? oid.stdout.trim() : null };
}

function snapshot(t: TestRepo, cwd?: string): string {
  const r = t.guard(['snapshot', '--json', '-m', 'probe'], { ...(cwd ? { cwd } : {}), env: { GUARD_TEST_NO_AUTO_PUSH: '1' } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('HEAD read from its file by a snapshot', () => {
  it('a no-change snapshot on a branch starts rev-parse, status and for-each-ref only', async () => {
    await withTestRepo(async (t) => {
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      t.write('a.txt', 'one\n');
      t.git(['add', 'a.txt']);
      t.git(['commit', '-q', '-m', 'one']);
      // Past git's racy window (capture-worktree.ts RACY_MS, 2 s) for every file and the index, so
      // the snapshot after the next one re-reads nothing (as the benchmark's no-change snapshot).
      await new Promise((resolve) => setTimeout(resolve, 2200));
      snapshot(t);
      snapshot(t);
      const { count } = withGitCount(t.base, 'no-change', (env) => {
        const r = t.guard(['snapshot', '--json'], { env: { ...env, GUARD_TEST_NO_AUTO_PUSH: '1' } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/"created": false/);
      });
      const shown = count.argv.map((a) => a.join(' ').slice(0, 100)).join('\n');
      expect(count.argv.filter((a) => a.includes('HEAD^{tree}')), shown).toEqual([]);
      expect(Object.fromEntries(count.byCommand), shown).toEqual({ 'rev-parse': 1, status: 1, 'for-each-ref': 1 });
    });
  }, 120_000);

  it('records HEAD as git says on a branch, detached, unborn and in a linked worktree', async () => {
    await withTestRepo(async (t) => {
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      t.write('a.txt', 'one\n');
      t.git(['add', 'a.txt']);
      t.git(['commit', '-q', '-m', 'one']);
      t.git(['branch', 'feat/x-1']);
      t.write('a.txt', 'two\n');
      t.git(['commit', '-q', '-am', 'two']);

      const onBranch = snapshot(t);
      expect(recordedHead(t, onBranch)).toEqual(gitHead(t));
      expect(recordedHead(t, onBranch).symbolic).toBe('refs/heads/main');

      t.git(['checkout', '-q', 'feat/x-1']);
      const other = snapshot(t);
      expect(recordedHead(t, other)).toEqual(gitHead(t));
      expect(recordedHead(t, other).symbolic).toBe('refs/heads/feat/x-1');

      t.git(['checkout', '-q', '--detach', 'main']);
      const detached = snapshot(t);
      expect(recordedHead(t, detached)).toEqual({ symbolic: null, oid: t.git(['rev-parse', 'main']).trim() });

      t.git(['checkout', '-q', '--orphan', 'fresh']);
      const unborn = snapshot(t);
      expect(recordedHead(t, unborn)).toEqual({ symbolic: 'refs/heads/fresh', oid: null });

      // A linked worktree on another branch, while the main worktree is back on main.
      t.git(['checkout', '-q', '-f', 'main']);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', wt, 'feat/x-1']);
      const linked = snapshot(t, wt);
      expect(recordedHead(t, linked, wt)).toEqual(gitHead(t, wt));
      expect(recordedHead(t, linked, wt)).toEqual({ symbolic: 'refs/heads/feat/x-1', oid: t.git(['rev-parse', 'feat/x-1']).trim() });
      expect(recordedHead(t, snapshot(t))).toEqual({ symbolic: 'refs/heads/main', oid: t.git(['rev-parse', 'main']).trim() });
    });
  }, 180_000);
});
