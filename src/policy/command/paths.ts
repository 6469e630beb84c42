/**
 * Where a path points, relative to what guard protects: the filesystem root, the home
 * directory, the repository (its root, its `.git`, guard's own files, protected paths) or the
 * rest of the world. Pure string work on absolute POSIX paths (and Windows drive paths); symlinks
 * are followed by the reader of the repository's state (state.ts), not here.
 */
import { shownEscaped } from '../../util/escaped-text.js';
import path from 'node:path';
import { picomatch } from '../picomatch.js';
import type { CommandContext } from './types.js';

export { picomatch };

/**
 * Characters that make a glob more than its text for picomatch (classes, braces, extglobs,
 * negation, escapes). A glob without them, and not starting with `./` (which picomatch strips),
 * matches exactly itself: answered without loading picomatch (its load and first compiles cost
 * 10-30 ms of the agent hook on these machines), as for the regenerable names (`node_modules`).
 */
const GLOB_MAGIC = /[*?[\]{}()!+@\\]/;

export function isPlainText(glob: string): boolean {
  return !GLOB_MAGIC.test(glob) && !glob.startsWith('./');
}

/**
 * picomatch's `scan` for the two fields guard reads: whether it is a glob, and the directory
 * before its first glob segment. Computed by hand for plain text and for globs whose only magic
 * is `* ? [ ]` (the same answer picomatch gives; test/unit/policy/command/glob-scan.test.ts).
 */
export function globScan(glob: string): { isGlob: boolean; base: string } {
  if (isPlainText(glob)) return { isGlob: false, base: glob };
  if (!/[{}()!+@\\]/.test(glob) && !glob.startsWith('./')) {
    const segments = glob.split('/');
    const first = segments.findIndex((segment) => /[*?[\]]/.test(segment));
    return { isGlob: true, base: segments.slice(0, first).join('/') };
  }
  const scan = picomatch().scan(glob);
  return { isGlob: scan.isGlob, base: scan.base };
}

const matcherCache = new Map<string, (input: string) => boolean>();
export function globMatch(glob: string, input: string, options: { dot: boolean }): boolean {
  if (isPlainText(glob)) return glob === input;
  // `dir/**` (guard's own files, many protected paths): the directory itself and everything under
  // it, except `.`/`..` segments and line breaks, which picomatch's `**` does not match.
  if (options.dot && glob.endsWith('/**') && isPlainText(glob.slice(0, -3))) {
    const dir = glob.slice(0, -3);
    if (input === dir) return true;
    if (!input.startsWith(`${dir}/`)) return false;
    const rest = input.slice(dir.length + 1);
    return !/[\n\r\u2028\u2029]/.test(rest) && !rest.split('/').some((segment) => segment === '.' || segment === '..');
  }
  // `*.pyc`, `*.egg-info` (regenerable output): one name with that ending. Inputs with a slash or
  // a line break, and `.`/`..`, go to picomatch, whose answers for them differ by option.
  if (options.dot && glob.startsWith('*') && isPlainText(glob.slice(1)) && !/[/\n\r\u2028\u2029]/.test(input) && input !== '.' && input !== '..') {
    return input.endsWith(glob.slice(1));
  }
  const key = `${options.dot ? 1 : 0}\0${glob}`;
  let test = matcherCache.get(key);
  if (!test) {
    // bash writes a negated bracket as [!...]; picomatch wants [^...].
    test = picomatch()(glob.replace(/\[!/g, '[^'), { dot: options.dot });
    matcherCache.set(key, test);
  }
  return test(input);
}

/** Files that configure guard or the agents' hooks, relative to the repository root. */
export const GUARD_FILES_IN_REPO: readonly string[] = [
  '.guard.yaml',
  '.guard/**',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.codex/hooks.json',
  '.codex/config.toml',
  '.cursor/hooks.json',
  '.gemini/settings.json',
  '.github/hooks/**',
  '.opencode/plugins/**',
  '.opencode/plugin/**',
  'opencode.json',
  'opencode.jsonc',
];

/** The same for the user-level settings, relative to the home directory. */
export const GUARD_FILES_IN_HOME: readonly string[] = [
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.codex/hooks.json',
  '.codex/config.toml',
  '.cursor/hooks.json',
  '.gemini/settings.json',
  '.config/opencode/**',
  '.copilot/**',
];

/** Device files that are safe to write (they hold no data). */
const HARMLESS_DEVICES = /^\/dev\/(null|zero|full|random|urandom|tty|console|stdout|stderr|stdin|fd\/.*|pts\/.*|shm\/.*)$/;

export function isUnder(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent === '/' ? '/' : `${parent}/`);
}

export function isStrictlyUnder(child: string, parent: string): boolean {
  return child !== parent && isUnder(child, parent);
}

/** `C:/...`, `C:\\...` and `C:...`: a Windows drive path, absolute as far as guard is concerned. */
const DRIVE_PATH = /^[A-Za-z]:/;

export function isDrivePath(value: string): boolean {
  return DRIVE_PATH.test(value);
}

/** A drive path with forward slashes, normalized (`c:\\Users\\x\\..\\y` is `C:/Users/y`). */
function normalizeDrivePath(value: string): string {
  const rest = path.posix.normalize(`/${value.slice(2).replace(/\\/g, '/')}`).replace(/(.)\/+$/, '$1');
  return `${value.slice(0, 1).toUpperCase()}:${rest}`;
}

/**
 * Absolute, normalized path; null when unknown (unknown value, or relative with an unknown cwd).
 * Windows drive paths (`C:/x`, `C:\\x`, which agents on Windows emit) are absolute: on another
 * drive than the repository they are outside it, never a harmless relative name.
 */
export function resolvePath(value: string | null, cwd: string | null): string | null {
  if (value === null) return null;
  if (value === '') return null;
  if (isDrivePath(value)) return normalizeDrivePath(value);
  if (path.posix.isAbsolute(value)) return path.posix.normalize(value).replace(/(.)\/+$/, '$1');
  if (cwd === null) return null;
  if (isDrivePath(cwd)) return normalizeDrivePath(`${cwd}/${value}`);
  return path.posix.resolve(cwd, value);
}

/** Is `abs` strictly inside one of the scratch directories (the system temp dir)? */
export function scratchDir(abs: string, ctx: CommandContext): string | null {
  // A home directory inside the temp directory (containers, CI) is still the home directory.
  if (ctx.home && isUnder(abs, ctx.home)) return null;
  for (const dir of ctx.scratchDirs ?? []) if (dir !== '/' && isStrictlyUnder(abs, dir)) return dir;
  return null;
}

/** Files whose change alters what git ignores: `git clean` after it may take files that are ignored now. */
export function isIgnoreRulesFile(abs: string, ctx: CommandContext): boolean {
  if (path.posix.basename(abs) === '.gitignore') return true;
  const dirs = [ctx.gitDir, ctx.commonDir, ctx.repoRoot ? `${ctx.repoRoot}/.git` : null].filter((d): d is string => !!d);
  return dirs.some((dir) => abs === `${dir}/info/exclude`);
}

export type PathKind =
  | { kind: 'root' }
  | { kind: 'home' }
  | { kind: 'git-dir' }
  | { kind: 'repo-root' }
  | { kind: 'repo-ancestor' }
  | { kind: 'inside'; rel: string }
  | { kind: 'device' }
  | { kind: 'outside' };

export function isGitDirPath(abs: string, ctx: CommandContext): boolean {
  if (abs.split('/').some((segment) => segment.toLowerCase() === '.git')) return true;
  for (const dir of [ctx.gitDir, ctx.commonDir]) if (dir && isUnder(abs, dir)) return true;
  return false;
}

export function isDevice(abs: string): boolean {
  return abs.startsWith('/dev/') && !HARMLESS_DEVICES.test(abs);
}

export function classifyPath(abs: string, ctx: CommandContext): PathKind {
  if (abs === '/') return { kind: 'root' };
  if (ctx.home && ctx.home !== '/' && isUnder(ctx.home, abs)) return { kind: 'home' };
  if (isGitDirPath(abs, ctx)) return { kind: 'git-dir' };
  if (ctx.repoRoot) {
    if (abs === ctx.repoRoot) return { kind: 'repo-root' };
    if (isStrictlyUnder(ctx.repoRoot, abs)) return { kind: 'repo-ancestor' };
    if (isUnder(abs, ctx.repoRoot)) return { kind: 'inside', rel: abs.slice(ctx.repoRoot.length + 1) };
  }
  if (isDevice(abs)) return { kind: 'device' };
  return { kind: 'outside' };
}

/** `.git/info/exclude` is the one file under `.git` that is meant to be edited by hand. */
export function isEditableGitFile(abs: string, ctx: CommandContext): boolean {
  const dirs = [ctx.gitDir, ctx.commonDir, ctx.repoRoot ? `${ctx.repoRoot}/.git` : null].filter((d): d is string => !!d);
  return dirs.some((dir) => abs === `${dir}/info/exclude`);
}

/** The guard or agent settings file `abs` is (repo- or user-level), or null. */
export function guardFile(abs: string, ctx: CommandContext): string | null {
  if (ctx.repoRoot && isStrictlyUnder(abs, ctx.repoRoot)) {
    const rel = abs.slice(ctx.repoRoot.length + 1);
    const glob = GUARD_FILES_IN_REPO.find((g) => globMatch(g, rel, { dot: true }));
    if (glob) return rel;
  }
  if (ctx.home && isStrictlyUnder(abs, ctx.home)) {
    const rel = abs.slice(ctx.home.length + 1);
    if (GUARD_FILES_IN_HOME.some((g) => globMatch(g, rel, { dot: true }))) return `~/${rel}`;
  }
  return null;
}

/** Does a directory hold guard or agent settings files (deleting it deletes them)? */
export function containsGuardFiles(abs: string, ctx: CommandContext): string | null {
  const check = (base: string, globs: readonly string[], label: (rel: string) => string): string | null => {
    if (!isUnder(base, abs) && !isUnder(abs, base)) return null;
    for (const glob of globs) {
      const full = path.posix.join(base, glob.replace(/\/\*\*$/, ''));
      if (isStrictlyUnder(full, abs)) return label(full.slice(base.length + 1));
    }
    return null;
  };
  if (ctx.repoRoot) {
    const hit = check(ctx.repoRoot, GUARD_FILES_IN_REPO, (rel) => rel);
    if (hit) return hit;
  }
  if (ctx.home) return check(ctx.home, GUARD_FILES_IN_HOME, (rel) => `~/${rel}`);
  return null;
}

/** The protected-path glob matching `rel` (repository-relative), or null. Always covers .guard.yaml. */
export function protectedGlob(rel: string, ctx: CommandContext): string | null {
  for (const glob of protectedGlobs(ctx)) if (globMatch(glob, rel, { dot: true })) return glob;
  return null;
}

/** A protected glob that may match something below directory `rel` (deleting it would delete that). */
export function protectedBelow(rel: string, ctx: CommandContext): string | null {
  return protectedGlobsBelow(rel, ctx)[0]?.glob ?? null;
}

/**
 * Every protected glob that can match at or below `rel`, with the fixed part of its path (`base`,
 * repo-relative: `db/migrate` of `db/migrate/**`, the whole path of a glob without wildcards,
 * '' for `**\/migrations/**`) and whether it has wildcards.
 */
export function protectedGlobsBelow(rel: string, ctx: CommandContext): Array<{ glob: string; base: string; isGlob: boolean }> {
  const found: Array<{ glob: string; base: string; isGlob: boolean }> = [];
  for (const glob of protectedGlobs(ctx)) {
    const scan = globScan(glob);
    const base = scan.isGlob ? scan.base : glob;
    const entry = { glob, base, isGlob: scan.isGlob };
    if (globMatch(glob, rel, { dot: true })) found.push(entry);
    else if (rel === '' || isStrictlyUnder(base, rel)) found.push(entry);
    // A glob that starts with ** (e.g. **/*.pem) can match at any depth, so below any directory.
    else if (scan.isGlob && base === '' && glob.startsWith('**')) found.push(entry);
  }
  return found;
}

function protectedGlobs(ctx: CommandContext): string[] {
  // A guessed mount's judgement is for its captures only (container-run.ts): no protected path stops it first.
  if (ctx.mountGuess) return ctx.protectedPaths;
  return ctx.protectedPaths.includes('.guard.yaml') ? ctx.protectedPaths : [...ctx.protectedPaths, '.guard.yaml'];
}

/** Is this branch name (or refs/heads/ ref) protected? Returns the glob. */
export function protectedBranch(name: string, ctx: CommandContext): string | null {
  let branch = name;
  if (branch.startsWith('refs/heads/')) branch = branch.slice('refs/heads/'.length);
  else if (branch.startsWith('refs/')) return null;
  if (branch === '') return null;
  for (const glob of ctx.protectedBranches) if (globMatch(glob, branch, { dot: true })) return glob;
  return null;
}

/** A short display form of an absolute path: relative to the repository or home when inside. */
export function displayPath(abs: string, ctx: CommandContext): string {
  if (ctx.repoRoot && isStrictlyUnder(abs, ctx.repoRoot)) return shownEscaped(abs.slice(ctx.repoRoot.length + 1));
  if (ctx.home && isStrictlyUnder(abs, ctx.home)) return `~/${shownEscaped(abs.slice(ctx.home.length + 1))}`;
  return shownEscaped(abs);
}
