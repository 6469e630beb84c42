/**
 * Names that are not UTF-8 (byte 0xff) while a real watcher runs: its events and its directory
 * listings carry names as bytes, so a directory named with 0xff gets its own watch and a change
 * deep inside it reaches the incremental snapshot. Each snapshot `guard snapshot` gets from the
 * watcher (taken from the paths its events named) must equal a full walk by plain git, byte for
 * byte.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fullWalkTree, json, waitForWatcher } from './helpers.js';

/** The absolute path of a name given as latin1 text (each char one byte), as a Buffer. */
function at(repo: TestRepo, name: string): Buffer {
  return Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from(name, 'latin1')]);
}

function write(repo: TestRepo, name: string, data: string): void {
  const file = at(repo, name);
  fs.mkdirSync(file.subarray(0, file.lastIndexOf('/')), { recursive: true });
  fs.writeFileSync(file, data);
}

/** `guard snapshot`, answered by the watcher; its tree must be the one a full walk records. */
function servedEqualsWalk(repo: TestRepo): string {
  const served = json(repo, ['snapshot']);
  expect(served.takenBy).toBe('watcher');
  const tree = repo.git(['rev-parse', `${served.oid}^{tree}`]).trim();
  expect(tree).toBe(fullWalkTree(repo));
  return tree;
}

/** Every file of a tree, as bytes shown in latin1 (one char per byte). */
function filesOf(repo: TestRepo, tree: string): string[] {
  // (repo.git decodes its output as UTF-8, which would blur the 0xff bytes.)
  const listed = spawnSync('git', ['ls-tree', '-r', '-z', '--name-only', tree], { cwd: repo.dir, env: repo.env });
  expect(listed.status).toBe(0);
  return listed.stdout.toString('latin1').split('\0').filter(Boolean);
}

describe('the watcher and names that are not UTF-8', () => {
  it('watches a 0xff directory and records changes in and under it exactly as a full walk', () =>
    withTestRepo(async (repo) => {
      // The watcher's own snapshots wait a minute: each `guard snapshot` has the changes pending.
      repo.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 60000\n  maxIntervalMs: 120000\n');
      repo.write('src/app.js', 'console.log(1);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      // There before the watcher: its start-up walk lists these names (as text first, then again
      // as bytes, fs-events.ts listDir) and watches the directories under their exact bytes.
      write(repo, 'pre\xff/sub\xff/e.txt', 'e\n');
      expect(repo.guard(['watch']).code).toBe(0);
      try {
        // After its start-up snapshot, only the watches of the start-up walk see this change.
        await waitForWatcher(repo);
        write(repo, 'pre\xff/sub\xff/e.txt', 'e changed\n');
        expect(filesOf(repo, servedEqualsWalk(repo))).toContain('pre\xff/sub\xff/e.txt');
        // Made while the watcher runs: a 0xff directory (with one below it) and 0xff files.
        write(repo, 'd\xff/a.txt', 'a\n');
        write(repo, 'd\xff/sub/b.txt', 'b\n');
        write(repo, 'src/x\xff.txt', 'x\n');
        write(repo, 'src/x.txt', 'the plain one\n');
        let tree = servedEqualsWalk(repo);
        expect(filesOf(repo, tree)).toEqual(expect.arrayContaining(['d\xff/a.txt', 'd\xff/sub/b.txt', 'src/x\xff.txt', 'src/x.txt']));

        // Changes inside the 0xff directory, which only its own watch (and its child's) sees.
        write(repo, 'd\xff/a.txt', 'a changed\n');
        write(repo, 'd\xff/sub/c.txt', 'c\n');
        write(repo, 'd\xff/new\xff/d.txt', 'd\n');
        fs.rmSync(at(repo, 'src/x\xff.txt'));
        tree = servedEqualsWalk(repo);
        const files = filesOf(repo, tree);
        expect(files).toEqual(expect.arrayContaining(['d\xff/sub/c.txt', 'd\xff/new\xff/d.txt', 'src/x.txt']));
        expect(files).not.toContain('src/x\xff.txt');

        // Deeper still: a modification two levels below, a removal, a directory made later.
        write(repo, 'd\xff/sub/b.txt', 'b changed\n');
        write(repo, 'd\xff/new\xff/d.txt', 'd changed\n');
        fs.rmSync(at(repo, 'd\xff/a.txt'));
        tree = servedEqualsWalk(repo);
        expect(filesOf(repo, tree)).not.toContain('d\xff/a.txt');

        // A top-level 0xff name, and the 0xff directory removed whole.
        write(repo, '\xfftop.txt', 'top\n');
        fs.rmSync(at(repo, 'd\xff'), { recursive: true });
        tree = servedEqualsWalk(repo);
        expect(filesOf(repo, tree).some((f) => f.startsWith('d\xff/'))).toBe(false);
        expect(filesOf(repo, tree)).toContain('\xfftop.txt');
      } finally {
        repo.guard(['watch', 'stop']);
      }
    }));
});
