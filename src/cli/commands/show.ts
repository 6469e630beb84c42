import { operationFiles } from '../../snapshot/operation-state.js';
import { openRepo } from '../../git/repo.js';
import { runGit } from '../../git/run.js';
import { emptyTree } from '../../git/objects.js';
import { resolveSnapshot, readSnapshot } from '../../snapshot/read.js';
import { diffTrees, fileChangeView } from '../../restore/plan.js';
import type { CommandContext } from '../main.js';
import { age, branchName, bytes, shortId } from '../format.js';
import { snapshotJson } from '../snapshot-json.js';

export async function run(args: { id: string; stat?: boolean; patch?: boolean; json?: boolean }, { cwd, out }: CommandContext): Promise<number> {
  const repo = await openRepo(cwd);
  const snapshot = await resolveSnapshot(repo, args.id);
  const previous = snapshot.previous ? await readSnapshot(repo, snapshot.previous) : null;
  const base = previous?.tree ?? (await emptyTree(repo));
  const files = await diffTrees(repo, base, snapshot.tree);
  out.data({ ...snapshotJson(snapshot), files: files.map(fileChangeView) });
  if (out.json) return 0;

  out.line(`snapshot ${snapshot.oid}`);
  out.line(`time      ${snapshot.time} (${age(snapshot.time)})`);
  out.line(`trigger   ${snapshot.trigger}${snapshot.session ? `  session ${snapshot.session}` : ''}${snapshot.agent ? `  agent ${snapshot.agent}` : ''}`);
  if (snapshot.message) out.line(`message   ${snapshot.message}`);
  out.line(`HEAD      ${snapshot.head.symbolic ? branchName(snapshot.head.symbolic) : 'detached'} at ${snapshot.head.oid ? shortId(snapshot.head.oid) : '(no commits yet)'}`);
  if (snapshot.operation) out.line(`operation ${snapshot.operation} in progress${snapshot.operationState ? ` (recorded: ${operationFiles(snapshot.operationState).join(', ')})` : ''}`);
  const refs = Object.entries(snapshot.refs);
  out.line(`refs      ${refs.length} branches and tags, ${snapshot.stash.length} stash entries`);
  for (const [ref, oid] of refs.slice(0, 20)) out.line(`  ${ref} ${shortId(oid)}`);
  for (const [i, entry] of snapshot.stash.entries()) out.line(`  stash@{${i}}: ${entry.message}`);
  for (const skip of snapshot.skipped) out.line(`skipped   ${skip.path} (${skip.reason}${skip.size !== undefined ? `, ${bytes(skip.size)}` : ''})`);
  out.line('');
  out.line(`Changes against ${previous ? `the previous snapshot ${shortId(previous.oid)}` : 'an empty tree (first snapshot)'}:`);
  if (args.patch) {
    const patch = await runGit(['diff-tree', '-p', '-r', '--no-renames', base, snapshot.tree], { cwd: repo.root });
    out.line(patch.stdout.toString('utf8').trimEnd());
  } else {
    const symbol = { create: 'A', write: 'M', delete: 'D' } as const;
    for (const file of files.map(fileChangeView)) out.line(`  ${symbol[file.action]} ${file.path}`);
    if (files.length === 0) out.line('  (no file changes)');
  }
  out.line('');
  out.line(`Restore it with: guard rollback ${shortId(snapshot.oid)}`);
  return 0;
}
