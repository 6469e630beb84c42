/**
 * A staged version that is neither HEAD's nor the working tree's (after `git add -p`, or an edit
 * after `git add`) is lost from the index by a plain `git reset`, `git reset -- <path>`,
 * `git read-tree HEAD`, `git rm --cached` (-f, or a file gone from disk), `git update-index
 * --force-remove` or `git apply --cached -R`: its blob goes unreachable, and before 2026-12-07
 * (helper unstage) an agent ran each with no snapshot. Now the command guard asks git
 * (`git diff-index --cached`, then `git status --porcelain=v2` over what is staged) whether the
 * command touches such an entry: a snapshot first where it does, from which `guard rollback`
 * gives the index entry back (oid and mode) with the working tree's bytes; free where it does not
 * (an unstage of what is also on disk), with one git process more than a command that asks
 * nothing where nothing is staged, two where something is. Real git, the installed Claude Code hook.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { commitGuardFiles, installedHookGitProcesses, rollbackOk, snapshotsBefore } from '../../helpers/guard-steps.js';
import { commitFiles, shellOk } from '../../helpers/repo-steps.js';
import { expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';

/** The index as `git ls-files -s` lists it (mode, oid, stage, path) and the files' bytes and modes. */
function indexAndFiles(t: TestRepo): { index: string; files: Record<string, [string, number]> } {
  const files: Record<string, [string, number]> = {};
  for (const name of ['src/app.ts', 'src/new.ts', 'bin/run.sh']) {
    const abs = path.join(t.dir, name);
    if (fs.existsSync(abs)) files[name] = [fs.readFileSync(abs, 'latin1'), fs.statSync(abs).mode & 0o777];
  }
  return { index: t.git(['ls-files', '-s', '--', 'src', 'bin']), files };
}

function setup(t: TestRepo): void {
  commitFiles(t, { 'src/app.ts': 'one\n', 'bin/run.sh': ['#!/bin/sh\necho a\n', 0o644] });
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  commitGuardFiles(t);
}

/** Three staged versions of their own: an edit after `git add`, a new file edited after its add, a mode and content staged then edited. */
function stageOwnVersions(t: TestRepo): void {
  t.write('src/app.ts', 'one\ntwo\n');
  t.write('src/new.ts', 'new, staged\n');
  t.write('bin/run.sh', '#!/bin/sh\necho b\n');
  fs.chmodSync(path.join(t.dir, 'bin/run.sh'), 0o755);
  t.git(['add', 'src/app.ts', 'src/new.ts', 'bin/run.sh']);
  t.write('src/app.ts', 'one\ntwo\nthree\n');
  t.write('src/new.ts', 'new, edited after the add\n');
  t.write('bin/run.sh', '#!/bin/sh\necho c\n');
}

/** Each rolled back through the installed hook's snapshot; LOSING's other rows are judged in-process (the suite's time). */
const ROLLED_BACK = ['git reset', 'git restore --staged .', 'git rm -r --cached -f -q .', 'git update-index --force-remove bin/run.sh'];

const LOSING = [
  'git reset',
  'git reset -- src/app.ts',
  'git reset HEAD src/app.ts src/new.ts',
  'git reset --mixed',
  'git reset --keep HEAD',
  'git restore --staged .',
  'git read-tree HEAD',
  'git rm --cached -f -q src/app.ts',
  'git rm -r --cached -f -q .',
  'git update-index --force-remove bin/run.sh',
];

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

describe('commands that drop a staged version of its own from the index', () => {
  it('take a snapshot first, and guard rollback gives each index entry back (oid, mode) with the bytes on disk', async () => {
    await template.withCopy(async (t) => {
      stageOwnVersions(t);
      const before = indexAndFiles(t);
      expect(before.index).toContain('100755');
      for (const command of ROLLED_BACK) {
        const hook = hookWithVerdict(t, command);
        expect([hook.decision, hook.verdict, hook.rule], command).toEqual(['allow', 'snapshot', 'git-unstage']);
        expect(hook.snapshotReason, command).toMatch(/drops the staged version of (src\/app\.ts|bin\/run\.sh)/);
        const [snapshot] = snapshotsBefore(t, command).slice(-1);
        expect(snapshot, command).toBeDefined();
        shellOk(t, command);
        expect(indexAndFiles(t).index, command).not.toBe(before.index);
        rollbackOk(t, snapshot as string);
        expect(indexAndFiles(t), command).toEqual(before);
      }
      await expectEvaluatedTable(t, LOSING.map((command) => [command, 'snapshot', 'git-unstage', ['drops the staged version of']] as EvaluatedRow));
      // Each one does drop a staged version (real git): the index is no longer what it was.
      for (const command of LOSING.filter((c) => !ROLLED_BACK.includes(c))) {
        shellOk(t, command);
        expect(indexAndFiles(t).index, command).not.toBe(before.index);
        t.git(['reset', '-q']);
        stageOwnVersions(t);
        expect(indexAndFiles(t), command).toEqual(before);
      }
    });
  });

  it('git rm --cached without -f: free where git refuses the entry itself, a snapshot where its file is gone from disk (git takes it then)', async () => {
    await template.withCopy((t) => {
      stageOwnVersions(t);
      expect(hookWithVerdict(t, 'git rm --cached src/app.ts').verdict).toBe('allow');
      expect(spawnSync('sh', ['-c', 'git rm --cached src/app.ts'], { cwd: t.dir, env: t.env }).status).not.toBe(0);
      fs.rmSync(path.join(t.dir, 'src/app.ts'));
      const before = indexAndFiles(t);
      const hook = hookWithVerdict(t, 'git rm --cached src/app.ts');
      expect([hook.verdict, hook.rule]).toEqual(['snapshot', 'git-unstage']);
      const [snapshot] = snapshotsBefore(t, 'git rm --cached src/app.ts').slice(-1);
      shellOk(t, 'git rm --cached -q src/app.ts');
      expect(t.git(['ls-files', '--', 'src/app.ts'])).toBe('');
      rollbackOk(t, snapshot as string);
      expect(indexAndFiles(t)).toEqual(before);
    });
  });

  it('git apply --cached -R of the staged diff (read from a pipe: nothing else holds it) takes a snapshot first', async () => {
    await template.withCopy((t) => {
      stageOwnVersions(t);
      const before = indexAndFiles(t);
      const command = 'git diff --cached | git apply --cached -R';
      const hook = hookWithVerdict(t, command);
      expect([hook.verdict, hook.rule]).toEqual(['snapshot', 'git-unstage']);
      const [snapshot] = snapshotsBefore(t, command).slice(-1);
      shellOk(t, command);
      expect(t.git(['diff', '--cached', '--name-only'])).toBe('');
      rollbackOk(t, snapshot as string);
      expect(indexAndFiles(t)).toEqual(before);
    });
  });

  it('stay free where every staged version is also on disk or in HEAD, at one git process more than a command that asks nothing (two where something is staged)', async () => {
    await template.withCopy(async (t) => {
      // Staged as it is on disk (`git add` after the last edit), and an unstaged edit: nothing is lost.
      t.write('src/app.ts', 'one\ntwo\n');
      t.write('src/new.ts', 'new\n');
      t.git(['add', 'src/app.ts', 'src/new.ts']);
      t.write('bin/run.sh', '#!/bin/sh\necho unstaged\n');
      await expectEvaluatedTable(t, [...LOSING, 'git rm --cached -q src/new.ts', 'git diff --cached | git apply --cached -R'].map((command) => [command, 'allow', 'no-risk'] as EvaluatedRow));
      expect(hookWithVerdict(t, 'git reset').verdict).toBe('allow');
      // A staged version of its own outside what the command touches does not count.
      t.write('src/app.ts', 'one\ntwo\nthree\n');
      await expectEvaluatedTable(t, [
        ['git reset -- src/new.ts', 'allow', 'no-risk'],
        ['git restore --staged src/new.ts', 'allow', 'no-risk'],
        ['git rm --cached -f -q src/new.ts', 'allow', 'no-risk'],
        ['git reset -- src', 'snapshot', 'git-unstage', ['src/app.ts']],
      ]);
      // The cost (git diff asks nothing of the repository): staged entries, one `git diff-index
      // --cached` and one `git status` over those entries alone; nothing staged, the diff-index alone.
      const base = installedHookGitProcesses(t, 'git diff --stat');
      expect(installedHookGitProcesses(t, 'git reset -- src/new.ts')).toBe(base + 2);
      t.git(['reset', '-q']);
      expect(installedHookGitProcesses(t, 'git reset')).toBe(base + 1);
      // A name that is not UTF-8 (git's bytes on the command line as a bytewise glob).
      const odd = Buffer.concat([Buffer.from(`${t.dir}/src/caf`), Buffer.from([0xe9]), Buffer.from('.ts')]);
      fs.writeFileSync(odd, 'staged\n');
      t.git(['add', '-A', 'src']);
      fs.writeFileSync(odd, 'edited\n');
      await expectEvaluatedTable(t, [['git reset', 'snapshot', 'git-unstage', ['src/caf']]]);
      t.git(['reset', '-q', '--hard']);
      // A person's unstage is judged the same way (check-command, the CLI).
      stageOwnVersions(t);
      expect(checkVerdict(t, 'git reset')).toMatchObject({ verdict: 'snapshot', rule: 'git-unstage' });
      expect(checkVerdict(t, 'git reset --soft HEAD')).toMatchObject({ verdict: 'allow' });
    });
  });

  // `git apply --index PATCH` (and `-3`) replaces the file and its index entry together; git applies
  // only where the file equals the entry, so a staged version that is not HEAD's (`git add` after an
  // edit) is lost from both, where plain `git apply` leaves it in the index. It was free until
  // 2026-12-07 (helper friction8); now a snapshot first where such a version is staged, free (at one
  // `git diff-index`) where the index is HEAD's.
  it('git apply --index / -3: a snapshot where a staged version is not HEAD\'s, and rollback gives it back', async () => {
    await template.withCopy(async (t) => {
      t.write('src/app.ts', 'one\n2\n3\n4\n5\n6\n');
      t.git(['add', 'src/app.ts']);
      t.git(['commit', '-q', '-m', 'six lines']);
      t.write('src/app.ts', 'one\n2\n3\n4\n5\n6\n7\n');
      fs.writeFileSync(path.join(t.base, 'seven.patch'), t.git(['diff']));
      t.git(['checkout', '-q', '--', 'src/app.ts']);
      // nothing staged: free, one git process more than a command that asks nothing
      await expectEvaluatedTable(t, [
        [`git apply --index ${t.base}/seven.patch`, 'allow', 'no-risk'],
        [`git apply -3 ${t.base}/seven.patch`, 'allow', 'no-risk'],
        [`git apply --check --index ${t.base}/seven.patch`, 'allow', 'no-risk'],
      ]);
      installedHookGitProcesses(t, 'git diff --stat'); // the first call in a repository does more (its first snapshot)
      const base = installedHookGitProcesses(t, 'git diff --stat');
      expect(installedHookGitProcesses(t, `git apply --index ${t.base}/seven.patch`)).toBe(base + 1);
      // a version of its own staged, equal to the file (as --index needs): captured first
      t.write('src/app.ts', 'ONE, staged\n2\n3\n4\n5\n6\n');
      t.git(['add', 'src/app.ts']);
      const before = indexAndFiles(t);
      await expectEvaluatedTable(t, [
        [`git apply -3 ${t.base}/seven.patch`, 'snapshot', 'git-unstage', ['src/app.ts']],
        [`git apply --cached ${t.base}/seven.patch`, 'allow', 'no-risk'],
        [`git apply ${t.base}/seven.patch`, 'allow', 'no-risk'],
      ]);
      const command = `git apply --index ${t.base}/seven.patch`;
      const hook = hookWithVerdict(t, command);
      expect([hook.verdict, hook.rule]).toEqual(['snapshot', 'git-unstage']);
      const [snapshot] = snapshotsBefore(t, command).slice(-1);
      shellOk(t, command);
      expect(t.git(['show', ':src/app.ts'])).toBe('ONE, staged\n2\n3\n4\n5\n6\n7\n');
      rollbackOk(t, snapshot as string);
      expect(indexAndFiles(t)).toEqual(before);
    });
  });
});
