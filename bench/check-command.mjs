// Issue 4 benchmark: what the agent hook costs per tool call, whole process, against `node -e 0`
// measured in the same run (interleaved, so machine noise hits every row alike).
//  - the installed shim (sh hooks/agent-hook.sh claude pre-tool, Claude Code's payload on stdin)
//    on benign commands: answered in sh without starting Node; target <= 10% of `node -e 0`;
//  - a risky command through the full path: the same shim handing off to `guard agent-hook`,
//    and `guard check-command` directly; target <= 1.5x `node -e 0`.
// Reports p50 and p95 of each.
// Usage: node bench/check-command.mjs [--runs N] [--compare-code-cache]   or   node bench/run.mjs check-command
// (docs/benchmarks/check-command.md has results)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GUARD, ROOT, WORK, benchEnv, fmt, git, machine, median, percentile, run as exec } from './lib.mjs';

const SHIM = path.join(ROOT, 'hooks', 'agent-hook.sh');
const SH = fs.existsSync('/usr/bin/dash') ? '/usr/bin/dash' : '/bin/sh';

function payload(command, cwd) {
  return JSON.stringify({
    session_id: 'bench-session',
    transcript_path: path.join(WORK, 'transcript.jsonl'),
    cwd,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'benchmark' },
    tool_use_id: 'toolu_bench',
  });
}

/** The agent hook starts a session, and with it a watcher: stopped before the repository goes. */
function stopWatcher(dir) {
  if (fs.existsSync(path.join(dir, '.git'))) exec(process.execPath, [GUARD, 'watch', 'stop'], { cwd: dir, env: benchEnv(), allowFail: true });
}

function setUp() {
  const dir = path.join(WORK, 'check-command-repo');
  stopWatcher(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'README.md'), '# bench\n');
  // What the state checks look at: ignored build output (regenerable), a protected migration,
  // and a second commit, so that `git reset --hard HEAD~1` on main is a rewrite of main.
  fs.writeFileSync(path.join(dir, '.gitignore'), 'dist/\n');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'bundle.js'), 'built\n');
  fs.mkdirSync(path.join(dir, 'db', 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'db', 'migrations', '001.sql'), 'create table t (id int);\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  fs.writeFileSync(path.join(dir, 'README.md'), '# bench, second\n');
  git(dir, 'commit', '-q', '-am', 'second');
  return dir;
}

/** Wall-clock milliseconds of one process, with its stdin. */
function timed(cmd, args, options) {
  const start = process.hrtime.bigint();
  const result = exec(cmd, args, { ...options, allowFail: true });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, result };
}

export async function run(options = {}) {
  const runs = options.runs ?? (options.quick ? 15 : 60);
  const dir = setUp();
  const env = benchEnv();
  /** A Claude payload through the installed shim, held to the Node-path target. */
  const hookCase = (name, command, expect) => ({ name, cmd: SH, args: [SHIM, 'claude', 'pre-tool'], input: payload(command, dir), target: 1.5, expect });
  const cases = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
    { name: 'shim, benign: ls -la', cmd: SH, args: [SHIM, 'claude', 'pre-tool'], input: payload('ls -la', dir), target: 0.1, expect: (r) => r.stdout === '' },
    { name: 'shim, benign: npm test', cmd: SH, args: [SHIM, 'claude', 'pre-tool'], input: payload('npm test', dir), target: 0.1, expect: (r) => r.stdout === '' },
    { name: 'shim, benign: cat README.md', cmd: SH, args: [SHIM, 'claude', 'pre-tool'], input: payload('cat README.md', dir), target: 0.1, expect: (r) => r.stdout === '' },
    hookCase('shim -> guard agent-hook: git push --force', 'git push --force origin main', (r) => r.stdout.includes('"deny"')),
    // The state checks: a verdict the text cannot decide, so the hook looks at the repository.
    hookCase('shim -> agent-hook: rm -rf dist (state: allow)', 'rm -rf dist', (r) => r.stdout === ''),
    hookCase('shim -> agent-hook: rm -rf db (state: deny)', 'rm -rf db', (r) => r.stdout.includes('"deny"') && r.stdout.includes('protected-path')),
    hookCase('shim -> agent-hook: git reset --hard HEAD~1 (refs: deny)', 'git reset --hard HEAD~1', (r) => r.stdout.includes('"deny"') && r.stdout.includes('protected-branch-rewrite')),
    {
      name: 'guard check-command --json "git push --force"',
      cmd: process.execPath,
      args: [GUARD, 'check-command', '--json', 'git push --force origin main'],
      target: 1.5,
      expect: (r) => r.status === 3 && r.stdout.includes('git-push-force'),
    },
    {
      name: 'guard check-command --json "rm -rf dist"',
      cmd: process.execPath,
      args: [GUARD, 'check-command', '--json', 'rm -rf dist'],
      target: 1.5,
      expect: (r) => r.status === 0 && r.stdout.includes('"allow"'),
    },
  ];
  // --compare-code-cache: each Node-path case again with bin/code-cache.js switched off (the ES module
  // bundle, as before it), interleaved with the rest, so both are measured under the same load.
  if (options.compareCodeCache) {
    for (let i = cases.length - 1; i >= 0; i--) {
      if (cases[i].target === 1.5) cases.splice(i + 1, 0, { ...cases[i], name: `${cases[i].name} [no cache]`, env: { GUARD_NO_CODE_CACHE: '1' } });
    }
  }
  // Warm up (file cache, the agent session the hook keeps) and check each answer once.
  for (const c of cases) {
    for (let i = 0; i < 3; i++) {
      const { result } = timed(c.cmd, c.args, { cwd: dir, env: c.env ? { ...env, ...c.env } : env, input: c.input });
      if (i === 2 && c.expect && !c.expect(result)) throw new Error(`${c.name}: unexpected answer: ${result.stdout}${result.stderr}`);
    }
  }
  const samples = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, index) => samples[index].push(timed(c.cmd, c.args, { cwd: dir, env: c.env ? { ...env, ...c.env } : env, input: c.input }).ms));
  }
  stopWatcher(dir);
  const nodeP50 = median(samples[0]);
  const nodeP95 = percentile(samples[0], 95);
  return cases.slice(1).map((c, index) => {
    const s = samples[index + 1];
    const p50 = median(s);
    const p95 = percentile(s, 95);
    return {
      name: c.name,
      guard: p50,
      p95,
      baseline: 'node -e 0',
      git: nodeP50,
      baselineP95: nodeP95,
      ratio: p50 / nodeP50,
      ratioP95: p95 / nodeP95,
      target: c.target,
      runs,
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runsArg = process.argv.indexOf('--runs');
  const rows = await run({ ...(runsArg === -1 ? {} : { runs: Number(process.argv[runsArg + 1]) }), compareCodeCache: process.argv.includes('--compare-code-cache') });
  console.log(`machine: ${machine()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${new Date().toISOString()}`);
  console.log(`node -e 0: p50 ${fmt(rows[0].git)}, p95 ${fmt(rows[0].baselineP95)} (${rows[0].runs} runs, interleaved)`);
  console.log(`${'case'.padEnd(60)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}  ${'p50/node'.padStart(9)} ${'p95/node'.padStart(9)}  target`);
  for (const row of rows) {
    const ok = row.ratio <= row.target ? 'ok' : 'OVER TARGET';
    console.log(`${row.name.padEnd(60)} ${fmt(row.guard).padStart(8)} ${fmt(row.p95).padStart(8)}  ${`${row.ratio.toFixed(3)}x`.padStart(9)} ${`${row.ratioP95.toFixed(3)}x`.padStart(9)}  <= ${row.target}x ${ok}`);
  }
}
