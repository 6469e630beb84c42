/**
 * Issue 8, on the shape the newer features read: besides tags and branches (process-count.test.ts),
 * notes refs (refs/notes/commits with notes on many commits, other notes refs), remotes with
 * pushurls and remote-tracking refs, stash entries and thousands of files. Every step counted on a
 * small repository and on one with ten times as much of each must start (almost) as many git
 * processes: a per-remote `git config`, a per-stash-entry `update-ref`, a per-notes-ref read or a
 * per-file process shows up as tens or hundreds more. Counted with git's trace2 (git-trace.ts),
 * processes a hook or a watcher starts included.
 *
 * The steps: init (Claude Code hooks), status, a commit through the git hooks (pre-commit,
 * post-commit, reference-transaction), a snapshot after a commit, a session start, the agent hook
 * on `npm test`, `rm -rf dist` and `git reset --hard` (a snapshot first), a rollback after
 * `git stash clear` (every entry written back), half of the remotes removed and every notes ref deleted, its --undo, `guard log`, `guard
 * recover` after `rm -rf .git` and `guard recover --into` after the directory was deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTestRepo, GUARD_BIN, type TestRepo } from '../../helpers/git-repo.js';
import { buildManyRefsRepo, type ManyRefsOptions } from '../../helpers/many-refs.js';
import { shownCount, tracedStep, type GitProcessCount } from '../../helpers/git-trace.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';
import { hookCommandFor } from '../../../src/agents/launcher.js';

// The process counts here are of guard as users run it, the automatic backup push included (test/helpers/env.ts).
realBackupPushInFile();

const SMALL: ManyRefsOptions = { tags: 10, annotated: 6, branches: 3, notes: 2, notesRefs: 2, remotes: 2, stash: 2, files: 100 };
const LARGE: ManyRefsOptions = { tags: 60, annotated: 36, branches: 20, notes: 14, notesRefs: 2, remotes: 22, stash: 14, files: 5_000 };

/**
 * Processes a step may start beyond the small repository's count: a retried race, a timer, one
 * more watcher snapshot on a loaded machine (about 6). The large repository has 50 more tags (30
 * more annotated), 17 more branches, 12 more notes, 20 more remotes (10 more removed by the
 * rollback), 12 more stash entries and 4,900 more files: a process per any of them is above it,
 * and so is one per 500 files (the largest batch guard cuts paths into: git/tree-landing.ts).
 * Until 2026-12-07 the sizes were 100 / 1,000 tags, 15 / 150 branches, 2,000 / 20,000 files and
 * the test took 70 s at load 12-13 on 2 cores (49 s now, same load): the counts were the same at
 * both sizes in both, and a per-item cost needs only a difference above SLACK to show.
 */
const SLACK = 8;

function ok(r: { code: number; stderr: string; stdout: string }, what: string): void {
  expect(r.code, `${what}: ${r.stderr}${r.stdout}`).toBe(0);
}

/** Claude Code's pre-tool hook as init installed it; its decision. */
function agentHook(t: TestRepo, command: string, env: Record<string, string>): string {
  fs.rmSync(path.join(t.dir, '.git', 'guard', 'answers'), { recursive: true, force: true });
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'pre-tool')], { cwd: t.dir, env: { ...t.env, ...env }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim() === '' ? 'allow' : (JSON.parse(r.stdout).hookSpecificOutput?.permissionDecision ?? 'allow');
}

/**
 * Waits, untraced, until a watcher the hook started is past its start-up (or none runs), so the
 * step's `guard watch stop` finds it in the same state on both repositories. A stop that came
 * while the daemon still loaded skipped its start-up snapshot, one that came after took it: on a
 * loaded CI machine that made `rm -rf dist` count 9 on the small repository and 18 on the large.
 */
function settleWatcher(t: TestRepo): void {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = JSON.parse(t.guard(['watch', 'status', '--json']).stdout || '{}') as { alive?: boolean; health?: string };
    if (!status.alive || status.health === 'running' || status.health === 'polling') return;
    expect(Date.now(), `the watcher to finish starting: ${JSON.stringify(status)}`).toBeLessThan(deadline);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

const stashCount = (t: TestRepo): number => t.git(['stash', 'list']).split('\n').filter(Boolean).length;

async function scenario(shape: ManyRefsOptions): Promise<Map<string, GitProcessCount>> {
  const t = createTestRepo();
  const counts = new Map<string, GitProcessCount>();
  try {
    buildManyRefsRepo(t.dir, t.env, shape);
    t.write('.gitignore', 'dist/\n');
    t.git(['add', '.gitignore']);
    t.git(['commit', '-q', '-m', 'ignore dist']);
    t.write('dist/app.js', 'built\n');
    expect(stashCount(t)).toBe(shape.stash);
    // The folder trusted, as after a first interactive `claude` in it: `guard status` says ok.
    fs.writeFileSync(path.join(t.home, '.claude.json'), JSON.stringify({ projects: { [t.dir]: { hasTrustDialogAccepted: true } } }));

    counts.set('init', await tracedStep(t, 'init', (env) => ok(t.guard(['init', '--yes', '--agents', 'claude'], { env }), 'guard init')));
    counts.set('status', await tracedStep(t, 'status', (env) => ok(t.guard(['status'], { env }), 'guard status')));

    t.write('history.txt', 'a commit through the hooks\n');
    t.git(['add', 'history.txt']);
    counts.set('git commit (pre-commit, reference-transaction, post-commit hooks)', await tracedStep(t, 'commit', (env) => t.git(['commit', '-q', '-m', 'through the hooks'], { env })));

    t.write('history.txt', 'a commit after init\n');
    t.git(['commit', '-q', '-am', 'after init']);
    counts.set('snapshot after a commit', await tracedStep(t, 'snapshot', (env) => ok(t.guard(['snapshot', '--json'], { env }), 'guard snapshot')));

    t.git(['branch', 'new-branch']);
    counts.set(
      'session start',
      await tracedStep(t, 'session', (env) => {
        const payload = JSON.stringify({ session_id: 'conv-1', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' });
        const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: t.dir, env: { ...t.env, ...env }, input: payload, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        ok(t.guard(['watch', 'stop'], { env }), 'guard watch stop');
      }),
    );

    // Each hook counted with any watcher it starts or serves it, until `guard watch stop`: a
    // watcher started by an earlier step would run the snapshot with that step's trace file.
    const hookStep = async (label: string, command: string): Promise<void> => {
      ok(t.guard(['watch', 'stop']), 'guard watch stop');
      await backgroundPushDone(t.dir);
      counts.set(`agent hook: ${command}`, await tracedStep(t, label, (env) => {
        expect(agentHook(t, command, env), command).toBe('allow');
        settleWatcher(t);
        ok(t.guard(['watch', 'stop'], { env }), 'guard watch stop');
      }));
    };
    await hookStep('npm-test', 'npm test');
    await hookStep('rm-dist', 'rm -rf dist');
    t.write('history.txt', 'uncommitted work\n');
    await hookStep('reset', 'git reset --hard');
    expect(t.guard(['log', '--json', '--type', 'allowed-after-snapshot']).stdout).toContain('git reset --hard');
    t.git(['reset', '-q', '--hard']);

    // The agent's damage to what the newer features record: the stash, the remotes, the notes refs.
    ok(t.guard(['snapshot']), 'guard snapshot');
    await backgroundPushDone(t.dir);
    t.git(['stash', 'clear']);
    const remotes = shape.remotes ?? 0;
    // Half of the remotes removed (1 and 10): written back in one write of the config (restore/remote-config.ts).
    for (let r = 0; r < remotes; r += 2) t.git(['remote', 'remove', `r${r}`]);
    const notes = t.git(['for-each-ref', '--format=delete %(refname)', 'refs/notes']);
    t.git(['update-ref', '--stdin'], { input: notes, env: { GIT_GUARD_TEST_BYPASS: '1' } });
    t.write('history.txt', 'changed by the agent\n');
    counts.set('rollback (stash, remotes, notes, a file)', await tracedStep(t, 'rollback', (env) => ok(t.guard(['rollback', '--yes'], { env: { ...env, GUARD_TEST_NO_AUTO_PUSH: '1' } }), 'guard rollback')));
    expect(stashCount(t)).toBe(shape.stash);
    expect(t.git(['remote']).split('\n').filter(Boolean)).toHaveLength(remotes);
    expect(t.git(['notes', 'list']).split('\n').filter(Boolean)).toHaveLength(shape.notes ?? 0);
    counts.set('rollback --undo', await tracedStep(t, 'undo', (env) => ok(t.guard(['rollback', '--undo', '--yes'], { env: { ...env, GUARD_TEST_NO_AUTO_PUSH: '1' } }), 'guard rollback --undo')));
    expect(stashCount(t)).toBe(0);
    counts.set('log', await tracedStep(t, 'log', (env) => ok(t.guard(['log'], { env }), 'guard log')));

    ok(t.guard(['rollback', '--yes']), 'guard rollback');
    ok(t.guard(['snapshot']), 'guard snapshot');
    await backgroundPushDone(t.dir);
    ok(t.guard(['backup', 'push', '--local-only']), 'guard backup push');
    // A watcher the rollback may have started writes in .git: stopped, as a user's `rm -rf .git` would not wait for it.
    ok(t.guard(['watch', 'stop']), 'guard watch stop');
    await backgroundPushDone(t.dir);
    fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true, maxRetries: 5 });
    counts.set('recover (after rm -rf .git)', await tracedStep(t, 'recover', (env) => ok(t.guard(['recover', '--yes'], { env }), 'guard recover')));
    expect(stashCount(t)).toBe(shape.stash);

    ok(t.guard(['watch', 'stop']), 'guard watch stop');
    await backgroundPushDone(t.dir);
    fs.rmSync(t.dir, { recursive: true, force: true, maxRetries: 5 });
    counts.set('recover --into', await tracedStep(t, 'recover-into', (env) => ok(t.guard(['recover', '--into', t.dir, '--yes'], { cwd: t.base, env }), 'guard recover --into')));
    expect(stashCount(t)).toBe(shape.stash);
    expect(t.git(['for-each-ref', '--format=%(objecttype)', 'refs/tags']).split('\n').filter((l) => l === 'tag')).toHaveLength(shape.annotated);
    return counts;
  } finally {
    t.cleanup();
  }
}

describe('git processes per operation on a repository with notes, remotes, stash entries and files (issue 8)', () => {
  it('do not grow with any of them', async () => {
    const small = await scenario(SMALL);
    if (process.env.GUARD_PRINT_COUNTS) console.log([...small].map(([step, c]) => `${step}: ${shownCount(c)}`).join('\n'));
    const large = await scenario(LARGE);
    const report = [...small.keys()].map((step) => `${step}:\n  small: ${shownCount(small.get(step))}\n  large: ${shownCount(large.get(step))}`).join('\n');
    if (process.env.GUARD_PRINT_COUNTS) console.log(report);
    for (const step of small.keys()) {
      expect(large.get(step)!.total, `${step}\n${report}`).toBeLessThanOrEqual(small.get(step)!.total + SLACK);
    }
  }, 900_000);
});
