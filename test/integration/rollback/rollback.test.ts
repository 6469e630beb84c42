import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { buildRichRepo, startConflictedMerge } from '../../helpers/fixtures.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { captureState } from '../../helpers/state.js';

const simpleRepo = (repo: TestRepo): void => commitFiles(repo, { 'a.txt': 'a\n', 'b.txt': 'b\n' }, 'base');

describe('guard rollback', () => {
  it('refuses without a terminal unless --yes is given, prints the plan, and changes nothing', () =>
    withTestRepo((repo) => {
      buildRichRepo(repo);
      snapshotId(repo);
      repo.git(['reset', '-q', '--hard']);
      const destroyed = captureState(repo);
      const r = repo.guard(['rollback']);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain('restore: ');
      expect(r.stdout).toContain('src/app.js');
      expect(r.stderr).toContain('--yes');
      expect(captureState(repo)).toEqual(destroyed);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'rollback-in-progress.json'))).toBe(false);
    }));

  it('--dry-run shows the plan as JSON and changes nothing', () =>
    withTestRepo((repo) => {
      buildRichRepo(repo);
      const id = snapshotId(repo);
      repo.git(['clean', '-q', '-fd']);
      repo.git(['branch', '-D', 'feature']);
      const destroyed = captureState(repo);
      const r = repo.guard(['rollback', id, '--dry-run', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.applied).toBe(false);
      expect(out.plan.files.filter((f: any) => f.action === 'create').map((f: any) => f.path)).toContain('notes/new file.txt');
      expect(out.plan.refs).toEqual([{ ref: 'refs/heads/feature', from: null, to: expect.stringMatching(/^[0-9a-f]{40}$/) }]);
      expect(captureState(repo)).toEqual(destroyed);
    }));

  it('refuses while a merge is in progress, and while index.lock is held, changing nothing', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      snapshotId(repo);
      startConflictedMerge(repo);
      const during = captureState(repo);
      const merging = repo.guard(['rollback', '--yes']);
      expect(merging.code).toBe(3);
      expect(merging.stderr).toContain('a merge is in progress');
      expect(merging.stderr).toContain('git merge --abort');
      expect(captureState(repo)).toEqual(during);
      repo.git(['merge', '--abort']);

      const lock = path.join(repo.dir, '.git', 'index.lock');
      fs.writeFileSync(lock, '');
      const locked = repo.guard(['rollback', '--yes']);
      expect(locked.code).toBe(3);
      expect(locked.stderr).toContain('index.lock');
      expect(fs.existsSync(lock)).toBe(true);
      fs.rmSync(lock);
    }));

  it('--paths restores only matching paths and leaves refs alone', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      repo.write('src/one.js', '1\n');
      repo.write('src/two.js', '2\n');
      snapshotId(repo);
      repo.remove('src');
      repo.write('a.txt', 'changed\n');
      repo.git(['branch', 'new-branch']);
      const r = repo.guard(['rollback', '--paths', 'src/**', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.read('src/one.js')).toBe('1\n');
      expect(repo.read('src/two.js')).toBe('2\n');
      expect(repo.read('a.txt')).toBe('changed\n');
      expect(repo.git(['branch', '--list', 'new-branch']).trim()).toBe('new-branch');
    }));

  it('--files-only restores files and the index but no refs', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      snapshotId(repo);
      repo.write('b.txt', 'agent\n');
      repo.git(['commit', '-q', '-am', 'agent commit']);
      const head = repo.git(['rev-parse', 'HEAD']);
      const r = repo.guard(['rollback', '--files-only', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(repo.read('b.txt')).toBe('b\n');
      expect(repo.git(['rev-parse', 'HEAD'])).toBe(head);
    }));

  // Until 2026-12-04 this refused ("files that no snapshot holds are where the rollback would
  // write"); now the pre-rollback snapshot captures the ignored file in the way first.
  it('overwrites an ignored file the snapshot did not capture only after capturing it: --undo gives it back', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      repo.write('config.local', 'captured while not ignored\n');
      snapshotId(repo);
      const atTarget = captureState(repo);
      repo.remove('config.local');
      repo.write('.gitignore', 'config.local\n');
      repo.write('config.local', 'precious, ignored now\n');
      const before = captureState(repo);
      rollbackOk(repo);
      expect(captureState(repo)).toEqual(atTarget);
      undoOk(repo);
      expect(repo.read('config.local')).toBe('precious, ignored now\n');
      expect(captureState(repo)).toEqual(before);
    }));

  it('leaves a branch checked out in another worktree alone and says so', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      repo.git(['branch', 'elsewhere']);
      snapshotId(repo);
      const wt = path.join(repo.base, 'wt');
      repo.git(['worktree', 'add', '-q', wt, 'elsewhere']);
      fs.writeFileSync(path.join(wt, 'c.txt'), 'c\n');
      repo.git(['add', 'c.txt'], { cwd: wt });
      repo.git(['commit', '-q', '-m', 'work in wt'], { cwd: wt });
      const tip = repo.git(['rev-parse', 'elsewhere']);
      repo.write('a.txt', 'changed\n');
      const out = rollbackOk(repo);
      expect(out).toContain('left alone: refs/heads/elsewhere');
      expect(repo.git(['rev-parse', 'elsewhere'])).toBe(tip);
      expect(repo.read('a.txt')).toBe('a\n');
    }));

  it('reports unknown and ambiguous ids with close matches', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      const id = snapshotId(repo);
      const wrong = `${id.slice(0, 6)}${id[6] === '0' ? '1' : '0'}`;
      const r = repo.guard(['rollback', wrong, '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no snapshot with id "${wrong}"`);
      expect(r.stderr).toContain(id);
    }));

  for (const killAfter of ['refs', 'worktree']) {
    it(`an interrupted rollback (killed after ${killAfter}) is finished by --resume, or reversed by --undo`, () =>
      withTestRepo((repo) => {
        buildRichRepo(repo);
        const before = captureState(repo);
        const id = snapshotId(repo);
        repo.git(['stash', 'drop', '-q']);
        repo.git(['reset', '-q', '--hard', 'HEAD~1']);
        repo.git(['clean', '-q', '-fd']);
        const destroyed = captureState(repo);

        const killed = repo.guard(['rollback', '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: killAfter } });
        expect(killed.code).not.toBe(0);
        expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'rollback-in-progress.json'))).toBe(true);
        // Any other rollback is refused until the interrupted one is resolved.
        const other = repo.guard(['rollback', 'latest', '--yes']);
        expect(other.code).toBe(3);
        expect(other.stderr).toContain('--resume');

        // The record names this host's pid namespace; a rollback recorded in another one (a
        // container sharing the repository) may still run though its pid names nothing here:
        // its index.lock is not taken, and nothing changes.
        const recordFile = path.join(repo.dir, '.git', 'guard', 'rollback-in-progress.json');
        const record = fs.readFileSync(recordFile, 'utf8');
        expect(JSON.parse(record).pidSpace).toMatch(/^host=.+;pidns=/);
        fs.writeFileSync(recordFile, JSON.stringify({ ...JSON.parse(record), pidSpace: 'host=sandbox-7;pidns=1' }));
        const foreign = repo.guard(['rollback', '--resume', '--yes']);
        expect(foreign.code).not.toBe(0);
        expect(foreign.stderr).toContain('index.lock');
        expect(fs.existsSync(path.join(repo.dir, '.git', 'index.lock'))).toBe(true);
        fs.writeFileSync(recordFile, record);

        rollbackOk(repo, '--resume');
        expect(captureState(repo)).toEqual(before);
        expect(fs.existsSync(path.join(repo.dir, '.git', 'index.lock'))).toBe(false);

        // The same interruption, reversed instead.
        undoOk(repo);
        expect(captureState(repo)).toEqual(destroyed);
        const killedAgain = repo.guard(['rollback', id, '--yes'], { env: { GUARD_TEST_BUNDLE: '1', GUARD_TEST_KILL_AFTER_STEP: killAfter } });
        expect(killedAgain.code).not.toBe(0);
        undoOk(repo);
        expect(captureState(repo)).toEqual(destroyed);
      }));
  }
});

describe('guard rollback default target', () => {
  it('is the start of the most recent agent session, even with later snapshots; --session picks one', () =>
    withTestRepo((repo) => {
      simpleRepo(repo);
      const start = JSON.parse(repo.guard(['session', 'start', '--agent', 'claude', '--json']).stdout);
      repo.write('a.txt', 'agent edit 1\n');
      snapshotId(repo);
      repo.write('a.txt', 'agent edit 2\n');
      repo.remove('b.txt');
      snapshotId(repo);
      expect(repo.guard(['session', 'end']).code).toBe(0);
      const r = repo.guard(['rollback', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).target.oid).toBe(start.session.startSnapshot);
      expect(repo.read('a.txt')).toBe('a\n');
      expect(repo.read('b.txt')).toBe('b\n');

      const unknown = repo.guard(['rollback', '--session', 'no-such-session', '--yes']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(start.session.id);
    }));
});
