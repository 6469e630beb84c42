/**
 * The command guard decides file-destroying commands by the repository as it is at the call
 * (issue 9), through the real agent hook with the default .guard.yaml:
 *  - everyday clean-ups are not denied (regenerable output, paths that do not exist, moves,
 *    directories holding nothing protected, the temp directory);
 *  - what is really protected still is (a tracked migration, a nested repository);
 *  - a symlink in the repository that leads out of it is followed before "inside" is decided:
 *    truncate, find -delete, rm, a redirection and the file tools are all denied;
 *  - Windows spellings are deletions, and `C:/` paths are outside the repository.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function hookRaw(t: TestRepo, toolName: string, toolInput: Record<string, unknown>): { decision: string; reason: string } {
  const payload = { session_id: 's1', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: toolName, tool_input: toolInput };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  if (r.stdout.trim() === '') return { decision: 'allow', reason: '' };
  const out = JSON.parse(r.stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } };
  return { decision: out.hookSpecificOutput?.permissionDecision ?? 'allow', reason: out.hookSpecificOutput?.permissionDecisionReason ?? '' };
}

const bash = (t: TestRepo, command: string) => hookRaw(t, 'Bash', { command });

function setup(t: TestRepo): void {
  fs.copyFileSync(path.join(PROJECT_ROOT, 'templates', 'guard.default.yaml'), path.join(t.dir, '.guard.yaml'));
  t.write('.gitignore', 'node_modules/\ndist/\nbuild/\n.next/\ncoverage/\n.env\n');
  t.write('a.txt', 'a\n');
  t.write('src/deep/mod.ts', 'export const x = 1;\n');
  t.write('db/migrations/001_init.sql', 'create table t (id int);\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.write('node_modules/orm/migrations/0001.js', 'module.exports = {};\n');
  t.write('dist/app.js', 'built\n');
  t.write('build/out.o', 'obj\n');
  t.write('.next/cache/x', 'c\n');
  t.write('coverage/lcov.info', 'TN:\n');
}

describe('file-destroying commands are judged by what is there', () => {
  it('everyday clean-ups and moves are not denied with the default .guard.yaml', async () => {
    await withTestRepo((t) => {
      setup(t);
      const scratch = fs.mkdtempSync(path.join(fs.realpathSync(t.base), 'scratch-'));
      for (const command of [
        'rm -rf node_modules',
        'rm -rf dist && npm run build',
        'rm -rf build/',
        'rm -rf .next coverage',
        'rm -r src/deep',
        'rm -rf does-not-exist',
        'mv a.txt b.txt',
        `rm -rf ${scratch}`,
        'rm -rf /tmp/guard-test-does-not-exist-xyz',
      ]) {
        expect({ command, ...bash(t, command) }).toMatchObject({ command, decision: 'allow' });
      }
    });
  });

  // Found playing an agent session: a directory holding only empty directories (git lists
  // nothing there) was judged by its text, and the default **/migrations/** glob denied it as
  // "may hold protected paths".
  it('allows deleting a directory that holds only empty directories', async () => {
    await withTestRepo((t) => {
      setup(t);
      fs.mkdirSync(path.join(t.dir, 'tmp', 'cache', 'a', 'b'), { recursive: true });
      fs.mkdirSync(path.join(t.dir, 'tmp', 'cache', 'c'), { recursive: true });
      const check = (command: string) => JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string };
      expect(bash(t, 'rm -rf tmp')).toMatchObject({ decision: 'allow' });
      expect(check('rm -rf tmp')).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // One file among them: what git lists decides again (snapshot first).
      t.write('tmp/cache/c/note.txt', 'n\n');
      expect(check('rm -rf tmp')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('still denies a tracked protected path and a nested repository, and snapshots plain files', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.git(['init', '-q', 'vendor/lib']);
      t.write('vendor/lib/x', 'x\n');
      expect(bash(t, 'rm -rf db')).toMatchObject({ decision: 'deny' });
      expect(bash(t, 'rm -rf db').reason).toContain('db/migrations/001_init.sql');
      expect(bash(t, 'rm -rf vendor')).toMatchObject({ decision: 'deny' });
      expect(bash(t, 'rm a.txt')).toMatchObject({ decision: 'allow' });
    });
  });

  // What guard cannot restore is denied: a snapshot skips an untracked file larger than
  // snapshot.maxFileSize, so deleting one could never be undone.
  it('denies deleting an untracked file larger than snapshot.maxFileSize, and still lets it be moved away', async () => {
    await withTestRepo((t) => {
      setup(t);
      const config = t.read('.guard.yaml');
      expect(config).toContain('  maxFileSize: 50MB');
      t.write('.guard.yaml', config.replace('  maxFileSize: 50MB', '  maxFileSize: 1MB'));
      t.write('models/weights.bin', 'w'.repeat(2 * 1024 * 1024));
      t.write('models/small.bin', 's'.repeat(512 * 1024));
      for (const command of ['rm models/weights.bin', 'rm -rf models', 'git clean -fd', 'git clean -fdx models', 'find models -name "*.bin" -delete', 'truncate -s 0 models/weights.bin']) {
        const verdict = bash(t, command);
        expect({ command, ...verdict }).toMatchObject({ command, decision: 'deny' });
        expect(verdict.reason).toContain('models/weights.bin (2.0 MB)');
        expect(verdict.reason).toContain('larger than snapshot.maxFileSize (1.0 MB)');
        expect(verdict.reason).toContain('Move the file out of the repository first');
      }
      // Under the limit: snapshotted first, as any untracked file.
      expect(bash(t, 'rm models/small.bin')).toMatchObject({ decision: 'allow' });
      // Moving it out of the way keeps its bytes: what the deny advises.
      expect(bash(t, `mv models/weights.bin ${t.base}/weights.bin`)).toMatchObject({ decision: 'allow' });
      // A tracked file of the same size is in git's objects: no deny.
      t.git(['add', 'models/weights.bin']);
      expect(bash(t, 'rm models/weights.bin')).toMatchObject({ decision: 'allow' });
    });
  });

  // The temp directory is scratch space, except for what belongs to this repository: another
  // worktree of it made there holds uncommitted work that no snapshot of this worktree has.
  it('denies deleting another worktree of this repository, even in the temp directory', async () => {
    await withTestRepo((t) => {
      setup(t);
      const base = fs.realpathSync(t.base);
      const wt = path.join(base, 'linked-wt');
      t.git(['worktree', 'add', '-q', '-b', 'linked', wt]);
      fs.appendFileSync(path.join(wt, 'a.txt'), 'uncommitted\n');
      const scratch = fs.mkdtempSync(path.join(base, 'scratch-'));
      for (const [command, relation] of [
        [`rm -rf ${wt}`, 'is'],
        [`rm ${wt}/a.txt`, 'is inside'],
        [`rm -rf ${wt}/*`, 'matches inside'],
      ]) {
        const verdict = bash(t, command as string);
        expect({ command, ...verdict }).toMatchObject({ command, decision: 'deny' });
        expect(verdict.reason).toContain(`which ${relation} the worktree ${wt} of this repository`);
      }
      // The rest of the scratch space stays scratch.
      expect(bash(t, `rm -rf ${scratch}`)).toMatchObject({ decision: 'allow' });
      // From the linked worktree, the main one is another worktree too.
      const fromWt = spawnSync(process.execPath, [GUARD_BIN, 'check-command', '--json', `rm -rf ${fs.realpathSync(t.dir)}/src`], { cwd: wt, env: { ...t.env, CLAUDECODE: '1' }, encoding: 'utf8' });
      expect(JSON.parse(fromWt.stdout)).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
    });
  });

  // A worktree path is bytes: one whose name is not UTF-8 (byte 0xff) is still recognised, named in
  // the command by bash's `$'\xff'` or octal `$'\377'`, or held by a directory the command deletes.
  it('denies deleting another worktree whose path is not UTF-8', async () => {
    await withTestRepo((t) => {
      setup(t);
      const base = fs.realpathSync(t.base);
      fs.mkdirSync(path.join(base, 'par'));
      // Node's argv is UTF-8 only: the shell makes the name with the raw byte.
      const added = spawnSync('sh', ['-c', `git worktree add -q -b linked "$(printf '${base}/par/wt\\377')"`], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
      const wtBytes = Buffer.concat([Buffer.from(`${base}/par/wt`), Buffer.of(0xff)]);
      expect(fs.existsSync(Buffer.concat([wtBytes, Buffer.from('/a.txt')]))).toBe(true);
      const shown = `$'${base}/par/wt\\xff'`;
      for (const [command, relation] of [
        [`rm -rf ${base}/par/wt$'\\xff'`, 'is'],
        [`rm -rf "${base}/par/wt"$'\\377'`, 'is'],
        [`rm ${base}/par/wt$'\\xff'/a.txt`, 'is inside'],
        [`rm -rf ${base}/par`, 'holds'],
        // A glob in the scratch space is checked against the worktrees it can reach.
        [`rm -rf ${base}/par/wt*`, 'matches'],
        [`rm -rf ${base}/par/w?/`, null],
        [`rm -rf ${base}/par/wt$'\\xff'/*`, 'matches inside'],
      ]) {
        if (relation === null) {
          expect({ command, ...bash(t, command as string) }).toMatchObject({ command, decision: 'allow' });
          continue;
        }
        const verdict = bash(t, command as string);
        expect({ command, ...verdict }).toMatchObject({ command, decision: 'deny' });
        expect(verdict.reason).toContain(`which ${relation} the worktree ${shown} of this repository`);
      }
      // Another name in the same directory is not that worktree: the bytes decide, not a lossy decoding.
      fs.mkdirSync(Buffer.concat([Buffer.from(`${base}/par/wt`), Buffer.of(0xfe)]));
      expect(bash(t, `rm -rf ${base}/par/wt$'\\xfe'`)).toMatchObject({ decision: 'allow' });
      expect(bash(t, `rm -rf ${base}/par/x*`)).toMatchObject({ decision: 'allow' });
    });
  });

  it('a regenerable name is no pass: a tracked file in an ignored build/ and untracked files in out/ are snapshotted', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('build/keep.txt', 'tracked although build/ is ignored\n');
      t.git(['add', '-f', 'build/keep.txt']);
      t.git(['commit', '-q', '-m', 'keep']);
      t.write('out/notes.txt', 'untracked, not ignored\n');
      const check = (command: string) => JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string };
      for (const command of ['rm -rf build', 'rm -rf out', 'rm -rf dist build', 'rm -rf dist out']) {
        expect({ command, ...check(command) }).toMatchObject({ command, verdict: 'snapshot', rule: 'rm-in-repo' });
      }
      // Wholly ignored output alone is nothing to keep.
      expect(check('rm -rf dist .next')).toMatchObject({ verdict: 'allow' });
    });
  });

  it('find -name NAME -exec rm for regenerable NAME is judged by what git lists under that name', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('.gitignore', 'node_modules/\ndist/\nbuild/\n.next/\ncoverage/\n.env\n__pycache__/\n');
      t.write('src/__pycache__/mod.cpython-312.pyc', 'bytecode\n');
      t.write('tests/__pycache__/t.pyc', 'bytecode\n');
      const check = (command: string) => JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' } }).stdout) as { verdict: string; rule: string };
      // Ignored bytecode caches only: nothing to keep (before: "found-file may hold protected paths").
      for (const command of ['find . -name __pycache__ -type d -exec rm -rf {} +', 'find src -name __pycache__ -exec rm -rf {} +', "find . -name '*.pyc' -exec rm -f {} +", 'find . -name node_modules -prune -exec rm -rf {} +']) {
        expect({ command, ...check(command) }).toMatchObject({ command, verdict: 'allow' });
      }
      // An expression with -o, a negation or parentheses runs the action on entries no name selected.
      for (const command of ['find . -name __pycache__ -o -exec rm -rf {} +', 'find . -name __pycache__ -o -not -name keep -exec rm -rf {} +', "find . \\( -name '*.pyc' \\) , -exec rm -f {} +"]) {
        expect({ command, allowed: check(command).verdict === 'allow' }).toEqual({ command, allowed: false });
      }
      // A tracked __pycache__ (committed by mistake) is snapshotted first.
      t.write('lib/__pycache__/keep.pyc', 'tracked\n');
      t.git(['add', '-f', 'lib/__pycache__/keep.pyc']);
      t.git(['commit', '-q', '-m', 'tracked cache']);
      expect(check('find . -name __pycache__ -type d -exec rm -rf {} +')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      // Names that are not (only) regenerable output, starts outside the repository, above it: as before.
      expect(check('find . -name migrations -exec rm -rf {} +')).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      // -iname is looked up too, case-insensitively (find-filters.test.ts): the tracked cache is snapshotted.
      expect(check('find . -iname __pycache__ -exec rm -rf {} +')).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(check('find / -name node_modules -exec rm -rf {} +')).toMatchObject({ verdict: 'deny' });
      // `find ..` reaches into the repository even when its parent is scratch space (a temp dir).
      expect(check('find .. -name node_modules -exec rm -rf {} +')).toMatchObject({ verdict: 'deny' });
      expect(check('find .. -name migrations -exec rm -rf {} +')).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    });
  });

  it('follows a symlink that leads out of the repository: every spelling is denied, the file tools too', async () => {
    await withTestRepo((t) => {
      setup(t);
      const outside = path.join(t.base, 'outside');
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, 'f'), 'precious\n');
      t.symlink('lnk', outside);
      for (const command of ['truncate -s0 lnk/f', 'find lnk/ -type f -delete', 'rm -f lnk/f', 'echo x > lnk/f', 'rm -rf lnk/', 'cp a.txt lnk/f', 'rm -f ./src/../lnk/f']) {
        const verdict = bash(t, command);
        expect({ command, decision: verdict.decision }).toEqual({ command, decision: 'deny' });
        expect(verdict.reason).toContain('outside the repository');
      }
      expect(hookRaw(t, 'Write', { file_path: path.join(t.dir, 'lnk', 'f'), content: 'x' }).decision).toBe('deny');
      expect(hookRaw(t, 'Edit', { file_path: 'lnk/f', old_string: 'precious', new_string: 'x' }).decision).toBe('deny');
      // The link itself is in the repository: removing it (not what it points to) is fine.
      expect(bash(t, 'rm lnk').decision).toBe('allow');
      expect(fs.readFileSync(path.join(outside, 'f'), 'utf8')).toBe('precious\n');
    });
  });

  it('reads Windows spellings as deletions and C:/ paths as outside the repository', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['del /s /q C:\\\\Users\\\\me\\\\proj', 'rmdir /s /q C:/Users/me', 'Remove-Item -Recurse -Force C:/Users/me/proj', 'rm -rf "C:\\Users\\me"', 'rd /s /q D:/data']) {
        expect({ command, decision: bash(t, command).decision }).toEqual({ command, decision: 'deny' });
      }
      expect(bash(t, 'Remove-Item -Recurse -Force db').decision).toBe('deny');
      expect(bash(t, 'rmdir /s /q dist').decision).toBe('allow');
      expect(bash(t, 'rmdir emptydir').decision).toBe('allow');
    });
  });
});
