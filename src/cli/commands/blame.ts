/**
 * `guard blame PATH [--json]`: which session, step and command last changed a file, and the
 * changes before that, newest first (from every session's steps, src/session/timeline.ts).
 */
import path from 'node:path';
import { GuardError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { allTimelines } from '../../session/timeline.js';
import type { CommandContext } from '../main.js';
import { age, shortId } from '../format.js';
import { stepTitle } from './timeline.js';

interface BlameArgs {
  path: string;
}

export interface BlameEntry {
  session: string;
  agent: string | null;
  step: string;
  time: string;
  tool: string | null;
  command: string;
  change: 'added' | 'modified' | 'deleted';
  before: string | null;
  after: string | null;
}

export async function run(args: BlameArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const relative = path.relative(repo.root, path.resolve(ctx.cwd, args.path)).split(path.sep).join('/');
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) throw new GuardError('user', `${args.path} is not a file of this worktree (${repo.root})`);
  const entries: BlameEntry[] = [];
  for (const timeline of await allTimelines(repo)) {
    for (const step of [...timeline.steps].reverse()) {
      for (const file of step.files) {
        // The file itself, or (a directory given) anything under it.
        if (file.path !== relative && !file.path.startsWith(`${relative}/`)) continue;
        entries.push({ session: step.session, agent: step.agent, step: step.id, time: step.startedAt, tool: step.tool, command: stepTitle(step), change: file.status, before: step.before, after: step.after });
      }
    }
  }
  entries.sort((a, b) => b.time.localeCompare(a.time));
  ctx.out.data({ path: relative, changes: entries });
  if (entries.length === 0) {
    ctx.out.line(`${relative}: no agent session step changed it (as far as the journal and snapshots of this worktree go).`);
    return 0;
  }
  const [last, ...earlier] = entries;
  ctx.out.line(`${relative} was last ${last!.change} ${age(last!.time)} by step ${last!.step} (${last!.agent ?? 'no agent'}):`);
  ctx.out.line(`  ${last!.command}`);
  ctx.out.line(`  before it: snapshot ${last!.before ? shortId(last!.before) : '-'}; get that version back: guard restore --before ${last!.step} ${relative}`);
  if (earlier.length > 0) {
    ctx.out.line('Earlier changes:');
    for (const e of earlier) ctx.out.line(`  ${e.step}  ${age(e.time)}  ${e.change}  ${e.command}`);
  }
  return 0;
}
