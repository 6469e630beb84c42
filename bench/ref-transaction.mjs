// Issue 11: the reference-transaction hook on one transaction that touches many refs. Two small
// repositories, one with `guard init` (all hooks) and one without; the same `git update-ref
// --stdin` creating N branches, then deleting them, is timed in both, and the ratio is reported.
// The shim's time must grow linearly with N (it grew quadratically when it read its input by
// appending line after line to one shell variable, and forked `git rev-parse` per deleted ref).
// Usage: node bench/run.mjs ref-transaction [--quick]   (docs/BENCHMARKS.md has results)
import fs from 'node:fs';
import path from 'node:path';
import { WORK, git, guardArgs, median, run as exec, time } from './lib.mjs';

function setUp(name, guarded) {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  if (guarded) exec(process.execPath, guardArgs('init', '--yes', '--agents', 'none'), { cwd: dir });
  return { dir, head: git(dir, 'rev-parse', 'HEAD').trim() };
}

export async function run({ quick = false } = {}) {
  const counts = quick ? [1000, 4000] : [1000, 8000];
  const rounds = quick ? 1 : 3;
  const rows = [];
  const repos = { plain: setUp('reftx-plain', false), guard: setUp('reftx-guard', true) };
  for (const n of counts) {
    const times = { create: { plain: [], guard: [] }, delete: { plain: [], guard: [] } };
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so drift on a shared machine hits both alike.
      const keys = round % 2 ? ['guard', 'plain'] : ['plain', 'guard'];
      for (const key of keys) {
        const { dir, head } = repos[key];
        const names = Array.from({ length: n }, (_, i) => `refs/heads/bench/r${round}-${i}`);
        times.create[key].push(time('git', ['update-ref', '--stdin'], { cwd: dir, input: names.map((ref) => `create ${ref} ${head}\n`).join('') }));
        times.delete[key].push(time('git', ['update-ref', '--stdin'], { cwd: dir, input: names.map((ref) => `delete ${ref}\n`).join('') }));
      }
    }
    for (const what of ['create', 'delete']) {
      const guardMs = median(times[what].guard);
      const plainMs = median(times[what].plain);
      rows.push({
        name: `update-ref --stdin: ${what} ${n} branches in one transaction, guard vs none`,
        guard: guardMs,
        git: plainMs,
        baseline: `plain git (${what})`,
        ratio: guardMs / plainMs,
      });
    }
  }
  for (const repo of Object.values(repos)) fs.rmSync(repo.dir, { recursive: true, force: true });
  return rows;
}
