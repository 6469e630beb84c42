/**
 * A `.env` file's variables, read the way the dotenv loaders of Laravel (vlucas/phpdotenv),
 * Symfony (symfony/dotenv) and Node's dotenv read the common shape: `KEY=VALUE`, `export KEY=VALUE`,
 * a value in single quotes (literal), double quotes (escapes, `${OTHER}`), or bare (up to an
 * unquoted ` #`), `#` comment lines. A `${OTHER}` or `$OTHER` reference is resolved from the
 * variables before it in the same file (and `outer`, the line's own); what guard cannot resolve
 * (a name set nowhere it can see, a command substitution `$(...)`) stands in the value as UNKNOWN,
 * so that a URL's scheme is still read where only its password is `${DB_PASSWORD}`.
 * Used to tell which database a framework command talks to (server-frameworks-php.ts); only the
 * names asked for matter, so a line guard cannot parse is skipped rather than failing the file.
 */

/** Stands for a part of a value guard cannot know. */
export const UNKNOWN = '\u0000';

/** The value where all of it is known, else null. */
export const whole = (value: string | undefined): string | null | undefined => (value === undefined ? undefined : value.includes(UNKNOWN) ? null : value);

/** The variables a dotenv text sets, later lines over earlier ones (UNKNOWN in what guard cannot know). */
export function parseDotenv(text: string, outer: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const vars = new Map<string, string>();
  const lookup = (name: string): string | undefined => (vars.has(name) ? vars.get(name) : outer.get(name));
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    let rest = m[2] as string;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // a quoted value may span lines
      let body = rest.slice(1);
      let close = closingQuote(body, quote);
      while (close === -1 && i + 1 < lines.length) {
        body += `\n${lines[++i]}`;
        close = closingQuote(body, quote);
      }
      if (close === -1) continue;
      rest = body.slice(0, close);
      vars.set(name, quote === "'" ? rest : expand(unescape(rest), lookup));
    } else {
      const bare = rest.replace(/\s+#.*$/, '').trim();
      vars.set(name, expand(bare, lookup));
    }
  }
  return vars;
}

function closingQuote(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (body[j] === '\\' && quote === '"') j++;
    else if (body[j] === quote) return j;
  }
  return -1;
}

function unescape(value: string): string {
  return value.replace(/\\([\\"nrt$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

/** `${NAME}`, `${NAME:-default}` and `$NAME` from what is known; a command substitution or an unknown name: UNKNOWN. */
function expand(value: string, lookup: (name: string) => string | undefined): string {
  return value.replace(/\$\([^)]*\)?/g, UNKNOWN).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const known = lookup((braced ?? bare) as string);
    if (known === undefined && fallback !== undefined) return fallback;
    return known ?? UNKNOWN;
  });
}
