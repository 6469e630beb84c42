'use strict';
// Loaded by bench/ab.mjs into the guard process it times (NODE_OPTIONS=--require): at exit, appends
// that process's own CPU time (user + system, ms) to $AB_CPU_FILE. Only a process whose argv holds
// $AB_CPU_MATCH (the command timed) writes, not the git hooks or backup pushes it starts. CPU time
// moves far less with the machine's load than wall time does.
const file = process.env.AB_CPU_FILE;
if (file && process.argv.slice(2).includes(process.env.AB_CPU_MATCH)) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    require('node:fs').appendFileSync(file, `${(user + system) / 1000}\n`);
  });
}
