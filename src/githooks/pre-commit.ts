/**
 * pre-commit: refuses a commit that deletes a protected path or moves one out of its protected
 * location (protected-path-delete); any other change to a protected path (added, modified, moved
 * within or into a protected location) follows protected-path-modify. The sh shim only starts
 * this when the staged changes touch a protected path.
 *
 * Concluding a merge (`git commit` with MERGE_HEAD): a deletion that comes from the other side
 * (the path is gone there too) was committed there and is not refused again here.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { protectingPathGlob } from '../policy/match.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import type { HookContext } from './context.js';
import { decide, report, type Decision, type HookReport } from './decide.js';
import { configuredAt, type Violation } from './messages.js';
import { stagedChanges, type StagedChange } from './staged-changes.js';
import { gitPathsOf, matchText, pathText, shellArg, type GitPath } from '../git/path.js';

const HOOK = 'pre-commit';
const SHOW = 5;

async function mergeHeads(repo: Repo): Promise<string[]> {
  try {
    const text = await fs.readFile(path.join(repo.gitDir, 'MERGE_HEAD'), 'utf8');
    return text.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line));
  } catch {
    return [];
  }
}

/**
 * Paths of HEAD that each merge head lacks (a deletion made on the other side). One diff-tree per
 * head, names as bytes: a path that is not valid UTF-8 cannot go on git's command line.
 */
async function deletedOnEveryOtherSide(repo: Repo, heads: string[]): Promise<Set<GitPath>> {
  let common: Set<GitPath> | null = null;
  for (const head of heads) {
    const { stdout } = await runGit(['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--diff-filter=D', 'HEAD', head], { cwd: repo.root });
    const gone = new Set(gitPathsOf(stdout));
    if (common) for (const p of common) if (!gone.has(p)) common.delete(p);
    common ??= gone;
  }
  return common ?? new Set<GitPath>();
}

function list(items: string[]): string {
  return items.length <= SHOW ? items.join(', ') : `${items.slice(0, SHOW).join(', ')} and ${items.length - SHOW} more`;
}

function whyProtected(ctx: HookContext, globs: Map<string, string>): string {
  const unique = [...new Set(globs.values())];
  return `protected by ${unique.map((g) => `'${g}'`).join(', ')} (${configuredAt(ctx.policy, 'protect.paths', ctx.repo.root)})`;
}

/**
 * What the pre-commit hook refuses or warns about in a commit of `changes`, before any mode is
 * applied: the protected-path-delete and protected-path-modify violations. Shared with the agent
 * hooks (planned-refs.ts), which judge an agent's `git commit` with it before git starts: Gemini
 * CLI runs git with core.hooksPath="", so this hook never runs for it.
 */
export async function commitViolations(ctx: HookContext, changes: readonly StagedChange[]): Promise<Violation[]> {
  const removed: Array<{ change: StagedChange; glob: string }> = [];
  const modified: Array<{ change: StagedChange; glob: string }> = [];
  let deletedElsewhere: Set<GitPath> | null = null;
  for (const change of changes) {
    const fromGlob = protectingPathGlob(ctx.policy, matchText(change.from));
    const toGlob = protectingPathGlob(ctx.policy, matchText(change.to));
    if (change.status === 'D') {
      if (fromGlob) deletedElsewhere ??= await deletedOnEveryOtherSide(ctx.repo, await mergeHeads(ctx.repo));
      if (fromGlob && !deletedElsewhere!.has(change.from)) removed.push({ change, glob: fromGlob });
    } else if (change.status === 'R' && fromGlob && !toGlob) {
      removed.push({ change, glob: fromGlob });
    } else if (toGlob || fromGlob) {
      modified.push({ change, glob: (toGlob ?? fromGlob)! });
    }
  }

  const violations: Violation[] = [];
  if (removed.length > 0) {
    const described = removed.map(({ change }) => (change.status === 'R' ? `${pathText(change.from)} -> ${pathText(change.to)} (moved out)` : `${pathText(change.from)} (deleted)`));
    const paths = removed.map(({ change }) => pathText(change.from));
    const args = removed.map(({ change }) => shellArg(change.from));
    const violation: Violation = {
      rule: 'protected-path-delete',
      what: `commit that deletes or moves away protected paths: ${list(described)}`,
      subject: paths.sort().join('\n'),
      why: whyProtected(ctx, new Map(removed.map(({ change, glob }) => [pathText(change.from), glob]))),
      instead: [
        `keep them: git restore --source=HEAD --staged --worktree -- ${args.slice(0, SHOW).join(' ')}${args.length > SHOW ? ' ...' : ''}`,
        'then commit the rest; to stop protecting a path, remove it from protect.paths in .guard.yaml first (a change to .guard.yaml is itself a protected change)',
      ],
    };
    violations.push(violation);
  }
  if (modified.length > 0) {
    const paths = modified.map(({ change }) => (change.status === 'R' ? `${pathText(change.from)} -> ${pathText(change.to)}` : pathText(change.to)));
    const violation: Violation = {
      rule: 'protected-path-modify',
      what: `commit that changes protected paths: ${list(paths)}`,
      subject: paths.sort().join('\n'),
      why: whyProtected(ctx, new Map(modified.map(({ change, glob }) => [pathText(change.to), glob]))),
      instead: [`leave them out of this commit: git restore --staged -- ${modified.slice(0, SHOW).map(({ change }) => shellArg(change.to)).join(' ')}`],
    };
    violations.push(violation);
  }
  return violations;
}

export async function preCommit(ctx: HookContext): Promise<HookReport> {
  const decisions: Decision[] = [];
  for (const violation of await commitViolations(ctx, await stagedChanges(ctx.repo))) decisions.push(await decide(ctx, violation, { hook: HOOK }));
  return report(decisions);
}
