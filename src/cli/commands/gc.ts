/**
 * `guard gc [--dry-run] [--keep-days N] [--keep-sessions N]`: drop old snapshots from every chain
 * and from the backup (src/backup/gc.ts), with the defaults from snapshot.retention in .guard.yaml.
 */
import { GuardError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { autoGc, runGc, type GcReport } from '../../backup/gc.js';
import type { CommandContext } from '../main.js';
import { bytes } from '../format.js';

interface Args {
  auto?: boolean;
  dryRun?: boolean;
  keepDays?: string;
  keepSessions?: string;
  json?: boolean;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new GuardError('user', `${flag} needs a whole number of at least 1, got "${text}"`, { hints: [`Example: guard gc ${flag} 7`] });
  return Number(text);
}

export async function run(args: Args, ctx: CommandContext): Promise<number> {
  const keepDays = positive(args.keepDays, '--keep-days');
  const keepSessions = positive(args.keepSessions, '--keep-sessions');
  const repo = await openRepo(ctx.cwd);
  const { readPolicy } = await import('../../config/compile.js');
  const policy = await readPolicy(repo);
  const retention = policy.snapshot.retention;
  let report: GcReport | null;
  if (args.auto) {
    if (args.dryRun || keepDays !== undefined || keepSessions !== undefined) {
      throw new GuardError('user', '--auto uses snapshot.retention from .guard.yaml and cannot be combined with --dry-run, --keep-days or --keep-sessions');
    }
    report = await autoGc(repo, policy);
    if (!report) {
      ctx.out.data({ ran: false });
      ctx.out.line(retention.maxStoreSize > 0 ? 'The snapshot store is within snapshot.retention.maxStoreSize (or gc ran less than a day ago): nothing to do.' : 'snapshot.retention.maxStoreSize is 0: automatic gc is off.');
      return 0;
    }
  } else {
    report = await runGc(repo, policy, {
      dryRun: args.dryRun === true,
      keepDays: keepDays ?? retention.keepDays,
      keepSessions: keepSessions ?? retention.keepSessions,
    });
  }
  ctx.out.data(args.auto ? { ran: true, ...report } : report);
  const dropped = report.chains.reduce((n, c) => n + c.dropped.length, 0);
  const verb = report.dryRun ? 'would drop' : 'dropped';
  ctx.out.line(`Retention: keep ${keepDays ?? retention.keepDays} days and the last ${keepSessions ?? retention.keepSessions} sessions (never the latest session or anything younger than a day).`);
  for (const chain of report.chains) {
    ctx.out.line(`  ${chain.ref}: ${chain.before} snapshots, ${verb} ${chain.dropped.length}${chain.renamed > 0 ? `, ${chain.renamed} kept ones re-linked (new ids)` : ''}`);
  }
  if (dropped === 0) {
    ctx.out.line('Nothing to drop.');
    return 0;
  }
  if (report.dryRun) {
    ctx.out.line(`About ${bytes(report.reclaimableBytes)} is held only by those snapshots. Run without --dry-run to drop them.`);
    return 0;
  }
  ctx.out.line(`Reclaimed ${bytes(report.reclaimedBytes)} in this repository (${bytes(report.reclaimableBytes)} was held only by the dropped snapshots; objects newer than ${report.pruneCutoff.slice(0, 10)} are left for git's own gc).`);
  if (report.backup) {
    ctx.out.line(`Backup ${report.backup.path}: ${report.backup.chains} chain(s) pruned the same way, ${bytes(report.backup.reclaimedBytes)} reclaimed.`);
    for (const skipped of report.backup.skipped) ctx.out.warn(`  ${skipped}`);
  }
  return 0;
}
