/**
 * Judges the ref changes a command announces (src/policy/command/ref-changes.ts) against the
 * repository as it is now, with the rules reference-transaction applies (branch-violations.ts,
 * decide.ts's wouldRefuse). The agent hooks ask this before a command starts, so what git would
 * refuse part-way (`git reset --hard HEAD~1` on protected main: git resets the working tree, and
 * only then does reference-transaction refuse to move main) is refused whole, with nothing done.
 * It is also the only layer left for agents that run git with hooks switched off (Gemini CLI sets
 * core.hooksPath to "" for every shell command).
 *
 * Cost: nothing without a ref change; one `git symbolic-ref` when the checked-out branch is
 * unprotected; for a protected branch one `cat-file --batch-check` (the branch's tip and the
 * target together) and, unless the target is written as the branch's own ancestor (`HEAD~1`),
 * one `merge-base --is-ancestor` more. All synchronously: this is the
 * agent hook's path, where the first asynchronous spawn costs more than git itself (runGitSync).
 */
import type { Repo } from '../git/repo.js';
import { runGitSync } from '../git/run.js';
import { isAncestorSync, resolveRevSync, resolveRevsSync } from '../git/revs.js';
import { protectingBranchGlob } from '../policy/match.js';
import type { RefChange } from '../policy/command/ref-changes.js';
import { branchDeleteViolation, branchRewriteViolation } from './branch-violations.js';
import type { HookContext } from './context.js';
import { wouldRefuse } from './decide.js';
import type { Violation } from './messages.js';

/** refs/heads/<name> HEAD points to, or null (detached, or no repository state to read). */
function symbolicFullName(repo: Repo, rev: string): string | null {
  const args = rev === 'HEAD' ? ['symbolic-ref', '-q', 'HEAD'] : ['rev-parse', '--symbolic-full-name', '--end-of-options', rev];
  const result = runGitSync(args, { cwd: repo.root, okCodes: [1, 128] });
  const name = result.code === 0 ? result.stdout.toString('utf8').trim() : '';
  return name.startsWith('refs/heads/') ? name : null;
}

function fullRef(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}

/**
 * After a switch earlier in the line, `HEAD~1` names a commit of the branch switched to, not of
 * the one checked out now.
 */
function onBranch(rev: string, switchedTo: string | null): string {
  if (switchedTo === null) return rev;
  return rev.replace(/^(HEAD|@)(?=$|[~^])/, switchedTo);
}

function violationOf(ctx: HookContext, change: Exclude<RefChange, { kind: 'switch' }>, ref: string, switchedTo: string | null): Violation | null {
  const glob = protectingBranchGlob(ctx.policy, ref);
  if (glob === null) return null;
  // The branch's tip, and the revision it would move to (or be replayed onto), in one batch.
  const base =
    change.kind === 'move' && change.to !== null
      ? onBranch(change.to, switchedTo)
      : change.kind === 'rebase' && change.upstream !== null && change.upstream !== '--root'
        ? change.upstream === '@{upstream}' && switchedTo !== null
          ? `${switchedTo}@{upstream}`
          : onBranch(change.upstream, switchedTo)
        : null;
  const [old, target] = base === null ? [resolveRevSync(ctx.repo, ref), null] : resolveRevsSync(ctx.repo, [ref, `${base}^{commit}`]);
  if (!old) return null; // an unborn branch has no history to lose
  switch (change.kind) {
    case 'delete':
      return branchDeleteViolation(ctx, ref, glob, old);
    case 'rewrite':
      return branchRewriteViolation(ctx, ref, glob, old, 'a new commit beside it', change.how);
    case 'move': {
      if (change.to === null) return branchRewriteViolation(ctx, ref, glob, old, 'a revision guard cannot see before the command runs', change.how);
      // Not a revision: git reads it as a path (`git reset file`) or fails; either way no ref moves.
      if (!target || target === old) return null;
      // `HEAD~1`, `HEAD^2` of the branch being moved name its own ancestors: another commit than its
      // tip is then never a fast-forward, and no merge-base needs to say so (the common reset).
      const ownAncestor = change.ref === 'HEAD' && /^(HEAD|@)(?:[~^]\d*)+$/.test(change.to);
      if (!ownAncestor && isAncestorSync(ctx.repo, old, target)) return null;
      return branchRewriteViolation(ctx, ref, glob, old, target, change.how);
    }
    case 'rebase': {
      if (change.upstream === null || change.upstream === '--root') {
        return branchRewriteViolation(ctx, ref, glob, old, change.upstream === null ? 'a base guard cannot see' : 'all of its history replayed', change.how);
      }
      if (!target) return null; // git refuses to start (no such upstream)
      // Replaying nothing of its own onto a descendant is a fast-forward.
      if (isAncestorSync(ctx.repo, old, target)) return null;
      return branchRewriteViolation(ctx, ref, glob, old, `its commits replayed onto ${change.upstream}`, change.how);
    }
  }
}

/** The first announced change the git layer would refuse, or null. */
export async function refusedRefChange(ctx: HookContext, changes: readonly RefChange[]): Promise<Violation | null> {
  if (changes.length === 0) return null;
  let head: string | null | undefined;
  let switched = false;
  for (const change of changes) {
    if (change.kind === 'switch') {
      switched = true;
      if (change.branch === null) head = null;
      else if (change.branch.startsWith('@{')) head = symbolicFullName(ctx.repo, change.branch);
      // `git checkout X` of a path switches nothing: only an existing (or new) branch counts.
      else if (change.created || resolveRevSync(ctx.repo, fullRef(change.branch)) !== null) head = fullRef(change.branch);
      continue;
    }
    let ref: string | null;
    if (change.ref === 'HEAD') {
      if (head === undefined) head = symbolicFullName(ctx.repo, 'HEAD');
      ref = head;
    } else ref = fullRef(change.ref);
    if (ref === null) continue; // detached HEAD: no branch moves
    const violation = violationOf(ctx, change, ref, switched ? ref : null);
    if (violation && (await wouldRefuse(ctx, violation))) return violation;
  }
  return null;
}
