/**
 * `guard backup push --background`: the detached pusher that snapshots start
 * (src/backup/auto-push.ts); writes to its log. A bundle of its own (dist/hot-backup-pusher.*,
 * src/cli/hot.ts): it runs after every snapshot, and loading the whole CLI for it cost more CPU
 * than the push (docs/BENCHMARKS.md, "The background backup push").
 */
import { openRepo } from '../../git/repo.js';
import { runBackgroundPusher } from '../../backup/auto-push.js';
import { readPolicy } from '../../config/compile.js';
import type { CommandContext } from '../main.js';
import { describePush } from '../push-text.js';

export async function run(_args: unknown, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const result = await runBackgroundPusher(repo, () => readPolicy(repo));
  const when = new Date().toISOString();
  if (result.rounds === 0) ctx.out.line(`${when} another pusher is at work; it pushes this request too`);
  for (const outcome of [result.local, result.remote]) {
    if (!outcome || outcome.empty) continue;
    ctx.out.line(`${when} push to ${outcome.target}: ${outcome.ok ? `ok, ${outcome.updated} refs updated` : describePush(outcome)} (${result.rounds} round${result.rounds === 1 ? '' : 's'})`);
  }
  return result.local && !result.local.ok ? 1 : 0;
}
