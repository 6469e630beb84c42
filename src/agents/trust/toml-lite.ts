/**
 * Reads the few things guard needs from an agent's TOML config (Codex's `config.toml`): tables by
 * their dotted header path (`[hooks.state."<key>"]`, `[projects."<path>"]`) and their string and
 * boolean values, also written as inline tables (`"<key>" = { trusted_hash = "…" }`). Not a TOML
 * parser: anything it does not understand is skipped, and callers treat "not found" as "not
 * trusted", which can only make guard report a problem, never hide one.
 */
export type TomlScalar = string | boolean | number;
export type TomlTables = Map<string, Map<string, TomlScalar>>;

/** A header or dotted key, split on dots outside quotes, each part unquoted. */
function splitKey(text: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i] as string;
      const { value, end } = readString(s, i, quote);
      if (end < 0) return null;
      parts.push(value);
      i = end;
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!match) return null;
      parts.push(match[0]);
      i += match[0].length;
    }
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    if (s[i] !== '.') return null;
    i++;
  }
  return parts;
}

/** A basic ("…", with escapes) or literal ('…') string starting at `start`; end is past the closing quote, -1 if none. */
function readString(s: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i] as string;
    if (c === quote) return { value, end: i + 1 };
    if (quote === '"' && c === '\\') {
      const next = s[i + 1];
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
      if (next === 'u' || next === 'U') {
        const len = next === 'u' ? 4 : 8;
        value += String.fromCodePoint(parseInt(s.slice(i + 2, i + 2 + len), 16));
        i += 1 + len;
      } else {
        value += map[next ?? ''] ?? '';
        i++;
      }
      continue;
    }
    value += c;
  }
  return { value, end: -1 };
}

function readScalar(text: string): TomlScalar | undefined {
  const t = text.trim();
  if (t.startsWith('"') || t.startsWith("'")) {
    const { value, end } = readString(t, 0, t[0] as string);
    return end < 0 ? undefined : value;
  }
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  return undefined;
}

/** Splits `a = "x", b = true` on commas outside strings. */
function splitInline(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out.filter((p) => p.trim() !== '');
}

/** Position of the `=` of a `key = value` line (outside quoted key parts), -1 if none. */
function equalsAt(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return i;
  }
  return -1;
}

const joinPath = (parts: string[]): string => JSON.stringify(parts);

function put(tables: TomlTables, table: string[], key: string[], value: TomlScalar): void {
  const full = [...table, ...key];
  const name = joinPath(full.slice(0, -1));
  const entries = tables.get(name) ?? new Map<string, TomlScalar>();
  entries.set(full[full.length - 1] as string, value);
  tables.set(name, entries);
}

export function readTomlTables(text: string): TomlTables {
  const tables: TomlTables = new Map();
  let current: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const header = /^\[\[?(.*?)\]\]?\s*(#.*)?$/.exec(line);
      const parts = header ? splitKey(header[1] as string) : null;
      current = parts ?? ['\u0000unreadable'];
      continue;
    }
    const eq = equalsAt(line);
    if (eq < 0) continue;
    const key = splitKey(line.slice(0, eq));
    if (!key || key.length === 0) continue;
    const rest = line.slice(eq + 1).trim().replace(/\s+#[^"']*$/, '');
    if (rest.startsWith('{') && rest.endsWith('}')) {
      for (const pair of splitInline(rest.slice(1, -1))) {
        const at = equalsAt(pair);
        const inner = at < 0 ? null : splitKey(pair.slice(0, at));
        const value = at < 0 ? undefined : readScalar(pair.slice(at + 1));
        if (inner && value !== undefined) put(tables, [...current, ...key], inner, value);
      }
      continue;
    }
    const value = readScalar(rest);
    if (value !== undefined) put(tables, current, key, value);
  }
  return tables;
}

/** The values of one table, by its path (`['hooks', 'state', '<key>']`). */
export function tomlTable(tables: TomlTables, ...path: string[]): Map<string, TomlScalar> | undefined {
  return tables.get(joinPath(path));
}
