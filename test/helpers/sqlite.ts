/**
 * The real sqlite3 shell for tests of database files (migrations, clients): whether it is on this
 * machine, a statement run against a file of a test repository, and a file's sha256 to compare
 * bytes before and after a rollback.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import type { TestRepo } from './git-repo.js';

export const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;

/** Runs `sql` with sqlite3 on the repository's `file`; its output. */
export function sqlite(t: TestRepo, file: string, sql: string): string {
  const r = spawnSync('sqlite3', [path.join(t.dir, file), sql], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The sha256 of the repository's `file`. */
export function sha(t: TestRepo, file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(t.dir, file))).digest('hex');
}
