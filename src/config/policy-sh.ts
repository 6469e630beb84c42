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

type Token =
  | { t: 'lit'; ch: string; escaped: boolean }
  | { t: 'star' }
  | { t: 'qmark' }
  | { t: 'slash' }
  /** A bracket class: exactly one character. */
  | { t: 'class' }
  /** Braces, extglobs, groups: any text, so `*`. */
  | { t: 'group' }
  | { t: 'globstar' };

/** Index of the bracket that closes `open` at `from` (nesting counted), or -1. */
function closing(chars: string[], from: number, open: string, close: string): number {
  let depth = 0;
  for (let i = from; i < chars.length; i++) {
    if (chars[i] === '\\') i++;
    else if (chars[i] === open) depth++;
    else if (chars[i] === close && --depth === 0) return i;
  }
  return -1;
}

/** End of a `[...]` class starting at `from` (POSIX `[:alpha:]` inside counted), or -1. */
function classEnd(chars: string[], from: number): number {
  let i = from + 1;
  if (chars[i] === '!' || chars[i] === '^') i++;
  if (chars[i] === ']') i++; // a leading ] is a member
  for (; i < chars.length; i++) {
    if (chars[i] === '\\') i++;
    else if (chars[i] === '[' && chars[i + 1] === ':') {
      const end = chars.indexOf(']', i + 2);
      if (end < 0) return -1;
      i = end;
    } else if (chars[i] === ']') return i;
  }
  return -1;
}

function tokenize(glob: string): Token[] {
  const chars = [...glob];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    if (ch === '\\' && next !== undefined) {
      tokens.push({ t: 'lit', ch: next, escaped: true });
      i++;
      continue;
    }
    if ('@!+*?'.includes(ch) && next === '(') {
      const end = closing(chars, i + 1, '(', ')');
      if (end > 0) {
        tokens.push({ t: 'group' });
        i = end;
        continue;
      }
    }
    if (ch === '(' || ch === '{') {
      const end = closing(chars, i, ch, ch === '(' ? ')' : '}');
      if (end > 0) {
        tokens.push({ t: 'group' });
        i = end;
        continue;
      }
    }
    if (ch === '[') {
      const end = classEnd(chars, i);
      if (end > 0) {
        tokens.push({ t: 'class' });
        i = end;
        continue;
      }
    }
    if (ch === '*') tokens.push({ t: 'star' });
    else if (ch === '?') tokens.push({ t: 'qmark' });
    else if (ch === '/') tokens.push({ t: 'slash' });
    else tokens.push({ t: 'lit', ch, escaped: false });
  }
  // A `**` that is a whole path segment matches zero or more segments, slashes included.
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const atStart = i === 0 || tokens[i - 1]!.t === 'slash';
    let j = i;
    while (tokens[j]?.t === 'star') j++;
    const atEnd = j === tokens.length || tokens[j]!.t === 'slash';
    if (j - i >= 2 && atStart && atEnd) {
      out.push({ t: 'globstar' });
      i = j - 1;
    } else out.push(tokens[i]!);
  }
  return out;
}

/**
 * A `case` pattern that matches a superset of what the picomatch glob (dot: true) matches.
 * Literal characters stay; `*` and `?` stay (in `case` they also cross `/`, which only widens);
 * a bracket class becomes `?`; braces, extglobs and groups become `*`. A whole-segment `**` can
 * match nothing, slash included, so it becomes `*` and swallows one neighbouring slash:
 * `a/**` -> `a*` (it matches `a`), `**` + `/x` -> `*x`, `a/` + `**` + `/b` -> `a/*b`. Spaces become
 * `?` so the pattern survives word splitting.
 */
export function shCasePattern(glob: string): string {
  const tokens = tokenize(glob);
  const drop = new Set<number>();
  tokens.forEach((token, i) => {
    if (token.t !== 'globstar') return;
    if (tokens[i + 1]?.t === 'slash') drop.add(i + 1);
    else if (i === tokens.length - 1 && tokens[i - 1]?.t === 'slash') drop.add(i - 1);
  });
  let pattern = '';
  tokens.forEach((token, i) => {
    if (drop.has(i)) return;
    switch (token.t) {
      case 'lit':
        // Characters `case` would treat as pattern syntax can only be literal via an escape.
        pattern += token.ch === ' ' || '*?[]\\'.includes(token.ch) ? '?' : token.ch;
        break;
      case 'qmark':
      case 'class':
        pattern += '?';
        break;
      case 'slash':
        pattern += '/';
        break;
      default:
        pattern += '*';
    }
  });
  return pattern.replace(/\*{2,}/g, '*');
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

/**
 * `commonDir`: the repository's common git directory this policy.sh is written into. A copied or
 * moved repository carries policy.sh along, naming the original's .guard.yaml, whose mtime the
 * shim compares (an edit of the copy's own .guard.yaml went unseen: a commit deleting a path it
 * newly protects passed the shim's fast path); the shim takes the policy only where this
 * directory is its own (`test -ef`: same device and inode, whatever the spelling).
 */
export function renderPolicySh(policy: Policy, commonDir = ''): string {
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
  assign('GUARD_POLICY_COMMON_DIR', commonDir);
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
