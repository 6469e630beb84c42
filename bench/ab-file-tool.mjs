// Same-run A/B of two built guard checkouts: Claude Code's pre-tool hook for an Edit of a tracked
// file (what an agent does most), alternating the variants in every round, on the generated
// repositories of bench/lib.mjs. Reported per variant: the hook's CPU time with the git processes
// it starts (wait4's rusage of the node process, which includes its reaped children, through a
// python3 wrapper), its wall time, and once, the git processes it starts (trace2). Timed in every
// round as the yardstick: `git ls-files --others --ignored` of the same path (the process the
// overwrite-ignored check used to start) and `node -e 0`. The load average is printed.
// AB_CASE picks the call: `edit` (the default, Claude Code's Edit of a tracked file),
// `delete-tracked` or `delete-untracked` (Cursor's Delete tool on a tracked file, or on an
// untracked one made in the copy; the hook only judges, so the file stays for the next round),
// `delete-ignored` (on `d0/s0/secret.local`, ignored by a `*.local` line in .git/info/exclude:
// captured into the snapshot each call takes).
// For the deletes the yardstick is the tracked-and-untracked listing they used to start first.
// Usage: AB_VARIANTS=before=/path/to/built/main,after=/path/to/built/branch [AB_CASE=delete-tracked] \
//          node bench/ab-file-tool.mjs ROUNDS [FILES...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEnv, freshCopy, median } from './lib.mjs';

const [roundsText = '15', ...sizesText] = process.argv.slice(2);
const rounds = Number(roundsText);
const sizes = sizesText.length > 0 ? sizesText.map(Number) : [1000, 100000];
const variants = (process.env.AB_VARIANTS ?? '').split(',').filter(Boolean).map((v) => v.split('='));
if (variants.length < 2) throw new Error('AB_VARIANTS=name=/built/checkout,name=/built/checkout');
const env = benchEnv();

// CPU (user + system, ms, the process and the children it reaped) and wall ms of one command.
const WAIT4 = `
import os, subprocess, sys, time
t = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdin=open(sys.argv[1], 'rb'), stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
print((ru.ru_utime + ru.ru_stime) * 1000, (time.monotonic() - t) * 1000, status)
`;
function measure(argv, input, cwd, extraEnv = {}) {
  const inputFile = path.join(os.tmpdir(), `ab-file-tool-${process.pid}.json`);
  fs.writeFileSync(inputFile, input);
  const r = spawnSync('python3', ['-c', WAIT4, inputFile, ...argv], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const [cpu, wall, status] = r.stdout.trim().split(' ').map(Number);
  if (status !== 0) throw new Error(`${argv.join(' ')}: exit ${status}: ${r.stderr}`);
  return { cpu, wall };
}

const testCase = process.env.AB_CASE ?? 'edit';
if (!['edit', 'delete-tracked', 'delete-untracked', 'delete-ignored'].includes(testCase)) throw new Error(`AB_CASE=${testCase}: edit, delete-tracked, delete-untracked or delete-ignored`);
const deletes = testCase !== 'edit';

function payload(dir, file) {
  if (deletes) return JSON.stringify({ conversation_id: 'ab-file-tool', hook_event_name: 'preToolUse', cwd: dir, tool_name: 'Delete', tool_input: { path: path.join(dir, file) } });
  return JSON.stringify({ session_id: 'ab-file-tool', transcript_path: '/t', cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: path.join(dir, file), old_string: 'file', new_string: 'File' } });
}

const hookArgv = (checkout) => [process.execPath, path.join(checkout, 'bin', 'guard.js'), 'agent-hook', deletes ? 'cursor' : 'claude', 'pre-tool'];
const yardstick = (target) =>
  deletes
    ? ['git ls-files -t --others', ['git', 'ls-files', '-z', '-t', '--stage', '--cached', '--others', '--exclude-standard', '--', `:(literal)${target}`]]
    : ['git ls-files --ignored', ['git', 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', `:(literal)${target}`]];

console.log(`node ${process.version}, ${os.cpus().length} cores, ${rounds} rounds, ${testCase}`);
for (const files of sizes) {
  const dir = freshCopy(files, 'ab-file-tool');
  const target = testCase === 'delete-untracked' ? 'd0/s0/scratch.txt' : testCase === 'delete-ignored' ? 'd0/s0/secret.local' : 'd0/s0/f0.txt';
  if (testCase === 'delete-untracked') fs.writeFileSync(path.join(dir, target), 'scratch\n');
  if (testCase === 'delete-ignored') {
    fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), '\n*.local\n');
    fs.writeFileSync(path.join(dir, target), 'API_KEY=1\n');
  }
  const input = payload(dir, target);
  const [yardName, yardArgv] = yardstick(target);
  // The session starts on the first call (its snapshot): not what is measured.
  for (const [, checkout] of variants) measure(hookArgv(checkout), input, dir);
  const res = Object.fromEntries([...variants.map(([name]) => name), yardName, 'node -e 0'].map((k) => [k, { cpu: [], wall: [] }]));
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    loads.push(os.loadavg()[0]);
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const [name, checkout] of order) {
      const m = measure(hookArgv(checkout), input, dir);
      res[name].cpu.push(m.cpu);
      res[name].wall.push(m.wall);
    }
    for (const [name, argv] of [[yardName, yardArgv], ['node -e 0', [process.execPath, '-e', '0']]]) {
      const m = measure(argv, '', dir);
      res[name].cpu.push(m.cpu);
      res[name].wall.push(m.wall);
    }
  }
  const indexBytes = fs.statSync(path.join(dir, '.git', 'index')).size;
  console.log(`\n${files} files (index ${(indexBytes / 1024 ** 2).toFixed(1)} MB), load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`);
  for (const [name, m] of Object.entries(res)) console.log(`  ${name.padEnd(24)} CPU median ${median(m.cpu).toFixed(1)} ms   wall median ${median(m.wall).toFixed(1)} ms`);
  for (const [name, checkout] of variants) {
    const trace = path.join(os.tmpdir(), `ab-file-tool-trace-${process.pid}-${name}.json`);
    fs.rmSync(trace, { force: true });
    measure(hookArgv(checkout), input, dir, { GIT_TRACE2_EVENT: trace, GIT_TRACE2_EVENT_NESTING: '1' });
    const started = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes('"event":"start"')).map((l) => JSON.parse(l).argv.slice(1, 3).join(' ')) : [];
    console.log(`  ${name}: ${started.length} git processes (${started.join('; ')})`);
  }
  // The session start started a watcher: stop it before the copy is removed.
  spawnSync(process.execPath, [path.join(variants[variants.length - 1][1], 'bin', 'guard.js'), 'watch', 'stop'], { cwd: dir, env, stdio: 'ignore' });
}
