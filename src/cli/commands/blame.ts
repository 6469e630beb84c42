/**
 * `guard blame PATH [--json]`: which session, step and command last changed a file, and the
 * changes before that, newest first (from every session's steps, src/session/timeline.ts).
 */
import { openRepo } from '../../git/repo.js';
import { pathText, shellArg, type GitPath } from '../../git/path.js';
import { namesFor, typedRelative } from '../../restore/typed-paths.js';
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
  /** The file (a directory given: the file under it), as git quotes names that are not plain text. */
  file: string;
  before: string | null;
  after: string | null;
}

export async function run(args: BlameArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const relative = typedRelative(repo, ctx.cwd, args.path, 'blame');
  const timelines = await allTimelines(repo);
  // Byte for byte: the typed name, or (it lost bytes on the command line) the names it stands for.
  const names = new Set(namesFor(relative, timelines.flatMap((t) => t.steps.flatMap((s) => s.files.map((f) => f.bytes)))));
  const matches = (file: GitPath): boolean => names.has(file) || [...names].some((name) => file.startsWith(`${name}/`));
  const entries: BlameEntry[] = [];
  for (const timeline of timelines) {
    for (const step of [...timeline.steps].reverse()) {
      for (const file of step.files) {
        // The file itself, or (a directory given) anything under it.
        if (!matches(file.bytes)) continue;
        entries.push({ session: step.session, agent: step.agent, step: step.id, time: step.startedAt, tool: step.tool, command: stepTitle(step), change: file.status, file: file.path, before: step.before, after: step.after });
      }
    }
  }
  const shown = names.size > 0 ? [...names].map(pathText).join(' ') : relative;
  const typed = [...names].map(shellArg).join(' ');
  entries.sort((a, b) => b.time.localeCompare(a.time));
  ctx.out.data({ path: shown, changes: entries });
  if (entries.length === 0) {
    ctx.out.line(`${shown}: no agent session step changed it (as far as the journal and snapshots of this worktree go).`);
    return 0;
  }
  const [last, ...earlier] = entries;
  ctx.out.line(`${shown} was last ${last!.change} ${age(last!.time)} by step ${last!.step} (${last!.agent ?? 'no agent'}):`);
  ctx.out.line(`  ${last!.command}`);
  ctx.out.line(`  before it: snapshot ${last!.before ? shortId(last!.before) : '-'}; get that version back: guard restore --before ${last!.step} ${typed}`);
  if (earlier.length > 0) {
    ctx.out.line('Earlier changes:');
    for (const e of earlier) ctx.out.line(`  ${e.step}  ${age(e.time)}  ${e.change}  ${e.command}`);
  }
  return 0;
}
