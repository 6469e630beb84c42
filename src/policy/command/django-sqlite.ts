/**
 * The file name of a Django project's SQLite database where it is not named like one. A migration
 * command (`manage.py flush`, `migrate APP 0001`, `loaddata` ...) captures the repository's ignored
 * files named like a database first (databases.ts: `*.db*`, `*.sqlite*`, `*.duckdb*`). Wagtail's
 * bakerydemo names its database `bakerydemodb` (`"NAME": os.path.join(BASE_DIR,
 * os.environ.get("DATABASE_NAME", "bakerydemodb"))`, ignored): `./manage.py flush --noinput`
 * emptied it with "no destructive command found" (friction hunt of 2026-12-07). Here the settings
 * module manage.py names (or `--settings`, or DJANGO_SETTINGS_MODULE on the line) is read, with
 * the modules it star-imports (`from .base import *`), and the NAME of a `django.db.backends.sqlite3`
 * database gives the file's name: the string literals of NAME's expression that are not an
 * environment variable's name (`DATABASE_NAME`), their last path segment. File reads only (the
 * state view), no git process; the name then costs the one name query every other pattern costs.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { fnmatchRegExp } from './fnmatch.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';

/** Settings modules read at most: the one named and what it star-imports (dev -> base). */
const MODULES_READ = 4;

/** A Python string literal's text (`'x'`, `"x"`, `r"x"`). */
const PY_STRING = /(?<!\w)(?:[rRuU])?(['"])((?:(?!\1)[^\\\n]|\\.)*)\1/g;

/** The file names (last segments) a project's Django settings give its SQLite database, not matched by `covered`. */
export function djangoSqliteNames(inv: Invocation, args: Field[], rt: Runtime, script: string | undefined, covered: readonly string[]): string[] {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text') return [];
  const manage = resolvePath(script ?? 'manage.py', inv.cwd);
  if (manage === null) return [];
  const root = path.posix.dirname(manage);
  let module: string | null | undefined = settingsOption(args);
  if (module === undefined) module = inv.env.has('DJANGO_SETTINGS_MODULE') ? (inv.env.get('DJANGO_SETTINGS_MODULE') ?? null) : undefined;
  if (module === undefined) {
    const found = view.file({ dir: root, name: path.posix.basename(manage), up: false });
    if (!found || found === 'missing') return [];
    module = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(found.text)?.[1];
  }
  const names = new Set<string>();
  const queue: string[] = module && /^[\w.]+$/.test(module) ? [module] : [];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MODULES_READ) {
    const current = queue.shift() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    const base = `${root}/${current.replace(/\./g, '/')}`;
    let found = view.file({ dir: path.posix.dirname(base), name: `${path.posix.basename(base)}.py`, up: false });
    const isPackage = found === 'missing';
    if (isPackage) found = view.file({ dir: base, name: '__init__.py', up: false });
    if (!found || found === 'missing') continue;
    for (const name of sqliteNames(found.text)) names.add(name);
    // `from .base import *`, `from project.settings.base import *`: read too (relative to the module's package).
    const pkg = isPackage ? current : current.split('.').slice(0, -1).join('.');
    for (const m of found.text.matchAll(/^from\s+(\.?[\w.]+)\s+import\s+\*/gm)) {
      const target = m[1] as string;
      if (target.startsWith('..')) continue;
      queue.push(target.startsWith('.') ? (pkg ? `${pkg}${target}` : target.slice(1)) : target);
    }
  }
  const matchers = covered.map((pattern) => fnmatchRegExp(pattern, false));
  return [...names].filter((name) => !matchers.some((re) => re?.test(name)));
}

/** `--settings=X` or `--settings X`: X (null where guard cannot see it); undefined where absent. */
function settingsOption(args: Field[]): string | null | undefined {
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === '--settings') return args[i + 1]?.value ?? null;
    if (value?.startsWith('--settings=')) return value.slice('--settings='.length);
  }
  return undefined;
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
