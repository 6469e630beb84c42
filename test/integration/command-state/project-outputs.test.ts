/**
 * Ignored output a project's own build tool rebuilds, named by its configuration
 * (src/policy/project-outputs.ts): deleting it needs no capture. Found on tw93/Pake (`rm -rf
 * src-tauri/gen`, ignored, holding the schemas every Tauri build writes) and mkdocs projects
 * (`rm -rf site`). Both must hold: ignored, and the tool's configuration at the root; without the
 * configuration, or where the directory holds what the tool does not rebuild, the capture stays.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('ignored output named by the project build tool configuration', () => {
  it('is deleted freely where the tool is configured, captured where it is not', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'site/\nsrc-tauri/gen\npublic/assets\n_cache/\n');
      t.write('README.md', 'x\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('site/index.html', '<p>built</p>\n');
      t.write('src-tauri/gen/schemas/desktop-schema.json', '{}\n');
      t.write('public/assets/app-1234.js', 'x\n');
      t.write('_cache/img.bin', 'x\n');
      // no configuration: a directory of ignored files like any other, captured first
      await expectEvaluatedTable(t, [
        ['rm -rf site', 'snapshot', 'rm-in-repo', ['site/index.html']],
        ['rm -rf src-tauri/gen', 'snapshot', 'rm-in-repo', ['desktop-schema.json']],
        ['rm -rf public/assets', 'snapshot', 'rm-in-repo'],
        ['rm -rf _cache', 'snapshot', 'rm-in-repo'],
      ]);
      t.write('mkdocs.yml', 'site_name: x\n');
      t.write('src-tauri/tauri.conf.json', '{}\n');
      t.write('config/application.rb', 'module X; end\n');
      t.write('bin/rails', '#!/usr/bin/env ruby\n');
      t.write('_config.ts', 'import lume from "lume/mod.ts";\nexport default lume();\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'tools']);
      expect(checkVerdict(t, 'rm -rf site', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf site', 'allow', 'no-risk'],
        ['rm -rf site/', 'allow', 'no-risk'],
        ['rm -rf src-tauri/gen', 'allow', 'no-risk'],
        ['rm -rf public/assets', 'allow', 'no-risk'],
        ['rm -rf _cache', 'allow', 'no-risk'],
      ]);
      // Hugo: hugo.toml, or the older config.yml naming a baseURL beside content/ (hugo-PaperMod's
      // exampleSite); a config.yml alone (another tool's) is not Hugo's
      t.write('.gitignore', 'site/\nsrc-tauri/gen\npublic/\n_cache/\nresources/_gen/\n');
      t.write('resources/_gen/images/a.webp', 'x\n');
      t.write('config.yml', 'name: other tool\n');
      await expectEvaluatedTable(t, [['rm -rf resources/_gen', 'snapshot', 'rm-in-repo', ['a.webp']]]);
      t.write('config.yml', 'baseURL: "https://example.org/"\ntheme: PaperMod\n');
      await expectEvaluatedTable(t, [['rm -rf resources/_gen', 'snapshot', 'rm-in-repo', ['a.webp']]]);
      t.write('content/posts/a.md', '# a\n');
      await expectEvaluatedTable(t, [
        ['rm -rf resources/_gen', 'allow', 'no-risk'],
        ['rm -rf public', 'allow', 'no-risk'],
      ]);
      expect(checkVerdict(t, 'rm -rf resources/_gen public', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // what the tool does not rebuild stays captured: tauri android init's project, a site_dir elsewhere
      t.write('src-tauri/gen/android/app/build.gradle.kts', 'signing\n');
      t.write('mkdocs.yml', "site_name: x\nsite_dir: 'build/docs'\n");
      await expectEvaluatedTable(t, [
        ['rm -rf src-tauri/gen', 'snapshot', 'rm-in-repo', ['build.gradle.kts']],
        ['rm -rf site', 'snapshot', 'rm-in-repo', ['site/index.html']],
      ]);
    });
  });

  // Found on jekyll/minima (friction9, 2026-12-08): `rm -rf _site .jekyll-cache .sass-cache` and `rm -f
  // .jekyll-metadata` (what `jekyll clean` deletes) were snapshots for the Sass cache and the metadata.
  it("knows what `jekyll clean` deletes in a Jekyll site: _site, .jekyll-cache, .sass-cache, .jekyll-metadata", async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '_site/\n.sass-cache/\n.jekyll-cache/\n.jekyll-metadata\n');
      t.write('_config.yml', 'title: x\n');
      t.write('Gemfile', 'source "https://rubygems.org"\ngemspec\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      for (const file of ['_site/index.html', '.jekyll-cache/Jekyll/Cache/a', '.sass-cache/a/b.scssc', '.jekyll-metadata', 'notes/.sass-cache/x']) t.write(file, 'x\n');
      // a Gemfile naming no jekyll: another tool's _config.yml, captured first
      const cleans: Array<[string, string, string, string[]?]> = [
        ['rm -rf _site .jekyll-cache .sass-cache', 'snapshot', 'rm-in-repo', ['_site']],
        ['rm -f .jekyll-metadata', 'snapshot', 'rm-in-repo', ['.jekyll-metadata']],
      ];
      await expectEvaluatedTable(t, cleans);
      t.write('Gemfile', 'source "https://rubygems.org"\ngemspec\ngem "jekyll", ENV["JEKYLL_VERSION"] if ENV["JEKYLL_VERSION"]\n');
      t.git(['commit', '-q', '-am', 'jekyll']);
      expect(checkVerdict(t, 'rm -rf _site .jekyll-cache .sass-cache', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf _site .jekyll-cache .sass-cache', 'allow', 'no-risk'],
        ['rm -f .jekyll-metadata', 'allow', 'no-risk'],
        // a .sass-cache elsewhere is not the site's
        ['rm -rf notes/.sass-cache', 'snapshot', 'rm-in-repo', ['notes/.sass-cache']],
      ]);
    });
  });

  // Found on Textualize/rich (friction9, 2026-12-08): `rm -rf .mypy_cache .pytest_cache htmlcov .coverage`
  // took a snapshot for htmlcov and .coverage, which pytest-cov writes at every run.
  it('knows coverage.py output where the project uses it: htmlcov and the .coverage data files', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'htmlcov/\n.coverage\n.coverage.*\n.pytest_cache/\n');
      t.write('pyproject.toml', '[tool.poetry]\nname = "x"\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      for (const file of ['htmlcov/index.html', '.coverage', '.coverage.host.123.456', '.pytest_cache/v/x']) t.write(file, 'x\n');
      await expectEvaluatedTable(t, [
        ['rm -rf .pytest_cache htmlcov .coverage', 'snapshot', 'rm-in-repo', ['htmlcov']],
        ['rm -f .coverage .coverage.host.123.456', 'snapshot', 'rm-in-repo', ['.coverage']],
      ]);
      t.write('pyproject.toml', '[tool.poetry]\nname = "x"\n[tool.poetry.dev-dependencies]\npytest-cov = "^3.0.0"\n');
      t.git(['commit', '-q', '-am', 'cov']);
      expect(checkVerdict(t, 'rm -rf .pytest_cache htmlcov .coverage', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf .pytest_cache htmlcov .coverage', 'allow', 'no-risk'],
        ['rm -f .coverage .coverage.host.123.456', 'allow', 'no-risk'],
      ]);
      // a .coveragerc alone says so too; an ignored file beside it of another name stays captured
      t.write('pyproject.toml', '[tool.poetry]\nname = "x"\n');
      t.write('.coveragerc', '[run]\nbranch = True\n');
      t.write('.gitignore', 'htmlcov/\n.coverage\n.coverage.*\n.pytest_cache/\ncoverage.xml\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'rc']);
      t.write('coverage.xml', '<x/>\n');
      await expectEvaluatedTable(t, [
        ['rm -rf htmlcov .coverage', 'allow', 'no-risk'],
        ['rm -f coverage.xml', 'snapshot', 'rm-in-repo', ['coverage.xml']],
      ]);
    });
  });

  // Found on google/docsy-example, denoland/fresh and vercel/next-forge (friction9, 2026-12-08): `rm -rf
  // public resources .hugo_build.lock`, `rm -rf www/_fresh` and `rm -rf packages/database/generated` each
  // took a snapshot of a file the build writes again (hugo, `deno task build`, `prisma generate`).
  it("knows Hugo's .hugo_build.lock, Fresh's _fresh and a Prisma generator's output directory", async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '.hugo_build.lock\n_fresh/\npackages/database/generated\n');
      t.write('README.md', 'x\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      for (const file of ['.hugo_build.lock', 'www/_fresh/server.js', '_fresh/server.js', 'packages/database/generated/client/index.js']) t.write(file, 'x\n');
      // no hugo.yaml, deno.json or schema.prisma: the same names are captured
      await expectEvaluatedTable(t, [
        ['rm -f .hugo_build.lock', 'snapshot', 'rm-in-repo', ['.hugo_build.lock']],
        ['rm -rf www/_fresh _fresh', 'snapshot', 'rm-in-repo', ['www/_fresh']],
        ['rm -rf packages/database/generated', 'snapshot', 'rm-in-repo', ['packages/database/generated']],
      ]);
      t.write('hugo.yaml', 'baseURL: /\n');
      t.write('deno.json', '{ "imports": { "fresh": "jsr:@fresh/core@^2.0.0" } }\n');
      t.write('packages/database/prisma/schema.prisma', 'generator client {\n  provider = "prisma-client"\n  output   = "../generated"\n}\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'tools']);
      await expectEvaluatedTable(t, [
        ['rm -f .hugo_build.lock', 'allow', 'no-risk'],
        ['rm -rf www/_fresh _fresh', 'allow', 'no-risk'],
        ['rm -rf packages/database/generated', 'allow', 'no-risk'],
      ]);
      // an output outside the worktree is never named; another ignored file beside the generated one stays captured
      t.write('packages/database/prisma/schema.prisma', 'generator client {\n  provider = "prisma-client"\n  output   = "../../../../generated"\n}\n');
      t.git(['commit', '-q', '-am', 'out']);
      await expectEvaluatedTable(t, [['rm -rf packages/database/generated', 'snapshot', 'rm-in-repo', ['packages/database/generated']]]);
    });
  });

  // Found on ardalis/CleanArchitecture (`rm -rf tests/.../TestResults`), argoproj/argo-helm (`rm -rf
  // charts/argo-cd/charts`) and thechangelog/changelog.com (`rm -rf priv/static`): each a snapshot
  // before, though `dotnet test`, `helm dependency build` and the asset build write them again.
  it('knows .NET test results, Helm dependency archives and Phoenix static assets from the build files', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '[Tt]est[Rr]esult*/\nartifacts/\n**/charts/*/charts\n/priv/static/\n');
      t.write('README.md', 'x\n');
      t.write('tests/App.Tests/App.Tests.csproj', '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Microsoft.NET.Test.Sdk" />\n  </ItemGroup>\n</Project>\n');
      t.write('src/App/App.csproj', '<Project Sdk="Microsoft.NET.Sdk.Web">\n</Project>\n');
      t.write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: redis-ha\n    version: 4.38.0\n    repository: https://example.org/charts/\n');
      t.write('mix.exs', 'defp deps do\n  [{:phoenix, "~> 1.7"}]\nend\n');
      t.write('config/config.exs', 'config :esbuild,\n  default: [args: ~w(js/app.js --bundle --outdir=../priv/static/assets)]\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('tests/App.Tests/TestResults/a/coverage.cobertura.xml', '<coverage/>\n');
      t.write('src/App/TestResults/notes.md', 'mine\n');
      t.write('artifacts/App.1.0.0.nupkg', 'x\n');
      t.write('charts/web/charts/redis-ha-4.38.0.tgz', 'x\n');
      t.write('priv/static/assets/app.js', 'x\n');
      t.write('priv/static/robots.txt', 'mine\n');
      // no solution file yet, no test project at the root: the results are captured as any ignored files
      await expectEvaluatedTable(t, [['rm -rf tests/App.Tests/TestResults', 'snapshot', 'rm-in-repo', ['coverage.cobertura.xml']]]);
      t.write('App.slnx', '<Solution>\n  <Project Path="src/App/App.csproj" />\n  <Project Path="tests/App.Tests/App.Tests.csproj" />\n</Solution>\n');
      t.git(['add', 'App.slnx']);
      t.git(['commit', '-q', '-m', 'sln']);
      expect(checkVerdict(t, 'rm -rf tests/App.Tests/TestResults', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf tests/App.Tests/TestResults', 'allow', 'no-risk'],
        ['rm -rf tests/*/TestResults', 'allow', 'no-risk'],
        ['rm -rf charts/web/charts', 'allow', 'no-risk'],
        ['rm -f charts/*/charts/*.tgz', 'allow', 'no-risk'],
        ['rm -rf priv/static/assets', 'allow', 'no-risk'],
        // a project that runs no tests, the artifacts layout not configured, a file outside the asset build's directory
        ['rm -rf src/App/TestResults', 'snapshot', 'rm-in-repo', ['notes.md']],
        ['rm -rf artifacts', 'snapshot', 'rm-in-repo', ['App.1.0.0.nupkg']],
        ['rm -rf priv/static', 'snapshot', 'rm-in-repo', ['robots.txt']],
      ]);
      // what helm does not write there: an unpacked subchart someone may edit
      t.write('charts/web/charts/redis-ha/values.yaml', 'mine: true\n');
      await expectEvaluatedTable(t, [['rm -rf charts/web/charts', 'snapshot', 'rm-in-repo', ['values.yaml']]]);
      t.write('Directory.Build.props', '<Project>\n  <PropertyGroup>\n    <UseArtifactsOutput>true</UseArtifactsOutput>\n  </PropertyGroup>\n</Project>\n');
      await expectEvaluatedTable(t, [['rm -rf artifacts', 'allow', 'no-risk']]);
    });
  });

  // A Rails app (maybe-finance/maybe): `rm -rf tmp/cache log/*.log coverage public/assets` captured
  // tmp/cache and the logs first (500 files, ~4.4 MB of objects, 8 git processes, ~0.75 s per
  // call), though `bin/rails tmp:clear` / `log:clear` discard them. Another log/ file, and the
  // rest of tmp/ (pids, storage: uploaded files in development), stay captured.
  it("frees a Rails app's tmp/cache and log/*.log, not the rest of tmp/ or log/", async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '/log/*\n/tmp/*\n!/log/.keep\n!/tmp/.keep\n/public/assets\ncoverage\n*.log\n');
      t.write('config/application.rb', 'module App; class Application < Rails::Application; end; end\n');
      t.write('bin/rails', '#!/usr/bin/env ruby\n');
      t.write('log/.keep', '');
      t.write('tmp/.keep', '');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('log/development.log', 'Started GET "/"\n');
      t.write('log/test.log', 'x\n');
      t.write('log/notes.txt', 'mine\n');
      t.write('tmp/cache/bootsnap/compile-cache-iseq/00/aa', 'x\n');
      t.write('tmp/storage/va/ri/upload', 'someone uploaded this\n');
      t.write('coverage/index.html', 'x\n');
      t.write('public/assets/app-1.js', 'x\n');
      expect(checkVerdict(t, 'rm -rf tmp/cache log/*.log coverage public/assets', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['rm -rf tmp/cache log/*.log coverage public/assets', 'allow', 'no-risk'],
        ['rm log/development.log', 'allow', 'no-risk'],
        ['rm -rf tmp/cache/bootsnap', 'allow', 'no-risk'],
        ['rm -rf log/*', 'snapshot', 'rm-in-repo', ['notes.txt']],
        ['rm -rf tmp/*', 'snapshot', 'rm-in-repo', ['upload']],
      ]);
    });
  });

  // A chart or project directory whose name is not UTF-8: listed as bytes (project-outputs.ts
  // listDir, escaped text), so its outputs are named by its exact bytes. Read as UTF-8 text the
  // name became U+FFFD, no Chart.yaml or .csproj was found under it, and its output stayed captured.
  it('names output under a directory or project whose name is not UTF-8 by its bytes', async () => {
    await withTestRepo(async (t) => {
      const bytesPath = (rel: string) => Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.from(rel, 'latin1')]);
      const put = (rel: string, text: string) => {
        const full = bytesPath(rel);
        fs.mkdirSync(full.subarray(0, full.lastIndexOf(0x2f)), { recursive: true });
        fs.writeFileSync(full, text);
      };
      t.write('.gitignore', '**/charts/*/charts\n[Tt]est[Rr]esult*/\n');
      const chart = 'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: redis-ha\n    version: 4.38.0\n';
      put('charts/caf\xe9/Chart.yaml', chart);
      put('T\xe9sts.csproj', '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Microsoft.NET.Test.Sdk" />\n  </ItemGroup>\n</Project>\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      put('charts/caf\xe9/charts/redis-ha-4.38.0.tgz', 'x\n');
      // another name that is not UTF-8, with no Chart.yaml: nothing there is helm's
      put('charts/caf\xe8/charts/redis-ha-4.38.0.tgz', 'mine\n');
      put('TestResults/run/coverage.xml', '<coverage/>\n');
      expect(checkVerdict(t, "rm -rf $'charts/caf\\xe9/charts'", { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ["rm -rf $'charts/caf\\xe9/charts'", 'allow', 'no-risk'],
        ['rm -rf TestResults', 'allow', 'no-risk'],
        ["rm -rf $'charts/caf\\xe8/charts'", 'snapshot', 'rm-in-repo', ['redis-ha-4.38.0.tgz']],
      ]);
    });
  });
});
