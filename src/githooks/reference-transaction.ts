/**
 * reference-transaction, state "prepared" (the sh shim answers everything else): refuses
 *  - deleting a protected branch (protected-branch-delete),
 *  - creating, moving or deleting anything under refs/guard/ unless guard itself does it
 *    (guard-refs), and
 *  - a non-fast-forward move of a protected branch when protected-branch-rewrite is enforced
 *    for this actor (by default: agents).
 * `git pack-refs`/`git gc` keep working: rewriting a ref to the value it already has, and
 * pruning a loose ref that is packed with the same value, are not changes. When a protected
 * branch's tip is left behind (an allowed rewrite or an approved deletion), it is kept reachable
 * in the keep chain before git moves the ref. guard's own writes (internal token) pass.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { branchName, protectingBranchGlob } from '../policy/match.js';
import { GUARD_REF_PREFIX } from '../snapshot/refs.js';
import type { HookContext } from './context.js';
import { decide, report, type Decision, type HookReport } from './decide.js';
import { keepTips, type KeepItem } from './keep.js';
import { parseRefUpdates, type RefUpdate } from './lines.js';
import { branchDeleteViolation, branchRewriteViolation, branchSymrefViolation } from './branch-violations.js';
import { shortOid, type Violation } from './messages.js';
import { refNameBytes } from '../git/ref-name.js';
import { currentValue, isGuardItself, isPackRefsCopy, isPackRefsPrune } from './refs-state.js';
import { isAncestor } from '../git/revs.js';

const HOOK = 'reference-transaction';

async function guardRefViolation(ctx: HookContext, update: RefUpdate): Promise<Violation | null> {
  const current = await currentValue(ctx.repo, update.ref);
  if (update.newSymref === undefined) {
    if (update.new !== null && current === update.new) return null; // no change (pack-refs)
    if (update.new !== null && (await isPackRefsCopy(ctx.repo, update.old, update.ref))) return null; // pack-refs while guard moved it
    if (update.new === null && (await isPackRefsPrune(ctx.repo, update.old, update.ref))) return null;
  }
  const verb = update.newSymref !== undefined ? 'redirect' : update.new === null ? 'delete' : current === null ? 'create' : 'move';
  const to = update.newSymref !== undefined ? ` to ${update.newSymref}` : '';
  return {
    rule: 'guard-refs',
    what: `${verb} ${update.ref}${to}: only guard itself writes its recovery data under ${GUARD_REF_PREFIX}`,
    subject: update.ref,
    instead: [
      'let guard manage its refs: `guard gc` applies the retention policy, `guard uninstall --purge-snapshots` removes every snapshot',
      'to copy snapshots somewhere, use the backup (`backup.remote` in .guard.yaml)',
    ],
  };
}

interface BranchCheck {
  violation: Violation | null;
  /** The tip this update leaves behind, to keep reachable if it goes ahead. */
  leftBehind: string | null;
}

async function branchCheck(ctx: HookContext, update: RefUpdate): Promise<BranchCheck> {
  const glob = protectingBranchGlob(ctx.policy, update.ref);
  if (glob === null) return { violation: null, leftBehind: null };
  const current = await currentValue(ctx.repo, update.ref);
  const old = update.old ?? current;
  if (update.newSymref !== undefined) {
    // git >= 2.46 reports `git symbolic-ref refs/heads/main <other>`: main would follow another ref.
    return { leftBehind: old, violation: branchSymrefViolation(ctx, update.ref, glob, update.newSymref) };
  }
  if (update.new === null) {
    if (await isPackRefsPrune(ctx.repo, update.old, update.ref)) return { violation: null, leftBehind: null };
    return { leftBehind: old, violation: branchDeleteViolation(ctx, update.ref, glob, old) };
  }
  if (old === null || old === update.new || (await isAncestor(ctx.repo, old, update.new))) return { violation: null, leftBehind: null };
  // pack-refs copying the value it read while a commit moved the branch on: the loose ref stands.
  if (await isPackRefsCopy(ctx.repo, update.old, update.ref)) return { violation: null, leftBehind: null };
  return { leftBehind: old, violation: branchRewriteViolation(ctx, update.ref, glob, old, update.new) };
}

export async function referenceTransaction(ctx: HookContext, state: string, input: string, env: Record<string, string | undefined> = process.env): Promise<HookReport> {
  if (state !== 'prepared') return { refused: false, messages: [] };
  if (await isGuardItself(ctx.repo, env)) return { refused: false, messages: [] };
  const decisions: Decision[] = [];
  const keep: KeepItem[] = [];
  for (const update of parseRefUpdates(input)) {
    if (update.ref.startsWith(GUARD_REF_PREFIX)) {
      const violation = await guardRefViolation(ctx, update);
      if (violation) decisions.push(await decide(ctx, violation, { hook: HOOK }));
      continue;
    }
    const check = await branchCheck(ctx, update);
    if (!check.violation) continue;
    const decision = await decide(ctx, check.violation, {
      hook: HOOK,
      warnExtra: check.leftBehind ? [`the old tip ${shortOid(check.leftBehind)} stays reachable (refs/guard/keep/head); to get it back: git branch ${branchName(update.ref)}-before ${check.leftBehind}`] : [],
    });
    decisions.push(decision);
    if (decision.verdict !== 'refuse' && check.leftBehind) {
      keep.push({ ref: update.ref, oid: check.leftBehind, reason: check.violation.rule });
    }
  }
  const result = report(decisions);
  // Keep only when git is going ahead: a refusal aborts the whole transaction.
  if (!result.refused && keep.length > 0) await keepTips(ctx.repo, keep);
  if (result.refused) {
    for (const d of decisions) {
      if (d.verdict === 'refuse' && d.violation.rule === 'protected-branch-delete') await restoreRenamedReflog(ctx.repo, d.violation.subject);
    }
  }
  return result;
}

/**
 * `git branch -m` renames by moving the old name's reflog aside, then deleting the old ref. When
 * guard refuses that deletion, git dies with the reflog still aside; put it back so the refusal
 * leaves the repository exactly as it was (files backend, git 2.39: logs/refs/.tmp-renamed-log).
 */
async function restoreRenamedReflog(repo: HookContext['repo'], ref: string): Promise<void> {
  const aside = path.join(repo.commonDir, 'logs', 'refs', '.tmp-renamed-log');
  const home = Buffer.concat([Buffer.from(`${path.join(repo.commonDir, 'logs')}/`), refNameBytes(ref)]);
  try {
    await fs.access(aside);
  } catch {
    return;
  }
  try {
    await fs.access(home);
    return; // the ref has its reflog: the file aside belongs to something else
  } catch {
    await fs.mkdir(home.subarray(0, home.lastIndexOf(0x2f)), { recursive: true });
    await fs.rename(aside, home).catch(() => undefined);
  }
}
