/**
 * The rollback fuzzer (rollback-case.ts) on a real project's shape: each case clones the bare
 * repository GUARD_FUZZ_BASE names (e.g. a mirror of expressjs/express: 300 tags, a real tree) as
 * its base state instead of generated history, then generates S0 on top, destroys, rolls back,
 * undoes and interrupts as the generated cases do. Skipped unless GUARD_FUZZ_BASE is set:
 *   GUARD_FUZZ_BASE=/path/to/express.git GUARD_FUZZ_CASES=20 GUARD_FUZZ_SEED=1 npx vitest run test/fuzz/rollback-express.test.ts
 */
import { describe, expect, it } from 'vitest';
import { runCase } from './rollback-case.js';

const base = process.env.GUARD_FUZZ_BASE;
const cases = Number(process.env.GUARD_FUZZ_CASES ?? 5);
const first = Number(process.env.GUARD_FUZZ_SEED ?? 1);

describe.skipIf(!base)('rollback fuzz on a clone of GUARD_FUZZ_BASE', () => {
  for (let seed = first; seed < first + cases; seed++) {
    it(`seed ${seed}`, async () => {
      const result = await runCase(seed, { base: base as string });
      if (process.env.GUARD_FUZZ_VERBOSE) console.log(`seed ${seed}: ${result.ms} ms\n  ${result.log.join('\n  ')}`);
      expect(result.findings, `seed ${seed} on ${base}\n${result.log.join('\n')}\n`).toEqual([]);
    }, 600_000);
  }
});
