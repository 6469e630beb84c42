/**
 * What the deny path of `guard agent-hook` (and check-command) loads of Node: their bundles take
 * its built-ins on demand (scripts/build.mjs), so a deny loads no built-in module beyond what an
 * empty ES module script loads, and check-command only what spawning git needs. A regression
 * here (a static import that comes back, a stream set up for stdio) costs milliseconds on every
 * agent tool call, which no timing test could pin down on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

// On Node < 22.1 the launcher runs these bundles through V8's code cache (bin/code-cache.js): that
// needs node:vm (the only way to a code cache there), and nothing else.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const CODE_CACHE = major > 22 || (major === 22 && minor >= 1) ? [] : ['vm'];

const PRELOAD = `process.on('exit', () => { require('fs').writeSync(2, '\\nMODULES ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ') + '\\nPACKAGES ' + Object.keys(require.cache).filter((f) => f.includes('node_modules')).join(' ') + '\\n'); });\n`;

/** Files loaded from node_modules through the CommonJS loader. */
function packages(stderr: string): string[] {
  const line = stderr.split('\n').find((l) => l.startsWith('PACKAGES '));
  expect(line).toBeDefined();
  return (line as string).slice('PACKAGES '.length).split(' ').filter(Boolean);
}

function loaded(stderr: string): Set<string> {
  const line = stderr.split('\n').find((l) => l.startsWith('MODULES '));
  expect(line).toBeDefined();
  return new Set((line as string).slice('MODULES '.length).split(' '));
}

/** Runs Node with the preload that reports loaded modules; `base` is what an empty ES module loads. */
function tracer(t: TestRepo) {
  const preload = path.join(t.base, 'preload.cjs');
  fs.writeFileSync(preload, PRELOAD);
  const empty = path.join(t.base, 'empty.mjs');
  fs.writeFileSync(empty, '');
  const run = (args: string[], input = '', env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['-r', preload, ...args], { cwd: t.dir, env: { ...t.env, ...env }, input, encoding: 'utf8' });
  return { run, base: loaded(run([empty]).stderr) };
}

/** What the agent-hook shim hands Node (GUARD_SHIM_REPO), so the hook skips its own rev-parse. */
function shimRepo(t: TestRepo): string {
  return t.git(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir', '--git-path', 'index']).trimEnd();
}

describe('built-in modules on the hook paths', () => {
  it('a deny through guard agent-hook loads none beyond an empty ES module; check-command adds only what spawning git needs', async () => {
    await withTestRepo((t) => {
      const { run, base } = tracer(t);

      const repoDirs = shimRepo(t);
      const payload = JSON.stringify({ session_id: 'conv-b', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'git push --force origin main' } });
      // The first call starts the session (snapshot, watcher): the second one is the common case.
      run([GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], payload, { GUARD_SHIM_REPO: repoDirs });
      const deny = run([GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], payload, { GUARD_SHIM_REPO: repoDirs });
      expect(deny.stdout).toContain('"permissionDecision":"deny"');
      expect([...loaded(deny.stderr)].filter((m) => !base.has(m) && !CODE_CACHE.includes(m))).toEqual([]);

      const check = run([GUARD_BIN, 'check-command', '--json', 'git push --force origin main']);
      expect(check.status).toBe(3);
      const extra = [...loaded(check.stderr)].filter((m) => !base.has(m));
      expect(extra).toContain('child_process');
      expect(extra.filter((m) => /crypto|fs\/promises|^os$|^module$|^tty$/.test(m))).toEqual([]);

      // Through the code cache both answer without Node's ES module loader (bin/guard.js is CommonJS):
      // its start cost them 6-10 ms of CPU.
      if (CODE_CACHE.length > 0) {
        const esm = ['internal/modules/esm/loader', 'internal/modules/esm/module_job', 'internal/fs/promises', 'internal/readline/interface'];
        for (const result of [deny, check]) expect([...loaded(result.stderr)].filter((m) => esm.includes(m))).toEqual([]);
      }
    });
  });

  it('a verdict from the repository state (ignored output, a protected path, a ref check) loads no package file and nothing beyond spawning git', async () => {
    await withTestRepo((t) => {
      const { run, base } = tracer(t);
      t.write('README.md', 'first\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'first']);
      t.write('.gitignore', 'dist/\n');
      t.write('dist/bundle.js', 'built\n');
      t.write('db/migrations/001.sql', 'create table t (id int);\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'second']);
      const repoDirs = shimRepo(t);
      const hook = (command: string) =>
        run([GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], JSON.stringify({ session_id: 'conv-s', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } }), { GUARD_SHIM_REPO: repoDirs });
      hook('ls'); // starts the session
      for (const [command, decision] of [
        ['rm -rf dist', null],
        ['rm -rf db', 'protected-path'],
        ['git reset --hard HEAD~1', 'protected-branch-rewrite'],
      ] as const) {
        const result = hook(command);
        if (decision === null) expect(result.stdout).toBe('');
        else expect(result.stdout).toContain(decision);
        // picomatch comes from inside the bundle (scripts/build.mjs), never through the CommonJS loader.
        expect({ command, packages: packages(result.stderr) }).toEqual({ command, packages: [] });
        const extra = [...loaded(result.stderr)].filter((m) => !base.has(m));
        expect(extra).toContain('child_process');
        expect({ command, extra: extra.filter((m) => /crypto|fs\/promises|^os$|^module$|^tty$|readline/.test(m)) }).toEqual({ command, extra: [] });
      }
    });
  });
});
