/**
 * `git mv -f`: what it replaces. git renames each source over what stands where it lands (a file
 * or a symbolic link; a directory there makes it refuse), so an ignored file there (`.env`) was
 * gone for good while guard allowed the command (found 2026-12-04: `git mv -f src/a.js .env`
 * left a.js's bytes in .env). Checked against git 2.39 by running it (builtin/mv.c reads the same):
 *  - without -f, or with -n, git replaces nothing (it refuses "destination exists"); -k only skips
 *    the sources git refuses, so -k with -f replaces the same;
 *  - the destination is a directory when lstat says so (`lnk` to a directory is replaced itself,
 *    `lnk/` is followed), then each source lands at `dest/<its name>`; otherwise one source lands
 *    at the destination itself and several make git refuse;
 *  - a source directory is refused over anything that exists, so only file (and symlink) sources
 *    replace; two sources of one name into one directory replace what is there in turn;
 *  - paths are read from where git runs (`cd src && git mv -f a.js ../.env`).
 * What is replaced is judged by what the path-facts listing says of the entry itself, the one
 * listing every path of the line shares (state.ts 'entry': nothing under a directory is listed):
 * an ignored file that is not regenerable output is captured first (overwrite-ignored, as for
 * `mv`), a tracked or untracked file takes a snapshot first (git-mv-force), a file of a nested
 * repository or one outside the repository through a symbolic link is refused. Sources named by
 * a glob into a directory are judged by what the landing pattern matches there (the glob listing).
 */
import path from 'node:path';
import { knownField, type Field } from './expand.js';
import { classifyPath, displayPath, resolvePath } from './paths.js';
import { makeVerdict, opaqueKind } from './rules.js';
import { checkMoveSource, checkWriteTarget, checkWriteText, globRelPattern, leavesRepository, listNames, movesOut, replacesIgnored } from './targets.js';
import { checkWriteGlob } from './write-targets.js';
import type { CommandContext, Verdict } from './types.js';

/**
 * The verdicts for `git mv -f WORDS` run in `cwd` (this repository, seen through ctx.view): one
 * for each place a source lands on something guard must keep first. While collecting, every path
 * the judgement may need is noted and nothing is returned.
 */
export function judgeGitMv(words: Field[], cwd: string, ctx: CommandContext, source: string): Verdict[] {
  const view = ctx.view;
  const dest = words[words.length - 1];
  const sources = words.slice(0, -1);
  if (!view || !dest || sources.length === 0) return [];
  const opaque = (reason: string): Verdict => makeVerdict(opaqueKind(ctx.isAgent), 'opaque-command', reason, source);
  const destAbs = dest.value === null || dest.glob ? null : resolvePath(dest.value, cwd);
  if (dest.value === null || destAbs === null) return [opaque(`git mv -f moves into ${dest.display}, a path guard cannot know before the command runs`)];
  const slash = dest.value.endsWith('/');
  // One source and no trailing slash: the destination itself may be what is replaced.
  const single = sources.length === 1 && !slash;
  const destFacts = view.path(destAbs, single ? 'entry' : false);
  const collecting = view.collecting;
  // git's lstat of the destination as written: `lnk/` follows the link, `lnk` does not.
  const intoDir = destFacts !== null && (destFacts.isDir || (slash && destFacts.followedIsDir));
  const isDirSource = (field: Field): boolean => {
    const abs = field.value === null || field.glob ? null : resolvePath(field.value, cwd);
    return abs !== null && view.path(abs, false)?.isDir === true;
  };
  const verdicts: Verdict[] = [];
  const add = (verdict: Verdict | null): void => {
    if (verdict) verdicts.push(verdict);
  };
  if (collecting || intoDir) {
    for (const field of sources) {
      const name = field.value === null ? null : path.posix.basename(field.value.replace(/\/+$/, ''));
      const globName = field.glob && field.pattern !== null ? path.posix.basename(field.pattern.replace(/\/+$/, '')) : null;
      if (globName !== null && /[*?[]/.test(globName)) {
        // `git mv -f src/*.js lib/`: the shell's names land as lib/<name>; what the same pattern
        // matches in lib/ now (a superset of what is replaced) is judged by the glob listing.
        add(replaceGlob(`${escapeGlob(dest.value.replace(/\/+$/, ''))}/${globName}`, cwd, ctx, source, `git mv -f moves ${field.display} into ${dest.display}`));
        continue;
      }
      if (name === null) {
        if (!collecting) add(opaque(`git mv -f moves ${field.display} into ${dest.display}, a name guard cannot know before the command runs: it may replace an ignored file there`));
        continue;
      }
      // A directory is never renamed over what exists there: git refuses.
      if (isDirSource(field)) continue;
      add(replaceEntry(path.posix.join(destAbs, name), ctx, source, `git mv -f moves ${field.display} into ${dest.display}`));
    }
  }
  if (single && (collecting || (destFacts !== null && !intoDir))) {
    const only = sources[0] as Field;
    if (!isDirSource(only)) add(replaceEntry(destAbs, ctx, source, `git mv -f moves ${only.display} to ${dest.display}`));
  }
  return verdicts;
}

/**
 * Where `git mv SRC... DEST` puts its sources, judged for an agent as `mv`'s destination is
 * (files.ts classifyCopy: the destination, then each `DEST/<source's name>`), by the same check
 * (checkWriteTarget) read from the text alone: a protected path, guard's own files or .git are
 * refused (`git mv notes.md .github/workflows/new.yml` and `git mv x.sql db/migrations/` were
 * allowed where `mv` of the same is denied). No path is looked up, so no git process: without -f
 * git replaces nothing, and -f's replacements are judgeGitMv's. A destination guard cannot know
 * is refused as mv's is (opaque). A person's `git mv` is judged as before.
 */
export function judgeGitMvDest(words: Field[], cwd: string, ctx: CommandContext, source: string, force: boolean): Verdict[] {
  const dest = words[words.length - 1];
  if (!ctx.isAgent || !dest || words.length < 2) return [];
  const what = `git mv${force ? ' -f' : ''} moves`;
  const verdicts: Verdict[] = [];
  const into = checkWriteTarget(dest, cwd, ctx, source, `${what} into ${dest.display}`, { textOnly: true });
  if (into) verdicts.push(into);
  if (dest.value === null || dest.glob) return verdicts;
  for (const field of words.slice(0, -1)) {
    if (field.value === null || field.glob) continue;
    const landing = path.posix.join(dest.value, path.posix.basename(field.value.replace(/\/+$/, '')));
    const verdict = checkWriteTarget(knownField(landing), cwd, ctx, source, `${what} ${field.display} to ${displayPath(resolvePath(landing, cwd) ?? landing, ctx)}`, { textOnly: true });
    if (verdict?.verdict === 'deny') verdicts.push(verdict);
  }
  return verdicts;
}

/**
 * `git mv SRC... lnk/` where lnk is a symbolic link leading out of the repository: git refuses a
 * destination outside the repository by its text ("'../x' is outside repository", git 2.39), but
 * follows a link written with a slash and puts the sources there (`RD src/a.js -> lnk/a.js`, the
 * file outside). As for `mv`, that deletes each source from the repository (an unstaged change is
 * then only outside, where the next move onto the same name overwrites it): each is judged as
 * checkMoveSource judges a move out (a snapshot first, protected paths refused). Only a
 * destination written inside the repository with a trailing slash is looked at (one lstat while
 * collecting, no git process); -n moves nothing.
 */
export function judgeGitMvOut(words: Field[], cwd: string, ctx: CommandContext, source: string): Verdict[] {
  const dest = words[words.length - 1];
  if (!dest || words.length < 2 || dest.value === null || dest.glob || !dest.value.endsWith('/')) return [];
  const abs = resolvePath(dest.value, cwd);
  if (abs === null || classifyPath(abs, ctx).kind !== 'inside') return [];
  // While collecting, whether the link leads out is not known yet: the sources are noted with it,
  // so that once it is they are judged by what they hold, not by their text.
  if (ctx.view?.collecting) {
    movesOut(dest, cwd, ctx);
    for (const field of words.slice(0, -1)) checkMoveSource(field, cwd, ctx, source, dest.display);
    return [];
  }
  if (!movesOut(dest, cwd, ctx)) return [];
  const verdicts: Verdict[] = [];
  for (const field of words.slice(0, -1)) {
    const verdict = checkMoveSource(field, cwd, ctx, source, dest.display);
    if (verdict) verdicts.push(verdict);
  }
  return verdicts;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Sources named by a glob landing in a directory: the ignored files the landing pattern matches
 * there are captured first (checkWriteGlob, the listing `rm -f *.log` uses), tracked or untracked
 * ones take a snapshot first. Null while collecting (the pattern is noted) or where nothing matches.
 */
function replaceGlob(pattern: string, cwd: string, ctx: CommandContext, source: string, what: string): Verdict | null {
  const landing: Field = { value: pattern, display: pattern, glob: true, pattern, splittable: false };
  const edits = checkWriteGlob(landing, cwd, ctx, source, what);
  if (edits || !ctx.view?.resolved) return edits;
  const rel = globRelPattern(pattern, cwd, ctx);
  const matched = rel === null ? null : ctx.view.glob(rel);
  if (!matched || matched.tracked.length + matched.untracked.length === 0) return null;
  return makeVerdict('snapshot', 'git-mv-force', `${what}, which may replace the ${matched.tracked.length > 0 ? 'tracked' : 'untracked'} ${listNames([...matched.tracked, ...matched.untracked].map((f) => Buffer.from(f, 'latin1').toString('utf8')))} (restorable from the snapshot taken first)`, source);
}

/**
 * A rename landing on `abs`: the entry there (a file or a symbolic link, never followed) is
 * replaced. Null while collecting (noted), where nothing is there, or where a directory stands
 * (git refuses).
 */
function replaceEntry(abs: string, ctx: CommandContext, source: string, what: string): Verdict | null {
  const byText = checkWriteText(abs, ctx, source, what);
  if (byText || !ctx.view) return byText;
  const facts = ctx.view.path(abs, 'entry');
  if (!facts || !facts.exists || facts.isDir) return null;
  const shown = displayPath(abs, ctx);
  if (facts.located !== abs) {
    const there = checkWriteText(facts.located, ctx, source, `${what} (through a symbolic link, ${facts.located})`);
    if (there) return there;
    if (leavesRepository(abs, facts.located, ctx)) {
      return makeVerdict('deny', 'rm-outside-repo', `${what}: ${shown} is ${facts.located} through a symbolic link, outside the repository, where guard cannot restore what it replaces`, source);
    }
  }
  const contents = facts.locatedContents;
  if (!contents) return null;
  // Tracked and untracked first: for a name the index does not list one git status answers both
  // this and what is ignored (path-facts.ts); a tracked file is read from the index file alone.
  const tracked = contents.tracked.length > 0;
  const kept = tracked || contents.untracked.length > 0;
  const ignored = replacesIgnored(contents, ctx, source, what);
  if (ignored) return ignored;
  if (kept) return makeVerdict('snapshot', 'git-mv-force', `${what}, which replaces the ${tracked ? 'tracked' : 'untracked'} file ${shown} (restorable from the snapshot taken first)`, source);
  // git lists nothing there, yet a file is: one of a nested repository's (checked with git 2.39:
  // `git mv -f a.js inner/x` writes over the inner repository's x), which no snapshot holds.
  const inner = contents.insideRepository;
  if (inner) {
    return makeVerdict('deny', 'other-repository', `${what}, which replaces ${shown}, a file of ${Buffer.from(inner, 'latin1').toString('utf8')}, another git repository inside this one, whose files no snapshot of this one holds`, source);
  }
  return null;
}
