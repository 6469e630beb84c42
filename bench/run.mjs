// Runs every benchmark (or those named on the command line: snapshot, hooks, check-command,
// watcher) and prints one table of ratios against plain git measured in the same run.
// Usage: npm run bench [-- snapshot hooks] [--quick]
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, fmt, machine } from './lib.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const available = fs
  .readdirSync(path.join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(f))
  .map((f) => f.replace(/\.mjs$/, ''));
const selected = wanted.length > 0 ? wanted : available;

console.log(`git-guard benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
const all = [];
for (const name of selected) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n## ${name}`);
  const mod = await import(`./${name}.mjs`);
  const rows = await mod.run(quick ? { quick: true, sizes: [20000], rounds: 3 } : {});
  for (const row of rows) {
    const verdict = row.target === undefined ? '' : row.ratio <= row.target ? 'ok' : 'OVER TARGET';
    const baseline = row.git === undefined ? '' : `${row.baseline} ${fmt(row.git)}`;
    console.log(`${row.name.padEnd(60)} ${row.guard !== undefined ? fmt(row.guard).padStart(9) : ''.padStart(9)}  ${baseline.padEnd(28)} ${row.ratio !== undefined ? `${row.ratio.toFixed(2)}x` : (row.note ?? '')}${row.target !== undefined ? ` (target <= ${row.target}x) ${verdict}` : ''}`);
    all.push({ bench: name, ...row });
  }
}
fs.mkdirSync(path.join(ROOT, 'bench', '.work'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench', '.work', 'results.json'), `${JSON.stringify({ machine: machine(), time: new Date().toISOString(), rows: all }, null, 2)}\n`);
console.log('\nresults: bench/.work/results.json');
