/**
 * `guard uninstall [--purge-snapshots]`: puts back exactly what `guard init` found (the hooks it
 * chained, byte for byte; core.hooksPath is never changed by guard), removes the agent hooks and
 * guard's derived files (compiled policy, approvals). Snapshots and the journal stay unless
 * --purge-snapshots; .guard.yaml stays (it is the repository's file). The entries `guard init` added
 * to a hook manager's configuration (husky, lefthook, pre-commit) are taken out again.
 */
import fs from 'node:fs/promises';
import { displayPath } from '../../config/load.js';
import { withInternalToken } from '../../git/internal-token.js';
import { guardCommonPath, openRepo } from '../../git/repo.js';
import { runGit } from '../../git/run.js';
import { clearApprovals } from '../../githooks/approvals.js';
import { uninstallHooks } from '../../githooks/install/local.js';
import { pathspecsFile } from '../../githooks/pathspecs.js';
import { appendEvent } from '../../session/journal.js';
import { GUARD_REF_PREFIX } from '../../snapshot/refs.js';
import type { CommandContext } from '../main.js';

interface Args {
  purgeSnapshots?: boolean;
  json?: boolean;
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  const repo = await openRepo(cwd);
  const hooks = await uninstallHooks(repo);
  // What guard init added to hook managers' configuration (and nothing else), and their launcher.
  const { removeManagerEdits } = await import('../../githooks/managers/apply.js');
  const managerEdits = removeManagerEdits(repo);

  // Agent hooks (src/agents, owned by the agents engineer).
  const { uninstallAgents } = await import('../../agents/install.js');
  const agents = await uninstallAgents(repo);
  // -- end of the agents block

  for (const file of ['policy.json', 'policy.sh']) await fs.rm(guardCommonPath(repo, file), { force: true });
  // The allows the agent hook kept for its shim (src/agents/answer-cache.ts).
  await fs.rm(guardCommonPath(repo, 'answers'), { recursive: true, force: true });
  await fs.rm(pathspecsFile(repo), { force: true });
  await clearApprovals(repo);

  let purged: string[] = [];
  if (args.purgeSnapshots) {
    const { stdout } = await runGit(['for-each-ref', '--format=%(refname)', GUARD_REF_PREFIX], { cwd: repo.root });
    purged = stdout.toString('utf8').split('\n').filter(Boolean);
    if (purged.length > 0) {
      // One transaction, as guard itself (the hooks are gone by now, but a chained or global one may not be).
      await withInternalToken(repo, (env) => runGit(['update-ref', '--stdin'], { cwd: repo.root, env, input: purged.map((ref) => `delete ${ref}\n`).join('') }));
    }
  }
  appendEvent(repo, { type: 'uninstall', hooksRemoved: hooks.installed, purgedRefs: purged.length });

  if (out.json) {
    out.data({ hooks, hookManagers: managerEdits, agents: agents.removed, purgedRefs: purged });
    return 0;
  }
  if (!hooks.installed) out.line("guard's git hooks were not installed here (no manifest); nothing to restore.");
  for (const change of hooks.changes) {
    const where = displayPath(change.path, cwd);
    const text = {
      restored: `${where}: removed guard's hook and put back the one that was there before`,
      removed: `${where}: removed guard's hook`,
      'left-replaced': `${where}: left as it is`,
      'already-gone': `${where}: guard's hook was already gone`,
    }[change.action];
    out.line(text);
    if (change.note) out.warn(`  note: ${change.note}`);
  }
  for (const edit of managerEdits) {
    const text = {
      restored: `${edit.file}: removed guard's entry (${edit.manager}); the file is as it was before guard init`,
      deleted: `${edit.file}: deleted (guard init had created it for ${edit.manager})`,
      'removed-entry': `${edit.file}: removed guard's entry (${edit.manager})`,
      'already-gone': `${edit.file}: guard's entry was already gone`,
      left: `${edit.file}: left as it is`,
    }[edit.action];
    out.line(text);
    if (edit.note) out.warn(`  note: ${edit.note}`);
  }
  if (hooks.removedDir) out.line(`removed ${displayPath(hooks.removedDir, cwd)} (guard had created it)`);
  for (const agent of agents.removed) out.line(`${agent.displayName}: ${agent.files.map((f) => `${f.action} ${displayPath(f.path, cwd)}`).join(', ')}`);
  if (args.purgeSnapshots) out.line(purged.length > 0 ? `deleted ${purged.length} ref(s) under ${GUARD_REF_PREFIX}: snapshots are gone once git gc prunes them` : 'no snapshots to delete');
  else out.line(`snapshots stay (${GUARD_REF_PREFIX}*); \`guard uninstall --purge-snapshots\` deletes them. .guard.yaml stays too.`);
  return 0;
}
