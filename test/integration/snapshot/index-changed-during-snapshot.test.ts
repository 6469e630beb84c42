/**
 * A snapshot judges the worktree against the index (its scan: what differs, what is untracked)
 * and records the index as a tree; a git command that rewrites the index between the two made a
 * tree that fits neither. Found by the watcher fuzzer (test/fuzz/watcher-snapshots.test.ts, seed
 * 200 of a long run): the watcher's snapshot ran while the test's `git rm --cached` rewrote the
 * index; its scan still saw the files tracked and unchanged (nothing to read), its index tree no
 * longer held them, so its tree lacked files that were on disk, untracked. Every later incremental
 * snapshot compared index trees, found nothing changed there and never looked at them again: a
 * rollback to any of them would have deleted those files. Now a snapshot whose index file changed
 * while it read it is taken again.
 *
 * Deterministic through the test bundle's hold (GUARD_TEST_SNAPSHOT_HOLD): `guard snapshot` (a
 * full walk, no watcher) stops after its scan, the git command runs, the snapshot goes on. Its tree
 * must be the tree a full walk records now (plain git on a copy of the index), byte for byte.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fullWalkTree, waitFor } from '../watcher/helpers.js';

/** `guard snapshot --json` held after its scan while `command` runs; its snapshot's tree. */
async function snapshotAround(repo: TestRepo, command: () => void): Promise<string> {
  const guardDir = path.join(repo.dir, '.git', 'guard');
  fs.mkdirSync(guardDir, { recursive: true });
  fs.writeFileSync(path.join(guardDir, 'test-snapshot-hold'), '');
  const child = spawn(process.execPath, [GUARD_BIN, 'snapshot', '--json'], { cwd: repo.dir, env: { ...repo.env, GUARD_TEST_BUNDLE: '1', GUARD_TEST_SNAPSHOT_HOLD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  const held = path.join(guardDir, 'test-snapshot-held');
  await waitFor('the snapshot to hold after its scan', () => fs.existsSync(held), 60_000, 20);
  command();
  fs.rmSync(held);
  const code = await done;
  expect(code, stderr).toBe(0);
  const oid = JSON.parse(stdout).oid as string;
  return repo.git(['rev-parse', `${oid}^{tree}`]).trim();
}

function base(repo: TestRepo): void {
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write('src/lib.js', 'export {};\n');
  repo.write('notes.txt', 'untracked\n');
  repo.git(['add', 'src']);
  repo.git(['commit', '-q', '-m', 'base']);
  // The first snapshot: the one held below has a previous one, as the watcher's have.
  expect(repo.guard(['snapshot']).code).toBe(0);
  // Staged: the index's cache tree no longer names its tree, so the snapshot reads the index file
  // again for it (the fuzzer's case: after a `git add`), rather than the bytes its scan read.
  repo.write('src/app.js', 'console.log(2);\n');
  repo.git(['add', 'src/app.js']);
}

describe('a snapshot while git rewrites the index', () => {
  it('git rm --cached between the scan and the index tree: the untracked file is in the snapshot', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const tree = await snapshotAround(repo, () => repo.git(['rm', '-q', '--cached', 'src/lib.js']));
      expect(repo.git(['ls-tree', '-r', '--name-only', tree]).split('\n')).toContain('src/lib.js');
      expect(tree).toBe(fullWalkTree(repo));
    }));

  it('git add of an untracked file between the scan and the index tree: the file is in the snapshot too', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const tree = await snapshotAround(repo, () => repo.git(['add', 'notes.txt']));
      expect(repo.git(['ls-tree', '-r', '--name-only', tree]).split('\n')).toContain('notes.txt');
      expect(tree).toBe(fullWalkTree(repo));
    }));
});
