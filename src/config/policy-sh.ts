/**
 * Renders the compiled policy as sh variable assignments (`<commonDir>/guard/policy.sh`) for the
 * POSIX sh hook shims, which must answer the common case without starting Node.
 *
 * Safety: the file is sourced by `sh`, so every value is single-quoted (a `'` becomes `'\''`)
 * and nothing taken from .guard.yaml ever appears outside quotes, not even in a comment (a
 * newline in a comment would end it). Sourcing it executes nothing but assignments.
 *
 * GUARD_PROTECTED_BRANCHES and GUARD_PROTECTED_PATHS hold sh `case` patterns, separated by
 * spaces, each of which matches AT LEAST every name its glob matches (picomatch and `case`
 * differ: `case`'s `*` crosses `/`, and `**` / braces / extglobs do not exist there). They are a
 * sound prefilter: no pattern matches -> certainly not protected; a pattern matches -> ask Node
 * (`guard hook ...`), which decides exactly with policy.json. For the usual globs (`main`,
 * `release/*`) the pattern is the glob itself. Shims must iterate them with `set -f` so the
 * shell does not expand them against files.
 */
import { RULES, type Policy } from '../policy/schema.js';

/** Characters that make a glob more than a literal in picomatch (or that `case` would interpret). */
const GLOB_META = new Set(['*', '?', '[', ']', '{', '}', '(', ')', '!', '+', '@', '|', '\\']);

/**
 * A `case` pattern that matches a superset of what the picomatch glob matches: the literal text
 * before the first and after the last glob character, with `*` between. Slashes next to the
 * wildcard part are dropped because a `**` segment can match nothing (`a/**` matches `a`, and
 * `**` between two slashes matches `a/b`). Spaces become `?` so the pattern survives word
 * splitting.
 */
export function shCasePattern(glob: string): string {
  const chars = [...glob];
  const first = chars.findIndex((ch) => GLOB_META.has(ch));
  if (first < 0) return glob.replace(/ /g, '?');
  let last = first;
  chars.forEach((ch, i) => {
    if (GLOB_META.has(ch)) last = i;
  });
  const prefix = chars.slice(0, first).join('').replace(/\/+$/, '');
  const suffix = chars
    .slice(last + 1)
    .join('')
    .replace(/^\/+/, '');
  return `${prefix}*${suffix}`.replace(/ /g, '?');
}

/** Single-quotes a value for sh. Control characters other than newline and tab are dropped. */
export function shQuote(value: string): string {
  const clean = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return `'${clean.replace(/'/g, `'\\''`)}'`;
}

/** `protected-branch-delete` -> `PROTECTED_BRANCH_DELETE`. */
export function ruleVariable(ruleId: string): string {
  return ruleId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function patterns(globs: readonly string[]): string {
  return [...new Set(globs.map(shCasePattern))].join(' ');
}

export function renderPolicySh(policy: Policy): string {
  const lines = [
    '# git-guard compiled policy for the sh hook shims. Generated from .guard.yaml; do not edit:',
    '# guard rewrites it when .guard.yaml changes (`guard config compile` forces it).',
    '# GUARD_PROTECTED_* hold sh case patterns that match at least what the globs match: a match',
    '# means "ask guard", no match means "not protected". Iterate them with set -f.',
    '# A non-empty GUARD_CONFIG_ERROR means .guard.yaml is broken: hooks fail closed.',
  ];
  const assign = (name: string, value: string): void => {
    lines.push(`${name}=${shQuote(value)}`);
  };
  assign('GUARD_POLICY_FORMAT', String(policy.policyFormat));
  assign('GUARD_POLICY_SOURCE', policy.source);
  assign('GUARD_POLICY_HASH', policy.sourceHash ?? '');
  assign('GUARD_CONFIG_ERROR', policy.error ?? '');
  assign('GUARD_PROTECTED_BRANCHES', patterns(policy.protect.branches));
  assign('GUARD_PROTECTED_PATHS', patterns(policy.protect.paths));
  assign('GUARD_BACKUP_REMOTE', policy.backup.remote ?? '');
  for (const rule of RULES) {
    const modes = policy.rules[rule.id];
    assign(`GUARD_MODE_${ruleVariable(rule.id)}_HUMAN`, modes.human);
    assign(`GUARD_MODE_${ruleVariable(rule.id)}_AGENT`, modes.agent);
  }
  return `${lines.join('\n')}\n`;
}
