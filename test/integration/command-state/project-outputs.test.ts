/**
 * Ignored output a project's own build tool rebuilds, named by its configuration
 * (src/policy/project-outputs.ts): deleting it needs no capture. Found on tw93/Pake (`rm -rf
 * src-tauri/gen`, ignored, holding the schemas every Tauri build writes) and mkdocs projects
 * (`rm -rf site`). Both must hold: ignored, and the tool's configuration at the root; without the
 * configuration, or where the directory holds what the tool does not rebuild, the capture stays.
 */
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
});
