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
import { shownGitName } from '../../util/escaped-text.js';
import { makeVerdict } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import type { RepoContents } from './state.js';
import { listNames, untrackedTooLarge } from './targets.js';

/** The way forward where the untracked database is larger than a snapshot holds. */
const TOO_LARGE_INSTEAD =
  'Back the database up first (`sqlite3 DB ".backup /tmp/DB.bak"` or `cp DB /tmp/`), then run the command; or ask the person to raise snapshot.maxFileSize in .guard.yaml.';

/**
 * Reports the snapshot a write of these database files needs first (`held`: the tracked and
 * untracked ones, repo-relative latin1 byte strings, side files among them, with the listing's
 * sizes); nothing when there are none. An untracked one larger than snapshot.maxFileSize is in
 * no snapshot: refused (untracked-too-large), as its deletion is.
 */
export function snapshotHeldDatabases(inv: Invocation, rt: Runtime, held: Pick<RepoContents, 'tracked' | 'untracked' | 'sizeOf'>, what: string): void {
  const files = [...new Set([...held.tracked, ...held.untracked])];
  if (files.length === 0) return;
  const tooLarge = untrackedTooLarge(held.untracked, held.sizeOf, rt.ctx);
  if (tooLarge) {
    rt.report(makeVerdict('deny', 'untracked-too-large', `${what}; the database ${tooLarge.name} (${tooLarge.size})${tooLarge.more} is ${tooLarge.why}`, inv.source, TOO_LARGE_INSTEAD));
    return;
  }
  const names = files.map(shownGitName);
  rt.report(makeVerdict('snapshot', 'tracked-database', `${what}; the snapshots hold the database ${listNames(names)}, but a running application may have written rows since the last one: guard snapshots first, so ${names.length > 1 ? 'their' : 'its'} current bytes are held`, inv.source));
}
