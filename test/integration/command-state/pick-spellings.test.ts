/**
 * `git cherry-pick` and `git revert` read their operands with git's revision walk: commits listed
 * are each taken alone, and a range or a negative turns the walk on (`A..B`, `A...B`, `^A B`,
 * `B --not A`). Only `A..B` and single commits were judged; `A...B`, `^A B` and `B --not A` kept
 * the verdict of their text (allow), and git wrote a picked commit's .env over the ignored one
 * without a word (checked with git 2.39 below, by running each command). Now every spelling is
 * read with one `git log --no-walk` over the same words, which lists the commits the pick takes,
 * and the ignored files at the paths they add (a revert: delete) are captured into the snapshot
 * taken first. Through the installed agent hook; the real command runs, then `guard rollback`
 * gives back the bytes, modes, index and refs of before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, commitForced } from '../../helpers/repo-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { checkVerdict } from '../../helpers/verdicts.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function run(t: TestRepo, command: string): void {
  const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, `${command}: ${r.stderr}`).toBe(0);
}

/** The hook's decision for COMMAND, and how many git logs read the commits it picks. */
function hook(t: TestRepo, command: string, label: string): { decision: string; reason: string; logs: number } {
  const file = path.join(t.base, `trace-${label}.json`);
  const answer = preToolHook(t, { tool: 'Bash', command }, traceEnv(file));
  // The snapshot reads its previous one with a `log -1`; the commits picked are read with --name-only.
  const logs = tracedArgv(file).filter((argv) => argv.includes('log') && argv.includes('--name-only')).length;
  return { decision: answer.decision, reason: answer.reason, logs };
}

/**
 * For each command, from the same state (branch `work` at its start, the ignored .env holding
 * SECRET at 0600): the hook allows it with a snapshot, one git log for the commits whatever the
 * spelling; the real
 * command then writes over .env; `guard rollback` gives back everything as it was.
 */
function eachOverEnv(t: TestRepo, cases: Array<[string, (t: TestRepo) => void]>): void {
  const start = t.git(['rev-parse', 'work']).trim();
  cases.forEach(([command, lost], i) => {
    t.git(['checkout', '-q', '-f', 'work']);
    t.git(['reset', '-q', '--hard', start]);
    fs.writeFileSync(path.join(t.dir, '.env'), SECRET, { mode: 0o600 });
    fs.chmodSync(path.join(t.dir, '.env'), 0o600);
    expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
    const before = stateWithModes(t, ['.env']);
    const snapshots = t.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/']);
    const answer = hook(t, command, String(i));
    expect(answer.decision, command).toBe('allow');
    expect(answer.logs, command).toBe(1);
    expect(t.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/guard/']), `${command} took a snapshot`).not.toBe(snapshots);
    run(t, command);
    lost(t);
    const r = t.guard(['rollback', '--yes']);
    expect(r.code, `${command}: ${r.stderr}${r.stdout}`).toBe(0);
    expect(stateWithModes(t, ['.env']), command).toEqual(before);
    expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
  });
}

const gone = (t: TestRepo): void => expect(t.exists('.env')).toBe(false);
const replaced = (t: TestRepo): void => expect(t.read('.env')).toBe('TRACKED=1\n');

describe('cherry-pick and revert spellings over an ignored file', () => {
  it('cherry-pick of A...B, ^A B, B --not A, commits listed and -n: .env captured first, rollback gives everything back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '.env\n', 'a.txt': 'a\n' });
      t.git(['checkout', '-q', '-b', 'side']);
      commitFiles(t, { 'b.txt': 'b\n' }, 'b');
      commitForced(t, { '.env': 'TRACKED=1\n' }, 'add .env');
      t.git(['rm', '-q', '.env']);
      t.git(['commit', '-q', '-m', 'delete .env']);
      commitFiles(t, { 'c.txt': 'c\n' }, 'c');
      t.git(['checkout', '-q', '-b', 'work', 'main']);
      eachOverEnv(t, [
        ['git cherry-pick work...side', gone],
        ['git cherry-pick ^work side', gone],
        ['git cherry-pick side --not work', gone],
        ['git cherry-pick side~3 side~2 side~1', gone],
        ['git cherry-pick -n side~2', replaced],
        ['git cherry-pick -x -m 1 side~2', replaced],
      ]);
      // Listed commits are taken alone: side~3 (b.txt) and side (c.txt) land on nothing, no snapshot.
      fs.writeFileSync(path.join(t.dir, '.env'), SECRET, { mode: 0o600 });
      expect(hook(t, 'git cherry-pick side~3 side', 'free').decision).toBe('allow');
      expect(checkVerdict(t, 'git cherry-pick side~3 side')).toMatchObject({ verdict: 'allow' });
    });
  });

  it('revert of ^A B, B --not A and -n re-adds the .env a commit deleted: captured first, rollback gives everything back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.env': 'TRACKED=1\n' }, 'init with .env');
      t.git(['checkout', '-q', '-b', 'work']);
      t.git(['rm', '-q', '--cached', '.env']);
      commitFiles(t, { '.gitignore': '.env\n' }, 'stop tracking .env');
      commitFiles(t, { 'c.txt': 'c\n' }, 'c');
      eachOverEnv(t, [
        ['git revert --no-edit ^main work', replaced],
        ['git revert --no-edit work --not main', replaced],
        // git leaves the revert in progress (REVERT_HEAD) after -n; the person ends it before the rollback.
        [
          'git revert -n work~1',
          (t) => {
            replaced(t);
            t.git(['revert', '--quit']);
          },
        ],
      ]);
    });
  });
});
