/**
 * The keep chain (refs/guard/keep/head) grew one commit per keep (each batch of pruned
 * remote-tracking refs, each rewritten protected branch, each force push) and `guard gc` never
 * trimmed it. Now gc lets go of tips kept longer ago than the snapshot retention and folds the
 * rest into one commit; a tip younger than the retention stays reachable through git's own gc.
 * Real git: tips kept by the installed reference-transaction hook (`git branch -dr`).
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../watcher/helpers.js';
import { AGENT_ENV, guarded, keptTips, type Guarded } from './setup.js';
import { trimKeepChain } from '../../../src/githooks/keep.js';
import { openRepo } from '../../../src/git/repo.js';

/** How many keep commits the chain has. */
function keepCommits(repo: Guarded): number {
  const log = repo.run(['log', '--first-parent', '--format=%s', 'refs/guard/keep/head']);
  return log.stdout.split('\n').filter((s) => s.startsWith('guard keep')).length;
}

function dropRemoteBranch(repo: Guarded, name: string): string {
  repo.git(['switch', '-q', '-c', name]);
  repo.write(`${name}.txt`, `${name}\n`);
  repo.git(['add', `${name}.txt`]);
  repo.git(['commit', '-q', '-m', `work on ${name}`]);
  repo.git(['push', '-q', 'origin', name]);
  repo.git(['switch', '-q', 'main']);
  repo.git(['branch', '-q', '-D', name]);
  const tip = repo.rev(`refs/remotes/origin/${name}`)!;
  repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', name]);
  const r = repo.run(['branch', '-dr', `origin/${name}`], { env: AGENT_ENV });
  expect(r.code, r.stderr).toBe(0);
  return tip;
}

describe('guard gc and the keep chain', () => {
  it('tips older than the retention go, the younger fold into one commit that keeps them through git gc; nothing changes while none is that old', async () => {
    const repo = guarded();
    try {
      const old = dropRemoteBranch(repo, 'old');
      await waitFor('old kept', () => keptTips(repo).includes(old));
      const oldKeptAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const young = dropRemoteBranch(repo, 'young');
      const young2 = dropRemoteBranch(repo, 'young2');
      await waitFor('young kept', () => keptTips(repo).includes(young) && keptTips(repo).includes(young2));
      expect(keepCommits(repo)).toBeGreaterThanOrEqual(2);

      // The default retention: every tip is younger, nothing changes (no rewrite, same head).
      const head = repo.rev('refs/guard/keep/head');
      const plain = repo.guard(['gc']);
      expect(plain.code, plain.stderr).toBe(0);
      expect(repo.rev('refs/guard/keep/head')).toBe(head);

      // A retention that ends between the two keeps (now: 1 s after the second; keep: back to 0.7 s after the first).
      const r = await openRepo(repo.dir);
      const now = Date.now() + 1000;
      const trim = await trimKeepChain(r, now - (oldKeptAt + 700), { now });
      expect(trim?.dropped.map((d) => d.oid)).toEqual([old]);
      expect(trim?.dropped[0]?.ref).toBe('refs/remotes/origin/old');
      expect(trim?.kept).toBe(2);
      expect(keepCommits(repo)).toBe(1);
      expect(keptTips(repo).sort()).toEqual([young, young2].sort());

      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.run(['cat-file', '-e', `${young}^{commit}`]).code).toBe(0);
      expect(repo.run(['cat-file', '-e', `${young2}^{commit}`]).code).toBe(0);
      expect(repo.run(['cat-file', '-e', `${old}^{commit}`]).code).not.toBe(0);

      // A later keep goes on top of the folded commit; `guard gc --keep 0` lets go of every tip.
      const later = dropRemoteBranch(repo, 'later');
      await waitFor('later kept', () => keptTips(repo).includes(later));
      expect(keptTips(repo).sort()).toEqual([young, young2, later].sort());
      const all = repo.guard(['gc', '--keep', '0']);
      expect(all.code, all.stderr).toBe(0);
      expect(all.stdout).toContain('refs/guard/keep/head: 2 keep commit(s), dropped 3 tip(s) kept longer ago than the retention');
      expect(repo.rev('refs/guard/keep/head')).toBeNull();
    } finally {
      repo.cleanup();
    }
  });

  it('a fold keeps every pruned name: two remote branches at one commit, pruned together, are both listed and restored by guard rollback after gc', async () => {
    const repo = guarded();
    try {
      const old = dropRemoteBranch(repo, 'old');
      await waitFor('old kept', () => keptTips(repo).includes(old));
      const oldKeptAt = Date.now();
      // The snapshot the rollback goes back to, before the prune.
      repo.write('notes.txt', 'at the snapshot\n');
      const snap = repo.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;
      await new Promise((resolve) => setTimeout(resolve, 1500));

      // Two remote branches at one commit, pruned by one fetch: the commit is kept once, under one name.
      repo.git(['switch', '-q', '-c', 'twin-a']);
      repo.write('twin.txt', 'twin\n');
      repo.git(['add', 'twin.txt']);
      repo.git(['commit', '-q', '-m', 'twin work']);
      repo.git(['push', '-q', 'origin', 'twin-a', 'twin-a:twin-b']);
      repo.git(['switch', '-q', 'main']);
      repo.git(['branch', '-q', '-D', 'twin-a']);
      repo.git(['fetch', '-q', 'origin']);
      const twin = repo.rev('refs/remotes/origin/twin-a')!;
      expect(repo.rev('refs/remotes/origin/twin-b')).toBe(twin);
      repo.git(['pack-refs', '--all']);
      for (const name of ['twin-a', 'twin-b']) repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', name]);
      const fetch = repo.run(['fetch', '--prune', 'origin'], { env: AGENT_ENV });
      expect(fetch.code, fetch.stderr).toBe(0);
      await waitFor('twin kept', () => keptTips(repo).includes(twin));

      const listed = (): Array<{ ref: string; oid: string; command: string }> => {
        const json = repo.guard(['rollback', id, '--dry-run', '--json']);
        expect(json.code, json.stderr).toBe(0);
        return (JSON.parse(json.stdout) as { prunedRemotes: Array<{ ref: string; oid: string; command: string }> }).prunedRemotes;
      };
      const before = listed().map((p) => [p.ref, p.oid]);
      expect(before).toEqual([
        ['refs/remotes/origin/twin-a', twin],
        ['refs/remotes/origin/twin-b', twin],
      ]);

      // The fold: old goes (kept before the retention), the twin commit stays with both its names.
      const r = await openRepo(repo.dir);
      const now = Date.now() + 1000;
      const trim = await trimKeepChain(r, now - (oldKeptAt + 700), { now });
      expect(trim?.dropped.map((d) => d.oid)).toEqual([old]);
      expect(trim?.commit).toBeTruthy();
      expect(keepCommits(repo)).toBe(1);
      expect(keptTips(repo)).toEqual([twin]);
      // A second fold (the default retention: nothing to drop) and git's own gc change nothing of it.
      const plain = repo.guard(['gc']);
      expect(plain.code, plain.stderr).toBe(0);
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);

      const after = listed();
      expect(after.map((p) => [p.ref, p.oid])).toEqual(before);
      const done = repo.guard(['rollback', id, '--yes']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain(`git update-ref refs/remotes/origin/twin-b ${twin}`);
      for (const p of after) {
        const [cmd, ...args] = p.command.split(' ');
        expect(cmd).toBe('git');
        repo.git(args);
      }
      expect(repo.rev('refs/remotes/origin/twin-a')).toBe(twin);
      expect(repo.rev('refs/remotes/origin/twin-b')).toBe(twin);
      expect(repo.git(['show', 'origin/twin-b:twin.txt'])).toBe('twin\n');
    } finally {
      repo.cleanup();
    }
  });

  it('a commit named again after its keep (a second remote branch at it pruned later) stays through a fold that would drop its first keep', async () => {
    const repo = guarded();
    try {
      const tip = dropRemoteBranch(repo, 'first');
      await waitFor('first kept', () => keptTips(repo).includes(tip));
      const firstKeptAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // The same commit comes back under another remote name, which the remote then deletes.
      repo.git(['--git-dir', repo.remote, 'branch', '-q', 'second', tip]);
      repo.git(['fetch', '-q', 'origin']);
      repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', 'second']);
      const head = repo.rev('refs/guard/keep/head');
      expect(repo.run(['fetch', '--prune', 'origin'], { env: AGENT_ENV }).code).toBe(0);
      await waitFor('the second name recorded', () => repo.rev('refs/guard/keep/head') !== head);

      const r = await openRepo(repo.dir);
      const now = Date.now() + 1000;
      const trim = await trimKeepChain(r, now - (firstKeptAt + 700), { now });
      expect(trim?.dropped).toEqual([]);
      expect(keptTips(repo)).toContain(tip);
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.run(['cat-file', '-e', `${tip}^{commit}`]).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});
