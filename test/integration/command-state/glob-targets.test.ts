/**
 * A deletion through a glob (`rm -f *.tmp`, `rm -rf` of every packages/NAME/dist) is judged by what the glob
 * reaches now, found by the friction hunt on vite/babel/express clones (docs/FRICTION.md):
 *  - git's listing for a wildcard pathspec reports every ignored directory at that depth whole
 *    ("may match inside"): `rm -f *.tmp` captured all of an ignored `data/` into its snapshot
 *    (and refused when there were too many files to capture). Only what the pattern reaches counts;
 *  - a glob that matches nothing on disk deletes nothing: it was judged by its text, so
 *    deleting every packages/NAME/dist in a repository without packages/ was denied as "may match
 *    protected paths" (the default `**` + `/migrations/**`), and `rm -f *.tmp` in a subdirectory
 *    took a snapshot;
 *  - a glob that starts in a symbolic link leading out of the repository is denied, as a
 *    literal path through it is;
 *  - what a glob does reach is judged as before: tracked and untracked files snapshot, ignored
 *    files that are not output are captured, a protected path denies.
 * Decided by `guard check-command --json` as an agent, the evaluation the agent hook shares.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, shellOk, useDefaultPolicy, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';

const check = (t: TestRepo, command: string) => checkVerdict(t, command, { asAgent: true });

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  commitFiles(t, { '.gitignore': 'node_modules/\ndist/\ndata/\n*.log\n', 'a.txt': 'a\n', 'src/app.ts': 'x\n', 'db/migrations/001_init.sql': 'create table t (id int);\n' });
  // data/big.csv is ignored, not regenerable output: what a snapshot must capture before it is deleted.
  writeFiles(t, { 'node_modules/x/index.js': 'x\n', 'dist/app.js': 'built\n', 'data/big.csv': '1,2\n' });
}

describe('a `**` segment (zsh, bash with globstar: any depth)', () => {
  // Sweep of 2026-12-05 on a flask clone: `rm -rf **/__pycache__` and `rm -f **/*.pyc` captured
  // every ignored directory git said the pattern may reach into (data/, instance/app.db), or
  // were refused as too large to capture, where only regenerable caches match.
  function setupPython(t: TestRepo): void {
    setup(t);
    fs.appendFileSync(path.join(t.dir, '.git/info/exclude'), '__pycache__/\n*.db\n');
    writeFiles(t, { 'src/__pycache__/app.cpython-312.pyc': 'pyc\n', 'src/deep/__pycache__/x.cpython-312.pyc': 'pyc\n', 'db/local.db': ['SQLite format 3\0rows\n', 0o600] });
  }

  it('captures only what the pattern reaches at any depth, and judges that as before', async () => {
    await withTestRepo((t) => {
      setupPython(t);
      for (const command of ['rm -rf **/__pycache__', 'rm -f **/*.pyc', 'rm -rf src/**/__pycache__', 'rm -f **/*.tmp']) expect(check(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      const db = check(t, 'rm -f **/*.db');
      expect(db).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(db.reason).toContain('db/local.db');
      expect(db.reason).not.toContain('data/big.csv');
      expect(check(t, 'rm -rf **/migrations')).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      // `**/` also stands for no directory at all.
      writeFiles(t, { 'top.db': 'rows\n' });
      expect(check(t, 'rm -f **/top.db')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(check(t, 'rm -f **/top.db').reason).toContain('top.db');
      expect(check(t, 'rm -rf data/**')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(check(t, 'rm -rf data/**').reason).toContain('data/big.csv');
    });
  });

  it('through the installed hook: the database alone is captured, and the rollback gives it back', async () => {
    await withTestRepo((t) => {
      setupPython(t);
      t.guard(['init', '--yes', '--agents', 'claude']);
      const before = stateWithModes(t, ['db/local.db']);
      expect(installedClaudeHook(t, 'rm -f **/*.db').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['db/local.db'] })]);
      shellOk(t, 'rm -f **/*.db');
      expect(fs.existsSync(path.join(t.dir, 'db/local.db'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, ['db/local.db'])).toEqual(before);
    });
  });
});

describe('deleting through a glob', () => {
  it('does not capture ignored directories the glob does not reach', async () => {
    await withTestRepo((t) => {
      setup(t);
      // Before: snapshot, "guard captures the ignored file data/big.csv into the snapshot first".
      expect(check(t, 'rm -f *.tmp')).toMatchObject({ verdict: 'allow' });
      expect(check(t, 'rm -rf */*.tmp')).toMatchObject({ verdict: 'allow' });
      // What it does reach is still captured.
      const csv = check(t, 'rm -f data/*.csv');
      expect(csv).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(csv.reason).toContain('data/big.csv');
      expect(check(t, 'rm -rf d*')).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    });
  });

  it('allows a glob that matches nothing on disk, from the root and from a subdirectory', async () => {
    await withTestRepo((t) => {
      setup(t);
      // Before: deny protected-path ("may match protected paths") and snapshot.
      expect(check(t, 'rm -rf packages/*/dist')).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(check(t, 'cd src && rm -f *.tmp')).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(check(t, 'cd src && rm -rf ./dist/*')).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // A hidden-name glob that cannot reach `.` or `..` (redis's deps: `rm -f .make-*`, run by every first build). Before: snapshot.
      expect(check(t, 'rm -f .make-*')).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(check(t, 'cd src && rm -f .make-*')).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // One that can (`.?` is `..`) is judged by its text, as before.
      expect(check(t, 'cd src && rm -rf .?')).not.toMatchObject({ verdict: 'allow' });
    });
  });

  // Found while fixing the above: a glob under a symbolic link that leads out of the repository
  // deleted files there after a snapshot that could not hold them.
  it('denies a glob that starts in a symbolic link leading out of the repository', async () => {
    await withTestRepo((t) => {
      setup(t);
      const outside = path.join(t.base, 'outside');
      fs.mkdirSync(outside, { recursive: true });
      fs.writeFileSync(path.join(outside, 'precious.txt'), 'p\n');
      t.symlink('lnk', outside);
      // Before: snapshot (rm-in-repo), and both ran.
      expect(check(t, 'rm -f lnk/*.txt')).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
      expect(check(t, 'truncate -s 0 lnk/*.txt')).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
      expect(check(t, 'rm -f lnk/precious.txt')).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
      // Nothing there matches: nothing is deleted.
      expect(check(t, 'rm -f lnk/*.tmp')).toMatchObject({ verdict: 'allow' });
    });
  });

  it('still judges what the glob matches: tracked, untracked, protected, and what git does not list', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('src/old.tmp', 'u\n');
      expect(check(t, 'cd src && rm -f *.tmp')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      t.write('packages/a/dist/keep.js', 'k\n');
      t.git(['add', '-f', 'packages/a/dist/keep.js']);
      expect(check(t, 'rm -rf packages/*/dist')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(check(t, 'rm -rf */migrations')).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      // An empty directory is something git does not list: judged by the text, as before.
      fs.mkdirSync(path.join(t.dir, 'pkgs', 'b', 'out'), { recursive: true });
      expect(check(t, 'rm -rf pkgs/*/out')).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      // A file whose name is the pattern itself: bash passes the unmatched pattern on, and rm deletes it.
      fs.mkdirSync(path.join(t.dir, 'lit', 'x[ab]'), { recursive: true });
      expect(check(t, 'rm -rf lit/x[ab]')).not.toMatchObject({ verdict: 'allow' });
    });
  });

  it('a line of many globs is one listing: the same git processes as one glob, and each glob keeps only what it reaches', async () => {
    await withTestRepo((t) => {
      setup(t);
      writeFiles(t, { 'src/old.tmp': 'u\n', 'app.log': 'log\n' });
      const processes = (command: string): number => {
        const file = path.join(t.base, `trace-${command.replace(/\W+/g, '-')}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(file) } });
        expect([0, 3], r.stderr).toContain(r.code);
        return countGitProcesses(file).total;
      };
      const one = processes('rm -f *.o');
      expect(processes('rm -f *.o *.a *.so *.gcda *.gcno src/*.o src/*.a lib*.a')).toBe(one);
      // Each glob keeps its own: *.log captures app.log, src/*.tmp the untracked src/old.tmp, the rest nothing.
      const v = check(t, 'rm -f *.o *.log src/*.tmp data/*.o');
      expect(v).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(v.reason).toContain('app.log');
      expect(v.reason).not.toContain('big.csv');
      expect(check(t, 'rm -f *.o data/*.o')).toMatchObject({ verdict: 'allow' });
      // The refusal names the glob that reaches the protected path, not one listed beside it.
      const denied = check(t, 'rm -f *.o db/migrations/*.sql');
      expect(denied).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(denied.reason).toContain('db/migrations/*.sql');
      expect(denied.reason).not.toContain('*.o');
      expect(check(t, 'rm -f *.o data/*.csv')).toMatchObject({ verdict: 'snapshot', reason: expect.stringContaining('data/big.csv') });
    });
  });
});
