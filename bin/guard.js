#!/usr/bin/env node
'use strict';
// The executable stays tiny: everything else is loaded by dist/, command by command.
//
// It is CommonJS (bin/package.json), not an ES module like the rest of the package: starting an ES
// module main initialises Node's ES module loader (a dozen internal modules, fs/promises and
// readline among them), 6-10 ms of CPU on these machines, about a tenth of `node -e 0`. The agent
// hook, check-command, snapshot, watch and rollback on Node < 22.1 run their bundles through
// bin/code-cache.js, which is CommonJS too, so those commands load no ES module at all; every other
// command runs the whole CLI the same way (dist/cli.cjs). Node >= 22.1 (and GUARD_NO_CODE_CACHE=1)
// imports the ES module bundles instead.

// The sh shims and guard's own spawns start this process without NODE_EXTRA_CA_CERTS, which Node 20
// reads and parses at every start (about 37 ms of CPU for a distribution's CA bundle, more than the
// rest of `node -e 0`) though guard opens no TLS connection; they hand the value over in
// GUARD_NODE_EXTRA_CA_CERTS (hooks/lib.sh guard_run_node, src/util/own-node-env.ts). It goes back
// before anything else runs, so every process guard starts (git, hooks, filters, credential
// helpers, a chained hook) sees the variable exactly as the caller had it.
const handedCerts = process.env.GUARD_NODE_EXTRA_CA_CERTS;
if (handedCerts !== undefined) {
  delete process.env.GUARD_NODE_EXTRA_CA_CERTS;
  if (!process.env.NODE_EXTRA_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = handedCerts;
}

// Node >= 22.1 can cache compiled code between runs. Older Node has no such cache, and loading
// node:module only to find that out costs a little at every start, so it is not loaded there.
const [major, minor] = process.versions.node.split('.').map(Number);
const compileCache = major > 22 || (major === 22 && minor >= 1);
if (compileCache) process.getBuiltinModule('node:module').enableCompileCache?.();

const { pathToFileURL } = process.getBuiltinModule('node:url');

// What hooks run on every commit takes the hot entry, which skips commander and the rest of the
// CLI (src/cli/hot.ts); it hands back anything it does not handle itself. agent-hook and
// check-command (every risky agent tool call), `snapshot`, `watch` (the watcher's start and the
// daemon itself) and `rollback` (and its --undo) have bundles of their own with only their code (scripts/build.mjs OWN_BUNDLES);
// they hand back to the full CLI exactly as the hot entry does.
const HOT = new Set(['hook', 'agent-hook', 'check-command', 'snapshot', 'watch', 'rollback']);
const OWN = new Set(['agent-hook', 'check-command', 'snapshot', 'watch', 'rollback']);
// The bundle of its own for this command line, if any. The detached backup pusher that every
// snapshot starts (`backup push --background`, exactly as src/backup/auto-push.ts spawns it) has
// one too: with the whole CLI, loading it cost more CPU than the push (docs/BENCHMARKS.md).
const ownBundle = (argv) =>
  OWN.has(argv[2]) ? argv[2] : argv.length === 5 && argv[2] === 'backup' && argv[3] === 'push' && argv[4] === '--background' ? 'backup-pusher' : null;
// The test suite's own build (dist-test/, with test-only fault injection compiled in; see
// src/util/test-faults.ts) runs only for a process started with GUARD_TEST_BUNDLE=1 in a checkout
// where the tests built it; it is never packed, so for an installed guard the variable does nothing.
const dist = `${__dirname}/../${process.env.GUARD_TEST_BUNDLE === '1' && process.getBuiltinModule('node:fs').existsSync(`${__dirname}/../dist-test/cli.js`) ? 'dist-test' : 'dist'}`;
const load = (file) => import(pathToFileURL(`${dist}/${file}`).href);

async function main(argv) {
  let handled = false;
  const own = ownBundle(argv);
  if (own !== null || HOT.has(argv[2])) {
    if (own !== null && !compileCache && process.env.GUARD_NO_CODE_CACHE !== '1') {
      // Older Node: the same bundle as a CommonJS-style body, compiled with V8's code cache (bin/code-cache.js).
      handled = await require('./code-cache.js').runCached(`hot-${own}`, pathToFileURL(`${dist}/hot-${own}.cjs`), argv);
    } else {
      const { runHot } = await load(own !== null ? `hot-${own}.js` : 'hot.js');
      handled = await runHot(argv);
    }
  }
  if (handled) return;
  if (!compileCache && process.env.GUARD_NO_CODE_CACHE !== '1') {
    // Every other command: the whole CLI the same way (dist/cli.cjs), which also spares the ES
    // module loader; it handles whatever it is given.
    await require('./code-cache.js').runCached('cli', pathToFileURL(`${dist}/cli.cjs`), argv);
  } else {
    await (await load('cli.js')).main(argv);
  }
}

// Not caught: Node ends the process on an unhandled rejection as it did on an error thrown at the top
// of the ES module main this file was (printed, exit status 1).
main(process.argv);
