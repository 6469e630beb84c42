/**
 * Branch names guard reads from the repository rather than the words (docs/FRICTION.md, "Real
 * projects, third round": holman/dotfiles' bin/git-delete-local-merged and bin/git-promote):
 *  - `git branch -d` of names a substitution or xargs supplies (`git branch --merged | grep -v main
 *    | xargs git branch -d`, `git branch -d $(git branch --merged | grep -v '\*')`) was refused as
 *    opaque. git deletes only merged branches with -d, so it is free as a named `git branch -d
 *    feature` is (a snapshot with -D, which holds every branch), unless a protected local branch git
 *    would delete (checked out in no worktree) exists: planned-refs.ts lists the local branches (one
 *    for-each-ref) and refuses then;
 *  - `git push origin "$(git branch --show-current)"` (and rev-parse --abbrev-ref HEAD, symbolic-ref
 *    --short HEAD) was refused as an unknown refspec: the substitution is the checked-out branch
 *    (HEAD read through the state view, expand.ts), wherever it stands, a variable holding it too.
 */
import { describe, expect, it } from 'vitest';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const XARGS = 'git branch --merged | grep -v main | xargs git branch -d';
const SUBST = "git branch -d $(git branch --merged | grep -v '\\*')";

describe('git branch -d of names guard cannot read before it runs', () => {
  it('is free with -d (a snapshot with -D) while no protected branch could be deleted, refused where one could', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['branch', 'fr-old']);
      t.git(['branch', 'feature']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      // On main, the one protected local branch: git never deletes the checked-out branch.
      expect(hookWithVerdict(t, XARGS)).toMatchObject({ decision: 'allow', verdict: 'allow' });
      await expectEvaluatedTable(t, [
        [XARGS, 'allow', 'no-risk'],
        [SUBST, 'allow', 'no-risk'],
        ['git branch -D $(git branch --merged | grep -v main)', 'snapshot', 'git-branch-delete', ['merged or not']],
        // a loop over a list of names (`git branch -d "$b"` per line): -d refuses unmerged work, main is checked out
        ['while read b; do git branch -d "$b"; done < branches.txt', 'allow', 'no-risk'],
        // named branches are judged by their names, as before
        ['git branch -d fr-old', 'allow', 'no-risk'],
        ['git branch -D fr-old', 'snapshot', 'git-branch-delete'],
        ['git branch -d main', 'deny', 'git-branch-protected'],
        // a switch away from main earlier in the line leaves main deletable: refused
        [`git checkout feature && ${SUBST}`, 'deny', 'protected-branch-delete', ['main']],
      ]);
      // On another branch: main's line `  main` is listed, and the grep filters decide (branch-names.ts).
      t.git(['checkout', '-q', 'feature']);
      // feature up to main (guard's files were committed on main): main is merged into HEAD, so `git branch --merged` lists it
      t.git(['merge', '-q', '--ff-only', 'main']);
      expect(checkVerdict(t, XARGS, { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(checkVerdict(t, 'git branch --merged | grep -v main | while read -r b; do git branch -d "$b"; done', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(hookWithVerdict(t, XARGS)).toMatchObject({ decision: 'allow', verdict: 'allow' });
      expect(checkVerdict(t, "git branch --merged | grep -v '^\\*' | xargs git branch -d", { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'protected-branch-delete', instead: expect.stringContaining('`| grep -vF main` before xargs') });
      await expectEvaluatedTable(t, [
        [XARGS, 'allow', 'no-risk'],
        ["git branch --merged | grep -v '^\\*' | xargs git branch -d", 'deny', 'protected-branch-delete', ["its line `  main` in `git branch --merged` gets through the filters", 'the branches named before main are deleted by then']],
        ["git branch --merged | grep -vE '(main|master|develop)' | xargs git branch -d", 'allow', 'no-risk'],
        ["git branch --merged | egrep -v '(^\\*|master|main)' | xargs -n 1 git branch -d", 'allow', 'no-risk'],
        ["git branch --merged | grep -v '\\*' | grep -v -e main -e master | xargs -r git branch -d", 'allow', 'no-risk'],
        ["git branch --merged | grep -vx '  main' | xargs git branch -d", 'allow', 'no-risk'],
        ["git branch --merged | grep -v -i MAIN | xargs -I{} git branch -d {}", 'allow', 'no-risk'],
        ['git branch | grep -v main | xargs git branch -D', 'snapshot', 'git-branch-delete', ['merged or not', 'commits that only an unmerged one holds are then on no branch']],
        // a loop over the lines: `read b` takes one line less its blanks, `for b in $(...)` one word of them
        ['git branch --merged | grep -v main | while read b; do git branch -d "$b"; done', 'allow', 'no-risk'],
        ['git branch --merged | grep -v main | while read -r b; do git branch -d "$b"; done', 'allow', 'no-risk'],
        ['git branch --merged | grep -v main | while read b; do git branch -D "$b"; done', 'snapshot', 'git-branch-delete'],
        ["for b in $(git branch --merged | grep -v main | grep -v '\\*'); do git branch -d \"$b\"; done", 'allow', 'no-risk'],
        ['git branch --merged | while read b; do git branch -d "$b"; done', 'deny', 'protected-branch-delete'],
        // unquoted, the `* feature` line's `*` is globbed; an IFS of the line's reads `  main-` as main; read two words
        ['for b in $(git branch --merged | grep -v main); do git branch -d $b; done', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep -v main | while IFS=" -" read b; do git branch -d "$b"; done', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep -v main | while read b c; do git branch -d "$b"; done', 'deny', 'protected-branch-delete'],
        // a list guard does not read, while main (merged into HEAD) is deletable: refused
        ['while read b; do git branch -d "$b"; done < branches.txt', 'deny', 'protected-branch-delete', ['any local branch could be among them']],
        // what the model cannot read keeps every line: refused as before
        ['git branch --merged | grep -vw main | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep -v "ma[a-z]n" | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep -v main | sed s/x/main/ | xargs git branch -d', 'deny', 'protected-branch-delete', ['any local branch could be among them']],
        ['git branch -v | grep -v main | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep -v main notes.txt | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['grep() { cat; }; git branch --merged | grep -v main | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep -v mainline | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep main | xargs git branch -d', 'deny', 'protected-branch-delete'],
        ['git branch --merged | grep feature/ | xargs git branch -d', 'allow', 'no-risk'],
        // unquoted $(...): the `*` of the checked-out branch's line is globbed, unless a filter drops it
        ['git branch -d $(git branch --merged | grep -v main)', 'deny', 'protected-branch-delete', ['expands its `*`']],
        ["git branch -d $(git branch --merged | grep -v '\\*' | grep -v main)", 'allow', 'no-risk'],
        ['git branch -D $(git branch --merged)', 'deny', 'protected-branch-delete'],
        // a line-set IFS splits the lines elsewhere than at blanks (`  fix-main` gives main)
        ["IFS=-; git branch -d $(git branch --merged | grep -v '\\*' | grep -v main)", 'deny', 'protected-branch-delete'],
        // back on main first: main is the checked-out branch then
        [`git checkout main && ${SUBST}`, 'allow', 'no-risk'],
      ]);
      // a branch name holding quotes: xargs removes them (`ma''in` is main), so the filters are not relied on
      t.git(['branch', "ma''in"]);
      await expectEvaluatedTable(t, [[XARGS, 'deny', 'protected-branch-delete', ['holds a quote']]]);
      t.git(['branch', '-D', "ma''in"]);
      // main moves on: no longer merged into feature, `git branch --merged` does not list it (one
      // for-each-ref --merged=HEAD); `git branch` and `--merged main` still do; after a merge on the line, not relied on
      t.git(['checkout', '-q', 'main']);
      t.write('b.txt', 'b\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'b']);
      t.git(['checkout', '-q', 'feature']);
      await expectEvaluatedTable(t, [
        ["git branch --merged | grep -v '^\\*' | xargs git branch -d", 'allow', 'no-risk'],
        ["git branch | grep -v '^\\*' | xargs git branch -d", 'deny', 'protected-branch-delete'],
        ["git branch --merged main | grep -v '^\\*' | xargs git branch -d", 'deny', 'protected-branch-delete'],
        ["git merge -q main && git branch --merged | grep -v '^\\*' | xargs git branch -d", 'deny', 'protected-branch-delete'],
      ]);
    });
  });
});

describe('git push of the branch a substitution names', () => {
  it('is judged as a push of the checked-out branch', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.git(['tag', 'v1']);
      t.git(['checkout', '-q', '-b', 'feature']);
      expect(checkVerdict(t, 'git push origin "$(git branch --show-current)"', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['git push origin "$(git branch --show-current)"', 'allow', 'no-risk'],
        ['git push -u origin $(git rev-parse --abbrev-ref HEAD)', 'allow', 'no-risk'],
        ['git push origin "`git symbolic-ref --short HEAD`"', 'allow', 'no-risk'],
        ['git push --force-with-lease origin "$(git branch --show-current)"', 'snapshot', 'git-push-lease'],
        ['git push -f origin "$(git branch --show-current)"', 'deny', 'git-push-force'],
        // its value is the branch wherever it stands: in a variable, in a refspec
        ['b=$(git branch --show-current); git push origin "$b"', 'allow', 'no-risk'],
        ['git push origin "+$(git branch --show-current)"', 'deny', 'git-push-force', ['+feature']],
        ['git push origin ":$(git branch --show-current)"', 'deny', 'git-push-delete', ['feature']],
        // after a checkout on the line: the new branch -b makes, or an existing local branch named
        // (read from refs/heads and packed-refs); otherwise unknown (a tag, a path), refused as before
        ['git checkout -b topic && git push -u origin "$(git branch --show-current)"', 'allow', 'no-risk'],
        ['git checkout -b topic && git push origin "+$(git branch --show-current)"', 'deny', 'git-push-force', ['+topic']],
        ['git checkout -q --detach && git push origin "$(git branch --show-current)"', 'deny', 'opaque-command'],
        ['git checkout main && git push origin "$(git branch --show-current)"', 'allow', 'no-risk'],
        ['git switch main && git push origin "$(git branch --show-current)"', 'allow', 'no-risk'],
        ['git checkout main && git push --force-with-lease origin "$(git branch --show-current)"', 'deny', 'git-push-force', ['a protected branch (matches "main")']],
        ['git checkout no-such-branch && git push origin "$(git branch --show-current)"', 'deny', 'opaque-command'],
        ['git checkout v1 && git push origin "$(git branch --show-current)"', 'deny', 'opaque-command'],
      ]);
      // through the installed hook: a checkout of main, then a plain push of it
      expect(hookWithVerdict(t, 'git checkout main && git push origin "$(git branch --show-current)"')).toMatchObject({ decision: 'allow', verdict: 'allow' });
      // packed (no loose refs/heads/main): read from packed-refs
      t.git(['pack-refs', '--all']);
      await expectEvaluatedTable(t, [['git checkout main && git push origin "$(git branch --show-current)"', 'allow', 'no-risk']]);
      t.git(['checkout', '-q', 'main']);
      await expectEvaluatedTable(t, [['git push --force-with-lease origin "$(git branch --show-current)"', 'deny', 'git-push-force', ['a protected branch (matches "main")']]]);
    });
  });
});
