/**
 * A project's own scripts, found on real projects (docs/FRICTION.md, "Real projects, third round"):
 *  - a shell script run by its path whose name is also a program guard models (commands.ts
 *    projectShellScript): holman/dotfiles' `bin/git-nuke BRANCH` (`git branch -D $1; git push
 *    origin :$1`) was judged as git's `nuke` subcommand and `script/install` (`find . -name
 *    install.sh | while read i; do sh -c "$i"; done`) as coreutils' install: both "allow: no
 *    destructive command found" while `bash bin/git-nuke` and `sh script/install` were refused;
 *  - Rails' bin/setup calls `system!`, the wrapper it defines around `system` (scripts.ts):
 *    codetriage's `system! 'bin/rails db:setup'` (its schema:load drops every table of the
 *    PostgreSQL development database) was not read, so `bin/setup` was free;
 *  - `bash -n FILE`, `zsh -n FILE`: the shell parses and runs nothing (noexec), yet dotfiles'
 *    `bash -n script/bootstrap` was asked (the bootstrap's `rm -rf "$dst"`) and `zsh -n
 *    zsh/zshrc.symlink` refused (zsh syntax guard cannot parse);
 *  - Nx generators that delete or move a project (package-scripts.ts NX_DELETING_GENERATOR): nrwl's
 *    nx-examples `yarn nx g @nx/workspace:remove shared-feature-x` was free, where `rm -rf
 *    libs/shared/feature-x` snapshots its untracked files first.
 */
import { describe, expect, it } from 'vitest';
import { expectEvaluatedTable, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe("a project's shell script named like a program guard models", () => {
  it('is read as the script it is, as `bash FILE` reads it; the model of the name stays', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '.env\nnode_modules/\n');
      t.write('bin/git-nuke', '#!/bin/sh\n#\n# Nukes a branch locally and on the origin remote.\ngit branch -D $1\ngit push origin :$1\n', 0o755);
      t.write('bin/git-up', '#!/bin/sh\nset -e\ngit pull "$@"\n', 0o755);
      t.write('script/install', '#!/usr/bin/env bash\nset -e\ncd "$(dirname $0)"/..\nfind . -name install.sh | while read installer ; do sh -c "${installer}" ; done\n', 0o755);
      t.write('scripts/install', '#!/bin/sh\ngit clean -fdx\n', 0o755);
      t.write('scripts/rm', '#!/bin/sh\necho "removing nothing"\n', 0o755);
      t.write('bin/dot', '#!/bin/sh\necho dotfiles\n', 0o755);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'scripts']);
      t.git(['branch', 'fr-old']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('.env', 'SECRET=1\n');
      // Through the installed Claude hook (before: allow, no destructive command found).
      expect(hookWithVerdict(t, 'bin/git-nuke fr-old')).toMatchObject({ decision: 'deny', verdict: 'deny' });
      await expectEvaluatedTable(t, [
        ['bin/git-nuke fr-old', 'deny', 'git-push-delete', ['run by `bin/git-nuke`']],
        ['./bin/git-nuke fr-old', 'deny', 'git-push-delete'],
        ['bash bin/git-nuke fr-old', 'deny', 'git-push-delete'],
        ['script/install', 'deny', 'opaque-command', ['"${installer}"']],
        ['sh script/install', 'deny', 'opaque-command'],
        // a script named install that cleans: the capture of the ignored .env first, as typed
        ['scripts/install', 'snapshot', 'git-clean', ['.env']],
        // what the scripts do not destroy stays free
        ['bin/git-up', 'allow', 'no-risk'],
        ['scripts/rm', 'allow', 'no-risk'],
        ['bin/dot', 'allow', 'no-risk'],
      ]);
    });
  });

  it("Rails' bin/setup: `system!` runs its command line as `system` does", async () => {
    await withTestRepo(async (t) => {
      t.write('Gemfile', "source 'https://rubygems.org'\ngem 'rails'\ngem 'pg'\n");
      t.write('config/database.yml', 'default: &default\n  adapter: postgresql\n  host: localhost\ndevelopment:\n  <<: *default\n  database: app_development\ntest:\n  <<: *default\n  database: app_test\n');
      t.write('bin/rails', '#!/usr/bin/env ruby\nAPP_PATH = File.expand_path("../config/application", __dir__)\nrequire_relative "../config/boot"\nrequire "rails/commands"\n', 0o755);
      const setup = (step: string) =>
        `#!/usr/bin/env ruby\nrequire "fileutils"\nAPP_ROOT = File.expand_path('..', __dir__)\n\ndef system!(*args)\n  system(*args) || abort("\\n== Command #{args} failed ==")\nend\n\nFileUtils.chdir APP_ROOT do\n  system! 'gem install bundler --conservative'\n  system('bundle check') || system!('bundle install')\n  puts "\\n== Preparing database =="\n  ${step}\nend\n`;
      t.write('bin/setup', setup("system! 'bin/rails db:setup'"), 0o755);
      t.write('bin/setup-prepare', setup('system! "bin/rails db:prepare"'), 0o755);
      t.write('bin/setup-paren', setup('system!("bin/rails", "db:reset")'), 0o755);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'rails app']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      expect(hookWithVerdict(t, 'bin/setup')).toMatchObject({ decision: 'deny', verdict: 'deny' });
      // expectEvaluatedVerdicts: a word naming a file (bin/setup) is the sh shim's own look (guard_no_script), past its fast path
      await expectEvaluatedVerdicts(t, [
        ['bin/setup', 'deny', 'remote-data-delete', ['rails db:setup', 'postgresql']],
        ['ruby bin/setup', 'deny', 'remote-data-delete'],
        ['bin/setup-paren', 'deny', 'remote-data-delete', ['rails db:reset']],
        // the Rails 7 template's db:prepare creates and migrates: free
        ['bin/setup-prepare', 'allow', 'no-risk'],
      ]);
    });
  });
});

describe('a shell that parses only (noexec)', () => {
  it('runs nothing: `bash -n`, `zsh -n`, `sh -o noexec`; without -n, or interactive, as before', async () => {
    await withTestRepo(async (t) => {
      t.write('script/bootstrap', '#!/usr/bin/env bash\nfor src in $(find . -name "*.symlink"); do\n  dst="$HOME/.$(basename "${src%.*}")"\n  rm -rf "$dst"\n  ln -s "$src" "$dst"\ndone\n', 0o755);
      t.write('zsh/zshrc.symlink', 'for config_file ($ZSH/**/*.zsh) source $config_file\ntypeset -U config_files\nconfig_files=($ZSH/**/*.zsh)\nfor file in ${(M)config_files:#*/path.zsh}; do source $file; done\n');
      t.write('reset.sh', 'rm -rf ~\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'dotfiles']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      expect(hookWithVerdict(t, 'bash -n script/bootstrap')).toMatchObject({ decision: 'allow', verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['bash -n script/bootstrap', 'allow', 'no-risk'],
        ['zsh -n zsh/zshrc.symlink', 'allow', 'no-risk'],
        ['sh -n reset.sh', 'allow', 'no-risk'],
        ['bash -en reset.sh', 'allow', 'no-risk'],
        ['sh -o noexec reset.sh', 'allow', 'no-risk'],
        ["bash -n -c 'rm -rf ~'", 'allow', 'no-risk'],
        // runs it: judged as before
        ['bash script/bootstrap', 'ask', 'rm-unknown-target'],
        ['bash reset.sh', 'deny', 'rm-home'],
        ['bash -n +n reset.sh', 'deny', 'rm-home'],
        ['bash -n -i reset.sh', 'deny', 'rm-home'],
        ['bash -n; rm -rf ~', 'deny', 'rm-home'],
      ]);
    });
  });
});

describe('an Nx generator that removes or moves a project', () => {
  it('snapshots first (the project may hold untracked files and edits); other generators and --dry-run stay free', async () => {
    await withTestRepo(async (t) => {
      t.write('package.json', JSON.stringify({ name: 'ws', private: true, workspaces: ['libs/*'], scripts: { nx: 'nx', g: 'nx g' } }, null, 2) + '\n');
      t.write('nx.json', '{}\n');
      t.write('libs/feature-x/project.json', '{"name":"feature-x"}\n');
      t.write('libs/feature-x/src/index.ts', 'export const x = 1;\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'nx workspace']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('libs/feature-x/src/draft.ts', 'export const draft = 2;\n');
      expect(hookWithVerdict(t, 'npx nx g @nx/workspace:remove feature-x')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      await expectEvaluatedTable(t, [
        ['nx g @nx/workspace:remove feature-x', 'snapshot', 'rm-in-repo', ['nx g @nx/workspace:remove']],
        ['yarn nx g @nx/workspace:remove feature-x', 'snapshot', 'rm-in-repo'],
        ['npx nx generate @nrwl/workspace:move --project feature-x --destination libs/shared/feature-x', 'snapshot', 'rm-in-repo'],
        ['npx nx g rm feature-x', 'snapshot', 'rm-in-repo'],
        ['npm run g -- @nx/angular:move --project feature-x --destination libs/y', 'snapshot', 'rm-in-repo'],
        ['npx nx g @nx/workspace:remove feature-x --dry-run', 'allow', 'no-risk'],
        ['npx nx g @nx/angular:library --name=feature-y --directory=libs/feature-y', 'allow', 'no-risk'],
        ['npx nx g @nx/js:lib libs/z', 'allow', 'no-risk'],
        ['npx nx reset', 'allow', 'no-risk'],
      ]);
    });
  });
});
