/**
 * A build tool's `distclean` run by an agent, as the make and Taskfile tests drive it: its
 * recipe deletes the build output and then runs `git clean -xdf`. The command guard judges the
 * recipe text (a snapshot capturing the ignored `.env`, `local.db`, `sub/data.db`), the installed
 * Claude hook takes that snapshot, the real deletions run, and `guard rollback` gives the
 * ignored files back, bytes and modes, everything but the regenerable output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { checkVerdict } from './verdicts.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from './guard-steps.js';
import { stateWithModes } from './state.js';
import type { TestRepo } from './git-repo.js';

/** The ignored files the distclean reaches, which the snapshot must capture. */
export const DISTCLEAN_CAPTURED = ['.env', 'local.db', 'sub/data.db'];

/**
 * `command` (`make distclean`, `task distclean`) whose verdict names `site` (`Makefile:23`);
 * `output` is what the recipe's own deletion of `build/` takes and no rollback brings back
 * (regenerable output, not captured).
 */
export function distcleanCapturedThenRolledBack(t: TestRepo, command: string, site: string, output: (file: string) => boolean): void {
  const verdict = checkVerdict(t, command, { asAgent: true });
  expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
  expect(verdict.reason).toContain('.env');
  expect(verdict.reason).toContain(site);
  const before = stateWithModes(t, DISTCLEAN_CAPTURED);
  expect(installedClaudeHook(t, command).decision).toBe('allow');
  const captured = loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot');
  expect(captured).toHaveLength(1);
  expect(captured[0]?.capturedIgnored).toEqual(expect.arrayContaining(DISTCLEAN_CAPTURED));
  // What the recipes do: the build output's rm, then git clean -xdf.
  fs.rmSync(path.join(t.dir, 'build'), { recursive: true });
  t.git(['clean', '-xdfq']);
  expect(fs.existsSync(path.join(t.dir, '.env'))).toBe(false);
  rollbackOk(t);
  const kept = (state: ReturnType<typeof stateWithModes>): typeof state => ({ ...state, files: Object.fromEntries(Object.entries(state.files).filter(([file]) => !output(file))) });
  expect(kept(stateWithModes(t, DISTCLEAN_CAPTURED))).toEqual(kept(before));
}
