/**
 * A C project's test drivers, in jq's shape: tests/setup (sourced by every tests/*test driver)
 * makes its temp directory with `d=$(mktemp -d -t jqXXXXXX || true)`, stops when it is empty,
 * and removes it from an EXIT trap through a function defined while d was still empty; shtest
 * reads a file in blocks with `dd ... bs=$i` for `i in $(seq ...)`. Before 2026-12-05
 * `./tests/shtest` was denied (dd given an operand guard cannot see) and every other driver
 * asked about `rm -rf "$d"`. The variable is mktemp's name or empty (expand.ts
 * nameOrEmptyOutput); a test that it is not empty makes it the name (narrowing.ts); without one,
 * `rm -rf "$d"/*` (with d empty: `rm -rf /*`) is still asked about; since 2026-12-05 (later) judged for both values, it is refused as `rm -rf /*`.
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const SETUP = [
  '#!/bin/sh',
  'set -eu',
  'JQTESTDIR=$(cd "$(dirname "$0")" && pwd)',
  'clean=true',
  'd=',
  'clean () {',
  '    if ! $clean; then',
  '        echo "See temp files in $d!"',
  '    elif [ -n "$d" ]; then',
  '        rm -rf "$d"',
  '    fi',
  '}',
  'trap clean EXIT',
  'd=$(mktemp -d -t jqXXXXXX || true)',
  'if [ -z "$d" ]; then',
  '    echo "Your OS does not support mktemp(1) -d" 1>&2',
  '    exit 1',
  'fi',
  '',
].join('\n');

const SHTEST = [
  '#!/bin/sh -x',
  '. "${0%/*}/setup" "$@"',
  'printf "[1,2][3,4]" > $d/out 2>&1',
  'for i in $(seq 1 "$(wc -c < "$JQTESTDIR/input.json")"); do',
  '    dd "if=tests/input.json" bs=$i count=1 2>/dev/null | cat > $d/out0 2>$d/err || true',
  'done',
  'clean=false',
  '',
].join('\n');

describe('temp directories of test drivers', () => {
  it("jq's drivers run; an unguarded maybe-empty temp path is still asked about", async () => {
    await withTestRepo(async (t) => {
      t.write('tests/setup', SETUP, 0o644);
      t.write('tests/shtest', SHTEST, 0o755);
      t.write('tests/input.json', '[1,2,3]\n');
      t.write('scripts/cc', '#!/bin/sh\njobs=-j4\ncase "X$1" in\nX-j*) jobs=$1; shift;;\nesac\nmake "$jobs" all\n', 0o755);
      t.write('Makefile', 'all:\n\techo built\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'tests']);
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      expect(checkVerdict(t, './tests/shtest', { asAgent: true })).toEqual(await evaluatedVerdict(t, './tests/shtest', { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        ['./tests/shtest', 'allow', 'no-risk'],
        ['sh tests/setup', 'allow', 'no-risk'],
        ['rm -rf ""', 'allow', 'no-risk'],
        ['for i in $(seq 1 10); do dd if=tests/input.json bs=$i count=1; done', 'allow', 'no-risk'],
        ['dd if=/dev/zero bs=$((1024*1024)) count=1 of=/dev/null', 'allow', 'no-risk'],
        // Not a number: the value may split into `of=...`.
        ['for i in $(ls); do dd if=tests/input.json bs=$i count=1; done', 'deny', 'opaque-command'],
        // Without a test, judged for both values: with d empty it is `rm -rf /*` (shell-semantics.test.ts).
        ['d=$(mktemp -d || true); rm -rf "$d"/*', 'deny', 'rm-root', 'where $d is empty'],
        ['d=$(mktemp -d || true); [ -n "$d" ] && rm -rf "$d"/*', 'allow', 'no-risk'],
        ['d=$(mktemp -d || true); [ -n "$d" ] && rm -rf "$d"/* || rm -rf "$d"/*', 'deny', 'rm-root'],
        ['d=$(mktemp -d || true); [ -z "$d" ] && exit 1; rm -rf "$d"/*', 'allow', 'no-risk'],
        ['d=$(mktemp -d 2>/dev/null || exit 1); if [ -z "$d" ]; then exit 1; fi; rm -rf "$d"/*', 'allow', 'no-risk'],
        ['d=$(mktemp -d || true); if [ -z "$d" ]; then echo none; fi; rm -rf "$d"/*', 'deny', 'rm-root'],
        // Unquoted, `[ -n $d ]` with d empty is `[ -n ]`, which is true.
        ['d=$(mktemp -d || true); [ -n $d ] && rm -rf "$d"/*', 'deny', 'rm-root'],
        ['d=$(mktemp -d || echo .git); [ -n "$d" ] && rm -rf "$d"/*', 'ask', 'rm-unknown-target'],
        // tmux's regress/*.sh set PATH to the system's directories first: mktemp is still the system's.
        ['PATH=/bin:/usr/bin; T=$(mktemp); trap "rm -f $T" 0 1 15; echo x > $T', 'allow', 'no-risk'],
        ['PATH=.:/bin; T=$(mktemp -d); rm -rf "$T"', 'ask', 'rm-unknown-target'],
        // jq's scripts/crosscompile: `case "X$1" in X-j*) jobs=$1; shift;; esac` with $1 known runs the one body that matches.
        ['./scripts/cc win32', 'allow', 'no-risk'],
        ['./scripts/cc -j8 win64', 'allow', 'no-risk'],
        ['./scripts/cc "$X"', 'deny', 'opaque-command'],
        ['x=b; case "$x" in a) rm -rf .git;; esac', 'allow', 'no-risk'],
        ['x=ab; case "$x" in "a*") rm -rf .git;; a*) rm -rf .git/hooks;; esac', 'deny', 'git-dir-write'],
        ['x=c; case "$x" in a|b) echo;; c|d) rm -rf .git;; esac', 'deny', 'git-dir-write'],
        ['x=a; case "$x" in a) echo;& b) rm -rf .git;; esac', 'deny', 'git-dir-write'],
        ['case "$y" in a) echo;; *) rm -rf .git;; esac', 'deny', 'git-dir-write'],
      ]);
    });
  });
});
