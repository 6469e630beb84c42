import { openRepo } from '../../git/repo.js';
import { listSnapshots } from '../../snapshot/read.js';
import { GuardError } from '../../errors.js';
import type { CommandContext } from '../main.js';
import { age, branchName, shortId, table } from '../format.js';
import { snapshotJson } from '../snapshot-json.js';

export async function run(args: { limit: string; all?: boolean; json?: boolean }, { cwd, out }: CommandContext): Promise<number> {
  const limit = Number(args.limit);
  if (!args.all && (!Number.isInteger(limit) || limit < 1)) {
    throw new GuardError('user', `--limit must be a positive whole number, not "${args.limit}"`);
  }
  const repo = await openRepo(cwd);
  const snapshots = await listSnapshots(repo, args.all ? {} : { limit });
  out.data(snapshots.map(snapshotJson));
  if (snapshots.length === 0) {
    out.line('No snapshots of this worktree yet. Take one with: guard snapshot');
    return 0;
  }
  const rows = [['ID', 'AGE', 'TRIGGER', 'SESSION', 'BRANCH', 'CHANGES', 'MESSAGE']];
  for (const s of snapshots) {
    const c = s.changes;
    rows.push([shortId(s.oid), age(s.time), s.trigger, s.session ?? '-', branchName(s.head.symbolic), `+${c.added} ~${c.modified} -${c.deleted}`, s.message ?? '']);
  }
  for (const line of table(rows)) out.line(line);
  return 0;
}
