import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderShim } from '../../../src/githooks/install/shim.js';

// The installed reference-transaction shim is lib.sh's first part, the hook's early part, then the
// rest (src/githooks/install/shim.ts): the runs the early part answers never make sh parse the
// rest. Cut the shim where the rest of lib.sh starts and put `exit 42` there: a run the early part
// answers exits as the whole shim would (0, or the chained hook's status); any other run reaches
// the cut. What each of those runs decides is the integration tests' business
// (test/integration/githooks/reference-transaction.test.ts, coexistence.test.ts).

const Z = '0'.repeat(40);
const Z256 = '0'.repeat(64);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const REACHED_THE_REST = 42;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-shim-early-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cutShim(): Promise<string> {
  const shim = await renderShim('reference-transaction', { inCommonDir: true, pkg: '/nonexistent', node: '/nonexistent' });
  const restOfLib = shim.indexOf('\nguard_setup() {\n');
  const early = shim.indexOf('\nguard_pseudo_noop() {\n');
  // The early part comes before the rest of lib.sh, and the rest is there.
  expect(early).toBeGreaterThan(0);
  expect(restOfLib).toBeGreaterThan(early);
  const hooks = path.join(dir, 'hooks');
  fs.mkdirSync(hooks, { recursive: true });
  const file = path.join(hooks, 'reference-transaction');
  fs.writeFileSync(file, `${shim.slice(0, restOfLib + 1)}exit ${REACHED_THE_REST}\n`, { mode: 0o755 });
  return file;
}

function run(file: string, state: string, lines: string[]): number | null {
  const input = lines.map((l) => `${l}\n`).join('');
  return spawnSync(file, [state], { cwd: dir, input, env: { PATH: process.env.PATH ?? '' } }).status;
}

describe('reference-transaction shim: the early part', () => {
  it('answers aborted runs, pseudo-ref deletions and prepared runs that name no branch or guard ref; nothing else', async () => {
    const file = await cutShim();
    const early: Array<[string, string[]]> = [
      ['aborted', [`${A} ${B} refs/heads/main`]],
      ['aborted', [`${Z} ${Z} CHERRY_PICK_HEAD`]],
      ['prepared', [`${Z} ${Z} CHERRY_PICK_HEAD`]],
      ['committed', [`${Z} ${Z} REBASE_HEAD`, `${Z} ${Z} AUTO_MERGE`]],
      ['prepared', [`${A} ${B} HEAD`]],
      ['prepared', [`${Z} ${B} REBASE_HEAD`]],
      ['prepared', [`${A} ${B} ORIG_HEAD`, `${Z} ${A} refs/tags/v1`, `${A} ${B} refs/remotes/origin/main`]],
      ['prepared', [`${A} ${Z} refs/tags/v1`]],
      ['prepared', [`${Z} ${Z} CHERRY_PICK_HEAD`, `${A} ${B} HEAD`]],
    ];
    const rest: Array<[string, string[]]> = [
      ['prepared', [`${A} ${B} HEAD`, `${A} ${B} refs/heads/feature`]],
      ['prepared', [`${Z} ${A} refs/guard/snapshots/x`]],
      ['prepared', [`${Z} ${Z} refs/tags/v1`]],
      ['prepared', [`${Z256} ${Z256} refs/tags/v1`]],
      ['committed', [`${A} ${B} HEAD`]],
      ['committed', [`${Z} ${Z} CHERRY_PICK_HEAD`, `${A} ${B} HEAD`]],
      ['committed', [`${Z} ${Z} refs/heads/gone`]],
    ];
    for (const [state, lines] of early) expect([state, lines, run(file, state, lines)]).toEqual([state, lines, 0]);
    for (const [state, lines] of rest) expect([state, lines, run(file, state, lines)]).toEqual([state, lines, REACHED_THE_REST]);
  });

  it('with a chained hook, runs it from the early part only for pseudo-refs (its status aborts a prepared run)', async () => {
    const file = await cutShim();
    const log = path.join(dir, 'chained.log');
    fs.writeFileSync(`${file}.guard-chained`, `#!/bin/sh\nprintf '%s ' "$1" >>'${log}'\ncat >>'${log}'\nexit 3\n`, { mode: 0o755 });
    try {
      expect(run(file, 'prepared', [`${Z} ${Z} CHERRY_PICK_HEAD`])).toBe(3);
      expect(run(file, 'committed', [`${Z} ${Z} CHERRY_PICK_HEAD`])).toBe(0);
      expect(fs.readFileSync(log, 'utf8')).toBe(`prepared ${Z} ${Z} CHERRY_PICK_HEAD\ncommitted ${Z} ${Z} CHERRY_PICK_HEAD\n`);
      // Everything else goes on to the full path, which runs the chained hook there.
      expect(run(file, 'aborted', [`${A} ${B} HEAD`])).toBe(REACHED_THE_REST);
      expect(run(file, 'prepared', [`${A} ${B} HEAD`])).toBe(REACHED_THE_REST);
    } finally {
      fs.rmSync(`${file}.guard-chained`, { force: true });
      fs.rmSync(log, { force: true });
    }
  });
});
