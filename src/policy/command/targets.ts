/**
 * Verdicts for the paths a command deletes or writes. This is where the recoverability axis
 * meets the filesystem: inside the repository (not `.git`) guard's snapshot brings files back,
 * so deleting them is a snapshot; `/`, the home directory, the repository itself, `.git` and
 * everything outside the repository cannot be brought back, so deleting them is denied. Writes
 * are only refused where they switch protection off or destroy what cannot be rebuilt: `.git`,
 * block devices, guard's own files and protected paths (the last two for agents).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import {
  classifyPath,
  containsGuardFiles,
  displayPath,
  globMatch,
  guardFile,
  isDevice,
  isEditableGitFile,
  isGitDirPath,
  isStrictlyUnder,
  picomatch,
  protectedBelow,
  protectedGlob,
  resolvePath,
} from './paths.js';
import { makeVerdict, opaqueKind } from './rules.js';
import type { CommandContext, Verdict } from './types.js';

/** Basenames of files git keeps in `.git`, to judge whether a name filter could reach them. */
export const GIT_INTERNAL_NAMES = [
  'HEAD', 'ORIG_HEAD', 'FETCH_HEAD', 'MERGE_HEAD', 'config', 'description', 'index', 'packed-refs', 'COMMIT_EDITMSG',
  'index.lock', 'HEAD.lock', 'exclude', 'pre-commit', 'pre-push', 'reference-transaction', 'pre-commit.sample',
  'main', 'master', 'head', 'pack-0123abcd.pack', 'pack-0123abcd.idx', 'pack-0123abcd.rev', '0123456789abcdef0123456789abcdef01234567', '01',
  'refs', 'objects', 'logs', 'hooks', 'info', 'pack', 'heads', 'tags', 'remotes', 'guard', 'worktrees', 'modules', 'journal.jsonl', 'policy.json',
];

export interface DeleteOptions {
  recursive: boolean;
  /** "deletes", "truncates", "overwrites" ... for the reason text. */
  verb: string;
}

export function checkWriteTarget(field: Field, cwd: string | null, ctx: CommandContext, source: string, what: string): Verdict | null {
  if (field.value === null || field.glob) {
    return makeVerdict(opaqueKind(ctx.isAgent), 'opaque-command', `${what}, a path guard cannot know before the command runs`, source);
  }
  const abs = resolvePath(field.value, cwd);
  if (abs === null) {
    return makeVerdict(opaqueKind(ctx.isAgent), 'opaque-command', `${what} in a directory guard cannot determine`, source);
  }
  return checkWriteAbs(abs, ctx, source, what);
}

export function checkWriteAbs(abs: string, ctx: CommandContext, source: string, what: string): Verdict | null {
  if (isGitDirPath(abs, ctx) && !isEditableGitFile(abs, ctx)) {
    return makeVerdict('deny', 'git-dir-write', `${what}: ${displayPath(abs, ctx)} is inside the git directory`, source);
  }
  if (isDevice(abs)) return makeVerdict('deny', 'device-write', `${what}: ${abs} is a device`, source);
  if (ctx.isAgent) {
    const own = guardFile(abs, ctx);
    if (own) return makeVerdict('deny', 'guard-self', `${what}: ${own} configures guard or an agent's hooks`, source);
    const rel = relativeInRepo(abs, ctx);
    const glob = rel === null ? null : protectedGlob(rel, ctx);
    if (rel !== null && glob) return makeVerdict('deny', 'protected-path', `${what}: ${rel} is a protected path (matches "${glob}")`, source);
  }
  return null;
}

function relativeInRepo(abs: string, ctx: CommandContext): string | null {
  return ctx.repoRoot && isStrictlyUnder(abs, ctx.repoRoot) ? abs.slice(ctx.repoRoot.length + 1) : null;
}

/** The verdict for deleting (or truncating, shredding) one operand. */
export function checkDeleteTarget(field: Field, cwd: string | null, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  if (field.value === null) {
    return makeVerdict('ask', 'rm-unknown-target', `${options.verb} ${field.display}, a path guard cannot know before the command runs`, source);
  }
  if (field.glob && field.pattern !== null) return checkDeleteGlob(field.pattern, field.display, cwd, ctx, source, options);
  const abs = resolvePath(field.value, cwd);
  if (abs === null) {
    return makeVerdict('ask', 'rm-unknown-target', `${options.verb} ${field.display} in a directory guard cannot determine`, source);
  }
  return checkDeleteAbs(abs, ctx, source, options);
}

export function checkDeleteAbs(abs: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const shown = displayPath(abs, ctx);
  const kind = classifyPath(abs, ctx);
  switch (kind.kind) {
    case 'root':
      return makeVerdict('deny', 'rm-root', `${options.verb} /`, source);
    case 'home':
      return makeVerdict('deny', 'rm-home', `${options.verb} ${abs}, the home directory${abs === ctx.home ? '' : ' (or a directory holding it)'}`, source);
    case 'git-dir':
      return makeVerdict('deny', 'git-dir-write', `${options.verb} ${shown}, inside the git directory (refs, objects, hooks, guard's snapshots)`, source);
    case 'repo-root':
      return makeVerdict('deny', 'rm-repo-root', `${options.verb} the repository itself (${abs})`, source);
    case 'repo-ancestor':
      return makeVerdict('deny', 'rm-repo-root', `${options.verb} ${abs}, which contains the repository`, source);
    case 'device':
      return makeVerdict('deny', 'device-write', `${options.verb} ${abs}, a device`, source);
    case 'outside':
      return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${abs}, outside ${ctx.repoRoot ? 'the repository' : 'any repository guard protects'}`, source);
    case 'inside':
      return checkDeleteInRepo(kind.rel, ctx, source, options);
  }
}

function checkDeleteInRepo(rel: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const glob = options.recursive ? protectedBelow(rel, ctx) : protectedGlob(rel, ctx);
  if (glob) {
    const exact = protectedGlob(rel, ctx) !== null;
    return makeVerdict('deny', 'protected-path', `${options.verb} ${rel}, ${exact ? 'a protected path' : 'which may hold protected paths'} (matches "${glob}")`, source);
  }
  if (ctx.isAgent && ctx.repoRoot) {
    const abs = `${ctx.repoRoot}/${rel}`;
    const own = guardFile(abs, ctx) ?? (options.recursive ? containsGuardFiles(abs, ctx) : null);
    if (own) return makeVerdict('deny', 'guard-self', `${options.verb} ${own}, which configures guard or an agent's hooks`, source);
  }
  return makeVerdict('snapshot', 'rm-in-repo', `${options.verb} ${rel} inside the repository`, source);
}

/** Deleting a glob pattern: judge the directory it starts from and whether it can reach `.git`. */
function checkDeleteGlob(pattern: string, display: string, cwd: string | null, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const abs = resolvePath(pattern, cwd);
  if (abs === null) {
    return makeVerdict('ask', 'rm-unknown-target', `${options.verb} ${display} in a directory guard cannot determine`, source);
  }
  const segments = abs.split('/').slice(1);
  const firstGlob = segments.findIndex((s) => /[*?[]/.test(s));
  if (firstGlob === -1) return checkDeleteAbs(abs, ctx, source, options);
  const base = `/${segments.slice(0, firstGlob).join('/')}`;
  const globSegments = segments.slice(firstGlob);
  // bash does not match dotfiles with * (dotglob off), so `rm -rf *` spares .git but `.*` does not.
  if (globSegments.some((s) => /[*?[]/.test(s) && globMatch(s, '.git', { dot: false }))) {
    return makeVerdict('deny', 'git-dir-write', `${options.verb} ${display}, which matches .git`, source);
  }
  const kind = classifyPath(base, ctx);
  if (kind.kind !== 'root' && kind.kind !== 'home' && ctx.repoRoot && isStrictlyUnder(ctx.repoRoot, base) && globMatch(abs, ctx.repoRoot, { dot: false })) {
    return makeVerdict('deny', 'rm-repo-root', `${options.verb} ${display}, which matches the repository itself`, source);
  }
  switch (kind.kind) {
    case 'root':
      return makeVerdict('deny', 'rm-root', `${options.verb} ${display}: everything under /`, source);
    case 'home':
      return makeVerdict('deny', 'rm-home', `${options.verb} ${display}, in the home directory`, source);
    case 'git-dir':
      return makeVerdict('deny', 'git-dir-write', `${options.verb} ${display}, inside the git directory`, source);
    case 'repo-ancestor':
    case 'outside':
    case 'device':
      return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${display}, outside the repository`, source);
    case 'repo-root':
    case 'inside': {
      const rel = kind.kind === 'inside' ? kind.rel : '';
      const relPattern = path.posix.join(rel, ...globSegments);
      const hit = protectedGlobHit(relPattern, ctx, options.recursive);
      if (hit) return makeVerdict('deny', 'protected-path', `${options.verb} ${display}, which may match protected paths ("${hit}")`, source);
      if (ctx.isAgent) {
        const own = guardFileMatchedBy(relPattern, ctx, options.recursive);
        if (own) return makeVerdict('deny', 'guard-self', `${options.verb} ${display}, which matches ${own}`, source);
      }
      return makeVerdict('snapshot', 'rm-in-repo', `${options.verb} ${display} inside the repository`, source);
    }
  }
}

/** Could a repo-relative glob pattern delete a protected path? */
function protectedGlobHit(relPattern: string, ctx: CommandContext, recursive: boolean): string | null {
  const globs = ctx.protectedPaths.includes('.guard.yaml') ? ctx.protectedPaths : [...ctx.protectedPaths, '.guard.yaml'];
  const patternBase = picomatch().scan(relPattern).base;
  for (const glob of globs) {
    const scan = picomatch().scan(glob);
    const base = scan.isGlob ? scan.base : glob;
    // The pattern only reaches inside the protected glob's directory (`secrets/*` vs `secrets/**`).
    if (base !== '' && patternBase !== '' && (patternBase === base || patternBase.startsWith(`${base}/`)) && scan.isGlob) return glob;
    if (base === '') {
      // `**/*.pem` can sit in any directory a recursive delete reaches.
      if (recursive && glob.startsWith('**')) return glob;
      continue;
    }
    const candidates = [base];
    for (let dir = path.posix.dirname(base); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) candidates.push(dir);
    for (const candidate of candidates) {
      if (!globMatch(relPattern, candidate, { dot: false })) continue;
      if (candidate === base || recursive) return glob;
    }
  }
  return null;
}

function guardFileMatchedBy(relPattern: string, ctx: CommandContext, recursive: boolean): string | null {
  const files = ['.guard.yaml', '.claude/settings.json', '.claude/settings.local.json', '.codex/hooks.json', '.codex/config.toml', '.cursor/hooks.json', '.gemini/settings.json', '.github/hooks', '.opencode', 'opencode.json', 'opencode.jsonc'];
  for (const file of files) {
    const candidates = [file];
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) candidates.push(dir);
    for (const candidate of candidates) {
      if (!globMatch(relPattern, candidate, { dot: false })) continue;
      if (candidate === file || recursive) return file;
    }
  }
  return null;
}

/** Moving a path away deletes it where it was: refused for what guard must keep in place. */
export function checkMoveSource(field: Field, cwd: string | null, ctx: CommandContext, source: string): Verdict | null {
  if (field.value === null || field.glob) {
    if (field.glob && field.pattern !== null) {
      const abs = resolvePath(field.pattern, cwd);
      if (abs && abs.split('/').some((s) => /[*?[]/.test(s) && globMatch(s, '.git', { dot: false }))) {
        return makeVerdict('deny', 'git-dir-write', `moves ${field.display}, which matches .git`, source);
      }
    }
    return null;
  }
  const abs = resolvePath(field.value, cwd);
  if (abs === null) return null;
  const verdict = checkDeleteAbs(abs, ctx, source, { recursive: true, verb: 'moves away' });
  // Moving files inside the repository or elsewhere keeps their content: only the refusals stay.
  return verdict.verdict === 'deny' && verdict.rule !== 'rm-outside-repo' ? verdict : null;
}

/** A program guard does not model is handed a path inside `.git` or one of guard's own files. */
export function checkOpaqueArgument(value: string, cwd: string | null, ctx: CommandContext, source: string, program: string): Verdict | null {
  const candidate = value.includes('=') && value.startsWith('-') ? value.slice(value.indexOf('=') + 1) : value;
  if (candidate === '' || candidate.startsWith('-')) return null;
  const abs = resolvePath(candidate, cwd);
  if (abs === null) return null;
  // Only a `.git` path segment counts here (not a git dir found elsewhere): a program guard does
  // not model is judged by what its words say, which the sh fast path relies on.
  if (abs.split('/').some((s) => s.toLowerCase() === '.git') && !isEditableGitFile(abs, ctx)) {
    return makeVerdict('ask', 'git-dir-arg', `${program} is given ${displayPath(abs, ctx)}, inside the git directory, and guard cannot tell whether it writes there`, source);
  }
  if (ctx.isAgent) {
    const own = guardFile(abs, ctx);
    if (own) return makeVerdict('ask', 'guard-file-arg', `${program} is given ${own}, which configures guard or an agent's hooks`, source);
  }
  return null;
}
