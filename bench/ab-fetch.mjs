// Same-run A/B of `git fetch` through guard's hooks: a bare upstream with 1,000 tags (600
// annotated) and 150 branches, and one clone per variant with `guard init` of that build (plus
// `none`: a clone without guard). Every round moves main and all 150 branches to new commits and
// adds 5 tags in the upstream (one fast-import), then each clone fetches, the variants' order
// alternating. The number is the CPU time (user + sys) of `git fetch` and everything it starts
// (hooks, Node), read with the shell's `times`; the load average is printed. Nothing ignored is
// at risk: the common case (main's new tip adds a file that is not on disk).
// Usage: AB_VARIANTS=before=/path/to/built/main,after=/path/to/built/branch node bench/ab-fetch.mjs ROUNDS
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const rounds = Number(process.argv[2] ?? 10);
const variants = [['none', null], ...(process.env.AB_VARIANTS ?? '').split(',').filter(Boolean).map((v) => v.split('='))];
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-ab-fetch-'));
const HOME = path.join(WORK, 'home');
fs.mkdirSync(HOME);
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('GUARD_'))), HOME, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e', LC_ALL: 'C' };
const run = (cmd, args, cwd, input) => {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const med = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const WHEN = '1767225600 +0000';
const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

const up = path.join(WORK, 'up.git');
run('git', ['init', '-q', '--bare', '-b', 'main', up], WORK);
{
  const out = [];
  for (let i = 0; i < 1000; i++) {
    out.push(`commit refs/heads/main\nmark :${i + 1}\ncommitter F <f@e> ${WHEN}\n`, data(`commit ${i}`));
    if (i === 0) for (let f = 0; f < 20; f++) out.push(`M 100644 inline dir/file${f}.txt\n`, data('shared\n'));
    out.push('M 100644 inline history.txt\n', data(`step ${i}`));
  }
  for (let t = 0; t < 1000; t++) {
    if (t < 600) out.push(`tag v${t}\nfrom :${t + 1}\ntagger F <f@e> ${WHEN}\n`, data(`release ${t}`));
    else out.push(`reset refs/tags/light-${t}\nfrom :${t + 1}\n\n`);
  }
  for (let b = 0; b < 150; b++) out.push(`reset refs/heads/branch-${b}\nfrom :${b + 1}\n\n`);
  run('git', ['fast-import', '--quiet', '--done'], up, `${out.join('')}done\n`);
}

const clones = {};
for (const [name, build] of variants) {
  const dir = path.join(WORK, `clone-${name}`);
  run('git', ['clone', '-q', up, dir], WORK);
  run('git', ['config', 'gc.auto', '0'], dir);
  if (build) run(process.execPath, [path.join(build, 'bin', 'guard.js'), 'init', '--yes', '--agents', 'none'], dir);
  clones[name] = dir;
}

/** Moves main and every branch one commit on (main's adds a new file) and adds 5 tags. */
function advance(round) {
  const out = [`commit refs/heads/main\ncommitter F <f@e> ${WHEN}\n`, data(`round ${round}`), 'from refs/heads/main^0\n', `M 100644 inline new/round-${round}.txt\n`, data(`${round}\n`)];
  for (let b = 0; b < 150; b++) out.push(`commit refs/heads/branch-${b}\ncommitter F <f@e> ${WHEN}\n`, data(`round ${round} ${b}`), `from refs/heads/branch-${b}^0\n`, `M 100644 inline branch.txt\n`, data(`${round} ${b}\n`));
  for (let t = 0; t < 5; t++) out.push(`reset refs/tags/r${round}-${t}\nfrom refs/heads/main^0\n\n`);
  run('git', ['fast-import', '--quiet', '--done'], up, `${out.join('')}done\n`);
}

/** CPU ms (user + sys) of `git fetch -q` and all it started. */
function fetchCpu(dir) {
  const out = run('sh', ['-c', 'git fetch -q origin && times'], dir).trim().split('\n');
  const [user, sys] = out[out.length - 1].split(/\s+/).map((v) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(v);
    return Number(m[1]) * 60000 + Number(m[2]) * 1000;
  });
  return user + sys;
}

const cpu = Object.fromEntries(variants.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round++) {
  advance(round);
  const order = round % 2 ? [...variants].reverse() : variants;
  for (const [name] of order) cpu[name].push(fetchCpu(clones[name]));
}
console.log(`git ${run('git', ['--version'], WORK).trim()}, node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`git fetch moving main + 150 branches, 5 new tags (1,000 tags, 150 branches), ${rounds} alternating rounds, CPU ms (user+sys) median [min-max]:`);
for (const [name] of variants) console.log(`  ${name.padEnd(8)} ${med(cpu[name]).toFixed(1)} [${Math.min(...cpu[name]).toFixed(1)}-${Math.max(...cpu[name]).toFixed(1)}]  all: ${cpu[name].map((v) => v.toFixed(0)).join(' ')}`);
fs.rmSync(WORK, { recursive: true, force: true });
