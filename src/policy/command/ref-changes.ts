/**
 * What a command line will do to the refs of the repository guard protects, as far as its words
 * say: move the current branch (`reset REV`), rewrite it (`commit --amend`, `rebase`), rename it
 * away, or switch to another branch first. The text alone cannot tell whether `git reset --hard
 * HEAD~1` rewrites a protected branch: that depends on which branch is checked out and where REV
 * is. So the classifier only records these changes, and the caller that can ask git
 * (src/githooks/planned-refs.ts) judges them with the rules the git hooks apply, before the
 * command starts, instead of letting reference-transaction refuse it half-way.
 */

import type { BranchLines } from './branch-names.js';

export type RefChange =
  /**
   * HEAD now names this branch (`checkout X`, `switch X`; `created`: `-b`/`-c`); null: detached
   * or unknown. `checkout X` may also be a path: the judge checks that branch X exists.
   */
  | { kind: 'switch'; branch: string | null; created?: boolean; command: string }
  /** A ref (`HEAD` = the checked-out branch) is set to a revision (`reset REV`, `update-ref HEAD REV`); null: one guard cannot see. */
  | { kind: 'move'; ref: string; to: string | null; how: string; command: string }
  /** The checked-out branch gets a commit that does not descend from its tip (`commit --amend`). */
  | { kind: 'rewrite'; ref: 'HEAD'; how: string; command: string }
  /**
   * The branch is replayed onto upstream (`@{upstream}`: the configured one; `--root`: all of its
   * history; null: a revision guard cannot see): a rewrite unless it is a fast-forward.
   */
  | { kind: 'rebase'; ref: string; upstream: string | null; how: string; command: string }
  /**
   * `git am --abort` (`am`: back to ORIG_HEAD) or `git cherry-pick`/`git revert --abort`
   * (`sequencer`: back to the commit in sequencer/head) moves the checked-out branch back to
   * where the operation started, once the index and files are reset: where that is, and whether
   * an operation is in progress at all, only git's state files say.
   */
  | { kind: 'abort'; ref: 'HEAD'; operation: 'am' | 'sequencer'; how: string; command: string }
  /**
   * `git push --force-with-lease` to `remote` (null: the default one) rewrites these remote
   * branches (`HEAD`: the checked-out branch's name); null: no refspec, so push.default and the
   * upstream decide. The judge refuses a protected destination and names the remote-tracking
   * tips guard keeps.
   */
  | { kind: 'push-lease'; remote: string | null; destinations: string[] | null; how: string; command: string }
  /**
   * `git commit`: not a ref change the branch rules judge, but what it commits, judged for an agent
   * as the pre-commit hook judges it (Gemini CLI runs git with hooks off). `all`: -a; `pathspecs`:
   * `git commit <pathspec>` (only those, as in the working tree; with `include`, -i, added to the
   * index), null when guard cannot see them; `interactive`: --patch/--interactive; `cwd`: where git runs.
   */
  | { kind: 'commit'; all: boolean; include: boolean; interactive: boolean; pathspecs: string[] | null; cwd: string | null; command: string }
  /** The ref disappears (`branch -m NEW` renames the current branch away). */
  | { kind: 'delete'; ref: string; how: string; command: string }
  /**
   * `git branch -d`/`-D` of names the words do not give (`$(git branch --merged | grep -v main)`,
   * `| xargs git branch -d`): any local branch could be among them. The judge refuses where a
   * protected local branch that git would delete (one not checked out in a worktree) exists.
   */
  | { kind: 'delete-unnamed'; how: string; command: string; /** The names are words of these `git branch` lines (branch-names.ts); absent: any words. */ lines?: BranchLines };
