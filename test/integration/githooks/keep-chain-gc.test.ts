/**
 * The keep chain (refs/guard/keep/head) grew one commit per keep (each batch of pruned
 * remote-tracking refs, each rewritten protected branch, each force push) and `guard gc` never
 * trimmed it. Now gc lets go of tips kept longer ago than the snapshot retention and folds the
 * rest into one commit; a tip younger than the retention stays reachable through git's own gc.
 * Real git: tips kept by the installed reference-transaction hook (`git branch -dr`).
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../watcher/helpers.js';
import { AGENT_ENV, guarded, type Guarded } from './setup.js';
import { trimKeepChain } from '../../../src/githooks/keep.js';
import { openRepo } from '../../../src/git/repo.js';

/** Every keep commit's parents but the chain's own links (`git log --format=%P` lists all parents, rev-list --first-parent only the first). */
/** Every keep commit's parents but the chain's own links (the chain: commits whose message starts "guard keep"). */
function keptTips(repo: Guarded): string[] {
  const log = repo.run(['log', '--first-parent', '--format=%H %P%x01%s', 'refs/guard/keep/head']);
  if (log.code !== 0) return [];
  const lines = log.stdout.split('\n').filter(Boolean).map((line) => line.split('\x01')).filter(([, subject]) => subject!.startsWith('guard keep')).map(([ids]) => ids!.split(' '));
  const chain = lines.map((l) => l[0]);
  return lines.flatMap((l) => l.slice(1)).filter((p) => !chain.includes(p));
}

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
});
