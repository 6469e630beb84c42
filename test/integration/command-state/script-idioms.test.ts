/**
 * What the lines and scripts of 2026-12-07's probe meant for the repository, judged as bash and
 * zsh run them:
 *  - zsh scripts (`#!/usr/bin/env zsh`, `zsh FILE`, `zsh -c`) are read with zsh's own parameter
 *    and glob forms (parse.ts Dialect): `${ZSH_ARGZERO:a:h}`, `${(f)"$(cmd)"}`, `$#arr`,
 *    `=(cmd)`, `$file:h`, `*.o(N)`. Before, ripgrep's ci/test-complete was refused ("bad ${...}
 *    expansion"); a script's `source $1` in a function is a script of the build guard cannot
 *    name (CommandContext.inRecipe), as an unknown command name there is;
 *  - the script-directory idioms resolve: `$(dirname "$(readlink -f "$0")")` and `$(realpath
 *    "$0")` are the script's real directory (a symlinked script's too), so `rm -rf
 *    "$DIR/../data"` is judged against data/ (before: asked, a path guard cannot know);
 *  - `local -a arr=(a b)` / `declare -A m=([k]=v)` parse (a declaration builtin's array, in bash
 *    and zsh scripts: before, a parse error refused the whole script for an agent);
 *  - rsync's `--remove-sent-files` (rsync 2's name, still accepted) deletes its sources;
 *    `--delay-updates` deletes nothing and a dry run (`-n`) nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { expectAgentVerdicts } from '../../helpers/verdicts.js';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

/** A zsh test script in the shape of ripgrep's ci/test-complete: zsh's parameter forms, nothing deleted. */
const ZSH_TEST = [
  '#!/usr/bin/env zsh',
  'emulate zsh -o extended_glob -o no_unset',
  'get_args() {',
  '    setopt local_options unset',
  '    ( _LIST_ARGS=1 source $1 )',
  '}',
  'main() {',
  '    local bin=${ZSH_ARGZERO:a:h}/../${TARGET_DIR:-target}/release/tool',
  '    local -a help_args comp_args',
  '    [[ -e $bin ]] || bin=${bin/%\\/release\\/tool/\\/debug\\/tool}',
  '    bin=${bin:a}',
  '    help_args=( ${(f)"$( $bin --help | grep -o -- \'--[a-z-]*\' )"} )',
  '    help_args=( ${(ou)help_args} )',
  '    comp_args=( ${(f)"$( get_args ${ZSH_ARGZERO:a:h}/complete.zsh )"} )',
  '    comp_args=( ${comp_args%%[:+=[]*} )',
  '    (( $#help_args )) || { print -ru2 - "${ZSH_ARGZERO:t}: no help args"; return 1 }',
  '    diff -U2 =( print -rl - $help_args ) =( print -rl - $comp_args ) && print -r - OK',
  '    print -rl -- src/**/*.ts(.N)',
  '}',
  'main "$@"',
  '',
].join('\n');

describe('zsh scripts, script directories, rsync', () => {
  it('reads zsh scripts, resolves the script directory, and judges rsync by what it deletes', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, {
        '.gitignore': 'build/\n.env\n',
        'data/a.txt': 'a\n',
        'src/index.ts': 'x\n',
        'dst/old.txt': 'old\n',
        'ci/test-complete': [ZSH_TEST, 0o755],
        'ci/complete.zsh': '#compdef tool\n',
        'scripts/wipe.zsh': ['#!/usr/bin/env zsh\nrm -rf ${0:a:h}/../data\n', 0o755],
        'scripts/head.zsh': ['#!/bin/zsh\nf=data/a.txt\nrm -rf $f:h\n', 0o755],
        // the same text under bash: `$f:h` is data/a.txt:h (no such file), `${f:h}` a substring
        'scripts/head.bash': ['#!/bin/bash\nf=data/a.txt\nrm -rf $f:h\n', 0o755],
        'scripts/inner.zsh': ['#!/usr/bin/env zsh\nout=${(f)"$(git clean -fdx)"}\n', 0o755],
        'scripts/dotfiles.zsh': ['#!/usr/bin/env zsh\nrm -rf *(D)\n', 0o755],
        'scripts/objects.zsh': ['#!/usr/bin/env zsh\nrm -f build/**/*.o(N)\n', 0o755],
        'scripts/readlink.sh': ['#!/bin/sh\nDIR=$(dirname "$(readlink -f "$0")")\nrm -rf "$DIR/../data"\n', 0o755],
        'scripts/realpath.sh': ['#!/bin/bash\nDIR=$(dirname "$(realpath "$0")")\nrm -rf "$DIR/../data"\n', 0o755],
        'scripts/clean-build.sh': ['#!/bin/bash\nDIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"\nrm -rf "$DIR/../build"\n', 0o755],
        'scripts/lib-user.sh': ['#!/bin/bash\nload() { . "$1"; }\nload "$(dirname "$0")/lib.sh"\n', 0o755],
        'scripts/lib.sh': 'echo lib\n',
        // a declaration builtin's array (a parse error before, in bash and zsh scripts alike)
        'scripts/arrays.sh': ['#!/bin/bash\nrun() {\n  local -a targets=(src "data dir")\n  declare -A seen=([a]=1 [b]=2)\n  echo "${targets[@]}"\n}\nrun\n', 0o755],
        'scripts/array-clean.sh': ['#!/bin/bash\ndeclare -a out=($(git clean -fdx))\n', 0o755],
      });
      writeFiles(t, { '.env': 'KEY=1\n', 'build/x.o': 'o\n' });
      // a script reached through a symlink elsewhere: `readlink -f "$0"` is where it really is
      fs.mkdirSync(path.join(t.dir, 'bin'));
      fs.symlinkSync('../scripts/readlink.sh', path.join(t.dir, 'bin', 'wipe'));
      // through the real CLI once
      expectAgentVerdicts(t, [
        ['ci/test-complete', 'allow', 'no-risk'],
        ['scripts/readlink.sh', 'snapshot', 'rm-in-repo', 'rm deletes data inside the repository'],
      ]);
      // (a script named by path is looked at by the hook's sh shim itself: guard_no_script)
      await expectEvaluatedVerdicts(t, [
        // zsh: the script's own forms read; what it deletes judged where zsh deletes it
        ['zsh ci/test-complete', 'allow', 'no-risk'],
        ['scripts/wipe.zsh', 'snapshot', 'rm-in-repo', ['rm deletes data inside']],
        ['scripts/head.zsh', 'snapshot', 'rm-in-repo', ['rm deletes data inside']],
        ['scripts/head.bash', 'allow', 'no-risk'],
        ['scripts/inner.zsh', 'snapshot', 'git-clean', ['.env']],
        ['scripts/dotfiles.zsh', 'deny', 'opaque-command', ['zsh glob qualifier']],
        ['scripts/objects.zsh', 'allow', 'no-risk'],
        ["zsh -c 'd=data/a.txt; rm -rf ${d:h}'", 'snapshot', 'rm-in-repo', ['data']],
        ["zsh -c 'rm -rf ${${PWD:a}%/*}'", 'ask', 'rm-unknown-target'],
        ["zsh -c 'print -rl -- src/**/*.ts(.N)'", 'allow', 'no-risk'],
        // the script's own path by prompt expansion: unknown, so deleting under it is asked
        ["zsh -c 'here=${${(%):-%x}:A:h}; ls $here; rm -rf $here/data'", 'ask', 'rm-unknown-target'],
        // the script directory, through readlink -f, realpath, a symlink, BASH_SOURCE
        ['scripts/realpath.sh', 'snapshot', 'rm-in-repo', ['rm deletes data inside']],
        ['bin/wipe', 'snapshot', 'rm-in-repo', ['rm deletes data inside']],
        ['cd scripts && ./readlink.sh', 'snapshot', 'rm-in-repo', ['rm deletes data inside']],
        ['scripts/clean-build.sh', 'allow', 'no-risk'],
        ['scripts/lib-user.sh', 'allow', 'no-risk'],
        ['scripts/arrays.sh', 'allow', 'no-risk'],
        ['scripts/array-clean.sh', 'snapshot', 'git-clean', ['.env']],
        // rsync
        ['rsync -a --remove-sent-files data/ /tmp/out/', 'snapshot', 'rm-in-repo', ['data']],
        ['rsync -a --remove-source-files data/ /tmp/out/', 'snapshot', 'rm-in-repo', ['data']],
        ['rsync -a --delete src/ dst/', 'snapshot', 'rm-in-repo', ['dst']],
        ['rsync -a --delay-updates src/ dst/', 'allow', 'no-risk'],
        ['rsync -an --delete src/ dst/', 'allow', 'no-risk'],
        ['rsync -a --delete src/ build/', 'allow', 'no-risk'],
        ['rsync -a --delete empty/ ./', 'deny', 'rm-repo-root'],
      ]);
    });
  });
});
