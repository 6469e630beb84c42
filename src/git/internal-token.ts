/**
 * How guard's own ref writes (snapshots, rollback, retention) identify themselves to guard's
 * hooks. An environment variable alone must never disable a protection (an agent can set one),
 * so the token in GUARD_INTERNAL_TOKEN is only honoured while the matching file
 * `<commonDir>/guard/internal/<token>` exists, i.e. while this guard operation is running.
 * This raises the bar; it is not a security boundary against a process running as the user
 * (docs/SECURITY.md says so).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Repo } from './repo.js';
import { guardCommonPath } from './repo.js';

export const INTERNAL_TOKEN_ENV = 'GUARD_INTERNAL_TOKEN';

/** Runs fn with a live token; fn receives the env to pass to git calls that write refs. */
export async function withInternalToken<T>(repo: Repo, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
  const dir = guardCommonPath(repo, 'internal');
  const file = `${dir}/${token}`;
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, `${new Date().toISOString()}\n`, { mode: 0o600 });
  try {
    return await fn({ [INTERNAL_TOKEN_ENV]: token });
  } finally {
    await fs.rm(file, { force: true });
  }
}
