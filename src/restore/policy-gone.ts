/**
 * The committed policy gone from the worktree. An agent's merge, rebase, pull, pick, am, revert or
 * stash pop that takes in a deletion of `.guard.yaml` is put back by its hook (own-files.ts,
 * notePolicyWatch); the person's own such command is not (no agent hook runs), and guard then
 * runs on its defaults without a word: the person's protected paths and branches are no longer
 * protected. `guard status` and the session start ask here, only when the policy file is absent,
 * whether the commit before HEAD (its first parent: what a merge or a commit that deleted it
 * started from), HEAD itself (deleted in the worktree only) or the latest snapshot of this
 * worktree had it, and name the way back. One `git cat-file --batch-check`, and only when the
 * file is not there (none at all where it is).
 */
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { CONFIG_FILE_NAME } from '../policy/schema.js';
import { shellQuote } from '../agents/package-root.js';

export interface PolicyGone {
  /** The policy file that is absent (absolute). */
  file: string;
  /** Where it still is: a commit (HEAD, HEAD's first parent) or a snapshot, most recent first. */
  heldBy: 'HEAD' | 'parent' | 'snapshot';
  /** The commit or snapshot id that holds it. */
  oid: string;
  /** The command that brings it back, byte for byte. */
  back: string;
}

/**
 * Where the absent policy file still is (PolicyGone), or null: it is there, or none of HEAD, HEAD's
 * first parent and the latest snapshot (`latestSnapshot`, this worktree's; only where the file is
 * this worktree's own) had it. `policySource` is the file the policy is read from (a linked
 * worktree reads the main worktree's: HEAD there is asked).
 */
export async function policyGone(repo: Repo, policySource: string, sourceExists: boolean, latestSnapshot: string | null): Promise<PolicyGone | null> {
  if (sourceExists || path.basename(policySource) !== CONFIG_FILE_NAME) return null;
  const root = path.dirname(policySource);
  const own = path.resolve(root) === path.resolve(repo.root);
  const names = ['HEAD', `HEAD:${CONFIG_FILE_NAME}`, 'HEAD^1', `HEAD^1:${CONFIG_FILE_NAME}`, ...(own && latestSnapshot ? [`${latestSnapshot}:${CONFIG_FILE_NAME}`] : [])];
  let result;
  try {
    result = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: root, input: `${names.join('\n')}\n`, okCodes: [128] });
  } catch {
    return null;
  }
  if (result.code !== 0) return null;
  const lines = result.stdout.toString('utf8').split('\n');
  const found = (i: number): string | null => {
    const m = /^([0-9a-f]{40,64}) (\w+)$/.exec(lines[i] ?? '');
    return m ? m[1]! : null;
  };
  const [head, inHead, parent, inParent] = [found(0), found(1), found(2), found(3)];
  const inSnapshot = own && latestSnapshot ? found(4) : null;
  const rel = own ? CONFIG_FILE_NAME : policySource;
  const back = (oid: string): string => (own ? `git checkout ${oid.slice(0, 12)} -- ${CONFIG_FILE_NAME}` : `git -C ${shellQuote(root)} checkout ${oid.slice(0, 12)} -- ${CONFIG_FILE_NAME}`);
  if (head && inHead) return { file: policySource, heldBy: 'HEAD', oid: head, back: back(head) };
  if (parent && inParent) return { file: policySource, heldBy: 'parent', oid: parent, back: back(parent) };
  if (latestSnapshot && inSnapshot) return { file: policySource, heldBy: 'snapshot', oid: latestSnapshot, back: `guard rollback ${latestSnapshot.slice(0, 12)} --paths ${shellQuote(rel)}` };
  return null;
}

/** One line saying it, with the way back (for `guard status` and the session start). */
export function policyGoneText(gone: PolicyGone): string {
  const where = gone.heldBy === 'HEAD' ? `HEAD (${gone.oid.slice(0, 12)}) has it: it was deleted in the worktree only` : gone.heldBy === 'parent' ? `HEAD's parent ${gone.oid.slice(0, 12)} had it: the commit or merge that made HEAD deleted it` : `the latest snapshot ${gone.oid.slice(0, 12)} had it`;
  return `guard's policy ${gone.file} is gone (${where}), so guard runs on its defaults: the protected paths and branches it named are not protected`;
}

export function policyGoneFix(gone: PolicyGone): string {
  return `bring it back: \`${gone.back}\`${gone.heldBy === 'snapshot' ? '' : ` (or \`guard rollback SNAPSHOT --paths ${CONFIG_FILE_NAME}\` from a snapshot that has it)`}; if dropping the policy was meant, nothing to do`;
}
