/**
 * A sparse checkout's state as a snapshot records it (format.ts `sparse`; docs/snapshot-format.md
 * owns the layout): this worktree's pattern file (`git rev-parse --git-path
 * info/sparse-checkout`, asked in the same rev-parse as the operation markers, so no process of
 * its own) as a blob kept in K's tree as `sparse-checkout`, and core.sparseCheckout,
 * core.sparseCheckoutCone and index.sparse as this worktree's git reads them. Without it a
 * rollback after an agent's `git sparse-checkout set` gave back the files but not the person's
 * view, and guard's reapply ran under the agent's patterns.
 *
 * Cheap: the blob id is computed here from the file's bytes (no git), and the config is read (one
 * `git config`) only when there is a pattern file and the bytes of the repository's config files
 * (the common `config` and this worktree's `config.worktree`) differ from the ones the previous
 * snapshot read them with (`configKey`). A repository without a pattern file pays one failed
 * read. Config set in the global or system file, or by an include, is seen only when one of those
 * files or the patterns change.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { writeObjects } from '../git/batch-objects.js';
import type { TreeEntry } from '../git/objects.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import type { HashName } from './operation-dirs.js';

/** The three settings, as git reads them for this worktree; null when unset. */
export interface SparseConfig {
  sparseCheckout: boolean | null;
  cone: boolean | null;
  sparseIndex: boolean | null;
}

export interface SparseState {
  /** Blob id of this worktree's pattern file, null when there is none. */
  patterns: string | null;
  /** Recorded only with a pattern file (without one git applies no patterns). */
  config?: SparseConfig;
  /** Hash of the config files' bytes `config` was read with: read again only when they change. */
  configKey?: string;
}

export interface SparseRead {
  state: SparseState;
  /** The pattern file's bytes, to be written as the blob `state.patterns`. */
  content: Buffer | null;
}

export const SPARSE_KEEPER_ENTRY = 'sparse-checkout';

const KEYS: Array<[keyof SparseConfig, string]> = [
  ['sparseCheckout', 'core.sparsecheckout'],
  ['cone', 'core.sparsecheckoutcone'],
  ['sparseIndex', 'index.sparse'],
];

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}

function blobId(content: Buffer, hash: HashName): string {
  return createHash(hash).update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** The key of the config files' bytes: absent and empty differ. */
async function configKey(repo: Repo): Promise<string> {
  const digest = createHash('sha1');
  for (const file of [path.join(repo.commonDir, 'config'), path.join(repo.gitDir, 'config.worktree')]) {
    const bytes = await readOrNull(file);
    digest.update(bytes === null ? '-' : `+${bytes.length}:`);
    if (bytes) digest.update(bytes);
  }
  return digest.digest('hex');
}

/** The three settings in one `git config` (the last value wins, as git reads it). */
export async function readSparseConfig(repo: Repo): Promise<SparseConfig> {
  const pattern = `^(${KEYS.map(([, key]) => key.replace('.', '\\.')).join('|')})$`;
  const result = await runGit(['config', '-z', '--type=bool', '--get-regexp', pattern], { cwd: repo.root, okCodes: [1] });
  const config: SparseConfig = { sparseCheckout: null, cone: null, sparseIndex: null };
  // -z: "key\nvalue\0" per entry.
  for (const record of result.stdout.toString('utf8').split('\0')) {
    const eol = record.indexOf('\n');
    if (eol < 0) continue;
    const key = KEYS.find(([, name]) => name === record.slice(0, eol).toLowerCase());
    if (key) config[key[0]] = record.slice(eol + 1) === 'true';
  }
  return config;
}

/** The state of the pattern file at `file` (null: git named none) and of the config, reusing `previous`'s config when its files did not change. */
export async function readSparseState(repo: Repo, file: string | null, hash: HashName, previous: SparseState | undefined): Promise<SparseRead> {
  const content = file ? await readOrNull(file) : null;
  if (content === null) return { state: { patterns: null }, content: null };
  const key = await configKey(repo);
  const config = previous?.config && previous.configKey === key ? previous.config : await readSparseConfig(repo);
  return { state: { patterns: blobId(content, hash), config, configKey: key }, content };
}

/** Writes the pattern file's blob when the previous snapshot did not record the same (one `hash-object`). */
export async function recordSparsePatterns(repo: Repo, read: SparseRead, previous: SparseState | undefined): Promise<void> {
  if (!read.content || !read.state.patterns || previous?.patterns === read.state.patterns) return;
  const [oid] = await writeObjects(repo, 'blob', [read.content]);
  if (oid !== read.state.patterns) throw new GuardError('internal', `git wrote ${oid} for the sparse-checkout patterns computed as ${read.state.patterns}`);
}

/** K's tree entry that keeps the pattern file's blob. */
export function sparseEntries(state: SparseState | undefined): TreeEntry[] {
  return state?.patterns ? [{ mode: '100644', type: 'blob', oid: state.patterns, name: SPARSE_KEEPER_ENTRY }] : [];
}

/** Whether git applies patterns: a pattern file and core.sparseCheckout true. */
export function sparseOn(state: SparseState | undefined): boolean {
  return state?.patterns != null && state.config?.sparseCheckout === true;
}

/** The same view and settings (the key aside: other bytes, same values, same state). */
export function sameSparse(a: SparseState | undefined, b: SparseState | undefined): boolean {
  const norm = (s: SparseState | undefined): string => JSON.stringify(s ? [s.patterns, s.config ?? null] : null);
  return norm(a) === norm(b);
}
