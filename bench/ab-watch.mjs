// Same-run A/B of two built guard checkouts with the real background daemon (`guard watch`) of
// each, alternating the variants in every round (bench/ab.mjs does the same without a watcher):
//  ten:    the daemon's start-up full scan (ms from its log, as bench/watcher.mjs takes it, with
//          ten changed files to record), then ten files in ten directories rewritten: the
//          incremental snapshot's ms (its log). DIR is a copy of bench/.work/repo-100000 (or
//          -20000) with a .guard.yaml (debounce 300 ms) committed, as bench/watcher.mjs prepares it.
//  commit: a warm-up commit and `guard snapshot` (a long-running daemon has served many), then
//          a commit and `guard snapshot --quiet`, served by the daemon: the CLI's wall time and
//          the daemon's ms (its log). DIR is a working clone made by bench/real-repos.mjs
//          (cloneProject) with `guard init --yes --agents none` run once.
// `git status` is timed in every round; the load average is printed.
// Usage: AB_VARIANTS=before=/path/to/built/main,after=/path/to/built/branch \
//          node bench/ab-watch.mjs ten|commit ROUNDS DIR
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const [mode, roundsText, dir] = process.argv.slice(2);
const variants = Object.fromEntries(process.env.AB_VARIANTS.split(',').map((v) => v.split('=')));
const HOME = process.env.AB_HOME ?? path.join(os.tmpdir(), 'guard-ab-home');
fs.mkdirSync(HOME, { recursive: true });
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('GUARD_') && k !== 'CLAUDECODE')), HOME, XDG_DATA_HOME: `${HOME}/data`, XDG_CACHE_HOME: `${HOME}/cache`, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e', LC_ALL: 'C' };
const run = (cmd, args, allowFail = false) => { const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 }); if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`); return r; };
const time = (cmd, args) => { const t = process.hrtime.bigint(); run(cmd, args); return Number(process.hrtime.bigint() - t) / 1e6; };
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const log = path.join(dir, '.git/guard/watcher.log');
let seen = 0;
async function next(re) {
  for (const deadline = Date.now() + 180000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
    const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    for (let i = seen; i < lines.length; i++) if (re.test(lines[i])) { seen = i + 1; return lines[i]; }
  }
  throw new Error('timeout ' + re);
}
const msOf = (line) => { const m = /\((full scan|(\d+) changed paths?), (\d+) ms\)|no change \((\d+) ms\)/.exec(line); return { ms: Number(m[3] ?? m[4]), paths: m[1] === 'full scan' ? 10 : Number(m[2] ?? 0) }; };
function changeTen(round) {
  for (let i = 0; i < 10; i++) {
    const n = i * 1000 + (round % 100);
    fs.writeFileSync(path.join(dir, `d${Math.floor(n / 10000)}`, `s${Math.floor(n / 100) % 100}`, `f${n}.txt`), `changed ${round} ${Date.now()}\n`);
  }
}
const res = { status: [] };
const loads = [];
for (const v of Object.keys(variants)) Object.assign(res, { [`${v} full`]: [], [`${v} incremental`]: [], [`${v} daemon`]: [], [`${v} cli`]: [] });
const rounds = Number(roundsText);
let stamp = 0;
for (let r = 0; r < rounds; r++) {
  for (const [v, root] of Object.entries(variants)) {
    const bin = path.join(root, 'bin/guard.js');
    run(process.execPath, [bin, 'watch', 'stop'], true);
    fs.rmSync(log, { force: true }); seen = 0;
    if (mode === 'ten') changeTen(++stamp);
    loads.push(os.loadavg()[0]);
    run(process.execPath, [bin, 'watch']);
    res[`${v} full`].push(msOf(await next(/snapshot \S+ \(full scan|no change \(/)).ms);
    await next(/watching|ready/);
    await new Promise((s) => setTimeout(s, 300));
    res.status.push(time('git', ['status']));
    if (mode === 'ten') {
      changeTen(++stamp);
      let paths = 0, ms = 0;
      while (paths < 10) { const e = msOf(await next(/snapshot \S+ \(\d+ changed path|no change \(/)); paths += e.paths; ms += e.ms; }
      res[`${v} incremental`].push(ms);
    } else {
      // Warm-up: the daemon's first served snapshot (a long-running daemon has served many).
      fs.appendFileSync(path.join(dir, 'ab-change.txt'), `warm ${v} ${r}\n`);
      run('git', ['add', 'ab-change.txt']);
      run('git', ['commit', '-q', '-m', `ab warm ${v} ${r}`]);
      run(process.execPath, [bin, 'snapshot', '--quiet']);
      await next(/for a client/);
      await new Promise((s) => setTimeout(s, 300));
      fs.appendFileSync(path.join(dir, 'ab-change.txt'), `${v} ${r}\n`);
      run('git', ['add', 'ab-change.txt']);
      run('git', ['commit', '-q', '-m', `ab ${v} ${r}`]);
      res[`${v} cli`].push(time(process.execPath, [bin, 'snapshot', '--quiet']));
      res[`${v} daemon`].push(msOf(await next(/for a client/)).ms);
    }
    loads.push(os.loadavg()[0]);
    run(process.execPath, [bin, 'watch', 'stop'], true);
  }
}
const st = med(res.status);
console.log(`${path.basename(dir)} ${mode} (load ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}, ${rounds} rounds, ${new Date().toISOString()})`);
for (const [k, a] of Object.entries(res)) if (a.length) console.log(`  ${k.padEnd(18)} median ${med(a).toFixed(0).padStart(5)} ms  [${a.map((x) => x.toFixed(0)).join(' ')}]${k === 'status' ? '' : `  ${(med(a) / st).toFixed(2)}x status`}`);
for (const v of Object.keys(variants)) if (res[`${v} incremental`].length) console.log(`  ${v}: incremental / full = ${(med(res[`${v} incremental`]) / med(res[`${v} full`])).toFixed(2)}x`);
