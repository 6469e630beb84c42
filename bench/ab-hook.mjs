// Same-run A/B of two built guard checkouts: Claude Code's pre-tool hook on a command guard can
// undo only after a snapshot, with a watcher running, alternating the variants in every round:
//  - `rm -rf bench-local` (an ignored directory of 20 files, ignored through .git/info/exclude
//    and not regenerable output, so the hook captures its files into the snapshot);
//  - `git checkout -- FILE` (a tracked file with a change the command discards).
// Before each round a tracked file changes (as an agent's edit would), so every snapshot has
// something to record. `git status` and `node -e 0` are timed in every round; the load average
// is printed. The watcher is the last variant's (it must know the request's captureIgnored);
// a variant that does not ask it walks. Then one counted run per variant: the git processes the
// hook's own process starts (a `git` wrapper first on PATH logs each with its parent pid, so the
// detached backup pusher's are left out), and whether one of them walks the tree
// (`git status`, `ls-files --others` without a pathspec).
// DIR: a working clone made as bench/real-repos.mjs makes them (cloneProject), `guard init --yes
// --agents none` run once.
// Usage: AB_VARIANTS=before=/path/to/built/main,after=/path/to/built/branch \
//          node bench/ab-hook.mjs ROUNDS DIR...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [roundsText, ...dirArgs] = process.argv.slice(2);
const dirs = dirArgs.map((d) => path.resolve(d));
const variants = Object.entries(Object.fromEntries((process.env.AB_VARIANTS ?? '').split(',').map((v) => v.split('='))));
const HOME = process.env.AB_HOME ?? path.join(os.tmpdir(), 'guard-ab-home');
fs.mkdirSync(HOME, { recursive: true });
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('GUARD_') && k !== 'CLAUDECODE')), HOME, XDG_DATA_HOME: `${HOME}/data`, XDG_CACHE_HOME: `${HOME}/cache`, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e', LC_ALL: 'C' };
const run = (cmd, args, cwd, options = {}) => {
  const r = spawnSync(cmd, args, { cwd, env: options.env ?? env, input: options.input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && !options.allowFail) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r;
};
const time = (cmd, args, cwd, options) => {
  const t = process.hrtime.bigint();
  const r = run(cmd, args, cwd, options);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, r };
};
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function payload(dir, event, extra) {
  return JSON.stringify({ session_id: 'ab-hook', transcript_path: '/t', cwd: dir, hook_event_name: event, ...extra });
}

/** The hook for COMMAND; throws unless it allowed (no output is allow). */
function preTool(bin, dir, command, options = {}) {
  const t = time(process.execPath, [bin, 'agent-hook', 'claude', 'pre-tool'], dir, { input: payload(dir, 'PreToolUse', { tool_name: 'Bash', tool_input: { command } }), ...options });
  if (t.r.stdout.trim() !== '' && !/"permissionDecision":"allow"/.test(t.r.stdout)) throw new Error(`${command}: not allowed: ${t.r.stdout}`);
  return t;
}

/** Waits until no background backup push runs and the watcher has settled, so rounds do not overlap. */
async function quiet(dir) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && fs.existsSync(path.join(dir, '.git/guard/backup-push.pid')); ) await sleep(20);
  await sleep(300);
}

function lastHookSnapshot(dir) {
  const lines = fs.readFileSync(path.join(dir, '.git/guard/journal.jsonl'), 'utf8').trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const e = JSON.parse(lines[i]);
    if (e.type === 'snapshot' && e.trigger === 'hook') return e;
  }
  return null;
}

/** A `git` first on PATH that logs "<parent pid> <argv>" and runs the real one. */
function gitWrapper() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-hook-git-'));
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\nprintf '%s\\t%s\\n' "$PPID" "$*" >> "$AB_GIT_LOG"\nexec ${real} "$@"\n`, { mode: 0o755 });
  return dir;
}

const rounds = Number(roundsText);
const [lastName, lastRoot] = variants[variants.length - 1];
for (const dir of dirs) {
  const tracked = run('git', ['ls-files', '-z', '--', '*.md'], dir).stdout.split('\0').filter(Boolean)[0];
  fs.appendFileSync(path.join(dir, '.git/info/exclude'), '\nbench-local/\n');
  for (let i = 0; i < 20; i++) {
    fs.mkdirSync(path.join(dir, 'bench-local', `d${i % 4}`), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bench-local', `d${i % 4}`, `f${i}.txt`), `local data ${i}\n`.repeat(50));
  }
  // The session and its watcher, from the last variant.
  const lastBin = path.join(lastRoot, 'bin/guard.js');
  run(process.execPath, [lastBin, 'watch', 'stop'], dir, { allowFail: true });
  run(process.execPath, [lastBin, 'agent-hook', 'claude', 'session-start'], dir, { input: payload(dir, 'SessionStart', { source: 'startup' }) });
  await quiet(dir);
  const res = { status: [], node: [] };
  const by = {};
  for (const [v] of variants) Object.assign(res, { [`${v} rm`]: [], [`${v} checkout`]: [] });
  const loads = [];
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [v, root] of variants) {
      const bin = path.join(root, 'bin/guard.js');
      loads.push(os.loadavg()[0]);
      fs.appendFileSync(path.join(dir, tracked), `\nab round ${++n}\n`);
      res.status.push(time('git', ['status'], dir).ms);
      res.node.push(time(process.execPath, ['-e', '0'], dir).ms);
      await quiet(dir);
      res[`${v} rm`].push(preTool(bin, dir, 'rm -rf bench-local').ms);
      (by[`${v} rm`] ??= []).push(lastHookSnapshot(dir)?.takenBy ?? 'walk (not journalled)');
      await quiet(dir);
      res[`${v} checkout`].push(preTool(bin, dir, `git checkout -- ${tracked}`).ms);
      (by[`${v} checkout`] ??= []).push(lastHookSnapshot(dir)?.takenBy ?? 'walk (not journalled)');
      await quiet(dir);
    }
  }
  const status = med(res.status);
  console.log(`${dir} (${tracked}), ${rounds} rounds, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; git status median ${status.toFixed(0)} ms, node -e 0 ${med(res.node).toFixed(0)} ms`);
  for (const [key, values] of Object.entries(res)) {
    if (key === 'status' || key === 'node') continue;
    console.log(`  ${key.padEnd(18)} median ${med(values).toFixed(0).padStart(6)} ms  ${(med(values) / status).toFixed(2)}x git status  [${values.map((x) => x.toFixed(0)).join(', ')}]  taken by: ${[...new Set(by[key])].join('/')}`);
  }
  // Counted: the git processes each variant's hook process starts itself.
  const wrapper = gitWrapper();
  for (const [v, root] of variants) {
    const bin = path.join(root, 'bin/guard.js');
    for (const [what, command] of [['rm', 'rm -rf bench-local'], ['checkout', `git checkout -- ${tracked}`]]) {
      fs.appendFileSync(path.join(dir, tracked), `\nab counted ${++n}\n`);
      await quiet(dir);
      const file = path.join(wrapper, `log-${v}-${what}`);
      const t = preTool(bin, dir, command, { env: { ...env, PATH: `${wrapper}:${env.PATH}`, AB_GIT_LOG: file } });
      await quiet(dir);
      const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
      const own = lines.filter((l) => Number(l.split('\t')[0]) === t.r.pid).map((l) => l.split('\t')[1]);
      const walks = own.filter((a) => /^status\b/.test(a) || (/ls-files/.test(a) && /--others|-o\b/.test(a) && !/ -- /.test(a)));
      const names = {};
      for (const a of own) names[a.split(' ')[0]] = (names[a.split(' ')[0]] ?? 0) + 1;
      console.log(`  ${v} ${what}: ${own.length} git processes in the hook's process (${Object.entries(names).map(([k, c]) => `${k} ${c}`).join(', ')}); ${lines.length - own.length} elsewhere (the detached pusher); walks: ${walks.length ? walks.join(' | ') : 'none'}`);
    }
  }
  fs.rmSync(wrapper, { recursive: true, force: true });
  run(process.execPath, [lastBin, 'watch', 'stop'], dir, { allowFail: true });
  console.log(`  the watcher's served snapshots (its log): ${fs.readFileSync(path.join(dir, '.git/guard/watcher.log'), 'utf8').split('\n').filter((l) => /for a client/.test(l)).slice(-6).map((l) => /\(([^)]*ms)\)/.exec(l)?.[1]).join('; ')}`);
}
