/**
 * The ignored files guard says a `git sparse-checkout` deletes (src/git/sparse-leaving.ts, captured
 * by the verdict) against what git really deletes, on each git this machine has (2.39 and 2.47):
 * in cone mode git removes every directory leaving the cone that holds no untracked file that is
 * not ignored, ignored files and all. Decided through the agent hook's evaluation (evaluateCommand)
 * in a real repository, then the command run by that git; the files gone are compared with the
 * capture, regenerable output (dist) left out as the policy says. Where guard cannot know the cone
 * (--stdin) or does not read what git keeps (a modified tracked file), the capture must hold at
 * least what went.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../../src/cli/command-state.js';
import { readPolicy } from '../../../src/config/compile.js';
import { openRepo } from '../../../src/git/repo.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';

const GITS = ['/usr/bin', '/opt/git-2.47/bin'].filter((dir) => fs.existsSync(`${dir}/git`));
const BAD = Buffer.from('n\xff', 'latin1');

let t: TestRepo | undefined;
const saved = new Map<string, string | undefined>();
afterEach(() => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  saved.clear();
  t?.cleanup();
  t = undefined;
});

/** This process's git (the evaluation runs in it) is `bin`'s, with the test repository's hermetic settings. */
function useGit(repo: TestRepo, bin: string): Record<string, string> {
  const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: repo.home, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  for (const [key, value] of Object.entries(env)) {
    if (!saved.has(key)) saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  return env;
}

function put(repo: TestRepo, rel: Buffer | string, content: string): void {
  const full = Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.isBuffer(rel) ? rel : Buffer.from(rel)]);
  fs.mkdirSync(full.subarray(0, full.lastIndexOf(0x2f)), { recursive: true });
  fs.writeFileSync(full, content);
}

function layout(bin: string): TestRepo {
  const repo = createTestRepo();
  const env = useGit(repo, bin);
  for (const name of ['a/f', 'b/f', 'b/sub/f', 'c/f', 'd/f', 'e/x/f', 'packages/p1/f', 'packages/p2/f', 'packages/p2/deep/f', 'top']) put(repo, name, `${name}\n`);
  put(repo, Buffer.concat([BAD, Buffer.from('/f')]), 'latin\n');
  put(repo, '.gitignore', 'dist/\n*.local\n.env*\n');
  repo.git(['add', '-A'], { env });
  repo.git(['commit', '-q', '-m', 'init'], { env });
  for (const name of ['a/a.local', 'b/sub/k.local', 'b/.env', 'b/dist/o', 'c/c.local', 'd/d.local', 'e/x/y.local', 'packages/p1/.env.local', 'packages/p2/deep/z.local', 'root.local']) put(repo, name, `${name}\n`);
  put(repo, Buffer.concat([BAD, Buffer.from('/q.local')]), 'q\n');
  // c/ keeps everything: git does not remove a directory holding an untracked file that is not ignored.
  put(repo, 'c/u.txt', 'untracked\n');
  return repo;
}

function sh(repo: TestRepo, env: Record<string, string>, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: repo.dir, env: { ...repo.env, ...env }, encoding: 'utf8' });
  expect(r.status, `${command}: ${r.stderr}`).toBe(0);
}

/** Ignored files (latin1 byte strings) outside regenerable output. */
function ignoredFiles(repo: TestRepo, env: Record<string, string>): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd: repo.dir, env: { ...repo.env, ...env } });
  return r.stdout.toString('latin1').split('\0').filter((p) => p !== '' && !p.split('/').includes('dist'));
}

async function decide(repo: TestRepo, command: string) {
  const opened = await openRepo(repo.dir);
  const policy = await readPolicy(opened);
  return evaluateCommand(command, { cwd: opened.root, repo: opened, policy, actor: { kind: 'agent', agent: 'test', marker: null }, home: repo.home });
}

/**
 * [what the person did first, the agent's command, how the capture compares: equal to what git
 * deletes (which is something), nothing deleted and nothing captured, or holding what git deletes].
 */
const CASES: Array<[string[], string, 'exact' | 'none' | 'superset']> = [
  [[], 'git sparse-checkout set a', 'exact'],
  [[], 'git sparse-checkout set packages/p1', 'exact'],
  [[], 'cd packages && git sparse-checkout set p2/deep', 'exact'],
  [[], "git sparse-checkout set $'n\\xff'", 'exact'],
  [[], 'git sparse-checkout init', 'exact'],
  [[], 'git sparse-checkout set --no-cone /a/', 'none'],
  [['git sparse-checkout set a b packages'], 'git sparse-checkout set a', 'exact'],
  [['git sparse-checkout set a b'], 'git sparse-checkout add packages/p1', 'none'],
  [['git sparse-checkout set a b d', "printf '/*\\n!/*/\\n/a/\\n' > .git/info/sparse-checkout"], 'git sparse-checkout reapply', 'exact'],
  [['git sparse-checkout set a b', 'git config --worktree core.sparseCheckoutCone false'], 'git sparse-checkout set a', 'none'],
  [['git sparse-checkout set --sparse-index a b packages'], 'git sparse-checkout set a', 'exact'],
  // A submodule (a gitlink) in e/: git keeps e/ (and e/direct.local), and removes e/x/ below it.
  [['git update-index --add --cacheinfo "160000,$(git rev-parse HEAD),e/mod" && git commit -q -m sub && echo kept > e/direct.local'], 'git sparse-checkout set a', 'exact'],
  [[], 'echo a | git sparse-checkout set --stdin', 'superset'],
  [['echo more >> e/x/f'], 'git sparse-checkout set a', 'superset'],
];

describe.each(GITS)('the ignored files a git sparse-checkout deletes, with %s/git', (bin) => {
  it.each(CASES)('after %j: %s', async (before, command, how) => {
    t = layout(bin);
    const env = useGit(t, bin);
    for (const step of before) sh(t, env, step);
    const had = ignoredFiles(t, env);
    const verdict = await decide(t, command);
    expect(verdict.verdict, verdict.reason).toBe('snapshot');
    sh(t, env, command);
    const left = new Set(ignoredFiles(t, env));
    const gone = had.filter((p) => !left.has(p)).sort();
    if (how === 'superset') expect(verdict.capture).toEqual(expect.arrayContaining(gone));
    else expect(verdict.capture).toEqual(gone);
    expect(gone.length > 0, `git deleted ${gone.join(', ')}`).toBe(how !== 'none');
  });
});

describe('what reading it costs', () => {
  it('nothing leaving the cone on the disk: two git processes at most (config, the index), no listing of files', async () => {
    t = layout(GITS[0] as string);
    const env = useGit(t, GITS[0] as string);
    const trace = `${t.base}/trace.json`;
    Object.assign(process.env, traceEnv(trace));
    for (const key of Object.keys(traceEnv(trace))) saved.set(key, undefined);
    // Every directory stays in the cone: nothing to remove, so nothing is listed.
    const verdict = await decide(t, `git sparse-checkout set a b c d e packages $'n\\xff'`);
    expect(verdict).toMatchObject({ verdict: 'snapshot', capture: [] });
    const argvs = tracedArgv(trace).map((argv) => argv.slice(1).join(' '));
    expect(argvs.filter((a) => a.startsWith('ls-files'))).toEqual(['ls-files -z --stage']);
    expect(argvs.length, argvs.join('\n')).toBeLessThanOrEqual(4);
    expect(env.PATH).toContain(GITS[0]);
  });
});

describe('what the capture cannot hold is denied', () => {
  it('an ignored git repository in a directory leaving the cone (git removes it, history and all)', async () => {
    t = layout(GITS[0] as string);
    const env = useGit(t, GITS[0] as string);
    sh(t, env, 'mkdir -p b/tool.local && git -C b/tool.local init -q && echo x > b/tool.local/x');
    const verdict = await decide(t, 'git sparse-checkout set a');
    expect(verdict).toMatchObject({ verdict: 'deny', rule: 'git-sparse-checkout', capture: [] });
    expect(verdict.reason).toContain('b/tool.local/, an ignored git repository');
    // Kept in the cone, it stays: a snapshot.
    expect((await decide(t, 'git sparse-checkout set a b')).verdict).toBe('snapshot');
  });

  it('a protected path among the ignored files', async () => {
    t = layout(GITS[0] as string);
    const env = useGit(t, GITS[0] as string);
    put(t, '.guard.yaml', 'version: 1\nprotect:\n  paths:\n    - "**/.env"\n');
    sh(t, env, 'git add .guard.yaml && git commit -q -m policy');
    const verdict = await decide(t, 'git sparse-checkout set a');
    expect(verdict).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    expect(verdict.reason).toContain('b/.env');
  });
});
