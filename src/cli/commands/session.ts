/** `guard session start|end|list`: agent sessions of this worktree (src/session/store.ts). */
import { openRepo } from '../../git/repo.js';
import { endSession, listSessions, startSession } from '../../session/store.js';
import type { CommandContext } from '../main.js';
import { age, shortId, table } from '../format.js';
import { sessionHeading, summaryLines } from '../session-text.js';

interface StartArgs {
  agent?: string;
  id?: string;
}

export async function start(args: StartArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const result = await startSession(repo, { agent: args.agent ?? null, ...(args.id !== undefined ? { id: args.id } : {}) });
  const { session } = result;
  ctx.out.data({ session, resumed: result.resumed, watcher: result.watcher });
  if (result.resumed) {
    ctx.out.line(`${sessionHeading(session, 'resumed')}; it still starts at snapshot ${shortId(session.startSnapshot)}`);
  } else {
    ctx.out.line(`${sessionHeading(session, 'started')} at snapshot ${shortId(session.startSnapshot)}`);
  }
  ctx.out.line(`  undo everything this session does: guard rollback --session ${session.id}`);
  ctx.out.line(`  end it with: guard session end --id ${session.id}`);
  ctx.out.line(result.watcher.ready ? '  the watcher is ready: changes are recorded as they happen' : `  the watcher is NOT ready: ${result.watcher.error}`);
  return 0;
}

export async function end(args: { id?: string }, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const result = await endSession(repo, args.id !== undefined ? { id: args.id } : {});
  ctx.out.data(result);
  for (const line of summaryLines(result.summary, sessionHeading(result.session, 'ended'))) ctx.out.line(line);
  if (result.nestedEnded.length > 0) ctx.out.line(`  also ended the sessions opened inside it: ${result.nestedEnded.join(', ')}`);
  return 0;
}

export async function list(_args: unknown, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const sessions = listSessions(repo);
  ctx.out.data({ sessions });
  if (sessions.length === 0) {
    ctx.out.line('No sessions in this worktree yet. Start one with `guard session start` or `guard run -- COMMAND`.');
    return 0;
  }
  const rows = [['SESSION', 'AGENT', 'STARTED', 'STATE', 'START SNAPSHOT', 'PARENT']];
  for (const s of sessions) {
    const state = s.endedAt === null ? 'open' : `ended ${age(s.endedAt)}`;
    rows.push([s.id, s.agent ?? '-', age(s.startedAt), state + (s.resumes > 0 ? ` (resumed ${s.resumes}x)` : ''), shortId(s.startSnapshot), s.parent ?? '-']);
  }
  for (const line of table(rows)) ctx.out.line(line);
  return 0;
}
