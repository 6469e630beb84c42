/**
 * Turns protected-path findings of scanned commits (commit-scan.ts) into violations: deletions
 * and moves out of a protected location (protected-path-delete) and other changes
 * (protected-path-modify). Shared by the server-side hook and `guard verify`.
 */
import type { PathFinding } from './commit-scan.js';
import type { HookContext } from './context.js';
import { configuredAt, shortOid, type Violation } from './messages.js';

export function pathViolations(ctx: HookContext, findings: PathFinding[], place: string): Violation[] {
  const out: Violation[] = [];
  const removed = findings.filter((f) => f.kind !== 'changed');
  const changed = findings.filter((f) => f.kind === 'changed');
  const why = (list: PathFinding[]): string =>
    `protected by ${[...new Set(list.map((f) => `'${f.glob}'`))].join(', ')} (${configuredAt(ctx.policy, 'protect.paths', ctx.repo.root)})`;
  const describe = (f: PathFinding): string =>
    f.kind === 'moved-out' ? `${f.path} -> ${f.to} (moved out, commit ${shortOid(f.commit)})` : `${f.path} (${f.kind}, commit ${shortOid(f.commit)})`;
  if (removed.length > 0) {
    out.push({
      rule: 'protected-path-delete',
      what: `${place} commits that delete or move away protected paths: ${removed.slice(0, 5).map(describe).join(', ')}${removed.length > 5 ? ` and ${removed.length - 5} more` : ''}`,
      subject: removed.map((f) => f.path).sort().join('\n'),
      why: why(removed),
      instead: ['restore the paths in a new commit on top (git checkout <commit>^ -- <path>), or drop those commits, then push again'],
    });
  }
  if (changed.length > 0) {
    out.push({
      rule: 'protected-path-modify',
      what: `${place} commits that change protected paths: ${changed.slice(0, 5).map(describe).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}`,
      subject: changed.map((f) => f.path).sort().join('\n'),
      why: why(changed),
      instead: ['leave the protected paths out of these commits'],
    });
  }
  return out;
}

