/**
 * How sessions read to a person: the end-of-session summary (printed by `guard session end`,
 * `guard run` and the agents' stop hooks) and one-line session descriptions. Every summary ends
 * with the exact command that undoes the session.
 */
import type { SessionSummary } from '../session/summary.js';
import type { SessionRecord } from '../session/store.js';
import type { PushOutcome } from '../backup/mirror.js';
import { shortId } from './format.js';

function list(paths: string[], total: number): string {
  const more = total > paths.length ? `, … ${total - paths.length} more` : '';
  return `${paths.join(', ')}${more}`;
}

function refLine(move: SessionSummary['refs'][number]): string {
  const name = move.ref.replace(/^refs\/heads\//, '').replace(/^refs\/tags\//, 'tag ');
  if (move.from === null) return `${name} created at ${shortId(move.to as string)}`;
  if (move.to === null) return `${name} deleted (was ${shortId(move.from)})`;
  return `${name} ${shortId(move.from)} -> ${shortId(move.to)}`;
}

export function summaryLines(summary: SessionSummary, heading: string): string[] {
  const f = summary.files;
  const lines = [heading];
  const total = f.added + f.modified + f.deleted;
  lines.push(total === 0 ? '  files: no changes' : `  files: ${f.added} added, ${f.modified} modified, ${f.deleted} deleted`);
  if (f.added > 0) lines.push(`    + ${list(f.top.added, f.added)}`);
  if (f.modified > 0) lines.push(`    ~ ${list(f.top.modified, f.modified)}`);
  if (f.deleted > 0) lines.push(`    - ${list(f.top.deleted, f.deleted)}`);
  if (summary.head) lines.push(`  HEAD: ${summary.head.from.replace(/^refs\/heads\//, '')} -> ${summary.head.to.replace(/^refs\/heads\//, '')}`);
  lines.push(summary.refs.length === 0 ? '  refs moved: none' : `  refs moved: ${summary.refs.length}`);
  for (const move of summary.refs.slice(0, 10)) lines.push(`    ${refLine(move)}`);
  if (summary.refs.length > 10) lines.push(`    … ${summary.refs.length - 10} more`);
  lines.push(`  commands blocked: ${summary.blocked.length}`);
  for (const b of summary.blocked.slice(0, 5)) lines.push(`    ${b.what}${b.rule ? `  (${b.rule})` : ''}`);
  if (summary.blocked.length > 5) lines.push(`    … ${summary.blocked.length - 5} more (guard log --session ${summary.session})`);
  if (summary.capturedIgnored.length > 0) {
    lines.push(`  ignored files captured before commands deleted them: ${summary.capturedIgnored.length} (guard rollback brings them back)`);
    for (const p of summary.capturedIgnored.slice(0, 5)) lines.push(`    ${p}`);
    if (summary.capturedIgnored.length > 5) lines.push(`    … ${summary.capturedIgnored.length - 5} more`);
  }
  if (summary.restored.length > 0) {
    lines.push(`  protected paths restored by the watcher: ${summary.restored.length}`);
    for (const r of summary.restored.slice(0, 5)) lines.push(`    ${r.path} (${r.reason})`);
    if (summary.restored.length > 5) lines.push(`    … ${summary.restored.length - 5} more`);
  }
  lines.push(`  step by step: guard timeline ${summary.session} (undo one step, keeping the rest: guard undo ${summary.session}:N)`);
  lines.push(`  undo everything since the session started: ${summary.rollback}`);
  return lines;
}

export function summaryText(summary: SessionSummary, heading: string): string {
  return summaryLines(summary, heading).join('\n');
}

export function sessionHeading(session: Pick<SessionRecord, 'id' | 'agent'>, verb: string): string {
  return `git-guard: session ${session.id}${session.agent ? ` (${session.agent})` : ''} ${verb}`;
}

/**
 * What a session start says when its snapshot did not reach the backup (null when it did): the
 * snapshot is only inside `.git` then, and `rm -rf .git` would take it along.
 */
export function sessionBackupWarning(backup: PushOutcome | undefined): string | null {
  if (!backup || backup.ok || backup.empty) return null;
  if (backup.skipped) return `the session-start snapshot is NOT in a backup: ${backup.cause}. It exists only in this repository's .git. ${backup.fix}`;
  const why = backup.error ?? backup.rejected.map((r) => `${r.ref}: ${r.reason}`).join('; ');
  // Diagnosed (push-diagnosis.ts): the cause in words and its fix, which ends in `guard backup push`.
  if (backup.cause && backup.fix) return `the session-start snapshot is NOT in the backup (push to ${backup.target} failed: ${backup.cause}); it exists only in this repository's .git. Fix: ${backup.fix}`;
  return `the session-start snapshot is NOT in the backup (push to ${backup.target} failed: ${why}); it exists only in this repository's .git. Retry with: guard backup push`;
}
