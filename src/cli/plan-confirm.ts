/** The file plan of `guard restore` and `guard undo`, and the confirmation they share with rollback's rules. */
import { GuardError } from '../errors.js';
import type { RollbackPlan } from '../restore/plan.js';
import type { RollbackResult } from '../restore/rollback.js';
import { shortId } from './format.js';
import { pathText } from '../git/path.js';
import type { Output } from './output.js';
import { confirm } from './prompt.js';

const SHOW = 15;

export function planLines(plan: RollbackPlan): string[] {
  const lines: string[] = [];
  const groups: Array<['write' | 'create' | 'delete', string]> = [
    ['write', 'restore'],
    ['create', 'create'],
    ['delete', 'delete (kept in the pre-restore snapshot)'],
  ];
  for (const [action, label] of groups) {
    const files = plan.files.filter((f) => f.action === action);
    if (files.length === 0) continue;
    lines.push(`  ${label}: ${files.length} file${files.length === 1 ? '' : 's'}`);
    for (const file of files.slice(0, SHOW)) lines.push(`    ${pathText(file.path)}`);
    if (files.length > SHOW) lines.push(`    … and ${files.length - SHOW} more`);
  }
  lines.push(...databaseLogLines(plan));
  if (plan.indexChanges) lines.push('  index: the staged state of these paths too');
  return lines;
}

/**
 * Said in words: a deleted `app.db-wal` looks like a loss, and the application holding the
 * database must stop first (database-side-files.ts). Shared by rollback, restore and undo.
 */
export function databaseLogLines(plan: RollbackPlan): string[] {
  if (!plan.databaseLogs || plan.databaseLogs.length === 0) return [];
  return [
    `  database logs removed with it (later writes the database would replay into the restored file at its next open): ${plan.databaseLogs.join(', ')}`,
    '  stop the application that has the database open before the rollback, or it writes its own state back',
  ];
}

/** Whether confirmPlan will wait on a person's answer (the rollback pauses the watcher only after it). */
export function asksPerson(out: Output, yes: boolean | undefined): boolean {
  return !yes && out.interactive && !out.json;
}

/** Asks at a terminal; without one, --yes is required (the refusal names the exact command). */
export async function confirmPlan(out: Output, yes: boolean | undefined, again: string): Promise<boolean> {
  if (yes) return true;
  if (!out.interactive || out.json) {
    throw new GuardError('refused', 'this needs confirmation and there is no terminal to ask; nothing was changed', { hints: [`Review the plan above, then run: ${again} --yes`] });
  }
  return confirm('Proceed? [y/N] ', false);
}

/**
 * What a rollback, a restore and an undo say after they changed files: that a change made while
 * the person was asked is in the snapshot the undo goes back to (the plan was made again after the
 * answer), and whether the watcher held still meanwhile. One text for the three commands.
 */
export function printAfterChange(out: Output, result: Pick<RollbackResult, 'changedWhileAsked' | 'watcher' | 'pre'>, what: string): void {
  if (result.changedWhileAsked) out.warn(`guard: the repository changed while the question was open; the ${what} was planned again after your answer and those changes are in snapshot ${shortId(result.pre.oid)} (undo with \`guard rollback --undo\`).`);
  if (result.watcher.state === 'paused') out.line('The watcher was paused while it ran (it restored no protected file and took no snapshot meanwhile); it records the result now.');
  else if (result.watcher.state === 'unanswered') out.warn(`guard: the watcher did not pause for this ${what} (${result.watcher.reason}): it may have restored protected files or taken snapshots while it ran. Check the files with \`git status\`; \`guard rollback --undo\` still returns to the state before.`);
}
