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
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fullWalkTree } from '../watcher/helpers.js';
import { heldSnapshot } from './held-snapshot.js';

/**
 * `guard snapshot --json` held after its scan while `command` runs; its snapshot's tree. With
 * several commands, each attempt is held again (the hold re-armed before the release) and the
 * next command runs there: an index that changes under every attempt.
 */
async function snapshotAround(repo: TestRepo, command: () => void, ...more: Array<() => void>): Promise<string> {
  const { oid } = await heldSnapshot(repo, '', [command, ...more]);
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

  it('an index that changed under every attempt: recorded as read, and the next snapshot, though told only the edited file, walks the whole tree', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const rm = (): void => void repo.git(['rm', '-q', '--cached', 'src/lib.js']);
      const add = (): void => void repo.git(['add', 'src/lib.js']);
      // Five attempts (the first and four retries), each scan overtaken by the next change; the last
      // scan sees src/lib.js tracked and unchanged and its index tree no longer holds it.
      await snapshotAround(repo, rm, add, rm, add, rm);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'walk-next'))).toBe(true);
      // The agent edits src/app.js with its file tool: the hook's snapshot after it is told only
      // that path (createSnapshot's changedPaths), as the watcher's would be.
      repo.write('src/app.js', 'console.log(3);\n');
      const payload = JSON.stringify({ session_id: 's1', transcript_path: '/t', cwd: repo.dir, permission_mode: 'default', hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: { file_path: path.join(repo.dir, 'src/app.js'), old_string: '2', new_string: '3' }, tool_response: {}, tool_use_id: 'toolu_1' });
      const post = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'post-tool'], { cwd: repo.dir, env: repo.env, input: payload, encoding: 'utf8' });
      expect(post.status, post.stderr).toBe(0);
      const tree = repo.git(['rev-parse', 'refs/guard/main/head^{tree}']).trim();
      expect(repo.git(['ls-tree', '-r', '--name-only', tree]).split('\n')).toContain('src/lib.js');
      expect(tree).toBe(fullWalkTree(repo));
      expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'walk-next'))).toBe(false);
    }));
});
