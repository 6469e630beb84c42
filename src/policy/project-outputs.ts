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
 *    `assets:clobber` deletes it), and with Vite Ruby (config/vite.json) `public/vite`, `-dev`, `-test`;
 *  - Hugo (hugo.toml / hugo.yaml / hugo.json, or the older config.toml / config.yaml / config.yml /
 *    config.json naming a `baseURL` beside a `content/` directory, also under config/_default/:
 *    hugo-PaperMod's exampleSite uses config.yml): `public` and `resources/_gen`;
 *  - Jekyll (_config.yml with a Gemfile naming jekyll): `_site` and `.jekyll-cache`.
 *
 * Cost: a few stat and small reads of configuration files at the root, no git process, only when
 * path facts are read (command-state.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

function read(root: string, rel: string): string | null {
  try {
    const abs = path.join(root, rel);
    const stat = fs.statSync(abs);
    if (!stat.isFile() || stat.size > 256 * 1024) return null;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return null;
  }
}

function exists(root: string, rel: string): boolean {
  try {
    return fs.statSync(path.join(root, rel)).isFile();
  } catch {
    return false;
  }
}

/** A directory the configuration names, kept only where it is a plain relative path inside the worktree. */
function relativeDir(value: string): string | null {
  const dir = value.trim().replace(/^\.\//, '').replace(/\/+$/, '');
  if (dir === '' || dir === '.' || dir.startsWith('/') || dir.split('/').some((s) => s === '..' || s === '.' || s === '' || s === '.git')) return null;
  return /^[A-Za-z0-9._/-]+$/.test(dir) ? dir : null;
}

function isDir(root: string, rel: string): boolean {
  try {
    return fs.statSync(path.join(root, rel)).isDirectory();
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
    out.push('public/assets/');
    if (exists(root, 'config/vite.json')) out.push('public/vite/', 'public/vite-dev/', 'public/vite-test/');
  }
  if (isHugoSite(root)) out.push('public/', 'resources/_gen/');
  if (exists(root, '_config.yml') && /\bjekyll\b/.test(read(root, 'Gemfile') ?? '')) out.push('_site/', '.jekyll-cache/');
  return out;
}
