/**
 * The command guard: `classifyCommand(command, context)` decides a shell command line before it
 * runs: allow, snapshot (take a snapshot, then allow), ask, or deny, with a stable rule id, a
 * reason, what to do instead, and the simple command that decided. Pure: no I/O, no process
 * spawning; everything it needs is in the context. The strictest verdict over every simple
 * command in the line wins (deny > ask > snapshot > allow), so a safe-looking part never rescues
 * a destructive one. docs/command-guard.md describes the rules and the limits.
 */
import path from 'node:path';
import { classifySource, type Classification } from './evaluate.js';
import { makeVerdict } from './rules.js';
import { StateView } from './state.js';
import type { CommandContext, Verdict } from './types.js';

export type { CommandContext, Verdict, VerdictKind } from './types.js';
export type { Classification } from './evaluate.js';
export type { RefChange } from './ref-changes.js';
export { STRICTNESS } from './types.js';
export { RULES, type RuleInfo, type RuleName } from './rules.js';
export {
  fastPathAllows,
  isRiskyWord,
  FAST_PATH_CHARS,
  FAST_PATH_MAX_LENGTH,
  FAST_PATH_RISKY_PREFIXES,
  FAST_PATH_RISKY_WORDS,
  SAFE_REDIRECT_OPERATORS,
  SAFE_REDIRECT_WORDS,
} from './fast-path.js';
export { GUARD_FILES_IN_HOME, GUARD_FILES_IN_REPO } from './paths.js';
export { classifyWithState, fileToolCapture, type FileToolCapture, type FileToolTarget, type StateClassification, type StateOptions } from './with-state.js';
export { DEFAULT_CAPTURE_LIMITS, type CaptureLimits, type StateFacts, type StateQueries, type StateReader, type StateVerdict } from './state.js';

/** Documented defaults, used when no compiled policy is available. */
export const DEFAULT_PROTECTED_BRANCHES: readonly string[] = ['main', 'master', 'release/*'];
export const DEFAULT_PROTECTED_PATHS: readonly string[] = ['.guard.yaml'];

function normalizeDir(dir: string | null | undefined): string | null {
  if (!dir) return null;
  return path.posix.normalize(dir.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1');
}

export function classifyCommand(command: string, context: CommandContext): Verdict {
  return classifyCommandFully(command, context).verdict;
}

/**
 * classifyCommand, plus the ref changes the command announces (`reset REV` of the checked-out
 * branch, `commit --amend`, `rebase` ...): the text cannot tell whether they rewrite a protected
 * branch, so a caller that can ask git judges them (src/githooks/planned-refs.ts).
 */
/**
 * The longest command line guard reads. Parsing is close to linear but not cheap (a 100 KB line
 * of short commands takes about a second on a loaded machine; a 10 MB one took minutes), and an
 * agent's hook must answer before the agent's timeout lets the command run. Longer lines are not
 * classified: an agent is refused, a person asked. Long file contents belong in the file tools.
 */
export const MAX_COMMAND_LENGTH = 128 * 1024;

export function classifyCommandFully(command: string, context: CommandContext): Classification {
  if (command.length > MAX_COMMAND_LENGTH) {
    const size = `${Math.ceil(command.length / 1024)} KiB`;
    return {
      verdict: makeVerdict(
        context.isAgent ? 'deny' : 'ask',
        'opaque-command',
        `the command is ${size} long, more than the ${MAX_COMMAND_LENGTH / 1024} KiB guard reads before it runs, so guard cannot check it`,
        `${command.slice(0, 80)}…`,
        'Write long file contents with the file tool (or in several smaller commands), and keep the shell command itself short.',
      ),
      refChanges: [],
    };
  }
  const cwd = normalizeDir(context.cwd) ?? '/';
  const ctx: CommandContext = {
    ...context,
    cwd,
    repoRoot: normalizeDir(context.repoRoot),
    gitDir: normalizeDir(context.gitDir),
    commonDir: normalizeDir(context.commonDir),
    protectedPaths: context.protectedPaths.includes('.guard.yaml') ? context.protectedPaths : [...context.protectedPaths, '.guard.yaml'],
  };
  // Without a view of the file system, every path is judged by its text (the view still
  // notes, for `git clean`, whether the line changes an ignore file first).
  ctx.view = context.view ?? new StateView('text');
  if (context.scratchDirs) ctx.scratchDirs = context.scratchDirs.map((dir) => normalizeDir(dir)).filter((dir): dir is string => dir !== null && dir !== '/');
  const home = normalizeDir(context.home);
  if (home) ctx.home = home;
  else delete ctx.home;
  return classifySource(command, ctx);
}
