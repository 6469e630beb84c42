/**
 * The command guard: `classifyCommand(command, context)` decides a shell command line before it
 * runs: allow, snapshot (take a snapshot, then allow), ask, or deny, with a stable rule id, a
 * reason, what to do instead, and the simple command that decided. Pure: no I/O, no process
 * spawning; everything it needs is in the context. The strictest verdict over every simple
 * command in the line wins (deny > ask > snapshot > allow), so a safe-looking part never rescues
 * a destructive one. docs/command-guard.md describes the rules and the limits.
 */
import path from 'node:path';
import { classifySource } from './evaluate.js';
import type { CommandContext, Verdict } from './types.js';

export type { CommandContext, Verdict, VerdictKind } from './types.js';
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

/** Documented defaults, used when no compiled policy is available. */
export const DEFAULT_PROTECTED_BRANCHES: readonly string[] = ['main', 'master', 'release/*'];
export const DEFAULT_PROTECTED_PATHS: readonly string[] = ['.guard.yaml'];

function normalizeDir(dir: string | null | undefined): string | null {
  if (!dir) return null;
  return path.posix.normalize(dir.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1');
}

export function classifyCommand(command: string, context: CommandContext): Verdict {
  const cwd = normalizeDir(context.cwd) ?? '/';
  const ctx: CommandContext = {
    ...context,
    cwd,
    repoRoot: normalizeDir(context.repoRoot),
    gitDir: normalizeDir(context.gitDir),
    commonDir: normalizeDir(context.commonDir),
    protectedPaths: context.protectedPaths.includes('.guard.yaml') ? context.protectedPaths : [...context.protectedPaths, '.guard.yaml'],
  };
  const home = normalizeDir(context.home);
  if (home) ctx.home = home;
  else delete ctx.home;
  return classifySource(command, ctx);
}
