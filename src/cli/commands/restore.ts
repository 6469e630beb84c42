/** `guard restore PATH… [--before SESSION|STEP] [--dry-run]` (src/restore/restore-files.ts). */
import { openRepo } from '../../git/repo.js';
import { appendEvent } from '../../session/journal.js';
import { rollback } from '../../restore/rollback.js';
import { fileChangeView } from '../../restore/plan.js';
import { restorePaths, restoreTarget } from '../../restore/restore-files.js';
import { typedRelative } from '../../restore/typed-paths.js';
import { pathText, shellArg } from '../../git/path.js';
import type { CommandContext } from '../main.js';
import { shortId } from '../format.js';
import { asksPerson, confirmPlan, planLines, printAfterChange } from '../plan-confirm.js';
import { snapshotSettings } from '../snapshot-options.js';

interface RestoreArgs {
  paths: string[];
  before?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export async function run(args: RestoreArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  // Bad paths fail before anything is looked up.
  for (const p of args.paths) typedRelative(repo, ctx.cwd, p, 'restore');
  const target = await restoreTarget(repo, args.before);
  const exact = await restorePaths(repo, ctx.cwd, args.paths, target.snapshot);
  // Names as git quotes them for reading, and as the shell must be given them to type them again.
  const shown = exact.map(pathText).join(' ');
  const { configError: _ignored, ...settings } = await snapshotSettings(repo, {});
  const again = `guard restore --before ${target.step ?? target.session} ${exact.map(shellArg).join(' ')}`;
  const result = await rollback(repo, {
    target: target.snapshot,
    exactPaths: exact,
    filesOnly: true,
    dryRun: args.dryRun === true,
    asks: asksPerson(ctx.out, args.yes),
    snapshot: settings,
    confirm: async (plan) => {
      ctx.out.line(`Restore ${shown} as of the ${target.label} (snapshot ${shortId(target.snapshot.oid)}):`);
      for (const line of planLines(plan)) ctx.out.line(line);
      return confirmPlan(ctx.out, args.yes, again);
    },
  });
  ctx.out.data({
    applied: result.applied,
    dryRun: args.dryRun === true,
    nothingToDo: result.nothingToDo,
    target: { label: target.label, session: target.session, step: target.step, id: shortId(target.snapshot.oid), oid: target.snapshot.oid },
    preRestoreSnapshot: { id: shortId(result.pre.oid), oid: result.pre.oid },
    files: result.plan.files.map(fileChangeView),
    watcher: result.watcher,
    ...(result.changedWhileAsked ? { changedWhileAsked: true } : {}),
  });
  if (args.dryRun) {
    ctx.out.line(`Restore ${shown} as of the ${target.label} (snapshot ${shortId(target.snapshot.oid)}):`);
    for (const line of planLines(result.plan)) ctx.out.line(line);
    if (result.plan.files.length === 0) ctx.out.line('  nothing differs (or nothing matches these paths)');
    ctx.out.line('Dry run: nothing was changed.');
    return 0;
  }
  if (result.nothingToDo) {
    ctx.out.line(`${shown}: already as at the ${target.label} (or no file matches); nothing to change.`);
    return 0;
  }
  appendEvent(repo, { type: 'restore', session: target.session, step: target.step, target: target.snapshot.oid, pre: result.pre.oid, paths: exact.map(pathText), files: result.plan.files.length });
  ctx.out.line(`Restored ${result.plan.files.length} file${result.plan.files.length === 1 ? '' : 's'} as of the ${target.label}. The state before is snapshot ${shortId(result.pre.oid)}.`);
  ctx.out.line('Undo this restore with: guard rollback --undo');
  printAfterChange(ctx.out, result, 'restore');
  return 0;
}
