/**
 * Dotenv files as the tools guard reads them for the environment a command runs in: compose
 * (`.env`, `env_file:`; container-env.ts), Laravel (vlucas/phpdotenv) and Symfony
 * (symfony/dotenv; server-frameworks-php.ts). One reader of the common shape: `KEY=VALUE`,
 * `export KEY=VALUE`, `#` comment lines, a value in single quotes (literal), in double quotes
 * (`\"`, `\\`, `\$` escapes; may span lines) or bare (up to an unquoted ` #`); and one
 * interpolation of `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+x}`, `${VAR+x}`,
 * `${VAR:?e}`, `$$`. Only the names a check asks for matter, so a line guard cannot parse is
 * skipped rather than failing the file.
 */

/** Stands in a value for a part guard cannot know (interpolate's `mark`). */
export const UNKNOWN = '\u0000';

/** The value where all of it is known, else null (undefined stays undefined). */
export const whole = (value: string | undefined): string | null | undefined => (value === undefined ? undefined : value.includes(UNKNOWN) ? null : value);

export interface DotenvEntry {
  name: string;
  /** The value with its quotes removed and, in double quotes, its escapes read. */
  value: string;
  /** A single-quoted value is literal: not interpolated. */
  literal: boolean;
}

/** The assignments of a dotenv text, in order. */
export function dotenvEntries(text: string): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(lines[i] as string);
    if (!m) continue;
    const name = m[1] as string;
    const rest = m[2] as string;
    const quote = rest[0];
    if (quote !== "'" && quote !== '"') {
      entries.push({ name, value: rest.replace(/\s+#.*$/, '').trim(), literal: false });
      continue;
    }
    let body = rest.slice(1);
    let close = closingQuote(body, quote);
    while (close === -1 && i + 1 < lines.length) {
      body += `\n${lines[++i]}`;
      close = closingQuote(body, quote);
    }
    if (close === -1) continue; // never closed: not read
    const value = body.slice(0, close);
    entries.push(quote === "'" ? { name, value, literal: true } : { name, value: value.replace(/\\(["\\$])/g, '$1'), literal: false });
  }
  return entries;
}

function closingQuote(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '\\' && quote === '"') j++;
    else if (body[j] === quote) return j;
  }
  return -1;
}

/**
 * One value interpolated from `lookup` (a value, undefined for unset, null for unknown). Unknown
 * parts make the whole null, or with `mark` stand in it as UNKNOWN, so that a URL's scheme is
 * still read where only its password is `${DB_PASSWORD}`. A `${` of no form above (`${VAR[0]}`,
 * deeper nesting) is unknown too.
 */
export function interpolate(value: string, lookup: (name: string) => string | null | undefined, mark = false): string | null {
  let out = '';
  let unknown = false;
  const unknownPart = (): string => ((unknown = true), mark ? UNKNOWN : '');
  const re = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  let last = 0;
  const literal = (text: string): string => (text.includes('${') ? unknownPart() : text);
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    out += literal(value.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] === '$') {
      out += '$';
      continue;
    }
    const name = (m[2] ?? m[5]) as string;
    const op = m[3];
    const got = lookup(name);
    if (got === null) {
      out += unknownPart();
      continue;
    }
    const empty = got === undefined || (op?.startsWith(':') === true && got === '');
    const nested = (text: string): string => interpolate(text, lookup, mark) ?? unknownPart();
    if (op === undefined) out += got ?? '';
    else if (op.endsWith('-')) out += empty ? nested(m[4] ?? '') : (got as string);
    else if (op.endsWith('+')) out += empty ? '' : nested(m[4] ?? '');
    else out += got ?? ''; // `?`: compose stops where it is unset; what runs then is nothing
  }
  out += literal(value.slice(last));
  return unknown && !mark ? null : out;
}

/**
 * The variables a dotenv text sets as Laravel's and Symfony's loaders read them, later lines over
 * earlier ones, interpolated from the file and `outer` (UNKNOWN in what guard cannot know: a name
 * set in neither, which the process's environment may hold, and a command substitution `$(...)`,
 * which symfony/dotenv runs).
 */
export function parseDotenv(text: string, outer: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const vars = new Map<string, string>();
  // a name set neither in the file nor on the line may be in the process's environment: unknown
  const lookup = (name: string): string | null => vars.get(name) ?? outer.get(name) ?? null;
  for (const { name, value, literal } of dotenvEntries(text)) vars.set(name, literal ? value : (interpolate(value.replace(/\$\([^)]*\)?/g, UNKNOWN), lookup, true) as string));
  return vars;
}
