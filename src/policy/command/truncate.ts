/**
 * Spellings that empty a file without naming a delete: `> file`, `: > file`, `cp /dev/null file`,
 * `dd of=file`. Inside the repository they are judged like `truncate` (a snapshot first, or a
 * refusal for a protected path); elsewhere they stay what any write is (targets.ts), so a scratch
 * file outside the repository is not refused for being emptied.
 */
import type { Field } from './expand.js';
import { stricter } from './rules.js';
import { checkDeleteTarget, checkWriteTarget } from './targets.js';
import type { CommandContext, Verdict } from './types.js';

export function checkTruncateTarget(field: Field, cwd: string | null, ctx: CommandContext, source: string, verb: string): Verdict | null {
  const write = checkWriteTarget(field, cwd, ctx, source, `${verb} ${field.display}`);
  if (field.value === null || field.glob) return write;
  const truncate = checkDeleteTarget(field, cwd, ctx, source, { recursive: false, verb });
  if (truncate.verdict === 'allow' || truncate.rule === 'rm-outside-repo' || truncate.rule === 'rm-unknown-target') return write;
  return write ? stricter(write, truncate) : truncate;
}
