/**
 * `guard approve RULE [--once] [--minutes N]`: a person's deliberate override of one rule that
 * would otherwise refuse. Only from an interactive terminal (stdin and stdout are terminals) and
 * never with an agent marker in the environment: an agent's tool call has no terminal. Recorded
 * in the journal; the hooks consume it (src/githooks/approvals.ts). No environment variable can
 * create one.
 */
import fs from 'node:fs';
import os from 'node:os';
import { GuardError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { createApproval, DEFAULT_APPROVAL_MINUTES } from '../../githooks/approvals.js';
import { detectActor } from '../../policy/actor.js';
import { RULE_IDS, isRuleId, ruleSpec } from '../../policy/schema.js';
import { appendEvent } from '../../session/journal.js';
import type { CommandContext } from '../main.js';
import { ask } from '../prompt.js';

interface Args {
  rule: string;
  once?: boolean;
  minutes?: string;
  json?: boolean;
}

/** The terminal device stdin is on, for the journal (best effort; Linux exposes it in /proc). */
function ttyName(): string | null {
  try {
    return fs.readlinkSync('/proc/self/fd/0');
  } catch {
    return null;
  }
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  if (!isRuleId(args.rule)) {
    throw new GuardError('user', `unknown rule ${JSON.stringify(args.rule)}`, { hints: [`Rules: ${RULE_IDS.join(', ')}`] });
  }
  const rule = args.rule;
  const actor = detectActor(process.env);
  if (actor.kind === 'agent') {
    throw new GuardError('refused', `guard approve refused: ${actor.marker} is set, so this runs under an AI agent; only a person can approve, from their own terminal`, {
      hints: ['Ask the person you work for to run this command in their terminal.'],
    });
  }
  if (!out.interactive) {
    throw new GuardError('refused', 'guard approve needs an interactive terminal (stdin and stdout): a script or an agent cannot approve; nothing was approved', {
      hints: [`Run \`guard approve ${rule}${args.once ? ' --once' : ''}\` yourself, in a terminal.`],
    });
  }
  const minutes = args.minutes === undefined ? DEFAULT_APPROVAL_MINUTES : Number(args.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new GuardError('user', `--minutes must be a whole number from 1 to 1440, not ${JSON.stringify(args.minutes)}`);
  }
  const repo = await openRepo(cwd);
  const spec = ruleSpec(rule);
  out.line(`rule ${rule}: ${spec.description}`);
  out.line(
    args.once
      ? `This allows the next action this rule would refuse, once, within ${minutes} minutes, for anyone working in this repository.`
      : `This allows every action this rule would refuse for the next ${minutes} minutes, for anyone working in this repository.`,
  );
  const answer = await ask(`Type "${rule}" to approve: `);
  if (answer !== rule) {
    out.line('Not approved; nothing changed.');
    return 3;
  }
  const by = `${os.userInfo().username}@${os.hostname()}`;
  const approval = await createApproval(repo, { rule, once: args.once === true, minutes, by, tty: ttyName() });
  appendEvent(repo, { type: 'approve', rule, once: approval.once, expiresAt: approval.expiresAt, by });
  if (out.json) out.data({ approval });
  else out.line(`approved ${approval.once ? 'once' : ''} until ${approval.expiresAt}. Run the git command again now.`.replace('  ', ' '));
  return 0;
}
