import { openRepo } from '../../git/repo.js';
import { createSnapshot } from '../../snapshot/create.js';
import { maintainJournal } from '../../session/journal.js';
import { TRIGGERS, type Trigger } from '../../snapshot/format.js';
import { GuardError } from '../../errors.js';
import type { CommandContext } from '../main.js';
import { snapshotSettings } from '../snapshot-options.js';
import { bytes, shortId } from '../format.js';
import { snapshotJson } from '../snapshot-json.js';
import { backupAfterSnapshot } from '../../backup/auto-push.js';
import { askWatcher } from '../../watcher/serve.js';

interface Args {
  message?: string;
  trigger: string;
  maxFileSize?: string;
  quiet?: boolean;
  json?: boolean;
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  if (!(TRIGGERS as readonly string[]).includes(args.trigger)) {
    throw new GuardError('user', `unknown trigger "${args.trigger}"`, { hints: [`Use one of: ${TRIGGERS.join(', ')}.`] });
  }
  const repo = await openRepo(cwd);
  const { configError, ...settings } = await snapshotSettings(repo, args);
  if (configError) out.warn(`guard: warning: .guard.yaml is invalid, so snapshot options use their defaults:\n${configError}\n  Fix it, then check with: guard config check`);
  // A running watcher knows what changed since its last snapshot: it takes this one, O(changes),
  // and pushes it to the backup itself. Without one (or when it declines) the walk is ours.
  const served = await askWatcher(repo, { root: repo.root, trigger: args.trigger as Trigger, message: args.message ?? null, session: null, agent: null, force: false, ...settings });
  const { snapshot, created } =
    served ??
    (await createSnapshot(repo, {
      trigger: args.trigger as Trigger,
      message: args.message ?? null,
      ...settings,
      onEvent: (event) => {
        if (event.type === 'phase') out.progress(`snapshot: ${event.phase.replace('-', ' ')}…`);
        if (event.type === 'scanned' && event.paths > 0) out.progress(`snapshot: reading ${event.paths} files that differ from the index…`);
      },
    }));
  out.done();
  // The hooks append to the journal but never rotate it; snapshots run often enough to.
  maintainJournal(repo);
  // Into the backup too, in a detached process: the command returns now (src/backup/auto-push.ts).
  if (!served) backupAfterSnapshot(repo, created);
  out.data({ ...snapshotJson(snapshot), created, takenBy: served ? 'watcher' : 'walk' });
  if (args.quiet) return 0;
  const id = shortId(snapshot.oid);
  if (created) {
    const c = snapshot.changes;
    out.line(`Snapshot ${id} taken (${c.added} added, ${c.modified} modified, ${c.deleted} deleted since the previous one).`);
  } else {
    out.line(`Nothing changed since snapshot ${id}; kept it.`);
  }
  for (const skip of snapshot.skipped) {
    out.warn(`  skipped ${skip.path}: ${skip.reason}${skip.size !== undefined ? ` (${bytes(skip.size)})` : ''}`);
  }
  if (snapshot.skipped.some((s) => s.reason === 'virtualenv')) {
    out.warn('  A Python virtual environment (a pyvenv.cfg in it) is left out as an ignored one is: `python -m venv` and pip rebuild it, and a rollback leaves it as it is. Add it to .gitignore to say so.');
  }
  if (snapshot.skipped.some((s) => s.reason === 'too-large')) {
    out.warn('  Large new files are not captured; raise the limit with --max-file-size or snapshot.maxFileSize in .guard.yaml.');
  }
  out.line(`Restore it with: guard rollback ${id}`);
  return 0;
}
