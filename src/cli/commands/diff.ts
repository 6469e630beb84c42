import { pathFromText } from '../../git/path.js';
import { openRepo } from '../../git/repo.js';
import { runGit } from '../../git/run.js';
import { resolveSnapshot } from '../../snapshot/read.js';
import { currentWorktreeTree } from '../../snapshot/create.js';
import { diffTrees, fileChangeView } from '../../restore/plan.js';
import type { CommandContext } from '../main.js';
import { shortId } from '../format.js';
import { snapshotSettings } from '../snapshot-options.js';

export async function run(args: { id?: string; stat?: boolean; nameStatus?: boolean; json?: boolean }, { cwd, out }: CommandContext): Promise<number> {
  const repo = await openRepo(cwd);
  const snapshot = await resolveSnapshot(repo, args.id ?? 'latest');
  const { configError: _ignored, ...settings } = await snapshotSettings(repo, {});
  // The ignored files the snapshot captured (before a command deleted them) are compared too.
  // Recorded as text (pathText, as --json gives every path); pathFromText gives their bytes back.
  const captured = snapshot.ignored ?? [];
  const now = await currentWorktreeTree(repo, { ...settings, captureIgnored: captured.map(pathFromText) });
  const files = await diffTrees(repo, snapshot.tree, now);
  out.data({ snapshot: shortId(snapshot.oid), oid: snapshot.oid, files: files.map(fileChangeView), capturedIgnored: captured });
  if (out.json) return 0;
  if (captured.length > 0) out.line(`Snapshot ${shortId(snapshot.oid)} captured these ignored files before a command deleted them: ${captured.join(', ')}`);
  if (files.length === 0) {
    out.line(`The working tree matches snapshot ${shortId(snapshot.oid)}.`);
    return 0;
  }
  if (args.nameStatus) {
    const symbol = { create: 'A', write: 'M', delete: 'D' } as const;
    for (const file of files.map(fileChangeView)) out.line(`${symbol[file.action]}\t${file.path}`);
  } else {
    const flags = args.stat ? ['--stat'] : ['-p'];
    const { stdout } = await runGit(['diff-tree', ...flags, '-r', '--no-renames', snapshot.tree, now], { cwd: repo.root });
    out.line(stdout.toString('utf8').trimEnd());
  }
  return 0;
}
