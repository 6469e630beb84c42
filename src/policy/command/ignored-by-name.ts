/**
 * Tools that rewrite files they find by name rather than by a path the command gives (a migration
 * tool's local database, Terraform's state): the repository's ignored files whose names match are
 * captured into the snapshot taken first, as a write of each would be (checkEdits). Tracked and
 * untracked ones need nothing: every snapshot holds them.
 */
import type { Invocation, Runtime } from './runtime.js';
import type { RepoContents } from './state.js';
import { checkEdits } from './targets.js';

/**
 * Reports the capture (or, past the capture bound, the refusal with `overBound` as its way
 * forward) of the ignored files anywhere in the repository named like one of `patterns`
 * (fnmatch, case-sensitive); `what` says what the command does to them.
 */
export function captureIgnoredNamed(inv: Invocation, rt: Runtime, patterns: readonly string[], what: string, overBound: string): void {
  const view = rt.ctx.view;
  const root = rt.ctx.repoRoot;
  if (!view || view.mode === 'text' || !root) return;
  const answers = patterns.map((pattern) => view.find({ start: root, shown: '.', filter: { kind: 'name', pattern, icase: false } }));
  if (view.collecting) return;
  const contents: RepoContents = { tracked: [], untracked: [], ignored: [] };
  for (const answer of answers) if (answer) contents.ignored.push(...answer.ignored);
  const verdict = checkEdits(contents, what, rt.ctx, inv.source, false);
  if (verdict) {
    view.overBoundInstead ??= overBound;
    rt.report(verdict);
  }
}
