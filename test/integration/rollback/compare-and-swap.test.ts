/**
 * Every ref a rollback or a snapshot moves is compare-and-swap (issue 11). The rollback core is
 * called in-process so the test can change the repository between the plan and its application:
 * the `confirm` callback is where a person may sit for minutes while other git commands run.
 * A snapshot is paused the same way, in its `writing` phase, while another guard process records
 * its own snapshot of the same worktree.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { openRepo } from '../../../src/git/repo.js';
import { rollback } from '../../../src/restore/rollback.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { listSnapshots } from '../../../src/snapshot/read.js';
import { GuardError } from '../../../src/errors.js';

/** In-process git calls must be as hermetic as the CLI's. */
function hermetic(repo: TestRepo): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('GIT_') || key.startsWith('GUARD_')) delete process.env[key];
  Object.assign(process.env, repo.env);
}

function base(repo: TestRepo): void {
  repo.write('a.txt', 'a\n');
  repo.write('b.txt', 'b\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  repo.write('a.txt', 'a2\n');
  repo.git(['commit', '-q', '-am', 'second']);
}

function snapshot(repo: TestRepo): string {
  const r = repo.guard(['snapshot', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).oid;
}

/** Runs a rollback whose confirmation does `meanwhile` first; returns the refusal. */
async function rollbackWith(repo: TestRepo, id: string, meanwhile: () => void): Promise<GuardError> {
  hermetic(repo);
  const r = await openRepo(repo.dir);
  let asked = false;
  const error = await rollback(r, {
    id,
    confirm: async () => {
      asked = true;
      meanwhile();
      return true;
    },
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(asked).toBe(true);
  expect(error).toBeInstanceOf(GuardError);
  expect((error as GuardError).kind).toBe('refused');
  return error as GuardError;
}

describe('rollback moves refs only from the values it planned with', () => {
  it('a branch moved during the confirmation stops the rollback; no ref, file or index changes', () =>
    withTestRepo(async (repo) => {
      base(repo);
      repo.git(['branch', 'feature']);
      const id = snapshot(repo);
      repo.git(['branch', '-f', 'feature', 'HEAD~1']);
      repo.write('b.txt', 'agent edit\n');
      let during: ReturnType<typeof captureState> | null = null;
      const error = await rollbackWith(repo, id, () => {
        repo.git(['branch', '-f', 'feature', 'HEAD']);
        repo.git(['branch', '-f', 'other', 'HEAD~1']);
        during = captureState(repo);
      });
      expect(error.message).toContain('refs changed');
      expect(captureState(repo)).toEqual(during);
      expect(repo.git(['rev-parse', 'feature'])).toBe(repo.git(['rev-parse', 'HEAD']));
    }));

  it('a checkout during the confirmation stops it before HEAD is moved back', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const id = snapshot(repo);
      repo.git(['checkout', '-q', '-b', 'agent']);
      repo.write('b.txt', 'agent\n');
      repo.git(['commit', '-q', '-am', 'agent work']);
      let during: ReturnType<typeof captureState> | null = null;
      const error = await rollbackWith(repo, id, () => {
        // Same commit, so the working tree and the index stay as planned: only HEAD differs.
        repo.git(['checkout', '-q', '-b', 'elsewhere']);
        during = captureState(repo);
      });
      expect(error.message).toContain('HEAD is now refs/heads/elsewhere');
      expect(captureState(repo)).toEqual(during);
      expect(repo.git(['symbolic-ref', 'HEAD']).trim()).toBe('refs/heads/elsewhere');
    }));

  it('a stash entry made during the confirmation stops it; the entry survives', () =>
    withTestRepo(async (repo) => {
      base(repo);
      repo.write('a.txt', 'to stash\n');
      repo.git(['stash', 'push', '-q', '-m', 'kept']);
      // A stash commit made now and stored only during the confirmation (no file changes then).
      repo.write('b.txt', 'later stash\n');
      const later = repo.git(['stash', 'create', 'later']).trim();
      repo.git(['checkout', '--', 'b.txt']);
      const id = snapshot(repo);
      repo.git(['stash', 'drop', '-q']);
      let during: ReturnType<typeof captureState> | null = null;
      const error = await rollbackWith(repo, id, () => {
        repo.git(['stash', 'store', '-m', 'made meanwhile', later]);
        during = captureState(repo);
      });
      expect(error.message).toContain('stash');
      expect(captureState(repo)).toEqual(during);
      expect(repo.git(['stash', 'list', '--format=%gs'])).toBe('made meanwhile\n');
    }));

  it('a file edited during the confirmation stops it before anything moves', () =>
    withTestRepo(async (repo) => {
      base(repo);
      repo.git(['branch', 'feature']);
      const id = snapshot(repo);
      repo.git(['branch', '-D', 'feature']);
      repo.write('a.txt', 'agent\n');
      repo.write('b.txt', 'agent\n');
      let during: ReturnType<typeof captureState> | null = null;
      const error = await rollbackWith(repo, id, () => {
        repo.write('a.txt', 'the person typed this meanwhile\n');
        repo.write('b.txt', 'and this\n');
        during = captureState(repo);
      });
      // Every file that stops it is named, not only the first one git met.
      expect(error.message).toContain('a.txt, b.txt');
      expect(captureState(repo)).toEqual(during);
    }));
});

describe('snapshots of one worktree taken at the same time', () => {
  it('both land in the chain: the one that lost the race is rebuilt on top of the other', () =>
    withTestRepo(async (repo) => {
      base(repo);
      hermetic(repo);
      const r = await openRepo(repo.dir);
      await createSnapshot(r);
      repo.write('a.txt', 'first writer\n');
      let other: string | null = null;
      const mine = await createSnapshot(r, {
        message: 'paused before recording',
        // Recorded even though the other snapshot holds the same state by then.
        force: true,
        onEvent: (event) => {
          if (event.type !== 'phase' || event.phase !== 'writing' || other) return;
          // Another guard process records its snapshot while this one is about to.
          repo.write('b.txt', 'second writer\n');
          const out = repo.guard(['snapshot', '--json', '-m', 'the other one']);
          expect(out.code, out.stderr).toBe(0);
          other = JSON.parse(out.stdout).oid;
        },
      });
      expect(other).not.toBeNull();
      const chain = (await listSnapshots(r)).map((s) => s.oid);
      expect(chain).toContain(other);
      expect(chain[0]).toBe(mine.snapshot.oid);
      expect(mine.snapshot.previous).toBe(other);
    }));
});
