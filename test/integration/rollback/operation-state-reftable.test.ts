/**
 * In a reftable repository (`git init --ref-format=reftable`, git >= 2.45) CHERRY_PICK_HEAD and
 * REVERT_HEAD are entries of the ref backend, not files in the git dir (MERGE_HEAD, MERGE_MSG and
 * MERGE_MODE still are): a snapshot taken during a cherry-pick or revert stopped by a conflict
 * records it, and a rollback to it brings the pseudo-ref back through the ref backend, with
 * MERGE_MSG, the index and the files, so `--continue` commits the pick; `--undo` removes it again.
 * Skipped, saying why, where git cannot make a reftable repository.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';

const version = /git version (\d+)\.(\d+)/.exec(spawnSync('git', ['version'], { encoding: 'utf8' }).stdout ?? '');
const major = Number(version?.[1] ?? 0);
const minor = Number(version?.[2] ?? 0);
const hasReftable = major > 2 || (major === 2 && minor >= 45);
const why = hasReftable ? '' : ` (SKIPPED: git ${major}.${minor} here; reftable repositories need git 2.45 or newer)`;

function guardJson(repo: TestRepo, args: string[]): any {
  const r = repo.guard([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** The pseudo-ref's commit through git (whatever the ref format), or null. */
function pseudoRef(repo: TestRepo, name: string): string | null {
  const r = repo.gitResult(['rev-parse', '-q', '--verify', `${name}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : null;
}

function mergeMsg(repo: TestRepo): string | null {
  const file = repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'MERGE_MSG']).trim();
  return fs.existsSync(file) ? fs.readFileSync(file).toString('base64') : null;
}

function reftableRepo(repo: TestRepo): void {
  repo.git(['init', '-q', '-b', 'main', '--ref-format=reftable']);
  expect(repo.git(['rev-parse', '--show-ref-format']).trim()).toBe('reftable');
  repo.write('a.txt', 'base\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

for (const op of ['cherry-pick', 'revert'] as const) {
  const head = op === 'cherry-pick' ? 'CHERRY_PICK_HEAD' : 'REVERT_HEAD';
  const key = op === 'cherry-pick' ? 'cherryPickHead' : 'revertHead';
  describe(`a ${op} in a reftable repository`, () => {
    it.skipIf(!hasReftable)(`is recorded and comes back: ${head} through the ref backend, MERGE_MSG byte-equal, the state identical${why}`, () =>
      withTestRepo(
        (repo) => {
          reftableRepo(repo);
          let commit: string;
          if (op === 'cherry-pick') {
            repo.git(['checkout', '-q', '-b', 'pick']);
            repo.write('a.txt', 'picked\n');
            repo.git(['commit', '-q', '-am', 'the picked change']);
            commit = repo.git(['rev-parse', 'HEAD']).trim();
            repo.git(['checkout', '-q', 'main']);
            repo.write('a.txt', 'main\n');
            repo.git(['commit', '-q', '-am', 'main']);
          } else {
            repo.write('a.txt', 'reverted\n');
            repo.git(['commit', '-q', '-am', 'the reverted change']);
            commit = repo.git(['rev-parse', 'HEAD']).trim();
            repo.write('a.txt', 'later\n');
            repo.git(['commit', '-q', '-am', 'later']);
          }
          expect(repo.gitResult([op, commit]).code).not.toBe(0);
          expect(pseudoRef(repo, head)).toBe(commit);
          // Not a file in the git dir: the marker a files repository has is not there.
          expect(fs.existsSync(repo.git(['rev-parse', '--path-format=absolute', '--git-path', head]).trim())).toBe(false);
          const during = { head: pseudoRef(repo, head), msg: mergeMsg(repo), status: repo.git(['status', '--porcelain=v2', '--branch', '-z']), state: captureState(repo) };

          const snap = guardJson(repo, ['snapshot']);
          expect(snap.operation).toBe(op);
          expect(snap.operationState[key]).toBe(commit);
          repo.git([op, '--abort']);
          expect(pseudoRef(repo, head)).toBeNull();

          const done = guardJson(repo, ['rollback', snap.id, '--yes']);
          expect(done.plan.operation.write).toEqual([head, 'MERGE_MSG']);
          expect(pseudoRef(repo, head)).toBe(during.head);
          expect(mergeMsg(repo)).toBe(during.msg);
          expect(repo.git(['status', '--porcelain=v2', '--branch', '-z'])).toBe(during.status);
          expect(captureState(repo)).toEqual(during.state);

          // --undo takes the operation away again.
          guardJson(repo, ['rollback', '--undo', '--yes']);
          expect(pseudoRef(repo, head)).toBeNull();
          guardJson(repo, ['rollback', snap.id, '--yes']);
          repo.write('a.txt', 'resolved\n');
          repo.git(['add', 'a.txt']);
          repo.git([op, '--continue'], { env: { GIT_EDITOR: 'true' } });
          expect(pseudoRef(repo, head)).toBeNull();
          expect(repo.git(['log', '-1', '--format=%s']).trim()).toContain(op === 'cherry-pick' ? 'the picked change' : 'Revert "the reverted change"');
        },
        { init: false },
      ));
  });
}
