/** `guard restore PATH… [--before SESSION|STEP] [--dry-run]` (src/restore/restore-files.ts). */
import { openRepo } from '../../git/repo.js';
import { appendEvent } from '../../session/journal.js';
import { rollback } from '../../restore/rollback.js';
import { fileChangeView } from '../../restore/plan.js';
import { pathGlobs, restoreTarget } from '../../restore/restore-files.js';
import type { CommandContext } from '../main.js';
import { shortId } from '../format.js';
import { confirmPlan, planLines } from '../plan-confirm.js';
import { snapshotSettings } from '../snapshot-options.js';

interface RestoreArgs {
  paths: string[];
  before?: string;
  dryRun?: boolean;
  yes?: boolean;
}

export async function run(args: RestoreArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const globs = pathGlobs(repo, ctx.cwd, args.paths);
  const target = await restoreTarget(repo, args.before);
  const { configError: _ignored, ...settings } = await snapshotSettings(repo, {});
  const again = `guard restore --before ${target.step ?? target.session} ${args.paths.map((p) => JSON.stringify(p)).join(' ')}`;
  const result = await rollback(repo, {
    target: target.snapshot,
    paths: globs,
    filesOnly: true,
    dryRun: args.dryRun === true,
    snapshot: settings,
    confirm: async (plan) => {
      ctx.out.line(`Restore ${args.paths.join(' ')} as of the ${target.label} (snapshot ${shortId(target.snapshot.oid)}):`);
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
  });
  if (args.dryRun) {
    ctx.out.line(`Restore ${args.paths.join(' ')} as of the ${target.label} (snapshot ${shortId(target.snapshot.oid)}):`);
    for (const line of planLines(result.plan)) ctx.out.line(line);
    if (result.plan.files.length === 0) ctx.out.line('  nothing differs (or nothing matches these paths)');
    ctx.out.line('Dry run: nothing was changed.');
    return 0;
  }
  if (result.nothingToDo) {
    ctx.out.line(`${args.paths.join(' ')}: already as at the ${target.label} (or no file matches); nothing to change.`);
    return 0;
  }
  appendEvent(repo, { type: 'restore', session: target.session, step: target.step, target: target.snapshot.oid, pre: result.pre.oid, paths: args.paths, files: result.plan.files.length });
  ctx.out.line(`Restored ${result.plan.files.length} file${result.plan.files.length === 1 ? '' : 's'} as of the ${target.label}. The state before is snapshot ${shortId(result.pre.oid)}.`);
  ctx.out.line('Undo this restore with: guard rollback --undo');
  return 0;
}
