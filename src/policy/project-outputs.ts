/**
 * Output directories a project's own build tool writes and rebuilds, named by the tool's
 * configuration file at the worktree's root: with commands.regenerable, they decide whether an
 * IGNORED file there is regenerable output (path-facts.ts isRegenerable; a tracked or untracked
 * file there is snapshotted as any other). Both must hold: git ignores it, and the project's
 * configuration says a tool it uses builds it. A directory named so in a project without that
 * tool is captured as before (`site/` of a project with no mkdocs.yml holds what someone put there).
 *
 *  - MkDocs (mkdocs.yml / mkdocs.yaml): `site_dir` (default `site`), which `mkdocs build` empties and rewrites;
 *  - Tauri (src-tauri/tauri.conf.json[5] or Tauri.toml): `src-tauri/gen/schemas`, which every build
 *    writes (not the rest of `gen`: `tauri android init`'s project there is edited by hand, for signing);
 *  - Lume (_config.ts / _config.js importing lume): `_site` and `_cache`;
 *  - Rails (config/application.rb with bin/rails): `public/assets` (`assets:precompile` writes it,
 *    `assets:clobber` deletes it), `tmp/cache` (the cache store, bootsnap and sprockets caches:
 *    `bin/rails tmp:clear` empties it), the `log/*.log` files (`bin/rails log:clear` truncates them;
 *    a log/ file of another name stays captured), and with Vite Ruby (config/vite.json)
 *    `public/vite`, `-dev`, `-test`;
 *  - Hugo (hugo.toml / hugo.yaml / hugo.json, or the older config.toml / config.yaml / config.yml /
 *    config.json naming a `baseURL` beside a `content/` directory, also under config/_default/:
 *    hugo-PaperMod's exampleSite uses config.yml): `public`, `resources/_gen` and the `.hugo_build.lock`
 *    file every build creates (empty; docsy-example ignores it and its clean-up deletes it);
 *  - Jekyll (_config.yml with a Gemfile naming jekyll): `_site`, `.jekyll-cache`, `.sass-cache` and the
 *    `.jekyll-metadata` file (incremental builds), the four `jekyll clean` deletes;
 *  - .NET: `TestResults` beside each test project (a .csproj/.fsproj/.vbproj referencing
 *    Microsoft.NET.Test.Sdk, using MSTest.Sdk or setting IsTestProject) that a solution file at the
 *    root lists (`dotnet test` writes its results and coverage there by default), or beside such a
 *    project file at the root; `artifacts` where Directory.Build.props sets UseArtifactsOutput (the
 *    SDK's artifacts layout, ArtifactsPath when given);
 *  - Helm (Chart.yaml at the root or in charts/NAME/): the `NAME-*.tgz` archives of each dependency
 *    Chart.yaml lists, in the chart's charts/ (`helm dependency build` downloads them; an unpacked
 *    subchart or any other file there stays captured);
 *  - Phoenix (mix.exs naming :phoenix): the directory under priv/static that its asset build writes,
 *    as config/config.exs (esbuild `--outdir=../priv/static/assets`, tailwind `--output=...`) or
 *    assets/webpack.config.js / brunch-config.js (`"/../priv/static"`) names it;
 *  - coverage.py (a .coveragerc, or pyproject.toml, setup.cfg or tox.ini naming pytest-cov or a
 *    coverage section): `htmlcov` (`coverage html`'s default directory) and the `.coverage` data
 *    files (`.coverage`, `.coverage.*` of parallel runs) each test run writes and `coverage erase` deletes;
 *  - Fresh (a deno.json / deno.jsonc at the root importing Fresh from jsr:@fresh/... or deno.land/x/fresh):
 *    every `_fresh` directory, the build's output (`deno task build`), at the root or in a workspace member;
 *  - Prisma (schema.prisma at the root or in prisma/, also in packages/NAME/ and apps/NAME/ of a
 *    monorepo): each generator's `output` directory, relative to its schema file, which `prisma
 *    generate` rewrites (next-forge's packages/database/generated). The client in node_modules is
 *    already regenerable.
 *
 * Cost: a few stat and small reads of configuration files at the root, plus two stats per entry of
 * packages/ and apps/ (Prisma's schema), no git process, only when path facts are read (command-state.ts).
 *
 * Names are bytes end to end: a directory's entries are read as Buffers and carried as escaped
 * text (util/escaped-text.ts: every byte that is not UTF-8 kept as U+DC80+byte), every fs call
 * gets the exact bytes back, and isRegenerable (path-facts.ts) reads git's entries the same way,
 * so a chart or project directory whose name is not UTF-8 is named exactly, never as U+FFFD
 * (which stood for every such name, and for none on disk).
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapedBytes, escapedText } from '../util/escaped-text.js';

/** `root`/`rel` (escaped text) as the exact bytes for an fs call. */
function at(root: string, rel: string): Buffer {
  return Buffer.concat([Buffer.from(`${root}/`, 'utf8'), escapedBytes(rel)]);
}

/** A file's text; a byte that is not UTF-8 stays escaped (a solution file may name such a project). */
function read(root: string, rel: string): string | null {
  try {
    const abs = at(root, rel);
    const stat = fs.statSync(abs);
    if (!stat.isFile() || stat.size > 256 * 1024) return null;
    return escapedText(fs.readFileSync(abs));
  } catch {
    return null;
  }
}

function exists(root: string, rel: string): boolean {
  try {
    return fs.statSync(at(root, rel)).isFile();
  } catch {
    return false;
  }
}

/**
 * A directory the configuration names, kept only where it is a plain relative path inside the
 * worktree, with no character a glob reads (it becomes part of a pattern: `charts/NAME/charts/x-*.tgz`).
 * Any other name is kept, bytes that are not UTF-8 included.
 */
function relativeDir(value: string): string | null {
  const dir = value.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  if (dir === '' || dir === '.' || dir.startsWith('/') || dir.split('/').some((s) => s === '..' || s === '.' || s === '' || s === '.git')) return null;
  return /^[^*?[\]{}()!+@\\\x00-\x1f\x7f]+$/.test(dir) ? dir : null;
}

function isDir(root: string, rel: string): boolean {
  try {
    return fs.statSync(at(root, rel)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A Hugo site at the root: its own configuration name (hugo.*), or a generic config.* naming a
 * baseURL (Hugo's key; any case, as Hugo reads keys) with the content/ directory Hugo builds from.
 * The generic name alone is not enough: many tools read a config.yml.
 */
function isHugoSite(root: string): boolean {
  const names = ['hugo.toml', 'hugo.yaml', 'hugo.yml', 'hugo.json'];
  if ([...names, ...names.map((n) => `config/_default/${n}`)].some((rel) => exists(root, rel))) return true;
  if (!isDir(root, 'content')) return false;
  const generic = ['config.toml', 'config.yaml', 'config.yml', 'config.json'];
  return [...generic, ...generic.map((n) => `config/_default/${n}`)].some((rel) => /^\s*"?baseurl"?\s*[:=]/im.test(read(root, rel) ?? ''));
}

/** coverage.py is the project's: its own configuration file, or a Python build or test configuration naming pytest-cov or a coverage section. */
function usesCoveragePy(root: string): boolean {
  if (exists(root, '.coveragerc')) return true;
  if (/^\[tool\.coverage\b|\bpytest-cov\b/m.test(read(root, 'pyproject.toml') ?? '')) return true;
  return ['setup.cfg', 'tox.ini'].some((rel) => /^\[coverage:|\bpytest-cov\b|--cov\b/m.test(read(root, rel) ?? ''));
}

/** The repo-relative output directories (ending in `/`, so they name directories at that path) of the tools the root's configuration names. */
export function projectOutputs(root: string): string[] {
  const out: string[] = [];
  const mkdocs = read(root, 'mkdocs.yml') ?? read(root, 'mkdocs.yaml');
  if (mkdocs !== null) {
    const named = /^site_dir:[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|([^\s#'"][^\n#]*?))[ \t]*(?:#.*)?$/m.exec(mkdocs);
    const dir = named ? relativeDir(named[1] ?? named[2] ?? named[3] ?? '') : 'site';
    if (dir !== null) out.push(`${dir}/`);
  }
  if (['src-tauri/tauri.conf.json', 'src-tauri/tauri.conf.json5', 'src-tauri/Tauri.toml'].some((rel) => exists(root, rel))) out.push('src-tauri/gen/schemas/');
  const lume = read(root, '_config.ts') ?? read(root, '_config.js');
  if (lume !== null && /\blume\b/.test(lume)) out.push('_site/', '_cache/');
  if (exists(root, 'config/application.rb') && exists(root, 'bin/rails')) {
    out.push('public/assets/', 'tmp/cache/', 'log/*.log');
    if (exists(root, 'config/vite.json')) out.push('public/vite/', 'public/vite-dev/', 'public/vite-test/');
  }
  if (isHugoSite(root)) out.push('public/', 'resources/_gen/', '.hugo_build.lock');
  if (exists(root, '_config.yml') && /\bjekyll\b/.test(read(root, 'Gemfile') ?? '')) out.push('_site/', '.jekyll-cache/', '.sass-cache/', '.jekyll-metadata');
  if (usesCoveragePy(root)) out.push('htmlcov/', '.coverage', '.coverage.*');
  const deno = read(root, 'deno.json') ?? read(root, 'deno.jsonc') ?? '';
  if (/jsr:@fresh\/|deno\.land\/x\/fresh@/.test(deno)) out.push('**/_fresh/');
  out.push(...dotnetOutputs(root), ...helmOutputs(root), ...phoenixOutputs(root), ...prismaOutputs(root));
  return out;
}

/** The names in a directory, as escaped text (read as bytes, never decoded lossily). */
function listDir(root: string, rel: string): string[] {
  try {
    return fs.readdirSync(at(root, rel), { encoding: 'buffer' }).map((name) => escapedText(name));
  } catch {
    return [];
  }
}

/** At most this many project files of a solution are read (each a small XML file). */
const MAX_PROJECTS = 400;

/** A .NET project file that is a test project (`dotnet test` runs it). */
function isTestProject(text: string): boolean {
  return /Include\s*=\s*"Microsoft\.NET\.Test\.Sdk"|Sdk\s*=\s*"MSTest\.Sdk|<IsTestProject>\s*true\s*</i.test(text);
}

/** .NET: TestResults beside the test projects a root solution lists (or at the root), and the artifacts layout's directory. */
function dotnetOutputs(root: string): string[] {
  const out: string[] = [];
  const names = listDir(root, '.');
  const projects = new Set<string>();
  for (const name of names) {
    if (/\.(?:cs|fs|vb)proj$/.test(name)) projects.add(name);
    if (!/\.slnx?$/.test(name)) continue;
    const text = read(root, name) ?? '';
    // .sln: Project("{GUID}") = "Name", "tests\\X\\X.csproj", "{GUID}"; .slnx: <Project Path="tests/X/X.csproj" />
    for (const m of text.matchAll(/(?:=\s*"[^"\n]*",\s*"|<Project\s+Path\s*=\s*")([^"\n]+\.(?:cs|fs|vb)proj)"/g)) projects.add((m[1] as string).replace(/\\/g, '/'));
  }
  let read_ = 0;
  for (const project of projects) {
    if (++read_ > MAX_PROJECTS) break;
    const dir = path.posix.dirname(project);
    const rel = dir === '.' ? '' : relativeDir(dir);
    if (rel === null || !isTestProject(read(root, project) ?? '')) continue;
    out.push(rel === '' ? 'TestResults/' : `${rel}/TestResults/`);
  }
  const props = read(root, 'Directory.Build.props') ?? '';
  if (/<UseArtifactsOutput>\s*true\s*</i.test(props)) {
    const named = /<ArtifactsPath>\s*\$\(MSBuildThisFileDirectory\)([^<$]*?)\s*<\/ArtifactsPath>/.exec(props);
    const given = /<ArtifactsPath>/.test(props);
    const dir = named ? relativeDir(named[1] as string) : given ? null : 'artifacts';
    if (dir !== null) out.push(`${dir}/`);
  }
  return out;
}

/** The names of the dependencies a Chart.yaml lists (its top-level `dependencies:` block). */
function chartDependencies(text: string): string[] {
  const block = /^dependencies:[ \t]*\n((?:[ \t-].*\n?|[ \t]*\n)*)/m.exec(text);
  if (!block) return [];
  const names: string[] = [];
  for (const m of (block[1] as string).matchAll(/^[ \t]*(?:-[ \t]+)?name:[ \t]*["']?([A-Za-z0-9._-]+)["']?[ \t]*(?:#.*)?$/gm)) names.push(m[1] as string);
  return names;
}

/** Helm: the dependency archives `helm dependency build` writes into a chart's charts/ (the root chart's, or charts/NAME's). */
function helmOutputs(root: string): string[] {
  const out: string[] = [];
  const charts = ['', ...listDir(root, 'charts').map((name) => `charts/${name}/`)].slice(0, MAX_PROJECTS);
  for (const chart of charts) {
    if (chart !== '' && relativeDir(chart) === null) continue;
    const text = read(root, `${chart}Chart.yaml`);
    if (text === null) continue;
    for (const name of chartDependencies(text)) out.push(`${chart}charts/${name}-*.tgz`);
  }
  return out;
}

/** Phoenix: the directory under priv/static its asset build writes, as the build's configuration names it. */
function phoenixOutputs(root: string): string[] {
  if (!/:phoenix\b/.test(read(root, 'mix.exs') ?? '')) return [];
  const out = new Set<string>();
  for (const rel of ['config/config.exs', 'assets/webpack.config.js', 'assets/brunch-config.js']) {
    const text = read(root, rel) ?? '';
    // `--outdir=../priv/static/assets`, `--output=../priv/static/assets/app.css`, `path: __dirname + "/../priv/static"`, `public: "../priv/static"`
    for (const m of text.matchAll(/(?:--outdir=|--output=|["'])\/?\.\.\/priv\/static((?:\/[A-Za-z0-9_-]+)*)(\/[A-Za-z0-9_-]+\.[A-Za-z0-9]+)?\/?(?=["'\s)])/g)) {
      out.add(`priv/static${m[1] as string}/`);
    }
  }
  return [...out];
}


/** Prisma: the `output` directory of each generator block of the schema files at the usual places (relative to the schema file). */
function prismaOutputs(root: string): string[] {
  const dirs = ['', 'prisma/'];
  for (const ws of ['packages', 'apps']) {
    for (const name of listDir(root, ws).slice(0, MAX_PROJECTS)) dirs.push(`${ws}/${name}/`, `${ws}/${name}/prisma/`);
  }
  const out = new Set<string>();
  for (const dir of dirs) {
    const text = read(root, `${dir}schema.prisma`);
    if (text === null) continue;
    for (const block of text.matchAll(/^[ \t]*generator[ \t]+\w+[ \t]*\{([^}]*)\}/gm)) {
      const named = /^[ \t]*output[ \t]*=[ \t]*"([^"\n]+)"/m.exec(block[1] as string);
      if (!named) continue;
      const rel = relativeDir(path.posix.normalize(`${dir}${named[1] as string}`));
      if (rel !== null) out.add(`${rel}/`);
    }
  }
  return [...out];
}
