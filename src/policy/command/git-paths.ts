/**
 * git's own path commands over guard's files and protected paths, for an agent. `rm .guard.yaml`
 * and `mv .claude x` were refused (guard-self, protected-path) while `git rm .guard.yaml`, `git rm
 * -r .claude`, `git mv .claude x`, `git checkout -- .claude` and `git restore --source=HEAD~1 .`
 * were allowed or a snapshot (found 2026-12-04 with guard's files committed, as teams do): an
 * agent could switch its own guard off, or delete `db/migrations/001.sql`, through git. Now each is
 * judged as its shell spelling is, by what git would actually do in this repository:
 *  - `git rm` (with or without -f, -r) deletes the tracked files its pathspecs match. `--cached`
 *    leaves the file on disk and is not judged here: the commit that would delete it from every
 *    clone is (git.ts commit, planned-refs.ts), as the pre-commit hook judges it;
 *  - `git mv` sources are judged as mv's are ("moves away ...": git.ts gitMv, checkMoveSource);
 *  - `git checkout [<tree-ish>] -- <pathspec>` and `git restore [--source=X] <pathspec>` rewrite
 *    or delete the files that differ from the source: refused only where one of guard's files or
 *    a protected path would actually change (`git checkout -- .` with guard's files as committed
 *    stays a snapshot). `git restore --staged` alone changes only the index: not judged here.
 * Only pathspecs that can cover such a file by their text are looked at: one of them, a directory
 * holding one, a wildcard or magic pathspec that may match one; a directory that only a `**`
 * protected glob can reach only where lstat finds a directory there. Then one git process over
 * those pathspecs (src/git/guarded-paths.ts). A person keeps today's verdicts.
 */
import type { Field } from './expand.js';
import { containsGuardFiles, guardFile, isStrictlyUnder, protectedGlob, protectedGlobsBelow, resolvePath } from './paths.js';
import { makeVerdict } from './rules.js';
import type { GuardedPathsQuery } from './state.js';
import { globRelPattern, guardFileMatchedBy, protectedGlobHit } from './targets.js';
import type { CommandContext, Verdict } from './types.js';

export interface GuardedPathsAsk {
  /** Where git runs (absolute). */
  cwd: string;
  /** The pathspecs as written (operands and those after `--`). */
  words: Field[];
  /** Directories count (git rm -r, git mv, checkout, restore); without, git rm refuses them. */
  recursive: boolean;
  diff?: GuardedPathsQuery['diff'];
  /** "git rm deletes", "git mv moves away", "git checkout -- . rewrites". */
  what: string;
  /** The way forward (`{file}` stands for the file found). */
  instead: string;
  /** Only guard's own files refuse (protected paths stay as they are: `git stash` keeps them in its entry). */
  ownOnly?: boolean;
  /** Only pathspecs whose text names such a file or a directory holding one (a lone `git checkout X`, most often a branch). */
  textOnly?: boolean;
  /**
   * What git does where `diff.from` is no revision it can resolve (`git checkout X a b`: then X is
   * a path too, and all come from the index); asked too, and refusing as well, only where the first
   * of its words, by its text, can cover such a file, so `git checkout HEAD~1 .` costs nothing more.
   */
  orElse?: Omit<GuardedPathsAsk, 'cwd' | 'orElse'>;
}

/** The pathspec (as git reads it) to look at for `field`, and whether only a directory there counts; null: it covers none. */
function specOf(field: Field, ask: GuardedPathsAsk, ctx: CommandContext): { spec: string; ifDir: boolean } | null {
  const root = ctx.repoRoot as string;
  if (field.glob && field.pattern !== null) {
    // The shell's wildcard: git sees the names bash gives it; `:(glob)` matches the same and dotfiles too (a superset).
    const rel = globRelPattern(field.pattern, ask.cwd, ctx);
    if (rel === null) return null;
    const hit = protectedGlobHit(rel, ctx, ask.recursive) ?? (ctx.isAgent ? guardFileMatchedBy(rel, ctx, ask.recursive) : null);
    return hit ? { spec: `:(glob)${field.pattern}`, ifDir: false } : null;
  }
  const value = field.value;
  if (value === null || value === '') return null;
  // git's own wildcards and magic (`'*.sql'`, `:(top)db`, `:!src`): git matches them across directories.
  if (value.startsWith(':') || /[*?[]/.test(value)) return { spec: value, ifDir: false };
  const abs = resolvePath(value, ask.cwd);
  if (abs === null) return null;
  if (abs !== root && !isStrictlyUnder(abs, root)) return null;
  const rel = abs === root ? '' : abs.slice(root.length + 1);
  if (guardFile(abs, ctx) || (rel !== '' && protectedGlob(rel, ctx))) return { spec: value, ifDir: false };
  if (!ask.recursive) return null;
  if (containsGuardFiles(abs, ctx)) return { spec: value, ifDir: false };
  let ifDir: boolean | null = null;
  for (const below of protectedGlobsBelow(rel, ctx)) {
    // A fixed part below this directory (`db/migrations` of `db/migrations/**` under `db`): it holds one if anything.
    if (below.base !== '' && (rel === '' || isStrictlyUnder(`${root}/${below.base}`, abs))) return { spec: value, ifDir: false };
    ifDir = true;
  }
  // Inside a protected glob's fixed part that a wildcard continues (`db/*/schema.sql` under `db/x`).
  for (const below of protectedGlobsBelow('', ctx)) {
    if (below.isGlob && below.base !== '' && isStrictlyUnder(abs, `${root}/${below.base}`)) ifDir = true;
  }
  return ifDir ? { spec: value, ifDir: true } : null;
}

/**
 * The deny for an agent's git path command that would take away or change one of guard's files or
 * a protected path, naming the first; null for a person, while collecting (the query is noted),
 * where no pathspec can cover one, where none would change, or where git cannot be asked.
 */
export function judgeGuardedPaths(ask: GuardedPathsAsk, ctx: CommandContext, source: string, here: () => boolean = () => true): Verdict | null {
  const view = ctx.view;
  if (!ctx.isAgent || !view || view.mode === 'text' || !ctx.repoRoot) return null;
  const specsOf = (one: Omit<GuardedPathsAsk, 'orElse'>): GuardedPathsQuery['specs'] => {
    const specs: GuardedPathsQuery['specs'] = [];
    for (const field of one.words) {
      const spec = specOf(field, one, ctx);
      if (spec && !(spec.ifDir && one.textOnly)) specs.push(spec);
    }
    return specs;
  };
  const specs = specsOf(ask);
  const first = ask.orElse?.words[0] ? specOf(ask.orElse.words[0], { ...ask.orElse, cwd: ask.cwd }, ctx) : null;
  const orElse = ask.orElse && first && !first.ifDir ? { ...ask.orElse, cwd: ask.cwd } : null;
  // git runs in a submodule or nested repository inside this one: not this repository's files.
  if ((specs.length === 0 && !orElse) || !here()) return null;
  const answer = (one: Omit<GuardedPathsAsk, 'orElse'>, oneSpecs: GuardedPathsQuery['specs']): string[] | null => (oneSpecs.length === 0 ? [] : view.guardedPaths({ cwd: one.cwd, specs: oneSpecs, ...(one.diff ? { diff: one.diff } : {}) }));
  // Both readings where X's text names such a file (it is then hardly a revision): either one refuses.
  const readings: Array<[Omit<GuardedPathsAsk, 'orElse'>, string[] | null]> = [[ask, answer(ask, specs)]];
  if (orElse) readings.push([orElse, answer(orElse, specsOf(orElse))]);
  for (const [used, files] of readings) {
    for (const file of files ?? []) {
      const text = Buffer.from(file, 'latin1').toString('utf8');
      const own = guardFile(`${ctx.repoRoot}/${text}`, ctx);
      if (own) return makeVerdict('deny', 'guard-self', `${used.what} ${own}, which configures guard or an agent's hooks (an agent could switch its own guard off this way)`, source, used.instead.replaceAll('{file}', text));
      if (used.ownOnly) continue;
      const glob = protectedGlob(text, ctx);
      if (glob) return makeVerdict('deny', 'protected-path', `${used.what} ${text}, a protected path (matches "${glob}")`, source, used.instead);
    }
  }
  return null;
}
