/**
 * The protected-branch violations, worded once: reference-transaction builds them from the ref
 * updates git hands it, and the agent hooks from the ref changes a command announces before it
 * runs (planned-refs.ts), so both layers refuse the same thing for the same reason.
 */
import { branchName } from '../policy/match.js';
import type { Policy } from '../policy/schema.js';
import { configuredAt, shortOid, type Violation } from './messages.js';

interface Where {
  policy: Policy;
  repo: { root: string };
}

function why(ctx: Where, ref: string, glob: string): string {
  const name = branchName(ref) ?? ref;
  return `${name} is protected: it matches '${glob}' (${configuredAt(ctx.policy, 'protect.branches', ctx.repo.root)})`;
}

export function branchDeleteViolation(ctx: Where, ref: string, glob: string, old: string | null): Violation {
  const name = branchName(ref) ?? ref;
  return {
    rule: 'protected-branch-delete',
    what: `delete the protected branch ${name}${old ? ` (at ${shortOid(old)})` : ''}`,
    subject: ref,
    why: why(ctx, ref, glob),
    instead: [
      `keep ${name}; if you meant another branch, check the name (renaming it with \`git branch -m\` deletes the old name, so it is refused too)`,
      `to stop protecting it, remove it from protect.branches in .guard.yaml first`,
    ],
  };
}

/** `to`: the new tip, or a description of it when it is not known yet (a rebase, an amend). */
export function branchRewriteViolation(ctx: Where, ref: string, glob: string, old: string, to: string, how?: string): Violation {
  const name = branchName(ref) ?? ref;
  const target = /^[0-9a-f]{40,64}$/.test(to) ? shortOid(to) : to;
  return {
    rule: 'protected-branch-rewrite',
    what: `move the protected branch ${name} from ${shortOid(old)} to ${target}, which is not a fast-forward (${how ?? 'commit --amend, reset, rebase, branch -f'})`,
    subject: ref,
    why: why(ctx, ref, glob),
    instead: [`add new commits on top of ${name} (\`git revert\` undoes a commit without rewriting history), or do the rewrite on another branch`],
  };
}

/** git >= 2.46 reports `git symbolic-ref refs/heads/main <other>`: main would follow another ref. */
export function branchSymrefViolation(ctx: Where, ref: string, glob: string, target: string): Violation {
  const name = branchName(ref) ?? ref;
  return {
    rule: 'protected-branch-rewrite',
    what: `make the protected branch ${name} a symbolic ref to ${target}, which moves it wherever that ref goes`,
    subject: ref,
    why: why(ctx, ref, glob),
    instead: [`leave ${name} an ordinary branch; for another name for it, use a new branch or an alias in your shell`],
  };
}
