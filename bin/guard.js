#!/usr/bin/env node
// The executable stays tiny: everything else is loaded by dist/, command by command.

// Node >= 22.1 can cache compiled code between runs. Older Node has no such cache, and loading
// node:module only to find that out costs a little at every start, so it is not loaded there.
const [major, minor] = process.versions.node.split('.').map(Number);
const compileCache = major > 22 || (major === 22 && minor >= 1);
if (compileCache) process.getBuiltinModule('node:module').enableCompileCache?.();

// What hooks run on every commit and tool call (and `snapshot`) takes the hot entry, which skips commander and
// the rest of the CLI (src/cli/hot.ts); it hands back anything it does not handle itself.
// agent-hook and check-command (every risky agent tool call) have bundles of their own with only
// their code, and so has `watch` (the watcher's start and the daemon itself); they hand back to
// the full CLI exactly as the hot entry does.
const HOT = new Set(['hook', 'agent-hook', 'check-command', 'snapshot', 'watch']);
// The test suite's own build (dist-test/, with test-only fault injection compiled in; see
// src/util/test-faults.ts) runs only for a process started with GUARD_TEST_BUNDLE=1 in a checkout
// where the tests built it; it is never packed, so for an installed guard the variable does nothing.
const dist = process.env.GUARD_TEST_BUNDLE === '1' && (await import('node:fs')).existsSync(new URL('../dist-test/cli.js', import.meta.url)) ? '../dist-test' : '../dist';
let handled = false;
if (HOT.has(process.argv[2])) {
  const own = process.argv[2] === 'agent-hook' || process.argv[2] === 'check-command';
  if (own && !compileCache && process.env.GUARD_NO_CODE_CACHE !== '1') {
    // Older Node: the same bundle as a CommonJS-style body, compiled with V8's code cache (bin/code-cache.js).
    const { runCached } = await import('./code-cache.js');
    handled = await runCached(`hot-${process.argv[2]}`, new URL(`${dist}/hot-${process.argv[2]}.cjs`, import.meta.url), process.argv);
  } else {
    const { runHot } =
      process.argv[2] === 'agent-hook'
        ? await import(`${dist}/hot-agent-hook.js`)
        : process.argv[2] === 'check-command'
          ? await import(`${dist}/hot-check-command.js`)
          : process.argv[2] === 'watch'
            ? await import(`${dist}/hot-watch.js`)
            : await import(`${dist}/hot.js`);
    handled = await runHot(process.argv);
  }
}
if (!handled) {
  const { main } = await import(`${dist}/cli.js`);
  await main(process.argv);
}
