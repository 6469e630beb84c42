/**
 * The file name of a Django project's SQLite database where it is not named like one. A migration
 * command (`manage.py flush`, `migrate APP 0001`, `loaddata` ...) captures the repository's ignored
 * files named like a database first (databases.ts: `*.db*`, `*.sqlite*`, `*.duckdb*`). Wagtail's
 * bakerydemo names its database `bakerydemodb` (`"NAME": os.path.join(BASE_DIR,
 * os.environ.get("DATABASE_NAME", "bakerydemodb"))`, ignored): `./manage.py flush --noinput`
 * emptied it with "no destructive command found" (friction hunt of 2026-12-07). Here the settings
 * module manage.py names (or `--settings`, or DJANGO_SETTINGS_MODULE on the line) is read, through
 * the modules it star-imports (`from .base import *`: server-frameworks.ts djangoSettings), and the NAME of a `django.db.backends.sqlite3`
 * database gives the file's name: the string literals of NAME's expression that are not an
 * environment variable's name (`DATABASE_NAME`), their last path segment. File reads only (the
 * state view), no git process; the name then costs the one name query every other pattern costs.
 */
import type { Field } from './expand.js';
import { fnmatchRegExp } from './fnmatch.js';
import type { Invocation, Runtime } from './runtime.js';
import { djangoSettings } from './server-frameworks.js';

/** A Python string literal's text (`'x'`, `"x"`, `r"x"`). */
const PY_STRING = /(?<!\w)(?:[rRuU])?(['"])((?:(?!\1)[^\\\n]|\\.)*)\1/g;

/**
 * The file names (last segments) a project's Django settings give its SQLite database, not
 * matched by `covered`: of the settings module that says which database (server-frameworks.ts
 * djangoSettings, which follows `from .base import *`). `script`: the manage.py run; undefined
 * for `django-admin` / `python -m django`.
 */
export function djangoSqliteNames(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined, covered: readonly string[]): string[] {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text') return [];
  const settings = djangoSettings(inv, args, rt, script);
  if (settings === null) return [];
  const matchers = covered.map((pattern) => fnmatchRegExp(pattern, false));
  return [...new Set(sqliteNames(settings.text))].filter((name) => !matchers.some((re) => re?.test(name)));
}

/** The names a settings file's SQLite databases are given: each NAME expression after a sqlite3 ENGINE. */
function sqliteNames(text: string): string[] {
  if (!/django\.db\.backends\.sqlite3/.test(text)) return [];
  const names: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const at = /['"]NAME['"]\s*:\s*(.*)$/.exec(lines[i] as string);
    if (!at) continue;
    // Only a NAME within a few lines of a sqlite3 ENGINE (the same dict).
    const near = lines.slice(Math.max(0, i - 6), i + 7).join('\n');
    if (!/django\.db\.backends\.sqlite3/.test(near)) continue;
    let expr = at[1] as string;
    for (let j = i + 1; j < lines.length && (expr.match(/[([{]/g)?.length ?? 0) > (expr.match(/[)\]}]/g)?.length ?? 0); j++) expr += ` ${lines[j] as string}`;
    for (const m of expr.matchAll(PY_STRING)) {
      const literal = m[2] as string;
      // An environment variable's name (`os.environ.get("DATABASE_NAME", ...)`), an in-memory database, a glob: not a file's name.
      if (/^[A-Z][A-Z0-9_]*$/.test(literal) || literal === '' || literal.includes(':memory:') || /[*?[\]\\]/.test(literal)) continue;
      const name = literal.replace(/\/+$/, '').split('/').pop();
      if (name && name !== '.' && name !== '..') names.push(name);
    }
  }
  return names;
}
