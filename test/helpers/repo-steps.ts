/**
 * The plain steps (no guard involved) with which tests lay out a repository and act in it as an
 * agent would: write a set of files, commit them, take the project's default policy, run a shell
 * command. Each runs in the test repository's hermetic environment (git-repo.ts: own HOME,
 * GIT_CONFIG_GLOBAL=/dev/null, fixed dates so commits have stable ids, gc off) and fails the test
 * when git or the command fails, with its stderr; none swallows an exit code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT, type TestRepo } from './git-repo.js';

/** Paths (relative to the repository) and their contents; a [content, mode] pair sets the mode too. */
export type Files = Record<string, string | Buffer | [string | Buffer, number]>;

/** Writes `files` into the working tree, in the order given (keep names that are plain numbers out: JS puts them first). */
export function writeFiles(t: TestRepo, files: Files): void {
  for (const [file, value] of Object.entries(files)) {
    if (Array.isArray(value)) t.write(file, value[0], value[1]);
    else t.write(file, value);
  }
}

/** Writes `files`, then `git add -A` and `git commit -m message`: everything in the working tree not ignored. */
export function commitFiles(t: TestRepo, files: Files, message = 'init'): void {
  writeFiles(t, files);
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', message]);
}

/** Writes `files`, force-adds exactly them (ignored ones too) and commits: a commit that tracks what the repository ignores. */
export function commitForced(t: TestRepo, files: Files, message: string): void {
  writeFiles(t, files);
  t.git(['add', '-f', '--', ...Object.keys(files)]);
  t.git(['commit', '-q', '-m', message]);
}

/** The policy `guard init` writes (templates/guard.default.yaml) as the repository's .guard.yaml, not committed. */
export function useDefaultPolicy(t: TestRepo): void {
  fs.copyFileSync(path.join(PROJECT_ROOT, 'templates', 'guard.default.yaml'), path.join(t.dir, '.guard.yaml'));
}

/** Runs `command` with sh in the repository (or `cwd`) as the agent's shell tool would; it must exit 0. */
export function shellOk(t: TestRepo, command: string, cwd = t.dir): void {
  const r = spawnSync('sh', ['-c', command], { cwd, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}
