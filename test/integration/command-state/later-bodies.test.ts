/**
 * Function bodies and trap handlers run later than where they are written, with the state of
 * that moment (src/policy/command/later-bodies.ts). Before 2026-12-05 both were judged once with
 * the state where they were written: `d=/tmp/x; f() { rm -rf "$d"; }; d=.git; f`, `cleanup() {
 * rm -rf objects; }; cd .git; cleanup` and `trap 'rm -rf "$d"' EXIT; d=.git` were "allow", and a
 * script's function deleting `"$1"` was judged with the script's own `$1`, so `./del.sh /tmp/x`
 * whose function is called with `.env` lost the ignored .env for good. The table is judged by
 * check-command's evaluation in this process (test/helpers/evaluated.ts), its first row through
 * `guard check-command` itself too.
 */
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('bodies that run later: functions and traps', () => {
  it('are judged with the state of every later moment, not only where they are written', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '.env\n');
      t.write('.env', 'API_KEY=s3cr3t\n');
      // The function is called with its own arguments: the script's $1 is not what it deletes.
      t.write('del.sh', '#!/bin/sh\nf() { rm -rf "$1"; }\nf .env\n', 0o755);
      t.git(['add', '.gitignore', 'del.sh']);
      t.git(['commit', '-q', '-m', 'init']);
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, 'd=$(mktemp -d); f() { rm -rf "$d"; }; d=.git; f', { asAgent: true })).toEqual(await evaluatedVerdict(t, 'd=$(mktemp -d); f() { rm -rf "$d"; }; d=.git; f', { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        ['d=$(mktemp -d); f() { rm -rf "$d"; }; d=.git; f', 'deny', 'git-dir-write'],
        ['cleanup() { rm -rf objects; }; cd .git; cleanup', 'deny', 'git-dir-write'],
        ['cleanup() { rm -rf objects; }; cd .git && cleanup', 'deny', 'git-dir-write'],
        ['d=$(mktemp -d); trap \'rm -rf "$d"\' EXIT; d=.git', 'deny', 'git-dir-write'],
        ['trap \'rm -rf objects\' EXIT; cd .git', 'deny', 'git-dir-write'],
        ['d=$(mktemp -d); f() { rm -rf "$d"; }; trap f EXIT; d=.git', 'deny', 'git-dir-write'],
        // A function defined later, called from an earlier one with the state that one set up.
        ['f() { d=.git; g; }; g() { rm -rf "$d"; }; f', 'deny', 'git-dir-write'],
        // An assignment in front of the call holds while the function runs.
        ['d=$(mktemp -d); f() { rm -rf "$d"; }; d=.git f', 'deny', 'git-dir-write'],
        ['if true; then f() { rm -rf "$d"; }; fi; d=.git', 'deny', 'git-dir-write'],
        ['./del.sh /tmp/elsewhere', 'ask', 'rm-unknown-target'],
        // The everyday shape stays allowed: a temp directory made, cleaned on exit.
        ['d=$(mktemp -d); trap \'rm -rf "$d"\' EXIT; echo hi > "$d/x"; cat "$d/x"', 'allow', 'no-risk'],
        ['d=$(mktemp -d); cleanup() { rm -rf "$d"; }; trap cleanup EXIT; cd "$d"; echo hi > x', 'allow', 'no-risk'],
      ]);
    });
  });
});
