/**
 * `guard log`: the event journal (src/session/journal.ts), oldest first, newest at the bottom.
 * Every event type gets a detail (eventDetail); guard's own moves of refs/guard/* are hidden
 * unless --all (they are not user actions); filters by session, type and time.
 */
import { openRepo } from '../../git/repo.js';
import { GuardError } from '../../errors.js';
import { readEvents } from '../../session/journal.js';
import { eventDetail, isGuardOwnRefMove } from '../../session/timeline.js';
import type { CommandContext } from '../main.js';
import { table } from '../format.js';

interface LogArgs {
  session?: string;
  limit?: string;
  type?: string[];
  since?: string;
  all?: boolean;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** An ISO time, or an age ("30m", "2h", "1d") counted back from now. */
export function parseSince(value: string, now = Date.now()): Date {
  const relative = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(value.trim());
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new GuardError('user', `--since takes an ISO time (2026-01-31T12:00:00Z) or an age (30m, 2h, 1d), got "${value}"`);
  }
  return new Date(time);
}

function typeFilter(types: string[] | undefined): ((type: string) => boolean) | null {
  if (!types || types.length === 0) return null;
  const wanted = types.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  return (type) => wanted.some((w) => (w.endsWith('*') ? type.startsWith(w.slice(0, -1)) : type === w));
}

export async function run(args: LogArgs, ctx: CommandContext): Promise<number> {
  const limit = args.limit === undefined ? 50 : Number(args.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new GuardError('user', `--limit must be a whole number, got "${args.limit}"`);
  const since = args.since !== undefined ? parseSince(args.since) : undefined;
  const byType = typeFilter(args.type);
  const repo = await openRepo(ctx.cwd);
  let events = readEvents(repo, { ...(args.session !== undefined ? { session: args.session } : {}), ...(since ? { since } : {}) });
  events = events.filter((e) => (args.all || !isGuardOwnRefMove(e)) && (!byType || byType(e.type)));
  if (limit > 0) events = events.slice(Math.max(0, events.length - limit));
  ctx.out.data({ events });
  if (events.length === 0) {
    const filtered = args.session !== undefined || args.type !== undefined || args.since !== undefined;
    ctx.out.line(filtered ? 'No journal entries match these filters.' : 'The journal is empty: no sessions, blocked commands or rollbacks yet.');
    return 0;
  }
  const worktrees = new Set(events.map((e) => e.worktree));
  const rows = [['TIME', 'EVENT', 'SESSION', 'AGENT', ...(worktrees.size > 1 ? ['WORKTREE'] : []), 'DETAIL']];
  for (const e of events) {
    rows.push([e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.type, e.session ?? '-', e.agent ?? '-', ...(worktrees.size > 1 ? [e.worktree] : []), eventDetail(e)]);
  }
  for (const line of table(rows)) ctx.out.line(line);
  return 0;
}
