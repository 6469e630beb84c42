/**
 * A package manager running a package.json script: `npm run X` (`run-script`, `rum`, `urn`), the
 * lifecycle names npm runs directly (`npm test`/`t`/`tst`, `npm start`, `npm stop`, `npm
 * restart`), `pnpm X` / `pnpm run X`, `yarn X` / `yarn run X`, `bun run X` and `bun X` where X is
 * not one of bun's own commands, and the runners scripts call each other with (`run-s`, `run-p`,
 * `npm-run-all`). Before 2026-12-05 none was read: in a repository whose package.json had
 * `"nuke": "git clean -fdx"`, `npm run nuke` was "allow: no destructive command found" where
 * `git clean -fdx` typed alone captures the ignored `.env` and `local.db` first; `pnpm db:reset`
 * (`prisma migrate reset --force`) likewise.
 *
 * Now the script's own text is judged as if typed, in the package's directory: the nearest
 * package.json at or above where the manager runs (the shell's cwd, npm's `--prefix`, pnpm's
 * `-C`/`--dir`, yarn's and bun's `--cwd`), read as bytes through the state view (one read, no
 * git: StateView.file, src/util/nearest-file.ts). With it, as the managers run them:
 *  - `preX` and `postX` (npm, pnpm 8 and later, yarn 1 and bun run them; yarn 2+ does not, and
 *    pnpm 7 only with enable-pre-post-scripts: judged for every manager, the stricter reading);
 *    npm's `--ignore-scripts` skips them;
 *  - the arguments after the script's name appended, quoted, as the manager passes them (npm:
 *    its operands and everything after `--`; pnpm, yarn, bun: every word after the name; yarn 1
 *    drops a first `--`); a word guard cannot see stays unknown there;
 *  - `npm install`/`ci`/`pnpm install`/`yarn`/`bun install` with no package named run the
 *    package's own install lifecycle (preinstall, install, postinstall, prepublish, preprepare,
 *    prepare, postprepare); `npm pack`/`publish`/`version` theirs;
 *  - a script that runs others (`npm run a && npm run b`, `run-s a b`, `run-p 'lint:*'`) is
 *    followed the same way, nested scripts in the package that runs them, each script once per
 *    line (a cycle runs what was judged already), up to MAX_SCRIPTS script bodies per command
 *    line (and the evaluator's depth bound): past it, unknown.
 * `pnpm X`, `yarn X` and `bun X` where the package has no script X run the package's binary X
 * (`pnpm prisma migrate reset` is `npx prisma migrate reset`): judged as that binary. `npm X`
 * with X no script name npm runs itself is npm's own subcommand, never a script.
 *
 * Where nothing runs the manager fails and so does nothing: no package.json, one that is not a
 * JSON object, `npm run X` with no script X. A package.json guard cannot read (unreadable, over
 * FILE_TEXT_LIMIT) or a script name it cannot see is a command guard cannot see (opaque: asked
 * of a person, refused for an agent), as runners.ts treats a word it cannot see. Without a
 * view of the file system (the programmatic API, the corpus) nothing is read and these stay as
 * the text alone decides (allow).
 *
 * Workspaces (`npm run X -w pkg`, `--workspaces`, `pnpm -r`/`--filter F`/`-w`, `yarn workspace
 * pkg X`, `yarn workspaces foreach`, `bun --filter F`): X in every package of the workspace that
 * has it, whatever the selection says (no filter guard does not resolve can leave one out; a
 * workspace file it cannot read or a workspace over its listing bounds is unknown):
 * workspaceMembers. An install runs every workspace package's install lifecycle.
 *
 * turbo, lerna and nx run scripts across the workspace (`turbo run build`, `lerna run build`,
 * `nx run-many -t build`): classifyMonorepoRun, each task as a workspace run. `corepack pnpm`
 * is peeled as a wrapper (commands.ts).
 *
 * `npm`, `pnpm`, `yarn`, `turbo`, `lerna`, `nx` are risky words of the hook's sh fast path
 * (fast-path.ts): a line with one is judged in Node. `run-s`/`run-p` typed alone (or through npx) are not, so they are judged
 * inside scripts only.
 */
import path from 'node:path';
import { knownField, type Field } from './expand.js';
import { appendArgs, report, reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';
import { resolvePath } from './paths.js';
import { checkDeleteAbs } from './targets.js';
import { shownGitName } from '../../util/escaped-text.js';

/** Script bodies judged per command line, over all nesting (a script graph can fan out): past it, unknown. */
export const MAX_SCRIPTS = 2000;

/** What npm, pnpm, yarn and bun run for an install with no package named (the root package's lifecycle). */
const INSTALL_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/** npm's own commands that run the package's scripts, and which (without pre/post: they are listed). */
const NPM_LIFECYCLE: Record<string, string[]> = {
  install: INSTALL_LIFECYCLE,
  ci: INSTALL_LIFECYCLE,
  pack: ['prepack', 'prepare', 'postpack'],
  publish: ['prepublishOnly', 'prepack', 'prepare', 'postpack', 'publish', 'postpublish'],
  version: ['preversion', 'version', 'postversion'],
  restart: ['prerestart', 'restart', 'postrestart', 'prestop', 'stop', 'poststop', 'prestart', 'start', 'poststart'],
};

/** npm's spellings of its commands (aliases and abbreviations it accepts) that matter here. */
const NPM_ALIASES: Record<string, string> = {
  run: 'run-script', 'run-script': 'run-script', rum: 'run-script', urn: 'run-script',
  test: 'test', t: 'test', tst: 'test',
  start: 'start', stop: 'stop', restart: 'restart',
  install: 'install', i: 'install', in: 'install', ins: 'install', inst: 'install', insta: 'install', instal: 'install', isnt: 'install', isnta: 'install', isntal: 'install', isntall: 'install', add: 'install',
  ci: 'ci', 'clean-install': 'ci', ic: 'ci', 'install-clean': 'ci', 'isntall-clean': 'ci',
  it: 'install-test', 'install-test': 'install-test', cit: 'install-ci-test', 'install-ci-test': 'install-ci-test', 'clean-install-test': 'install-ci-test', sit: 'install-ci-test',
  pack: 'pack', publish: 'publish', version: 'version', verison: 'version',
  exec: 'exec', x: 'exec',
};

/** npm options that take a value (the others, known or not, take none: npm reads an unknown `--foo bar` as `--foo` and the operand `bar`). */
const NPM_VALUES = new Set(['prefix', 'w', 'workspace', 'registry', 'loglevel', 'userconfig', 'globalconfig', 'cache', 'tag', 'otp', 'scope', 'script-shell', 'include', 'omit', 'install-strategy', 'node-options', 'before', 'access', 'auth-type', 'call', 'c', 'package', 'userconfig', 'shell', 'editor', 'git', 'umask', 'color', 'fetch-retries', 'fetch-timeout', 'maxsockets', 'proxy', 'https-proxy', 'noproxy', 'cafile', 'ca', 'cert', 'key', 'viewer', 'which', 'depth']);

/**
 * pnpm's own commands (pnpm 10, and the npm commands it passes on): `pnpm X` runs a script X
 * only for a word not here (and `test`, `start`, `run`). A word missing from this list is
 * judged as a script where the package has one: the stricter reading.
 */
const PNPM_BUILTINS = new Set([
  'add', 'dedupe', 'fetch', 'import', 'i', 'install', 'it', 'install-test', 'ln', 'link', 'prune', 'rb', 'rebuild', 'rm', 'remove', 'uninstall', 'un', 'unlink', 'up', 'update', 'upgrade',
  'patch', 'patch-commit', 'patch-remove', 'audit', 'licenses', 'ls', 'list', 'll', 'la', 'outdated', 'why', 'approve-builds', 'create', 'dlx', 'exec', 'ignored-builds',
  'bin', 'c', 'config', 'set', 'get', 'deploy', 'doctor', 'init', 'pack', 'publish', 'root', 'self-update', 'env', 'cat-file', 'cat-index', 'find-hash', 'store', 'cache', 'server', 'setup', 'completion', 'help',
  'view', 'info', 'show', 'v', 'version', 'ping', 'whoami', 'login', 'logout', 'adduser', 'owner', 'dist-tag', 'docs', 'home', 'search', 'bugs', 'repo', 'edit', 'access', 'team', 'token', 'star', 'stars', 'unstar', 'hook', 'profile', 'deprecate', 'undeprecate', 'unpublish', 'fund', 'issues',
]);

/** pnpm options before its command that take a value. */
const PNPM_VALUES = new Set(['C', 'dir', 'F', 'filter', 'filter-prod', 'test-pattern', 'changed-files-ignore-pattern', 'reporter', 'loglevel', 'workspace-concurrency', 'resume-from', 'store-dir', 'virtual-store-dir', 'modules-dir', 'lockfile-dir', 'global-dir', 'report-summary-file']);

/**
 * yarn's own commands in both yarn 1 and yarn 2+ (the words either runs as a command whatever the
 * scripts say); a word only one of them has is judged as a script where the package has one.
 */
const YARN_BUILTINS = new Set(['add', 'bin', 'cache', 'config', 'exec', 'info', 'init', 'install', 'link', 'node', 'pack', 'remove', 'run', 'unlink', 'unplug', 'upgrade-interactive', 'version', 'why', 'workspace', 'workspaces', 'dlx', 'help']);

const YARN_VALUES = new Set(['cwd', 'modules-folder', 'cache-folder', 'global-folder', 'link-folder', 'mutex', 'network-concurrency', 'network-timeout', 'registry', 'use-yarnrc', 'otp']);

/** bun's own commands: `bun X` runs a script X for any other word (`bun run X` always looks for one). */
const BUN_BUILTINS = new Set([
  'run', 'test', 'x', 'repl', 'exec', 'install', 'i', 'add', 'a', 'remove', 'rm', 'update', 'audit', 'outdated', 'link', 'unlink', 'publish', 'pm', 'info', 'why', 'build', 'init',
  'create', 'c', 'upgrade', 'patch', 'patch-commit', 'feedback', 'help', 'completions', 'discord', 'getcompletes', 'unpublish', 'ci',
]);

const BUN_VALUES = new Set(['cwd', 'filter', 'F', 'elide-lines', 'shell', 'config', 'c', 'env-file', 'preload', 'r', 'require', 'import', 'tsconfig-override', 'define', 'd', 'loader', 'l', 'main-fields', 'conditions', 'port', 'inspect']);

/** A package.json as the manager reads it. */
interface Package {
  dir: string;
  file: string;
  scripts: Map<string, string>;
  /** Its `workspaces` globs (an array, or yarn's `{ packages: [...] }`); null where it has none. */
  workspaces: string[] | null;
  name: string | null;
  version: string | null;
}

/**
 * The package the manager runs in from `dir`: its package.json (nearest at or above, or at
 * `dir` exactly), 'none' where there is none or it is not a JSON object (the manager fails),
 * 'unknown' where guard cannot read it (reported), undefined where nothing is known yet (by
 * text, or while collecting before it is read).
 */
function packageAt(rt: Runtime, dir: string | null, up: boolean, inv: Invocation, who: string): Package | 'none' | 'unknown' | undefined {
  const view = rt.ctx.view;
  if (!view) return undefined;
  if (dir === null) {
    reportOpaque(rt, `${who} runs in a directory guard cannot see, so the scripts it runs are unknown`, inv.source);
    return 'unknown';
  }
  const found = view.file({ dir, name: 'package.json', up });
  if (found === undefined) return undefined;
  if (found === null) {
    reportOpaque(rt, `${who} runs the scripts of a package.json guard cannot read`, inv.source);
    return 'unknown';
  }
  if (found === 'missing') return 'none';
  // Parsed once per read (the same answer comes back in every pass).
  const cached = parsed.get(found);
  if (cached !== undefined) return cached;
  const pkg = parsePackage(found);
  parsed.set(found, pkg);
  return pkg;
}

const parsed = new WeakMap<object, Package | 'none'>();

function parsePackage(found: { path: string; text: string }): Package | 'none' {
  let json: unknown;
  try {
    json = JSON.parse(found.text.charCodeAt(0) === 0xfeff ? found.text.slice(1) : found.text);
  } catch {
    return 'none'; // the manager fails on it: nothing runs
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'none';
  const scripts = new Map<string, string>();
  const raw = (json as { scripts?: unknown }).scripts;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, body] of Object.entries(raw as Record<string, unknown>)) if (typeof body === 'string') scripts.set(name, body);
  }
  const declared = (json as { workspaces?: unknown }).workspaces;
  const list = Array.isArray(declared) ? declared : declared !== null && typeof declared === 'object' ? (declared as { packages?: unknown }).packages : undefined;
  const workspaces = Array.isArray(list) ? list.filter((g): g is string => typeof g === 'string') : null;
  const { name, version } = json as { name?: unknown; version?: unknown };
  return { dir: path.posix.dirname(found.path), file: found.path, scripts, workspaces, name: typeof name === 'string' ? name : null, version: typeof version === 'string' ? version : null };
}

/**
 * pnpm-workspace.yaml's `packages` globs, read without a YAML library (the hook stays small): a
 * block list (`packages:` then `  - 'glob'` lines) or a flow list (`packages: [a, 'b']`). Null
 * where the key says it otherwise (anchors): guard cannot tell the packages. No top-level
 * `packages` key (a file of settings only: `allowBuilds`, `patchedDependencies`, `catalog`, as
 * usememos/memos's web/ has): pnpm 10 takes the root package alone, pnpm 8 and 9 every package of
 * every subdirectory; the second, `**`, holds the first (the stricter reading).
 */
export function workspaceYamlGlobs(text: string): string[] | null {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/);
  const unquote = (word: string): string => {
    const w = word.trim();
    return (w.startsWith("'") && w.endsWith("'")) || (w.startsWith('"') && w.endsWith('"')) ? w.slice(1, -1) : w;
  };
  const stripComment = (line: string): string => line.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i] as string);
    const key = /^packages\s*:\s*(.*)$/.exec(line);
    if (!key) continue;
    const rest = (key[1] as string).trim();
    if (rest.startsWith('[')) {
      if (!rest.endsWith(']')) return null;
      return rest.slice(1, -1).split(',').map(unquote).filter((g) => g !== '');
    }
    if (rest !== '') return null;
    const globs: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const item = stripComment(lines[j] as string);
      if (item.trim() === '') continue;
      if (!/^\s/.test(item) && !item.startsWith('-')) break; // the next top-level key
      const entry = /^\s*-\s+(.+)$/.exec(item);
      if (!entry) return null;
      const glob = unquote(entry[1] as string);
      if (/^[&*]/.test(glob)) return null;
      globs.push(glob);
    }
    return globs;
  }
  return ['**'];
}

/**
 * The packages a workspace selection may run a script in (`npm -w pkg`, `--workspaces`, `pnpm -r`,
 * `pnpm --filter F`, `pnpm -w`, `yarn workspace pkg`, `yarn workspaces foreach`, `bun --filter F`):
 * the workspace's root and every package of it, whatever the selection says, so no filter guard
 * does not resolve (names, `...pkg`, `{dir}`, `[since]`) can leave a script out: the stricter
 * reading. The root is the nearest pnpm-workspace.yaml's directory (pnpm) and the nearest
 * package.json with `workspaces` (npm, yarn, bun), both where both are; its packages the
 * directories its globs select that hold a package.json (src/util/nearest-file.ts: bounded, no
 * git). Not a workspace: the package itself. A root or list guard cannot read: unknown (reported).
 * `within` (pnpmFilterDirs): only the packages at or under those directories (the root and the
 * package itself too only there).
 */
function workspaceMembers(rt: Runtime, inv: Invocation, start: Package, who: string, within?: string[]): Package[] | 'unknown' | undefined {
  const view = rt.ctx.view;
  if (!view) return undefined;
  const yaml = view.file({ dir: start.dir, name: 'pnpm-workspace.yaml', up: true });
  let pending = yaml === undefined;
  if (yaml === null) {
    reportOpaque(rt, `${who} runs scripts across a workspace whose pnpm-workspace.yaml guard cannot read`, inv.source);
    return 'unknown';
  }
  let root: Package | 'none' | 'unknown' | undefined = start;
  for (let level = 0; level < 64 && root !== undefined && root !== 'none' && root !== 'unknown' && root.workspaces === null; level++) {
    const parent = path.posix.dirname(root.dir);
    root = parent === root.dir ? 'none' : packageAt(rt, parent, true, inv, who);
  }
  if (root === 'unknown') return 'unknown';
  if (root === undefined) pending = true;
  if (pending) return undefined;
  const roots: Array<{ dir: string; globs: string[] }> = [];
  if (yaml !== undefined && yaml !== 'missing') {
    const globs = workspaceYamlGlobs(yaml.text);
    if (globs === null) {
      reportOpaque(rt, `${who} runs scripts across a workspace whose packages guard cannot read from ${yaml.path}`, inv.source);
      return 'unknown';
    }
    roots.push({ dir: path.posix.dirname(yaml.path), globs });
  }
  if (root !== undefined && root !== 'none' && root.workspaces !== null) roots.push({ dir: root.dir, globs: root.workspaces });
  if (roots.length === 0) return [start];
  const selected = (dir: string): boolean => !within || within.some((base) => dir === base || base === '/' || dir.startsWith(`${base}/`));
  const members = new Map<string, Package>(selected(start.dir) ? [[start.dir, start]] : []);
  for (const { dir, globs } of roots) {
    const query = within ? { root: dir, globs, within } : { root: dir, globs };
    for (const member of [dir, ...(view.packageDirs(query) ?? [])]) {
      if (members.has(member) || !selected(member)) continue;
      const pkg = packageAt(rt, member, false, inv, who);
      if (pkg === 'unknown') return 'unknown';
      if (pkg === undefined) pending = true;
      else if (pkg !== 'none') members.set(member, pkg);
    }
    const dirs = view.packageDirs(query);
    if (dirs === undefined) pending = true;
    else if (dirs === null) {
      reportOpaque(rt, `${who} runs scripts across a workspace larger than guard lists (${dir})`, inv.source);
      return 'unknown';
    }
  }
  return pending ? undefined : [...members.values()];
}

/**
 * A script run across a workspace selection: in every member that has it (workspaceMembers).
 * Where none has it: pnpm, yarn and bun run the binary (`pnpm -r prisma ...`), npm fails.
 */
function workspaceRun(rt: Runtime, inv: Invocation, manager: string, options: Options, start: Package, name: string, args: Field[], binary: boolean): void {
  const label = `${manager} ${name} (workspace)`;
  const members = workspaceMembers(rt, inv, start, label, manager === 'pnpm' ? (pnpmFilterDirs(inv, options) ?? undefined) : undefined);
  if (members === undefined || members === 'unknown') return;
  const root = manager === 'turbo' || manager === 'lerna' ? workspaceRoot(members) : null;
  let found = false;
  for (const member of members) {
    if (!member.scripts.has(name)) continue;
    if (member === root && !runsRootTask(rt, manager, root, name)) continue;
    found = true;
    runScript(rt, inv, member, name, args, label, !options.ignoreScripts);
  }
  if (!found && binary) rt.exec(sub(inv, [knownField(name), ...args], { cwd: options.cwd }));
}

/** The workspace's root package: the member every other member's directory lies under (null with one member). */
function workspaceRoot(members: Package[]): Package | null {
  if (members.length < 2) return null;
  return members.find((m) => members.every((o) => o === m || o.dir.startsWith(m.dir === '/' ? '/' : `${m.dir}/`))) ?? null;
}

/**
 * Whether turbo or lerna runs the root package's own script too. lerna never does (`lerna run`
 * runs the packages'); turbo only for a root task its turbo.json declares (`"//#clean"`). In
 * create-t3-turbo the root's `"lint": "turbo run lint -- --cache ..."` was judged as running
 * itself with its arguments appended, again and again, until the depth bound refused `pnpm
 * lint` as a command nested too deeply (sweep of 2026-12-05 evening). A turbo.json guard cannot
 * read: the root's script is judged too (the stricter reading).
 */
function runsRootTask(rt: Runtime, manager: string, root: Package, name: string): boolean {
  if (manager === 'lerna') return false;
  const found = rt.ctx.view?.file({ dir: root.dir, name: 'turbo.json', up: false });
  if (found === undefined || found === null) return true;
  if (found === 'missing') return true;
  return found.text.includes(`"//#${name}"`);
}

/**
 * The directories pnpm's `--filter`s can select packages in, where every filter that selects is
 * a location (`./packages/*`, `../x`, `.`, `{packages/**}`, `name{dir}`): pnpm selects only
 * projects whose directory is at or under the filter's directory (matched exactly or as a glob,
 * @pnpm/filter-workspace-packages), so the part before the first segment with a glob character
 * bounds them. Exclusions (`!F`) only narrow what the others select and are left out. Null (the
 * whole workspace) without filters, with `-w`, or with a filter that selects by name, by what
 * changed (`[ref]`), by dependencies or dependents (`...`), or that guard cannot see. The
 * directories are taken against both the shell's directory and `-C`'s, where they differ.
 */
function pnpmFilterDirs(inv: Invocation, options: Options): string[] | null {
  if (options.filters.length === 0 || options.rootSelected || inv.cwd === null || options.cwd === null) return null;
  const bases = new Set<string>();
  let includes = 0;
  for (const filter of options.filters) {
    if (filter === null) return null;
    if (filter.startsWith('!')) continue;
    includes++;
    if (filter.startsWith('...') || filter.endsWith('...')) return null;
    let dir: string;
    if (/^\.\.?(?:$|\/)/.test(filter)) dir = filter;
    else {
      const parts = /^([^.][^{}[\]]*)?(\{[^}]+\})?(\[[^\]]+\])?$/.exec(filter);
      if (!parts || parts[3] !== undefined || parts[2] === undefined) return null;
      dir = parts[2].slice(1, -1);
    }
    const fixed: string[] = [];
    for (const segment of dir.split('/')) {
      if (/[*?[\]{}()!+@\\]/.test(segment)) break;
      fixed.push(segment);
    }
    for (const prefix of new Set([inv.cwd, options.cwd])) bases.add(path.posix.join(prefix, ...fixed).replace(/(.)\/$/, '$1'));
  }
  return includes === 0 ? null : [...bases].sort();
}

/** Install lifecycles: of the package, and where it is a workspace's root, of every package of it (the managers run them all). */
function installAll(rt: Runtime, inv: Invocation, pkg: Package, label: string): void {
  const members = workspaceMembers(rt, inv, pkg, label);
  if (members === undefined || members === 'unknown') return;
  for (const member of members) runLifecycle(rt, inv, member, INSTALL_LIFECYCLE, label);
}

/** Script bodies judged so far, per classification pass (the view is new each pass). */
const judged = new WeakMap<object, Set<string>>();

/**
 * Whether to judge a script body: once per package, script and text in a pass (a script reached
 * again, through a cycle or another path, runs what was judged already: `"build": "pnpm -r run
 * build"` in a workspace's root reaches itself), and at most MAX_SCRIPTS in all (reported past it).
 */
function firstTime(rt: Runtime, inv: Invocation, key: string): boolean {
  const scope = rt.ctx.view ?? rt.ctx;
  let seen = judged.get(scope);
  if (!seen) judged.set(scope, (seen = new Set()));
  if (seen.has(key)) return false;
  seen.add(key);
  if (seen.size === MAX_SCRIPTS + 1) reportOpaque(rt, `the package scripts this runs call more than ${MAX_SCRIPTS} others, more than guard follows`, inv.source);
  return seen.size <= MAX_SCRIPTS;
}

/**
 * Judges one script body as the manager runs it: `sh -c 'BODY ARGS'` in the package's directory,
 * the arguments quoted (an unknown one as an unknown variable, unquoted where it may split), with
 * the variables every manager sets that scripts use as commands or paths (`$npm_execpath run
 * clean` is the manager running another script); the other `npm_*` ones stay unknown.
 */
function runBody(rt: Runtime, inv: Invocation, pkg: Package, name: string, args: Field[], label: string): void {
  const body = pkg.scripts.get(name);
  if (body === undefined) return;
  const env = new Map(inv.env);
  const manager = /^(npm|pnpm|yarn|bun)\b/.exec(label)?.[1] ?? 'npm';
  env.set('npm_execpath', manager);
  env.set('npm_node_execpath', 'node');
  env.set('NODE', 'node');
  env.set('npm_lifecycle_event', name);
  env.set('npm_lifecycle_script', body);
  env.set('npm_package_json', pkg.file);
  env.set('INIT_CWD', inv.cwd);
  if (pkg.name !== null) env.set('npm_package_name', pkg.name);
  if (pkg.version !== null) env.set('npm_package_version', pkg.version);
  const text = appendArgs(body, args, env, '__guard_script_arg');
  if (!firstTime(rt, inv, JSON.stringify([pkg.dir, name, text, [...env]]))) return;
  // Every verdict but allow says what ran the text: "in: git clean -fdx" alone did not tell the
  // person that `npm run nuke` was the command to look at.
  const shownFile = (inv.cwd !== null ? path.posix.relative(inv.cwd, pkg.file) : pkg.file) || 'package.json';
  rt.shell(text, { cwd: pkg.dir, env, positional: ['sh'], via: `run by \`${inv.source}\`: script "${name}" of ${shownFile}` }, `${label} (package.json script "${name}": ${body})`);
}

/** A script with its pre- and post-script. */
function runScript(rt: Runtime, inv: Invocation, pkg: Package, name: string, args: Field[], label: string, prePost: boolean): void {
  if (prePost) runBody(rt, inv, pkg, `pre${name}`, [], label);
  runBody(rt, inv, pkg, name, args, label);
  if (prePost) runBody(rt, inv, pkg, `post${name}`, [], label);
}

function runLifecycle(rt: Runtime, inv: Invocation, pkg: Package, names: string[], label: string): void {
  for (const name of names) runBody(rt, inv, pkg, name, [], label);
}

function optionName(word: string): { name: string; inline: boolean } {
  const bare = word.replace(/^--?/, '');
  const eq = bare.indexOf('=');
  return eq === -1 ? { name: bare, inline: false } : { name: bare.slice(0, eq), inline: true };
}

/** What a manager's own options say: where it runs, whether scripts are skipped, and a workspace selection. */
interface Options {
  cwd: string | null;
  /** The directory was named (npm --prefix, pnpm -C): the package.json there, not above. */
  exact: boolean;
  ignoreScripts: boolean;
  /** A workspace selection (`-w`, `--workspaces`, `-r`, `--filter`): what it selects, as written. */
  workspaces: string[] | null;
  /** An option guard cannot see (its word unknown). */
  unseen: boolean;
  /** pnpm's `--filter`/`-F`/`--filter-prod` values, as given (null: a value guard cannot see). */
  filters: Array<string | null>;
  /** pnpm's `-w`/`--workspace-root`. */
  rootSelected: boolean;
}

function newOptions(inv: Invocation): Options {
  return { cwd: inv.cwd, exact: false, ignoreScripts: false, workspaces: null, unseen: false, filters: [], rootSelected: false };
}

/** Applies one option word (and its value, where it takes one); returns how many words it used. */
function applyOption(manager: string, args: Field[], i: number, options: Options, values: Set<string>): number {
  const word = args[i]?.value as string;
  const option = optionName(word);
  const takes = values.has(option.name);
  const value = option.inline ? word.slice(word.indexOf('=') + 1) : takes ? (args[i + 1]?.value ?? null) : null;
  const used = takes && !option.inline ? 2 : 1;
  if (option.name === 'ignore-scripts') options.ignoreScripts = true;
  const chdir = (manager === 'npm' && option.name === 'prefix') || (manager === 'pnpm' && (option.name === 'C' || option.name === 'dir')) || ((manager === 'yarn' || manager === 'bun') && option.name === 'cwd');
  if (chdir) {
    options.cwd = value === null ? null : resolvePath(value, options.cwd);
    options.exact = manager === 'npm';
  }
  const selects =
    (manager === 'npm' && ['w', 'workspace', 'workspaces', 'ws'].includes(option.name)) ||
    (manager === 'pnpm' && ['r', 'recursive', 'F', 'filter', 'filter-prod', 'w', 'workspace-root'].includes(option.name)) ||
    (manager === 'bun' && ['filter', 'F', 'workspaces'].includes(option.name));
  if (selects) options.workspaces = [...(options.workspaces ?? []), value ?? option.name];
  if (manager === 'pnpm' && ['F', 'filter', 'filter-prod'].includes(option.name)) options.filters = [...options.filters, value];
  if (manager === 'pnpm' && ['w', 'workspace-root'].includes(option.name)) options.rootSelected = true;
  return used;
}

/**
 * Script `name` where the manager runs (or, with a workspace selection, across the workspace:
 * workspaceRun). Where the package has no such script: `binary` (pnpm X, yarn X, bun X, yarn run
 * X) runs the package's binary, judged as `npx X` in the directory the manager runs in; `nothing`
 * (npm run X, pnpm run X, pnpm test) fails. No package.json: the binary, or nothing.
 */
function runNamed(rt: Runtime, inv: Invocation, manager: string, options: Options, name: string, args: Field[], missing: 'binary' | 'nothing'): void {
  const label = `${manager} ${name}`;
  const pkg = packageAt(rt, options.cwd, !options.exact, inv, label);
  if (pkg === undefined || pkg === 'unknown') return;
  if (pkg !== 'none' && options.workspaces !== null) return workspaceRun(rt, inv, manager, options, pkg, name, args, missing === 'binary');
  if (pkg !== 'none' && pkg.scripts.has(name)) return runScript(rt, inv, pkg, name, args, label, !options.ignoreScripts);
  if (missing === 'binary') rt.exec(sub(inv, [knownField(name), ...args], { cwd: options.cwd }));
}

/** yarn 1 drops a first `--` before passing the words on. */
function passed(manager: string, args: Field[]): Field[] {
  return manager === 'yarn' && args[0]?.value === '--' ? args.slice(1) : args;
}

export function classifyPackageManager(inv: Invocation, args: Field[], rt: Runtime, manager: 'npm' | 'pnpm' | 'yarn'): void {
  if (manager === 'npm') return classifyNpm(inv, args, rt);
  const options = newOptions(inv);
  const values = manager === 'pnpm' ? PNPM_VALUES : YARN_VALUES;
  let i = 0;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) break;
    if (value === '--') {
      i++;
      break;
    }
    if (!value.startsWith('-') || value === '-') break;
    i += applyOption(manager, args, i, options, values) - 1;
  }
  const head = args[i];
  if (!head) {
    // `yarn` alone installs: the package's install lifecycle.
    if (manager === 'yarn') return install(rt, inv, manager, options);
    return;
  }
  if (head.value === null) return reportOpaque(rt, `${manager} is given a command guard cannot see`, inv.source);
  const rest = args.slice(i + 1);
  const command = head.value;
  if (command === 'exec' && options.workspaces !== null) return workspaceExec(rt, inv, manager, options, rest);
  if (command === 'exec' || command === 'dlx') return runNpx(inv, rest, rt, options);
  if (command === 'run' || command === 'run-script') {
    // `pnpm run [options] X args`: options before the name are pnpm's.
    let j = 0;
    for (; j < rest.length; j++) {
      const value = rest[j]?.value;
      if (value === null || value === undefined || !value.startsWith('-') || value === '-') break;
      j += applyOption(manager, rest, j, options, values) - 1;
    }
    const name = rest[j];
    if (!name) return;
    if (name.value === null) return reportOpaque(rt, `${manager} run is given a script name guard cannot see`, inv.source);
    // yarn run X falls back to the binary; pnpm run X fails.
    return runNamed(rt, inv, manager, options, name.value, passed(manager, rest.slice(j + 1)), manager === 'yarn' ? 'binary' : 'nothing');
  }
  if (manager === 'pnpm' && (command === 'test' || command === 't' || command === 'tst' || command === 'start')) {
    return runNamed(rt, inv, manager, options, command === 'start' ? 'start' : 'test', rest, 'nothing');
  }
  if (manager === 'pnpm' && ['install', 'i', 'add', 'update', 'up', 'upgrade', 'it', 'install-test'].includes(command)) {
    install(rt, inv, manager, options, rest);
    if (command === 'it' || command === 'install-test') runNamed(rt, inv, manager, options, 'test', [], 'nothing');
    return;
  }
  if (manager === 'yarn' && (command === 'remove' || command === 'upgrade')) return yarnPrunes(rt, inv, options, `yarn ${command}`, command === 'remove' ? rest.filter((a) => a.value === null || !a.value.startsWith('-')) : []);
  if (manager === 'yarn' && (command === 'install' || command === 'add')) return install(rt, inv, manager, options, rest);
  if (manager === 'yarn' && command === 'workspace') {
    // `yarn workspace NAME X args`: X in that package (any of the workspace's: workspaceMembers).
    const script = rest[1];
    if (!script) return;
    if (script.value === null) return reportOpaque(rt, 'yarn workspace is given a command guard cannot see', inv.source);
    const selected = { ...options, workspaces: [rest[0]?.value ?? '?'] };
    if (script.value === 'run') {
      const name = rest[2];
      if (!name) return;
      if (name.value === null) return reportOpaque(rt, 'yarn workspace run is given a script name guard cannot see', inv.source);
      return runNamed(rt, inv, manager, selected, name.value, passed(manager, rest.slice(3)), 'binary');
    }
    if (script.value === 'install' || script.value === 'add') return install(rt, inv, manager, options);
    if (script.value === 'exec') return workspaceExec(rt, inv, manager, selected, rest.slice(2));
    if (YARN_BUILTINS.has(script.value)) return;
    return runNamed(rt, inv, manager, selected, script.value, passed(manager, rest.slice(2)), 'binary');
  }
  if (manager === 'yarn' && command === 'workspaces') {
    // yarn 1 `workspaces run X`, yarn 2+ `workspaces foreach [options] [run] X`: X across the workspace.
    let j = rest[0]?.value === 'foreach' || rest[0]?.value === 'run' ? 1 : rest.length;
    for (; j < rest.length; j++) {
      const value = rest[j]?.value;
      if (value === null || value === undefined || !value.startsWith('-')) break;
      if (['--from', '--include', '--exclude', '-j', '--jobs', '--since'].includes(value)) j++;
    }
    if (rest[j]?.value === 'run') j++;
    const name = rest[j];
    if (!name) return;
    if (name.value === null) return reportOpaque(rt, 'yarn workspaces is given a command guard cannot see', inv.source);
    if (name.value === 'exec') return workspaceExec(rt, inv, manager, { ...options, workspaces: ['*'] }, rest.slice(j + 1));
    if (YARN_BUILTINS.has(name.value) && name.value !== 'run') return;
    return runNamed(rt, inv, manager, { ...options, workspaces: ['*'] }, name.value, rest.slice(j + 1), 'binary');
  }
  if ((manager === 'pnpm' ? PNPM_BUILTINS : YARN_BUILTINS).has(command)) return;
  runNamed(rt, inv, manager, options, command, passed(manager, rest), 'binary');
}

/** The install lifecycle of the package, and of every package of its workspace (installAll). */
function install(rt: Runtime, inv: Invocation, manager: string, options: Options, args: Field[] = []): void {
  // yarn 1 prunes node_modules whenever it links, scripts or not (pnpm leaves what it did not install).
  if (manager === 'yarn') yarnPrunes(rt, inv, options, 'yarn install');
  if (options.ignoreScripts || args.some((a) => a.value === '--ignore-scripts' || a.value === '--mode=skip-build')) return;
  const label = `${manager} install`;
  const pkg = packageAt(rt, options.cwd, !options.exact, inv, label);
  if (pkg === undefined || pkg === 'unknown' || pkg === 'none') return;
  installAll(rt, inv, pkg, label);
}

/** yarn's install, add, remove and upgrade: the package's node_modules is pruned (prunedClone). */
function yarnPrunes(rt: Runtime, inv: Invocation, options: Options, label: string, drop: Field[] = []): void {
  const pkg = packageAt(rt, options.cwd, !options.exact, inv, label);
  if (pkg !== undefined && pkg !== 'unknown' && pkg !== 'none') prunedClone(rt, inv, pkg.dir, label, drop);
}

/**
 * `pnpm -r exec CMD`, `pnpm --filter F exec CMD`, `yarn workspaces foreach exec CMD`, `yarn
 * workspace NAME exec CMD`: CMD in every package of the workspace (workspaceMembers: no
 * selection guard does not resolve leaves one out). `pnpm -r exec rm -rf .env.local` was judged
 * in the directory typed only, where there is no .env.local, while apps/nextjs/.env.local went
 * (create-t3-turbo, sweep of 2026-12-05 evening).
 */
function workspaceExec(rt: Runtime, inv: Invocation, manager: string, options: Options, args: Field[]): void {
  const label = `${manager} exec (workspace)`;
  const pkg = packageAt(rt, options.cwd, !options.exact, inv, label);
  if (pkg === undefined || pkg === 'unknown') return;
  if (pkg === 'none') return runNpx(inv, args, rt, options);
  const members = workspaceMembers(rt, inv, pkg, label, manager === 'pnpm' ? (pnpmFilterDirs(inv, options) ?? undefined) : undefined);
  if (members === undefined || members === 'unknown') return;
  for (const member of members) runNpx(inv, args, rt, { ...options, cwd: member.dir });
}

/** `pnpm exec X`, `pnpm dlx X`, `yarn exec X`, `npm exec X`: the program, as npx runs it. */
function runNpx(inv: Invocation, args: Field[], rt: Runtime, options: Options): void {
  rt.exec(sub(inv, [knownField('npx'), ...args], { cwd: options.cwd }));
}

/** npm commands besides install that reify the tree, and so prune what no dependency reaches from node_modules. */
const NPM_PRUNING = new Set(['prune', 'uninstall', 'unlink', 'remove', 'rm', 'r', 'un', 'update', 'up', 'upgrade', 'udpate', 'dedupe', 'ddp']);

/**
 * An install that prunes node_modules (`npm install`, `npm prune`, yarn 1 when it links) in the
 * package at `dir`: refused where a repository there that no dependency reaches holds work no
 * remote holds (src/git/install-prune.ts). Where there is no node_modules, nothing is asked, and
 * the answer may be kept by the agent hook's shim as before (it depends on node_modules staying
 * absent); where there is one, the file system is walked for a `.git` (git runs only where one is).
 */
function prunedClone(rt: Runtime, inv: Invocation, dir: string, label: string, drop: Field[] = []): void {
  const view = rt.ctx.view;
  const modules = path.posix.join(dir, 'node_modules');
  const there = view?.file({ dir: modules, name: '', up: false });
  if (!view || there === undefined || there === 'missing') return;
  // The packages an uninstall names go too, declared or not (`npm uninstall foo`, `yarn remove foo`);
  // a name guard cannot see may be any of them ('*': every one the package declares).
  const found = view.installPrune({ dir, drop: drop.map((field) => (field.value === null ? '*' : field.value.replace(/(.)@[^@/]*$/, '$1'))) });
  if (!found) return;
  const name = Buffer.from(found.path, 'latin1').toString('utf8');
  const shown = shownGitName(found.path);
  const manager = label.split(' ')[0] as string;
  report(
    rt,
    'deny',
    'git-dir-write',
    `${label} removes from node_modules every package no dependency reaches${drop.length > 0 ? ' and those it uninstalls' : ''}, and ${name}, one of them, is a git repository with ${found.work}: a reinstall does not bring that back, and no snapshot holds another repository's history`,
    inv.source,
    `Publish or keep that work first (\`git -C ${shown} push\`, or move ${shown} out of node_modules: \`mv ${shown} ../\` and \`${manager === 'yarn' ? 'yarn add' : 'npm install'} file:../NAME\` links it back as a dependency), then run ${label} again.`,
  );
}

function classifyNpm(inv: Invocation, args: Field[], rt: Runtime): void {
  const options = newOptions(inv);
  // npm reads its options anywhere before `--`; the operands in order are the command, then its operands.
  const operands: Field[] = [];
  const after: Field[] = [];
  let dashes = false;
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    if (dashes) {
      after.push(field);
      continue;
    }
    if (field.value === null) {
      // Before the command: it may be the command; after it, an operand (a script's argument).
      if (operands.length === 0) return reportOpaque(rt, 'npm is given a command guard cannot see', inv.source);
      operands.push(field);
      continue;
    }
    if (field.value === '--') {
      dashes = true;
      continue;
    }
    // npm exec's options and its command's words are npx's to read.
    if (operands.length === 1 && NPM_ALIASES[operands[0]?.value as string] === 'exec') return runNpx(inv, args.slice(i), rt, options);
    if (field.value.startsWith('-') && field.value !== '-') {
      i += applyOption('npm', args, i, options, NPM_VALUES) - 1;
      continue;
    }
    operands.push(field);
  }
  const command = operands[0]?.value;
  if (command === undefined || command === null) return;
  const canonical = NPM_ALIASES[command];
  if (NPM_PRUNING.has(command) || canonical === 'install' || canonical === 'install-test') {
    // npm reifies the whole tree, pruning what no dependency reaches, scripts or not (not with -g or --dry-run).
    const global = args.some((a) => a.value === '-g' || a.value === '--global' || a.value === '--location=global' || a.value === '--dry-run');
    const pkg = global ? undefined : packageAt(rt, options.cwd, !options.exact, inv, `npm ${command}`);
    const uninstall = ['uninstall', 'unlink', 'remove', 'rm', 'r', 'un'].includes(command);
    if (pkg !== undefined && pkg !== 'unknown' && pkg !== 'none') prunedClone(rt, inv, pkg.dir, `npm ${command}`, uninstall ? operands.slice(1) : []);
  }
  if (canonical === undefined) return; // an npm command of its own, or an unknown one (npm fails): never a script
  if (canonical === 'exec') return runNpx(inv, [...operands.slice(1), ...after], rt, options);
  const label = `npm ${command}`;
  const operandArgs = [...operands.slice(canonical === 'run-script' ? 2 : 1), ...after];
  if (canonical === 'install' || canonical === 'ci' || canonical === 'install-test' || canonical === 'install-ci-test') {
    // `npm install PKG` adds packages without running the package's own scripts; with none named it runs them.
    const wipes = canonical === 'ci' || canonical === 'install-ci-test';
    if (!wipes && (options.ignoreScripts || (canonical === 'install' && operands.length > 1))) return;
    const pkg = packageAt(rt, options.cwd, !options.exact, inv, label);
    if (pkg === undefined || pkg === 'unknown' || pkg === 'none') return;
    // `npm ci` deletes node_modules before it installs, scripts or not: judged as that deletion, so
    // a nested repository there holding work of its own (a dependency cloned in and patched) is
    // refused as under `rm -rf node_modules` (targets.ts); regenerable output alone stays free.
    if (wipes) rt.report(checkDeleteAbs(path.posix.join(pkg.dir, 'node_modules'), rt.ctx, inv.source, { recursive: true, verb: `${label} deletes`, installs: label }));
    if (options.ignoreScripts) return;
    installAll(rt, inv, pkg, label);
    if (canonical === 'install-test' || canonical === 'install-ci-test') runNamed(rt, inv, 'npm', options, 'test', [], 'nothing');
    return;
  }
  if (canonical === 'pack' || canonical === 'publish' || canonical === 'version') {
    if (options.ignoreScripts) return;
    // `npm version` with no operand prints versions; `npm publish`/`pack` of a named tarball or folder run that one's.
    if (canonical === 'version' && operands.length < 2) return;
    const pkg = packageAt(rt, options.cwd, !options.exact, inv, label);
    if (pkg === undefined || pkg === 'unknown' || pkg === 'none') return;
    return runLifecycle(rt, inv, pkg, NPM_LIFECYCLE[canonical] as string[], label);
  }
  let name: Field | undefined;
  if (canonical === 'run-script') {
    name = operands[1];
    if (!name) return; // `npm run` lists the scripts
    if (name.value === null) return reportOpaque(rt, 'npm run is given a script name guard cannot see', inv.source);
  } else name = knownField(canonical);
  if (canonical === 'restart') {
    // No restart script: npm runs stop, then start, each with its pre- and post-script (judged either way).
    runNamed(rt, inv, 'npm', options, 'stop', [], 'nothing');
    runNamed(rt, inv, 'npm', options, 'start', [], 'nothing');
  }
  // `npm start` with no start script runs `node server.js` (a file guard does not read); a missing script fails.
  runNamed(rt, inv, 'npm', options, name.value as string, operandArgs, 'nothing');
}

/**
 * bun: `bun run X` and `bun X` (X not one of bun's commands) run the package's script X; where
 * there is none, a file or a binary (a file is not read, as `node file.js` is not; a binary is
 * judged as `npx X`). `bun install` runs the package's install lifecycle. Returns false where it
 * is none of these (`bun -e`, `bun x`, `bun file.ts`), for the interpreter's handler.
 */
export function classifyBunScript(inv: Invocation, args: Field[], rt: Runtime): boolean {
  const options = newOptions(inv);
  let i = 0;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !value.startsWith('-') || value === '-' || value === '--') break;
    if (['e', 'eval', 'p', 'print'].includes(optionName(value).name)) return false;
    i += applyOption('bun', args, i, options, BUN_VALUES) - 1;
  }
  const head = args[i];
  if (!head || head.value === null) return false;
  let name: Field | undefined = head;
  let rest = args.slice(i + 1);
  if (head.value === 'install' || head.value === 'i' || head.value === 'add' || head.value === 'a') {
    install(rt, inv, 'bun', options, args.slice(i + 1));
    return true;
  }
  if (head.value === 'run') {
    let j = 0;
    for (; j < rest.length; j++) {
      const value = rest[j]?.value;
      if (value === null || value === undefined || !value.startsWith('-') || value === '-') break;
      if (['e', 'eval'].includes(optionName(value).name)) return false;
      j += applyOption('bun', rest, j, options, BUN_VALUES) - 1;
    }
    name = rest[j];
    rest = rest.slice(j + 1);
    if (!name) return true;
  } else if (BUN_BUILTINS.has(head.value) && options.workspaces === null) return false; // `bun --filter F build` runs the scripts
  if (name.value === null) {
    reportOpaque(rt, `bun runs ${name.display}, a script or program guard cannot see`, inv.source);
    return true;
  }
  // A path (`bun ./x.ts`, `bun run src/a.js`): a file, not a script.
  if (name.value.includes('/') || /\.(m?[jt]sx?|c[jt]s)$/.test(name.value)) return false;
  runNamed(rt, inv, 'bun', options, name.value, rest, 'binary');
  return true;
}

/**
 * `run-s a b`, `run-p 'lint:*'`, `npm-run-all -s a -p b c`: each named script of the package in
 * the directory they run in (as `npm run NAME`), a glob (`lint:*`, `build:**`) every script it
 * matches (`*` within a `:`-separated part, `**` across them). Their arguments after `--` go
 * to scripts through `{1}`, `{@}` placeholders: judged as unknown words.
 */
export function classifyRunAll(inv: Invocation, args: Field[], rt: Runtime, name: string): void {
  const patterns: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === '--') break;
    if (value !== null && value !== undefined && value.startsWith('-')) {
      // --max-parallel N and --npm-path P take a value; -s/-p/-r/-l/-c ... do not.
      if (value === '--max-parallel' || value === '--npm-path') i++;
      continue;
    }
    if (args[i]) patterns.push(args[i] as Field);
  }
  const pkg = packageAt(rt, inv.cwd, true, inv, name);
  if (pkg === undefined || pkg === 'unknown' || pkg === 'none') return;
  for (const pattern of patterns) {
    if (pattern.value === null) {
      reportOpaque(rt, `${name} is given a script name guard cannot see`, inv.source);
      continue;
    }
    // `name arg1 arg2` in quotes: the script and its arguments.
    const [script, ...words] = pattern.value.split(/\s+/).filter((w) => w !== '');
    if (script === undefined) continue;
    const matcher = scriptPattern(script);
    for (const candidate of pkg.scripts.keys()) {
      if (matcher(candidate)) runScript(rt, inv, pkg, candidate, words.map(knownField), `${name} ${script}`, true);
    }
  }
}

/** npm-run-all's script globs: `*` within a `:`-separated part, `**` across parts. */
function scriptPattern(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) return (name) => name === pattern;
  const source = pattern
    .split('')
    .map((c, i, all) => (c === '*' ? (all[i + 1] === '*' ? '\u0000' : all[i - 1] === '*' ? '' : '[^:]*') : c === '?' ? '[^:]' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('')
    .replace(/\u0000/g, '.*');
  const regexp = new RegExp(`^${source}$`);
  return (name) => regexp.test(name);
}

/** turbo's own commands: `turbo X` runs the task X for any other word. */
const TURBO_BUILTINS = new Set(['login', 'logout', 'link', 'unlink', 'prune', 'gen', 'generate', 'daemon', 'ls', 'info', 'query', 'telemetry', 'scan', 'bin', 'completion', 'boundaries', 'devtools', 'help', 'watch']);
/** Options of turbo, lerna and nx that take a value (as a separate word). */
const MONOREPO_VALUES = new Set(['--filter', '-F', '--scope', '--ignore', '--concurrency', '--cache-dir', '--graph', '--log-order', '--output-logs', '--env-mode', '--since', '--projects', '-p', '--exclude', '--parallel', '--configuration', '-c', '--base', '--head', '--cwd', '--team', '--token', '--api', '--profile', '--summarize', '--ui', '--affected']);

/**
 * turbo, lerna and nx run package.json scripts across a workspace: `turbo run build test`,
 * `turbo build`, `lerna run build`, `nx run-many -t build`, `nx affected -t test`, `nx build web`,
 * `nx run web:build`. Each task is judged as a workspace run of that script (every package that
 * has it: workspaceRun), the arguments after `--` appended. nx targets from project.json files are
 * not read (a documented limit); nx's and turbo's own commands run nothing here.
 */
export function classifyMonorepoRun(inv: Invocation, args: Field[], rt: Runtime, name: 'turbo' | 'lerna' | 'nx'): void {
  const words: Field[] = [];
  let after: Field[] = [];
  const targets: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === '--') {
      after = args.slice(i + 1);
      break;
    }
    if (value !== null && value.startsWith('-')) {
      const eq = value.indexOf('=');
      const option = eq === -1 ? value : value.slice(0, eq);
      // nx's -t/--targets/--target name the scripts: `-t build,test` or `-t build test`.
      if (name === 'nx' && ['-t', '--targets', '--target'].includes(option)) {
        if (eq !== -1) targets.push(knownField(value.slice(eq + 1)));
        else
          for (let j = i + 1; j < args.length && !(args[j]?.value ?? '').startsWith('-'); j++, i++) targets.push(args[j] as Field);
        continue;
      }
      if (eq === -1 && MONOREPO_VALUES.has(option)) i++;
      continue;
    }
    words.push(field);
  }
  const first = words[0]?.value;
  let tasks: Field[] = [];
  if (name === 'turbo') tasks = first === 'run' ? words.slice(1) : first !== undefined && first !== null && !TURBO_BUILTINS.has(first) ? words : [];
  else if (name === 'lerna') tasks = first === 'run' ? words.slice(1, 2) : [];
  else if (first === 'run-many' || first === 'affected') tasks = targets;
  else if (first === 'run') tasks = words.slice(1, 2).map((w) => (w.value === null ? w : knownField(w.value.slice(w.value.lastIndexOf(':') + 1))));
  else if (first !== undefined && first !== null && !NX_BUILTINS.has(first) && !first.includes(':')) tasks = words.slice(0, 1);
  else if (first !== undefined && first !== null && first.includes(':') && !NX_BUILTINS.has(first)) tasks = [knownField(first.slice(first.lastIndexOf(':') + 1))];
  if (words[0] && first === null) return reportOpaque(rt, `${name} is given a command guard cannot see`, inv.source);
  // `nx g @nx/workspace:remove lib`, `nx g move --project x --destination y`: the generator deletes
  // or moves a project's directory, untracked files and uncommitted edits in it included (nrwl's
  // nx-examples, 2026-12-07: free before, where `rm -rf libs/x` snapshots). Which files, guard
  // cannot tell before it runs: a snapshot first. `--dry-run` (-d) writes nothing.
  if (name === 'nx' && (first === 'g' || first === 'generate')) {
    const generator = words[1]?.value;
    const dryRun = args.some((a) => a.value === '--dry-run' || a.value === '-d' || a.value === '--dryRun');
    if (!dryRun && (generator === null || (generator !== undefined && NX_DELETING_GENERATOR.test(generator)))) {
      report(rt, 'snapshot', 'rm-in-repo', `nx g ${words[1]?.display ?? ''} deletes or moves a project's files inside the repository, which guard cannot list before it runs; guard snapshots first`, inv.source);
    }
  }
  const options = { ...newOptions(inv), workspaces: ['*'] };
  for (const task of tasks.flatMap((t) => (t.value === null ? [t] : t.value.split(',').filter((v) => v !== '').map(knownField)))) {
    if (task.value === null) {
      reportOpaque(rt, `${name} runs a task guard cannot see`, inv.source);
      continue;
    }
    // `turbo run web#build`: the package's own task.
    const script = task.value.includes('#') ? task.value.slice(task.value.indexOf('#') + 1) : task.value;
    runNamed(rt, inv, name, options, script, after, 'nothing');
  }
}

/** Nx generators that delete or move a project (`@nx/workspace:remove`, `@nx/angular:move`, bare `rm`). */
const NX_DELETING_GENERATOR = /^(?:[@\w./-]+:)?(?:remove|rm|move|mv)$/;

const NX_BUILTINS = new Set(['add', 'affected', 'connect', 'daemon', 'exec', 'format', 'format:check', 'format:write', 'g', 'generate', 'graph', 'import', 'init', 'list', 'migrate', 'release', 'repair', 'report', 'reset', 'run-many', 'show', 'sync', 'sync:check', 'view-logs', 'watch', 'login', 'logout', 'mcp', 'help']);
