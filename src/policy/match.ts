/**
 * Does a policy protect this branch / this path, and which mode applies to this actor? Pure
 * (picomatch, `dot: true`: a dotfile is a file like any other). A policy that carries a config
 * error fails closed: every branch and every path counts as protected (see failClosedConfig in
 * schema.ts, which the compiled policy already holds; the check here keeps that true even for a
 * hand-made policy object).
 */
import type { Actor } from './actor.js';
import { isPlainText } from './command/paths.js';
import { picomatch } from './picomatch.js';
import { type ActorKind, type GuardConfig, type Mode, type RuleId, modeRank, ruleSpec } from './schema.js';

/** What the matchers need: a compiled Policy or a plain GuardConfig. */
export type MatchPolicy = Pick<GuardConfig, 'protect' | 'rules'> & { error?: string | null };

type Matcher = (input: string) => boolean;

const compiled = new WeakMap<readonly string[], Array<{ glob: string; test: Matcher }>>();

/**
 * Each glob compiled on its first test, so `main` is answered without picomatch (its load costs
 * the agent hook 10-30 ms) when an earlier plain name already matched.
 */
function matchersFor(globs: readonly string[]): Array<{ glob: string; test: Matcher }> {
  let list = compiled.get(globs);
  if (!list) {
    list = globs.map((glob) => {
      let test: Matcher | undefined;
      return { glob, test: (input: string) => (test ??= compileGlob(glob))(input) };
    });
    compiled.set(globs, list);
  }
  return list;
}

/**
 * Compiles one glob the way every matcher here does (throws on a glob picomatch cannot compile).
 * The bare regular expression: twice as fast as picomatch's matcher function, and without its
 * "input equals the glob text" shortcut, so `a[1].txt` means the class, as sh `case` reads it.
 */
export function compileGlob(glob: string): Matcher {
  // Text without glob syntax means itself (as the regular expression would).
  if (isPlainText(glob)) return (input: string) => input === glob;
  const made = picomatch().makeRe(glob, { dot: true });
  // dotAll: picomatch writes `**` with `.`, which would not match a CR or LF inside a file name.
  const re = made.flags.includes('s') ? made : new RegExp(made.source, `${made.flags}s`);
  return (input: string) => re.test(input);
}

const HEADS = 'refs/heads/';

/** `refs/heads/main` -> `main`; a plain name stays; other refs (tags, remotes) -> null. */
export function branchName(refOrName: string): string | null {
  if (refOrName.startsWith(HEADS)) return refOrName.slice(HEADS.length);
  if (refOrName.startsWith('refs/')) return null;
  return refOrName;
}

/** The protected-branch glob that matches, or null. `refOrName`: `main` or `refs/heads/main`. */
export function protectingBranchGlob(policy: MatchPolicy, refOrName: string): string | null {
  const name = branchName(refOrName);
  if (name === null || name === '') return null;
  if (policy.error) return '**';
  return matchersFor(policy.protect.branches).find((m) => m.test(name))?.glob ?? null;
}

export function isProtectedBranch(policy: MatchPolicy, refOrName: string): boolean {
  return protectingBranchGlob(policy, refOrName) !== null;
}

/** Repository-relative path in the form the globs expect (no leading `./`, `/` separators). */
export function normalizeRepoPath(path: string): string {
  let out = path.replace(/\\/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  return out.replace(/\/{2,}/g, '/').replace(/\/$/, '');
}

/** The protected-path glob that matches `path` (relative to the repository root), or null. */
export function protectingPathGlob(policy: MatchPolicy, path: string): string | null {
  const normalized = normalizeRepoPath(path);
  if (normalized === '') return null;
  if (policy.error) return '**';
  return matchersFor(policy.protect.paths).find((m) => m.test(normalized))?.glob ?? null;
}

export function isProtectedPath(policy: MatchPolicy, path: string): boolean {
  return protectingPathGlob(policy, path) !== null;
}

/** The mode of a rule for an actor. With a config error, rules that protect data are enforced. */
export function modeFor(policy: MatchPolicy, ruleId: RuleId, actor: Actor | ActorKind): Mode {
  const kind = typeof actor === 'string' ? actor : actor.kind;
  const spec = ruleSpec(ruleId);
  if (policy.error && spec.protectsData) return 'enforce';
  const modes = policy.rules[ruleId] ?? spec.defaults;
  if (kind === 'human') return modes.human;
  // Validation already rejects a looser agent mode; this keeps the invariant for any policy object.
  return modeRank(modes.agent) >= modeRank(modes.human) ? modes.agent : modes.human;
}
