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
 * (fnmatch, case-sensitive) and, where given, kept by `keep` (its path and the pattern that found it); `what` says what the
 * command does to them.
 */
export function captureIgnoredNamed(inv: Invocation, rt: Runtime, patterns: readonly string[], what: string, overBound: string, keep?: (path: string, pattern: string) => boolean): void {
  const view = rt.ctx.view;
  const root = rt.ctx.repoRoot;
  if (!view || view.mode === 'text' || !root) return;
  const answers = patterns.map((pattern) => view.find({ start: root, shown: '.', filter: { kind: 'name', pattern, icase: false } }));
  if (view.collecting) return;
  const contents: RepoContents = { tracked: [], untracked: [], ignored: [] };
  for (const [i, answer] of answers.entries()) {
    for (const entry of answer?.ignored ?? []) {
      const pattern = patterns[i] ?? '';
      // a directory git collapsed: its listed files are kept one by one; one not listed, whole
      if (!keep || keep(entry.path, pattern) || entry.files === null) contents.ignored.push(entry);
      else {
        const files = entry.files.filter((file) => keep(file.path, pattern));
        if (files.length > 0) contents.ignored.push({ ...entry, files });
      }
    }
  }
  const verdict = checkEdits(contents, what, rt.ctx, inv.source, false);
  if (verdict) {
    view.overBoundInstead ??= overBound;
    rt.report(verdict);
  }
}
