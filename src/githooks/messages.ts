/**
 * Every sentence the git hooks say to a person (or an agent). A refusal always says what was
 * refused, which rule refused it and where that rule is configured, and what to do instead.
 */
import { displayPath } from '../config/load.js';
import type { Actor } from '../policy/actor.js';
import { modeFor } from '../policy/match.js';
import type { Policy, RuleId } from '../policy/schema.js';
import type { Approval } from './approvals.js';

export interface Violation {
  rule: RuleId;
  /** What was attempted, as a sentence fragment: "delete the protected branch main". */
  what: string;
  /** Names what is affected, for approvals and the journal: a ref, or paths joined by newlines. */
  subject: string;
  /** Why it is protected, e.g. "main matches the protected-branch glob 'main' (protect.branches, .guard.yaml:9)". */
  why?: string;
  /** What to do instead, one command or sentence per entry. */
  instead: string[];
  /** For a refusal before the command starts: what git would have done by the time its hook refused (planned-refs.ts). */
  partWay?: string;
}

/** The policy's file as people read it: relative to the worktree, or a label (`HEAD:.guard.yaml`). */
function sourceName(policy: Policy, from: string): string {
  return policy.source.startsWith('/') ? displayPath(policy.source, from) : policy.source;
}

function where(policy: Policy, key: string, from: string): string {
  const file = sourceName(policy, from);
  const at = policy.locations[key];
  return at ? `${file}:${at.line}` : `the default (not set in ${file})`;
}

/** "protect.branches in .guard.yaml:9" */
export function configuredAt(policy: Policy, key: string, from: string): string {
  const at = policy.locations[key];
  return at ? `${key} in ${sourceName(policy, from)}:${at.line}` : `${key}, default value`;
}

function ruleLine(policy: Policy, rule: RuleId, actor: Actor, from: string): string {
  const mode = modeFor(policy, rule, actor);
  const who = actor.kind === 'agent' ? `agents (${actor.marker} is set)` : 'people';
  if (policy.error) return `rule ${rule}: ${mode} for ${who}, because ${sourceName(policy, from)} is broken and guard fails closed`;
  return `rule ${rule}: ${mode} for ${who}, configured at ${where(policy, `rules.${rule}`, from)}`;
}

function configErrorLines(policy: Policy): string[] {
  if (!policy.error) return [];
  const [first, ...rest] = policy.error.split('\n');
  return [`the config is broken: ${first}`, ...rest.map((line) => `  ${line.trim()}`), 'fix it (`guard config check` lists every problem); until then the rules that protect data are enforced for everyone'];
}

export function refusalText(policy: Policy, actor: Actor, violation: Violation, from: string): string {
  const lines = [`guard: refused: ${violation.what}`, `  ${ruleLine(policy, violation.rule, actor, from)}`];
  if (violation.why) lines.push(`  ${violation.why}`);
  for (const line of configErrorLines(policy)) lines.push(`  ${line}`);
  for (const step of violation.instead) lines.push(`  instead: ${step}`);
  if (actor.kind === 'agent') {
    lines.push(`  you are an AI agent (${actor.marker}): ask the person you work for; only they can approve this, from their own terminal`);
  } else {
    lines.push(`  to allow it once: run \`guard approve ${violation.rule} --once\` in your terminal, then run the same git command again`);
  }
  return lines.join('\n');
}

export function warningText(policy: Policy, actor: Actor, violation: Violation, from: string, extra: string[] = []): string {
  const lines = [`guard: warning: ${violation.what}`, `  ${ruleLine(policy, violation.rule, actor, from)} (warn: allowed, recorded in the journal)`];
  if (violation.why) lines.push(`  ${violation.why}`);
  for (const line of configErrorLines(policy)) lines.push(`  ${line}`);
  for (const line of extra) lines.push(`  ${line}`);
  return lines.join('\n');
}

/** Server-side (pre-receive) and CI (`guard verify`) wording: no approvals, the stricter mode. */
export function remoteText(kind: 'refused' | 'warning', ctx: { policy: Policy; where?: string; repo: { root: string } }, violation: Violation, mode: string): string {
  const { policy } = ctx;
  const place = ctx.where === 'server' ? 'the server' : 'CI';
  const at = policy.locations[`rules.${violation.rule}`];
  const configured = policy.error
    ? `${policy.source} is broken, so guard fails closed`
    : at
      ? `configured at ${policy.source}:${at.line}`
      : `the default (not set in ${policy.source})`;
  const lines = [
    `guard: ${kind}${kind === 'refused' ? ` by ${place}` : ''}: ${violation.what}`,
    `  rule ${violation.rule}: ${mode} (${place} cannot tell a person from an agent, so the stricter mode applies), ${configured}`,
  ];
  if (violation.why) lines.push(`  ${violation.why}`);
  for (const line of configErrorLines(policy)) lines.push(`  ${line}`);
  if (kind === 'refused') {
    for (const step of violation.instead) lines.push(`  instead: ${step}`);
    if (ctx.where === 'server') lines.push('  this check runs on the server: --no-verify or a disabled local hook does not skip it');
  }
  return lines.join('\n');
}

export function approvedText(violation: Violation, approval: Approval): string {
  const how = approval.once ? 'a one-time approval' : `an approval valid until ${approval.expiresAt}`;
  return `guard: allowed by ${how} (guard approve ${approval.rule}, by ${approval.by} at ${approval.createdAt}): ${violation.what}`;
}

export function shortOid(oid: string): string {
  return oid.slice(0, 12);
}
