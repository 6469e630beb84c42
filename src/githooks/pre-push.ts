/**
 * pre-push: refuses deleting a protected branch on the remote (protected-branch-delete),
 * rewriting one (protected-branch-force-push: the remote tip is not an ancestor of what is
 * pushed, and a remote tip we do not have counts as a rewrite; --force-with-lease gets no
 * exemption, the hook cannot even see it), and pushing anything under refs/guard/ to any remote
 * but `backup.remote` (guard-refs-push; a `push --mirror` would otherwise publish snapshots), and
 * pushing, under any name, a commit guard wrote or one built on it (`git push origin
 * refs/guard/main/head:refs/heads/x`, a branch made from a snapshot) to any other remote: a
 * snapshot holds untracked files, secrets included. Branch rules apply to the remote ref whatever
 * the local one is.
 * Before a push that rewrites or deletes other branches it takes a snapshot and keeps the remote
 * tips it will overwrite reachable. guard's own pushes (internal token) pass.
 */
import { readOpenMarker } from '../session/open-marker.js';
import { createSnapshot } from '../snapshot/create.js';
import { branchName, protectingBranchGlob } from '../policy/match.js';
import { GUARD_REF_PREFIX } from '../snapshot/refs.js';
import type { HookContext } from './context.js';
import { decide, report, type Decision, type HookReport } from './decide.js';
import { keepTips, type KeepItem } from './keep.js';
import { parsePushUpdates, type PushUpdate } from './lines.js';
import { configuredAt, shortOid, type Violation } from './messages.js';
import { firstGuardCommit, isGuardItself, objectKnown } from './refs-state.js';
import { isAncestor } from '../git/revs.js';

const HOOK = 'pre-push';

function isBackupRemote(ctx: HookContext, remote: string, url: string): boolean {
  const backup = ctx.policy.backup.remote;
  return backup !== null && backup !== '' && (backup === remote || backup === url);
}

interface Rewrite {
  update: PushUpdate;
  /** The remote tip that will be overwritten, when this repository has it. */
  knownRemoteTip: string | null;
}

async function protectedBranchViolation(ctx: HookContext, remote: string, update: PushUpdate, glob: string): Promise<Violation | null> {
  const name = branchName(update.remoteRef) ?? update.remoteRef;
  const why = `${name} is protected: it matches '${glob}' (${configuredAt(ctx.policy, 'protect.branches', ctx.repo.root)})`;
  if (update.localOid === null) {
    return {
      rule: 'protected-branch-delete',
      what: `delete the protected branch ${name} on ${remote}`,
      subject: `${remote} ${update.remoteRef}`,
      why,
      instead: [`keep ${name} on ${remote}; to stop protecting it, remove it from protect.branches in .guard.yaml first`],
    };
  }
  if (update.remoteOid === null) return null;
  const known = await objectKnown(ctx.repo, update.remoteOid);
  if (known && (await isAncestor(ctx.repo, update.remoteOid, update.localOid))) return null;
  const detail = known
    ? `${remote}'s ${name} (${shortOid(update.remoteOid)}) is not an ancestor of ${shortOid(update.localOid)}`
    : `${remote}'s ${name} is at ${shortOid(update.remoteOid)}, a commit this repository does not have, so the push would overwrite work you have not seen`;
  return {
    rule: 'protected-branch-force-push',
    what: `rewrite the protected branch ${name} on ${remote} (a force-push; --force-with-lease is no exemption): ${detail}`,
    subject: `${remote} ${update.remoteRef}`,
    why,
    instead: [
      `git fetch ${remote} && git rebase ${remote}/${name} (or merge), then push without --force`,
      'or push your work to a new branch and open a pull request',
    ],
  };
}

/** Commits guard wrote, pushed under an ordinary name: new to the remote and found in one rev-list. */
async function snapshotCommitViolation(ctx: HookContext, remote: string, updates: PushUpdate[]): Promise<Violation | null> {
  const tips = updates.flatMap((u) => (u.localOid ? [u.localOid] : []));
  const known = updates.flatMap((u) => (u.remoteOid ? [u.remoteOid] : []));
  // What the remote is known to have already (its remote-tracking refs) is not published again.
  const exclude = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote) ? [...known, `--remotes=${remote}`] : known;
  const found = await firstGuardCommit(ctx.repo, tips, exclude);
  if (!found) return null;
  const names = [...new Set(updates.filter((u) => u.localOid).map((u) => u.remoteRef))];
  return {
    rule: 'guard-refs-push',
    what: `push ${names.slice(0, 3).join(', ')}${names.length > 3 ? `, and ${names.length - 3} more` : ''} to ${remote}: it contains ${shortOid(found)}, a commit guard wrote (a snapshot, or a commit built on one), which can hold every file of the working tree, secrets included`,
    subject: `${remote} ${GUARD_REF_PREFIX}*`,
    why: ctx.policy.backup.remote
      ? `only backup.remote (${ctx.policy.backup.remote}, ${configuredAt(ctx.policy, 'backup.remote', ctx.repo.root)}) may receive snapshots`
      : `no backup.remote is configured (${configuredAt(ctx.policy, 'backup.remote', ctx.repo.root)}), so snapshots never leave this machine`,
    instead: [
      'to publish files from a snapshot, check them out (`git checkout <snapshot> -- <path>` or `guard rollback`) and commit them on a branch of your own',
      `git log --format='%h %cn %s' <ref> shows which commits came from guard (committer git-guard)`,
    ],
  };
}

export async function prePush(
  ctx: HookContext,
  remote: string,
  url: string,
  input: string,
  env: Record<string, string | undefined> = process.env,
): Promise<HookReport> {
  if (await isGuardItself(ctx.repo, env)) return { refused: false, messages: [] };
  const updates = parsePushUpdates(input);
  const decisions: Decision[] = [];
  const rewrites: Rewrite[] = [];

  const guardRefs = updates.filter((u) => u.localRef.startsWith(GUARD_REF_PREFIX) || u.remoteRef.startsWith(GUARD_REF_PREFIX));
  if (guardRefs.length > 0 && !isBackupRemote(ctx, remote, url)) {
    const names = [...new Set(guardRefs.map((u) => u.remoteRef))];
    decisions.push(
      await decide(
        ctx,
        {
          rule: 'guard-refs-push',
          what: `push guard's snapshots (${names.slice(0, 3).join(', ')}${names.length > 3 ? `, and ${names.length - 3} more` : ''}) to ${remote}: they can hold every file of the working tree, secrets included`,
          subject: `${remote} ${GUARD_REF_PREFIX}*`,
          why: ctx.policy.backup.remote
            ? `only backup.remote (${ctx.policy.backup.remote}, ${configuredAt(ctx.policy, 'backup.remote', ctx.repo.root)}) may receive them`
            : `no backup.remote is configured (${configuredAt(ctx.policy, 'backup.remote', ctx.repo.root)}), so snapshots never leave this machine`,
          instead: [
            `push branches and tags only, e.g. git push ${remote} --all && git push ${remote} --tags (not --mirror, not refs/*:refs/*)`,
            'to back snapshots up to a remote, set backup.remote in .guard.yaml',
          ],
        },
        { hook: HOOK },
      ),
    );
  }

  if (guardRefs.length === 0 && !isBackupRemote(ctx, remote, url)) {
    const violation = await snapshotCommitViolation(ctx, remote, updates);
    if (violation) decisions.push(await decide(ctx, violation, { hook: HOOK }));
  }

  for (const update of updates) {
    // The remote ref decides, whatever is pushed to it (a snapshot ref, an oid, another branch).
    if (!update.remoteRef.startsWith('refs/heads/')) continue;
    const glob = protectingBranchGlob(ctx.policy, update.remoteRef);
    if (glob !== null) {
      const violation = await protectedBranchViolation(ctx, remote, update, glob);
      if (violation) decisions.push(await decide(ctx, violation, { hook: HOOK }));
      continue;
    }
    if (update.remoteOid === null) continue; // a new branch
    const known = await objectKnown(ctx.repo, update.remoteOid);
    const rewrite = update.localOid === null || !known || !(await isAncestor(ctx.repo, update.remoteOid, update.localOid));
    if (rewrite) rewrites.push({ update, knownRemoteTip: known ? update.remoteOid : null });
  }

  const result = report(decisions);
  if (result.refused || rewrites.length === 0) return result;

  // Unprotected branches being rewritten or deleted on the remote: recoverable, after a snapshot.
  const names = rewrites.map((r) => branchName(r.update.remoteRef) ?? r.update.remoteRef);
  const { snapshot, created } = await createSnapshot(ctx.repo, {
    trigger: 'hook',
    message: `before pushing to ${remote}, which rewrites or deletes ${names.join(', ')}`,
    agent: ctx.actor.agent,
    session: readOpenMarker(ctx.repo)?.id ?? null,
  });
  const keep: KeepItem[] = rewrites
    .filter((r): r is Rewrite & { knownRemoteTip: string } => r.knownRemoteTip !== null)
    .map((r) => ({ ref: `${remote} ${r.update.remoteRef}`, oid: r.knownRemoteTip, reason: 'overwritten by a push' }));
  if (keep.length > 0) await keepTips(ctx.repo, keep);
  const notes = [
    `guard: ${created ? 'snapshot' : 'latest snapshot'} ${shortOid(snapshot.oid)} covers this repository before the push to ${remote} rewrites ${names.join(', ')}; \`guard rollback ${shortOid(snapshot.oid)}\` goes back to it`,
  ];
  for (const item of keep) {
    const name = item.ref.split(' ')[1]?.replace(/^refs\/heads\//, '');
    notes.push(`  ${remote}'s old ${name} (${shortOid(item.oid)}) stays reachable here (refs/guard/keep/head): git push ${remote} ${item.oid}:refs/heads/${name} puts it back`);
  }
  const missing = rewrites.filter((r) => r.knownRemoteTip === null && r.update.remoteOid !== null);
  for (const r of missing) {
    notes.push(`  ${remote}'s ${branchName(r.update.remoteRef)} is at ${shortOid(r.update.remoteOid!)}, which this repository does not have: fetch first if you may need it`);
  }
  return { refused: false, messages: [...result.messages, ...notes] };
}
