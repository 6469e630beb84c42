/**
 * bash's pattern matching (`*`, `?`, bracket expressions, backslash escapes) as a RegExp over a
 * whole string, exact or null: for pathname expansion of one path part (util/shell-glob.ts) and
 * for `${name%pattern}` and its kind (policy/command/expand.ts). Strings are escaped text
 * (util/escaped-text.ts): a byte that is not UTF-8 is one character, as bash's `?` takes it.
 * Null for what it does not model: POSIX classes (`[[:alpha:]]`), equivalence classes,
 * extglob-looking parentheses, a reversed range.
 */

function regexLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function classLiteral(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}

/** One part of the pattern as a RegExp over a whole name; null where not exact. */
export function partRegExp(part: string): RegExp | null {
  const chars = Array.from(part);
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\') {
      i++;
      out += regexLiteral(chars[i] ?? '\\');
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    // `@(a|b)` and its kind: extglob, which bash leaves off in scripts; not modelled.
    else if (c === '(' && i > 0 && '?*+@!'.includes(chars[i - 1] as string)) return null;
    else if (c === '[') {
      let j = i + 1;
      let negate = false;
      if (chars[j] === '!' || chars[j] === '^') {
        negate = true;
        j++;
      }
      const items: string[] = [];
      let closed = false;
      for (let first = true; j < chars.length; j++, first = false) {
        let d = chars[j] as string;
        if (d === ']' && !first) {
          closed = true;
          break;
        }
        if (d === '[' && /[:=.]/.test(chars[j + 1] ?? '')) return null;
        if (d === '\\') d = chars[++j] ?? '\\';
        if (chars[j + 1] === '-' && chars[j + 2] !== undefined && chars[j + 2] !== ']') {
          let to = chars[j + 2] as string;
          let skip = 2;
          if (to === '\\') {
            to = chars[j + 3] ?? '\\';
            skip = 3;
          }
          if ((to.codePointAt(0) as number) < (d.codePointAt(0) as number)) return null;
          items.push(`${classLiteral(d)}-${classLiteral(to)}`);
          j += skip;
          continue;
        }
        items.push(classLiteral(d));
      }
      if (!closed) out += '\\[';
      else {
        out += `[${negate ? '^' : ''}${items.join('')}]`;
        i = j;
      }
    } else out += regexLiteral(c);
  }
  try {
    return new RegExp(`^${out}$`, 'u');
  } catch {
    return null;
  }
}

