/**
 * Issue 8: every operation starts a number of git processes that does not grow with the number of
 * refs and tags. The same scenario runs on a repository with 50 tags (30 annotated) and 10
 * branches and on one with 1,000 tags (600 annotated) and 150 branches; each step must start
 * (almost) exactly as many git processes on both. Counted with git's trace2 (git-trace.ts), so a
 * per-tag `cat-file`, `hash-object` or `cat-file -e` shows up as hundreds of extra processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTestRepo, GUARD_BIN, type TestRepo } from '../../helpers/git-repo.js';
import { buildManyRefsRepo, type ManyRefsOptions } from '../../helpers/many-refs.js';
import { countGitProcesses, traceEnv, type GitProcessCount } from '../../helpers/git-trace.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';

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

type Step = 'init' | 'snapshot after a commit' | 'session start after a branch' | 'backup push' | 'rollback recreating pruned tags' | 'recover --into';



async function traced(t: TestRepo, label: string, run: (env: Record<string, string>) => void): Promise<GitProcessCount> {
  const file = path.join(t.base, `trace-${label.replace(/\W+/g, '-')}.json`);
  run(traceEnv(file));
  await backgroundPushDone(t.dir);
  return countGitProcesses(file);
}

function ok(r: { code: number; stderr: string; stdout: string }, what: string): void {
  expect(r.code, `${what}: ${r.stderr}${r.stdout}`).toBe(0);
}

/** The whole scenario on one repository shape; the git processes each step started. */
async function scenario(shape: ManyRefsOptions): Promise<Map<Step, GitProcessCount>> {
  const t = createTestRepo();
  const counts = new Map<Step, GitProcessCount>();
  try {
    buildManyRefsRepo(t.dir, t.env, shape);
    counts.set('init', await traced(t, 'init', (env) => ok(t.guard(['init', '--yes', '--agents', 'none'], { env }), 'guard init')));

    t.write('history.txt', 'a commit after init\n');
    t.git(['commit', '-q', '-am', 'after init']);
    counts.set('snapshot after a commit', await traced(t, 'snapshot', (env) => ok(t.guard(['snapshot', '--json'], { env }), 'guard snapshot')));

    t.git(['branch', 'new-branch']);
    counts.set(
      'session start after a branch',
      await traced(t, 'session', (env) => {
        const payload = JSON.stringify({ session_id: 'conv-1', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' });
        const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'session-start'], { cwd: t.dir, env: { ...t.env, ...env }, input: payload, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        // The watcher the session started counts too: its first scan, until it has stopped.
        ok(t.guard(['watch', 'stop'], { env }), 'guard watch stop');
      }),
    );

    counts.set('backup push', await traced(t, 'push', (env) => ok(t.guard(['backup', 'push', '--local-only'], { env }), 'guard backup push')));

    // Every tag deleted and its object pruned: the rollback recreates them from the keeper.
    const tags = t.git(['for-each-ref', '--format=delete %(refname)', 'refs/tags']);
    t.git(['update-ref', '--stdin'], { input: tags, env: { GIT_GUARD_TEST_BYPASS: '1' } });
    t.git(['reflog', 'expire', '--expire=now', '--all']);
    t.git(['gc', '-q', '--prune=now']);
    expect(t.gitResult(['cat-file', '-e', 'refs/heads/main']).code).toBe(0);
    counts.set('rollback recreating pruned tags', await traced(t, 'rollback', (env) => ok(t.guard(['rollback', '--yes'], { env }), 'guard rollback')));
    expect(t.git(['for-each-ref', '--format=%(objecttype)', 'refs/tags']).split('\n').filter((l) => l === 'tag')).toHaveLength(shape.annotated);

    ok(t.guard(['snapshot']), 'guard snapshot');
    await backgroundPushDone(t.dir);
    ok(t.guard(['backup', 'push', '--local-only']), 'guard backup push');
    fs.rmSync(t.dir, { recursive: true, force: true });
    counts.set('recover --into', await traced(t, 'recover', (env) => ok(t.guard(['recover', '--into', t.dir, '--yes'], { cwd: t.base, env }), 'guard recover')));
    expect(t.git(['for-each-ref', '--format=%(objecttype)', 'refs/tags']).split('\n').filter((l) => l === 'tag')).toHaveLength(shape.annotated);
    return counts;
  } finally {
    t.cleanup();
  }
}

function show(count: GitProcessCount | undefined): string {
  if (!count) return '(none)';
  return `${count.total} (${count.byCommand.map(([c, n]) => `${c} ${n}`).join(', ')})`;
}

describe('git processes per operation (issue 8)', () => {
  it('do not grow with the number of tags and branches', async () => {
    const small = await scenario(SMALL);
    const large = await scenario(LARGE);
    const report = [...small.keys()].map((step) => `${step}:\n  ${SMALL.tags} tags: ${show(small.get(step))}\n  ${LARGE.tags} tags: ${show(large.get(step))}`).join('\n');
    if (process.env.GUARD_PRINT_COUNTS) console.log(report);
    for (const step of small.keys()) {
      expect(large.get(step)!.total, `${step}\n${report}`).toBeLessThanOrEqual(small.get(step)!.total + SLACK);
    }
  }, 600_000);
});
