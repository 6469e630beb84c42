/**
 * Shell semantics guard models so it neither refuses nor misses what a line really does.
 * `"$@"` in a typed `bash -c` string is one word per argument after the `$0` word (none for
 * none): before 2026-12-05 it was their values joined into one word, so `bash -c 'git clean -fdx
 * "$@"' sh` was judged as `git clean -fdx ''` (refused as git-clean-ignored) and `sh -c 'rm -rf
 * "$@"' sh dist src` as deleting one file "dist src" that does not exist (allowed, src unseen).
 * A maybe-empty variable (`d=$(mktemp -d || true)`: the name, or nothing when mktemp fails)
 * named without a test is judged with each value, the strictest verdict kept: `rm -rf "$d"`
 * deletes a scratch directory or nothing (was asked about), `rm -rf "$d"/*` may be `rm -rf /*`.
 */
import { describe, it } from 'vitest';
import { expectAgentVerdicts } from '../../helpers/verdicts.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

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
    await withTestRepo((t) => {
      setup(t);
      expectAgentVerdicts(t, [
        // No arguments after $0: "$@" is no word at all, the clean typed (captures .env first).
        [`bash -c 'git clean -fdx "$@"' sh`, 'snapshot', 'git-clean', '.env'],
        [`sh -c 'git clean -fdx "$@"' sh -e .env`, 'snapshot', 'git-clean'],
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
    await withTestRepo((t) => {
      setup(t);
      const d = 'd=$(mktemp -d || true); ';
      expectAgentVerdicts(t, [
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
});
