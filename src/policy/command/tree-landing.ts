/**
 * git commands that write another tree's files into the working tree (`git switch X`, `checkout
 * X`, `checkout X -- .`, `restore --source X`, `reset --hard X`, `merge X`, `rebase X`,
 * `cherry-pick`, `revert` in any spelling of their commits, `checkout-index -f`): where X tracks a file the current branch ignores (`.env`, a local
 * config committed on an old tag or another branch), git writes X's file over the ignored one
 * without a word, and no snapshot holds ignored files. Found by the lead on 2026-12-04 (git 2.39
 * and 2.47): `git switch other` was allowed and `.env` was gone.
 *
 * What git replaces is read from the repository (src/git/tree-landing.ts: one tree-to-tree
 * diff-tree, an lstat per path it adds, one ls-files only where something is on disk there) and
 * captured into the snapshot taken first, as for `cp .env.example .env.local` (overwrite-ignored);
 * over the capture limits the command is denied (with-state.ts). Nothing captured, nothing
 * reported: a switch that replaces no ignored file keeps its verdict (often no snapshot at all).
 * Where git cannot resolve the revision, the command keeps the verdict its text gets.
 */
import { makeVerdict } from './rules.js';
import type { IgnoredEntry, TreeLandingQuery } from './state.js';
import { listNames } from './targets.js';
import type { CommandContext, Verdict } from './types.js';
import { CONFIG_FILE_NAME } from '../schema.js';
import { shownEscaped, shownGitName } from '../../util/escaped-text.js';

/** The way forward when what git replaces is over the capture limits. */
export const LANDING_OVER_BOUND = 'Move the ignored files git would write over out of the way first (or add them to commands.regenerable), then run the command; or ask the person to raise commands.maxIgnoredCapture.';

/** git's bytes (latin1) for a message, as bash types the name (a byte that is not UTF-8 as `\xHH`, not U+FFFD). */
function text(bytes: string): string {
  return shownGitName(bytes.replace(/\/$/, ''));
}

/**
 * Notes the query while collecting; once resolved, captures the ignored files the command writes
 * over and answers overwrite-ignored (null: nothing to capture, or not known yet). `what` says what the command does (`git switch other`).
 */
export function judgeTreeLanding(query: TreeLandingQuery, what: string, ctx: CommandContext, source: string): Verdict | null {
  const view = ctx.view;
  if (!view || view.mode === 'text') return null;
  const entries = view.treeLanding(query);
  if (!entries) return null;
  // A nested repository (`dir/`) is not captured file by file; git does not remove one it finds there.
  const captured = entries.filter((e: IgnoredEntry) => !e.regenerable && !e.path.endsWith('/') && (e.files?.length ?? 0) > 0);
  if (captured.length === 0) return null;
  view.addCapture(captured);
  view.overBoundInstead = LANDING_OVER_BOUND;
  const names = captured.map((e) => text(e.path));
  const whose = query.fromIndex ? "the index's tracked files" : query.range === 'pick' ? 'the files the picked commits add' : query.range === 'revert' ? 'back the files the reverted commits deleted' : query.patches || query.patchText !== undefined ? 'the files the patches create' : `${shownEscaped(query.to)}'s tracked files`;
  return makeVerdict('snapshot', 'overwrite-ignored', `${what} writes ${whose} where the ignored ${listNames(names)} ${names.length > 1 ? 'are' : 'is'} on disk (git replaces ignored files without asking, and no snapshot holds them); guard captures ${names.length > 1 ? 'them' : 'it'} into the snapshot first`, source);
}

/**
 * An agent's command that lands a tree without `.guard.yaml` while HEAD tracks it (`git reset
 * --hard HEAD~1` after `git add -A && git commit` took it in, `git checkout OTHER`, `git switch
 * OTHER`, `read-tree -u X`, `merge`/`rebase`/`pull` of such a tree): git deletes guard's policy,
 * and guard ran on its defaults from then on, the person's protected paths and branches gone
 * without a word (found through the real Claude CLI on a djangoproject.com clone, 2026-12-07).
 * Where the agent's post-tool hook runs (CommandContext.putsBackOwnFiles), it runs after a
 * snapshot, which holds the file (tracked), and the agent hook puts it back right after, byte for
 * byte, untracked (restore/own-files.ts), as after a broad `git clean`; elsewhere it is refused
 * (guard-self). Read from the landing's own diff-tree (treeLandingDeletesPolicy): no git process
 * of its own. Null: nothing of the kind (or not known yet, or not an agent).
 */
export function judgePolicyLanding(query: TreeLandingQuery, what: string, ctx: CommandContext, source: string): Verdict | null {
  const view = ctx.view;
  if (!ctx.isAgent || !view || view.mode !== 'resolved' || !view.treeLandingDeletesPolicy(query)) return null;
  const where = query.to === 'HEAD' ? 'the index' : shownEscaped(query.to);
  if (ctx.putsBackOwnFiles !== true) {
    return makeVerdict('deny', 'guard-self', `${what} deletes ${CONFIG_FILE_NAME} (tracked in HEAD, not in ${where}), guard's policy: an agent could switch its own guard's protections off this way, and this agent has no hook after its commands to put it back`, source, `Ask the person to run it, or to commit ${CONFIG_FILE_NAME} on ${where} too.`);
  }
  view.notePutBack([CONFIG_FILE_NAME]);
  return makeVerdict('snapshot', 'guard-policy-put-back', `${what} deletes ${CONFIG_FILE_NAME} (tracked in HEAD, not in ${where}); guard keeps it in the snapshot and puts it back right after the command, untracked`, source);
}
