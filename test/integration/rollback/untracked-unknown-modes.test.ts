/**
 * A file untracked at git's default bits at the target, committed since and narrowed by a chmod
 * that no git command looked at afterwards: no snapshot knows those bits (`knownModes` is not
 * complete: docs/snapshot-format.md), so the rollback, which untracks the file again and does not
 * rewrite its unchanged bytes, left it 0640 where the target had it 0644 (the watcher fuzzer, seed
 * 417: test/fuzz/watcher-snapshots.test.ts). The recorded case (seed 207,
 * untracked-at-target-modes.test.ts) needed the state before to know the file. Now the rollback
 * names the files it untracks with one `diff-tree` of the two index trees, whatever their number,
 * and gives those the target holds untracked its recorded bits (none: the default); the bits they
 * had go into its journal, so --undo gives them back. Compared as bytes with permission bits; the
 * git processes counted with git's trace2 (git-trace.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { byteState, stateWithModes } from '../../helpers/state.js';
import { waitForBackgroundPush } from '../watcher/helpers.js';

function bits(repo: TestRepo, file: string): string {
  return (fs.lstatSync(path.join(repo.dir, file)).mode & 0o7777).toString(8);
}

/** `count` files untracked at 0644 in the target; committed and narrowed to 0640 since. Rolled back and undone; the rollback's git processes. */
async function scenario(repo: TestRepo, count: number): Promise<{ total: number; untrackedDiffs: number }> {
  repo.write('app.js', 'console.log(1);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  const files = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? `notes/n${i}.txt` : `f${i}.txt`));
  for (const file of files) repo.write(file, `notes ${file}\n`);
  for (const file of files) expect(bits(repo, file)).toBe('644');
  const target = byteState(repo);
  const id = snapshotId(repo);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'notes']);
  // Narrowed after git last looked: no index entry shows the chmod, no snapshot knows the bits.
  // (byteState runs `git status`, which would refresh the index and show the chmod: not here.)
  for (const file of files) fs.chmodSync(path.join(repo.dir, file), 0o640);
  const before = stateWithModes(repo, files);
  await waitForBackgroundPush(repo);

  const trace = path.join(repo.base, 'trace-rollback.json');
  const r = repo.guard(['rollback', '--yes', id], { env: traceEnv(trace) });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  await waitForBackgroundPush(repo);
  for (const file of files) {
    expect(repo.git(['ls-files', file])).toBe('');
    expect(bits(repo, file), file).toBe('644');
  }
  expect(byteState(repo)).toEqual(target);
  undoOk(repo);
  for (const file of files) expect(bits(repo, file), file).toBe('640');
  expect(stateWithModes(repo, files)).toEqual(before);
  const argv = tracedArgv(trace);
  return { total: countGitProcesses(trace).total, untrackedDiffs: argv.filter((a) => a.includes('diff-tree') && a.includes('--diff-filter=D')).length };
}

describe('rollback and the bits of a file untracked at the target that no snapshot knew tracked', () => {
  it('untracked at 0644 at the target, committed and chmod 0640 with no git command since: back at 0644, --undo gives 0640; one diff-tree for 1 file or 5', async () => {
    const one = await withTestRepo((repo) => scenario(repo, 1));
    const five = await withTestRepo((repo) => scenario(repo, 5));
    expect(five.untrackedDiffs).toBe(1);
    expect(five.total, `1 file: ${JSON.stringify(one)}; 5 files: ${JSON.stringify(five)}`).toBe(one.total);
  });
});
