/**
 * The guard steps rollback tests repeat, each failing the test with guard's own message when it
 * does not succeed: a snapshot (its id), and any other command that must exit 0.
 */
import { expect } from 'vitest';
import type { RunResult, TestRepo } from './git-repo.js';

/** `guard snapshot --json`; returns the snapshot's id. */
export function snapshotId(t: TestRepo): string {
  const snap = t.guard(['snapshot', '--json']);
  expect(snap.code, snap.stderr).toBe(0);
  return (JSON.parse(snap.stdout) as { id: string }).id;
}

/** Runs guard with `args` and expects it to succeed. */
export function guardOk(t: TestRepo, args: string[]): RunResult {
  const r = t.guard(args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}
