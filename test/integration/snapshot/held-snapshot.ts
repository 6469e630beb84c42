/**
 * `guard snapshot --json` held by the test bundle's hold (GUARD_TEST_SNAPSHOT_HOLD, create.ts
 * holdForTest) while the test changes the repository there: a race made deterministic.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { GUARD_BIN, type TestRepo } from '../../helpers/git-repo.js';
import { waitFor } from '../watcher/helpers.js';

/**
 * Runs `guard snapshot --json` held at `at` ('' or 'scan': after a full walk's scan; 'raw': before
 * its raw files' read; 'memo': after it) and runs each step there in turn: with several, each
 * attempt is held again (the hold re-armed before the release), so an index that changes under
 * every attempt can be made. The snapshot's JSON once it is done (exit 0 expected).
 */
export async function heldSnapshot(repo: TestRepo, at: string, steps: Array<() => void>): Promise<any> {
  const guardDir = path.join(repo.dir, '.git', 'guard');
  fs.mkdirSync(guardDir, { recursive: true });
  fs.writeFileSync(path.join(guardDir, 'test-snapshot-hold'), at);
  const child = spawn(process.execPath, [GUARD_BIN, 'snapshot', '--json'], { cwd: repo.dir, env: { ...repo.env, GUARD_TEST_BUNDLE: '1', GUARD_TEST_SNAPSHOT_HOLD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  const held = path.join(guardDir, 'test-snapshot-held');
  for (const [i, step] of steps.entries()) {
    await waitFor(`the snapshot to hold at ${at || 'its scan'} (attempt ${i + 1})`, () => fs.existsSync(held), 60_000, 20);
    step();
    if (i < steps.length - 1) fs.writeFileSync(path.join(guardDir, 'test-snapshot-hold'), at);
    fs.rmSync(held);
  }
  expect(await done, stderr).toBe(0);
  return JSON.parse(stdout);
}
