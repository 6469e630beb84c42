/**
 * The keep chain (KEEP_REF in src/snapshot/refs.ts): keeps commits reachable that a ref move
 * left behind, so `git gc --prune=now` (or reflog expiry) cannot take them: the old tip of a
 * protected branch rewritten locally (`commit --amend`, `reset`, a rebase) or deleted with an
 * approval, and the remote tip a push overwrote. One ref for the repository; each keep commit has
 * an empty tree and the parents [previous keep commit, kept tips...], and its message says what
 * was kept and why (the journal says it too).
 *
 * Written with guard's internal token, so guard's own reference-transaction hook lets it through.
 */
import { GuardError } from '../errors.js';
import { withInternalToken } from '../git/internal-token.js';
import { checkObjects } from '../git/batch-objects.js';
import { commitTree, emptyTree, zeroOid } from '../git/objects.js';
import { resolveRev } from '../git/revs.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { KEEP_REF } from '../snapshot/refs.js';

export interface KeepItem {
  /** The ref whose move left the commit behind (a local branch, or `origin refs/heads/x`). */
  ref: string;
  oid: string;
  reason: string;
}

export interface KeepResult {
  /** The new keep commit, or null when everything was already kept or nothing was a commit. */
  commit: string | null;
  kept: KeepItem[];
}

async function parentsOf(repo: Repo, commit: string): Promise<string[]> {
  const { stdout } = await runGit(['rev-parse', `${commit}^@`], { cwd: repo.root });
  return stdout.toString('utf8').split('\n').filter(Boolean);
}

export async function keepTips(repo: Repo, items: KeepItem[]): Promise<KeepResult> {
  // Each item's commit (a tag is peeled; a tree or blob is no commit), all in one cat-file.
  const commits = await checkObjects(repo, items.map((item) => `${item.oid}^{commit}`));
  const resolved = new Map<string, KeepItem>();
  items.forEach((item, i) => {
    const commit = commits[i]?.type === 'commit' ? commits[i]!.oid : null;
    if (commit && !resolved.has(commit)) resolved.set(commit, { ...item, oid: commit });
  });
  if (resolved.size === 0) return { commit: null, kept: [] };
  return withInternalToken(repo, async (env) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const previous = await resolveRev(repo, KEEP_REF);
      const already = previous ? new Set(await parentsOf(repo, previous)) : new Set<string>();
      const fresh = [...resolved.values()].filter((item) => !already.has(item.oid));
      if (fresh.length === 0) return { commit: null, kept: [] };
      const message = [
        `guard keep: ${fresh.map((item) => `${item.ref} ${item.oid.slice(0, 12)}`).join(', ')}`.slice(0, 200),
        '',
        JSON.stringify({ time: new Date().toISOString(), items: fresh }),
        '',
      ].join('\n');
      const commit = await commitTree(repo, await emptyTree(repo), [...(previous ? [previous] : []), ...fresh.map((item) => item.oid)], message);
      // Expected old value: a concurrent keep makes this fail cleanly and we retry on top of it.
      const update = await runGit(['update-ref', '-m', 'guard keep', KEEP_REF, commit, previous ?? zeroOid(commit)], {
        cwd: repo.root,
        env,
        okCodes: [1, 128],
      });
      if (update.code === 0) return { commit, kept: fresh };
    }
    throw new GuardError('git', `could not update ${KEEP_REF}: it kept changing under guard`);
  });
}
