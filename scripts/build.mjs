// Builds the two shipped files: dist/cli.js (the CLI, one file, commands initialised lazily)
// and dist/index.js (the programmatic API). Dependencies stay external so that `import('yaml')`
// and friends are only paid for by the commands that need them.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Less to parse at every start (measured: importing the hook bundle went from +46 ms to +30 ms
  // over bare node); names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
};

// How dist/hot.js gets Node's built-in modules. Two costs at start are avoided:
//  - an ES module import of a built-in goes through a facade that reads every export: for
//    node:fs that includes `fs.promises` and the stream classes, which loads node:fs/promises
//    and all the stream modules (a few ms), although the hooks only use synchronous fs calls;
//  - every import of an ES module is loaded before any code runs, so node:child_process,
//    node:crypto and node:fs/promises cost their load (a few ms each) even on paths that never
//    call them (an agent hook's deny, check-command's classification).
// So each built-in below is taken with process.getBuiltinModule (the CommonJS object, the same
// one `import x from` gives as default): `now` at start, `first-use` on the first call of one of
// its functions or the first read of a property (same functions with the same arguments, later).
// Named imports must be listed (for `first-use`, only functions); an import this does not cover
// (a name not listed, a namespace import) fails the build instead of being wrong.
const BUILTINS = {
  'node:fs': { load: 'now', default: true, named: ['existsSync', 'constants', 'renameSync'] },
  'node:fs/promises': { load: 'first-use', default: true },
  'node:child_process': { load: 'first-use', named: ['spawn', 'spawnSync', 'execFile', 'execFileSync'] },
  'node:crypto': { load: 'first-use', named: ['createHash', 'createHmac', 'randomBytes', 'randomUUID'] },
  'node:os': { load: 'first-use', default: true },
  'node:module': { load: 'first-use', named: ['createRequire'] },
  // Its ES module facade reads every export, and reading `File` loads internal/file.
  'node:buffer': { load: 'first-use', named: ['isUtf8'] },
  // Loads the stream modules at import; only a saved Terraform plan (terraform-plan.ts) and a
  // loose object written by batch-objects.ts use it (the deny path loaded it on every call).
  'node:zlib': { load: 'first-use', named: ['inflateRawSync', 'deflateSync'] },
};

const builtinsOnDemand = {
  name: 'builtins-on-demand',
  setup(b) {
    const names = Object.keys(BUILTINS).map((name) => name.replace(/[:/]/g, '\\$&'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'builtin-on-demand' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin-on-demand' }, async (args) => {
      const spec = BUILTINS[args.path];
      const real = await import(args.path);
      const id = JSON.stringify(args.path);
      if (spec.load === 'now') {
        const lines = [`const m = process.getBuiltinModule(${id});`];
        if (spec.default) lines.push('export default m;');
        for (const name of spec.named ?? []) {
          if (!(name in real)) throw new Error(`builtins-on-demand: ${args.path} has no export ${name}`);
          lines.push(`export const ${name} = m.${name};`);
        }
        return { contents: lines.join('\n'), loader: 'js' };
      }
      const lines = ['let m;', `const load = () => (m ??= process.getBuiltinModule(${id}));`];
      for (const name of spec.named ?? []) {
        if (typeof real[name] !== 'function') throw new Error(`builtins-on-demand: ${args.path} ${name} is not a function`);
        lines.push(`export function ${name}(...args) { return load().${name}(...args); }`);
      }
      if (spec.default) {
        const members = Object.keys(real.default).map((key) => `  get ${JSON.stringify(key)}() { return load()[${JSON.stringify(key)}]; },`);
        lines.push('export default {', ...members, '};');
      }
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

// The hook bundles take picomatch from inside themselves instead of node_modules: through the
// CommonJS loader its six files cost the agent hook 10-30 ms on these machines. src/policy/picomatch.ts
// is replaced by a `require` inside a function, which esbuild turns into a call of the bundled
// module: still loaded on first use only, so a command without globs does not run it.
const picomatchBundled = {
  name: 'picomatch-bundled',
  setup(b) {
    b.onResolve({ filter: /^picomatch$/ }, () => ({ path: createRequire(import.meta.url).resolve('picomatch') }));
    b.onLoad({ filter: /[\\/]src[\\/]policy[\\/]picomatch\.ts$/ }, () => ({
      contents: 'let loaded;\nexport function picomatch() {\n  loaded ??= require("picomatch");\n  return loaded;\n}\n',
      loader: 'js',
    }));
  },
};

// The commands with a bundle of their own (src/cli/hot.ts exports runHot<Command> for each), as an
// ES module (dist/hot-<command>.js) and as a CommonJS-style body for V8's code cache on Node < 22.1
// (dist/hot-<command>.cjs, bin/code-cache.js): the agent hook and check-command (every agent tool
// call), `guard snapshot` and `guard watch` (the watcher's start and the daemon, which a session
// start waits for), all of which are timed against `git status` (issue 8).
const OWN_BUNDLES = [
  ['agent-hook', 'runHotAgentHook'],
  ['check-command', 'runHotCheckCommand'],
  ['snapshot', 'runHotSnapshot'],
  ['watch', 'runHotWatch'],
  // The detached `guard backup push --background` every snapshot starts: with the whole CLI its
  // start cost more CPU than the push itself (docs/BENCHMARKS.md, "The background backup push").
  ['backup-pusher', 'runHotBackupPusher'],
  // `guard rollback` and its --undo: the whole CLI cost it about 0.1 s of CPU to load, a tenth of
  // the rollback's (docs/BENCHMARKS.md, "rollback's own bundle").
  ['rollback', 'runHotRollback'],
];

// The full CLI behind the launcher's interface (runHot(argv) -> handled): it handles every command.
const CLI_ENTRY = `import { main } from './src/cli/main.ts';
export async function runHot(argv: string[]): Promise<boolean> { await main(argv); return true; }`;

// The CommonJS-style bundles bin/code-cache.js compiles: each hot command's, and the CLI's.
const CACHED_BUNDLES = [...OWN_BUNDLES.map(([command]) => `hot-${command}`), 'cli'];

// dist/ is the product; dist-test/ (only with --test: the test suite's global setup builds it) is
// the same code with the test-only fault injection of src/util/test-faults.ts compiled in. It is
// never packed ("files" in package.json) and bin/guard.js runs it only under GUARD_TEST_BUNDLE=1.
async function buildAll(dir, faults) {
  const define = { __GUARD_TEST_FAULTS__: faults ? 'true' : 'false' };
  await Promise.all([
    build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: `${dir}/cli.js`, define }),
    // The hot entry for hooks: no commander, only the hook and command-guard code (src/cli/hot.ts).
    build({ ...common, entryPoints: ['src/cli/hot.ts'], outfile: `${dir}/hot.js`, define, plugins: [builtinsOnDemand, picomatchBundled] }),
    // The same entry for one command each (bin/guard.js picks them): only that command's code, so
    // an agent hook and check-command compile less at every start (src/cli/hot.ts, runHot<Command>).
    ...OWN_BUNDLES.map(([command, name]) =>
      build({
        ...common,
        stdin: { contents: `export { ${name} as runHot } from './src/cli/hot.ts';`, resolveDir: '.', sourcefile: `hot-${command}.ts`, loader: 'ts' },
        outfile: `${dir}/hot-${command}.js`,
        define,
        plugins: [builtinsOnDemand, picomatchBundled],
      }),
    ),
    // The same bundles as CommonJS-style function bodies, for Node < 22.1: bin/guard.js compiles
    // them with node:vm and keeps V8's code cache between runs (src-less: see bin/code-cache.js).
    ...OWN_BUNDLES.map(([command, name]) =>
      build({
        ...common,
        format: 'cjs',
        sourcemap: false,
        stdin: { contents: `export { ${name} as runHot } from './src/cli/hot.ts';`, resolveDir: '.', sourcefile: `hot-${command}.ts`, loader: 'ts' },
        outfile: `${dir}/hot-${command}.cjs`,
        // yaml inside the rollback's bundle, as in cli.cjs (below): from node_modules its 70 files
        // went through the CommonJS loader at every rollback of a repository with a .guard.yaml.
        ...(command === 'rollback' ? { packages: undefined } : {}),
        define: { ...define, 'import.meta.url': '__guardMetaUrl' },
        // import() of yaml / node:net becomes require(): a vm.Script has no module loader of its own.
        supported: { 'dynamic-import': false },
        plugins: [builtinsOnDemand, picomatchBundled],
      }),
    ),
    // Every other command: the whole CLI as a CommonJS-style body too. Loading dist/cli.js as an ES
    // module cost `guard --version` 200-210 ms of CPU against `node -e 0`'s 90 (parsing 880 KB and
    // the ES module loader); compiled by bin/code-cache.js with its cache, 125-130 ms (measured on
    // 2026-12-04, docs/BENCHMARKS.md). Every `guard list`, `rollback` and `status` pays it.
    // Its dependencies (commander, yaml, picomatch) are bundled into it, unlike dist/cli.js: from
    // node_modules they went through Node's CommonJS loader at every start with no code cache
    // (commander about 8 ms of CPU, yaml's 70 files about 35 ms for the commands that read
    // .guard.yaml); inside the bundle they share its cache, and esbuild still evaluates a module
    // only when it is first required. `guard init` -7.5%, `guard list` -6.6% of CPU
    // (docs/BENCHMARKS.md, 2026-12-04 evening).
    build({
      ...common,
      packages: undefined,
      format: 'cjs',
      sourcemap: false,
      stdin: { contents: CLI_ENTRY, resolveDir: '.', sourcefile: 'cli-entry.ts', loader: 'ts' },
      outfile: `${dir}/cli.cjs`,
      define: { ...define, 'import.meta.url': '__guardMetaUrl' },
      supported: { 'dynamic-import': false },
    }),
    build({ ...common, entryPoints: ['src/index.ts'], outfile: `${dir}/index.js`, define }),
  ]);
}

// Each CommonJS-style bundle becomes one function expression, with a hash of it on the first line:
// the key of its code cache (bin/code-cache.js).
function stampBundles(dir) {
  for (const name of CACHED_BUNDLES) {
    const file = `${dir}/${name}.cjs`;
    const code = fs.readFileSync(file, 'utf8');
    // Wrapped here rather than at every start: the launcher compiles the file as it is. esbuild
    // writes ASCII only (charset), so the launcher can read it as latin1, without UTF-8 decoding.
    const body = `(function (exports, require, module, __guardMetaUrl) {${code}\n})`;
    if (!/^[\x00-\x7f]*$/.test(body)) throw new Error(`${file} is not ASCII`);
    fs.writeFileSync(file, `//guard-bundle ${createHash('sha256').update(body).digest('hex').slice(0, 16)}\n${body}`);
  }
}

// dist/hooks.stamp: which sh this package holds, for the per-clone copies of it (docs/agents.md,
// "After an upgrade"). Each clone's agent hook launcher (src/agents/launcher.ts) bakes in the stamp
// of the package it was copied from and compares it, with one `read` and no process, to this file
// at every call: a package upgraded (or downgraded) under a running session has another stamp, so
// the launcher hands the call to Node, which rewrites the launcher and the git hook shims. npm
// sets every installed file's mtime to the same fixed date, so the launcher cannot tell by `-nt`.
// The hash covers every file of hooks/ (the launcher's and the git hook shims' sources) and the
// fast path's word lists (src/policy/command/fast-path.ts, which hooks/agent-hook.sh mirrors):
// the same source gives the same stamp, so a rebuild alone refreshes nothing.
async function fastPathLists() {
  const out = await build({ entryPoints: ['src/policy/command/fast-path.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
  const m = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  const lists = {};
  for (const [name, value] of Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!name.startsWith('FAST_PATH_') && name !== 'SAFE_REDIRECT_WORDS' && name !== 'SAFE_REDIRECT_OPERATORS') continue;
    if (value instanceof Set) lists[name] = [...value];
    else if (value instanceof RegExp) lists[name] = String(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) lists[name] = Object.entries(value).map(([k, v]) => [k, typeof v === 'function' ? String(v) : v]);
    else lists[name] = value;
  }
  return lists;
}

async function writeHooksStamp(dir) {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync('hooks').sort()) {
    const data = fs.readFileSync(`hooks/${name}`);
    hash.update(`${name}\0${data.length}\0`);
    hash.update(data);
  }
  hash.update(JSON.stringify(await fastPathLists()));
  // Temp + rename: a launcher reading it meanwhile sees the old stamp or the new, never a torn one.
  const temp = `${dir}/hooks.stamp.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${hash.digest('hex').slice(0, 16)}\n`);
  fs.renameSync(temp, `${dir}/hooks.stamp`);
}

await buildAll('dist', false);
stampBundles('dist');
await writeHooksStamp('dist');
if (process.argv.includes('--test')) {
  await buildAll('dist-test', true);
  stampBundles('dist-test');
}
