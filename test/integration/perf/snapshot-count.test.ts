/**
 * The git processes of a snapshot after a commit (issue 8: the tail after the walk). It ran one
 * process per step, in series: `cat-file --batch` (the tree edit's directories), two
 * `hash-object` (the changed files, the trees), `commit-tree` for the index commit, the keeper and
 * the snapshot, `diff-tree` for the change counts and `update-ref`: 8 after `status`. Now a
 * snapshot keeps one `cat-file --batch` and one `hash-object` per object type running for its
 * own length (object-pipes.ts), the commits go through the one for commits, and the change counts
 * are read through the cat-file (tree-diff.ts): 5 (cat-file, hash-object x3, update-ref), the
 * long-lived ones started during the walk once the snapshot knows it will write. Counted with
 * trace2 on a repository with tags and branches (the keeper is written), after a commit with a
 * modified and an untracked file left over; the objects are git's (fsck), and no process of the
 * snapshot outlives it. The background backup push it starts asks no `for-each-ref` before pushing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { buildManyRefsRepo } from '../../helpers/many-refs.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The process counts here are of guard as users run it, the automatic backup push included (test/helpers/env.ts).
realBackupPushInFile();



/** Git processes (Linux /proc) whose working directory is `dir`. */
function gitProcessesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').filter(Boolean);
      if (argv[0] && /(^|\/)git$/.test(argv[0]) && fs.readlinkSync(`/proc/${name}/cwd`) === dir) out.push(argv.join(' '));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The snapshot's own commands (the background push runs none of them). */
const SNAPSHOT_COMMANDS = ['status', 'cat-file', 'hash-object', 'commit-tree', 'diff-tree', 'mktree', 'update-ref', 'update-index', 'write-tree', 'ls-files'];

describe('a snapshot after a commit (issue 8)', () => {
  it('starts cat-file, three hash-object and update-ref after its walk: no commit-tree, no diff-tree', async () => {
    await withTestRepo(async (t) => {
      buildManyRefsRepo(t.dir, t.env, { tags: 30, annotated: 20, branches: 5 });
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      await backgroundPushDone(t.dir);
      t.write('history.txt', 'a commit after init\n');
      t.git(['commit', '-q', '-am', 'after init']);
      t.write('dir0/file1.txt', 'modified, not committed\n');
      t.write('untracked.txt', 'new\n');

      const trace = path.join(t.base, 'trace-snapshot.json');
      const r = t.guard(['snapshot', '--json'], { env: traceEnv(trace) });
      expect(r.code, r.stderr).toBe(0);
      if (fs.existsSync('/proc/self/stat')) expect(gitProcessesIn(t.dir).filter((p) => /cat-file|hash-object/.test(p))).toEqual([]);
      await backgroundPushDone(t.dir);
      const count = countGitProcesses(trace);
      const of = Object.fromEntries(count.byCommand.filter(([c]) => SNAPSHOT_COMMANDS.includes(c)));
      expect(of, JSON.stringify(count.argv)).toEqual({ status: 1, 'cat-file': 1, 'hash-object': 3, 'update-ref': 1 });
      // The background push the snapshot started asks git nothing before its push: the chain
      // head it is to push was just written as a loose ref (mirror.ts hasGuardRefs).
      expect(count.argv.filter((a) => a.includes('push')), JSON.stringify(count.argv)).toHaveLength(1);
      expect(count.argv.filter((a) => a.includes('for-each-ref') && a.includes('--count=1')), JSON.stringify(count.argv)).toEqual([]);
      // The three hash-object: the changed files (with the user's filters), trees and commits.
      const hashers = count.argv.filter((a) => a.includes('hash-object')).map((a) => a.slice(a.indexOf('hash-object')).join(' ')).sort();
      expect(hashers).toEqual(['hash-object -w --stdin-paths', 'hash-object -w -t commit --no-filters --stdin-paths', 'hash-object -w -t tree --no-filters --stdin-paths']);

      const snapshot = JSON.parse(r.stdout) as { id?: string; oid?: string; changes?: { added: number; modified: number; deleted: number } };
      const oid = t.git(['rev-parse', 'refs/guard/main/head']).trim();
      // The change counts are diff-tree's: history.txt committed, dir0/file1.txt and untracked.txt since init.
      const counted = t.git(['diff-tree', '-r', '--no-renames', '--name-status', `${oid}^`, oid]).trim().split('\n');
      expect(counted).toHaveLength(3);
      expect(t.git(['log', '-1', '--format=%B', oid])).toContain('"changes":{"added":1,"modified":2,"deleted":0}');
      expect(snapshot).toBeTruthy();
      // Every object is well formed and reachable as git expects.
      expect(t.gitResult(['fsck', '--no-dangling', '--strict']).code).toBe(0);
      expect(t.git(['cat-file', '-t', `${oid}^2`]).trim()).toBe('commit');
      expect(t.git(['cat-file', '-t', `${oid}^3`]).trim()).toBe('commit');
    });
  }, 180_000);
});
