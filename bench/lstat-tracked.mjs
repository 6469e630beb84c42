// What knowing every tracked file's permission bits would cost (docs/DECISIONS.md, "Permission
// bits git does not keep"): `git status` (the walk a full snapshot runs) against an lstat of every
// tracked file from Node, alone and while git status runs, on the generated 20k/100k-file
// repositories, alternating in each round. Usage: node bench/lstat-tracked.mjs [ROUNDS] [SIZES...]
import fs from 'node:fs';
import os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { benchEnv, freshCopy, median } from './lib.mjs';

const [roundsText = '9', ...sizesText] = process.argv.slice(2);
const rounds = Number(roundsText);
const sizes = sizesText.length > 0 ? sizesText.map(Number) : [20000, 100000];
const env = benchEnv({ GIT_OPTIONAL_LOCKS: '0' });
const STATUS = ['status', '--porcelain=v2', '-z', '--untracked-files=all'];
const now = () => Number(process.hrtime.bigint()) / 1e6;

for (const files of sizes) {
  const dir = freshCopy(files, 'lstat');
  const names = spawnSync('git', ['ls-files', '-z'], { cwd: dir, env, encoding: 'latin1', maxBuffer: 1 << 30 }).stdout.split('\0').filter(Boolean);
  const lstatAll = () => {
    for (const name of names) fs.lstatSync(Buffer.from(`${dir}/${name}`, 'latin1'), { throwIfNoEntry: false });
  };
  const res = { status: [], lstat: [], both: [] };
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    loads.push(os.loadavg()[0]);
    let t = now();
    spawnSync('git', STATUS, { cwd: dir, env, maxBuffer: 1 << 30 });
    res.status.push(now() - t);
    t = now();
    lstatAll();
    res.lstat.push(now() - t);
    t = now();
    await new Promise((resolve) => {
      const child = spawn('git', STATUS, { cwd: dir, env, stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.resume();
      child.on('close', resolve);
      lstatAll();
    });
    res.both.push(now() - t);
  }
  const st = median(res.status);
  console.log(
    `${files} files (load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}, ${rounds} rounds): git status ${st.toFixed(0)} ms; ` +
      `lstat of every tracked file ${median(res.lstat).toFixed(0)} ms = ${(median(res.lstat) / st).toFixed(2)}x; ` +
      `git status with the lstats beside it ${median(res.both).toFixed(0)} ms = ${(median(res.both) / st).toFixed(2)}x`,
  );
}
