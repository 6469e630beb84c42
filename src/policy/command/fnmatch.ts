/**
 * find's pattern matching: fnmatch(3) as `-name`, `-path` and their case-insensitive forms use
 * it, without FNM_PATHNAME or FNM_PERIOD, so `*` and `?` also match `/` and a leading dot.
 * Translated to a RegExp only where the translation is exact; anything else (character classes
 * such as `[[:alpha:]]`, case folding of letters outside ASCII) answers null, and callers then
 * judge the command without it.
 */

const SPECIAL = /[\\^$.*+?()[\]{}|/-]/;

function literal(c: string): string {
  return SPECIAL.test(c) ? `\\${c}` : c;
}

/** The bracket expression starting at `pattern[start]` (a `[`): its RegExp class and where it ends; null when it is not exact. */
function bracket(pattern: string, start: number): { source: string; end: number } | 'literal' | null {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  const items: string[] = [];
  let first = true;
  for (; i < pattern.length; i++) {
    let c = pattern[i] as string;
    if (c === ']' && !first) return { source: `[${negate ? '^' : ''}${items.join('')}]`, end: i };
    first = false;
    if (c === '[' && /[:=.]/.test(pattern[i + 1] ?? '')) return null;
    if (c === '\\') {
      i++;
      c = pattern[i] ?? '\\';
    }
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      let to = pattern[i + 2] as string;
      let skip = 2;
      if (to === '\\') {
        to = pattern[i + 3] ?? '\\';
        skip = 3;
      }
      if (to < c) return null;
      items.push(`${literal(c)}-${literal(to)}`);
      i += skip;
      continue;
    }
    items.push(literal(c));
  }
  // No closing bracket: the `[` is an ordinary character.
  return 'literal';
}

/** find's match of `pattern` against a whole string, as a RegExp; null where not exact. */
export function fnmatchRegExp(pattern: string, icase: boolean): RegExp | null {
  // A byte that is not UTF-8 (escaped text: a lone surrogate, util/escaped-text.ts) has no case and matches only itself.
  if (icase && /[^\x00-\x7f\udc80-\udcff]/.test(pattern)) return null;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      i++;
      out += literal(pattern[i] ?? '\\');
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      const cls = bracket(pattern, i);
      if (cls === null) return null;
      if (cls === 'literal') out += '\\[';
      else {
        out += cls.source;
        i = cls.end;
      }
    } else out += literal(c);
  }
  try {
    return new RegExp(`^${out}$`, icase ? 'i' : '');
  } catch {
    return null;
  }
}

/**
 * The text before the first wildcard of a pattern, unescaped, and whether anything follows it:
 * what every string the pattern matches starts with.
 */
export function literalPrefix(pattern: string): { prefix: string; wild: boolean } {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' || c === '?' || c === '[') return { prefix, wild: true };
    if (c === '\\') {
      i++;
      prefix += pattern[i] ?? '\\';
    } else prefix += c;
  }
  return { prefix, wild: false };
}

/**
 * Could the pattern match `dir/` followed by anything? Exact when the pattern has no wildcard;
 * otherwise yes unless its literal prefix rules `dir/` out (an over-estimate, never an under-).
 */
export function couldMatchBelow(pattern: string, dir: string, icase: boolean): boolean {
  const fold = (s: string): string => (icase ? s.toLowerCase() : s);
  const { prefix, wild } = literalPrefix(pattern);
  const below = fold(`${dir}/`);
  const p = fold(prefix);
  if (!wild) return p.startsWith(below) && p.length > below.length;
  return p.startsWith(below) || below.startsWith(p);
}
