// The backup push after a ref change, old code against new in the same run (issue 8: the keeper).
// Two clones of a real project (same refs), each with its own guard build, chain and backup, so
// each side runs in its own steady state; rounds alternate which side goes first. Per round and
// side: `git branch`, then a session start (it waits for its backup push); `git branch` again, a
// snapshot whose background push is held back, then `guard backup push` timed, with the time of
// receive-pack's connectivity check (`rev-list --objects --stdin --not --all`) from GIT_TRACE2_PERF.
// Usage: GUARD_BENCH_BEFORE=<checkout of the older code, built> node bench/run.mjs keeper-push
//        [GUARD_BENCH_PROJECT=vite] [GUARD_BENCH_ROUNDS=3]; without GUARD_BENCH_BEFORE it is skipped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEnv, git, GUARD, median, run as exec, time, WORK } from './lib.mjs';
import { cloneProject, stopWatcher } from './real-repos.mjs';

const MIRRORS = process.env.GUARD_BENCH_MIRRORS ?? '/work/.mirror';
const REPOS = { vite: 'vitejs/vite', babel: 'babel/babel', express: 'expressjs/express' };

function guardTime(bin, dir, args, options = {}) {
  return time(process.execPath, [bin, ...args], { cwd: dir, ...options });
}

/** Waits for the background pusher of `dir` (init's first copy) to finish. */
function waitForPusher(dir) {
  const pidFile = path.join(dir, '.git', 'guard', 'backup-push.pid');
  const until = Date.now() + 600_000;
  while (fs.existsSync(pidFile) && Date.now() < until) exec('sleep', ['0.2']);
}

/** A snapshot whose background push does not start: a stand-in pusher holds the pid file. */
function snapshotWithoutPush(bin, dir) {
  const holder = spawn('sh', ['-c', 'sleep 600', 'backup'], { detached: true, stdio: 'ignore' });
  const pidFile = path.join(dir, '.git', 'guard', 'backup-push.pid');
  fs.writeFileSync(pidFile, `${holder.pid}\n`);
  try {
    exec(process.execPath, [bin, 'snapshot', '--quiet'], { cwd: dir });
  } finally {
    process.kill(holder.pid, 'SIGKILL');
    fs.rmSync(pidFile, { force: true });
    fs.rmSync(path.join(dir, '.git', 'guard', 'backup-push.again'), { force: true });
  }
}

/** Milliseconds of receive-pack's connectivity check in a GIT_TRACE2_PERF file, or NaN. */
function connectivityMs(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.split('|').map((f) => f.trim()));
  const start = lines.findIndex((f) => f[3] === 'start' && / rev-list --objects --stdin /.test(f[8] ?? ''));
  if (start < 0) return NaN;
  const exit = lines.slice(start + 1).find((f) => f[1] === lines[start][1] && f[3] === 'exit');
  return exit ? Number(exit[5]) * 1000 : NaN;
}

export async function run({ rounds } = {}) {
  const before = process.env.GUARD_BENCH_BEFORE;
  if (!before) {
    console.log('keeper-push: skipped (set GUARD_BENCH_BEFORE to a built checkout of the older code)');
    return [];
  }
  const project = process.env.GUARD_BENCH_PROJECT ?? 'vite';
  const n = rounds ?? Number(process.env.GUARD_BENCH_ROUNDS ?? 3);
  const mirror = path.join(MIRRORS, REPOS[project].replace('/', '+'), 'repo');
  const sides = [
    { name: 'before', bin: path.join(path.resolve(before), 'bin', 'guard.js') },
    { name: 'after', bin: GUARD },
  ];
  fs.rmSync(path.join(benchEnv().XDG_DATA_HOME, 'git-guard'), { recursive: true, force: true });
  for (const side of sides) {
    side.dir = path.join(WORK, `keeper-${side.name}-${project}`);
    cloneProject(mirror, side.dir);
    git(side.dir, 'config', 'gc.auto', '0');
    git(side.dir, 'config', 'maintenance.auto', 'false');
    git(side.dir, 'status');
    exec(process.execPath, [side.bin, 'init', '--yes', '--agents', 'none'], { cwd: side.dir });
    waitForPusher(side.dir);
    exec(process.execPath, [side.bin, 'backup', 'push'], { cwd: side.dir });
    Object.assign(side, { session: [], push: [], check: [] });
  }
  const status = [];
  const loads = [];
  for (let round = 0; round < n; round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      loads.push(os.loadavg()[0]);
      git(side.dir, 'branch', `bench-session-${round}`);
      status.push(time('git', ['status'], { cwd: side.dir }));
      const payload = JSON.stringify({ session_id: `bench-${Date.now()}-${round}`, cwd: side.dir, hook_event_name: 'SessionStart', source: 'startup' });
      side.session.push(guardTime(side.bin, side.dir, ['agent-hook', 'claude', 'session-start'], { input: payload }));
      stopWatcher(side.dir);
      exec(process.execPath, [side.bin, 'session', 'end'], { cwd: side.dir, allowFail: true });

      git(side.dir, 'branch', `bench-push-${round}`);
      snapshotWithoutPush(side.bin, side.dir);
      const trace = path.join(WORK, `keeper-${side.name}.trace`);
      fs.rmSync(trace, { force: true });
      status.push(time('git', ['status'], { cwd: side.dir }));
      side.push.push(guardTime(side.bin, side.dir, ['backup', 'push'], { env: benchEnv({ GIT_TRACE2_PERF: trace }) }));
      side.check.push(connectivityMs(trace));
    }
  }
  const gitStatus = median(status);
  console.log(`keeper-push: ${project}, ${n} rounds per side, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}, git status median ${gitStatus.toFixed(0)} ms`);
  const rows = [];
  for (const side of sides) {
    console.log(`  ${side.name}: session start ${side.session.map((v) => v.toFixed(0)).join(' ')}; push ${side.push.map((v) => v.toFixed(0)).join(' ')}; connectivity check ${side.check.map((v) => v.toFixed(0)).join(' ')} ms`);
    rows.push({ name: `${project} (${side.name}): session start after git branch`, guard: median(side.session), git: gitStatus, baseline: 'git status', ratio: median(side.session) / gitStatus });
    rows.push({ name: `${project} (${side.name}): guard backup push after git branch`, guard: median(side.push), git: gitStatus, baseline: 'git status', ratio: median(side.push) / gitStatus });
    rows.push({ name: `${project} (${side.name}): its connectivity check`, guard: median(side.check), note: 'receive-pack rev-list' });
  }
  for (const side of sides) {
    stopWatcher(side.dir);
    fs.rmSync(side.dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
  return rows;
}
