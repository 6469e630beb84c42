/**
 * The sentence an agent (and the person watching it) reads when guard refuses or questions a tool
 * call: what was refused, the rule, why, and what to do instead. One wording for every agent.
 */
import type { HookVerdict } from '../types.js';

export function verdictText(verdict: HookVerdict): string {
  const head = verdict.decision === 'ask' ? 'git-guard asks for confirmation' : 'git-guard blocked this';
  const rule = verdict.rule ? ` (rule ${verdict.rule})` : '';
  const reason = verdict.reason ? `: ${verdict.reason.replace(/[.\s]+$/, '')}` : '';
  const instead = verdict.instead ? ` Instead: ${verdict.instead}` : '';
  return `${head}${rule}${reason}.${instead}`;
}
