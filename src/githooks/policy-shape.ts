/** Wraps a config into the Policy shape the matchers and messages read (no files involved). */
import { POLICY_FORMAT, type ConfigProblem, type GuardConfig, type Policy } from '../policy/schema.js';

export function compilePolicyShape(
  config: GuardConfig,
  meta: { source: string; exists: boolean; hash: string | null; error: string | null; problems: ConfigProblem[]; locations: Policy['locations'] },
): Policy {
  return {
    ...config,
    policyFormat: POLICY_FORMAT,
    schemaStamp: '',
    source: meta.source,
    sourceExists: meta.exists,
    sourceHash: meta.hash,
    sourceSize: null,
    sourceMtimeMs: null,
    compiledAt: new Date().toISOString(),
    error: meta.error,
    problems: meta.problems,
    locations: meta.locations,
  };
}
