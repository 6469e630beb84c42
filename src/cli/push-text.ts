/** How a backup push went, in words: `guard backup push`, `backup status` and the background pusher's log. */
import type { PushOutcome } from '../backup/mirror.js';
import type { PushRecord } from '../backup/push-status.js';
import { age } from './format.js';

export function describePush(record: PushRecord): string {
  const why = record.cause ? `\n  cause: ${record.cause}${record.fix ? `\n  fix: ${record.fix}` : ''}` : '';
  const raw = record.error ? `\n  git said: ${record.error.split('\n').join('\n    ')}` : '';
  // Not pushed on purpose (a partial clone, mirror.ts): no git error to show.
  if ((record as PushOutcome).skipped) return `not made ${age(record.time)}${why}`;
  if (record.rejected.length === 0 && record.error) return `failed ${age(record.time)}${why}${raw}`;
  if (!record.ok) return `refused ${age(record.time)}: ${record.rejected.map((r) => `${r.ref} (${r.reason})`).join(', ')}${why}${raw}`;
  return `ok ${age(record.time)} (${record.updated} ref${record.updated === 1 ? '' : 's'} updated, ${record.durationMs} ms)`;
}
