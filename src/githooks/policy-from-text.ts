/**
 * A policy built from .guard.yaml text that is not the worktree's file: a blob of the default
 * branch in a bare server repository, a copy pinned next to it, or the base of a range that
 * `guard verify` checks. Same rules as compile.ts: a broken file gives the fail-closed policy with
 * the error, never the defaults.
 */
import { compilePolicyShape } from './policy-shape.js';
import type { Policy } from '../policy/schema.js';

export async function policyFromText(text: string | null, label: string): Promise<Policy> {
  const { parseConfigText, configError, sha256 } = await import('../config/load.js');
  const { defaultConfig, failClosedConfig } = await import('../policy/schema.js');
  if (text === null) return compilePolicyShape(defaultConfig(), { source: label, exists: false, hash: null, error: null, problems: [], locations: {} });
  const parsed = await parseConfigText(text, label, { configDir: '/' });
  const hash = sha256(Buffer.from(text));
  if (!parsed.config) {
    const error = configError(parsed.problems, label, '/').message;
    return compilePolicyShape(failClosedConfig(), { source: label, exists: true, hash, error, problems: parsed.problems, locations: {} });
  }
  return compilePolicyShape(parsed.config, { source: label, exists: true, hash, error: null, problems: [], locations: parsed.locations });
}
