/**
 * `guard snapshot` while a watcher runs (issue 8): the watcher takes the snapshot from the paths
 * its events named (src/watcher/serve.ts), and what it records equals what a full walk records,
 * byte for byte; with a dead watcher (its socket left behind) the command walks itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { fullWalkTree, json, waitForWatcher, killWatcher } from './helpers.js';

function treeOf(repo: TestRepo, oid: string): string {
  return repo.git(['rev-parse', `${oid}^{tree}`]).trim();
}

/** Bytes of a path inside the repository (a name that is not UTF-8 needs a Buffer). */
function bytesPath(repo: TestRepo, rel: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${repo.dir}/`), rel]);
}

function base(repo: TestRepo): void {
  // The watcher's own snapshots wait a minute: the one `guard snapshot` asks for has every change pending.
  writeFiles(repo, {
    '.guard.yaml': 'version: 1\nwatch:\n  debounceMs: 60000\n  maxIntervalMs: 120000\n',
    '.gitignore': 'build/\n*.tmp\n',
    'README.md': '# project\n',
    'src/app.js': 'console.log(1);\n',
    'logs/keep.tmp': 'an ignored file the user tracks\n',
  });
  repo.git(['add', '-A']);
  repo.git(['add', '-f', 'logs/keep.tmp']);
  repo.git(['commit', '-q', '-m', 'base']);
  // Ignored, untracked, and there before the watcher: only `git add -f` will change it.
  repo.write('build/out.txt', 'build output\n');
}

describe('guard snapshot with a running watcher', () => {
  it('is taken by the watcher and records what a full walk records, byte for byte', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const started = repo.guard(['watch']);
      expect(started.code, started.stderr).toBe(0);
      // Its start-up snapshot done (`guard watch` returns before it): one that ran beside the edits
      // below is taken again once the index stops changing (snapshot-format.md) and may record
      // them all, leaving the served one nothing new to create.
      await waitForWatcher(repo);

      repo.write('src/app.js', 'console.log(2);\n');
      repo.write('pkg/sub/deep/x.txt', 'in new directories\n');
      fs.writeFileSync(bytesPath(repo, Buffer.from('src/bad\xff name.txt', 'latin1')), 'bytes, not text\n');
      repo.remove('README.md');
      repo.write('notes.tmp', 'ignored, never recorded\n');
      fs.renameSync(path.join(repo.dir, 'src'), path.join(repo.dir, 'lib'));
      // Changes of the index alone, no file touched: a tracked ignored file leaves it, an ignored one joins.
      repo.git(['rm', '-q', '--cached', 'logs/keep.tmp']);
      repo.git(['add', '-f', 'build/out.txt']);
      repo.git(['branch', 'feature']);

      const served = json(repo, ['snapshot']);
      expect(served.takenBy).toBe('watcher');
      expect(served.created).toBe(true);
      // Only this user may ask the watcher for snapshots.
      expect(fs.statSync(path.join(repo.dir, '.git', 'guard', 'watcher.sock')).mode & 0o777).toBe(0o600);
      const want = fullWalkTree(repo);
      expect(treeOf(repo, served.oid)).toBe(want);
      const files = repo.git(['ls-tree', '-r', '--name-only', want]);
      expect(files).toContain('build/out.txt');
      expect(files).not.toContain('logs/keep.tmp');
      expect(files).toContain('pkg/sub/deep/x.txt');
      expect(served.refs['refs/heads/feature']).toBeDefined();

      // A commit, then another request: the watcher records it too.
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'work']);
      repo.write('lib/after-commit.js', 'after the commit\n');
      const again = json(repo, ['snapshot']);
      expect(again.takenBy).toBe('watcher');
      expect(treeOf(repo, again.oid)).toBe(fullWalkTree(repo));
      expect(again.head.oid).toBe(repo.git(['rev-parse', 'HEAD']).trim());

      // guard's own walk, with the watcher stopped, finds nothing the watcher's snapshot lacks.
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
      const walked = json(repo, ['snapshot']);
      expect(walked.takenBy).toBe('walk');
      expect(walked.created).toBe(false);
      expect(walked.oid).toBe(again.oid);
    }));

  it('takes a session start\'s baseline for it when it was already running, as a full walk would', () =>
    withTestRepo(async (repo) => {
      base(repo);
      expect(repo.guard(['watch']).code).toBe(0);
      repo.write('src/app.js', 'console.log(3);\n');
      repo.write('docs/new/guide.md', 'a guide\n');
      repo.git(['rm', '-q', '--cached', 'logs/keep.tmp']);
      const started = json(repo, ['session', 'start', '--agent', 'test']);
      const log = fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'watcher.log'), 'utf8');
      expect(log).toMatch(/for a client/);
      const baseline = started.session.startSnapshot;
      // The ignored files the session start captures (snapshot.ignoredAtSessionStart) are in the
      // walk too: the one the index no longer tracks among them.
      const captured = (json(repo, ['log', '--type', 'ignored-captured']).events as Array<{ capturedIgnored: string[] }>).flatMap((e) => e.capturedIgnored);
      expect(captured).toContain('logs/keep.tmp');
      expect(treeOf(repo, baseline)).toBe(fullWalkTree(repo, captured));
      const shown = json(repo, ['show', baseline]);
      expect(shown.trigger).toBe('session-start');
      expect(shown.session).toBe(started.session.id);
    }));

  it("takes a session start's baseline with .guard.yaml's snapshot options (a size cap, an ignored .env captured), as a full walk would", () =>
    withTestRepo(async (repo) => {
      base(repo);
      commitFiles(repo, { '.gitignore': 'build/\n*.tmp\n.env\n', '.guard.yaml': 'version: 1\nwatch:\n  debounceMs: 60000\n  maxIntervalMs: 120000\nsnapshot:\n  maxFileSize: 1MB\n  includeIgnored: [.env]\n' }, 'options');
      expect(repo.guard(['watch']).code).toBe(0);
      repo.write('.env', 'KEY=1\n');
      repo.write('src/app.js', 'console.log(4);\n');
      const started = json(repo, ['session', 'start', '--agent', 'test']);
      // The watcher served it: it declines a request with other options than its own.
      expect(fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'watcher.log'), 'utf8')).toMatch(/for a client/);
      const baseline = started.session.startSnapshot;
      expect(repo.git(['show', `${baseline}:.env`])).toBe('KEY=1\n');
      expect(repo.git(['show', `${baseline}:src/app.js`])).toBe('console.log(4);\n');
    }));

  it('is taken by a full walk when the watcher died and left its socket', () =>
    withTestRepo(async (repo) => {
      base(repo);
      expect(repo.guard(['watch']).code).toBe(0);
      const status = json(repo, ['watch', 'status']);
      const socket = path.join(repo.dir, '.git', 'guard', 'watcher.sock');
      expect(fs.existsSync(socket)).toBe(true);
      await killWatcher(status.pid);
      expect(fs.existsSync(socket)).toBe(true);
      repo.write('src/after-death.js', 'written after the watcher died\n');
      const walked = json(repo, ['snapshot']);
      expect(walked.takenBy).toBe('walk');
      expect(walked.created).toBe(true);
      expect(treeOf(repo, walked.oid)).toBe(fullWalkTree(repo));
      expect(repo.git(['ls-tree', '-r', '--name-only', walked.oid])).toContain('src/after-death.js');
    }));
});
