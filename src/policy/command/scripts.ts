/**
 * Interpreter one-liners: `python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`, awk programs,
 * `lua -e`, `osascript -e`, and code fed to an interpreter on stdin. Guard does not run or fully
 * parse the code; it finds the calls that start a shell or a program (os.system, subprocess,
 * child_process, system, backticks ...) and the calls that delete or write files, reads their
 * literal arguments and classifies those like any other command. A call whose argument is not a
 * literal, or code that reaches these capabilities indirectly (getattr, dynamic import, eval of
 * a computed string), is opaque.
 *
 * Scripts run from a file (`python3 scripts/reset_db.py`, `node scripts/clean.js`, `perl x.pl`,
 * `ruby x.rb`, `php x.php`, or `./x.py` whose `#!` names one of them): read since 2026-12-05
 * (before, "allow: no destructive command found" whatever they did: `os.remove("local.db")` lost an
 * ignored database no snapshot held). A file is a program, not a one-liner: most of its calls take
 * computed values (`os.remove(path)`, `subprocess.run(cmd)`), and refusing those would refuse every
 * project script an agent runs. So in a file only what guard can read is judged, exactly as typed:
 * a deletion, move or write of a literal path (`shutil.rmtree(".git")` refused, `os.remove("local.db")`
 * a snapshot that captures it), a literal command line or argv (`subprocess.run(["git", "clean",
 * "-fdx"])`, `os.system("rm -rf data")`), SQL run on a literal database file. A computed value,
 * an indirect reach (getattr, dynamic import) and what the script imports are not followed: judged
 * as before (the session start's capture stays the backstop for those; docs/command-guard.md).
 */
import path from 'node:path';
import { knownField, type Field } from './expand.js';
import { classifyGuard } from './commands.js';
import { report, reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';
import { checkDeleteTarget, checkMoveSource, checkWriteTarget, movesOut } from './targets.js';
import { captureScriptDatabase, classifyMigrationTool, judgeDatabaseFile, sqlMayWrite } from './databases.js';
import { checkWriteGlob } from './write-targets.js';
import { readRunFile, SCRIPT_TEXT_LIMIT } from './script-files.js';
import { judgeGhPagesApi } from './site-publish.js';

type Lang = 'python' | 'js' | 'perl' | 'ruby' | 'php' | 'awk' | 'lua' | 'applescript';

export function SCRIPT_COMMANDS(name: string): boolean {
  return languageOf(name) !== null;
}

function languageOf(name: string): Lang | null {
  if (/^(python|pypy)(\d+(\.\d+)*)?[wmu]?$/.test(name)) return 'python';
  if (/^(node|nodejs|deno|bun)$/.test(name)) return 'js';
  if (/^perl(\d+(\.\d+)*)?$/.test(name)) return 'perl';
  if (/^ruby(\d+(\.\d+)*)?$/.test(name)) return 'ruby';
  if (/^php(\d+(\.\d+)*)?$/.test(name)) return 'php';
  if (/^(awk|gawk|mawk|nawk)$/.test(name)) return 'awk';
  if (/^(lua(\d+(\.\d+)*)?|luajit)$/.test(name)) return 'lua';
  if (name === 'osascript') return 'applescript';
  return null;
}

interface Plan {
  /** Code given on the command line (one entry per -e); null entries are unknown. */
  code: Array<string | null>;
  /** Read the program from stdin. */
  stdin: boolean;
  /** Files edited in place (perl -i, ruby -i). */
  inPlace: Field[];
  /** The script file run, if any. */
  script: Field | null;
  rest: Field[];
  cwd: string | null | undefined;
}

/**
 * The script `python [OPTIONS] SCRIPT ARGS` runs and its arguments, read by python's own option
 * grammar (planFor: `-W ignore`, `-X dev` take a value); null for `-c`, `-m`, stdin or an option
 * guard cannot see. For the frameworks judged inside a container (commands.ts).
 */
export function pythonScriptOf(args: Field[]): { script: string; rest: Field[] } | null {
  const plan = planFor('python', args);
  const script = plan?.code.length === 0 && !plan.stdin ? plan.script?.value : null;
  const run = script === '-m manage' ? 'manage.py' : script;
  return plan && run && !run.startsWith('-m ') ? { script: run, rest: plan.rest } : null;
}

/**
 * The manage.py a python line runs: `python manage.py ...` by its path, and `python -m manage
 * ...`, which runs the manage.py of the directory python starts in (the first entry of sys.path):
 * django/djangoproject.com's Makefile spells every command so (`python -m manage flush
 * --no-input` in its reset-local-db), and it was free on PostgreSQL (2026-12-07, helper realproj5).
 */
function manageScriptOf(script: string | null): string | null {
  if (script === null) return null;
  if (script === '-m manage') return 'manage.py';
  return path.posix.basename(script) === 'manage.py' ? script : null;
}

/**
 * A Django manage.py under another name (`./manage`, `bin/django`, `src/run.py`): a Python file that
 * hands its argv to Django's `execute_from_command_line`, as the manage.py `startproject` writes
 * does. `python src/manage.py flush` was judged by its name, while `./manage flush` (the file
 * copied without its extension, run by its `#!` line) and `python manage flush` were "no
 * destructive command found" on PostgreSQL (realproj8, 2026-12-08). The text is read where the
 * line runs the file anyway (script-files.ts, classifyScriptCommand); its settings are then read
 * as for manage.py (DJANGO_SETTINGS_MODULE's default in that file).
 */
export function djangoManageFile(text: string): boolean {
  return /^[ \t]*(?:from[ \t]+django\.core\.management[ \t]+import[ \t]+[^\n]*\bexecute_from_command_line\b|[^#\n]*\bdjango\.core\.management\.execute_from_command_line\b)/m.test(text) && /\bexecute_from_command_line\s*\(\s*(?:sys\.)?argv\b/.test(text);
}

/**
 * The module `python [OPTIONS] -m MODULE ARGS` runs and its arguments (`-m django`, `-m flask`,
 * `-m alembic`), by the same grammar as pythonScriptOf; null otherwise. For the frameworks judged
 * inside a container or on another machine (commands.ts).
 */
export function pythonModuleOf(args: Field[]): { module: string; rest: Field[] } | null {
  const plan = planFor('python', args);
  const script = plan?.code.length === 0 && !plan.stdin ? plan.script?.value : null;
  return plan && script && script.startsWith('-m ') ? { module: script.slice(3), rest: plan.rest } : null;
}

/** The modules `python -m MODULE` runs as a migration tool's command (`python -m django flush` is `django-admin flush`). */
export const PYTHON_MIGRATION_MODULES: Readonly<Record<string, string>> = { flask: 'flask', alembic: 'alembic', django: 'django-admin' };

export function classifyScriptCommand(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const lang = languageOf(name) as Lang;
  const label = `${name} ${lang === 'python' ? '-c' : lang === 'php' ? '-r' : lang === 'awk' ? 'program' : '-e'}`;
  if (name === 'deno' || name === 'bun') return classifyDenoBun(inv, name, args, rt);
  const plan = planFor(lang, args);
  if (plan === null) {
    reportOpaque(rt, `${name} is given an option guard cannot see`, inv.source);
    return;
  }
  const cwd = plan.cwd === undefined ? inv.cwd : plan.cwd;
  const here: Invocation = { ...inv, cwd };
  if (plan.script && lang === 'js' && isGuardScript(plan.script.value)) return classifyGuard(here, plan.rest, rt);
  // `python manage.py migrate` / `flush`: Django's database, often an ignored db.sqlite3 (databases.ts).
  const manage = plan.script && lang === 'python' && plan.code.length === 0 && !plan.stdin ? manageScriptOf(plan.script.value) : null;
  if (manage !== null) classifyMigrationTool(here, 'manage.py', plan.rest, rt, manage);
  // `python manage flush`, `python src/run.py flush`: a manage.py under another name, known by its text (djangoManageFile)
  else if (plan.script && lang === 'python' && plan.code.length === 0 && !plan.stdin && plan.script.value !== null && !plan.script.value.startsWith('-m ')) {
    const found = readRunFile(here, plan.script.value, rt);
    if (found && found !== 'missing' && djangoManageFile(found.text)) classifyMigrationTool(here, 'manage.py', plan.rest, rt, plan.script.value);
  }
  // `node ace migration:fresh` (AdonisJS's Lucid): judged as artisan's (server-frameworks-js.ts adonis).
  if (plan.script && lang === 'js' && name !== 'deno' && plan.code.length === 0 && !plan.stdin && plan.script.value !== null && path.posix.basename(plan.script.value) === 'ace') classifyMigrationTool(here, 'ace', plan.rest, rt, plan.script.value);
  // `php artisan migrate:fresh`, `php bin/console doctrine:database:drop --force` (framework-migrations.ts).
  if (plan.script && lang === 'php' && plan.script.value !== null && ['artisan', 'console'].includes(path.posix.basename(plan.script.value))) classifyMigrationTool(here, path.posix.basename(plan.script.value), plan.rest, rt, plan.script.value);
  // `python -m flask db upgrade`, `python -m alembic downgrade base`, `python -m django flush`: the module run as its command.
  const module = plan.script && lang === 'python' && plan.script.value?.startsWith('-m ') ? PYTHON_MIGRATION_MODULES[plan.script.value.slice(3)] : undefined;
  if (module !== undefined) classifyMigrationTool(here, module, plan.rest, rt);
  if (plan.script && plan.code.length === 0 && !plan.stdin && plan.script.value !== null && !plan.script.value.startsWith('-m ') && lang !== 'awk') {
    const found = readRunFile(here, plan.script.value, rt);
    if (found && found !== 'missing' && found.text.length <= SCRIPT_TEXT_LIMIT) judgeInterpreterFile(here, name, found, rt, `${name} ${plan.script.value}`);
  }
  // `python -m mealie.cli reset-db`: a module of the project's (python puts its directory first on
  // sys.path), its file read as a script's for its database deletes only (realproj7, 2026-12-07)
  if (plan.script && lang === 'python' && module === undefined && /^-m [A-Za-z_]\w*(?:\.\w+)*$/.test(plan.script.value ?? '') && here.cwd !== null) {
    const dotted = (plan.script.value as string).slice(3).replace(/\./g, '/');
    for (const candidate of [`${dotted}.py`, `${dotted}/__main__.py`]) {
      const found = readRunFile(here, candidate, rt);
      if (found === undefined) break;
      if (found === null || found === 'missing') continue;
      if (found.text.length <= SCRIPT_TEXT_LIMIT && !found.text.includes('\0')) pythonOrmDeletes(stripStrings(found.text, 'python'), here, rt, `${name} ${plan.script.value}`);
      break;
    }
  }
  for (const code of plan.code) {
    if (code === null) reportOpaque(rt, `${label} runs code guard cannot see before it runs`, inv.source);
    else analyzeCode(code, lang, here, rt, label, 0);
  }
  for (const file of plan.inPlace) {
    const verdict = checkWriteGlob(file, cwd, rt.ctx, inv.source, `${name} -i edits ${file.display}`);
    if (verdict) rt.report(verdict);
  }
  if (plan.stdin || (plan.code.length === 0 && !plan.script)) {
    if (inv.stdin.kind !== 'text') return;
    if (inv.stdin.text === null) reportOpaque(rt, `${name} runs the output of ${inv.stdin.from} as code, which guard cannot see before it runs`, inv.source);
    else analyzeCode(inv.stdin.text, lang, here, rt, `${name} (stdin)`, 0);
  }
}

/** Ruby code run by another program (`rails runner CODE`, rails-runner.ts): judged as `ruby -e` code is, or as a script file's (`fromFile`). */
export function judgeRubyCode(inv: Invocation, rt: Runtime, code: string, label: string, fromFile: boolean): void {
  analyzeCode(code, 'ruby', inv, rt, label, 0, fromFile);
}

function isGuardScript(value: string | null): boolean {
  if (value === null) return false;
  const base = path.posix.basename(value);
  return base === 'guard.js' || base === 'guard' || base === 'git-guard' || /\/git-guard\/(bin|dist)\//.test(value);
}

/**
 * A script file run by `interpreter` (`python3`, `node`, a `#!` line's program), its text read
 * (script-files.ts readRunFile): what guard can read of it is judged as typed, the rest as before
 * (the module header); `who` is how the line ran it, for the reasons. False where `interpreter`
 * is none guard reads (the caller judges as before).
 */
export function judgeInterpreterFile(inv: Invocation, interpreter: string, found: { path: string; text: string }, rt: Runtime, who: string): boolean {
  const lang = languageOf(interpreter);
  if (lang === null || lang === 'awk' || lang === 'applescript') return false;
  // Compiled or packed (a .pyc, a bundle with NUL bytes): not source guard can read.
  if (found.text.includes('\0')) return false;
  analyzeCode(found.text, lang, inv, rt, `${who} (script ${found.path})`, 0, true);
  return true;
}

function classifyDenoBun(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const first = args[0]?.value;
  if (first === null) return reportOpaque(rt, `${name} is given an argument guard cannot see`, inv.source);
  if (name === 'deno' && first === 'eval') {
    const code = args.slice(1).find((a) => a.value === null || !a.value.startsWith('-'));
    if (code) code.value === null ? reportOpaque(rt, 'deno eval runs code guard cannot see', inv.source) : analyzeCode(code.value, 'js', inv, rt, 'deno eval', 0);
    return;
  }
  if (name === 'bun' && first === 'x') {
    const rest = args.slice(1);
    if (rest.length > 0) rt.exec(sub(inv, rest));
    return;
  }
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === '-e' || value === '--eval' || value === '-p' || value === '--print') {
      const code = args[i + 1]?.value ?? null;
      if (code === null) reportOpaque(rt, `${name} -e runs code guard cannot see`, inv.source);
      else analyzeCode(code, 'js', inv, rt, `${name} -e`, 0);
    }
  }
}

function planFor(lang: Lang, args: Field[]): Plan | null {
  const plan: Plan = { code: [], stdin: false, inPlace: [], script: null, rest: [], cwd: undefined };
  const codeFlags: Record<Lang, string> = { python: 'c', js: 'ep', perl: 'eE', ruby: 'e', php: 'rBRE', awk: '', lua: 'e', applescript: 'e' };
  const argFlags: Record<Lang, string> = { python: 'mWXQ', js: 'rC', perl: 'IMmlF0xCdD', ruby: 'rIEFCx', php: 'fcdzt', awk: 'vf', lua: 'l', applescript: 'ls' };
  const longCode = lang === 'js' ? ['--eval', '--print'] : lang === 'awk' ? ['--source'] : [];
  const longArg = lang === 'js' ? ['--require', '--import', '--loader', '--experimental-loader', '--conditions', '--input-type', '--env-file', '--title'] : lang === 'awk' ? ['--file', '--assign', '--field-separator'] : [];
  let inPlace = false;
  let programFile = false;
  let i = 0;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      if (plan.code.length === 0) return null;
      break;
    }
    if (value === '--') {
      i++;
      break;
    }
    if (value === '-') {
      plan.stdin = true;
      i++;
      break;
    }
    if (!value.startsWith('-')) break;
    if (value.startsWith('--')) {
      const [long, inline] = value.split('=', 2) as [string, string | undefined];
      if (longCode.includes(long)) plan.code.push(inline ?? args[++i]?.value ?? null);
      else if (longArg.includes(long) && inline === undefined) i++;
      if (long === '--file') programFile = true;
      continue;
    }
    const letters = value.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      const rest = letters.slice(j + 1);
      if (codeFlags[lang].includes(letter)) {
        plan.code.push(rest !== '' ? rest : (args[++i]?.value ?? null));
        break;
      }
      if ((lang === 'perl' || lang === 'ruby') && letter === 'i') {
        inPlace = true;
        break;
      }
      if (argFlags[lang].includes(letter)) {
        const argument = rest !== '' ? rest : (args[++i]?.value ?? null);
        if (lang === 'ruby' && letter === 'C') plan.cwd = argument === null ? null : argument;
        if (lang === 'awk' && letter === 'f') programFile = true;
        if (lang === 'python' && letter === 'm') plan.script = knownField(`-m ${argument ?? ''}`);
        break;
      }
    }
    if (plan.script) {
      i++;
      break;
    }
  }
  const rest = args.slice(i);
  if (lang === 'awk') {
    if (!programFile && plan.code.length === 0) {
      const program = rest[0];
      if (program) plan.code.push(program.value);
      plan.rest = rest.slice(1);
    } else plan.rest = rest;
    plan.script = knownField('(awk)');
    return plan;
  }
  if (plan.code.length > 0) {
    if (inPlace) plan.inPlace = rest.filter((f) => f.value === null || !f.value.startsWith('-'));
    plan.rest = rest;
    return plan;
  }
  if (!plan.script && rest[0] && !plan.stdin) {
    plan.script = rest[0];
    plan.rest = rest.slice(1);
  } else if (plan.script) plan.rest = rest; // `-m MODULE ARGS...`
  return plan;
}

// ---------------------------------------------------------------- code analysis

type Literal = { kind: 'string'; value: string } | { kind: 'list'; values: string[] };

interface Capability {
  /** Matches up to the call's opening parenthesis (or the name, for calls without one). */
  pattern: RegExp;
  effect: 'shell' | 'argv' | 'spawn' | 'delete' | 'write' | 'eval' | 'pipe' | 'move';
  /** Match against the code itself (the pattern looks into string literals). */
  raw?: boolean;
}

const CAPABILITIES: Record<Lang, Capability[]> = {
  python: [
    { pattern: /(?:\bos\.|(?<![.\w]))(?:system|popen)\s*\(/g, effect: 'shell' },
    { pattern: /\bsubprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(/g, effect: 'shell' },
    { pattern: /(?<![.\w])(?:check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(|\bcommands\.getoutput\s*\(/g, effect: 'shell' },
    { pattern: /\b(?:os\.)?(?:exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)\s*\(\s*[^,)]+,\s*/g, effect: 'argv' },
    { pattern: /\bpty\.spawn\s*\(/g, effect: 'shell' },
    { pattern: /\b(?:shutil\.)?rmtree\s*\(/g, effect: 'delete' },
    { pattern: /\bos\.(?:remove|unlink|rmdir|removedirs)\s*\(/g, effect: 'delete' },
    { pattern: /\b(?:os\.(?:rename|renames|replace)|shutil\.move)\s*\(/g, effect: 'move' },
    { pattern: /\bPath\s*\(\s*(?=(?:'[^']*'|"[^"]*")\s*\)\s*\.\s*(?:unlink|rmdir)\s*\()/g, effect: 'delete', raw: true },
    { pattern: /\bopen\s*\((?=\s*(?:'[^']*'|"[^"]*")\s*,\s*(?:mode\s*=\s*)?['"][wax])/g, effect: 'write', raw: true },
    { pattern: /(?<![.\w])(?:exec|eval)\s*\(/g, effect: 'eval' },
  ],
  js: [
    { pattern: /\b(?:exec|execSync)\s*\(/g, effect: 'shell' },
    { pattern: /\b(?:execFile|execFileSync|spawn|spawnSync|fork)\s*\(/g, effect: 'spawn' },
    { pattern: /\bBun\.spawn(?:Sync)?\s*\(/g, effect: 'argv' },
    { pattern: /\b(?:rmSync|rmdirSync|unlinkSync)\s*\(/g, effect: 'delete' },
    { pattern: /\b(?:fs|fsp|promises)\.(?:rm|rmdir|unlink)\s*\(/g, effect: 'delete' },
    { pattern: /\brenameSync\s*\(|\b(?:fs|fsp|promises)\.rename\s*\(/g, effect: 'move' },
    { pattern: /\b(?:writeFileSync|appendFileSync|writeFile|appendFile|createWriteStream|copyFileSync|symlinkSync)\s*\(/g, effect: 'write' },
    { pattern: /(?<![.\w])eval\s*\(|\bnew\s+Function\s*\(/g, effect: 'eval' },
  ],
  perl: [
    { pattern: /\b(?:system|exec)\b\s*\(?/g, effect: 'shell' },
    { pattern: /\b(?:unlink|rmdir|rmtree|remove_tree)\b\s*\(?/g, effect: 'delete' },
    { pattern: /(?<![\w:])(?:rename|move)\b\s*\(?/g, effect: 'move' },
    { pattern: /\beval\s*(?=['"q])/g, effect: 'eval' },
  ],
  ruby: [
    // `system!` is the wrapper Rails' bin/setup defines (`system(*args) || abort`): `system! "bin/rails db:setup"`.
    { pattern: /\b(?:Kernel\.)?(?:system|exec|spawn)\b!?\s*\(?/g, effect: 'shell' },
    { pattern: /\b(?:IO\.popen|Open3\.\w+)\s*\(?/g, effect: 'shell' },
    { pattern: /\bFileUtils\.(?:rm_rf|rm_r|rm_f|rm|remove_dir|remove_entry|remove_entry_secure|rmtree|remove)\b\s*\(?/g, effect: 'delete' },
    { pattern: /\b(?:File|Dir)\.(?:delete|unlink|rmdir)\b\s*\(?/g, effect: 'delete' },
    { pattern: /\b(?:File\.rename|FileUtils\.(?:mv|move))\b\s*\(?/g, effect: 'move' },
    { pattern: /\bFile\.write\s*\(?/g, effect: 'write' },
    { pattern: /(?<![.\w])eval\s*\(?/g, effect: 'eval' },
  ],
  php: [
    { pattern: /\b(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(/g, effect: 'shell' },
    { pattern: /\b(?:unlink|rmdir)\s*\(/g, effect: 'delete' },
    { pattern: /(?<![\w>$])rename\s*\(/g, effect: 'move' },
    { pattern: /\bfile_put_contents\s*\(/g, effect: 'write' },
    { pattern: /(?<![.\w])eval\s*\(/g, effect: 'eval' },
  ],
  awk: [
    { pattern: /\bsystem\s*\(/g, effect: 'shell' },
    { pattern: /\|&?\s*(?=")/g, effect: 'pipe' },
    { pattern: /(?<![<>=!])>>?\s*(?=")/g, effect: 'write' },
  ],
  lua: [
    { pattern: /\b(?:os\.execute|io\.popen)\s*\(?/g, effect: 'shell' },
    { pattern: /\bos\.remove\s*\(?/g, effect: 'delete' },
    { pattern: /\b(?:load|loadstring|dofile)\s*\(/g, effect: 'eval' },
  ],
  applescript: [{ pattern: /\bdo\s+shell\s+script\s+/g, effect: 'shell' }],
};

/** Code that reaches a shell or the filesystem in a way the capability calls above do not show. */
const INDIRECT: Record<Lang, RegExp> = {
  python: /\b(__import__|importlib|getattr)\b|\bsubprocess\b(?!\s*\.\s*(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput|PIPE|DEVNULL|STDOUT|CalledProcessError|TimeoutExpired|CompletedProcess)\b)/,
  js: /\brequire\s*\(\s*[^'"`\s)]|\bimport\s*\(\s*[^'"`\s)]|\bprocess\.binding\b|\bDeno\.(run|Command)\b|\{[^}]*:\s*\w+[^}]*\}\s*=\s*require\s*\(\s*['"](?:node:)?child_process/,
  perl: /`|\bqx\s*[^\s\w]|\bopen\s*\([^)]*\|/,
  ruby: /`|%x[^\w\s]|\bsend\s*\(|\binstance_eval\b|\bObject\.const_get\b/,
  php: /`|\$\w+\s*\(/,
  awk: /\|\s*getline|\bgetline\b\s*<\s*[^"]/,
  lua: /\brequire\s*\(\s*[^'"]/,
  applescript: /\bdo\s+shell\s+script\s+[^"]/,
};

/**
 * `fromFile`: the code is a script file's (judgeInterpreterFile): what guard cannot read (a
 * computed value, an indirect reach, nesting past the bound) is left as before instead of opaque.
 */
function analyzeCode(code: string, lang: Lang, inv: Invocation, rt: Runtime, label: string, depth: number, fromFile = false): void {
  if (depth > 4) {
    if (fromFile) return;
    reportOpaque(rt, `${label} nests code too deeply for guard to follow`, inv.source);
    return;
  }
  let stripped = stripStrings(code, lang);
  let capabilities = CAPABILITIES[lang];
  if (lang === 'python') {
    capabilities = [...capabilities, ...pythonImportCapabilities(stripped)];
    // Import statements name modules without using them; what they import is matched above.
    stripped = stripped.replace(/(^|[;\n])(\s*)((?:from\s+\S+\s+)?import\s+[^;\n]*)/g, (_m, lead: string, blank: string, statement: string) => lead + blank + ' '.repeat(statement.length));
  }
  if (lang === 'js' && !/child_process|\bBun\.spawn/.test(code)) {
    // Without child_process (or Bun.spawn) node code cannot start a program: exec( is a RegExp method.
    capabilities = capabilities.filter((c) => c.effect !== 'shell' && c.effect !== 'spawn');
  }
  for (const capability of capabilities) {
    capability.pattern.lastIndex = 0;
    for (const match of (capability.raw ? code : stripped).matchAll(capability.pattern)) {
      const start = (match.index ?? 0) + match[0].length;
      const literal = readLiteral(code, start, lang);
      if (literal === null && fromFile) {
        // koel's scripts/koel-init.php: `passthru('php artisan koel:init --ansi ' . implode(' ', $args))`
        const words = capability.effect === 'shell' ? commandWordsBeforeConcat(code, start, lang) : null;
        if (words !== null) rt.shell(words, { cwd: inv.cwd, env: inv.env }, inv.source);
        continue;
      }
      applyCapability(capability.effect, literal, code, start, lang, inv, rt, label, depth, match[0].trim(), fromFile);
    }
  }
  if (lang === 'perl' || lang === 'ruby' || lang === 'php') {
    for (const match of code.matchAll(/`([^`]*)`/g)) {
      if (!(fromFile && interpolates(match[1] ?? '', lang))) handleShellString(match[1] ?? '', lang, inv, rt, label);
    }
  }
  if (lang === 'python') pythonDatabases(code, stripped, inv, rt, label, fromFile);
  // `require('gh-pages').publish('dist', {history: false})`: a forced push, as the CLI's --no-history (site-publish.ts)
  if (lang === 'js') judgeGhPagesApi(inv, code, rt);
  // a script file's, and `python -c` code's alike (`session.query(User).delete(); session.commit()`; realproj8, 2026-12-08)
  if (lang === 'python') pythonOrmDeletes(stripped, inv, rt, label);
  if (fromFile) return;
  const indirect = INDIRECT[lang].exec(stripped);
  if (indirect && !(lang !== 'js' && /^`/.test(indirect[0]))) {
    reportOpaque(rt, `${label} reaches a shell or the filesystem indirectly (${indirect[0].trim()}), which guard cannot follow`, inv.source);
  }
}

/**
 * `python -c "import sqlite3; c = sqlite3.connect('local.db'); c.execute('delete from x'); ..."`
 * (and `duckdb.connect`): the database file is judged as sqlite3's is (databases.ts) where the SQL
 * the code runs may write: every `.execute`/`.executescript`/`.executemany` (DuckDB's `.sql`,
 * `.query`) given a literal guard reads, anything else may write. Found by the hunt of 2026-12-05
 * ("no destructive command found" for a DELETE on an ignored local.db). A path guard cannot read
 * (a variable) is a write to a path guard cannot know (opaque).
 */
function pythonDatabases(code: string, stripped: string, inv: Invocation, rt: Runtime, label: string, fromFile: boolean): void {
  const connects = [...stripped.matchAll(/\b(sqlite3|duckdb)\s*\.\s*connect\s*\(/g)];
  if (connects.length === 0) return;
  let why: string | null = null;
  for (const run of stripped.matchAll(/\.\s*(execute|executescript|executemany|sql|query)\s*\(/g)) {
    const literal = readLiteral(code, (run.index ?? 0) + run[0].length, 'python');
    if (literal?.kind !== 'string') why = `${run[1]}() of SQL guard cannot read`;
    else if (sqlMayWrite(literal.value, 'sqlite')) why = `${run[1]}(): ${literal.value.trim().split(/\s+/).slice(0, 2).join(' ')} ...`;
    if (why !== null) break;
  }
  if (why === null) return;
  for (const connect of connects) {
    const literal = readLiteral(code, (connect.index ?? 0) + connect[0].length, 'python');
    const program = `${label} (${connect[1]}.connect)`;
    if (literal?.kind === 'string') judgeDatabaseFile(inv, rt, program, knownField(literal.value), why, connect[1] === 'duckdb' ? 'duckdb' : 'sqlite');
    else if (!fromFile) reportOpaque(rt, `${program} opens a database whose path guard cannot read, and its SQL may write`, inv.source);
  }
}

/**
 * SQLAlchemy's drops and bulk deletes in a script file of the project's (mealie's typer CLI:
 * `SqlAlchemyBase.metadata.drop_all(bind=engine)`; 2026-12-07, realproj7): the whole file, every
 * command of a CLI alike (a decorator picks which runs; guard does not narrow to it). Since
 * 2026-12-08 (realproj8) also code typed with `python -c` (`from app.db import SessionLocal; s =
 * SessionLocal(); s.query(Item).delete(); s.commit()`), which was free: the same capture of the
 * repository's database files. Where the engine's URL names a server, nothing more is judged:
 * the URL is most often the application's settings, which guard does not read (Known limits).
 */
const PY_ORM_DELETES = /\.\s*drop_all\s*\(|\.__table__\s*\.\s*drop\s*\(|\.query\s*\([^\n]*\)\s*(?:\.\s*\w+\s*\([^\n]*?\)\s*)*?\.\s*delete\s*\(|\.execute\s*\(\s*(?:sa\.|sqlalchemy\.)?delete\s*\(/;

function pythonOrmDeletes(stripped: string, inv: Invocation, rt: Runtime, label: string): void {
  const hit = PY_ORM_DELETES.exec(stripped);
  if (hit === null) return;
  captureScriptDatabase(inv, rt, `${label} runs \`${hit[0].replace(/\s+/g, '').replace(/^\./, '')}\`, which deletes rows of the application's database, which may be a file in the repository`);
}

const PY_SHELL = ['system', 'popen', 'run', 'call', 'check_call', 'check_output', 'Popen', 'getoutput', 'getstatusoutput', 'spawn'];
const PY_DELETE = ['remove', 'unlink', 'rmdir', 'removedirs', 'rmtree'];
const PY_ARGV = /^(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)$/;

/** `from subprocess import run as r`, `import shutil as sh`: calls through the local names. */
function pythonImportCapabilities(code: string): Capability[] {
  const out: Capability[] = [];
  const modules = /^(os|subprocess|shutil|pty|commands|pathlib)$/;
  for (const match of code.matchAll(/\bfrom\s+([\w.]+)\s+import\s+([^;\n]+)/g)) {
    if (!modules.test(match[1] as string)) continue;
    for (const item of (match[2] as string).replace(/[()]/g, '').split(',')) {
      const [original, alias] = item.trim().split(/\s+as\s+/) as [string, string | undefined];
      const local = alias ?? original;
      if (!/^\w+$/.test(local)) continue;
      const effect: Capability['effect'] | null = PY_ARGV.test(original) ? 'argv' : PY_SHELL.includes(original) ? 'shell' : PY_DELETE.includes(original) ? 'delete' : null;
      if (effect) out.push({ pattern: new RegExp(`(?<![.\\w])${local}\\s*\\(${effect === 'argv' ? '\\s*[^,)]+,\\s*' : ''}`, 'g'), effect });
      if (original === '*') out.push({ pattern: /(?<![.\w])(?:system|popen|run|call|check_call|check_output|Popen|getoutput)\s*\(/g, effect: 'shell' }, { pattern: /(?<![.\w])(?:remove|unlink|rmdir|removedirs|rmtree)\s*\(/g, effect: 'delete' });
    }
  }
  for (const match of code.matchAll(/\bimport\s+(os|subprocess|shutil)\s+as\s+(\w+)/g)) {
    const alias = match[2] as string;
    if (match[1] === 'subprocess') out.push({ pattern: new RegExp(`\\b${alias}\\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\\s*\\(`, 'g'), effect: 'shell' });
    if (match[1] === 'os') {
      out.push({ pattern: new RegExp(`\\b${alias}\\.(?:system|popen)\\s*\\(`, 'g'), effect: 'shell' });
      out.push({ pattern: new RegExp(`\\b${alias}\\.(?:remove|unlink|rmdir|removedirs)\\s*\\(`, 'g'), effect: 'delete' });
    }
    if (match[1] === 'shutil') out.push({ pattern: new RegExp(`\\b${alias}\\.rmtree\\s*\\(`, 'g'), effect: 'delete' });
  }
  return out;
}

function handleShellString(text: string, lang: Lang, inv: Invocation, rt: Runtime, label: string): void {
  if (interpolates(text, lang)) reportOpaque(rt, `${label} runs a command built at run time`, inv.source);
  else rt.shell(text, { cwd: inv.cwd, env: inv.env }, inv.source);
}

function applyCapability(effect: Capability['effect'], literal: Literal | null, code: string, start: number, lang: Lang, inv: Invocation, rt: Runtime, label: string, depth: number, call: string, fromFile: boolean): void {
  const ctx = rt.ctx;
  if (literal === null) {
    if (effect === 'write') return; // writes to computed paths: not judged (docs/command-guard.md)
    if (effect === 'delete' || effect === 'move') {
      report(rt, 'ask', 'rm-unknown-target', `${label} calls ${call.replace(/\s*\($/, '')} on a path guard cannot see before it runs`, inv.source);
      return;
    }
    reportOpaque(rt, `${label} calls ${call.replace(/\s*\($/, '')} with a value guard cannot see before it runs`, inv.source);
    return;
  }
  switch (effect) {
    case 'pipe':
      // awk's `print | "cmd"`: cmd reads what the program prints.
      if (literal.kind === 'string') rt.shell(literal.value, { cwd: inv.cwd, env: inv.env, stdin: { kind: 'text', text: null, from: label } }, inv.source);
      return;
    case 'shell':
      if (literal.kind === 'string') rt.shell(literal.value, { cwd: inv.cwd, env: inv.env }, inv.source);
      else runArgv(literal.values, inv, rt);
      return;
    case 'argv':
      runArgv(literal.kind === 'list' ? literal.values : [literal.value], inv, rt);
      return;
    case 'spawn': {
      if (literal.kind === 'list') return runArgv(literal.values, inv, rt);
      const after = skipLiteral(code, start, lang);
      const second = after === null ? null : /^\s*,\s*/.exec(code.slice(after));
      const args = second ? readLiteral(code, after! + second[0].length, lang) : null;
      if (second && (args === null || args.kind !== 'list')) {
        if (/^\s*,\s*\{/.test(code.slice(after!)) || /^\s*\)/.test(code.slice(after!))) return runArgv([literal.value], inv, rt);
        if (fromFile) return;
        return reportOpaque(rt, `${label} starts ${literal.value} with arguments guard cannot see`, inv.source);
      }
      return runArgv([literal.value, ...(args && args.kind === 'list' ? args.values : [])], inv, rt);
    }
    case 'move': {
      // A rename moves its source away, as mv does (checkMoveSource: a snapshot where it leaves
      // the repository or carries an ignored file no snapshot holds), and writes its destination.
      let from: string | undefined;
      let to: string | null = null;
      if (literal.kind === 'list') [from, to = null] = literal.values as [string, string?];
      else {
        from = literal.value;
        const after = skipLiteral(code, start, lang);
        const comma = after === null ? null : /^\s*,\s*/.exec(code.slice(after));
        const second = comma ? readLiteral(code, after! + comma[0].length, lang) : null;
        to = second?.kind === 'string' ? second.value : null;
      }
      if (from === undefined) return;
      if (to === null) {
        // Where it goes guard cannot see: judged as the deletion of its source.
        rt.report(checkDeleteTarget(knownField(from), inv.cwd, ctx, inv.source, { recursive: true, verb: `${label} moves away` }));
        return;
      }
      const dest = knownField(to);
      const away = checkMoveSource(knownField(from), inv.cwd, ctx, inv.source, movesOut(dest, inv.cwd, ctx) ? to : null);
      if (away) rt.report(away);
      const written = checkWriteTarget(dest, inv.cwd, ctx, inv.source, `${label} moves ${from} to ${to}`);
      if (written) rt.report(written);
      return;
    }
    case 'delete':
      for (const target of literal.kind === 'list' ? literal.values : [literal.value]) {
        rt.report(checkDeleteTarget(knownField(target), inv.cwd, ctx, inv.source, { recursive: true, verb: `${label} deletes` }));
      }
      return;
    case 'write':
      if (literal.kind === 'string') {
        const verdict = checkWriteTarget(knownField(literal.value), inv.cwd, ctx, inv.source, `${label} writes ${literal.value}`);
        if (verdict) rt.report(verdict);
      }
      return;
    case 'eval':
      if (literal.kind === 'string') analyzeCode(literal.value, lang, inv, rt, label, depth + 1, fromFile);
      return;
  }
}

function runArgv(argv: string[], inv: Invocation, rt: Runtime): void {
  if (argv.length === 0) return;
  rt.exec(sub(inv, argv.map((a) => knownField(a)), { stdin: { kind: 'terminal' } }));
}

function interpolates(text: string, lang: Lang): boolean {
  if (lang === 'perl' || lang === 'php') return /[$@]\w|\$\{/.test(text);
  if (lang === 'ruby') return /#\{/.test(text);
  if (lang === 'js') return /\$\{/.test(text);
  return false;
}

/** Reads a string or list literal at `start` (after optional blanks and one opening parenthesis). */
function readLiteral(code: string, start: number, lang: Lang): Literal | null {
  let i = start;
  while (/\s/.test(code[i] ?? '')) i++;
  const open = code[i];
  if (open === '[' || (open === '(' && lang === 'perl')) {
    const close = open === '[' ? ']' : ')';
    const values: string[] = [];
    i++;
    for (;;) {
      while (/[\s,]/.test(code[i] ?? '')) i++;
      if (code[i] === close) return { kind: 'list', values };
      const item = readString(code, i, lang);
      if (!item) return null;
      values.push(item.value);
      i = item.end;
    }
  }
  if (lang === 'perl' && /^qw\s*[^\w\s]/.test(code.slice(i))) {
    const delimiter = code.slice(i + 2).trimStart()[0] as string;
    const from = code.indexOf(delimiter, i + 2) + 1;
    const closer = { '(': ')', '[': ']', '{': '}', '<': '>' }[delimiter] ?? delimiter;
    const end = code.indexOf(closer, from);
    if (end === -1) return null;
    return { kind: 'list', values: code.slice(from, end).trim().split(/\s+/).filter(Boolean) };
  }
  const first = readString(code, i, lang);
  if (!first) return null;
  // Perl/Ruby/PHP `system("git", "push")`: more literals after a comma make it an argv.
  if (lang === 'perl' || lang === 'ruby' || lang === 'php') {
    const values = [first.value];
    let j = first.end;
    for (;;) {
      const comma = /^\s*,\s*/.exec(code.slice(j));
      if (!comma) break;
      const next = readString(code, j + comma[0].length, lang);
      if (!next) {
        if (values.length > 0 && /^\s*[)\];]/.test(code.slice(j + comma[0].length))) break;
        return null;
      }
      values.push(next.value);
      j = next.end;
    }
    if (values.length > 1) return { kind: 'list', values };
  }
  // String concatenation or formatting right after the literal: the value is computed.
  if (/^\s*(\+|\.(?!\w)|%|\.format\b|\.\.)/.test(code.slice(first.end))) return null;
  return { kind: 'string', value: first.value };
}

/**
 * A command line built as a literal and words appended to it (`'php artisan koel:init --ansi ' .
 * implode(' ', $args)`, `"bin/rails db:seed " + args`): the literal's words, judged as typed, where
 * it ends in a space (what is appended starts a new word, an argument guard cannot see, left
 * unjudged as a file's computed values are); null otherwise (`'rm -rf /tmp/' . $dir` names no
 * whole path). For script files only: a line typed with such code stays opaque.
 */
function commandWordsBeforeConcat(code: string, start: number, lang: Lang): string | null {
  let i = start;
  while (/\s/.test(code[i] ?? '')) i++;
  const first = readString(code, i, lang);
  if (!first || !/^\s*(\+|\.(?!\w)|\.\.)/.test(code.slice(first.end))) return null;
  return /\S\s+$/.test(first.value) && !first.value.includes('\n') ? first.value.trim() : null;
}

function skipLiteral(code: string, start: number, lang: Lang): number | null {
  let i = start;
  while (/\s/.test(code[i] ?? '')) i++;
  const item = readString(code, i, lang);
  return item ? item.end : null;
}

function readString(code: string, start: number, lang: Lang): { value: string; end: number } | null {
  let i = start;
  let raw = false;
  if (lang === 'python') {
    const prefix = /^[rRbBuUfF]{0,2}(?=['"])/.exec(code.slice(i));
    if (prefix && prefix[0]) {
      if (/[fF]/.test(prefix[0])) return null;
      raw = /[rR]/.test(prefix[0]);
      i += prefix[0].length;
    }
  }
  const quote = code[i];
  if (quote !== '"' && quote !== "'" && !(quote === '`' && lang === 'js')) return null;
  const triple = lang === 'python' && code.startsWith(quote.repeat(3), i);
  const delimiter = triple ? quote.repeat(3) : quote;
  i += delimiter.length;
  let value = '';
  for (;;) {
    if (i >= code.length) return null;
    if (code.startsWith(delimiter, i)) break;
    const c = code[i] as string;
    if (c === '\\' && !raw) {
      const n = code[i + 1] ?? '';
      value += ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[n] ?? n;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  const end = i + delimiter.length;
  if (quote === '`' && value.includes('${')) return null;
  if (quote === '"' && interpolates(value, lang)) return null;
  return { value, end };
}

/** The code with the contents of string literals blanked out, so names inside strings do not count. */
function stripStrings(code: string, lang: Lang): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i] as string;
    const isQuote = c === '"' || c === "'" || (c === '`' && lang === 'js');
    if (!isQuote || (lang === 'awk' && c === "'")) {
      out += c;
      i++;
      continue;
    }
    const item = readString(code, i, lang);
    const end = item ? item.end : code.indexOf(c, i + 1) === -1 ? code.length : code.indexOf(c, i + 1) + 1;
    out += c + ' '.repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? c : '');
    i = end;
  }
  return out;
}
