/**
 * Snapshot options as the CLI resolves them: flags over .guard.yaml (through the compiled
 * policy) over defaults.
 */
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import { parseSize, SIZE_HELP } from '../policy/size.js';

export interface SnapshotSettings {
  maxFileSize: number;
  includeIgnored: string[];
  /** Set when .guard.yaml is broken: the defaults were used for snapshot options, say so. */
  configError?: string;
}

export function parseSizeFlag(text: string): number {
  const size = parseSize(text);
  if (size === null) throw new GuardError('user', `"${text}" is not a size`, { hints: [`For --max-file-size, ${SIZE_HELP}.`] });
  return size;
}

export async function snapshotSettings(repo: Repo, flags: { maxFileSize?: string }): Promise<SnapshotSettings> {
  // Validate flags before anything else, so bad input changes nothing.
  const flagSize = flags.maxFileSize !== undefined ? parseSizeFlag(flags.maxFileSize) : undefined;
  const { readPolicy } = await import('../config/compile.js');
  const policy = await readPolicy(repo);
  const settings: SnapshotSettings = {
    maxFileSize: policy.snapshot.maxFileSize,
    includeIgnored: policy.snapshot.includeIgnored,
    ...(policy.error ? { configError: policy.error } : {}),
  };
  if (flagSize !== undefined) settings.maxFileSize = flagSize;
  return settings;
}
