/** `guard session start|end|list`: agent sessions of this worktree (src/session/store.ts). */
import { openRepo } from '../../git/repo.js';
import { endSession, listSessions, startSession } from '../../session/store.js';
import type { CommandContext } from '../main.js';
import { age, shortId, table } from '../format.js';
import { sessionBackupWarning, sessionHeading, summaryLines } from '../session-text.js';

interface StartArgs {
  agent?: string;
  id?: string;
  /** Hidden: run by a git hook that saw an agent without a session (hooks/lib.sh guard_heal_session). */
  withoutAgentHooks?: boolean;
}

/** The fix `guard status` would name for this agent's hooks, or guard init when it has none. */
async function hooksFix(repo: Awaited<ReturnType<typeof openRepo>>, agent: string): Promise<string> {
  const { agentsHealth } = await import('../../agents/health.js');
  const { findAgent } = await import('../../agents/index.js');
  const known = findAgent(agent);
  if (!known) return `run it with \`guard run --agent ${agent} -- ...\``;
  const { installedAgentIds } = await import('../../agents/install.js');
  if (!installedAgentIds(repo).includes(known.id)) return `\`guard init --agents ${known.id}\` installs its hooks`;
  const problems = agentsHealth(repo, process.env, [known.id]).problems;
  return problems[0]?.fix ?? `check its hooks with \`guard status\``;
}

export async function start(args: StartArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  if (args.withoutAgentHooks && args.agent) {
    const { openSessionWithoutAgentHooks } = await import('../../session/heal.js');
    const healed = await openSessionWithoutAgentHooks(repo, args.agent, await hooksFix(repo, args.agent));
    ctx.out.data(healed);
    // Only a session opened here is news (the hook prints this line on the git command's stderr).
    if (healed.session) ctx.out.line(`git-guard: ${healed.message}`);
    return 0;
  }
  const result = await startSession(repo, { agent: args.agent ?? null, ...(args.id !== undefined ? { id: args.id } : {}) });
  const { session } = result;
  ctx.out.data({ session, resumed: result.resumed, watcher: result.watcher, backup: result.backup ?? null });
  if (result.resumed) {
    ctx.out.line(`${sessionHeading(session, 'resumed')}; it still starts at snapshot ${shortId(session.startSnapshot)}`);
  } else {
    ctx.out.line(`${sessionHeading(session, 'started')} at snapshot ${shortId(session.startSnapshot)}`);
  }
  ctx.out.line(`  undo everything this session does: guard rollback --session ${session.id}`);
  ctx.out.line(`  end it with: guard session end --id ${session.id}`);
  ctx.out.line(result.watcher.ready ? '  the watcher is ready: changes are recorded as they happen' : `  the watcher is NOT ready: ${result.watcher.error}`);
  const warning = sessionBackupWarning(result.backup);
  if (warning) ctx.out.warn(`guard: warning: ${warning}`);
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
