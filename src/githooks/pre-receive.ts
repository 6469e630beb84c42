/**
 * pre-receive in a bare repository (installed by `guard server install`): enforces the same
 * rules for every push, so --no-verify or a missing local hook does not get through:
 *  - deleting a protected branch (protected-branch-delete) or rewriting it
 *    (protected-branch-force-push: the current tip is not an ancestor of the new one);
 *  - new commits that delete or move away protected paths (protected-path-delete; changes follow
 *    protected-path-modify), checked commit by commit;
 *  - refs/guard/* (guard-refs-push), unless the repository was installed with
 *    --allow-snapshots (a backup): then snapshots may be added and fast-forwarded but never
 *    deleted or rewritten (guard-refs); without --allow-snapshots, also commits guard wrote pushed
 *    under any other name (a branch made from a snapshot), found with one rev-list of what the push
 *    adds.
 * A push is refused as a whole. The server cannot tell a person from an agent: the stricter mode
 * of each rule applies, and there are no approvals.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { detectActor } from '../policy/actor.js';
import { branchName, protectingBranchGlob } from '../policy/match.js';
import { GUARD_REF_PREFIX } from '../snapshot/refs.js';
import { newCommits, scanCommits } from './commit-scan.js';
import { pathViolations } from './path-violations.js';
import type { HookContext } from './context.js';
import { decide, report, type Decision, type HookReport } from './decide.js';
import { parseRefUpdates } from './lines.js';
import { configuredAt, shortOid } from './messages.js';
import { firstGuardCommit } from './refs-state.js';
import { isAncestor } from '../git/revs.js';
import { openBare, serverPolicy } from './server-policy.js';

const HOOK = 'pre-receive';
export const ALLOW_SNAPSHOTS_FILE = 'allow-snapshots';

export async function preReceive(cwd: string, input: string): Promise<HookReport> {
  const repo = await openBare(cwd);
  const policy = await serverPolicy(repo);
  const ctx: HookContext = { repo, policy, actor: detectActor({}), where: 'server' };
  const allowSnapshots = await fs.access(path.join(repo.gitDir, 'guard', ALLOW_SNAPSHOTS_FILE)).then(
    () => true,
    () => false,
  );
  const updates = parseRefUpdates(input);
  const decisions: Decision[] = [];
  const tips: string[] = [];
  for (const update of updates) {
    if (update.ref.startsWith(GUARD_REF_PREFIX)) {
      if (!allowSnapshots) {
        decisions.push(
          await decide(
            ctx,
            {
              rule: 'guard-refs-push',
              what: `receive ${update.ref}: guard's snapshots do not belong in a shared repository (they can hold every file of a working tree, secrets included)`,
              subject: update.ref,
              instead: ['push branches and tags only (not --mirror, not refs/*:refs/*)', 'for a backup repository, install with `guard server install --allow-snapshots`'],
            },
            { hook: HOOK },
          ),
        );
      } else if (update.new === null || (update.old !== null && !(await isAncestor(repo, update.old, update.new)))) {
        decisions.push(
          await decide(
            ctx,
            {
              rule: 'guard-refs',
              what: `${update.new === null ? 'delete' : 'rewrite'} ${update.ref} in this backup: snapshots are only ever added`,
              subject: update.ref,
              instead: ['push the snapshot chain as a fast-forward (guard does this itself)'],
            },
            { hook: HOOK },
          ),
        );
      }
      continue;
    }
    if (!update.ref.startsWith('refs/heads/')) continue;
    if (update.new !== null) tips.push(update.new);
    const glob = protectingBranchGlob(policy, update.ref);
    if (glob === null) continue;
    const name = branchName(update.ref) ?? update.ref;
    const why = `${name} is protected: it matches '${glob}' (${configuredAt(policy, 'protect.branches', repo.root)})`;
    if (update.new === null) {
      decisions.push(
        await decide(
          ctx,
          { rule: 'protected-branch-delete', what: `delete the protected branch ${name}`, subject: update.ref, why, instead: [`keep ${name}; remove it from protect.branches in .guard.yaml on the default branch first if it really has to go`] },
          { hook: HOOK },
        ),
      );
    } else if (update.old !== null && !(await isAncestor(repo, update.old, update.new))) {
      decisions.push(
        await decide(
          ctx,
          {
            rule: 'protected-branch-force-push',
            what: `rewrite the protected branch ${name}: ${shortOid(update.old)} is not an ancestor of ${shortOid(update.new)} (a force-push)`,
            subject: update.ref,
            why,
            instead: [`fetch, rebase or merge onto ${name}, then push without --force`, 'or push to a new branch and open a pull request'],
          },
          { hook: HOOK },
        ),
      );
    }
  }
  if (!allowSnapshots) {
    const pushed = updates.filter((u) => !u.ref.startsWith(GUARD_REF_PREFIX) && u.new !== null);
    const found = await firstGuardCommit(repo, pushed.map((u) => u.new!), ['--all']);
    if (found) {
      decisions.push(
        await decide(
          ctx,
          {
            rule: 'guard-refs-push',
            what: `receive ${pushed.map((u) => u.ref).join(', ')}: it contains ${shortOid(found)}, a commit guard wrote (a snapshot, or a commit built on one), which can hold every file of a working tree, secrets included`,
            subject: pushed[0]!.ref,
            instead: ['check the files you need out of the snapshot and commit them on a branch of your own', 'for a backup repository, install with `guard server install --allow-snapshots`'],
          },
          { hook: HOOK },
        ),
      );
    }
  }
  // The commits this push adds to the repository (reachable from no ref yet), merges excluded.
  const findings = await scanCommits(repo, await newCommits(repo, tips), policy);
  for (const violation of pathViolations(ctx, findings, 'push')) decisions.push(await decide(ctx, violation, { hook: HOOK }));
  return report(decisions);
}
