/**
 * Programs whose job is to run another command in a prepared environment, as `env` and `npx`
 * do: a project's virtualenv (`uv run`, `poetry run`, `pipenv run`, `pdm run`, `hatch run`,
 * `rye run`, `uvx`), its gems (`bundle exec`), its variables (`cross-env`, `dotenv`,
 * `dotenvx run`, `env-cmd`, `direnv exec`, `op run`, `doppler run`, `infisical run`; `railway
 * run`, whose service variables name its database: RAILWAY_DATABASE_URL), its tools
 * (`mise exec`, `asdf exec`, `nix develop -c`, `nix shell -c`, `devbox run`, `xvfb-run`). Before
 * 2026-12-05 none of them was modelled, so what they ran was never judged: `uv run rm -rf ~` and
 * `poetry run git reset --hard` were "allow: no destructive command found" (found by the hunt of
 * 2026-12-05 on a vite clone, where `rm -rf ~` alone is denied). Now the command they run is
 * judged as if typed alone, in the directory they run it in (`uv run --directory D`, `poetry -C
 * D run`), with the variables they set (`cross-env A=1 cmd`).
 *
 * Each runner's own options are skipped by its table (those that take a value, read from its
 * `--help`); an option not in the table may take a value or not, so both readings are judged (the
 * next word as the command, and the word after it), the strictest winning. A runner word guard
 * cannot see, or a `nix-shell --run`/`doppler run --command` string, goes the way shells' strings
 * go (classified as shell source). Not a run (`uv pip install`, `poetry install`, `bundle
 * install`): nothing more to judge. `dotenv set KEY VALUE` and `dotenvx set` rewrite the env file
 * (`-f FILE`, default `.env`): judged as a write of it, so an ignored `.env` is captured first.
 */
import { knownField, type Field } from './expand.js';
import { judgeOutputFile } from './output-files.js';
import { resolvePath } from './paths.js';
import { reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';

interface RunnerSpec {
  /** The subcommand word(s) that run a command (`run`, `exec`); null: the command follows the options. */
  run: string[] | null;
  /** Options (without dashes) that take a value, before and after the subcommand. */
  values: string[];
  /** Options that set the directory the command runs in. */
  chdir?: string[];
  /** Words between the subcommand and the command (`direnv exec DIR cmd`). */
  operands?: number;
  /** `VAR=value` words before the command set its environment (cross-env). */
  assignments?: boolean;
  /** The command comes only after `--` (`mise exec node@20 -- cmd`, `op run -- cmd`). */
  afterDashes?: boolean;
  /** Options whose value is a shell string the runner runs (`nix-shell --run 'cmd'`). */
  shellString?: string[];
  /** Variables the runner sets for the command over the line's (Railway's service variables). */
  env?: Readonly<Record<string, string>>;
}

/**
 * DATABASE_URL as guard stands it in for `railway run CMD`: the command runs here with the Railway
 * service's variables, DATABASE_URL among them when the project has a database there (Railway's
 * Postgres, MySQL): a server, outside every snapshot. Since 2026-12-07 (holes3): before,
 * `railway run rails db:reset` was not judged at all.
 */
export const RAILWAY_DATABASE_URL = 'postgres://railway-service-database/railway';

const UV_VALUES = [
  'with', 'with-editable', 'with-requirements', 'python', 'p', 'package', 'extra', 'group', 'only-group', 'no-group', 'no-extra', 'env-file',
  'directory', 'project', 'index', 'default-index', 'index-url', 'i', 'extra-index-url', 'find-links', 'f', 'index-strategy',
  'keyring-provider', 'resolution', 'prerelease', 'exclude-newer', 'link-mode', 'config-setting', 'C', 'no-build-package',
  'no-binary-package', 'refresh-package', 'reinstall-package', 'upgrade-package', 'P', 'cache-dir', 'config-file', 'color',
  'allow-insecure-host', 'python-preference', 'python-platform', 'from',
];

const RUNNERS: Record<string, RunnerSpec> = {
  uv: { run: ['run'], values: UV_VALUES, chdir: ['directory'] },
  uvx: { run: null, values: UV_VALUES, chdir: ['directory'] },
  poetry: { run: ['run'], values: ['directory', 'C', 'project', 'P'], chdir: ['directory', 'C'] },
  pipenv: { run: ['run'], values: ['python'] },
  pdm: { run: ['run'], values: ['p', 'project', 'venv'] },
  hatch: { run: ['run'], values: ['e', 'env', 'p', 'project', 'data-dir', 'cache-dir', 'config'] },
  rye: { run: ['run'], values: ['pyproject'] },
  bundle: { run: ['exec'], values: ['gemfile'] },
  'cross-env': { run: null, values: [], assignments: true },
  'env-cmd': { run: null, values: ['f', 'file', 'e', 'environments', 'r', 'rc-file'] },
  dotenv: { run: null, values: ['e', 'v', 'c', 'p', 'f', 'file'] },
  dotenvx: { run: ['run'], values: ['f', 'env-file', 'e', 'env', 'fk', 'env-keys-file', 'o', 'overload', 'l', 'log-level', 'convention'] },
  direnv: { run: ['exec'], values: [], operands: 1 },
  mise: { run: ['exec', 'x'], values: ['C', 'cd', 'j', 'jobs'], chdir: ['C', 'cd'], afterDashes: true },
  asdf: { run: ['exec'], values: [] },
  op: { run: ['run'], values: ['env-file', 'account', 'config', 'encoding', 'session'], afterDashes: true },
  doppler: { run: ['run'], values: ['p', 'project', 'c', 'config', 'token', 'scope', 'mount', 'fallback', 'name-transformer'], afterDashes: true, shellString: ['command'] },
  infisical: { run: ['run'], values: ['env', 'path', 'token', 'projectId', 'tags', 'domain'], afterDashes: true, shellString: ['command'] },
  nix: { run: ['develop', 'shell'], values: ['c', 'command'] },
  'nix-shell': { run: null, values: ['p', 'packages', 'I', 'A', 'attr', 'arg', 'argstr'], shellString: ['run', 'command'] },
  devbox: { run: ['run'], values: ['c', 'config', 'e', 'env', 'env-file'] },
  railway: { run: ['run'], values: ['s', 'service', 'e', 'environment'], env: { DATABASE_URL: RAILWAY_DATABASE_URL } },
  'xvfb-run': { run: null, values: ['n', 'server-num', 'e', 'error-file', 'f', 'auth-file', 'p', 'xauth-protocol', 's', 'server-args', 'w', 'wait'] },
};

export const RUNNER_PROGRAMS = new Set(Object.keys(RUNNERS));

function optionName(word: string): { name: string; inline: boolean } {
  const bare = word.replace(/^--?/, '');
  const eq = bare.indexOf('=');
  return eq === -1 ? { name: bare, inline: false } : { name: bare.slice(0, eq), inline: true };
}

export function classifyRunner(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const spec = RUNNERS[name] as RunnerSpec;
  if (name === 'dotenv' || name === 'dotenvx') {
    const written = envFileWrite(name, args);
    if (written) {
      judgeOutputFile(written.file, inv.cwd, rt, inv.source, `${name} ${written.verb} rewrites ${written.file.display}`);
      return;
    }
  }
  let cwd = inv.cwd;
  let env = inv.env;
  let i = 0;
  let ran = spec.run === null;
  let dashes = false;
  let sawRun = false;
  /** Where the command starts if an unknown option took the next word as its value. */
  let alternative: number | null = null;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      reportOpaque(rt, `${name} is given a word guard cannot see, so the command it runs is unknown`, inv.source);
      return;
    }
    if (value === '--') {
      dashes = true;
      i++;
      break;
    }
    if (value.startsWith('-') && value !== '-') {
      const option = optionName(value);
      const takes = spec.values.includes(option.name) || (spec.shellString ?? []).includes(option.name);
      const given = option.inline ? knownField(value.slice(value.indexOf('=') + 1)) : takes ? args[i + 1] : undefined;
      if (takes && !option.inline) i++;
      if ((spec.shellString ?? []).includes(option.name) && given) {
        if (given.value === null) reportOpaque(rt, `${name} ${value} is given a command guard cannot see`, inv.source);
        else rt.shell(given.value, { cwd, env }, `${name} ${value}`);
        return;
      }
      if ((spec.chdir ?? []).includes(option.name) && given) cwd = given.value === null ? null : resolvePath(given.value, cwd);
      // nix develop -c CMD ARGS...: the command is the option's value and what follows.
      if (name === 'nix' && (option.name === 'c' || option.name === 'command') && ran) {
        const start = option.inline ? null : i;
        if (start !== null) return runAt(inv, args, start, cwd, env, rt);
      }
      if (!takes && !option.inline && alternative === null && ran) alternative = i + 2;
      continue;
    }
    if (!ran) {
      if (!(spec.run as string[]).includes(value)) return; // not a run: `uv pip install`, `poetry install`
      ran = true;
      continue;
    }
    if (spec.afterDashes || name === 'nix') continue; // tools, versions, installables before `--` or `-c`
    // python-dotenv: `dotenv [-f FILE] run [--override] -- cmd`.
    if (name === 'dotenv' && value === 'run' && !sawRun) {
      sawRun = true;
      continue;
    }
    if (spec.assignments) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
      if (match) {
        env = new Map(env);
        env.set(match[1] as string, match[2] as string);
        continue;
      }
    }
    break;
  }
  if (!ran) return;
  if (spec.afterDashes && !dashes) return; // `mise exec node@20` with no command: an interactive shell
  if (spec.env !== undefined) env = new Map([...env, ...Object.entries(spec.env)]);
  const start = i + (spec.operands ?? 0);
  if (name === 'nix') return; // nix develop / nix shell without -c: an interactive shell
  runAt(inv, args, start, cwd, env, rt);
  if (alternative !== null && alternative !== start && !dashes) runAt(inv, args, alternative, cwd, env, rt);
}

function runAt(inv: Invocation, args: Field[], start: number, cwd: string | null, env: Map<string, string | null>, rt: Runtime): void {
  const rest = args.slice(start);
  if (rest.length > 0) rt.exec(sub(inv, rest, { cwd, env }));
}

/**
 * python-dotenv's `dotenv [-f FILE] set KEY VALUE` / `unset KEY` and dotenvx's `set`: the env
 * file rewritten (default `.env` where it runs). Null for anything else.
 */
function envFileWrite(name: string, args: Field[]): { file: Field; verb: string } | null {
  let file: Field = knownField('.env');
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) return null;
    if (value === '-f' || value === '--file' || value === '--env-file') {
      const next = args[i + 1];
      if (next) file = next;
      i++;
      continue;
    }
    if (value.startsWith('--file=') || value.startsWith('--env-file=')) {
      file = knownField(value.slice(value.indexOf('=') + 1));
      continue;
    }
    if (value.startsWith('-')) continue;
    if (value === 'set' || (name === 'dotenv' && value === 'unset')) return { file, verb: value };
    return null;
  }
  return null;
}
