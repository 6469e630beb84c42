/**
 * A Laravel project's own artisan commands (`php artisan app:reset`), read from their source:
 * the class in app/Console/Commands/*.php whose `$signature` (or `$name`) starts with the
 * command's name, and the closure commands of routes/console.php (`Artisan::command('app:wipe',
 * function () { ... })`, the call's whole text). Until 2026-12-07 only Laravel's own
 * `migrate:fresh`, `db:wipe` ... were judged (server-frameworks-php.ts), so a project's `app:reset`
 * that runs `$this->call('migrate:fresh')` or `User::truncate()` was "no destructive command
 * found". Judged as Django's project commands are (django-commands.ts):
 *
 * - `delete`: `$this->call('migrate:fresh'|'db:wipe'|'migrate:reset'|'migrate:refresh')` (also
 *   `callSilent(ly)`, `Artisan::call`), `->delete()`, `truncate()`, `forceDelete()`,
 *   `Schema::drop`, SQL that drops, truncates or deletes;
 * - `write`: `migrate`, `db:seed`, `::create(`, `->save()`, `->update(`, `->insert(`,
 *   `updateOrCreate(` ...;
 * - the project's own commands it calls followed, COMMAND_DEPTH deep;
 * - the methods it calls on the project's own classes (koel's `koel:prune`:
 *   `$this->libraryManager->prune()`, LibraryManager injected by the constructor, whose `prune`
 *   runs `$albumQuery->delete()`): a variable or property typed with a class (a constructor's or
 *   handle()'s parameter, Laravel injects them), one set from `new X`, `app(X::class)`,
 *   `resolve(X::class)`, and `X::method(` itself; the class named through the file's `use` lines
 *   and namespace, its file found through composer.json's PSR-4 map (`"App\\": "app/"`); the
 *   method's body judged, and what it calls followed the same way (`$this->other()` too),
 *   CALL_DEPTH classes deep (calls inside one class not counted), MAX_CLASS_FILES class files read at most per command.
 *
 * File reads only (the state view), no git; app/Console/Commands is listed with its
 * subdirectories (filesBelow, as Laravel discovers them). Since 2026-12-07 (holes3) a type that
 * is an interface or abstract class a service provider binds is followed to the class bound
 * (providerBindings), and a method the class does not declare is looked for in its traits and
 * parent classes (inheritedMethod). Since 2026-12-07 (realproj7) a command's `$aliases` (and
 * `name|alias`) name it too, and a facade of the project's is followed to the class its
 * getFacadeAccessor() names (`X::class`, or a string key a provider binds), as is a real-time
 * facade (`Facades\App\X`). Not read: a binding made outside app/Providers, contextual
 * bindings (`when(X::class)->needs(...)`), Laravel's own facades' classes (DB::, Schema:: are read
 * by their calls) (docs/command-guard.md, Known limits).
 */
import { ARTISAN_DROPS } from './server-frameworks-php.js';
import type { Runtime } from './runtime.js';
import { codeEffect, codePatterns, StrongestEffect, type DataEffect } from './data-effect.js';
import { readAt } from './server-frameworks.js';
import { shownEscaped } from '../../util/escaped-text.js';


const COMMAND_DEPTH = 3;
const MAX_FILES = 60;
/** Classes followed below a command (command -> service -> what the service calls); calls inside one class are not counted. */
const CALL_DEPTH = 3;
/** Class files read at most for one command (each a read that may find a model with nothing to say). */
const MAX_CLASS_FILES = 24;

/** Eloquent's and the query builder's deletes and writes (data-effect.ts adds the SQL literals). */
const PATTERNS = codePatterns(
  String.raw`->(?:delete|forceDelete|truncate)\(\s*\)|::(?:truncate|destroy)\(|Schema::drop(?:IfExists|AllTables)?\(`,
  String.raw`::(?:create|insert|updateOrCreate|firstOrCreate|upsert|factory)\(|->(?:save|update|insert|upsert|increment|decrement|create)\(`,
);

interface Command {
  /** Where it is, relative to the project (`app/Console/Commands/Prune.php`, `routes/console.php`). */
  file: string;
  /** What runs: the class's file, or the closure command's call. */
  code: string;
  /** The file the code is in (its `use` lines and namespace name its classes). */
  unit: string;
}

/** What the class-following of one command has read: the PSR-4 map, the files asked for. */
interface Reach {
  rt: Runtime;
  root: string;
  psr4: Array<[string, string]>;
  files: Map<string, { rel: string; text: string } | null>;
  /** The service providers' bindings (interface or abstract -> the class built), read once per command. */
  bindings?: Map<string, string>;
}

/** Service provider files read at most for the bindings (app/Providers). */
const MAX_PROVIDERS = 20;
/** Parent classes and traits followed up from a class to find a method it does not declare. */
const INHERIT_DEPTH = 3;
/** A class name as written in PHP (`Cleaner`, `\App\Services\Cleaner`). */
const CLASS_NAME = String.raw`\\?[A-Z][\w\\]*`;

/**
 * Laravel's own commands that change no rows (server-frameworks-php.ts and databases.ts judge the
 * ones that do): never looked up, so `php artisan test` reads no file of the project (a project
 * may override one; guard reads Laravel's, as django-commands.ts does Django's).
 */
const LARAVEL_OWN = /^(test|serve|tinker|list|help|about|env|down|up|optimize(:clear)?|clear-compiled|package:discover|vendor:publish|storage:link|route:\w+|config:\w+|cache:\w+|view:\w+|event:\w+|queue:\w+|schedule:\w+|make:\w+|lang:publish|stub:publish|pail|boost:\w+|dusk(:\w+)?)$/;

/** What `artisan NAME` does where NAME is a command of the project's own, or null. `root`: the directory artisan is in. */
export function artisanCommandEffect(name: string, rt: Runtime, root: string, tinker?: string | null): DataEffect | null {
  const view = rt.ctx.view;
  const typed = name === 'tinker' && typeof tinker === 'string';
  if (!view || view.mode === 'text' || !/^[\w:-]+$/.test(name) || (LARAVEL_OWN.test(name) && !typed)) return null;
  // asked together, one read pass: the commands, the closure commands, the autoload map
  const commands = projectCommands(rt, root);
  const closures = closureCommands(rt, root);
  const psr4 = psr4Map(rt, root);
  if (commands === null && closures.size === 0 && !typed) return null;
  const all = new Map([...closures, ...(commands ?? new Map<string, Command>())]);
  // `php artisan tinker --execute 'User::truncate()'`: the code given, judged as a closure command's body
  if (typed) all.set('tinker', { file: '--execute', code: tinker, unit: tinker });
  const reach: Reach = { rt, root, psr4, files: new Map() };
  return commandEffect(all, reach, name, 0, new Set());
}

/** The PHP code of `artisan tinker --execute CODE` (`--execute=CODE`); null where guard cannot see it, undefined where none is given. */
export function tinkerCode(words: ReadonlyArray<string | null>): string | null | undefined {
  const at = words.findIndex((w) => w === '--execute' || (w?.startsWith('--execute=') ?? false));
  if (at === -1) return undefined;
  const word = words[at];
  if (word === '--execute') return words[at + 1] ?? null;
  return word === null || word === undefined ? null : word.slice('--execute='.length);
}

/** The project's commands by name: their file and code; null where the directory cannot be listed. */
function projectCommands(rt: Runtime, root: string): Map<string, Command> | null {
  const dir = `${root}/app/Console/Commands`;
  // Laravel loads the commands of the directory and its subdirectories (koel's Admin/, Storage/).
  const names = rt.ctx.view?.filesBelow(dir);
  if (names === undefined || names === null || names === 'missing') return null;
  const out = new Map<string, Command>();
  for (const rel of names.filter((n) => n.endsWith('.php')).sort().slice(0, MAX_FILES)) {
    const slash = rel.lastIndexOf('/');
    const found = readAt(rt, slash < 0 ? dir : `${dir}/${rel.slice(0, slash)}`, rel.slice(slash + 1));
    if (!found || found === 'missing') continue;
    const code = stripComments(found.text);
    const signature = /\$(?:signature|name)\s*=\s*(['"])\s*([\w:|-]+)/.exec(code)?.[2];
    if (signature === undefined) continue;
    // Laravel registers `protected $aliases = ['demo:reset']` as the command's other names (Symfony's
    // setAliases), and Symfony's `name|alias` spelling does the same
    const aliases = /\$aliases\s*=\s*(?:\[|array\()([^\])]*)/.exec(code)?.[1] ?? '';
    const names = [...signature.split('|'), ...[...aliases.matchAll(/(['"])\s*([\w:-]+)\s*\1/g)].map((m) => m[2] as string)];
    for (const one of names) if (one !== '' && !out.has(one)) out.set(one, { file: `app/Console/Commands/${rel}`, code, unit: code });
  }
  return out;
}

/** routes/console.php's `Artisan::command('NAME', ...)`: each call's text, closure and all. */
function closureCommands(rt: Runtime, root: string): Map<string, Command> {
  const out = new Map<string, Command>();
  const found = readAt(rt, `${root}/routes`, 'console.php');
  if (!found || found === 'missing') return out;
  const unit = stripComments(found.text);
  for (const m of unit.matchAll(/\bArtisan::command\(\s*(['"])\s*([\w:-]+)/g)) {
    const open = (m.index ?? 0) + m[0].indexOf('(');
    const end = matching(unit, open, '(', ')');
    const name = m[2] as string;
    if (!out.has(name)) out.set(name, { file: 'routes/console.php', code: unit.slice(open, end === -1 ? unit.length : end + 1), unit });
  }
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*(?:\/\/|#(?!\[)).*$/gm, '');
}

/** composer.json's `autoload.psr-4`: [namespace prefix, directory] pairs, the longest prefix first. */
function psr4Map(rt: Runtime, root: string): Array<[string, string]> {
  const found = readAt(rt, root, 'composer.json');
  if (!found || found === 'missing') return [];
  let json: unknown;
  try {
    json = JSON.parse(found.text);
  } catch {
    return [];
  }
  const map = (json as { autoload?: { 'psr-4'?: unknown } } | null)?.autoload?.['psr-4'];
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return [];
  const out: Array<[string, string]> = [];
  for (const [prefix, dirs] of Object.entries(map as Record<string, unknown>)) {
    for (const dir of Array.isArray(dirs) ? dirs : [dirs]) if (typeof dir === 'string') out.push([prefix, dir.replace(/\/+$/, '')]);
  }
  return out.sort((a, b) => b[0].length - a[0].length);
}

function commandEffect(commands: Map<string, Command>, reach: Reach, name: string, depth: number, seen: Set<string>): DataEffect | null {
  if (seen.has(name)) return null;
  seen.add(name);
  const command = commands.get(name);
  if (command === undefined) return null;
  const where = `${name} (${shownEscaped(command.file)})`;
  const strongest = new StrongestEffect();
  const take = (found: DataEffect | null): void => strongest.take(found);
  take(codeEffect(command.code, where, PATTERNS));
  for (const call of command.code.matchAll(/(?:\$this->call(?:Silent(?:ly)?)?|Artisan::call)\(\s*(['"])([\w:-]+)/g)) {
    const called = call[2] as string;
    const typed = `call('${called}')`;
    if (ARTISAN_DROPS.includes(called) || called === 'migrate:rollback') take({ effect: 'delete', why: `${where} runs \`${typed}\`` });
    else if (/^(migrate|db:seed|migrate:install)$/.test(called)) take({ effect: 'write', why: `${where} runs \`${typed}\`` });
    else if (depth + 1 < COMMAND_DEPTH) {
      const inner = commandEffect(commands, reach, called, depth + 1, seen);
      if (inner) take({ effect: inner.effect, why: `${where} runs \`${typed}\`, and ${inner.why}` });
    }
  }
  if (strongest.best?.effect !== 'delete') take(callsEffect(reach, command.code, { name: command.file, text: command.unit }, where, 0, new Set()));
  return strongest.best;
}

/**
 * What the project's methods `code` calls do (`$this->libraryManager->prune(`), `unit` the file
 * it is in: the strongest, each said as `WHERE -> Class::method (file) runs ...`.
 */
function callsEffect(reach: Reach, code: string, unit: { name: string; text: string }, where: string, depth: number, seen: Set<string>): DataEffect | null {
  if (depth >= CALL_DEPTH) return null;
  const strongest = new StrongestEffect();
  for (const { fqcn, method } of calledMethods(code, unit.text)) {
    // `$this->other()` is a method of the class the code is in: its file is `unit`
    const key = `${fqcn === '' ? unit.name : fqcn}::${method}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // an interface (or abstract class) a service provider binds: the class Laravel builds for it; a
    // real-time facade (`use Facades\App\Services\Accounts;`) is the class it names
    let target = fqcn === '' ? '' : (providerBindings(reach).get(fqcn) ?? fqcn.replace(/^Facades\\/, ''));
    let file = target === '' ? { rel: unit.name, text: unit.text } : classFile(reach, target);
    if (file === null) continue;
    // declared by the class, else by one of its traits or parent classes
    let found = inheritedMethod(reach, file, method, 0);
    // a facade of the project's (`Accounts::purgeAll()`, `class Accounts extends Facade`): the class
    // its getFacadeAccessor() names, or the one a provider binds to the key it returns
    const behind = found === null && target !== '' ? facadeRoot(reach, file.text) : null;
    if (behind !== null) {
      target = behind;
      file = classFile(reach, target);
      found = file === null ? null : inheritedMethod(reach, file, method, 0);
    }
    if (found === null || file === null) continue;
    const body = found.body;
    const shown = target === '' ? '' : target.replace(/^.*\\/, '');
    const here = target === '' ? `${where} -> ${method}${found.file.rel === unit.name ? '' : ` (${shownEscaped(found.file.rel)})`}` : `${where} -> ${shown}::${method} (${shownEscaped(found.file.rel)})`;
    // its own deletes first; a write of its own does not stop what it calls from being read (a delete there wins)
    const own = codeEffect(body, here, PATTERNS);
    strongest.take(own);
    // a hop to another class counts against CALL_DEPTH; `$this->helper()` inside one does not (its methods are finite: `seen`)
    if (own?.effect !== 'delete') strongest.take(callsEffect(reach, body, { name: found.file === file ? (target === '' ? unit.name : target) : found.file.rel, text: found.file.text }, here, depth + (target === '' ? 0 : 1), seen));
    if (strongest.best?.effect === 'delete') break;
  }
  return strongest.best;
}

/** The methods `code` calls on the project's classes: [class (`` for `$this->x(`), method]. */
function calledMethods(code: string, unit: string): Array<{ fqcn: string; method: string }> {
  const names = classNames(unit);
  const typed = new Map<string, string>();
  // `private readonly LibraryManager $libraryManager`, `handle(Cleaner $cleaner)`, `protected Cleaner $cleaner;`
  for (const m of unit.matchAll(/(?<![\w$\\>])\??(\\?[A-Z]\w*(?:\\\w+)*)\s+&?(?:\.\.\.)?\$(\w+)/g)) typed.set(m[2] as string, names(m[1] as string));
  // `$x = new Cleaner(`, `$this->x = app(Cleaner::class)`, `resolve(Cleaner::class)`, `app()->make(Cleaner::class)`
  for (const m of unit.matchAll(/\$(?:this->)?(\w+)\s*=\s*(?:new\s+(\\?[A-Z][\w\\]*)|(?:app|resolve)\(\s*(\\?[A-Z][\w\\]*)::class|app\(\)->make\(\s*(\\?[A-Z][\w\\]*)::class)/g)) {
    typed.set(m[1] as string, names((m[2] ?? m[3] ?? m[4]) as string));
  }
  // `$x = app('accounts')`, `resolve('accounts')`, `app()->make('accounts')`: a string key, followed through providerBindings (realproj8, 2026-12-08)
  for (const m of unit.matchAll(/\$(?:this->)?(\w+)\s*=\s*(?:app|resolve|app\(\)->make)\(\s*(['"])([\w.:-]+)\2\s*\)/g)) typed.set(m[1] as string, `'${m[3] as string}'`);
  // `$this->x = $x;` in a constructor that does not promote: the property has the parameter's class
  for (const m of unit.matchAll(/\$this->(\w+)\s*=\s*\$(\w+)\s*;/g)) {
    const cls = typed.get(m[2] as string);
    if (cls !== undefined && !typed.has(m[1] as string)) typed.set(m[1] as string, cls);
  }
  const out: Array<{ fqcn: string; method: string }> = [];
  for (const m of code.matchAll(/\$(this->)?(\w+)(?:->|\?->)(\w+)\s*\(/g)) {
    if (m[1] === undefined && m[2] === 'this') {
      out.push({ fqcn: '', method: m[3] as string });
      continue;
    }
    const cls = typed.get(m[2] as string);
    if (cls !== undefined) out.push({ fqcn: cls, method: m[3] as string });
  }
  // `(new Cleaner())->run(`, `app(Cleaner::class)->run(`, `Cleaner::run(`
  for (const m of code.matchAll(/(?:\(\s*new\s+(\\?[A-Z][\w\\]*)\s*(?:\([^()]*\))?\s*\)|(?:app|resolve)\(\s*(\\?[A-Z][\w\\]*)::class\s*\))->(\w+)\s*\(/g)) out.push({ fqcn: names((m[1] ?? m[2]) as string), method: m[3] as string });
  // `app('accounts')->purgeAll(`, `resolve('accounts')->x(`, `app()->make('accounts')->x(`: the class a provider binds to the key
  for (const m of code.matchAll(/(?<![\w$>])(?:app|resolve|app\(\)->make)\(\s*(['"])([\w.:-]+)\1\s*\)->(\w+)\s*\(/g)) out.push({ fqcn: `'${m[2] as string}'`, method: m[3] as string });
  for (const m of code.matchAll(/(?<![\w$\\>])(\\?[A-Z]\w*(?:\\\w+)*)::(\w+)\s*\(/g)) {
    if (!/^(self|static|parent)$/.test(m[1] as string)) out.push({ fqcn: names(m[1] as string), method: m[2] as string });
  }
  return out;
}

/** How the file's `namespace` and `use` lines turn a class name into its full one. */
function classNames(unit: string): (name: string) => string {
  const namespace = /^\s*namespace\s+([\w\\]+)\s*;/m.exec(unit)?.[1];
  const uses = new Map<string, string>();
  for (const m of unit.matchAll(/^\s*use\s+([\w\\]+)(?:\s+as\s+(\w+))?\s*;/gm)) {
    const full = m[1] as string;
    const short = m[2] ?? full.slice(full.lastIndexOf('\\') + 1);
    // the file's imports come first; a trait's `use X;` inside the class body names X through them
    if (!uses.has(short)) uses.set(short, full);
  }
  return (name) => {
    if (name.startsWith('\\')) return name.slice(1);
    const [head = '', ...rest] = name.split('\\');
    const used = uses.get(head);
    if (used !== undefined) return [used, ...rest].join('\\');
    return namespace === undefined ? name : `${namespace}\\${name}`;
  };
}

/** A class's file through the PSR-4 map, read once per command, MAX_CLASS_FILES at most; null where none is the project's. */
function classFile(reach: Reach, fqcn: string): { rel: string; text: string } | null {
  if (reach.files.has(fqcn)) return reach.files.get(fqcn) ?? null;
  const entry = reach.psr4.find(([prefix]) => fqcn.startsWith(prefix));
  if (entry === undefined || reach.files.size >= MAX_CLASS_FILES) return null;
  const rel = `${entry[1]}/${fqcn.slice(entry[0].length).replace(/\\/g, '/')}.php`;
  const abs = `${reach.root}/${rel}`;
  const found = readAt(reach.rt, abs.slice(0, abs.lastIndexOf('/')), abs.slice(abs.lastIndexOf('/') + 1));
  const file = found && found !== 'missing' ? { rel, text: stripComments(found.text) } : null;
  reach.files.set(fqcn, file);
  return file;
}

/**
 * The bindings of the project's service providers (app/Providers/*.php): `$this->app->bind(I::class,
 * C::class)` (also `singleton`, `scoped`, their `If` forms, a closure that returns `new C`) and the
 * `$bindings`/`$singletons` arrays (`I::class => C::class`), names resolved through each provider's
 * own `use` lines. A binding chosen at run time (`$this->app->environment()`...) is read as
 * whichever the file names first.
 */
function providerBindings(reach: Reach): Map<string, string> {
  if (reach.bindings !== undefined) return reach.bindings;
  const out = new Map<string, string>();
  reach.bindings = out;
  const dir = `${reach.root}/app/Providers`;
  const names = reach.rt.ctx.view?.filesBelow(dir);
  if (names === undefined || names === null || names === 'missing') return out;
  for (const rel of names.filter((n) => n.endsWith('.php')).sort().slice(0, MAX_PROVIDERS)) {
    const slash = rel.lastIndexOf('/');
    const found = readAt(reach.rt, slash < 0 ? dir : `${dir}/${rel.slice(0, slash)}`, rel.slice(slash + 1));
    if (!found || found === 'missing') continue;
    const text = stripComments(found.text);
    const full = classNames(text);
    const bind = (from: string, to: string): void => {
      if (!out.has(full(from))) out.set(full(from), full(to));
    };
    const call = new RegExp(String.raw`->(?:bind|singleton|scoped)(?:If)?\(\s*(${CLASS_NAME})::class\s*,\s*(?:(${CLASS_NAME})::class|(?:static\s+)?function\s*\([^)]*\)[^{]*\{\s*return\s+new\s+(${CLASS_NAME})|(?:static\s+)?fn\s*\([^)]*\)[^=]*=>\s*new\s+(${CLASS_NAME}))`, 'g');
    for (const m of text.matchAll(call)) bind(m[1] as string, (m[2] ?? m[3] ?? m[4]) as string);
    // a string key (a facade's accessor): `->singleton('accounts', AccountService::class)` or a closure returning `new X`, kept as `'accounts'`
    const keyed = new RegExp(String.raw`->(?:bind|singleton|scoped)(?:If)?\(\s*(['"])([\w.:-]+)\1\s*,\s*(?:(${CLASS_NAME})::class|(?:static\s+)?function\s*\([^)]*\)[^{]*\{\s*return\s+new\s+(${CLASS_NAME})|(?:static\s+)?fn\s*\([^)]*\)[^=]*=>\s*new\s+(${CLASS_NAME}))`, 'g');
    for (const m of text.matchAll(keyed)) if (!out.has(`'${m[2] as string}'`)) out.set(`'${m[2] as string}'`, full((m[3] ?? m[4] ?? m[5]) as string));
    for (const block of text.matchAll(/\$(?:bindings|singletons)\s*=\s*\[([^\]]*)\]/g)) {
      for (const m of (block[1] as string).matchAll(new RegExp(String.raw`(${CLASS_NAME})::class\s*=>\s*(${CLASS_NAME})::class`, 'g'))) bind(m[1] as string, m[2] as string);
    }
  }
  return out;
}

/**
 * The class behind a facade of the project's: what `getFacadeAccessor()` returns, `X::class` (or a
 * binding's interface, followed to the class bound) or a string key a service provider binds
 * (`$this->app->singleton('accounts', fn () => new AccountService)`); null where `text` is no
 * facade or the accessor is not one guard reads.
 */
function facadeRoot(reach: Reach, text: string): string | null {
  if (!/\bextends\s+\\?(?:Illuminate\\Support\\Facades\\)?Facade\b/.test(text)) return null;
  const m = new RegExp(String.raw`function\s+getFacadeAccessor\s*\([^)]*\)[^{]*\{\s*return\s+(?:(${CLASS_NAME})::class|(['"])([\w.:\\-]+)\2)\s*;`).exec(text);
  if (m === null) return null;
  const bindings = providerBindings(reach);
  if (m[1] !== undefined) {
    const named = classNames(text)(m[1]);
    return bindings.get(named) ?? named;
  }
  return bindings.get(`'${m[3] as string}'`) ?? null;
}

/**
 * `method`'s body where the class in `file` declares it, or one of its traits (`use Purges;` in
 * the class body) or parent classes (`extends BaseService`) does, the project's own through the
 * PSR-4 map, INHERIT_DEPTH levels up: the body and the file it is in; null where none does.
 */
function inheritedMethod(reach: Reach, file: { rel: string; text: string }, method: string, hops: number): { body: string; file: { rel: string; text: string } } | null {
  const body = methodBody(file.text, method);
  if (body !== null) return { body, file };
  if (hops >= INHERIT_DEPTH) return null;
  const decl = new RegExp(String.raw`\b(?:class|trait)\s+\w+(?:\s+extends\s+(${CLASS_NAME}))?(?:\s+implements\s+[^{]+)?\s*\{`).exec(file.text);
  if (decl === null) return null;
  const full = classNames(file.text);
  const inside = file.text.slice(decl.index + decl[0].length);
  // `use A, B;` or `use A { ... }` inside the class body (a closure's `use ($x)` has no name)
  const traits = [...inside.matchAll(/^\s*use\s+([\\\w]+(?:\s*,\s*[\\\w]+)*)\s*[;{]/gm)].flatMap((m) => (m[1] as string).split(',').map((name) => full(name.trim())));
  for (const fqcn of [...traits, ...(decl[1] ? [full(decl[1])] : [])]) {
    const found = classFile(reach, fqcn);
    if (found === null) continue;
    const inherited = inheritedMethod(reach, found, method, hops + 1);
    if (inherited !== null) return inherited;
  }
  return null;
}

/** The body of `function NAME(...) { ... }` in a class's text, or null (none, abstract, an interface's). */
function methodBody(text: string, method: string): string | null {
  const m = new RegExp(`\\bfunction\\s+&?${method}\\s*\\(`).exec(text);
  if (!m) return null;
  const close = matching(text, m.index + m[0].length - 1, '(', ')');
  if (close === -1) return null;
  const open = text.indexOf('{', close);
  const semicolon = text.indexOf(';', close);
  if (open === -1 || (semicolon !== -1 && semicolon < open)) return null;
  const end = matching(text, open, '{', '}');
  return text.slice(open, end === -1 ? text.length : end + 1);
}

/** The index of the bracket that closes the one at `open`, string literals skipped; -1 where none does. */
function matching(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === left) depth++;
    else if (c === right && --depth === 0) return i;
  }
  return -1;
}
