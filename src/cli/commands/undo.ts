/** `guard undo STEP [--dry-run] [--force] [--conflicts=markers]` (src/restore/undo-step.ts). */
import { openRepo } from '../../git/repo.js';
import { appendEvent } from '../../session/journal.js';
import { findStep } from '../../session/timeline.js';
import { undoStep, type UndoFile } from '../../restore/undo-step.js';
import type { CommandContext } from '../main.js';
import { shortId } from '../format.js';
import { ExitCode } from '../exit-codes.js';
import { asksPerson, confirmPlan, printAfterChange } from '../plan-confirm.js';
import { snapshotSettings } from '../snapshot-options.js';
import { stepTitle } from './timeline.js';

interface UndoArgs {
  step: string;
  dryRun?: boolean;
  force?: boolean;
  conflicts?: 'skip' | 'markers';
  yes?: boolean;
}

const LABEL: Record<UndoFile['action'], string> = {
  revert: 'revert',
  merged: 'revert, keeping later changes (merged)',
  unchanged: 'already as before the step',
  conflict: 'CONFLICT, left alone',
  forced: 'forced back to before the step (later changes dropped)',
  markers: 'written with conflict markers',
};

function fileLines(files: UndoFile[]): string[] {
  return files.map((f) => `  ${LABEL[f.action]}: ${f.path}${f.reason ? ` (${f.reason})` : ''}`);
}

export async function run(args: UndoArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const { step } = await findStep(repo, args.step);
  const { configError: _ignored, ...settings } = await snapshotSettings(repo, {});
  const again = `guard undo ${step.id}${args.force ? ' --force' : ''}${args.conflicts === 'markers' ? ' --conflicts=markers' : ''}`;
  const header = `Undo step ${step.id}: ${stepTitle(step)}`;
  const result = await undoStep(repo, step, {
    dryRun: args.dryRun === true,
    force: args.force === true,
    conflicts: args.conflicts ?? 'skip',
    snapshot: settings,
    asks: asksPerson(ctx.out, args.yes),
    confirm: async (_plan, undo) => {
      ctx.out.line(header);
      for (const line of fileLines(undo.files)) ctx.out.line(line);
      return confirmPlan(ctx.out, args.yes, again);
    },
  });
  const files = result.plan.files.map(({ bytes: _bytes, ...f }) => f);
  const conflicts = result.plan.files.filter((f) => f.action === 'conflict');
  ctx.out.data({
    step: step.id,
    applied: result.applied,
    dryRun: args.dryRun === true,
    files,
    conflicts: conflicts.length,
    preUndoSnapshot: result.rollback ? { id: shortId(result.rollback.pre.oid), oid: result.rollback.pre.oid } : null,
    ...(result.rollback ? { watcher: result.rollback.watcher } : {}),
    ...(result.rollback?.changedWhileAsked ? { changedWhileAsked: true } : {}),
  });
  if (args.dryRun || !result.applied) {
    ctx.out.line(header);
    for (const line of fileLines(result.plan.files)) ctx.out.line(line);
  }
  if (conflicts.length > 0) {
    ctx.out.line(`${conflicts.length} file${conflicts.length === 1 ? '' : 's'} changed again after this step in the same place and ${args.dryRun ? 'would be' : 'were'} left alone.`);
    ctx.out.line(`  To write them with conflict markers: ${`guard undo ${step.id} --conflicts=markers`}; to take the version from before the step: guard undo ${step.id} --force`);
  }
  if (args.dryRun) {
    ctx.out.line('Dry run: nothing was changed.');
    return 0;
  }
  if (!result.applied) {
    ctx.out.line('Nothing to change.');
    // Every change the step made conflicts with later work: refused, nothing changed.
    return conflicts.length > 0 ? ExitCode.refused : 0;
  }
  appendEvent(repo, { type: 'undo', session: step.session, step: step.id, pre: result.rollback!.pre.oid, files: files.filter((f) => f.action !== 'unchanged' && f.action !== 'conflict').length, conflicts: conflicts.length });
  ctx.out.line(`Undid step ${step.id}. The state before is snapshot ${shortId(result.rollback!.pre.oid)}.`);
  ctx.out.line('Undo this undo with: guard rollback --undo');
  printAfterChange(ctx.out, result.rollback!, 'undo');
  return 0;
}
