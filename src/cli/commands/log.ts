/** `guard log`: the event journal (src/session/journal.ts), oldest first, newest at the bottom. */
import { openRepo } from '../../git/repo.js';
import { GuardError } from '../../errors.js';
import { readEvents, type JournalEvent } from '../../session/journal.js';
import type { CommandContext } from '../main.js';
import { shortId, table } from '../format.js';

interface LogArgs {
  session?: string;
  limit?: string;
}

/** The one field that says most about an event. */
function detail(event: JournalEvent): string {
  const parts: string[] = [];
  if (typeof event.command === 'string') parts.push(event.command);
  else if (typeof event.path === 'string') parts.push(event.path);
  if (typeof event.rule === 'string') parts.push(`[${event.rule}]`);
  if (typeof event.snapshot === 'string' && event.type !== 'blocked') parts.push(`snapshot ${shortId(event.snapshot)}`);
  if (event.type === 'session-start' && event.resumed === true) parts.push('(resumed)');
  if (typeof event.error === 'string') parts.push(event.error);
  if (typeof event.reason === 'string' && event.type !== 'blocked') parts.push(event.reason);
  if (event.type === 'session-end' && typeof event.files === 'object' && event.files !== null) {
    const f = event.files as { added?: number; modified?: number; deleted?: number };
    parts.push(`+${f.added ?? 0} ~${f.modified ?? 0} -${f.deleted ?? 0}, ${String(event.blocked ?? 0)} blocked`);
  }
  return parts.join(' ');
}

export async function run(args: LogArgs, ctx: CommandContext): Promise<number> {
  const limit = args.limit === undefined ? 50 : Number(args.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new GuardError('user', `--limit must be a whole number, got "${args.limit}"`);
  const repo = await openRepo(ctx.cwd);
  const events = readEvents(repo, { ...(args.session !== undefined ? { session: args.session } : {}), ...(limit > 0 ? { limit } : {}) });
  ctx.out.data({ events });
  if (events.length === 0) {
    ctx.out.line(args.session !== undefined ? `No journal entries for session ${args.session}.` : 'The journal is empty: no sessions, blocked commands or rollbacks yet.');
    return 0;
  }
  const worktrees = new Set(events.map((e) => e.worktree));
  const rows = [['TIME', 'EVENT', 'SESSION', 'AGENT', ...(worktrees.size > 1 ? ['WORKTREE'] : []), 'DETAIL']];
  for (const e of events) {
    rows.push([e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.type, e.session ?? '-', e.agent ?? '-', ...(worktrees.size > 1 ? [e.worktree] : []), detail(e)]);
  }
  for (const line of table(rows)) ctx.out.line(line);
  return 0;
}
