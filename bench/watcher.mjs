// Issue 5 benchmarks: the watcher.
//  - the snapshot it takes after 10 files changed (incremental: changedPaths against guard's
//    persistent index) in a 100k-file repo vs a 20k-file repo (must not grow with the repo), and
//    vs a full snapshot of the 100k repo taken by the same process (the watcher's start-up scan);
//    both are measured inside the daemon (its log gives each snapshot's ms), so Node's start-up
//    cost is in neither;
//    (for context also vs a whole `guard snapshot` process);
//  - the daemon's resident memory on the 100k repo;
//  - time from a protected file's deletion to its restoration (p50, p95), in a session.
// Usage: npm run bench -- watcher   (or: node bench/watcher.mjs [--quick])
import fs from 'node:fs';
import path from 'node:path';
import { freshCopy, git, GUARD, median, percentile, run as exec, time } from './lib.mjs';

const CONFIG = 'version: 1\nwatch:\n  debounceMs: 300\n  maxIntervalMs: 10000\n  idleTimeoutMinutes: 10\n';
const PROTECTED = '.github/workflows/ci.yml';

function prepare(files) {
  const dir = freshCopy(files, 'watcher');
  fs.writeFileSync(path.join(dir, '.guard.yaml'), CONFIG);
  fs.mkdirSync(path.join(dir, path.dirname(PROTECTED)), { recursive: true });
  fs.writeFileSync(path.join(dir, PROTECTED), 'on: push\njobs: {}\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'bench: config and a protected file');
  return dir;
}

/** Ten files in ten different directories get new content. */
function changeTen(dir, round) {
  for (let i = 0; i < 10; i++) {
    const n = i * 1000 + (round % 100);
    const file = path.join(dir, `d${Math.floor(n / 10000)}`, `s${Math.floor(n / 100) % 100}`, `f${n}.txt`);
    fs.writeFileSync(file, `changed in round ${round}\n`);
  }
}

/**
 * The real background daemon (`guard watch`, spawned as sessions spawn it, with its Node flags);
 * its log lines are the same as `--foreground` prints. `next` resolves the next matching line.
 */
async function startDaemon(dir) {
  const log = path.join(dir, '.git', 'guard', 'watcher.log');
  fs.rmSync(log, { force: true });
  exec(process.execPath, [GUARD, 'watch'], { cwd: dir });
  const pid = JSON.parse(exec(process.execPath, [GUARD, 'watch', 'status', '--json'], { cwd: dir }).stdout).pid;
  let seen = 0;
  const next = async (match, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      for (let i = seen; i < lines.length; i++) {
        if (match.test(lines[i])) {
          seen = i + 1;
          return lines[i];
        }
      }
      if (Date.now() > deadline) throw new Error(`watcher: no line matching ${match} within ${timeoutMs} ms; log:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stop = async () => exec(process.execPath, [GUARD, 'watch', 'stop'], { cwd: dir });
  return { pid, next, stop };
}

function snapshotMs(line) {
  const match = /\((full scan|(\d+) changed paths?), (\d+) ms\)|no change \((\d+) ms\)/.exec(line);
  if (!match) throw new Error(`not a snapshot line: ${line}`);
  return { ms: Number(match[3] ?? match[4]), paths: match[1] === 'full scan' ? 'all' : Number(match[2] ?? 0) };
}

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

async function snapshotCosts(files, rounds) {
  const dir = prepare(files);
  const incremental = [];
  const full = [];
  let rss = null;
  let dirs = null;
  for (let round = 0; round < rounds; round++) {
    changeTen(dir, 1000 + round); // picked up by the start-up scan
    const watcher = await startDaemon(dir);
    full.push(snapshotMs(await watcher.next(/snapshot \S+ \(full scan|no change \(/)).ms);
    dirs = Number(/watching \((\d+) directories\)/.exec(await watcher.next(/watching/))[1]);
    changeTen(dir, round);
    let paths = 0;
    let ms = 0;
    while (paths < 10) {
      const event = snapshotMs(await watcher.next(/snapshot \S+ \(\d+ changed path|no change \(/));
      paths += event.paths === 'all' ? 10 : event.paths;
      ms += event.ms;
    }
    incremental.push(ms);
    rss = rssOf(watcher.pid);
    await watcher.stop();
  }
  // For context: a full snapshot as a person takes one, a whole `guard snapshot` process.
  const whole = [];
  for (let round = 0; round < Math.min(rounds, 3); round++) {
    changeTen(dir, 2000 + round);
    whole.push(time(process.execPath, [GUARD, 'snapshot', '--quiet'], { cwd: dir }));
  }
  return { incremental: median(incremental), full: median(full), whole: median(whole), rss, dirs, dir };
}

async function restoreLatency(dir, count) {
  exec(process.execPath, [GUARD, 'session', 'start', '--agent', 'bench'], { cwd: dir });
  const waitHealth = async () => {
    for (let i = 0; i < 600; i++) {
      const status = JSON.parse(exec(process.execPath, [GUARD, 'watch', 'status', '--json'], { cwd: dir, allowFail: true }).stdout || '{}');
      if (status.health === 'running') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the watcher did not start');
  };
  await waitHealth();
  const file = path.join(dir, PROTECTED);
  const latencies = [];
  for (let i = 0; i < count; i++) {
    fs.rmSync(file);
    const start = process.hrtime.bigint();
    while (!fs.existsSync(file)) {
      if (Number(process.hrtime.bigint() - start) / 1e6 > 10_000) throw new Error('the protected file did not come back within 10 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    // Let the debounced snapshot of the round settle before the next deletion.
    await new Promise((r) => setTimeout(r, 800));
  }
  exec(process.execPath, [GUARD, 'session', 'end'], { cwd: dir });
  exec(process.execPath, [GUARD, 'watch', 'stop'], { cwd: dir, allowFail: true });
  return latencies;
}

export async function run({ sizes = [20000, 100000], rounds = 5, quick = false } = {}) {
  const big = Math.max(...sizes);
  const small = Math.min(...sizes);
  const results = {};
  for (const files of [...new Set([small, big])]) results[files] = await snapshotCosts(files, rounds);
  const rows = [];
  const b = results[big];
  const s = results[small];
  if (big !== small) {
    rows.push({
      name: `watcher snapshot, 10 changed files: ${big} vs ${small} files`,
      guard: b.incremental,
      git: s.incremental,
      baseline: `${small} files`,
      ratio: b.incremental / s.incremental,
      target: 1.5,
    });
  }
  rows.push({
    name: `watcher snapshot, 10 changed files vs a full one, ${big} files`,
    guard: b.incremental,
    git: b.full,
    baseline: 'full snapshot',
    ratio: b.incremental / b.full,
    target: 0.3,
  });
  rows.push({
    name: `watcher snapshot, 10 changed files vs \`guard snapshot\` (whole process), ${big} files`,
    guard: b.incremental,
    git: b.whole,
    baseline: 'guard snapshot',
    ratio: b.incremental / b.whole,
  });
  rows.push({ name: `watcher resident memory, ${big} files (${b.dirs} directories watched)`, note: `${(b.rss / 2 ** 20).toFixed(0)} MB` });
  const latencies = await restoreLatency(b.dir, quick ? 8 : 20);
  rows.push({ name: `protected file deleted -> restored, ${big} files (${latencies.length} runs)`, note: `p50 ${median(latencies).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms` });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const rows = await run(quick ? { sizes: [20000], rounds: 3, quick } : {});
  for (const row of rows) console.log(JSON.stringify(row));
}
