/**
 * Database files every snapshot holds (tracked, or untracked and not ignored: symfony/demo's
 * tracked `data/database.sqlite`, Dxcworld's `*.db`, a Django project with no .gitignore and its
 * `db.sqlite3`) that a command may write: a migration, a fixture load, a database client's write.
 *
 * Such a write was allowed with no snapshot before it, as `sed -i` on a tracked file is: the
 * snapshot after the agent's previous tool call holds the file. But a database is also written
 * by a process guard does not watch over (the application's dev server writing rows while the
 * person clicks through it), and those rows were in no snapshot: `doctrine:fixtures:load -n`
 * then replaced them, and `guard rollback` gave back the file as it was before the rows. So these
 * writes are a snapshot first (`tracked-database`), which holds the file's current bytes. Ignored
 * database files are captured instead (overwrite-ignored, databases.ts): no snapshot holds them.
 */
import { escapedText, shownEscaped } from '../../util/escaped-text.js';
import { makeVerdict } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { listNames } from './targets.js';

/**
 * Reports the snapshot a write of these database files needs first (`files`: repo-relative latin1
 * byte strings of tracked or untracked files; their side files among them); nothing when empty.
 */
export function snapshotHeldDatabases(inv: Invocation, rt: Runtime, files: readonly string[], what: string): void {
  if (files.length === 0) return;
  const names = [...new Set(files)].map((file) => shownEscaped(escapedText(Buffer.from(file, 'latin1'))));
  rt.report(makeVerdict('snapshot', 'tracked-database', `${what}; the snapshots hold the database ${listNames(names)}, but a running application may have written rows since the last one: guard snapshots first, so ${names.length > 1 ? 'their' : 'its'} current bytes are held`, inv.source));
}
