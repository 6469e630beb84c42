/**
 * A bare upstream, a teammate's clone (`seed`) and the clone under test (`t.dir`, guard's git
 * hooks installed, no agent hooks), both ignoring what `gitignore` says, with the local ignored
 * `.env` (`secret`, 0600) on disk: the setting of a teammate's `git add -f .env` that a pull
 * writes over the local one (githooks/pull-landing, githooks/pull-hooks-off).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { createTestRepo, quietRepoConfig, type TestRepo } from './git-repo.js';

export interface TeammateClone {
  t: TestRepo;
  /** The bare upstream. */
  up: string;
  /** The teammate's clone. */
  seed: string;
  /** Runs git in the teammate's clone (`input` on its stdin); throws with git's message when it fails. */
  seedGit(args: string[], input?: string): string;
}

export function teammateClone(gitignore: string, secret: Buffer): TeammateClone {
  const t = createTestRepo({ init: false });
  buildTeammateClone(t, gitignore, secret);
  return teammateCloneIn(t);
}

/**
 * Builds teammateClone's setting in `t` (made with `init: false`): for a template built once per
 * file (repo-template.ts, `repoTemplate(build, { init: false })`) whose copies teammateCloneIn takes.
 */
export function buildTeammateClone(t: TestRepo, gitignore: string, secret: Buffer): void {
  const up = path.join(t.base, 'up.git');
  const seed = path.join(t.base, 'seed');
  const run = (args: string[], cwd: string): string => {
    const r = spawnSync('git', args, { cwd, env: t.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  run(['init', '-q', '--bare', '-b', 'main', up], t.base);
  run(['init', '-q', '-b', 'main', seed], t.base);
  quietRepoConfig(seed);
  fs.writeFileSync(path.join(seed, 'app.txt'), 'app\n');
  fs.writeFileSync(path.join(seed, '.gitignore'), gitignore);
  run(['add', '.'], seed);
  run(['commit', '-q', '-m', 'start'], seed);
  run(['remote', 'add', 'origin', up], seed);
  run(['push', '-q', '-u', 'origin', 'main'], seed);
  run(['clone', '-q', up, t.dir], t.base);
  quietRepoConfig(t.dir);
  const init = t.guard(['init', '--yes', '--agents', 'none']);
  expect(init.code, init.stderr).toBe(0);
  t.write('.env', secret, 0o600);
}

/** The setting buildTeammateClone made in `t` (or in a copy of it). */
export function teammateCloneIn(t: TestRepo): TeammateClone {
  const up = path.join(t.base, 'up.git');
  const seed = path.join(t.base, 'seed');
  const seedGit = (args: string[], input?: string): string => {
    const r = spawnSync('git', args, { cwd: seed, env: t.env, encoding: 'utf8', input });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return { t, up, seed, seedGit };
}

/**
 * Runs the give-back command guard printed (`rollback ID --paths .env`, as words) and checks that
 * it gives `.env` back byte for byte at 0600 and nothing else: HEAD and the pulled `more.txt` stay.
 */
export function givesBackOnlyEnv(t: TestRepo, command: string[], secret: Buffer): void {
  const head = t.git(['rev-parse', 'HEAD']);
  const back = t.guard([...command, '--yes']);
  expect(back.code, back.stderr + back.stdout).toBe(0);
  expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(secret);
  expect((fs.lstatSync(path.join(t.dir, '.env')).mode & 0o777).toString(8)).toBe('600');
  expect(t.git(['rev-parse', 'HEAD'])).toBe(head);
  expect(t.read('more.txt')).toBe('more\n');
}
