/**
 * Shell semantics guard models so it neither refuses nor misses what a line really does.
 * `"$@"` in a typed `bash -c` string is one word per argument after the `$0` word (none for
 * none): before 2026-12-05 it was their values joined into one word, so `bash -c 'git clean -fdx
 * "$@"' sh` was judged as `git clean -fdx ''` (refused as git-clean-ignored) and `sh -c 'rm -rf
 * "$@"' sh dist src` as deleting one file "dist src" that does not exist (allowed, src unseen).
 * A maybe-empty variable (`d=$(mktemp -d || true)`: the name, or nothing when mktemp fails)
 * named without a test is judged with each value, the strictest verdict kept: `rm -rf "$d"`
 * deletes a scratch directory or nothing (was asked about), `rm -rf "$d"/*` may be `rm -rf /*`.
 * `set -e` (errexit.ts): where a `cd` fails the script ends, so what follows runs only in the
 * directory (jq's scripts/crosscompile was refused: `make ... DESTDIR=$plat` with plat unknown);
 * not where the shell ignores the failure (a condition, `cd x || true`, `cd x && ...`, `!`, a
 * subshell or function in such a place, a `$(...)`, a new `bash -c` without `-e`).
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/** jq's scripts/crosscompile (jqlang/jq e5c30e6f), comments left out: refused before errexit was modelled. */
const CROSSCOMPILE = [
  '#!/bin/sh',
  'set -e',
  'cd `dirname "$0"`/../build',
  'jobs=-j4',
  'case "X$1" in',
  'X-j*) jobs=$1; shift;;',
  'esac',
  'plat="$1"',
  '[ -z "$plat" ] && exit 1',
  'shift',
  'case "$plat" in',
  '*/*) echo "platform name must not be a path"; exit 1;;',
  '*..*) echo "platform name must not be a path"; exit 1;;',
  '*) plat=$PWD/$plat;;',
  'esac',
  '[ -d "$plat" ] || mkdir "$plat"',
  'rm -rf "$plat/tmp"',
  'mkdir "$plat/tmp"',
  'cd "$plat/tmp"',
  '../../../configure "$@"',
  'make "$jobs" DESTDIR=$plat install',
  'set -x',
  'for jq in `find . -type f \\( -name jq -o -name jq.exe \\) -print`; do',
  '    cp "$jq" ..',
  'done',
  'cd ..',
  'rm -rf tmp',
  '',
].join('\n');

function setup(t: TestRepo): void {
  t.write('.gitignore', '.env\ndist/\n');
  t.write('src/a.ts', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.write('.env', 'SECRET=1\n', 0o600);
  t.write('dist/out.js', 'built\n');
}

describe('shell semantics', () => {
  it('"$@", "$*", $1 and $# of a typed bash -c string', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      expect(checkVerdict(t, `bash -c 'git clean -fdx "$@"' sh`, { asAgent: true })).toEqual(await evaluatedVerdict(t, `bash -c 'git clean -fdx "$@"' sh`, { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        // No arguments after $0: "$@" is no word at all, the clean typed (captures .env first).
        [`bash -c 'git clean -fdx "$@"' sh`, 'snapshot', 'git-clean', '.env'],
        // `-e .env` keeps the .env, the only file it would take that a snapshot holds: free.
        [`sh -c 'git clean -fdx "$@"' sh -e .env`, 'allow', 'no-risk'],
        // One word each: src is deleted (it was one name "dist src", allowed).
        [`sh -c 'rm -rf "$@"' sh dist src`, 'snapshot', 'rm-in-repo', 'src'],
        [`sh -c 'rm -rf "$@"' sh dist`, 'allow', 'no-risk'],
        [`sh -c 'rm -rf "$@"' sh`, 'allow', 'no-risk'],
        [`sh -c 'rm -rf "x$@"' sh`, 'allow', 'no-risk'],
        [`sh -c 'rm -rf "$@"' sh dist .git/hooks`, 'deny', 'git-dir-write'],
        [`sh -c 'rm -rf "$@"' sh dist "$X"`, 'ask', 'rm-unknown-target'],
        [`sh -c 'rm -rf "$1"' sh src`, 'snapshot', 'rm-in-repo', 'src'],
        [`sh -c 'rm -rf "$2"' sh dist src`, 'snapshot', 'rm-in-repo', 'src'],
        [`sh -c '[ $# = 2 ] && rm -rf "$@"' sh dist src`, 'snapshot', 'rm-in-repo', 'src'],
        // "$*" is one word, the arguments joined by a blank: no file "dist src".
        [`sh -c 'rm -rf "$*"' sh dist src`, 'allow', 'no-risk'],
        [`sh -c 'IFS=/; rm -rf "$*"' sh dist src`, 'ask', 'rm-unknown-target'],
      ]);
    });
  });

  it('a maybe-empty variable without a test: judged for the name and for empty', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const d = 'd=$(mktemp -d || true); ';
      await expectEvaluatedVerdicts(t, [
        [`${d}rm -rf "$d"`, 'allow', 'no-risk'],
        [`${d}rm -rf $d`, 'allow', 'no-risk'],
        [`${d}rm -rf "\${d}" "$d/x"`, 'allow', 'no-risk'],
        [`${d}e=$(mktemp -d -t x.XXXXXX || true); rm -rf "$d" "$e"`, 'allow', 'no-risk'],
        [`${d}f() { rm -rf "$d"; }; trap 'rm -rf "$d"' EXIT; f`, 'allow', 'no-risk'],
        // With d empty: `rm -rf /*`, `rm -rf /.git`.
        [`${d}rm -rf "$d"/*`, 'deny', 'rm-root', 'where $d is empty'],
        [`${d}rm -rf $d/*`, 'deny', 'rm-root'],
        [`${d}rm -rf "$d"/.git`, 'deny', 'git-dir-write'],
        [`${d}rm -rf "$d" src`, 'snapshot', 'rm-in-repo', 'src'],
        // The state after the command is the one with d unknown (`cd ""` staying put is not modelled).
        [`${d}cd "$d" && rm -rf ./*`, 'ask', 'rm-unknown-target'],
        [`${d}rm -rf "$d\${d:+/x}"`, 'allow', 'no-risk'],
        // Narrowed by a test as before: only the name.
        [`${d}[ -n "$d" ] && rm -rf "$d"/*`, 'allow', 'no-risk'],
      ]);
    });
  });

  it('set -e: a failing cd ends the script, unless the failure is ignored', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      t.write('sub/b.txt', 'b\n');
      t.write('scripts/e.sh', '#!/bin/sh -e\ncd sub\nrm -rf src\n', 0o755);
      t.write('scripts/n.sh', '#!/bin/sh\ncd sub\nrm -rf src\n', 0o755);
      t.write('scripts/crosscompile', CROSSCOMPILE, 0o755);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'scripts']);
      // In sub, `rm -rf src` deletes nothing; where cd may have failed, the repository's src.
      const inRoot = ['snapshot', 'rm-in-repo', 'src'] as const;
      const inSub = ['allow', 'no-risk'] as const;
      await expectEvaluatedVerdicts(t, [
        ['cd sub; rm -rf src', ...inRoot],
        ['set -e; cd sub; rm -rf src', ...inSub],
        ['set -euo pipefail; cd sub; rm -rf src', ...inSub],
        ['set -o errexit; cd sub; rm -rf src', ...inSub],
        ['set -e; (cd sub; rm -rf src)', ...inSub],
        [`bash -e -c 'cd sub; rm -rf src'`, ...inSub],
        ['./scripts/e.sh', ...inSub],
        ['bash -e scripts/n.sh', ...inSub],
        ['./scripts/crosscompile win32', 'allow', 'no-risk'],
        ['./scripts/n.sh', ...inRoot],
        ['set -e; cd sub || true; rm -rf src', ...inRoot],
        ['set -e; cd sub && true; rm -rf src', ...inRoot],
        ['set -e; if cd sub; then true; fi; rm -rf src', ...inRoot],
        ['set -e; ! cd sub; rm -rf src', ...inRoot],
        ['set -e; (cd sub; rm -rf src) || true', ...inRoot],
        ['set -e; f() { cd sub; rm -rf src; }; f', ...inRoot],
        ['set -e; x=$(cd sub; rm -rf src)', ...inRoot],
        [`set -e; bash -c 'cd sub; rm -rf src'`, ...inRoot],
        ['set -e; set +e; cd sub; rm -rf src', ...inRoot],
        ['set -e; set $X; cd sub; rm -rf src', ...inRoot],
      ]);
    });
  });
});
