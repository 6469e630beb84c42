/** `guard backup push|status`: the mirror of the snapshots outside the working tree (src/backup/). */
import { openRepo } from '../../git/repo.js';
import { promisorRemote, pushBackup, pushRemote, type PushOutcome } from '../../backup/mirror.js';
import { readPushStatus } from '../../backup/push-status.js';
import { backupStatus } from '../../backup/status.js';
import type { CommandContext } from '../main.js';
import { age, bytes, shortId } from '../format.js';
import { describePush } from '../push-text.js';

async function settings(cwd: string) {
  const repo = await openRepo(cwd);
  const { readPolicy } = await import('../../config/compile.js');
  const policy = await readPolicy(repo);
  return { repo, policy };
}

export async function push(args: { remoteOnly?: boolean; localOnly?: boolean; background?: boolean }, ctx: CommandContext): Promise<number> {
  // Also answered by the pusher's own bundle (src/cli/hot.ts) when its exact form is used.
  if (args.background) return (await import('./backup-pusher.js')).run(args, ctx);
  const { repo, policy } = await settings(ctx.cwd);
  const promisor = await promisorRemote(repo);
  if (promisor && !readPushStatus(repo).copiedTo?.length) {
    ctx.out.warn(`guard: this is a partial clone: git first downloads from "${promisor}" the objects of history the clone left out, once, so the backup holds them; this can take a while.`);
  }
  const local: PushOutcome | null = args.remoteOnly ? null : await pushBackup(repo, policy);
  const remote = args.localOnly ? null : await pushRemote(repo, policy);
  ctx.out.data({ local, remote });
  let failed = false;
  if (local) {
    if (local.empty) ctx.out.line('No snapshots yet: nothing to back up. Take one with `guard snapshot`.');
    else if (local.ok) ctx.out.line(`Backup ${local.target}: ${local.updated === 0 ? 'already up to date' : `${local.updated} ref${local.updated === 1 ? '' : 's'} updated`}.`);
    else {
      failed = true;
      ctx.out.warn(`guard: backup push to ${local.target} ${describePush(local)}`);
      if (!local.cause && local.rejected.some((r) => /non-fast-forward|fetch first|stale/i.test(r.reason))) {
        ctx.out.warn('  The live snapshot chain no longer extends the backup (rewritten by retention?). Run `guard gc` to bring both in line.');
      }
    }
    // Chains mended before the push (mend-fork.ts)
    for (const m of local.mended ?? []) {
      ctx.out.line(`  ${m.ref}: the backup's chain had been rewritten on its own by an older \`guard gc\` (${m.before} snapshot${m.before === 1 ? '' : 's'}, each also here), which refused every push since; it now holds this repository's (${m.after}). Before: ${shortId(m.from)}.`);
    }
  }
  if (remote) {
    if (remote.ok) ctx.out.line(`Remote ${remote.target}: ${remote.updated === 0 ? 'already up to date' : `${remote.updated} ref${remote.updated === 1 ? '' : 's'} updated`}.`);
    else {
      failed = true;
      ctx.out.warn(`guard: backup push to the remote ${remote.target} ${describePush(remote)}`);
    }
  } else if (!args.localOnly && !policy.backup.remote && args.remoteOnly) {
    ctx.out.line('No backup.remote is set in .guard.yaml: snapshots stay on this machine.');
  }
  return failed ? 1 : 0;
}

export async function status(_args: unknown, ctx: CommandContext): Promise<number> {
  const { repo, policy } = await settings(ctx.cwd);
  const s = await backupStatus(repo, policy);
  ctx.out.data(s);
  if (!s.path || !s.exists) {
    const last = s.lastPush as PushOutcome | null;
    if (s.pushRunning) ctx.out.line(`No backup yet for ${repo.root}: its first copy is being made now (pid ${s.pushRunning.pid}, started ${age(s.pushRunning.since)}). Until it ends, snapshots exist only in this repository.`);
    else if (last?.skipped) ctx.out.line(`No backup yet for ${repo.root}: not made ${age(last.time)}.\n  cause: ${last.cause}\n  fix: ${last.fix}`);
    else ctx.out.line(`No backup yet for ${repo.root}. It is made with the first snapshot guard watches, or now with: guard backup push`);
    ctx.out.line(`  it will live in ${s.store}`);
    return 0;
  }
  ctx.out.line(`Backup: ${s.path}`);
  ctx.out.line(`  id ${s.id}, ${s.bytes !== null ? bytes(s.bytes) : '?'} of objects, permissions ${s.mode}${s.selfContained ? ', self-contained' : ', BORROWS OBJECTS (not safe)'}`);
  if (s.lfs) ctx.out.line(`  Git LFS: ${s.lfs.objects} object${s.lfs.objects === 1 ? '' : 's'}, ${bytes(s.lfs.bytes)} (the content of the snapshots' LFS files; \`guard gc\` drops those no snapshot names and this repository no longer has)`);
  ctx.out.line(`  ${s.inSync ? 'in sync: it holds every snapshot chain of this repository' : 'NOT in sync with this repository:'}`);
  if (!s.inSync) {
    for (const ref of s.refs.filter((r) => r.live !== r.backup)) {
      ctx.out.line(`    ${ref.ref}: here ${ref.live ? shortId(ref.live) : '-'}, backup ${ref.backup ? shortId(ref.backup) : '-'}`);
    }
    ctx.out.line(s.pushRunning ? '  The push running now brings it up to date (see below).' : '  Bring it up to date with: guard backup push');
  }
  ctx.out.line(`  last push: ${s.lastPush ? describePush(s.lastPush) : 'never'}`);
  if (s.pushRunning) ctx.out.line(`  a push is running now (pid ${s.pushRunning.pid}, this round started ${age(s.pushRunning.since)})${s.lastPush ? '' : ': the first copy; until it ends, snapshots exist only in this repository'}`);
  if (s.remote.name) ctx.out.line(`Remote backup: ${s.remote.name}, last push: ${s.remote.lastPush ? describePush(s.remote.lastPush) : 'never'}`);
  else ctx.out.line('Remote backup: none (set backup.remote in .guard.yaml to send snapshots off this machine)');
  ctx.out.line('Rebuild this repository from it after `rm -rf .git` with: guard recover');
  return 0;
}
