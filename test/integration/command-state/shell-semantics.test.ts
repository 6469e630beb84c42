/**
 * Shell semantics guard models so it neither refuses nor misses what a line really does.
 * `"$@"` in a typed `bash -c` string is one word per argument after the `$0` word (none for
 * none): before 2026-12-05 it was their values joined into one word, so `bash -c 'git clean -fdx
 * "$@"' sh` was judged as `git clean -fdx ''` (refused as git-clean-ignored) and `sh -c 'rm -rf
 * "$@"' sh dist src` as deleting one file "dist src" that does not exist (allowed, src unseen).
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
});
