/**
 * `make TARGET` is judged by the recipes make would run (src/policy/command/make-targets.ts).
 * Before 2026-12-05 every make run was "allow: no destructive command found": `make distclean`
 * whose recipe is `git clean -xdf` took the ignored `.env` and `local.db` for good, where
 * `git clean -xdf` typed directly captures them first. The makefile is read (never run: no make
 * process here either); what a recipe does is then made by hand, as the recipe would, and the
 * rollback must give the bytes back. The builds an agent runs all day (`make`, `make test`,
 * `make clean` of ignored build output) stay free: no snapshot, no question, no git process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, installedHookGitProcesses, loggedEvents } from '../../helpers/guard-steps.js';
import { distcleanCapturedThenRolledBack } from '../../helpers/distclean.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const ENV = Buffer.from('API_KEY=s3cr3t\nDB=local\n');
const DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(1024, 0x61), Buffer.from([0xff, 0x0d, 0x0a])]);

const MAKEFILE = [
  '# a Python project',
  'PYTHON := $(shell command -v python3 || echo python)',
  'BUILD_DIR = build',
  'DB_FILE ?= local.db',
  '',
  'all: build',
  '',
  'build:',
  '\t@mkdir -p $(BUILD_DIR) && touch $(BUILD_DIR)/out.txt',
  '',
  'test: build',
  '\t$(PYTHON) -m pytest -x tests',
  '',
  'lint:',
  '\t$(PYTHON) -m ruff check src',
  '',
  '.PHONY: clean distclean reset-db wipe sub-clean',
  'clean:',
  '\trm -rf $(BUILD_DIR)/ \\',
  '\t  src/__pycache__',
  '',
  'distclean: clean',
  '\t-git clean -xdf',
  '',
  'reset-db:',
  '\t$(RM) $(DB_FILE)',
  '',
  'wipe: reset-db',
  '',
  'sub-clean:',
  '\t$(MAKE) -C sub clean',
  '',
  'sub-%:',
  '\tcd sub && $(MAKE) $*',
  '',
].join('\n');

const SUB_MAKEFILE = ['DBNAME = none.db', 'clean:', '\t@echo cleaning', '\trm -f data.db', 'drop:', '\t$(RM) $(DBNAME)', 'forced:', '\t+rm -f data.db', ''].join('\n');

/** Built once (beforeAll) and copied for each test (test/helpers/repo-template.ts). */
function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env\n*.db\nbuild/\n__pycache__/\n',
    Makefile: MAKEFILE,
    'sub/Makefile': SUB_MAKEFILE,
    'other.mk': 'wipe-all:\n\tgit clean -xdf\n',
    'src/app.py': 'print(1)\n',
  });
  writeFiles(t, { '.env': [ENV, 0o600], 'local.db': DB, 'sub/data.db': DB, 'build/out.txt': 'built\n', 'src/__pycache__/app.pyc': 'pyc\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  // An agent's `git clean -x` must not take the hook settings guard wrote (guard-self): the person committed them.
  // (init keeps .claude/settings.local.json out of git, so it is added by force.)
  t.git(['add', '--force', '.claude', '.guard.yaml']);
  t.git(['commit', '-qm', 'hooks']);
}

const template = fileTemplate(build);

describe('make is judged by the recipes it runs', () => {
  it('make distclean (git clean -xdf after clean): captures the ignored files through the installed hook, and the rollback gives their bytes and modes back', async () => {
    await template.withCopy(async (t) => {
      // Everything but the regenerable output the recipe deleted (not captured, rebuilt by the build).
      distcleanCapturedThenRolledBack(t, 'make distclean', 'target distclean, Makefile:23', (file) => file.startsWith('build/') || file.includes('__pycache__'));
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(fs.readFileSync(path.join(t.dir, 'local.db'))).toEqual(DB);
    });
  });

  it('$(RM), prerequisites, $(MAKE) -C recursion, -C and -f: the recipes reached are judged where they run', async () => {
    await template.withCopy(async (t) => {
      const cases: Array<[string, string, string, string]> = [
        // $(RM) is make's `rm -f`; DB_FILE ?= local.db
        ['make reset-db', 'snapshot', 'rm-in-repo', 'local.db'],
        ['make DB_FILE=other.db reset-db', 'allow', 'no-risk', ''],
        // wipe has no recipe: its prerequisite reset-db runs
        ['make wipe', 'snapshot', 'rm-in-repo', 'local.db'],
        // $(MAKE) -C sub clean: sub/Makefile's recipe, in sub/
        ['make sub-clean', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['make -C sub clean', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['make --directory=sub clean', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['cd sub && make', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['make -f other.mk', 'snapshot', 'git-clean', '.env'],
        ['make -s --file other.mk wipe-all', 'snapshot', 'git-clean', '.env'],
        ['make -j 4 -k distclean', 'snapshot', 'git-clean', '.env'],
        // -n prints the recipes (runs only `+` and $(MAKE) lines); --help and a missing makefile run nothing
        ['make -n distclean', 'allow', 'no-risk', ''],
        // the $(MAKE) line runs under -n, and the sub-make gets -n through MAKEFLAGS: only its `+` line runs
        ['make -n sub-clean', 'allow', 'no-risk', ''],
        ['make -n -C sub forced', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        // command-line variables reach the sub-make (MAKEFLAGS), and win over its makefile's
        ['make sub-drop', 'allow', 'no-risk', ''],
        ['make sub-drop DBNAME=data.db', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['make --help', 'allow', 'no-risk', ''],
        ['make -f missing.mk distclean', 'allow', 'no-risk', ''],
        ['make -C src clean', 'allow', 'no-risk', ''],
      ];
      await expectEvaluatedVerdicts(t, cases);
    });
  });

  it('a recipe guard refuses typed is refused through make; variables guard cannot know are judged as unknown words', async () => {
    await template.withCopy(async (t) => {
      t.write('danger.mk', [
        'HOME_DIR = ~',
        'OUT := $(shell cat dirs.txt)',
        'ifeq ($(OS),Windows_NT)',
        'RMDIR = rmdir /s /q',
        'else',
        'RMDIR = rm -rf',
        'endif',
        'nuke:',
        '\t@$(RMDIR) $(HOME_DIR)',
        'computed:',
        "\trm -rf '$(OUT)'",
        'push:',
        '\tgit push --force origin main',
        'gen:',
        '\t$(PYTHON_FROM_SHELL) tools/gen.py $@ $(wildcard src/*.py)',
        'oneshell:',
        '\tcd sub',
        '\trm -f data.db',
        '.ONESHELL:',
        '',
      ].join('\n'));
      const cases: Array<[string, string, string]> = [
        ['make -f danger.mk nuke', 'deny', 'rm-home'],
        ['make -f danger.mk computed', 'ask', 'rm-unknown-target'],
        ['make -f danger.mk push', 'deny', 'git-push-force'],
        ['make -f danger.mk gen', 'allow', 'no-risk'],
        // .ONESHELL: one shell for the recipe, so `cd sub` holds for the next line
        ['make -f danger.mk oneshell', 'snapshot', 'rm-in-repo'],
        ['make -f danger.mk $TARGET', 'deny', 'opaque-command'],
        // a processor count is one word that only sets the job count: the recipes are still judged
        ['make -j$(nproc) -f danger.mk push', 'deny', 'git-push-force'],
        ['make -j $(nproc) -f danger.mk nuke', 'deny', 'rm-home'],
        // a word that may split into goals, or be a goal, is not a count
        ['make -f danger.mk -j $(echo push)', 'deny', 'opaque-command'],
        ['make -f danger.mk -j$JOBS', 'deny', 'opaque-command'],
      ];
      // guard's own files: judged through make as typed (the hook settings, no longer tracked:
      // ignored through info/exclude, as init leaves them, so `git clean -x` deletes them, and
      // Claude Code's post-tool hook puts them back: a snapshot, restore/own-files.ts).
      t.git(['rm', '-q', '--cached', '.claude/settings.local.json']);
      cases.push(['make distclean', 'snapshot', 'git-clean'], ['git clean -xdf', 'snapshot', 'git-clean']);
      // Work that doubles at every level (each variable names the next twice; a value built from
      // itself line after line) ends in an answer: opaque past the budget, unknown past the length.
      const levels = Array.from({ length: 40 }, (_, k) => `V${k} = $(V${k + 1})$(V${k + 1})`);
      t.write('bomb.mk', [...levels, 'V40 = x', 'all:', '\trm -rf $(V0)', ''].join('\n'));
      t.write('grow.mk', ['X := ab', ...Array.from({ length: 60 }, () => 'X := $(X)$(X)'), 'all:', '\trm -rf $(X)', ''].join('\n'));
      cases.push(['make -f bomb.mk', 'deny', 'opaque-command'], ['make -f grow.mk', 'ask', 'rm-unknown-target']);
      await expectEvaluatedVerdicts(t, cases);
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      const oneshell = checkVerdict(t, 'make -f danger.mk oneshell', { asAgent: true });
      expect(oneshell.reason).toContain('data.db');
      expect(oneshell).toEqual(await evaluatedVerdict(t, 'make -f danger.mk oneshell', { asAgent: true }));
      expect((await evaluatedVerdict(t, 'make distclean', { asAgent: true })).reason).toContain('.claude/settings.local.json');
      expect((await evaluatedVerdict(t, 'make -f danger.mk computed')).reason).toContain('$(shell ...)');
    });
  });

  it('the everyday builds stay free: make, make test, make lint, make clean of ignored build output: no snapshot, no question, no git process', async () => {
    await template.withCopy(async (t) => {
      // A C build's generated configure script, over what guard reads of a script file: judged as
      // before script files were read (unread), run by a recipe (redis's deps) or typed.
      t.write('deps/configure', `#!/bin/sh\n${'# autoconf\n'.repeat(30_000)}echo configured\n`, 0o755);
      t.write('deps/Makefile', 'all:\n\tcd . && ./configure --prefix=/usr\n');
      expect(await evaluatedVerdict(t, 'make -C deps', { asAgent: true }), 'make -C deps').toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, 'cd deps && ./configure', { asAgent: true }), './configure').toMatchObject({ verdict: 'allow' });
      // `make -j$(nproc)` and its spellings: the processor count is a value guard cannot know, but
      // only sets how many recipes run at once (denied as opaque-command on 2026-12-05's main)
      const everyday = ['make', 'make all', 'make test', 'make lint', 'make build', 'make clean', 'make -j8 test'];
      everyday.push('make -j$(nproc)', 'make -j$(nproc) test', 'make -j "$(nproc)" test', 'make --jobs=$(getconf _NPROCESSORS_ONLN)', 'make -j`nproc` build', 'make -j$(($(nproc) + 1))', 'make -l"$LOAD" test');
      for (const command of everyday) {
        expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      }
      // The session's first command that is not on the hook's fast path takes its first snapshot:
      // after it, an allowed command the hook reads costs the same few git processes, make or not.
      installedHookGitProcesses(t, "python3 -c 'print(1)'");
      const baseline = installedHookGitProcesses(t, "python3 -c 'print(2)'");
      for (const command of ['make', 'make test', 'make lint']) expect(installedHookGitProcesses(t, command), command).toBe(baseline);
      // make clean deletes build/ and __pycache__ (regenerable output): looked at, allowed, no snapshot taken first.
      expect(installedClaudeHook(t, 'make clean').decision).toBe('allow');
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
    });
  });

  it("a target named from $(shell ...)'s output is one word guard cannot know, not pieces of its shown name (junegunn/fzf's Makefile)", async () => {
    await template.withCopy(async (t) => {
      // fzf: GOOS from `$(shell go env GOOS)`, `all: target/$(BINARY)` with BINARY := fzf-$(GOOS)_amd64.
      // The mark's shown name `$(shell ...)` was cut at its blank: `...)_amd64` read as a known
      // target, its recipe run as `go build ... -o ...)_amd64`, which no shell parses: `make` was
      // denied (opaque-command) on 2026-12-08's main.
      t.write('fzf.mk', [
        'GOOS ?= $(shell go env GOOS)',
        'BINARY := fzf-$(GOOS)_amd64',
        'all: target/$(BINARY)',
        'target/$(BINARY): main.go',
        '\tGOARCH=amd64 go build -o $@',
        'bin/fzf: target/$(BINARY)',
        '\tcp -f target/$(BINARY) bin/fzf',
        '',
      ].join('\n'));
      for (const command of ['make -f fzf.mk', 'make -f fzf.mk all', 'make -f fzf.mk bin/fzf']) {
        expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      }
      expect(checkVerdict(t, 'make -f fzf.mk', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // A recipe whose words hold the mark is still judged with it as an unknown word.
      t.write('wipe.mk', ['OUT := $(shell cat dirs.txt)', 'all:', "\trm -rf 'x-$(OUT)-y'", ''].join('\n'));
      expect(await evaluatedVerdict(t, 'make -f wipe.mk', { asAgent: true })).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
    });
  });
});

describe('just is judged by the recipes of its justfile', () => {
  const JUSTFILE = [
    'db := "local.db"',
    'rev := `git rev-parse --short HEAD`',
    '',
    'default: test',
    '',
    'test:',
    '    @echo testing',
    '    pytest -x',
    '',
    'clean:',
    '    rm -rf build/',
    '',
    'reset-db file=db: clean',
    '    rm -f {{file}}',
    '',
    'distclean: (reset-db "other.db") && after',
    '    -git clean -xdf',
    '',
    'after:',
    '    echo {{rev}}',
    '',
    'wipe:',
    '    #!/usr/bin/env bash',
    '    set -euo pipefail',
    '    cd {{justfile_directory()}}/sub',
    '    rm -f data.db',
    '',
    'py:',
    '    #!/usr/bin/env python3',
    "    import shutil; shutil.rmtree('/')",
    '',
    'flags := if os() == "linux" { "-x" } else { "-y" }',
    'build:',
    '    cargo build {{flags}} {{ if env("CI", "") == "true" { "--locked" } else { "" } }}',
    '',
  ].join('\n');

  it('recipes, dependencies, parameters and {{variables}}: captured and refused as typed; the builds stay free', async () => {
    await template.withCopy(async (t) => {
      t.write('justfile', JUSTFILE);
      const cases: Array<[string, string, string, string]> = [
        ['just distclean', 'snapshot', 'git-clean', '.env'],
        ['just reset-db', 'snapshot', 'rm-in-repo', 'local.db'],
        ['cd sub && just reset-db', 'snapshot', 'rm-in-repo', 'local.db'],
        ['just reset-db other.db', 'allow', 'no-risk', ''],
        ['just db=other.db reset-db', 'allow', 'no-risk', ''],
        ['just -n distclean', 'allow', 'no-risk', ''],
        ['just --list', 'allow', 'no-risk', ''],
        ['just no-such-recipe', 'allow', 'no-risk', ''],
        // a shebang recipe is a script file just writes: a shell's is read as a shell script file is; another interpreter's is not
        ['just wipe', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['just py', 'allow', 'no-risk', ''],
        ['just', 'allow', 'no-risk', ''],
        ['just test', 'allow', 'no-risk', ''],
        ['just clean', 'allow', 'no-risk', ''],
        // conditionals guard does not evaluate are unknown words, not text the shell's parser reads
        ['just build', 'allow', 'no-risk', ''],
      ];
      await expectEvaluatedVerdicts(t, cases);
      expect((await evaluatedVerdict(t, 'just distclean')).reason).toContain('recipe distclean, justfile:17');
    });
  });
});
