/**
 * The compiled policy the hook path reads, so that no hook parses YAML:
 *  - `<commonDir>/guard/policy.json`: the effective config (defaults applied) plus `source`,
 *    `sourceHash`/`sourceSize`/`sourceMtimeMs` (staleness), `error` and `problems`;
 *  - `<commonDir>/guard/policy.sh`: the same as sh variables for the shims (policy-sh.ts).
 *
 * A broken .guard.yaml still compiles: to failClosedConfig() with `error` set (and
 * GUARD_CONFIG_ERROR in the sh file), so the hooks fail CLOSED with a message naming the error
 * instead of running unprotected.
 *
 * Staleness: readPolicy compares the source file's size and mtime with the recorded ones and,
 * only when they differ, its sha256; anything else than "same bytes" recompiles. The sh file's
 * mtime is set just past the source file's mtime, so a shim detects an edited .guard.yaml with
 * `[ "$GUARD_POLICY_SOURCE" -nt "$policy_sh" ]` and can then ask Node. Both files are replaced
 * atomically (write + rename), so a concurrent reader sees the old or the new policy, never half.
 */
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Repo, guardCommonPath } from '../git/repo.js';
import { CONFIG_FILE_NAME, POLICY_FORMAT, RULES, type Policy, defaultConfig, failClosedConfig } from '../policy/schema.js';
import { configError, readConfig, sha256 } from './load.js';
import { renderPolicySh } from './policy-sh.js';
import { writeFileAtomic } from '../util/write-atomic.js';

export function policyFiles(repo: Repo): { json: string; sh: string } {
  return { json: guardCommonPath(repo, 'policy.json'), sh: guardCommonPath(repo, 'policy.sh') };
}

let stamp: string | undefined;
/**
 * Changes whenever this guard's defaults, rules or policy format change: old caches recompile.
 * It is the canonical JSON of all three itself (about 3 KB), compared as a string on every
 * readPolicy: exact (no truncated hash), and the hook path needs no node:crypto for it.
 */
export function schemaStamp(): string {
  stamp ??= JSON.stringify({ POLICY_FORMAT, defaults: defaultConfig(), rules: RULES });
  return stamp;
}

/**
 * Validates .guard.yaml and writes policy.json and policy.sh; returns the policy written.
 * `persist: false` writes nothing (a read-only caller such as `guard check-command`).
 */
export async function compilePolicy(repo: Repo, options: { file?: string; persist?: boolean } = {}): Promise<Policy> {
  const read = await readConfig(repo, options);
  const error = read.config ? null : configError(read.problems, read.source.file, repo.root).message;
  const policy: Policy = {
    ...(read.config ?? failClosedConfig()),
    policyFormat: POLICY_FORMAT,
    schemaStamp: schemaStamp(),
    source: read.source.file,
    sourceExists: read.source.exists,
    sourceHash: read.source.hash,
    sourceSize: read.source.size,
    sourceMtimeMs: read.source.mtimeMs,
    compiledAt: new Date().toISOString(),
    error,
    problems: read.problems,
    locations: read.config ? read.locations : {},
  };
  if (options.persist !== false) await writePolicyFiles(repo, policy);
  return policy;
}

async function writePolicyFiles(repo: Repo, policy: Policy): Promise<void> {
  const files = policyFiles(repo);
  await fs.mkdir(guardCommonPath(repo), { recursive: true });
  // sh first: a reader that sees a fresh policy.json can rely on policy.sh being as fresh.
  await writeFileAtomic(files.sh, renderPolicySh(policy, repo.commonDir));
  if (policy.sourceMtimeMs !== null) {
    // Just past the source's mtime (utimes has millisecond precision): `source -nt policy.sh`
    // is false now and true as soon as .guard.yaml is written again.
    const mtime = new Date(Math.floor(policy.sourceMtimeMs) + 1);
    await fs.utimes(files.sh, mtime, mtime);
  }
  await writeFileAtomic(files.json, `${JSON.stringify(policy, null, 2)}\n`);
}

// The read path (readCachedPolicy, isFresh, readPolicy when the cache is fresh) runs in every
// agent hook: it uses synchronous reads, which need neither node:fs/promises nor the thread pool.

/** The cached policy as it is on disk, or null when it is missing, unreadable or from another format. */
export async function readCachedPolicy(repo: Repo): Promise<Policy | null> {
  try {
    const parsed = JSON.parse(fsSync.readFileSync(policyFiles(repo).json, 'utf8')) as Policy;
    if (parsed.policyFormat !== POLICY_FORMAT || parsed.schemaStamp !== schemaStamp()) return null;
    return parsed;
  } catch {
    return null;
  }
}

function isFresh(repo: Repo, policy: Policy): boolean {
  // In the main worktree the source is known without asking git; a moved repository recompiles.
  if (!repo.isLinkedWorktree && policy.source !== path.join(repo.root, CONFIG_FILE_NAME)) return false;
  let stat;
  try {
    stat = fsSync.statSync(policy.source);
  } catch {
    // Gone: fresh only if it was already missing when compiled (a linked worktree re-resolves it).
    return !policy.sourceExists;
  }
  // Not a regular file any more (a FIFO would block the read below): recompile, which reports it.
  if (!policy.sourceExists || !stat.isFile()) return false;
  if (stat.size === policy.sourceSize && stat.mtimeMs === policy.sourceMtimeMs) return true;
  try {
    return sha256(fsSync.readFileSync(policy.source)) === policy.sourceHash;
  } catch {
    return false;
  }
}

/**
 * The policy for the hooks: policy.json when it is up to date (no YAML parsing, usually one
 * read and one stat), else a fresh compile, written for the next reader unless `persist: false`.
 * Never throws for a broken config (the policy then carries `error`); throws only when the
 * policy cannot be written.
 */
export async function readPolicy(repo: Repo, options: { persist?: boolean } = {}): Promise<Policy> {
  const persist = options.persist !== false;
  const cached = await readCachedPolicy(repo);
  if (cached && isFresh(repo, cached)) {
    // A deleted policy.sh alone is rewritten from the cache.
    try {
      if (persist) fsSync.accessSync(policyFiles(repo).sh);
    } catch {
      await writePolicyFiles(repo, cached);
    }
    return cached;
  }
  return compilePolicy(repo, { persist });
}
