/**
 * Issue 8: every operation starts a number of git processes that does not grow with the number of
 * refs and tags. The same scenario runs on a repository with 50 tags (30 annotated) and 10
 * branches and on one with 1,000 tags (600 annotated) and 150 branches; each step must start
 * (almost) exactly as many git processes on both. Counted with git's trace2 (git-trace.ts), so a
 * per-tag `cat-file`, `hash-object` or `cat-file -e` shows up as hundreds of extra processes.
 */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTestRepo, GUARD_BIN } from '../../helpers/git-repo.js';
import { buildManyRefsRepo, type ManyRefsOptions } from '../../helpers/many-refs.js';
import { shownCount, tracedStep, type GitProcessCount } from '../../helpers/git-trace.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';
import { snapshotId } from '../../helpers/guard-steps.js';

// The process counts here are of guard as users run it, the automatic backup push included (test/helpers/env.ts).
realBackupPushInFile();

const SMALL: ManyRefsOptions = { tags: 50, annotated: 30, branches: 10 };
const LARGE: ManyRefsOptions = { tags: 1000, annotated: 600, branches: 150 };
/**
 * Processes a step may start beyond the small repository's count, whatever the number of refs:
 * a retried race, a timer, or on a loaded machine one more watcher snapshot during the session
 * start (events still pending when `guard watch stop` arrives: about 6 processes; seen once in a
 * full run with other jobs on the two cores). Any cost per ref or per tag is far above it: the
 * large repository has 950 more tags (570 more annotated) and 140 more branches.
 */
const SLACK = 10;

type Step = 'init' | 'status' | 'snapshot after a commit' | 'session start after a branch' | 'backup push' | 'rollback recreating pruned tags' | 'rollback of a dirty tree' | 'recover --into';

/**
 * The git processes a plain `guard rollback ID --yes` may start (a tracked file changed, a captured
 * ignored file deleted, main moved; the backup push left out): 26 on 2026-12-06 with 50 tags and
 * with 1,000, against 28 before the repository's `--git-path` answers were read once per process
 * (git/repo.ts gitPaths: the operation check before the pre-rollback snapshot started a rev-parse
 * of its own) and the snapshot chain walked once (snapshot/read.ts: the id's lookup and the
 * captured ignored files each ran a `git log` of every snapshot). The processes it keeps on
 * purpose (the stat refresh and read-tree's dry run, before the question and again under the
 * index lock; HEAD and the stash read back under the lock; the objects the refs move to checked)
 * are in docs/DECISIONS.md. 23 on 2026-12-07 (helper rbcpu): the id's lookup, the first walk of the
 * chain in a process, reads the chain head in its `git log` (no rev-parse before it); no `git
 * worktree list` in a repository without linked worktrees (git/repo.ts asks where their records
 * are with the repository's paths); HEAD, the stash and the operation read back under the index
 * lock with one rev-parse instead of a rev-parse and a for-each-ref of every ref.
 */
const DIRTY_ROLLBACK_BOUND = 23; // 24 on 2026-12-07 (remotes6: a `cat-file --batch` read the keep chain for pruned remote-tracking refs); 23 since 2026-12-08 (perf11): not started when the pre-rollback snapshot's for-each-ref listed no keep chain (this repository has none)

/**
 * The git processes `guard init --yes --agents none` may start, its first backup push included
 * (the same with 50 tags and with 1,000): 40 on 2026-12-07, against 50 before init asked git
 * where hooks run once for the whole command (githooks/install/hooks-dir.ts hooksLocation: the
 * hook managers' plan, the install check, the install and the self-test each asked
 * `config --show-scope --get core.hooksPath` and `rev-parse --git-path hooks` again), the files
 * git would run for the four hooks in one rev-parse (inspect.ts hookFilesGitRuns, was one each),
 * and no `ls-files` of `.git/hooks` (local.ts refuseTrackedHooksDir: git tracks no path with a
 * `.git` component).
 */
const INIT_BOUND = 40;

/**
 * `guard status` right after init (the hooks' self-test: four `git hook run`): 11, against 15
 * before it asked core.hooksPath once for the hooks and the hook managers both and the four
 * hooks' files in one rev-parse.
 */
const STATUS_BOUND = 11;



function ok(r: { code: number; stderr: string; stdout: string }, what: string): void {
  expect(r.code, `${what}: ${r.stderr}${r.stdout}`).toBe(0);
}

/** The whole scenario on one repository shape; the git processes each step started. */
async function scenario(shape: ManyRefsOptions): Promise<Map<Step, GitProcessCount>> {
  const t = createTestRepo();
  const counts = new Map<Step, GitProcessCount>();
  try {
    buildManyRefsRepo(t.dir, t.env, shape);
    counts.set('init', await tracedStep(t, 'init', (env) => ok(t.guard(['init', '--yes', '--agents', 'none'], { env }), 'guard init')));
    counts.set('status', await tracedStep(t, 'status', (env) => ok(t.guard(['status'], { env }), 'guard status')));

    t.write('history.txt', 'a commit after init\n');
    t.git(['commit', '-q', '-am', 'after init']);
    counts.set('snapshot after a commit', await tracedStep(t, 'snapshot', (env) => ok(t.guard(['snapshot', '--json'], { env }), 'guard snapshot')));

    t.git(['branch', 'new-branch']);
    counts.set(
      'session start after a branch',
      await tracedStep(t, 'session', (env) => {
        const payload = JSON.stringify({ session_id: 'conv-1', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' });
        const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: t.dir, env: { ...t.env, ...env }, input: payload, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        // The watcher the session started counts too: its first scan, until it has stopped.
        ok(t.guard(['watch', 'stop'], { env }), 'guard watch stop');
      }),
    );

    counts.set('backup push', await tracedStep(t, 'push', (env) => ok(t.guard(['backup', 'push', '--local-only'], { env }), 'guard backup push')));

    // Every tag deleted and its object pruned: the rollback recreates them from the keeper.
    const tags = t.git(['for-each-ref', '--format=delete %(refname)', 'refs/tags']);
    t.git(['update-ref', '--stdin'], { input: tags, env: { GIT_GUARD_TEST_BYPASS: '1' } });
    t.git(['reflog', 'expire', '--expire=now', '--all']);
    t.git(['gc', '-q', '--prune=now']);
    expect(t.gitResult(['cat-file', '-e', 'refs/heads/main']).code).toBe(0);
    counts.set('rollback recreating pruned tags', await tracedStep(t, 'rollback', (env) => ok(t.guard(['rollback', '--yes'], { env }), 'guard rollback')));
    expect(t.git(['for-each-ref', '--format=%(objecttype)', 'refs/tags']).split('\n').filter((l) => l === 'tag')).toHaveLength(shape.annotated);

    // A rollback after an agent's ordinary damage: a tracked file changed, an ignored file the
    // snapshot captured (snapshot.includeIgnored) deleted, and main moved by a commit.
    t.write('.gitignore', '.env\n');
    t.write('.guard.yaml', 'snapshot:\n  includeIgnored: [".env"]\n');
    t.git(['add', '.gitignore', '.guard.yaml']);
    t.git(['commit', '-q', '-m', 'capture .env']);
    t.write('.env', 'TOKEN=secret\n');
    const good = snapshotId(t);
    await backgroundPushDone(t.dir);
    const mainBefore = t.git(['rev-parse', 'main']).trim();
    t.write('history.txt', 'changed by the agent\n');
    t.remove('.env');
    t.git(['commit', '-q', '--allow-empty', '-m', 'an agent commit']);
    // Counted without the backup push it starts (a separate process, which the steps above count).
    counts.set('rollback of a dirty tree', await tracedStep(t, 'dirty', (env) => ok(t.guard(['rollback', good, '--yes'], { env: { ...env, GUARD_TEST_NO_AUTO_PUSH: '1' } }), 'guard rollback')));
    expect(t.read('.env')).toBe('TOKEN=secret\n');
    expect(t.read('history.txt')).not.toBe('changed by the agent\n');
    expect(t.git(['rev-parse', 'main']).trim()).toBe(mainBefore);

    ok(t.guard(['snapshot']), 'guard snapshot');
    await backgroundPushDone(t.dir);
    ok(t.guard(['backup', 'push', '--local-only']), 'guard backup push');
    fs.rmSync(t.dir, { recursive: true, force: true });
    counts.set('recover --into', await tracedStep(t, 'recover', (env) => ok(t.guard(['recover', '--into', t.dir, '--yes'], { cwd: t.base, env }), 'guard recover')));
    expect(t.git(['for-each-ref', '--format=%(objecttype)', 'refs/tags']).split('\n').filter((l) => l === 'tag')).toHaveLength(shape.annotated);
    return counts;
  } finally {
    t.cleanup();
  }
}

describe('git processes per operation (issue 8)', () => {
  it('do not grow with the number of tags and branches', async () => {
    const small = await scenario(SMALL);
    const large = await scenario(LARGE);
    const report = [...small.keys()].map((step) => `${step}:\n  ${SMALL.tags} tags: ${shownCount(small.get(step))}\n  ${LARGE.tags} tags: ${shownCount(large.get(step))}`).join('\n');
    if (process.env.GUARD_PRINT_COUNTS) console.log(report);
    for (const step of small.keys()) {
      expect(large.get(step)!.total, `${step}\n${report}`).toBeLessThanOrEqual(small.get(step)!.total + SLACK);
    }
    // Exact, not within SLACK: init's processes with its push; the rollback's own, no push, no watcher.
    for (const [tags, counts] of [[SMALL.tags, small], [LARGE.tags, large]] as const) {
      const init = counts.get('init')!;
      expect(init.total, `guard init, ${tags} tags: ${init.argv.map((a) => a.join(' ').slice(0, 120)).join('\n')}`).toBeLessThanOrEqual(INIT_BOUND);
      const status = counts.get('status')!;
      expect(status.total, `guard status, ${tags} tags: ${status.argv.map((a) => a.join(' ').slice(0, 120)).join('\n')}`).toBeLessThanOrEqual(STATUS_BOUND);
    }
    for (const [tags, counts] of [[SMALL.tags, small], [LARGE.tags, large]] as const) {
      const dirty = counts.get('rollback of a dirty tree')!;
      expect(dirty.total, `rollback of a dirty tree, ${tags} tags: ${dirty.argv.map((a) => a.join(' ').slice(0, 120)).join('\n')}`).toBeLessThanOrEqual(DIRTY_ROLLBACK_BOUND);
    }
  }, 600_000);
});
