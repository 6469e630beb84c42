// Issue 2 benchmarks: whole-process `guard snapshot` and `guard rollback` against plain git
// (`git status`, `git checkout -f`) on generated repositories, measured in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { freshCopy, git, guardArgs, median, run as exec, time } from './lib.mjs';

function mutate(dir, round, count = 5) {
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, 'd0', `s${i}`, `f${i * 100}.txt`);
    fs.writeFileSync(file, `changed in round ${round}\n`);
    fs.writeFileSync(path.join(dir, `new-${round}-${i}.txt`), `new file ${round} ${i}\n`);
  }
}

function deleteEverything(dir) {
  for (const name of fs.readdirSync(dir)) if (name !== '.git') fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}

export async function run({ sizes = [20000, 100000], rounds = 7 } = {}) {
  const rows = [];
  for (const files of sizes) {
    const dir = freshCopy(files, 'snapshot');
    exec(process.execPath, guardArgs('snapshot', '--quiet'), { cwd: dir }); // the first snapshot of a repo is a one-off
    const status = [];
    const snapshot = [];
    const noChange = [];
    const statusClean = [];
    for (let round = 0; round < rounds; round++) {
      mutate(dir, `s${round}`);
      status.push(time('git', ['status'], { cwd: dir }));
      mutate(dir, `g${round}`);
      snapshot.push(time(process.execPath, guardArgs('snapshot', '--quiet'), { cwd: dir }));
      statusClean.push(time('git', ['status'], { cwd: dir }));
      noChange.push(time(process.execPath, guardArgs('snapshot', '--quiet'), { cwd: dir }));
    }
    rows.push({
      name: `snapshot, 5 changed + 5 new files, ${files} files`,
      guard: median(snapshot),
      git: median(status),
      baseline: 'git status',
      ratio: median(snapshot) / median(status),
      target: 1.5,
    });
    rows.push({
      name: `no-change snapshot, ${files} files`,
      guard: median(noChange),
      git: median(statusClean),
      baseline: 'git status',
      ratio: median(noChange) / median(statusClean),
      target: 1.3,
    });

    // Rollback of a session that deleted every file vs `git checkout -f` of the same tree.
    const rollbackRounds = files >= 100000 ? 3 : 5;
    const rollback = [];
    const checkout = [];
    for (let round = 0; round < rollbackRounds; round++) {
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '--allow-empty', '-m', `round ${round}`);
      exec(process.execPath, guardArgs('snapshot', '--quiet', '-m', 'session start'), { cwd: dir });
      deleteEverything(dir);
      rollback.push(time(process.execPath, guardArgs('rollback', '--yes'), { cwd: dir }));
      deleteEverything(dir);
      checkout.push(time('git', ['checkout', '-f', 'HEAD'], { cwd: dir }));
    }
    rows.push({
      name: `rollback after every file was deleted, ${files} files`,
      guard: median(rollback),
      git: median(checkout),
      baseline: 'git checkout -f',
      ratio: median(rollback) / median(checkout),
      target: 2,
    });
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
