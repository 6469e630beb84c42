// Issue 3 benchmarks: what guard's git hooks add to everyday git commands. Two copies of the same
// generated 20k-file repository, one with `guard init` (all hooks: pre-commit, pre-push,
// reference-transaction, pre-rebase) and one without; the same command is timed in both,
// alternating, and the ratio of the medians is reported.
//  - `git commit` of one changed file on main (a protected branch): pre-commit's sh fast path
//    (one `git diff --cached --quiet` over the protected pathspecs) and reference-transaction
//    (prepared + committed, with a fast-forward check because main is protected).
//  - `git rebase` of a 10-commit feature branch onto main: reference-transaction runs ~100 times,
//    all in sh; pre-rebase journals where the rebase started.
// A third copy has do-nothing hooks of the same names (read stdin, exit 0): the floor any hook
// costs here (git forks and execs /bin/sh for each run), so the report separates what guard's
// shims add from what having these hooks at all costs. A fourth has /bin/true as each hook: what
// git spends starting a hook that is no script at all, the floor under the floor.
// Every command is timed twice over: wall clock, and CPU time (user + system of the whole process
// tree: git, its hooks and whatever they start, from bash's `time`, which load moves far less).
// Usage: node bench/run.mjs hooks [--quick]   (docs/benchmarks/hooks.md has results)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEnv, freshCopy, git, guardArgs, median, run as exec } from './lib.mjs';

const HOOK_NAMES = ['pre-commit', 'pre-push', 'reference-transaction', 'pre-rebase'];

function setUp(files, name, kind) {
  const dir = freshCopy(files, name);
  if (kind === 'guard') exec(process.execPath, guardArgs('init', '--yes', '--agents', 'none'), { cwd: dir });
  if (kind === 'floor') {
    for (const hook of HOOK_NAMES) {
      fs.writeFileSync(path.join(dir, '.git', 'hooks', hook), '#!/bin/sh\nwhile read -r line; do :; done\nexit 0\n', { mode: 0o755 });
    }
  }
  // git ignores SIGPIPE for reference-transaction and pre-push, so a hook need not read its input.
  if (kind === 'true') for (const hook of HOOK_NAMES) fs.copyFileSync('/bin/true', path.join(dir, '.git', 'hooks', hook));
  // A feature branch of 10 commits, each touching its own file, and one new commit on main.
  git(dir, 'checkout', '-q', '-b', 'feature');
  for (let i = 0; i < 10; i++) {
    fs.writeFileSync(path.join(dir, 'd0', `s${i}`, `f${i * 100}.txt`), `feature change ${i}\n`);
    git(dir, 'commit', '-q', '-am', `feature ${i}`);
  }
  git(dir, 'checkout', '-q', 'main');
  fs.writeFileSync(path.join(dir, 'main-change.txt'), 'main moves on\n');
  git(dir, 'add', 'main-change.txt');
  git(dir, 'commit', '-q', '-m', 'main moves on');
  return { dir, feature: git(dir, 'rev-parse', 'feature').trim() };
}

/**
 * CPU time (user + sys of the hook processes, from the shell's `times`) per run of a repository's
 * reference-transaction hook for one `HEAD` move: what the shim itself costs, much less sensitive
 * to the machine's load than wall-clock time.
 */
function cpuPerRun(dir, state, runs) {
  const head = git(dir, 'rev-parse', 'HEAD').trim();
  const line = `${'0'.repeat(40)} ${head} HEAD`;
  const script = `i=0; while [ $i -lt ${runs} ]; do printf '%s\\n' '${line}' | .git/hooks/reference-transaction ${state}; i=$((i+1)); done; times`;
  const out = exec('/bin/sh', ['-c', script], { cwd: dir }).stdout.trim().split('\n');
  const seconds = (out[1] ?? '').split(/\s+/).map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  });
  return ((seconds[0] ?? 0) + (seconds[1] ?? 0)) * 1000 / runs;
}

/**
 * Wall-clock and CPU milliseconds of one command: CPU is user + system time of its whole process
 * tree (every process git waited for, hooks and their children included), as bash's `time`
 * reports it from getrusage(RUSAGE_CHILDREN), in milliseconds.
 */
function timeTree(cmd, args, options) {
  // `time` reports on the group's stderr, which is the script's stdout; the command's own
  // stderr goes to the script's stderr (fd 3). Wall clock is bash's too: its start is left out.
  const script = 'TIMEFORMAT="%3R %3U %3S"; { time "$@" >/dev/null 2>&3; } 3>&2 2>&1';
  const result = exec('bash', ['-c', script, 'bash', cmd, ...args], options);
  const [real, user, sys] = result.stdout.trim().split(/\s+/).map(Number);
  if (![real, user, sys].every(Number.isFinite)) throw new Error(`no times from bash's time: ${result.stdout}`);
  return { wall: real * 1000, cpu: (user + sys) * 1000 };
}

/** The target row: guard's hooks against no hooks, medians of the same rounds. */
function guardRow(name, baseline, times, target) {
  return { name, guard: median(times.guard), git: median(times.plain), baseline, ratio: median(times.guard) / median(times.plain), target };
}

function floorRows(what, files, times, unit = '') {
  return [
    {
      name: `  ${what}${unit}: /bin/true as hooks vs none, ${files} files`,
      guard: median(times.true),
      git: median(times.plain),
      baseline: `${what} (no hooks)`,
      ratio: median(times.true) / median(times.plain),
    },
    {
      name: `  ${what}${unit}: do-nothing hooks vs none (the floor), ${files} files`,
      guard: median(times.floor),
      git: median(times.plain),
      baseline: `${what} (no hooks)`,
      ratio: median(times.floor) / median(times.plain),
    },
    {
      name: `  ${what}${unit}: guard hooks vs do-nothing hooks, ${files} files`,
      guard: median(times.guard),
      git: median(times.floor),
      baseline: 'do-nothing hooks',
      ratio: median(times.guard) / median(times.floor),
    },
  ];
}

/** Wall-clock rows, then the same as CPU time. */
function rowsFor(what, files, times, target) {
  const pick = (unit) => Object.fromEntries(Object.entries(times).map(([key, list]) => [key, list.map((t) => t[unit])]));
  const wall = pick('wall');
  const cpu = pick('cpu');
  return [
    guardRow(`${what}, ${files} files, guard hooks vs none`, `${what} (no hooks)`, wall, target),
    ...floorRows(what, files, wall),
    guardRow(`${what}, CPU time, ${files} files, guard hooks vs none`, `${what} (no hooks)`, cpu, target),
    ...floorRows(what, files, cpu, ', CPU'),
  ];
}

export async function run({ sizes = [20000], rounds = 15, quick = false } = {}) {
  const rows = [];
  const n = quick ? Math.min(rounds, 5) : rounds;
  for (const files of sizes) {
    const plain = setUp(files, 'hooks-plain', 'none');
    const floor = setUp(files, 'hooks-floor', 'floor');
    const trueHooks = setUp(files, 'hooks-true', 'true');
    const guarded = setUp(files, 'hooks-guard', 'guard');
    const repos = { plain, true: trueHooks, floor, guard: guarded };
    // Each round runs the four in a rotating order, reversed every other round, so drift on a
    // shared machine hits all alike.
    const keys = Object.keys(repos);
    const order = (round) => {
      const rotated = keys.map((_, i) => keys[(i + round) % keys.length]);
      return (round % 2 ? rotated.reverse() : rotated).map((key) => [key, repos[key]]);
    };
    const loads = [];
    const status = exec(process.execPath, guardArgs('status', '--json'), { cwd: guarded.dir, allowFail: true });
    const alive = JSON.parse(status.stdout).hooks.list.every((h) => h.selfTest.result === 'alive');
    if (!alive) throw new Error(`guard's hooks do not run in the benchmark repository:\n${status.stdout}`);

    // 1. Commit one changed file on main.
    const commitTimes = Object.fromEntries(keys.map((key) => [key, []]));
    for (let round = 0; round < n + 1; round++) {
      for (const [key, repo] of order(round)) {
        const file = path.join(repo.dir, 'd1', 's5', `f${10500 + (round % 50)}.txt`);
        fs.writeFileSync(file, `commit round ${round}\n`);
        git(repo.dir, 'add', path.relative(repo.dir, file));
        loads.push(os.loadavg()[0]);
        const t = timeTree('git', ['commit', '-q', '-m', `round ${round}`], { cwd: repo.dir });
        if (round > 0) commitTimes[key].push(t); // the first round warms the caches
      }
    }
    rows.push(...rowsFor('git commit of 1 file on main', files, commitTimes, 1.25));

    // 2. Rebase a 10-commit feature branch onto main.
    const rebaseTimes = Object.fromEntries(keys.map((key) => [key, []]));
    for (let round = 0; round < n + 1; round++) {
      for (const [key, repo] of order(round)) {
        exec('git', ['checkout', '-q', '-f', '-B', 'feature', repo.feature], { cwd: repo.dir, env: benchEnv() });
        loads.push(os.loadavg()[0]);
        const t = timeTree('git', ['rebase', '-q', 'main'], { cwd: repo.dir });
        if (round > 0) rebaseTimes[key].push(t);
      }
    }
    rows.push(...rowsFor('git rebase of 10 commits onto main', files, rebaseTimes, 1.5));
    rows.push({ name: `load average (1 min) during the rounds: ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`, note: '' });

    // 3. CPU per reference-transaction run, guard's shim vs a do-nothing hook.
    const runs = quick ? 100 : 300;
    for (const state of ['prepared', 'committed']) {
      const guardCpu = cpuPerRun(guarded.dir, state, runs);
      const floorCpu = cpuPerRun(floor.dir, state, runs);
      rows.push({
        name: `reference-transaction ${state}, CPU per run: ${guardCpu.toFixed(2)} vs ${floorCpu.toFixed(2)} ms`,
        guard: guardCpu,
        git: floorCpu,
        baseline: 'do-nothing hook',
        ratio: guardCpu / floorCpu,
      });
    }
    for (const repo of [plain, floor, trueHooks, guarded]) fs.rmSync(repo.dir, { recursive: true, force: true });
  }
  return rows;
}
