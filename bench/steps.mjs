// Issue 12 benchmark: what recording steps adds to an agent's tool call, on a 100k-file
// repository with the watcher running. A tool call's hook time without steps is the pre-tool
// hook (the installed shim handing off to `guard agent-hook`, for a command and for a file edit
// that go to Node); with steps it is that plus the post-tool hook, which the shim answers without
// Node while the watcher runs (one journal line and a poke). Target: (pre + post) / pre <= 1.10,
// medians of the same interleaved run. The pre-tool hook's own step line (one append) is in both.
// Also reported: how long after the post-tool hook the watcher's snapshot closes the step (its
// incremental snapshot, O(changes)), against a full `guard snapshot` of the same repository.
// Usage: node bench/steps.mjs [--files N] [--runs N]   or   node bench/run.mjs steps
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GUARD, ROOT, benchEnv, fmt, freshCopy, machine, median, run as exec } from './lib.mjs';

const SHIM = path.join(ROOT, 'hooks', 'agent-hook.sh');
const SH = fs.existsSync('/usr/bin/dash') ? '/usr/bin/dash' : '/bin/sh';

function payload(dir, event, tool, id) {
  const base = { session_id: 'bench-steps', transcript_path: '/tmp/t.jsonl', cwd: dir, permission_mode: 'default', hook_event_name: event, tool_use_id: id };
  const input = tool.name === 'Bash' ? { command: tool.command, description: 'bench' } : { file_path: path.join(dir, tool.file), old_string: 'x', new_string: 'y' };
  const extra = event === 'PostToolUse' ? { tool_response: tool.name === 'Bash' ? { stdout: 'M d0/s0/f0.txt\n', stderr: '', interrupted: false } : { filePath: path.join(dir, tool.file), success: true } } : {};
  return JSON.stringify({ ...base, tool_name: tool.name, tool_input: input, ...extra });
}

function timed(args, options) {
  const start = process.hrtime.bigint();
  const result = exec(SH, args, { ...options, allowFail: true });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
  return { ms, result };
}

function journalLines(dir) {
  return fs.readFileSync(path.join(dir, '.git', 'guard', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean);
}

async function until(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function run(options = {}) {
  const files = options.files ?? options.sizes?.[0] ?? 100_000;
  const runs = options.runs ?? (options.quick ? 5 : 15);
  const dir = freshCopy(files, 'steps');
  const env = benchEnv();
  exec(process.execPath, [GUARD, 'init', '--yes', '--agents', 'none'], { cwd: dir, env });
  fs.writeFileSync(path.join(dir, '.guard.yaml'), 'version: 1\nwatch:\n  debounceMs: 1500\n  maxIntervalMs: 10000\n');
  fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), '.guard.yaml\n');
  exec(SH, [SHIM, 'claude', 'session-start'], { cwd: dir, env, input: JSON.stringify({ session_id: 'bench-steps', cwd: dir, hook_event_name: 'SessionStart', source: 'startup' }) });
  await until('the watcher to run', () => JSON.parse(exec(process.execPath, [GUARD, 'watch', 'status', '--json'], { cwd: dir, env, allowFail: true }).stdout || '{}').health === 'running');

  // Files of the generated repository (lib.mjs: d<i/10000>/s<i/100 % 100>/f<i>.txt).
  const file = (i) => `d${Math.floor(i / 10000)}/s${Math.floor(i / 100) % 100}/f${i}.txt`;
  const tools = [
    { label: 'shell command (git status)', tool: { name: 'Bash', command: 'git status --short' }, change: file(0) },
    { label: 'file edit (Edit)', tool: { name: 'Edit', file: file(Math.floor(files / 2)) }, change: file(Math.floor(files / 2)) },
  ];
  const samples = new Map(tools.map((t) => [t.label, { pre: [], post: [], closed: [] }]));
  let n = 0;
  for (let round = 0; round < runs; round++) {
    for (const { label, tool, change } of tools) {
      const id = `toolu_bench_${++n}`;
      const pre = timed([SHIM, 'claude', 'pre-tool'], { cwd: dir, env, input: payload(dir, 'PreToolUse', tool, id) });
      if (pre.result.stdout.includes('"deny"')) throw new Error(`${label} was denied: ${pre.result.stdout}`);
      fs.appendFileSync(path.join(dir, change), `round ${round}\n`);
      const before = journalLines(dir).length;
      const post = timed([SHIM, 'claude', 'post-tool'], { cwd: dir, env, input: payload(dir, 'PostToolUse', tool, id) });
      const postEnd = Date.now();
      const end = journalLines(dir).slice(before).map((l) => JSON.parse(l)).find((e) => e.type === 'step-end');
      if (!end) throw new Error('no step-end line');
      if (end.via !== 'sh') throw new Error(`the post-tool hook went to Node (${label})`);
      await until('the closing snapshot', () => journalLines(dir).slice(before).some((l) => l.includes('"step-snapshot"') && l.includes(end.mark)));
      const s = samples.get(label);
      s.pre.push(pre.ms);
      s.post.push(post.ms);
      s.closed.push(Date.now() - postEnd);
    }
  }
  // A full snapshot of the same repository (a changed file, so it writes one), for the watcher's cost.
  const full = [];
  for (let i = 0; i < Math.max(3, Math.ceil(runs / 3)); i++) {
    fs.appendFileSync(path.join(dir, file(files - 1)), `full ${i}\n`);
    const start = process.hrtime.bigint();
    exec(process.execPath, [GUARD, 'snapshot', '--quiet'], { cwd: dir, env });
    full.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  exec(process.execPath, [GUARD, 'watch', 'stop'], { cwd: dir, env, allowFail: true });

  const rows = [];
  for (const { label } of tools) {
    const s = samples.get(label);
    const pre = median(s.pre);
    const post = median(s.post);
    rows.push({ name: `${files / 1000}k files, ${label}: pre-tool + post-tool (step)`, guard: pre + post, baseline: 'pre-tool alone', git: pre, ratio: (pre + post) / pre, target: 1.1 });
    rows.push({ name: `${files / 1000}k files, ${label}: post-tool hook alone`, guard: post, note: `p50 ${fmt(post)}` });
    rows.push({ name: `${files / 1000}k files, ${label}: step closed by the watcher after`, guard: median(s.closed), baseline: 'full guard snapshot', git: median(full), ratio: median(s.closed) / median(full) });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  console.log(`machine: ${machine()}`);
  for (const row of await run({ files: arg('--files'), runs: arg('--runs') })) {
    console.log(`${row.name.padEnd(72)} ${fmt(row.guard).padStart(9)}  ${row.git !== undefined ? `${row.baseline} ${fmt(row.git)}`.padEnd(30) : ''.padEnd(30)} ${row.ratio !== undefined ? `${row.ratio.toFixed(2)}x` : row.note}${row.target ? ` (target <= ${row.target}x)` : ''}`);
  }
}
