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
 * unprotected; a few rev-parse and one merge-base more only for a protected branch.
 */
import { resolveRev } from '../git/objects.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { protectingBranchGlob } from '../policy/match.js';
import type { RefChange } from '../policy/command/ref-changes.js';
import { branchDeleteViolation, branchRewriteViolation } from './branch-violations.js';
import type { HookContext } from './context.js';
import { wouldRefuse } from './decide.js';
import type { Violation } from './messages.js';
import { isAncestor } from './refs-state.js';

/** refs/heads/<name> HEAD points to, or null (detached, or no repository state to read). */
async function symbolicFullName(repo: Repo, rev: string): Promise<string | null> {
  const args = rev === 'HEAD' ? ['symbolic-ref', '-q', 'HEAD'] : ['rev-parse', '--symbolic-full-name', '--end-of-options', rev];
  const result = await runGit(args, { cwd: repo.root, okCodes: [1, 128] });
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

async function violationOf(ctx: HookContext, change: Exclude<RefChange, { kind: 'switch' }>, ref: string, switchedTo: string | null): Promise<Violation | null> {
  const glob = protectingBranchGlob(ctx.policy, ref);
  if (glob === null) return null;
  const old = await resolveRev(ctx.repo, ref);
  if (old === null) return null; // an unborn branch has no history to lose
  switch (change.kind) {
    case 'delete':
      return branchDeleteViolation(ctx, ref, glob, old);
    case 'rewrite':
      return branchRewriteViolation(ctx, ref, glob, old, 'a new commit beside it', change.how);
    case 'move': {
      if (change.to === null) return branchRewriteViolation(ctx, ref, glob, old, 'a revision guard cannot see before the command runs', change.how);
      const to = await resolveRev(ctx.repo, `${onBranch(change.to, switchedTo)}^{commit}`);
      // Not a revision: git reads it as a path (`git reset file`) or fails; either way no ref moves.
      if (to === null || (await isAncestor(ctx.repo, old, to))) return null;
      return branchRewriteViolation(ctx, ref, glob, old, to, change.how);
    }
    case 'rebase': {
      if (change.upstream === null || change.upstream === '--root') {
        return branchRewriteViolation(ctx, ref, glob, old, change.upstream === null ? 'a base guard cannot see' : 'all of its history replayed', change.how);
      }
      const base = change.upstream === '@{upstream}' && switchedTo !== null ? `${switchedTo}@{upstream}` : onBranch(change.upstream, switchedTo);
      const upstream = await resolveRev(ctx.repo, `${base}^{commit}`);
      if (upstream === null) return null; // git refuses to start (no such upstream)
      // Replaying nothing of its own onto a descendant is a fast-forward.
      if (await isAncestor(ctx.repo, old, upstream)) return null;
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
      else if (change.branch.startsWith('@{')) head = await symbolicFullName(ctx.repo, change.branch);
      // `git checkout X` of a path switches nothing: only an existing (or new) branch counts.
      else if (change.created || (await resolveRev(ctx.repo, fullRef(change.branch))) !== null) head = fullRef(change.branch);
      continue;
    }
    let ref: string | null;
    if (change.ref === 'HEAD') {
      if (head === undefined) head = await symbolicFullName(ctx.repo, 'HEAD');
      ref = head;
    } else ref = fullRef(change.ref);
    if (ref === null) continue; // detached HEAD: no branch moves
    const violation = await violationOf(ctx, change, ref, switched ? ref : null);
    if (violation && (await wouldRefuse(ctx, violation))) return violation;
  }
  return null;
}
