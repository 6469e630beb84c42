import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { buildRichRepo, cloneFromUpstream, startConflictedMerge } from '../../helpers/fixtures.js';
import { captureState } from '../../helpers/state.js';
import { buildManyRefsRepo } from '../../helpers/many-refs.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

/** Snapshot and mirror: what the watcher does after every change, done by hand. */
async function snapshotAndPush(repo: TestRepo): Promise<{ snapshot: any; push: any }> {
  const snapshot = json(repo, ['snapshot']);
  const push = json(repo, ['backup', 'push']);
  expect(push.local.ok).toBe(true);
  // The snapshot's own background push may still be writing into .git/guard.
  await waitForBackgroundPush(repo);
  return { snapshot, push };
}

/**
 * buildRichRepo snapshotted and pushed to the backup, built once for the file (repo-template.ts:
 * each test on a copy of the temp dir, home/ with the backup store and its index, the paths in them
 * rewritten to the copy's; the snapshot's own background push finished before the copy).
 */
const richPushed = fileTemplate((repo) => {
  buildRichRepo(repo);
  json(repo, ['snapshot']);
  expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
});

function backupPath(repo: TestRepo): string {
  return json(repo, ['backup', 'status']).path;
}

describe('guard recover', () => {
  it('after rm -rf .git gives back every branch, tag, stash entry, the index and the working tree', () =>
    richPushed.withCopy(async (repo) => {
      const before = captureState(repo);
      const backup = backupPath(repo);
      expect(backup.startsWith(path.join(repo.home, '.local', 'share', 'git-guard', 'backups'))).toBe(true);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

      // It lists what it found first, and needs --yes without a terminal.
      const asked = repo.guard(['recover']);
      expect(asked.code).toBe(3);
      expect(asked.stdout).toContain(`Found backup`);
      expect(asked.stdout).toContain('branches: 3 (feature, main, side)');
      expect(asked.stdout).toContain('tags: 2 (v1, v1-annotated)');
      expect(asked.stdout).toContain('stash entries: 1');
      expect(asked.stderr).toContain('--yes');
      expect(fs.existsSync(path.join(repo.dir, '.git'))).toBe(false);

      const r = repo.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
      // The snapshot history came back too, and the repository keeps mirroring into the same backup.
      expect(json(repo, ['list', '--all']).length).toBeGreaterThanOrEqual(1);
      expect(backupPath(repo)).toBe(backup);
      expect(repo.git(['cat-file', '-t', 'v1-annotated'])).toBe('tag\n');
    }));

  it('backs up a shallow clone (git clone --depth 1) and rebuilds it, shallow, after rm -rf .git', () =>
    withTestRepo(
      async (repo) => {
        // Agents' sandboxes and CI clone shallow; git refuses such a history into a repository that
        // does not take shallow updates ("shallow update not allowed"), and there was no backup at all.
        cloneFromUpstream(repo, 3, ['--depth', '1']);
        expect(repo.git(['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
        repo.write('a.txt', 'version 3\nmine\n');
        repo.git(['commit', '-q', '-am', 'local work']);
        repo.git(['branch', 'feature']);
        repo.write('wip.txt', 'uncommitted\n');
        await snapshotAndPush(repo);
        const shallow = fs.readFileSync(path.join(repo.dir, '.git', 'shallow'));
        const before = captureState(repo);
        fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

        const r = repo.guard(['recover', '--yes']);
        expect(r.code, r.stderr).toBe(0);
        expect(captureState(repo)).toEqual(before);
        expect(fs.readFileSync(path.join(repo.dir, '.git', 'shallow'))).toEqual(shallow);
        expect(repo.gitResult(['fsck', '--no-progress']).code).toBe(0);
        // And it goes on backing up from there.
        repo.write('after.txt', 'after recovery\n');
        await snapshotAndPush(repo);
      },
      { init: false },
    ));

  it('never overwrites a file that exists: it moves it aside and says where', () =>
    richPushed.withCopy(async (repo) => {
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
      repo.write('README.md', 'edited after the last snapshot\n');
      repo.write('extra-not-in-snapshot.txt', 'mine\n');
      const r = json(repo, ['recover', '--yes']);
      expect(r.movedAside).toHaveLength(1);
      expect(r.movedAside[0].path).toBe('README.md');
      expect(fs.readFileSync(r.movedAside[0].to, 'utf8')).toBe('edited after the last snapshot\n');
      expect(path.dirname(r.asideDir)).toBe(path.dirname(repo.dir));
      expect(repo.read('README.md')).toBe('# project\n');
      expect(repo.read('extra-not-in-snapshot.txt')).toBe('mine\n');
    }));

  // Past git's threshold for parallel checkout (100 files), recover writes the tree with several
  // workers (recover.ts): the same bytes, modes and index, and still never a rewrite of a file
  // that is already there and equal (its inode stays), nor an overwrite of one that differs.
  it('writes a tree of hundreds of files in parallel with the same guarantees', () =>
    withTestRepo(async (repo) => {
      buildRichRepo(repo);
      for (let i = 0; i < 300; i++) repo.write(`many/d${i % 7}/f${i}.txt`, `file ${i}\n${'y'.repeat(i)}\n`);
      repo.write('many/d0/run.sh', '#!/bin/sh\necho hi\n');
      fs.chmodSync(path.join(repo.dir, 'many/d0/run.sh'), 0o755);
      fs.symlinkSync('f1.txt', path.join(repo.dir, 'many/d1/link'));
      repo.git(['add', 'many']);
      repo.git(['commit', '-q', '-m', 'many files']);
      repo.write('many/d2/untracked.txt', 'not added\n');
      await snapshotAndPush(repo);
      const before = captureState(repo);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
      for (let d = 1; d < 7; d++) fs.rmSync(path.join(repo.dir, `many/d${d}`), { recursive: true, force: true });
      const equal = path.join(repo.dir, 'many/d0/f0.txt');
      const inode = fs.statSync(equal).ino;
      repo.write('many/d0/f7.txt', 'changed after the snapshot\n');
      const r = json(repo, ['recover', '--yes']);
      expect(r.movedAside.map((m: { path: string }) => m.path)).toEqual(['many/d0/f7.txt']);
      expect(fs.readFileSync(r.movedAside[0].to, 'utf8')).toBe('changed after the snapshot\n');
      expect(fs.statSync(equal).ino).toBe(inode);
      expect(captureState(repo)).toEqual(before);
    }));

  it('rebuilds a deleted project directory with --into, and --list shows every backup', () =>
    withTestRepo(async (repo) => {
      buildRichRepo(repo);
      repo.remove('ignored.log'); // ignored files are not captured; leave none to compare
      await snapshotAndPush(repo);
      const before = captureState(repo);
      fs.rmSync(repo.dir, { recursive: true, force: true });

      const listed = json(repo, ['recover', '--list'], { cwd: repo.base });
      expect(listed.backups).toHaveLength(1);
      expect(listed.backups[0].roots).toEqual([repo.dir]);
      expect(listed.backups[0].chains[0].latest.root).toBe(repo.dir);

      const r = repo.guard(['recover', '--into', 'repo', '--yes'], { cwd: repo.base });
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
      // A working repository of its own: not bare, no remote pointing at the backup, no alternates.
      expect(repo.git(['rev-parse', '--is-bare-repository']).trim()).toBe('false');
      expect(repo.git(['remote'])).toBe('');
      expect(fs.existsSync(path.join(repo.dir, '.git', 'objects', 'info', 'alternates'))).toBe(false);
    }));

  // No backup holds .git/hooks or guard's per-clone launcher: without putting them back, the
  // recovered repository would run no git hook and the project's agent hooks would find no
  // launcher (and let the agent go on), right after an incident (src/backup/rearm.ts).
  it("puts guard back on in the rebuilt repository, and the repository's own config", () =>
    withTestRepo(async (repo) => {
      buildRichRepo(repo);
      const init = repo.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      repo.git(['config', 'user.email', 'me@work.example']);
      repo.git(['config', '--add', 'guardtest.multi', 'one']);
      repo.git(['config', '--add', 'guardtest.multi', 'two']);
      await snapshotAndPush(repo);
      const before = captureState(repo);
      const agentFile = fs.readFileSync(path.join(repo.dir, '.claude', 'settings.local.json'));
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

      const r = json(repo, ['recover', '--yes']);
      expect(r.protection.problems).toEqual([]);
      expect([...r.protection.hooks].sort()).toEqual(['pre-commit', 'pre-push', 'pre-rebase', 'reference-transaction']);
      expect(r.protection.agents).toEqual(['claude']);
      // Nothing of the working tree changed for it: the state is the snapshot's, the agent's file its bytes.
      expect(captureState(repo)).toEqual(before);
      expect(fs.readFileSync(path.join(repo.dir, '.claude', 'settings.local.json'))).toEqual(agentFile);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'agent-hook.sh'))).toBe(true);
      // The hooks run: deleting the protected main is refused again.
      repo.git(['checkout', '-q', '-b', 'after-recovery']);
      const del = repo.gitResult(['branch', '-D', 'main']);
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('delete the protected branch main');
      // The user's config came back; the clone's own layout keys were not doubled.
      expect(repo.git(['config', 'user.email']).trim()).toBe('me@work.example');
      expect(repo.git(['config', '--get-all', 'guardtest.multi'])).toBe('one\ntwo\n');
      expect(repo.git(['config', '--get-all', 'core.bare'])).toBe('false\n');
      expect(repo.git(['config', '--get-all', 'core.repositoryformatversion'])).toBe('0\n');
      expect(repo.guard(['status']).stdout).not.toContain('hooks: not installed');
    }));

  // The annotated tag objects come back from the keeper's blobs (keeper.ts); from a hundred of
  // them on (git's own rule for what a fetch brings) as one pack that guard writes and
  // `git index-pack` checks, instead of a loose object and a temp file each (issue 8). In sha1 by
  // recover; in sha256 by a rollback after every tag was deleted and pruned (the same code: git
  // 2.39 cannot push a sha256 repository into an empty backup).
  it('recreates more than a hundred annotated tags as one pack, byte for byte, in sha1 and sha256 repositories', () =>
    withTestRepo(async (repo) => {
      for (const format of ['sha1', 'sha256']) {
        const dir = path.join(repo.base, `tags-${format}`);
        repo.git(['init', '-q', `--object-format=${format}`, '-b', 'main', dir]);
        buildManyRefsRepo(dir, repo.env, { tags: 130, annotated: 120, branches: 3 });
        // A tag whose size takes three bytes in a pack's object header, and a tag of a tag.
        fs.writeFileSync(path.join(repo.base, 'long-message.txt'), `${'a long release note line\n'.repeat(4000)}`);
        repo.git(['tag', '-a', 'long', '-F', path.join(repo.base, 'long-message.txt')], { cwd: dir });
        repo.git(['tag', '-a', 'outer', '-m', 'a tag of a tag', 'v7'], { cwd: dir });
        const init = repo.guard(['init', '--yes', '--agents', 'none'], { cwd: dir });
        expect(init.code, init.stderr).toBe(0);
        expect(repo.guard(['snapshot'], { cwd: dir }).code).toBe(0);
        await backgroundPushDone(dir, 60_000);
        const refs = (): string => repo.git(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', 'refs/heads', 'refs/tags'], { cwd: dir });
        const tagOids = (): string[] => refs().split('\n').filter((l) => l.includes(' tag ')).map((l) => l.split(' ')[0]!);
        const tagBytes = (oids: string[]): string => repo.git(['cat-file', '--batch'], { cwd: dir, input: `${oids.join('\n')}\n` });
        const before = { refs: refs(), tags: tagBytes(tagOids()) };
        expect(tagOids()).toHaveLength(122);
        if (format === 'sha1') {
          const push = repo.guard(['backup', 'push', '--local-only'], { cwd: dir });
          expect(push.code, push.stderr).toBe(0);
          fs.rmSync(dir, { recursive: true, force: true });
          const r = repo.guard(['recover', '--into', dir, '--yes'], { cwd: repo.base });
          expect(r.code, r.stderr).toBe(0);
        } else {
          const deletes = repo.git(['for-each-ref', '--format=delete %(refname)', 'refs/tags'], { cwd: dir });
          repo.git(['update-ref', '--stdin'], { cwd: dir, input: deletes, env: { GIT_GUARD_TEST_BYPASS: '1' } });
          repo.git(['reflog', 'expire', '--expire=now', '--all'], { cwd: dir });
          repo.git(['gc', '-q', '--prune=now'], { cwd: dir });
          expect(repo.gitResult(['cat-file', '-e', before.refs.split(' ')[0]!], { cwd: dir }).code).toBe(0);
          expect(repo.gitResult(['cat-file', '-e', before.tags.split(' ')[0]!], { cwd: dir }).code).not.toBe(0);
          const r = repo.guard(['rollback', '--yes'], { cwd: dir });
          expect(r.code, r.stderr).toBe(0);
        }
        expect(refs()).toBe(before.refs);
        expect(tagBytes(tagOids())).toBe(before.tags);
        expect(repo.git(['rev-parse', '--show-object-format'], { cwd: dir }).trim()).toBe(format);
        // In a pack, not loose; and git finds the repository whole.
        for (const oid of tagOids()) expect(fs.existsSync(path.join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2))), oid).toBe(false);
        expect(repo.gitResult(['fsck', '--no-dangling', '--no-progress'], { cwd: dir }).code).toBe(0);
        expect(repo.git(['cat-file', '-t', 'outer^{}'], { cwd: dir }).trim()).toBe('commit');
      }
    }));

  // The refs are written before the repository's own config is back (recover.ts), in a repository
  // that is still the clone's: no hook of the user's hooks directory runs while the repository is
  // being rebuilt, and every branch gets its reflog entry, as in any new working repository,
  // whatever core.logAllRefUpdates says. (The config then comes back as it was.)
  it("writes the refs without running the user's hooks, with a reflog for each branch whatever the config says", () =>
    richPushed.withCopy(async (repo) => {
      const hooks = path.join(repo.base, 'user-hooks');
      const log = path.join(repo.base, 'user-hook.log');
      fs.mkdirSync(hooks);
      fs.writeFileSync(path.join(hooks, 'reference-transaction'), `#!/bin/sh\ncat >> '${log}'\n`, { mode: 0o755 });
      repo.git(['config', 'core.hooksPath', hooks]);
      repo.git(['config', 'core.logAllRefUpdates', 'false']);
      await snapshotAndPush(repo);
      const before = captureState(repo);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
      fs.rmSync(log, { force: true });

      const r = repo.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(before);
      expect(repo.git(['config', 'core.hooksPath']).trim()).toBe(hooks);
      expect(repo.git(['config', 'core.logAllRefUpdates']).trim()).toBe('false');
      const seen = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      expect(seen).not.toMatch(/refs\/(heads|tags)\/|refs\/stash|HEAD/);
      for (const ref of ['refs/heads/main', 'refs/heads/feature', 'refs/heads/side']) {
        expect(repo.git(['reflog', 'show', '--format=%gs', ref]), ref).toBe('guard: recover\n');
      }
      expect(repo.git(['reflog', 'show', '--format=%gs', 'refs/stash'])).toContain('my stash');
    }));

  it('refuses a directory that is still a repository, and a directory no backup came from', () =>
    richPushed.withCopy(async (repo) => {
      const still = repo.guard(['recover', '--yes']);
      expect(still.code).toBe(3);
      expect(still.stderr).toContain('still a git repository');
      const elsewhere = repo.guard(['recover', '--into', 'somewhere-else', '--yes'], { cwd: repo.base });
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toContain('no backup on this machine was made from');
      expect(elsewhere.stderr).toContain('guard recover --from ID');
      expect(fs.existsSync(path.join(repo.base, 'somewhere-else'))).toBe(false);
    }));
  it('brings back a merge in progress: MERGE_HEAD, MERGE_MSG, MERGE_MODE byte-equal, and the commit after resolving has both parents', () =>
    withTestRepo(async (repo) => {
      repo.write('a.txt', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      startConflictedMerge(repo);
      const main = repo.git(['rev-parse', 'main']).trim();
      const other = repo.git(['rev-parse', 'other']).trim();
      // Only MERGE_HEAD names the merged commit: the keeper must carry it into the backup.
      repo.git(['branch', '-D', 'other']);
      const mergeFiles = (): Record<string, string | null> =>
        Object.fromEntries(['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE'].map((name) => [name, fs.existsSync(path.join(repo.dir, '.git', name)) ? fs.readFileSync(path.join(repo.dir, '.git', name)).toString('base64') : null]));
      const during = { files: mergeFiles(), status: repo.git(['status', '--porcelain=v2', '--branch', '-z']), state: captureState(repo) };
      await snapshotAndPush(repo);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

      const asked = repo.guard(['recover']);
      expect(asked.stdout).toContain('merge in progress: MERGE_HEAD, MERGE_MSG, MERGE_MODE written back');
      const r = json(repo, ['recover', '--yes']);
      expect(r.operation).toMatchObject({ to: 'merge', restored: true, write: ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE'] });
      expect(mergeFiles()).toEqual(during.files);
      expect(repo.git(['status', '--porcelain=v2', '--branch', '-z'])).toBe(during.status);
      expect(captureState(repo)).toEqual(during.state);
      expect(repo.git(['status'])).toContain('You have unmerged paths');
      repo.write('a.txt', 'resolved\n');
      repo.git(['add', 'a.txt']);
      repo.git(['commit', '-q', '--no-edit']);
      expect(repo.git(['log', '-1', '--format=%P']).trim()).toBe(`${main} ${other}`);
    }));

  // A rebase in progress comes back too: rollback/rebase-state.test.ts; a bisect's rollback: rollback/worktree-refs.test.ts.
  it('brings back a bisect in progress at snapshot time: its BISECT_* files and refs/bisect/*, so `git bisect log` is the same', () =>
    withTestRepo(async (repo) => {
      repo.write('a.txt', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('a.txt', 'second\n');
      repo.git(['commit', '-q', '-am', 'second']);
      repo.write('a.txt', 'third\n');
      repo.git(['commit', '-q', '-am', 'third']);
      repo.git(['bisect', 'start', 'HEAD', 'HEAD~2']);
      const during = { state: captureState(repo), log: repo.git(['bisect', 'log']), refs: repo.git(['for-each-ref', 'refs/bisect']) };
      expect(during.refs).toContain('refs/bisect/bad');
      await snapshotAndPush(repo);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });

      const asked = repo.guard(['recover']);
      expect(asked.stdout).toContain("the snapshot was taken during a bisect in progress: git's state of it comes back (BISECT_*)");
      const r = repo.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(during.state);
      expect(repo.git(['bisect', 'log'])).toBe(during.log);
      expect(repo.git(['for-each-ref', 'refs/bisect'])).toBe(during.refs);
    }));
});
