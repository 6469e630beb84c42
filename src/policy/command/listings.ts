/**
 * Commands whose output is file names from a set guard can list (Listing in state.ts), and the
 * verdict for an in-place edit of "whatever they print": `git grep -l foo | xargs sed -i ...`,
 * `find src -name '*.js' -print0 | xargs -0 perl -pi ...`, `sed -i ... $(git ls-files '*.js')`.
 * The names are unknown before the command runs, but they are a subset of the set, so the set
 * is judged: its ignored files that are not regenerable output are captured first, a protected
 * path or one of guard's files in it refuses an agent, `.git` reached by the walk refuses.
 *
 *  - `git ls-files` / `git grep -l` (no --others, --untracked, --no-index, --recurse-submodules,
 *    -C ...): tracked files of the pathspecs, one `git ls-files -z` where they were typed; for a
 *    `git grep` whose options are all known here and that no earlier command may have changed
 *    the files for, that grep itself (gitGrep): the names it prints, not every tracked file;
 *  - `grep -r -l` (not -R), `rg -l`/`rg --files` (no --hidden, -u, -L), `find DIR` printing:
 *    what lies under the named directories, ignored files included (find.ts's listings).
 * Anything else, or an option not known here, is no listing: the command stays `ask`.
 */
import type { Field } from './expand.js';
import { findListing } from './find.js';
import { classifyPath, resolvePath } from './paths.js';
import { makeVerdict, opaqueKind } from './rules.js';
import { shownEscaped } from '../../util/escaped-text.js';
import type { Listing, RepoContents } from './state.js';
import { checkEdits, judgeContents, type DeleteOptions } from './targets.js';
import type { CommandContext, Verdict } from './types.js';

/**
 * What `argv` prints as a listing guard can enumerate, or null. `ordered`: no command before it
 * in the line may have changed a file (evaluate.ts), so what git finds in the files now is what
 * the command finds when it runs.
 */
export function producerListing(argv: Field[], cwd: string | null, ctx: CommandContext, shown: string, ordered = false): Listing | null {
  if (cwd === null || !ctx.repoRoot || argv.some((a) => a.value === null)) return null;
  const words = argv.map((a) => a.value as string);
  const [name, ...args] = words;
  if (name === 'git') {
    const [sub, ...rest] = args;
    if (sub === 'ls-files') return gitLsFiles(rest, cwd, shown);
    if (sub === 'grep') return gitGrep(rest, cwd, shown, ordered);
    return null;
  }
  if (name === 'find') return findListing(argv.slice(1), cwd, ctx, shown);
  // grep -r walks into .git unless told not to; rg skips hidden files and directories (.git among them).
  if (name === 'grep' || name === 'egrep' || name === 'fgrep') return treeListing(grepStarts(args), cwd, ctx, shown, args.some((a) => /^-[^-]*Z/.test(a) || a === '--null'), !args.includes('--exclude-dir=.git'), false);
  if (name === 'rg') return treeListing(rgStarts(args), cwd, ctx, shown, args.some((a) => /^-[^-]*0/.test(a) || a === '--null'), false, true);
  return null;
}

function gitLsFiles(args: string[], cwd: string, shown: string): Listing | null {
  const pathspecs: string[] = [];
  let nul = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      pathspecs.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-z') nul = true;
    else if (!['-c', '--cached', '-m', '--modified', '-d', '--deleted'].includes(arg)) {
      if (arg.startsWith('-')) return null;
      pathspecs.push(arg);
    }
  }
  return { kind: 'tracked', pathspecs, cwd, shown, nul };
}

/** git grep's options that change which files match and nothing else (they run nothing, write nothing, read no file). */
const GREP_MATCH_LONGS = ['--cached', '--ignore-case', '--word-regexp', '--invert-match', '--fixed-strings', '--extended-regexp', '--basic-regexp', '--perl-regexp', '--and', '--or', '--not', '--all-match', '(', ')'];

/**
 * `git grep -l`/`-L`/`--name-only` as a tracked listing, or null. Where every option is one of
 * the few known here (match options, -e, -l/-L, -z, -n, -h, -r, -I, --max-depth) and no earlier
 * command of the line may have changed a file (`ordered`), the listing carries them (`grep`):
 * the reader runs that git grep for the exact names. `-f FILE` reads patterns from a file an
 * earlier command (or stdin, `-f -`) may hold otherwise: the superset, as any option not known
 * here is no listing at all (`-O` runs a pager on the files, `--untracked`, `--no-index`, `--textconv`).
 * Words after the pattern are read as pathspecs, as before: a revision (`git grep -l foo HEAD~1`
 * prints `HEAD~1:path`, a name of no file here) then lists nothing.
 */
function gitGrep(args: string[], cwd: string, shown: string, ordered: boolean): Listing | null {
  const positional: string[] = [];
  const options: string[] = [];
  let names = false;
  let nul = false;
  let patterns = false;
  let exact = ordered;
  let afterDashes: string[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      afterDashes = args.slice(i + 1);
      break;
    }
    const bundle = /^-([lLiwvFEGPIznrh]*)([ef]?)$/.exec(arg);
    if (bundle && arg !== '-') {
      const [, flags = '', valued] = bundle;
      if (/[lL]/.test(flags)) names = true;
      if (flags.includes('z')) nul = true;
      options.push(arg);
      if (valued) {
        const value = args[i + 1];
        if (value === undefined) return null;
        if (valued === 'f') exact = false;
        patterns = true;
        options.push(value);
        i++;
      }
    } else if (['--files-with-matches', '--files-without-match', '--name-only'].includes(arg)) {
      names = true;
      options.push(arg);
    } else if (arg === '--null') {
      nul = true;
      options.push(arg);
    } else if (GREP_MATCH_LONGS.includes(arg) || /^--max-depth=-?\d+$/.test(arg)) options.push(arg);
    else if (arg === '--max-depth' && /^-?\d+$/.test(args[i + 1] ?? '')) options.push(arg, args[++i] as string);
    else if (arg.startsWith('-')) return null;
    else positional.push(arg);
  }
  if (!names) return null;
  // With no -e/-f the first word is the pattern, also when it comes after `--` (`git grep -l -- foo` greps for foo).
  if (!patterns) {
    const pattern = positional.length > 0 ? positional.shift() : afterDashes?.shift();
    if (pattern === undefined) return null;
    options.push('-e', pattern);
  }
  // Revisions or pathspecs: read as pathspecs (a revision lists `REV:path` names, which name no file here).
  const pathspecs = [...positional, ...(afterDashes ?? [])];
  return { kind: 'tracked', pathspecs, cwd, shown, nul, recursesByConfig: true, ...(exact ? { grep: options } : {}) };
}

/** GNU grep's recursive start points (none: `.`), or null where it is not `grep -r -l` as known here. */
function grepStarts(args: string[]): string[] | null {
  let recursive = false;
  let names = false;
  let pattern = false;
  const starts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      starts.push(...args.slice(i + (pattern ? 1 : 2)));
      break;
    }
    if (arg === '-e' || arg === '-f' || arg === '--regexp' || arg === '--file') {
      pattern = true;
      i++;
      continue;
    }
    if (arg === '--recursive') recursive = true;
    else if (arg === '--files-with-matches' || arg === '--files-without-match') names = true;
    else if (/^--(include|exclude|exclude-dir|regexp|file)=/.test(arg) || ['--null', '--ignore-case', '--word-regexp', '--invert-match', '--fixed-strings', '--extended-regexp', '--perl-regexp', '--no-messages'].includes(arg)) {
      if (/^--(regexp|file)=/.test(arg)) pattern = true;
    } else if (/^-[rlLiwvFEGPIsZnHx]+$/.test(arg)) {
      if (arg.includes('r')) recursive = true;
      if (/[lL]/.test(arg)) names = true;
    } else if (/^-[rlLiwvFEGPIsZnHx]*[ef]$/.test(arg)) {
      if (arg.includes('r')) recursive = true;
      if (/[lL]/.test(arg)) names = true;
      pattern = true;
      i++;
    } else if (arg.startsWith('-')) return null;
    else if (!pattern) pattern = true;
    else starts.push(arg);
  }
  if (!recursive || !names) return null;
  return starts.length > 0 ? starts : ['.'];
}

/** ripgrep's start points (none: `.`) when it prints file names (-l, --files), or null. */
function rgStarts(args: string[]): string[] | null {
  let names = false;
  let pattern = false;
  const starts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      starts.push(...args.slice(i + (pattern || names ? 1 : 2)));
      break;
    }
    if (['-e', '-g', '--glob', '-t', '--type', '-T', '--type-not', '--regexp'].includes(arg)) {
      if (arg === '-e' || arg === '--regexp') pattern = true;
      i++;
      continue;
    }
    if (arg === '--files') {
      names = true;
      pattern = true;
    } else if (arg === '--files-with-matches' || arg === '--files-without-match') names = true;
    else if (['--null', '--ignore-case', '--smart-case', '--case-sensitive', '--word-regexp', '--fixed-strings'].includes(arg) || /^--(glob|type|type-not|regexp)=/.test(arg)) {
      if (arg.startsWith('--regexp=')) pattern = true;
    } else if (/^-[lisSwF0]+$/.test(arg)) {
      if (arg.includes('l')) names = true;
    } else if (arg.startsWith('-')) return null;
    else if (!pattern) pattern = true;
    else starts.push(arg);
  }
  if (!names) return null;
  return starts.length > 0 ? starts : ['.'];
}

/** grep -r / rg: everything under each start point. grep walks into `.git`; rg skips hidden directories. */
function treeListing(starts: string[] | null, cwd: string, ctx: CommandContext, shown: string, nul: boolean, entersGit: boolean, skipsHidden: boolean): Listing | null {
  if (starts === null) return null;
  const finds = [];
  let reachesGit = false;
  for (const start of starts) {
    const abs = resolvePath(start, cwd);
    if (abs === null) return null;
    const kind = classifyPath(abs, ctx).kind;
    if (kind !== 'inside' && kind !== 'repo-root') return null;
    if (kind === 'repo-root' && entersGit) reachesGit = true;
    finds.push({ start: abs, shown: start, filter: { kind: 'all' as const } });
  }
  return { kind: 'tree', finds, reachesGit, cwd, shown, nul, ...(skipsHidden ? { skipsHidden } : {}) };
}

/**
 * A directory of this worktree that lies in another repository (it or a directory above it,
 * below the root, holds a `.git`: a few lstat calls), whose files no snapshot of this one holds.
 */
function inOtherRepository(dir: string, ctx: CommandContext): boolean {
  const root = ctx.repoRoot;
  const view = ctx.view;
  if (!root || !view) return false;
  let found = false;
  for (let at = dir.replace(/\/+$/, ''); at !== root && at.startsWith(`${root}/`); at = at.slice(0, at.lastIndexOf('/'))) {
    if (view.path(`${at}/.git`, false)?.exists) found = true;
  }
  return found;
}

function repoRelative(abs: string, ctx: CommandContext): string | null {
  const root = ctx.repoRoot;
  if (!root) return null;
  return abs === root ? '' : abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : null;
}

/** A repo-relative entry (latin1 bytes) with a name starting with `.` below `start`. */
function hiddenBelow(entry: string, start: string): boolean {
  const below = start === '' ? entry : entry.startsWith(`${start}/`) ? entry.slice(start.length + 1) : entry;
  return below.split('/').some((segment) => segment.startsWith('.'));
}

/** Byte strings (latin1) from git. */
function hazard(name: string, split: 'nul' | 'words' | 'glob'): boolean {
  if (split === 'nul') return false;
  // xargs splits on blanks and reads quotes and backslashes; $(...) splits on IFS, then globs.
  return (split === 'glob' ? /[\s"'\\*?[]/ : /[\s"'\\]/).test(name);
}

/**
 * What a listing can print, gathered from the view (Field.listed): the contents and their names;
 * a refusal that needs no more (the walk enters .git, a name that splits into others); null while
 * collecting; undefined where guard cannot judge by it (no view, git cannot list it, another
 * repository, a nested one in the set): the caller keeps `ask`.
 */
function listedContents(listed: NonNullable<Field['listed']>, cwd: string | null, shownWhat: string, ctx: CommandContext, source: string, deletes: boolean): { contents: RepoContents; names: string[] } | Verdict | null | undefined {
  const { listing, split } = listed;
  const view = ctx.view;
  if (!view || view.mode === 'text' || cwd !== listing.cwd) return undefined;
  if (listing.kind === 'tree' && listing.reachesGit) {
    return makeVerdict('deny', 'git-dir-write', `${shownWhat}: the walk enters .git, so it may ${deletes ? 'delete' : 'edit'} git's own files (config, index, objects)`, source, `Leave .git out: grep -rl --exclude-dir=.git, git grep -l, or find with -path ./.git -prune -o ... -print.`);
  }
  const dirs = listing.kind === 'tracked' ? [listing.cwd] : listing.finds.map((f) => f.start);
  const others = dirs.map((dir) => inOtherRepository(dir, ctx));
  const answers: Array<RepoContents | null> = listing.kind === 'tracked' ? [view.trackedFiles({ cwd: listing.cwd, pathspecs: listing.pathspecs, ...(listing.grep ? { grep: listing.grep } : {}) })] : listing.finds.map((query) => view.find(query));
  // git grep reads `submodule.recurse`: then it prints, and the edit takes, files of checked-out
  // submodules, which no snapshot of this repository holds (a git process only where there are submodules).
  const recurses = listing.kind === 'tracked' && listing.recursesByConfig === true ? view.submodulesRecursed() : false;
  if (view.collecting) return null;
  if (recurses !== false || others.some(Boolean) || answers.some((a) => a === null)) return undefined;
  const contents: RepoContents = { tracked: [], untracked: [], ignored: [] };
  for (const [i, answer] of (answers as RepoContents[]).entries()) {
    // A nested repository or a checked-out submodule in the set: its files are in no snapshot.
    if ((answer.submodules ?? []).length > 0 || answer.untracked.some((u) => u.endsWith('/'))) return undefined;
    // rg never prints what lies in a hidden file or directory below where it starts (.guard.yaml, .claude/).
    const start = listing.kind === 'tree' && listing.skipsHidden === true ? repoRelative(listing.finds[i]?.start ?? '', ctx) : null;
    const keep = (entry: string): boolean => start === null || !hiddenBelow(entry, start);
    contents.tracked.push(...answer.tracked.filter(keep));
    contents.untracked.push(...answer.untracked.filter(keep));
    contents.ignored.push(...answer.ignored.filter((e) => keep(e.path)).map((e) => (e.files ? { ...e, files: e.files.filter((f) => keep(f.path)) } : e)));
  }
  // A nested repository with work of its own in regenerable output the listing reaches
  // (`find node_modules -maxdepth 1 -name 'foo*' | xargs rm -rf`): each answer looks in its own
  // output directories, keeping only the repositories its filter lets through (path-facts.ts).
  const looks = (answers as RepoContents[]).map((answer) => ({ answer, dirs: new Set(answer.ignored.filter((e) => e.regenerable && e.path.endsWith('/')).map((e) => e.path)) }));
  contents.nestedWork = (dirs) => {
    for (const { answer, dirs: own } of looks) {
      const mine = dirs.filter((dir) => own.has(dir));
      const found = mine.length > 0 && answer.nestedWork ? answer.nestedWork(mine) : null;
      if (found) return found;
    }
    return null;
  };
  const names = [...contents.tracked, ...contents.untracked, ...contents.ignored.flatMap((e) => (e.files ?? []).map((f) => f.path))];
  const splitName = names.find((n) => hazard(n, split));
  if (splitName !== undefined) {
    // The set is known, but a name in it (`test space.js`) reaches the command as other names
    // guard cannot know. Say so, with the spelling guard reads exactly (found on a vite clone,
    // where one fixture's name made every `grep -rl foo packages | xargs sed -i` a bare refusal).
    const name = shownEscaped(Buffer.from(splitName, 'latin1').toString('utf8'));
    const how = split === 'glob' ? 'the shell splits a $(...) into words and expands globs in them' : 'xargs splits names at blanks and reads quotes and backslashes';
    // A deletion keeps the kind it had (ask: rm-unknown-target), an edit the opaque one.
    return makeVerdict(deletes ? 'ask' : opaqueKind(ctx.isAgent), deletes ? 'rm-unknown-target' : 'opaque-command', `${shownWhat}: it may list ${name}, and ${how}, so the names the command gets are not the files guard lists`, source, 'Hand the names over NUL-separated, which guard reads exactly: `grep -rlZ PATTERN DIR | xargs -0 sed -i ...`, `git grep -z -l PATTERN | xargs -0 ...`, `find DIR ... -print0 | xargs -0 ...`.');
  }
  return { contents, names };
}

/**
 * An in-place edit of the names a listing prints (Field.listed). Undefined where guard cannot
 * judge by it (no view, git cannot list it, another repository): the caller keeps `ask`. Null
 * while collecting.
 */
export function checkListedEdit(listed: NonNullable<Field['listed']>, cwd: string | null, what: string, ctx: CommandContext, source: string): Verdict | null | undefined {
  const shownWhat = what.includes(listed.listing.shown) ? what : `${what} (the files ${listed.listing.shown} prints)`;
  const gathered = listedContents(listed, cwd, shownWhat, ctx, source, false);
  if (gathered === null || gathered === undefined || 'verdict' in gathered) return gathered;
  const { contents, names } = gathered;
  const edits = checkEdits(contents, shownWhat, ctx, source, true);
  if (edits) return edits;
  if (names.length === 0) return makeVerdict('allow', 'no-risk', `${shownWhat}, which lists no file guard keeps`, source);
  return makeVerdict('snapshot', 'edit-listed', `${shownWhat}: ${names.length} file${names.length > 1 ? 's' : ''} it may edit, none of them ignored, all in the snapshot taken first`, source);
}

/**
 * A deletion of the names a listing prints (`find . -name '*.tmp' | xargs rm -f`, `git ls-files
 * -z '*.orig' | xargs -0 rm`): judged as deleting that set, as `find -delete` is (judgeContents):
 * nothing guard keeps is allowed, tracked and untracked files snapshotted, the ignored ones that
 * are not regenerable output captured first, a protected path refused. Before 2026-12-05 an
 * `ask` whatever the set (a Claude prompt; a refusal for an agent without one). Undefined where
 * guard cannot judge by it; null while collecting.
 */
export function checkListedDelete(listed: NonNullable<Field['listed']>, cwd: string | null, display: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict | null | undefined {
  const gathered = listedContents(listed, cwd, `${options.verb} ${display}`, ctx, source, true);
  if (gathered === null || gathered === undefined || 'verdict' in gathered) return gathered;
  const { contents, names } = gathered;
  if (names.length === 0 && contents.ignored.length === 0) return makeVerdict('allow', 'no-risk', `${options.verb} ${display}, which lists nothing guard keeps`, source);
  return judgeContents(display, contents, true, true, ctx, source, { ...options, recursive: true });
}
