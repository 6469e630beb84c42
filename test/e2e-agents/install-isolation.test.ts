/**
 * The suite installs the agents and hook managers it drives with npm, and their install scripts
 * run too. lefthook's runs `lefthook install` where npm was started: from the test runner's
 * directory (git-guard's own checkout) it put a prepare-commit-msg hook and a lefthook.yml into
 * the developer's repository. An install must leave the repository it was started from alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, ensureInstalled, skipReason } from './agents.js';
import { LEFTHOOK } from '../integration/githooks/real-managers.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-install-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('installing a pinned program', () => {
  const skip = skipReason(LEFTHOOK);
  it.skipIf(skip !== null)(`leaves the repository the suite runs in alone (lefthook's install script; ${skip ?? 'real lefthook from npm'})`, () => {
    const repo = path.join(base, 'checkout');
    fs.mkdirSync(repo);
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    expect(spawnSync('git', ['init', '-q', repo], { env }).status).toBe(0);
    const hooksBefore = fs.readdirSync(path.join(repo, '.git', 'hooks')).sort();
    const saved = { cwd: process.cwd(), cache: process.env.GUARD_E2E_CACHE, initCwd: process.env.INIT_CWD };
    // As under `npm test` in that checkout: the runner's directory and npm's INIT_CWD.
    process.chdir(repo);
    process.env.INIT_CWD = repo;
    process.env.GUARD_E2E_CACHE = path.join(base, 'cache');
    try {
      ensureInstalled(LEFTHOOK);
      expect(fs.existsSync(binPath(LEFTHOOK))).toBe(true);
    } finally {
      process.chdir(saved.cwd);
      for (const [key, value] of [['GUARD_E2E_CACHE', saved.cache], ['INIT_CWD', saved.initCwd]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect(fs.readdirSync(path.join(repo, '.git', 'hooks')).sort()).toEqual(hooksBefore);
    expect(fs.readdirSync(repo).sort()).toEqual(['.git']);
  }, 600_000);
});
