// Same-run A/B of two built guard checkouts on existing repositories, alternating each round:
// `guard watch` until ready (watch mode; the watcher is stopped after each), a session start
// through the agent hook's shim (session mode), or `guard snapshot`
// after a commit (snapshot mode) or after 5 changed and 5 new files (dirty mode, a generated
// repository), or the time until `guard snapshot` starts its first git process (first-git mode, from
// GIT_TRACE2_EVENT: what loading and compiling guard costs before any git work), with `git status`
// and `node -e 0` timed in every round; the variants' order is reversed every other round. Prints
// medians, per-round values, ratios to the median `git status`, and the median CPU time of the
// timed guard process itself (bench/cpu-at-exit.cjs; for watch, the starter's and the daemon's
// whole life; for session, the hook's, and the whole tree's the session start waited for, and the
// watcher daemon's until it returned). The repositories are working clones made as
// bench/real-repos.mjs makes them, with `guard init` run once.
// recover mode: one `guard snapshot` and `guard backup push --local-only` (the first variant's)
// before the first round, then in each round `guard recover --from <that backup> --into
// <DIR>-ab-recovered --yes` after deleting the previous recovery (a whole tree deleted before
// each timed step, as bench/real-repos.mjs does: on a `discard` mount creating files right after
// a mass delete is slower), and as the baseline (in the `status` column) `git clone --mirror` of
// the backup plus `read-tree -u` of the snapshot's tree into an empty directory, after deleting
// the previous one.
// Usage: AB_VARIANTS=before=/path/to/built/main,after=/path/to/built/branch \
//          node bench/ab.mjs watch|session|snapshot|dirty|first-git|recover ROUNDS DIR...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
const [mode, roundsText, ...dirs] = process.argv.slice(2);
const variants = Object.fromEntries((process.env.AB_VARIANTS ?? '').split(',').map((v) => v.split('=')));
const HOME = process.env.AB_HOME ?? path.join(os.tmpdir(), 'guard-ab-home');
fs.mkdirSync(HOME, { recursive: true });
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('GUARD_') && !['CLAUDECODE'].includes(k))), HOME, XDG_DATA_HOME: `${HOME}/data`, XDG_CACHE_HOME: `${HOME}/cache`, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e', LC_ALL: 'C' };
const run = (cmd, args, cwd, allowFail = false) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r;
};
const time = (cmd, args, cwd) => { const t = process.hrtime.bigint(); run(cmd, args, cwd); return Number(process.hrtime.bigint() - t) / 1e6; };
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
function stop(dir, bin) {
  run(process.execPath, [bin, 'watch', 'stop'], dir, true);
  // "<pid> host=<name>;pidns=<inode>": the pid is the first field.
  try { const pid = Number(fs.readFileSync(path.join(dir, '.git/guard/watcher.pid'), 'utf8').split(' ')[0]); process.kill(-pid, 'SIGKILL'); } catch {}
}
const rounds = Number(roundsText);
const cpuFile = path.join(os.tmpdir(), `guard-ab-cpu-${process.pid}`);
const cpuEnv = { ...env, NODE_OPTIONS: `--require ${path.join(path.dirname(new URL(import.meta.url).pathname), 'cpu-at-exit.cjs')}`, AB_CPU_FILE: cpuFile, AB_CPU_MATCH: mode === 'session' ? 'agent-hook' : mode === 'watch' ? 'watch' : mode === 'recover' ? 'recover' : 'snapshot' };
// Each variant keeps its V8 code caches (bin/code-cache.js) in a directory of its own: in a shared
// one every run found the other build's cache, dropped it and compiled from source.
let variantCache = {};
// Through /usr/bin/time: the CPU of the whole tree (guard's Node and every git process it waited
// for; not the detached background push) goes to treeCpu[variant].
let variantName = '';
const timeGuard = (args, cwd, extra = {}) => {
  const timeFile = `${cpuFile}.time`;
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], { cwd, env: { ...cpuEnv, ...variantCache, ...extra }, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  const [user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  treeCpu[variantName]?.push((user + sys) * 1000);
  return wall;
};
let treeCpu = {};
for (const dir of dirs) {
  const res = { status: [], node: [] };
  const cpu = {};
  treeCpu = {};
  const daemonCpu = {};
  for (const v of Object.keys(variants)) { res[v] = []; cpu[v] = []; treeCpu[v] = []; daemonCpu[v] = []; }
  const loads = [];
  let backup = null;
  let tree = null;
  if (mode === 'recover') {
    const bin = path.join(Object.values(variants)[0], 'bin/guard.js');
    run(process.execPath, [bin, 'snapshot', '--quiet'], dir);
    run(process.execPath, [bin, 'backup', 'push', '--local-only'], dir);
    backup = JSON.parse(run(process.execPath, [bin, 'backup', 'status', '--json'], dir).stdout).path;
    tree = run('git', ['rev-parse', 'refs/guard/main/head^{tree}'], dir).stdout.trim();
    stop(dir, bin);
  }
  for (let r = 0; r < rounds; r++) {
    const order = Object.entries(variants);
    for (const [v, root] of r % 2 ? order.reverse() : order) {
      const bin = path.join(root, 'bin/guard.js');
      variantCache = { XDG_CACHE_HOME: path.join(HOME, `cache-${v}`) };
      variantName = v;
      loads.push(os.loadavg()[0]);
      fs.rmSync(cpuFile, { force: true });
      if (mode === 'recover') {
        // The baseline: clone --mirror of the backup plus a checkout of the snapshot's tree.
        const mirror = `${dir}-ab-mirror.git`;
        const checkout = `${dir}-ab-checkout`;
        for (const leftover of [mirror, checkout, `${checkout}.index`]) fs.rmSync(leftover, { recursive: true, force: true });
        fs.mkdirSync(checkout);
        const t = process.hrtime.bigint();
        run('git', ['clone', '--quiet', '--mirror', backup, mirror], os.tmpdir());
        const read = spawnSync('git', ['--git-dir', mirror, '--work-tree', checkout, 'read-tree', '-u', '--reset', tree], { env: { ...env, GIT_INDEX_FILE: `${checkout}.index` } });
        if (read.status !== 0) throw new Error(`read-tree: ${read.stderr}`);
        res.status.push(Number(process.hrtime.bigint() - t) / 1e6);
        for (const leftover of [mirror, checkout, `${checkout}.index`]) fs.rmSync(leftover, { recursive: true, force: true });
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        const into = `${dir}-ab-recovered`;
        if (fs.existsSync(path.join(into, '.git'))) stop(into, bin);
        fs.rmSync(into, { recursive: true, force: true });
        res[v].push(timeGuard([bin, 'recover', '--from', backup, '--into', into, '--yes'], os.tmpdir()));
        stop(into, bin);
      } else if (mode === 'watch') {
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        res[v].push(timeGuard([bin, 'watch'], dir));
        stop(dir, bin);
      } else if (mode === 'session') {
        // A session start after a branch change, through the agent hook's shim as Claude Code
        // runs it (hooks/agent-hook.sh; it returns once the session-start snapshot is taken and
        // pushed to the backup and the watcher is ready); the watcher and the session are ended
        // after each.
        run('git', ['branch', '-f', `ab-session-${r}`], dir);
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        const payload = JSON.stringify({ session_id: `ab-${v}-${r}-${Date.now()}`, cwd: dir, hook_event_name: 'SessionStart', source: 'startup' });
        const t = process.hrtime.bigint();
        // Through /usr/bin/time: the CPU of the whole tree the session start waited for (the sh,
        // the hook's Node, every git process it started); the watcher daemon is read from /proc.
        const timeFile = `${cpuFile}.time`;
        const hook = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'sh', path.join(root, 'hooks/agent-hook.sh'), 'claude', 'session-start'], { cwd: dir, env: { ...cpuEnv, ...variantCache }, input: payload, encoding: 'utf8' });
        res[v].push(Number(process.hrtime.bigint() - t) / 1e6);
        if (hook.status !== 0 || hook.stdout.includes('Not ready')) throw new Error(`session start (${v}): ${hook.stdout}${hook.stderr}`);
        const [user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        treeCpu[v].push((user + sys) * 1000);
        try {
          // utime, stime, cutime, cstime (clock ticks: 100 a second here) of the daemon so far.
          const pid = fs.readFileSync(path.join(dir, '.git/guard/watcher.pid'), 'utf8').split(' ')[0].trim();
          const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          daemonCpu[v].push((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10);
        } catch {
          // no daemon (or gone already)
        }
        stop(dir, bin);
        run(process.execPath, [bin, 'session', 'end'], dir, true);
      } else if (mode === 'dirty') {
        // Five tracked files changed and five new ones (bench/snapshot.mjs's dirty case), in a
        // generated repository (bench/.work/repo-*: files d<i>/s<j>/f<n>.txt).
        for (let i = 0; i < 5; i++) {
          const n = i * 1000 + (r % 100);
          fs.writeFileSync(path.join(dir, `d${Math.floor(n / 10000)}`, `s${Math.floor(n / 100) % 100}`, `f${n}.txt`), `${v} ${r} ${Date.now()}\n`);
          fs.writeFileSync(path.join(dir, `d${i}`, `ab-new-${v}-${r}-${i}.txt`), `${v} ${r}\n`);
        }
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        res[v].push(timeGuard([bin, 'snapshot', '--quiet'], dir));
      } else if (mode === 'first-git') {
        // After a commit, as in snapshot mode; the wall time of the whole snapshot is not kept.
        fs.appendFileSync(path.join(dir, 'ab-change.txt'), `${v} ${r}\n`);
        run('git', ['add', 'ab-change.txt'], dir);
        run('git', ['commit', '-q', '-m', `ab ${v} ${r}`], dir);
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        // A file of its own each round: the backup push an earlier snapshot left running in the
        // background writes its git processes' events to the file it was given.
        const trace = `${cpuFile}.${r}.${v}.trace`;
        const started = Date.now();
        timeGuard([bin, 'snapshot', '--quiet'], dir, { GIT_TRACE2_EVENT: trace });
        const first = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((e) => e.event === 'start');
        res[v].push(Date.parse(first.time) - started);
        fs.rmSync(trace, { force: true });
      } else {
        fs.appendFileSync(path.join(dir, 'ab-change.txt'), `${v} ${r}\n`);
        run('git', ['add', 'ab-change.txt'], dir);
        run('git', ['commit', '-q', '-m', `ab ${v} ${r}`], dir);
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        res[v].push(timeGuard([bin, 'snapshot', '--quiet'], dir));
      }
      try {
        cpu[v].push(fs.readFileSync(cpuFile, 'utf8').trim().split('\n').reduce((sum, line) => sum + Number(line), 0));
      } catch {
        // The process wrote nothing (killed): no CPU for this round.
      }
    }
  }
  const st = med(res.status);
  const line = Object.entries(res).filter(([, a]) => a.length).map(([k, a]) => `${k} ${med(a).toFixed(0)} ms [${a.map((x) => x.toFixed(0)).join(' ')}]${k === 'status' ? '' : ` ${(med(a) / st).toFixed(2)}x`}${cpu[k]?.length ? ` cpu ${med(cpu[k]).toFixed(0)} ms` : ''}${treeCpu[k]?.length ? ` (tree ${med(treeCpu[k]).toFixed(0)} ms${mode === 'session' || mode === 'watch' ? `, daemon ${daemonCpu[k].length ? med(daemonCpu[k]).toFixed(0) : '-'} ms` : ''})` : ''}`).join('; ');
  console.log(`${path.basename(dir)} ${mode} (load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}, ${rounds} rounds): ${line}`);
  // Two variants: the second against the first, round by round (each round ran both, in turns).
  const [a, b] = Object.keys(variants);
  if (b) {
    const paired = (x, y) => {
      const d = x.map((v, i) => y[i] - v).filter((v) => Number.isFinite(v));
      return `${med(d) >= 0 ? '+' : ''}${med(d).toFixed(1)} ms median, lower in ${d.filter((v) => v < 0).length} of ${d.length}`;
    };
    console.log(`  ${b} vs ${a}, paired by round: wall ${paired(res[a], res[b])}${treeCpu[a]?.length ? `; tree CPU ${paired(treeCpu[a], treeCpu[b])}` : ''}${cpu[a]?.length ? `; guard CPU ${paired(cpu[a], cpu[b])}` : ''}`);
  }
}
