/**
 * `guard gc [--dry-run] [--keep DURATION | --keep-days N] [--keep-sessions N]`: drop old snapshots from every chain
 * and from the backup (src/backup/gc.ts), with the defaults from snapshot.retention in .guard.yaml.
 */
import { GuardError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { autoGc, runGc, type GcReport } from '../../backup/gc.js';
import { DAY_MS } from '../../backup/retention.js';
import type { CommandContext } from '../main.js';
import { bytes } from '../format.js';

interface Args {
  auto?: boolean;
  dryRun?: boolean;
  keepDays?: string;
  keep?: string;
  keepSessions?: string;
  json?: boolean;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS };

/**
 * How long to keep snapshots for their age alone: `--keep 12h` (m, h or d; 0 keeps nothing for
 * its age) or `--keep-days N` (0 and fractions allowed). undefined when neither is given.
 */
export function keepFor(args: { keep?: string | undefined; keepDays?: string | undefined }): { ms: number; text: string } | undefined {
  if (args.keep !== undefined && args.keepDays !== undefined) throw new GuardError('user', 'give --keep or --keep-days, not both', { hints: ['Example: guard gc --keep 12h'] });
  if (args.keepDays !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(args.keepDays)) throw new GuardError('user', `--keep-days needs a number of days (0 or more, e.g. 7 or 0.5), got "${args.keepDays}"`, { hints: ['Example: guard gc --keep-days 7, or guard gc --keep 12h'] });
    const days = Number(args.keepDays);
    return { ms: days * DAY_MS, text: `${days} day${days === 1 ? '' : 's'}` };
  }
  if (args.keep !== undefined) {
    const match = /^(\d+(?:\.\d+)?)([mhd])?$/.exec(args.keep.trim());
    if (!match || (match[2] === undefined && Number(match[1]) !== 0)) {
      throw new GuardError('user', `--keep needs a duration such as 30m, 12h or 7d (or 0), got "${args.keep}"`, { hints: ['Example: guard gc --keep 12h --dry-run'] });
    }
    const amount = Number(match[1]);
    return { ms: amount * (match[2] ? UNIT_MS[match[2]]! : 0), text: match[2] ? `${amount}${match[2]}` : '0' };
  }
  return undefined;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new GuardError('user', `${flag} needs a whole number of at least 1, got "${text}"`, { hints: [`Example: guard gc ${flag} 7`] });
  return Number(text);
}

/** The backup's Git LFS objects gc dropped (backup/lfs-gc.ts), when it keeps any. */
function printLfs(ctx: CommandContext, report: GcReport): void {
  const lfs = report.backup?.lfs;
  if (!lfs) return;
  if (report.dryRun) {
    // Before the backup's own gc: the pointers of the snapshots gc drops still count, so the objects
    // only they name are not in this number (they go at a later gc, once git has pruned the pointers).
    ctx.out.line(`Backup Git LFS objects: ${lfs.dropped > 0 ? `would drop at least ${lfs.dropped} (${bytes(lfs.bytes)}) that no snapshot's pointer names and this repository no longer has; ` : 'none to drop now; '}${lfs.kept + lfs.dropped} stored.`);
    return;
  }
  ctx.out.line(`Backup Git LFS objects: ${lfs.dropped > 0 ? `dropped ${lfs.dropped} (${bytes(lfs.bytes)}) that no snapshot's pointer names and this repository no longer has; ` : ''}${lfs.kept} kept.`);
}

export async function run(args: Args, ctx: CommandContext): Promise<number> {
  const keep = keepFor(args);
  const keepSessions = positive(args.keepSessions, '--keep-sessions');
  const repo = await openRepo(ctx.cwd);
  const { readPolicy } = await import('../../config/compile.js');
  const policy = await readPolicy(repo);
  const retention = policy.snapshot.retention;
  let report: GcReport | null;
  if (args.auto) {
    if (args.dryRun || keep !== undefined || keepSessions !== undefined) {
      throw new GuardError('user', '--auto uses snapshot.retention from .guard.yaml and cannot be combined with --dry-run, --keep, --keep-days or --keep-sessions');
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
      keepMs: keep?.ms ?? retention.keepDays * DAY_MS,
      keepSessions: keepSessions ?? retention.keepSessions,
    });
  }
  ctx.out.data(args.auto ? { ran: true, ...report } : report);
  const dropped = report.chains.reduce((n, c) => n + c.dropped.length, 0);
  const verb = report.dryRun ? 'would drop' : 'dropped';
  ctx.out.line(`Retention: keep ${keep?.text ?? `${retention.keepDays} days`} and the last ${keepSessions ?? retention.keepSessions} sessions (never the newest snapshot of a chain or the latest session).`);
  for (const chain of report.chains) {
    ctx.out.line(`  ${chain.ref}: ${chain.before} snapshots, ${verb} ${chain.dropped.length}${chain.renamed > 0 ? `, ${chain.renamed} kept ones re-linked (new ids)` : ''}`);
  }
  const keepChain = report.keepChain;
  if (keepChain && keepChain.dropped.length > 0) {
    ctx.out.line(`  refs/guard/keep/head: ${keepChain.before} keep commit(s), ${verb} ${keepChain.dropped.length} tip(s) kept longer ago than the retention (${keepChain.dropped.map((d) => `${d.ref || 'a commit'} ${d.oid.slice(0, 12)}`).slice(0, 5).join(', ')}${keepChain.dropped.length > 5 ? ', ...' : ''}); ${keepChain.kept} younger tip(s) ${report.dryRun ? 'would be' : 'are'} kept in one commit`);
  }
  if (dropped === 0 && !(keepChain && keepChain.dropped.length > 0)) ctx.out.line('Nothing to drop.');
  else if (report.dryRun) ctx.out.line(`About ${bytes(report.reclaimableBytes)} is held only by those snapshots.`);
  else ctx.out.line(`Reclaimed ${bytes(report.reclaimedBytes)} in this repository (${bytes(report.reclaimableBytes)} was held only by the dropped snapshots; objects newer than ${report.pruneCutoff.slice(0, 10)} are left for git's own gc).`);
  const backup = report.backup;
  if (backup && (backup.chains > 0 || backup.skipped.length > 0)) {
    ctx.out.line(
      report.dryRun
        ? `Backup ${backup.path}: would prune ${backup.chains} chain(s) the same way (${backup.snapshots} snapshot(s)).`
        : `Backup ${backup.path}: ${backup.chains} chain(s) pruned the same way (${backup.snapshots} snapshot(s)), ${bytes(backup.reclaimedBytes)} reclaimed.`,
    );
    for (const skipped of backup.skipped) ctx.out.warn(`  ${skipped}`);
  }
  printLfs(ctx, report);
  if (report.dryRun && (dropped > 0 || (backup?.chains ?? 0) > 0 || (backup?.lfs?.dropped ?? 0) > 0)) ctx.out.line('Nothing was changed. Run without --dry-run to drop them.');
  return 0;
}
