// Same-run A/B of two built guard checkouts on existing repositories, alternating each round:
// `guard watch` until ready (watch mode; the watcher is stopped after each), a session start
// through the agent hook's shim (session mode), or `guard snapshot`
// after a commit (snapshot mode) or after 5 changed and 5 new files (dirty mode, a generated
// repository), with `git status` and `node -e 0` timed in every round. Prints
// medians, per-round values and ratios to the median `git status`. The repositories are working
// clones made as bench/real-repos.mjs makes them, with `guard init` run once.
// Usage: AB_VARIANTS=before=/path/to/built/main,after=/path/to/built/branch \
//          node bench/ab.mjs watch|session|snapshot|dirty ROUNDS DIR...
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
  try { const pid = Number(fs.readFileSync(path.join(dir, '.git/guard/watcher.pid'), 'utf8')); process.kill(-pid, 'SIGKILL'); } catch {}
}
const rounds = Number(roundsText);
for (const dir of dirs) {
  const res = { status: [], node: [] };
  for (const v of Object.keys(variants)) res[v] = [];
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    for (const [v, root] of Object.entries(variants)) {
      const bin = path.join(root, 'bin/guard.js');
      loads.push(os.loadavg()[0]);
      if (mode === 'watch') {
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        res[v].push(time(process.execPath, [bin, 'watch'], dir));
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
        const hook = spawnSync('sh', [path.join(root, 'hooks/agent-hook.sh'), 'claude', 'session-start'], { cwd: dir, env, input: payload, encoding: 'utf8' });
        res[v].push(Number(process.hrtime.bigint() - t) / 1e6);
        if (hook.status !== 0 || hook.stdout.includes('Not ready')) throw new Error(`session start (${v}): ${hook.stdout}${hook.stderr}`);
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
        res[v].push(time(process.execPath, [bin, 'snapshot', '--quiet'], dir));
      } else {
        fs.appendFileSync(path.join(dir, 'ab-change.txt'), `${v} ${r}\n`);
        run('git', ['add', 'ab-change.txt'], dir);
        run('git', ['commit', '-q', '-m', `ab ${v} ${r}`], dir);
        res.status.push(time('git', ['status'], dir));
        res.node.push(time(process.execPath, ['-e', '0'], dir));
        res[v].push(time(process.execPath, [bin, 'snapshot', '--quiet'], dir));
      }
    }
  }
  const st = med(res.status);
  const line = Object.entries(res).filter(([, a]) => a.length).map(([k, a]) => `${k} ${med(a).toFixed(0)} ms [${a.map((x) => x.toFixed(0)).join(' ')}]${k === 'status' ? '' : ` ${(med(a) / st).toFixed(2)}x`}`).join('; ');
  console.log(`${path.basename(dir)} ${mode} (load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}, ${rounds} rounds): ${line}`);
}
