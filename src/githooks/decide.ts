/**
 * Applies a rule's mode to one violation: off -> allowed silently, warn -> allowed with a warning,
 * enforce -> refused unless a person approved it (`guard approve`). Every outcome except "off" is
 * journaled. Returns the text to show; printing is the CLI's job.
 */
import { appendEvent } from '../session/journal.js';
import { readOpenMarker } from '../session/open-marker.js';
import { modeFor } from '../policy/match.js';
import { consumeApproval, listApprovals, type Approval } from './approvals.js';
import type { HookContext } from './context.js';
import { approvedText, refusalText, remoteText, warningText, type Violation } from './messages.js';

export type Verdict = 'allow' | 'warn' | 'approved' | 'refuse';

export interface Decision {
  verdict: Verdict;
  violation: Violation;
  approval?: Approval;
  /** What to print on stderr (empty for a silent allow). */
  text: string;
}

export interface DecideOptions {
  /** The hook or command deciding, for the journal (`pre-push`, `reference-transaction`, ...). */
  hook: string;
  /** Extra lines for a warning (e.g. where the old tip was kept). */
  warnExtra?: string[];
}

export async function decide(ctx: HookContext, violation: Violation, options: DecideOptions): Promise<Decision> {
  const remote = ctx.where === 'server' || ctx.where === 'ci';
  // Agent modes are never looser than human ones (schema.ts): 'agent' is the stricter of the two.
  const mode = modeFor(ctx.policy, violation.rule, remote ? 'agent' : ctx.actor);
  const from = ctx.repo.root;
  const base = {
    hook: options.hook,
    rule: violation.rule,
    reason: violation.what,
    subject: violation.subject,
    actor: ctx.actor.kind,
    agent: ctx.actor.agent,
    // What the git hooks refuse during an agent session belongs to it (guard log --session, the summary).
    session: ctx.where === 'server' || ctx.where === 'ci' ? null : (readOpenMarker(ctx.repo)?.id ?? null),
    configError: ctx.policy.error,
  };
  if (mode === 'off') return { verdict: 'allow', violation, text: '' };
  if (mode === 'warn') {
    appendEvent(ctx.repo, { type: 'warned', ...base });
    const text = remote ? remoteText('warning', ctx, violation, mode) : warningText(ctx.policy, ctx.actor, violation, from, options.warnExtra);
    return { verdict: 'warn', violation, text };
  }
  if (remote) {
    appendEvent(ctx.repo, { type: 'blocked', ...base });
    return { verdict: 'refuse', violation, text: remoteText('refused', ctx, violation, mode) };
  }
  const approval = await consumeApproval(ctx.repo, violation.rule, violation.subject);
  if (approval) {
    // The same git command asking twice (see approvals.ts) is told and journaled once.
    if (approval.reused) return { verdict: 'approved', violation, approval, text: '' };
    appendEvent(ctx.repo, { type: 'approval-used', ...base, approvedBy: approval.by, approvedAt: approval.createdAt, once: approval.once });
    return { verdict: 'approved', violation, approval, text: approvedText(violation, approval) };
  }
  appendEvent(ctx.repo, { type: 'blocked', ...base });
  return { verdict: 'refuse', violation, text: refusalText(ctx.policy, ctx.actor, violation, from) };
}

/**
 * What `decide` would answer, asked before the git command starts (the agent hooks, so that a
 * command git would refuse half-way is refused whole): refuse when the rule is enforced for this
 * actor and no approval is waiting. Nothing is journaled or consumed: the git hook that runs
 * later, if any, still decides and uses the approval.
 */
export async function wouldRefuse(ctx: HookContext, violation: Violation): Promise<boolean> {
  const remote = ctx.where === 'server' || ctx.where === 'ci';
  if (modeFor(ctx.policy, violation.rule, remote ? 'agent' : ctx.actor) !== 'enforce') return false;
  if (remote) return true;
  return !(await listApprovals(ctx.repo)).some((approval) => approval.rule === violation.rule);
}

/** The outcome of a hook run: what to print and whether git must stop. */
export interface HookReport {
  refused: boolean;
  messages: string[];
}

export function report(decisions: Decision[], notes: string[] = []): HookReport {
  return {
    refused: decisions.some((d) => d.verdict === 'refuse'),
    messages: [...decisions.map((d) => d.text).filter(Boolean), ...notes],
  };
}
